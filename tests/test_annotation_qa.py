from conftest import export_tasks, write_json

from govner.data.annotation_qa import check_annotations, read_accepted, statistics
from govner.data.labelstudio_format import read_export
from govner.errors import GovnerError
from govner.labels import ENTITY_LABELS


def qa(tmp_path, rows):
    path = write_json(tmp_path / "qa.json", export_tasks(rows))
    return check_annotations(read_export(path), ENTITY_LABELS)


def checks(report):
    return sorted((f.check, f.surface) for f in report.warnings)


def test_clean_sentences_give_no_finding(tmp_path):
    report = qa(
        tmp_path,
        [("全年[[地区生产总值|INDICATOR]][[717.11|QUANTITY]][[亿元|UNIT]]，增长[[3.0|QUANTITY]][[%|UNIT]]。", "a")],
    )
    assert report.errors == [] and report.warnings == []


def test_span_on_punctuation_is_an_error_but_paired_quotes_are_fine(tmp_path):
    report = qa(
        tmp_path,
        [
            ("培育[[“专精特新”企业|INDICATOR]][[20|QUANTITY]][[家|UNIT]]。", "a"),
            ("新增[[企业，|INDICATOR]][[20|QUANTITY]][[家|UNIT]]。", "a"),
        ],
    )
    assert [(f.check, f.surface, f.task_id) for f in report.errors] == [("span_edge", "企业，", "2")]


def test_sentence_level_checks(tmp_path):
    report = qa(
        tmp_path,
        [
            ("完成[[亿元|UNIT]]目标。", "a"),  # unit without quantity
            (
                "[[单位产出强度|INDICATOR]]明显提高，产值[[3|QUANTITY]][[亿元|UNIT]]。",
                "a",
            ),  # indicator without quantity
            ("[[全年地区生产总值|INDICATOR]][[717|QUANTITY]][[亿元|UNIT]]。", "a"),  # time word inside
            ("[[2023|QUANTITY]]年，第[[3|QUANTITY]]届会议于[[5|QUANTITY]]月召开。", "a"),  # year, ordinal, date
            ("[[1|QUANTITY]]、稳增长。", "a"),  # list number
        ],
    )
    assert checks(report) == [
        ("indicator_edge_word", "全年地区生产总值"),
        ("indicator_without_quantity", "单位产出强度"),
        ("quantity_like_date", "5"),
        ("quantity_like_list_number", "1"),
        ("quantity_like_ordinal", "3"),
        ("quantity_like_year", "2023"),
        ("unit_without_quantity", "亿元"),
    ]


def test_surface_consistency_across_the_set(tmp_path):
    report = qa(
        tmp_path,
        [
            ("[[区教育局|ORG]]牵头，新增[[学位|INDICATOR]][[500|QUANTITY]][[个|UNIT]]。", "a"),
            ("[[区教育局|ORG]]负责，新增[[学位|INDICATOR]][[300|QUANTITY]][[个|UNIT]]。", "b"),
            ("区教育局负责落实。", "c"),  # ORG left unlabeled
            ("新增学位[[200|QUANTITY]][[个|UNIT]]。", "c"),  # INDICATOR left unlabeled, with a quantity
            ("学位紧张问题得到缓解。", "c"),  # no quantity in the clause: not a finding
            ("[[学位|ORG]]办公室成立。", "d"),  # labeled differently
        ],
    )
    found = checks(report)
    assert ("unlabeled_occurrence", "区教育局") in found
    assert ("label_conflict", "学位") in found
    assert [f.task_id for f in report.warnings if f.check == "unlabeled_occurrence" and f.surface == "学位"] == ["4"]


def test_duplicates_are_warnings_and_statistics_count_them_once(tmp_path):
    report = qa(tmp_path, [("同一句话。", "a"), ("同一句话。", "b"), ("[[市委|ORG]]领导。", "b")])
    assert [f.check for f in report.warnings] == ["duplicate_text"]
    stats = statistics(report.documents)
    assert stats["sentences"] == 2 and stats["no_entity"] == 1 and stats["per_label"] == {"ORG": 1}
    assert stats["folders"]["report_b.txt"]["ORG"] == 1


def test_accepted_file_format(tmp_path):
    path = tmp_path / "accepted.tsv"
    path.write_text("# comment\nlabel_conflict\t*\t万\tD20: bare magnitude\n", encoding="utf-8")
    assert read_accepted(path) == {("label_conflict", "*", "万"): "D20: bare magnitude"}
    path.write_text("label_conflict\t*\t万\n", encoding="utf-8")
    import pytest

    with pytest.raises(GovnerError, match="accepted.tsv:1: expected 4"):
        read_accepted(path)


def test_patterns_of_the_decisions_revised_in_issue_14(tmp_path):
    """D15: an institution only built is not ORG; D50: only a bare 新增 / 净增 stands in for a noun;
    D56: 拉动 / 带动 / 撬动 belong inside the INDICATOR; D10/D34: a measured share word belongs to it."""
    report = qa(
        tmp_path,
        [
            ("加快建设[[六盘山实验室|ORG]]，引进[[人才|INDICATOR]][[50|QUANTITY]][[名|UNIT]]。", "a"),
            ("[[市第一人民医院|ORG]]东院区建成投用。", "a"),  # a hospital named inside the built thing: ORG
            ("新争创[[国家级改革试点|INDICATOR]][[36|QUANTITY]][[项|UNIT]]、[[省级|INDICATOR]][[139|QUANTITY]][[项|UNIT]]。", "b"),
            ("新增[[市场主体|INDICATOR]][[1.2|QUANTITY]][[万户|UNIT]]、[[净增|INDICATOR]][[6000|QUANTITY]][[户|UNIT]]。", "b"),
            ("直接拉动[[消费|INDICATOR]][[38.4|QUANTITY]][[亿元|UNIT]]。", "c"),
            ("直接[[拉动消费|INDICATOR]][[38.4|QUANTITY]][[亿元|UNIT]]。", "c"),
            ("[[第三产业|INDICATOR]]比重达到[[50|QUANTITY]][[%|UNIT]]。", "d"),
            ("[[第三产业比重|INDICATOR]]达到[[51|QUANTITY]][[%|UNIT]]。", "d"),
        ],
    )
    found = {(f.check, f.surface) for f in report.warnings}
    assert ("org_facility_only_built", "六盘山实验室") in found
    assert ("indicator_stand_in", "省级") in found
    assert ("indicator_after_driving_verb", "消费") in found
    assert ("share_word_outside_indicator", "比重") in found
    assert not {s for c, s in found if c == "org_facility_only_built"} - {"六盘山实验室"}
    assert not {s for c, s in found if c == "indicator_stand_in"} - {"省级"}  # 净增 is allowed
    assert not {s for c, s in found if c == "indicator_after_driving_verb"} - {"消费"}


def test_touching_same_label_spans_are_flagged_with_the_task(tmp_path):
    report = qa(
        tmp_path,
        [
            ("[[城镇|INDICATOR]][[新就业|INDICATOR]][[12|QUANTITY]][[万|UNIT]][[人|UNIT]]。", "a"),  # two fragments
            ("在[[党中央|ORG]]、[[国务院|ORG]]领导下，[[城镇新增就业|INDICATOR]][[12|QUANTITY]][[万人|UNIT]]。", "a"),
            ("[[4|QUANTITY]][[70|QUANTITY]][[个|UNIT]][[项目|INDICATOR]]", "b"),  # another report, another label
        ],
    )
    touching = [(f.task_id, f.surface, f.origin) for f in report.warnings if f.check == "touching_same_label"]
    assert [(task, surface) for task, surface, _ in touching] == [("1", "城镇新就业"), ("1", "万人"), ("3", "470")]
    assert all(origin.endswith(f"task {task}") for task, _, origin in touching)
    message = next(str(f) for f in report.warnings if f.surface == "470")
    assert "QUANTITY '4' and QUANTITY '70' touch" in message

# -- govner check-annotations on any path (issue 15) -------------------------------------------


def run_check(capsys, *argv):
    from govner.cli.check_annotations import check

    status = check([*map(str, argv), "--no-readme"])
    return status, capsys.readouterr().out


def test_check_lists_what_it_skipped_and_fails_a_file_with_nothing_usable(tmp_path, capsys):
    tasks = export_tasks([("增长[[3.0|QUANTITY]][[%|UNIT]]。", "a"), ("增长[[4.0|QUANTITY]][[%|UNIT]]。", "a")])
    tasks[0]["annotations"][0]["was_cancelled"] = True
    tasks[1]["data"] = {"report": tasks[1]["data"]["text"], "source": "report_a.txt"}
    path = write_json(tmp_path / "useless.json", tasks)
    status, out = run_check(capsys, path)
    assert status == 1
    assert "SKIPPED useless.json" not in out  # the file is named as given, with its task
    assert f"SKIPPED {path}, task 1: cancelled_annotation: all 1 annotation(s) were cancelled" in out
    assert f"SKIPPED {path}, task 2: no_text: no text in data.text; the task has fields report" in out
    assert f"ERROR {path}: nothing_usable: none of its 2 task(s) is usable (1 cancelled_annotation, 1 no_text)" in out


def test_check_of_another_path_applies_no_accepted_warning_and_reports_none_stale(tmp_path, capsys):
    path = write_json(
        tmp_path / "new.json", export_tasks([("全年[[地区生产总值|INDICATOR]][[717.11|QUANTITY]][[亿元|UNIT]]。", "a")])
    )
    status, out = run_check(capsys, path)
    assert status == 0 and "STALE" not in out
    assert "qa_accepted.tsv applies to annotations/ only" in out


def test_check_reports_every_bad_file_of_a_directory(tmp_path, capsys):
    (tmp_path / "a.json").write_text("[{", encoding="utf-8")
    write_json(tmp_path / "b.json", export_tasks([("增长[[3.0|PERSON]]", "a")]))
    write_json(tmp_path / "c.json", export_tasks([("增长[[3.0|QUANTITY]][[%|UNIT]]。", "b")], start_id=9))
    status, out = run_check(capsys, tmp_path)
    assert status == 1
    assert f"ERROR {tmp_path / 'a.json'}: unreadable: invalid JSON" in out
    assert f"ERROR {tmp_path / 'b.json'}, task 1: unknown_label" in out

import copy

import pytest

from govner.data.labelstudio_format import ExportFormatError, RawAnnotation, RawTask, parse_export, read_export
from govner.data.spans import Span
from govner.data.validation import DataValidationError, resolve_policy, validate_tasks
from govner.errors import GovnerError
from govner.labels import ENTITY_LABELS


def region(start, end, text, label="QUANTITY"):
    return {"type": "labels", "value": {"start": start, "end": end, "text": text, "labels": [label]}}


def task(text, regions=(), task_id=1, source="r.txt", annotations=None, **kw):
    if annotations is None:
        annotations = [RawAnnotation(id=10, result=list(regions))]
    return RawTask(file="export.json", id=task_id, text=text, source=source, annotations=annotations, **kw)


def validate(tasks, **policy):
    return validate_tasks(tasks, ENTITY_LABELS, policy)


def test_valid_task_becomes_document():
    docs, report = validate([task("增长3.0%", [region(2, 5, "3.0"), region(5, 6, "%", "UNIT")])])
    assert docs[0].spans == [Span(2, 5, "QUANTITY"), Span(5, 6, "UNIT")]
    assert docs[0].origin == "export.json, task 1"
    assert (report.tasks, report.used, report.skipped) == (1, 1, [])


@pytest.mark.parametrize(
    ("regions", "kind", "message"),
    [
        ([region(0, 2, "增长", "PERSON")], "unknown_label", "PERSON"),
        ([region(4, 40, "x")], "offsets_out_of_range", "outside the text"),
        ([region(2, 4, "3.0")], "text_mismatch", "reads '3.' in the text but value.text is '3.0'"),
        ([region(2, 5, "3.0"), region(3, 6, ".0%", "UNIT")], "overlapping_spans", "overlaps"),
    ],
)
def test_span_problems_are_errors_naming_file_task_and_what(regions, kind, message):
    with pytest.raises(DataValidationError) as err:
        validate([task("增长3.0%", regions, task_id=77)])
    text = str(err.value)
    assert f"export.json, task 77: {kind}: " in text
    assert message in text


def test_span_problem_can_be_skipped_and_is_reported():
    good = task("增长3.0%", [region(2, 5, "3.0")], task_id=1)
    bad = task("下降2%", [region(2, 3, "2", "PERSON")], task_id=2)
    docs, report = validate([good, bad], unknown_label="skip")
    assert [d.id for d in docs] == ["1"]
    assert [(p.origin, p.kind) for p in report.skipped] == [("export.json, task 2", "unknown_label")]


def test_all_errors_are_listed_not_only_the_first():
    tasks = [task("增长3.0%", [region(0, 1, "x")], task_id=i) for i in range(3)]
    with pytest.raises(DataValidationError) as err:
        validate(tasks)
    assert len(err.value.problems) == 3


@pytest.mark.parametrize(
    ("text", "prefix"),
    [("😀增长3.0%", "😀增长"), ("𠀀𠀁产值3.0%", "𠀀𠀁产值"), ("👨‍👩‍👧产值3.0%", "👨‍👩‍👧产值")],
)
def test_utf16_offsets_are_detected_and_converted(text, prefix):
    units = len(prefix.encode("utf-16-le")) // 2
    docs, report = validate([task(text, [region(units, units + 3, "3.0"), region(units + 3, units + 4, "%", "UNIT")])])
    spans = docs[0].spans
    assert [docs[0].text[s.start : s.end] for s in spans] == ["3.0", "%"]
    assert spans[0].start == len(prefix)
    assert report.utf16_converted == 1


def test_code_point_offsets_are_kept_when_they_match():
    text = "😀增长3.0%"
    docs, report = validate([task(text, [region(3, 6, "3.0")])])
    assert docs[0].spans == [Span(3, 6, "QUANTITY")] and report.utf16_converted == 0


def test_cancelled_and_missing_annotations_are_skipped_and_reported():
    cancelled = task("甲", task_id=1, annotations=[RawAnnotation(id=1, result=[], cancelled=True)])
    missing = task("乙", task_id=2, annotations=[])
    docs, report = validate([cancelled, missing])
    assert docs == []
    assert [p.kind for p in report.skipped] == ["cancelled_annotation", "no_annotation"]
    with pytest.raises(DataValidationError, match="task 1: cancelled_annotation"):
        validate([cancelled], cancelled_annotation="error")


def test_cancelled_annotation_is_ignored_when_another_exists():
    anns = [RawAnnotation(id=1, result=[region(0, 1, "9")], cancelled=True), RawAnnotation(id=2, result=[])]
    docs, _ = validate([task("9天", annotations=anns)])
    assert docs[0].spans == []


def test_empty_annotation_keeps_sentence_without_entities_by_default():
    docs, _ = validate([task("我们坚持稳中求进。", [])])
    assert docs[0].spans == []
    docs, report = validate([task("我们坚持稳中求进。", [])], empty_annotation="skip")
    assert docs == [] and report.skipped[0].kind == "empty_annotation"


def test_multiple_annotations_policy():
    older = RawAnnotation(id=1, result=[region(0, 1, "9")], updated_at="2024-01-01T00:00:00")
    newer = RawAnnotation(
        id=2, result=[region(0, 1, "9"), region(1, 2, "天", "UNIT")], updated_at="2024-02-01T00:00:00"
    )
    t = task("9天", annotations=[older, newer])
    assert len(validate([t], multiple_annotations="first")[0][0].spans) == 1
    docs, report = validate([copy.deepcopy(t)], multiple_annotations="latest")
    assert len(docs[0].spans) == 2 and report.notes[0].kind == "multiple_annotations"
    with pytest.raises(DataValidationError, match="multiple_annotations: 2 annotations"):
        validate([t], multiple_annotations="error")


@pytest.mark.parametrize("text", [None, "", "   ", 12])
def test_task_without_text(text):
    docs, report = validate([task(text)])
    assert docs == [] and report.skipped[0].kind == "no_text"


def test_duplicate_texts_keep_the_first_and_report_conflicts():
    a = task("9天", [region(0, 1, "9")], task_id=1)
    b = task("9天", [], task_id=2)
    docs, report = validate([a, b])
    assert [d.id for d in docs] == ["1"]
    assert report.skipped[0].kind == "duplicate_text"
    assert "different spans" in report.skipped[0].message


def test_every_task_is_used_or_reported():
    tasks = [
        task("9天", [region(0, 1, "9")], task_id=1),
        task("", task_id=2),
        task("9天", task_id=3),
        task("x", task_id=4, annotations=[]),
    ]
    docs, report = validate(tasks)
    assert report.used + len(report.skipped) == report.tasks == len(tasks)
    assert "4 tasks read, 1 used, 3 skipped" in report.summary()


def test_missing_source_falls_back_to_file_name_with_a_note():
    docs, report = validate([task("9天", [], source=None)])
    assert docs[0].source == "export.json"
    assert report.notes[0].kind == "no_source"


def test_policy_values_are_checked():
    with pytest.raises(GovnerError, match="unknown validation problem kind 'typo'"):
        resolve_policy({"typo": "skip"})
    with pytest.raises(GovnerError, match="multiple_annotations must be one of"):
        resolve_policy({"multiple_annotations": "skip"})


# -- messages that name the right problem (issue 15) ------------------------------------------


@pytest.mark.parametrize(
    ("regions", "kind", "message"),
    [
        ([region(5, 2, "x")], "empty_or_reversed_span", "empty or reversed span [5, 2)"),
        ([region(2, 2, "")], "empty_or_reversed_span", "empty or reversed span [2, 2)"),
        (
            [{"type": "labels", "value": {"start": 2, "end": 5, "text": "3.0", "labels": ["QUANTITY", "UNIT"]}}],
            "multiple_labels",
            "region [2, 5) has 2 labels ['QUANTITY', 'UNIT']",
        ),
        (["QUANTITY"], "malformed", "result item 0 is a string, not a region object"),
        ([{"type": "labels", "value": "3.0"}], "malformed", "result item 0 has a value that is not an object"),
    ],
)
def test_problems_are_named_for_what_they_are(regions, kind, message):
    with pytest.raises(DataValidationError) as err:
        validate([task("增长3.0%", regions)])
    (problem,) = err.value.problems
    assert (problem.origin, problem.kind) == ("export.json, task 1", kind)
    assert message in problem.message


def test_no_text_names_the_fields_the_task_has():
    tasks = parse_export([{"id": 4, "data": {"report": "增长3.0%", "body": "x", "n": 3}}], "export.json")
    _, report = validate(tasks)
    (problem,) = report.skipped
    assert problem.kind == "no_text"
    assert "no text in data.text; the task has fields report, body: set data.text_field=" in problem.message


def test_an_object_instead_of_a_list_of_tasks_is_named():
    with pytest.raises(
        ExportFormatError, match=r"export.json: expected a list of tasks, got an object \(keys: tasks\)"
    ):
        parse_export({"tasks": []}, "export.json")
    with pytest.raises(ExportFormatError, match=r"export.json, task 7: not in Label Studio's task format"):
        parse_export([{"id": 7, "data": {"text": "增长"}, "annotations": ["QUANTITY"]}], "export.json")
    (one,) = parse_export({"id": 1, "data": {"text": "增长3.0%"}}, "export.json")  # one task on its own still reads
    assert one.text == "增长3.0%"


def test_every_bad_file_of_a_directory_is_reported_in_one_run(tmp_path):
    (tmp_path / "a.json").write_text("[{", encoding="utf-8")
    (tmp_path / "b.json").write_text('{"tasks": []}', encoding="utf-8")
    (tmp_path / "c.json").write_text('[{"id": 1, "data": {"text": "增长"}}]', encoding="utf-8")
    with pytest.raises(ExportFormatError) as err:
        read_export(tmp_path)
    message = str(err.value)
    assert "2 of 3 export file(s) cannot be read" in message
    assert "a.json: invalid JSON" in message and "b.json: expected a list of tasks" in message

def test_utf16_offsets_that_also_read_as_code_points_are_read_as_utf16():
    # Label Studio's offsets of UNIT 人 (the first one): read as code points they also give a 人
    # (the one of 人均), one character off, so value.text alone cannot tell
    text = "📌受益群众达5000人人均增收1200元。"
    first = text.index("人")
    units = first + 1  # 📌 is two UTF-16 code units
    docs, report = validate([task(text, [region(units, units + 1, "人", "UNIT")])])
    assert docs[0].spans == [Span(first, first + 1, "UNIT")]
    assert report.utf16_converted == 1
    assert [p.kind for p in report.notes] == ["ambiguous_offsets"]
    # with the QUANTITY before it (which reads only as UTF-16), the whole task is read as UTF-16
    docs, report = validate([task(text, [region(units - 4, units, "5000"), region(units, units + 1, "人", "UNIT")])])
    assert docs[0].spans == [Span(first - 4, first, "QUANTITY"), Span(first, first + 1, "UNIT")]
    assert report.notes == []


def test_one_reading_per_task_never_a_mix():
    text = "📌人人均增收1200元"
    # region 1 matches only as code points, region 2 only as UTF-16: no single reading fits both
    regions = [region(1, 2, "人", "UNIT"), region(7, 11, "1200")]
    with pytest.raises(DataValidationError, match="text_mismatch"):
        validate([task(text, regions)])
    # all in code points (another tool's export): read as code points, not mixed
    docs, report = validate([task(text, [region(6, 10, "1200"), region(10, 11, "元", "UNIT")])])
    assert [text[s.start : s.end] for s in docs[0].spans] == ["1200", "元"] and report.utf16_converted == 0


@pytest.mark.parametrize("field", ["text", "source", "id"])
def test_a_lone_surrogate_skips_the_task_with_the_reason_and_the_rest_goes_on(field):
    values = {"text": "增长3.0%", "source": "r.txt", "task_id": 2}
    values[{"id": "task_id"}.get(field, field)] = "cut \ud83d here" + ("3.0%" if field == "text" else "")
    bad = task(regions=[], **values)
    good = task("下降2%", [region(2, 3, "2")], task_id=3)
    docs, report = validate([bad, good])
    assert [d.id for d in docs] == ["3"]
    [problem] = report.skipped
    assert problem.kind == "invalid_text" and "lone surrogate U+D83D at character 4" in problem.message
    str(problem).encode("utf-8")  # the message itself can be printed

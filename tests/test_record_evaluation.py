import json
import subprocess
import sys

import pytest
from conftest import ROOT, export_tasks, write_json
from markup import parse_markup

from govner.data.spans import Document, Span
from govner.records.evaluation import (
    ComparedRecord,
    linker_on_gold_spans,
    match_records,
    score_records,
    whole_report_scores,
)
from govner.records.gold import GoldRecordError, load_gold_records

GDP = "全年[[地区生产总值|INDICATOR]][[717.11|QUANTITY]][[亿元|UNIT]]，增长[[3.0|QUANTITY]][[%|UNIT]]。"
TWICE = "其中[[进口|INDICATOR]]增长[[17.1|QUANTITY]][[%|UNIT]]；对RCEP贸易伙伴[[进出口|INDICATOR]]增长[[17.1|QUANTITY]][[%|UNIT]]。"
SCHOOLS = "新建[[中小学|INDICATOR]]和[[幼儿园|INDICATOR]][[12|QUANTITY]][[所|UNIT]]（[[区教育局|ORG]]）。"
SENTENCES = {"1": GDP, "2": TWICE, "3": SCHOOLS}


def record(indicator, value_text, value, unit, base_value, base_unit, kind, **extra):
    out = dict(indicator=indicator, value_text=value_text, value=value, unit=unit, base_value=base_value)
    out |= dict(base_unit=base_unit, kind=kind, target=False, qualifier="", org=None, value_high=None, base_high=None)
    return out | extra


GOLD = {
    "1": [
        record("地区生产总值", "717.11亿元", 717.11, "亿元", 71711000000.0, "元", "level"),
        record("地区生产总值", "3.0%", 3.0, "%", 3.0, "%", "growth"),
    ],
    "2": [
        record("进口", "17.1%", 17.1, "%", 17.1, "%", "growth"),
        record("进出口", "17.1%", 17.1, "%", 17.1, "%", "growth"),
    ],
    "3": [record("中小学、幼儿园", "12所", 12, "所", 12, "所", "level", org="区教育局")],
}


@pytest.fixture
def documents():
    docs = []
    for task_id, marked in SENTENCES.items():
        text, spans = parse_markup(marked)
        docs.append(Document(task_id, text, spans, "r.txt", f"export.json, task {task_id}"))
    return docs


def gold_line(key, records=None, **changes):
    text, _ = parse_markup(SENTENCES[key])
    row = {"task_id": int(key), "source": "r.txt", "text": text, "records": records or GOLD[key]}
    return json.dumps(row | changes, ensure_ascii=False)


def write_gold(tmp_path, lines):
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_linker_on_gold_spans_scores_a_correct_gold_set_perfectly(tmp_path, documents):
    sentences, problems = load_gold_records(write_gold(tmp_path, [gold_line(t) for t in GOLD]), documents)
    assert problems == []
    assert sentences[1].starts == [6, 26]  # the same value_text twice: two values, in order
    result = score_records(sentences, linker_on_gold_spans(sentences))
    m = result.metrics
    assert (m["gold_records"], m["predicted_records"], m["records"]["correct"]) == (5, 5, 5)
    assert m["records"]["f1"] == m["exact_value"]["f1"] == m["strict"]["f1"] == 1.0
    assert m["indicator_link_accuracy"] == 1.0 and result.errors == []


def test_a_value_written_twice_is_matched_by_position(tmp_path, documents):
    sentences, _ = load_gold_records(write_gold(tmp_path, [gold_line("2")]), documents)
    gold = [ComparedRecord.from_gold(r, s) for r, s in zip(sentences[0].records, sentences[0].starts, strict=True)]
    swapped = [
        ComparedRecord(**{**vars(gold[0]), "indicator": "进出口"}),
        ComparedRecord(**{**vars(gold[1]), "indicator": "进口"}),
    ]
    m = match_records(gold, swapped)
    assert m.pairs == [] and len(m.relinked) == 2  # both values found, both linked wrongly
    metrics = score_records(sentences, [swapped]).metrics
    assert metrics["records"]["correct"] == 0 and metrics["values_found"] == 2
    assert metrics["indicator_link_accuracy"] == 0.0 and metrics["errors"] == {"indicator": 2}


def test_a_wrong_kind_is_a_match_but_not_an_exact_value(tmp_path, documents):
    records = [GOLD["1"][0], GOLD["1"][1] | {"kind": "share"}]
    sentences, _ = load_gold_records(write_gold(tmp_path, [gold_line("1", records)]), documents)
    result = score_records(sentences, linker_on_gold_spans(sentences))
    m = result.metrics
    assert m["records"]["f1"] == 1.0
    assert m["exact_value"]["correct"] == 1 and m["exact_value"]["of_matched"] == 0.5
    assert m["field_accuracy"]["kind"] == 0.5 and m["field_accuracy"]["base_value"] == 1.0
    assert m["strict"]["correct"] == 1 and m["field_errors"] == {"kind": 1}
    [error] = result.errors
    assert (error["error"], error["fields"], error["gold"]["kind"], error["predicted"]["kind"]) == (
        "fields",
        ["kind"],
        "share",
        "growth",
    )


def test_missed_and_spurious_records_and_float_tolerance(tmp_path, documents):
    sentences, _ = load_gold_records(write_gold(tmp_path, [gold_line("1")]), documents)
    level, growth = linker_on_gold_spans(sentences)[0]
    near = ComparedRecord(**{**vars(level), "base_value": 71711000000.00001})  # float noise agrees
    spurious = ComparedRecord(**{**vars(growth), "indicator": None, "start": 0, "value_text": "全年"})
    result = score_records(sentences, [[near, spurious]])
    m = result.metrics
    assert (m["records"]["precision"], m["records"]["recall"]) == (0.5, 0.5)
    assert m["exact_value"]["correct"] == 1 and m["errors"] == {"missed": 1, "spurious": 1}
    assert {e["error"]: (e["gold"] or e["predicted"])["value_text"] for e in result.errors} == {
        "missed": "3.0%",
        "spurious": "全年",
    }
    far = ComparedRecord(**{**vars(level), "base_value": 71712000000.0})  # 1.4e-5 relative: differs
    assert score_records(sentences, [[far, growth]]).metrics["field_errors"] == {"base_value": 1}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (gold_line("1", [GOLD["1"][0] | {"kind": "amount"}, GOLD["1"][1]]), "record 1: unknown kind 'amount'"),
        (
            gold_line("1", [GOLD["1"][0], GOLD["1"][1] | {"value_text": "3.5%"}]),
            "record 2: value_text '3.5%' is not in the text",
        ),
        (
            gold_line("1", [GOLD["1"][0] | {"indicator": "生产总值"}, GOLD["1"][1]]),
            "record 1: indicator '生产总值' is not a gold INDICATOR span text",
        ),
        (
            gold_line("3", [GOLD["3"][0] | {"indicator": "中小学和幼儿园"}]),
            "record 1: indicator '中小学和幼儿园' is not a gold INDICATOR span text",
        ),
        (gold_line("3", [GOLD["3"][0] | {"org": "教育局"}]), "record 1: org '教育局' is not a gold ORG span text"),
        (
            gold_line(
                "1", [{k if k != "base_unit" else "base_units": v for k, v in GOLD["1"][0].items()}, GOLD["1"][1]]
            ),
            "record 1: unknown field 'base_units'",
        ),
        (gold_line("1", [GOLD["1"][0] | {"target": "no"}, GOLD["1"][1]]), "record 1: target must be true or false"),
        (gold_line("1", [GOLD["1"][0] | {"base_value": "7e10"}, GOLD["1"][1]]), "base_value must be a number or null"),
        (
            gold_line("1", [GOLD["1"][0] | {"value_text": "11亿元"}, GOLD["1"][1]]),
            "record 1: value_text '11亿元' does not run from a gold QUANTITY start to a QUANTITY/UNIT end",
        ),
        (gold_line("1", [GOLD["1"][0]]), "QUANTITY '3.0' at [19, 22) is in no record's value_text"),
        (
            gold_line("1", text="全年地区生产总值717亿元"),
            "text differs from the gold task's text (export.json, task 1)",
        ),
        ('{"task_id": 1, "text": ', "invalid JSON"),
    ],
)
def test_gold_problems_are_named_precisely(tmp_path, documents, line, message):
    path = write_gold(tmp_path, [gold_line("2"), line])
    with pytest.raises(GoldRecordError) as err:
        load_gold_records(path, documents)
    problems = err.value.problems
    assert all(str(p).startswith(f"{path}:2 (task ") for p in problems)
    assert any(message in str(p) for p in problems), problems


def test_unknown_task_names_the_reason_it_was_left_out(tmp_path, documents):
    path = write_gold(tmp_path, [json.dumps({"task_id": 9, "source": "r.txt", "text": "x", "records": []})])
    with pytest.raises(GoldRecordError, match=r"gold.jsonl:1 \(task 9\): no validated gold task with this id \(dup"):
        load_gold_records(path, documents, {"9": "duplicate_text: same text as task 2"})


def test_skip_leaves_out_invalid_sentences_and_reports_them(tmp_path, documents):
    path = write_gold(tmp_path, [gold_line("1", [GOLD["1"][0] | {"kind": "amount"}, GOLD["1"][1]]), gold_line("2")])
    sentences, problems = load_gold_records(path, documents, on_invalid="skip")
    assert [s.task_id for s in sentences] == ["2"]
    assert [(p.line, p.task_id) for p in problems] == [(1, 1)]


def test_a_task_given_twice_is_an_error(tmp_path, documents):
    with pytest.raises(GoldRecordError, match="gold.jsonl:2 .*task already given on line 1"):
        load_gold_records(write_gold(tmp_path, [gold_line("1"), gold_line("1")]), documents)


def test_script_writes_metrics_and_errors(tmp_path):
    rows = [(m, "a") for m in SENTENCES.values()]
    export = write_json(tmp_path / "export" / "export.json", export_tasks(rows))
    lines = [gold_line(t, GOLD[t], source="report_a.txt") for t in GOLD] + [gold_line("1", task_id=4)]
    gold = write_gold(tmp_path, lines)
    # task 4 does not exist in the export: with invalid_gold=skip it is left out and reported
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "evaluate_records.py"),
            f"data.path={export}",
            f"gold={gold}",
            f"output_dir={out}",
            "invalid_gold=skip",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["sentences"] == 3 and len(metrics["left_out"]) == 1 and "task 4" in metrics["left_out"][0]
    assert metrics["linker_on_gold_spans"]["strict"]["f1"] == 1.0
    assert (out / "errors_linker_on_gold_spans.jsonl").read_text(encoding="utf-8") == ""
    assert "| linker on gold spans | 5 | 5 | 1.000 |" in proc.stdout


def test_a_gold_file_that_is_not_utf8_is_named(tmp_path, documents):
    path = tmp_path / "gold.jsonl"
    path.write_bytes(b'{"task_id": 1, "text": "\xff"}\n')
    with pytest.raises(ValueError, match=r"gold.jsonl: not UTF-8"):
        load_gold_records(path, documents)


def test_whole_report_scores_measure_the_boilerplate_filter(documents):
    """Predicted spans that add a footnote marker and a clock time to the gold spans: with the filter
    off they are spurious records, with it on precision is back to 1; the gold spans lose nothing."""
    text = "深入开展“三送三解三优”［4］行动，会议于10:30开幕，建成[[12|QUANTITY]][[个|UNIT]][[社区食堂|INDICATOR]]。"
    plain, spans = parse_markup(text)
    docs = [*documents, Document("9", plain, spans, "r.txt", "export.json, task 9")]
    noise = [
        Span(plain.index("4"), plain.index("4") + 1, "QUANTITY"),
        Span(plain.index("10"), plain.index("10") + 2, "QUANTITY"),
    ]
    predicted = [d.spans for d in documents] + [sorted([*spans, *noise])]
    scores = {mode: r.metrics for mode, r in whole_report_scores(docs, predicted).items()}
    unfiltered, filtered = scores["whole_end_to_end_unfiltered"], scores["whole_end_to_end"]
    assert unfiltered["gold_records"] == filtered["gold_records"] == 6
    assert unfiltered["predicted_records"] == 8 and unfiltered["records"]["precision"] == 0.75
    assert filtered["predicted_records"] == 6 and filtered["records"]["precision"] == 1.0
    assert filtered["records"]["recall"] == unfiltered["records"]["recall"] == 1.0
    assert scores["whole_gold_spans_filtered"]["records"]["recall"] == 1.0

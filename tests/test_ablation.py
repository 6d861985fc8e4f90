"""The ablation table and error patterns, from run directories written here."""

import json

import pytest

from govner.bench.ablation import END, START, Ablation, table, write_results
from govner.data.spans import Span
from govner.evaluation.metrics import error_patterns


def fake_metrics(micro: float, ind: float) -> dict:
    per_type = {label: {"f1": f} for label, f in [("INDICATOR", ind), ("QUANTITY", 0.9), ("UNIT", 0.95), ("ORG", 0.5)]}
    return {"overall": {"f1": micro}, "per_type": per_type}


def write_run(run, micro, ind, seconds, argmax_micro=None):
    run.mkdir(parents=True)
    metrics = {"test": fake_metrics(micro, ind), "training": {"seconds": seconds, "parameters": 1_840_000}}
    (run / "metrics.json").write_text(json.dumps(metrics))
    (run / "model.safetensors").write_bytes(b"\0" * 2**20)
    if argmax_micro is not None:
        (run / "eval-test-argmax").mkdir()
        (run / "eval-test-argmax" / "metrics.json").write_text(json.dumps({"test": fake_metrics(argmax_micro, 0.3)}))


@pytest.fixture
def ablation(tmp_path):
    runs = tmp_path / "runs"
    write_run(runs / "scratch-s1", 0.70, 0.40, 100, argmax_micro=0.60)
    write_run(runs / "scratch-s2", 0.74, 0.44, 120, argmax_micro=0.62)
    write_run(runs / "pretrained-s1", 0.80, 0.50, 90)
    return Ablation(runs, tmp_path / "pre", [1, 2], 13, [], [])


def test_table_has_mean_and_spread_over_finished_seeds(ablation):
    rows = {line.split(" | ")[0].lstrip("| "): line.split(" | ") for line in table(ablation).splitlines()[2:]}
    scratch = rows["scratch + constrained decoding"]
    assert scratch[1] == "1,2"
    assert scratch[2] == "0.420 ± 0.028"  # INDICATOR: mean of 0.40, 0.44 and their sample sd
    assert scratch[6] == "0.720 ± 0.028" and scratch[7] == "110" and scratch[8] == "1.84 M"
    assert rows["scratch (argmax decoding)"][6] == "0.610 ± 0.014"
    assert rows["domain-pretrained + constrained decoding"][1:3] == ["1", "0.500"]  # one seed: no spread
    assert rows["domain-pretrained (argmax decoding)"][1] == "0"  # not evaluated yet


def test_results_section_is_replaced_in_place(ablation, tmp_path):
    results = tmp_path / "results.md"
    results.write_text(f"# Results\n\nintro\n\n{START}\nold\n{END}\n\n## Indicator records\nkept\n")
    (ablation.run_dir("pretrained", 1) / "eval-test").mkdir()
    row = {
        "gold": [{"start": 0, "end": 4, "label": "INDICATOR"}],
        "predicted": [{"start": 0, "end": 2, "label": "INDICATOR"}],
    }
    (ablation.run_dir("pretrained", 1) / "eval-test" / "errors.jsonl").write_text(json.dumps(row) + "\n")
    write_results(ablation, results, "notes here")
    text = results.read_text()
    assert "old" not in text and "intro" in text and text.endswith("## Indicator records\nkept\n")
    assert "1. INDICATOR too short: 1" in text and "notes here" in text


def test_error_patterns_name_label_and_shape():
    gold = [Span(0, 4, "INDICATOR"), Span(5, 7, "QUANTITY"), Span(8, 9, "UNIT"), Span(10, 14, "ORG")]
    pred = [Span(0, 6, "INDICATOR"), Span(5, 7, "UNIT"), Span(20, 22, "QUANTITY")]
    assert error_patterns(gold, pred) == {
        "INDICATOR too long": 1,
        "QUANTITY as INDICATOR": 1,  # the first overlapping prediction names the confusion
        "UNIT missed": 1,
        "ORG missed": 1,
        "QUANTITY spurious": 1,
    }

"""The ablation table and error patterns, from run directories written here."""

import json

import pytest

from govner.bench.ablation import END, ROWS, START, Ablation, best_run, table, write_results
from govner.data.spans import Span
from govner.evaluation.metrics import error_patterns

ROW = {r.run: r for r in ROWS}


def fake_metrics(micro: float, ind: float) -> dict:
    per_type = {label: {"f1": f} for label, f in [("INDICATOR", ind), ("QUANTITY", 0.9), ("UNIT", 0.95), ("ORG", 0.5)]}
    return {"overall": {"f1": micro}, "per_type": per_type, "chars_per_second": 1000.0}


def write_run(run, micro, ind, seconds, whole=None, weights="model.safetensors"):
    run.mkdir(parents=True)
    metrics = {"test": fake_metrics(micro, ind), "training": {"seconds": seconds, "parameters": 1_840_000}}
    if whole is not None:
        metrics["whole"] = {"overall": {"f1": whole}, "spurious_per_1000_chars": 2.0}
    (run / "metrics.json").write_text(json.dumps(metrics))
    (run / weights).write_bytes(b"\0" * 2**20)


@pytest.fixture
def ablation(tmp_path):
    runs = tmp_path / "runs"
    write_run(runs / "crf", 0.90, 0.80, 60, whole=0.7, weights="crf.pkl")
    write_run(runs / "lac-ft-s1", 0.92, 0.82, 100, whole=0.8)
    write_run(runs / "lac-ft-s2", 0.94, 0.86, 120, whole=0.9)
    return Ablation(runs, [1, 2], [])


def _rows(text):
    return {line.split(" | ")[0].lstrip("| "): line.split(" | ") for line in text.splitlines()[2:]}


def test_table_has_mean_and_spread_over_finished_seeds(ablation):
    rows = _rows(table(ablation))
    tuned = rows[ROW["lac-ft"].name]
    assert tuned[1] == "1,2"
    assert tuned[2] == "0.840 ± 0.028"  # INDICATOR: mean of 0.82, 0.86 and their sample sd
    assert tuned[6] == "0.930 ± 0.014" and tuned[7] == "0.850 ± 0.071" and tuned[9] == "110"
    crf = rows[ROW["crf"].name]
    assert crf[1] == "(deterministic)" and crf[6] == "0.900" and crf[11] == "1.0"  # one run, no spread
    assert rows[ROW["lac-nocrf"].name][1] == "0"  # not run yet


def test_best_run_is_the_row_with_the_best_mean(ablation):
    assert best_run(ablation) == ablation.run_dir(ROW["lac-ft"], 1)


def test_unseeded_rows_run_once(ablation):
    assert ablation.seeds_of(ROW["crf"]) == [1] and ablation.seeds_of(ROW["lac-ft"]) == [1, 2]


def test_results_section_is_replaced_in_place(ablation, tmp_path):
    results = tmp_path / "results.md"
    results.write_text(f"# Results\n\nintro\n\n{START}\nold\n{END}\n\n## Indicator records\nkept\n")
    best = ablation.run_dir(ROW["lac-ft"], 1)
    (best / "eval-test").mkdir()
    row = {
        "gold": [{"start": 0, "end": 4, "label": "INDICATOR"}],
        "predicted": [{"start": 0, "end": 2, "label": "INDICATOR"}],
    }
    (best / "eval-test" / "errors.jsonl").write_text(json.dumps(row) + "\n")
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


def test_the_default_row_trains_the_shipped_config_and_older_rows_keep_theirs():
    """The row marked (default) trains `model=lac` as shipped; the rows measured on the previous default
    pin its linear layer, so changing the default does not change what they measure."""
    [default] = [r for r in ROWS if r.name.endswith("(default)")]
    assert default.overrides == ("model=lac",)
    previous = [r for r in ROWS if "previous default" in r.name]
    assert {r.run for r in previous} == {"lac-ft-bigrams", "lac-ngram", "lac-lexicon", "lac-lexicon-all", "lac-nocrf", "lac-aug"}
    assert all("model.lac.encoder=none" in r.overrides for r in [*previous, ROW["lac-ft"]])

"""The active-learning simulation: its results section and plot, and (slow) a whole tiny run
through the real entry point."""

import json
import subprocess
import sys

import pytest
from conftest import MARKED, ROOT, TINY_TRAINING, export_tasks, write_json
from hydra import compose, initialize_config_dir
from test_integration import EXTRA

from govner.bench.active_learning import END, START, Point, write_results


def points():
    return [
        Point("uncertainty", 42, 0, 200, 13_000, 500, 0.61, 0.6, 10.0),
        Point("random", 42, 0, 200, 13_000, 500, 0.61, 0.6, 10.0),
        Point("uncertainty", 42, 1, 400, 48_000, 1_900, 0.73, 0.7, 20.0),
        Point("random", 42, 1, 400, 27_000, 1_000, 0.66, 0.65, 15.0),
    ]


def test_results_section_holds_the_table_and_the_plot_and_is_replaced_on_a_rerun(tmp_path):
    results, plot = tmp_path / "results.md", tmp_path / "al.png"
    results.write_text("# Results\n\nother sections stay.\n", encoding="utf-8")
    write_results(points(), results, plot, "notes")
    write_results(points()[:2], results, plot, "notes again")
    text = results.read_text(encoding="utf-8")
    assert text.startswith("# Results\n\nother sections stay.\n") and text.count(START) == text.count(END) == 1
    assert "notes again" in text and "| 0 | 200 | 13,000 | 500 | 0.610 | 200 | 13,000 | 500 | 0.610 |" in text
    assert "| 1 |" not in text  # the first run's rows are gone
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_a_tiny_simulation_shares_its_start_picks_the_most_uncertain_and_resumes(tmp_path):
    from govner.cli.config import CONFIG_DIR, register_configs
    from govner.data.dataset import prepare_data
    from govner.inference.predictor import Predictor

    data = write_json(tmp_path / "data" / "export.json", export_tasks(MARKED + EXTRA))
    runs = tmp_path / "runs"
    command = [
        sys.executable,
        str(ROOT / "scripts" / "active_learning.py"),
        *TINY_TRAINING,
        f"data.path={data}",
        "active_learning.start=6",
        "active_learning.batch=4",
        "active_learning.rounds=1",
        f"active_learning.runs_dir={runs}",
        f"active_learning.results={tmp_path / 'results.md'}",
        f"active_learning.plot={tmp_path / 'al.png'}",
    ]
    proc = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    got = json.loads((runs / "points.json").read_text())
    assert [(p["strategy"], p["round"], p["sentences"]) for p in got] == [
        ("uncertainty", 0, 6),
        ("random", 0, 6),
        ("uncertainty", 1, 10),
        ("random", 1, 10),
    ]
    start = json.loads((runs / "start-s42-n6" / "labeled.json").read_text())
    train = json.loads((runs / "start-s42-n6" / "splits.json").read_text())["train"]["documents"]
    assert train == 6
    # the uncertainty batch: the four sentences of the pool the start model is least sure of
    labeled = set(json.loads((runs / "uncertainty-s42-n10" / "labeled.json").read_text()))
    picked = json.loads((runs / "uncertainty-s42-r1.json").read_text())
    assert set(start) | set(picked) == labeled and not set(start) & set(picked)
    register_configs()
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose("active_learning", overrides=[o for o in command[2:] if not o.startswith("active_learning.")])
    pool = sorted(d.text for d in prepare_data(cfg.data, tuple(cfg.labels)).documents["train"] if d.text not in start)
    predictions = Predictor.from_dir(runs / "start-s42-n6").predict(pool)
    fourth = sorted(p.path_log_prob for p in predictions)[3]
    assert all(p.path_log_prob <= fourth for t, p in zip(pool, predictions, strict=True) if t in picked)
    assert set(json.loads((runs / "random-s42-r1.json").read_text())) != set(picked)
    assert "| 1 | 10 |" in (tmp_path / "results.md").read_text(encoding="utf-8")
    stamps = {p: p.stat().st_mtime for p in runs.glob("*/metrics.json")}
    assert len(stamps) == 3
    again = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert again.returncode == 0 and "] - training " not in again.stdout + again.stderr  # resumed: nothing retrained
    assert {p: p.stat().st_mtime for p in runs.glob("*/metrics.json")} == stamps

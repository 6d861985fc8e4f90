"""The training benchmark: its parts, and scripts/bench_train.py end to end on a tiny config."""

import re
import subprocess
import sys

import pytest
from conftest import ROOT, TINY_TRAINING, export_tasks, write_json
from test_integration import EXTRA, MARKED
from transformers import TrainerControl, TrainerState, TrainingArguments

from govner.bench.training import DOC_END, DOC_START, Setup, format_benchmark_table, time_to_f1, update_doc
from govner.training.clock import TrainingClock


def test_setups_are_parsed_and_launched():
    assert Setup.parse("2x1") == Setup(2, 1) and Setup.parse(" 1 x 2 ").name == "1x2"
    for bad in ("2", "0x1", "2x", "two"):
        with pytest.raises(ValueError, match="PROCESSESxTHREADS"):
            Setup.parse(bad)
    assert Setup(1, 2).command(["a=1"])[1:] == ["-m", "govner.cli.train", "a=1"]  # what govner train runs
    assert "torch.distributed.run" in Setup(2, 1).command([]) and "--nproc_per_node=2" in Setup(2, 1).command([])


def test_time_to_f1_is_the_first_evaluation_at_the_threshold():
    history = [
        {"epoch": 1.0, "seconds": 10.0, "f1": 0.2},
        {"epoch": 2.0, "seconds": 21.0, "f1": 0.55},
        {"epoch": 3.0, "seconds": 30.0, "f1": 0.6},
    ]
    assert time_to_f1(history, 0.5) == {"epoch": 2.0, "seconds": 21.0}
    assert time_to_f1(history, 0.7) is None


def test_table_ratios_compare_with_the_first_row():
    row = {"processes": 1, "threads": 1, "epochs": 2, "train_seconds": 10.0, "wall_seconds": 12.0, "best_f1": 0.6}
    rows = [
        {**row, "setup": "1x1", "chars_per_second": 100.0, "f1_seconds": 20.0, "f1_epoch": 2},
        {**row, "setup": "2x1", "processes": 2, "chars_per_second": 150.0, "f1_seconds": 10.0, "f1_epoch": 2},
        {**row, "setup": "1x2", "threads": 2, "chars_per_second": 120.0, "f1_seconds": None, "f1_epoch": None},
    ]
    lines = format_benchmark_table(rows, 0.5).splitlines()
    assert "s to dev F1 ≥ 0.5" in lines[0] and len(lines) == 5
    assert "| 1.50 |" in lines[3] and "| 2.00 |" in lines[3]  # throughput × 1.5, time to F1 halved
    assert "not reached" in lines[4] and "| 1.20 |" in lines[4]


def test_the_doc_section_is_replaced_and_the_rest_kept(tmp_path):
    doc = tmp_path / "docs" / "performance.md"
    update_doc(doc, "first")
    assert doc.read_text(encoding="utf-8").startswith("# Performance") and "first" in doc.read_text(encoding="utf-8")
    doc.write_text(f"# P\n\n<!-- other -->inference\n\n{DOC_START}\nold\n{DOC_END}\n\ntail\n", encoding="utf-8")
    update_doc(doc, "new table")
    assert doc.read_text(encoding="utf-8") == (
        f"# P\n\n<!-- other -->inference\n\n{DOC_START}\nnew table\n{DOC_END}\n\ntail\n"
    )
    doc.write_text(f"# P\n{DOC_START}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="performance.md"):
        update_doc(doc, "x")


def evaluate(clock, epoch, f1):
    state, control = TrainerState(epoch=epoch), TrainerControl()
    clock.on_epoch_end(None, state, control)
    return clock.on_evaluate(None, state, control, metrics={"eval_f1": f1}).should_training_stop


def test_the_training_clock_times_epochs_and_stops_at_its_limits(tmp_path):
    TrainingArguments(output_dir=str(tmp_path))  # sets up the (single-process) distributed state
    clock = TrainingClock(stop_after_epochs=3, stop_at_f1=0.9)
    clock.on_train_begin(None, TrainerState(epoch=0.0), TrainerControl())
    clock.on_epoch_begin(None, TrainerState(), TrainerControl())
    assert not evaluate(clock, 1.0, 0.5)
    assert evaluate(clock, 2.0, 0.95) and clock.stopped_by == "stop_at_f1=0.9"
    assert evaluate(clock, 3.0, 0.1) and clock.stopped_by == "stop_after_epochs=3"
    assert [e["f1"] for e in clock.history] == [0.5, 0.95, 0.1] and clock.epochs == 3.0
    assert clock.train_seconds > 0 and [e["epoch"] for e in clock.history] == [1.0, 2.0, 3.0]
    timed = TrainingClock(stop_after_seconds=0)
    timed.on_train_begin(None, TrainerState(epoch=0.0), TrainerControl())
    timed.on_epoch_begin(None, TrainerState(), TrainerControl())
    assert evaluate(timed, 1.0, 0.0) and timed.stopped_by == "stop_after_seconds=0"


def test_bench_train_prints_and_writes_its_table(tmp_path):
    """One process and two data-parallel processes, one epoch of the tiny model each (the time
    limit and the threshold both stop them there)."""
    data = write_json(tmp_path / "data" / "export.json", export_tasks(MARKED + EXTRA))
    doc = tmp_path / "performance.md"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "bench_train.py"),
            "--setups=1x1,2x1",
            "--max-epochs=5",
            "--max-seconds=0",  # every process stops after epoch 1: process 0's clock decides
            "--threshold=0",
            f"--doc={doc}",
            "--",
            *TINY_TRAINING,
            f"data.path={data}",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    rows = [line for line in proc.stdout.splitlines() if re.match(r"\| \dx\d ", line)]
    assert [r.split(" ")[1] for r in rows] == ["1x1", "2x1"]
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        setup, epochs, train_s, chars_s, ratio, wall_s, f1_s, f1_epoch, f1_ratio, best = cells
        assert epochs == "1" and f1_epoch == "1"  # the limit and the threshold: one epoch
        assert float(train_s) > 0 and float(chars_s) > 0 and float(wall_s) >= float(train_s)
        assert float(ratio) > 0 and float(f1_ratio) > 0 and 0 <= float(best) <= 1 and float(f1_s) > 0
    assert rows[0].split("|")[5].strip() == "1.00"
    text = doc.read_text(encoding="utf-8")
    assert text.count(DOC_START) == 1 and all(row in text for row in rows)
    assert "`nproc`" in text and "torch 2" in text and "bench_train.py --setups=1x1,2x1" in text

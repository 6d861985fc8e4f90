"""Data-parallel training: two CPU processes (torchrun, gloo) train to the same kind of model
directory as one process, written once by process 0."""

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT

from govner.inference.predictor import Predictor

# The bundled annotations, a tenth of the training sentences, the tiny model, two epochs.
OVERRIDES = ["model=tiny", "trainer=smoke", "data.train_fraction=0.1"]


def train(model_dir, processes):
    launcher = [sys.executable]
    if processes > 1:
        launcher += ["-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={processes}"]
    proc = subprocess.run(
        [*launcher, str(ROOT / "scripts" / "train.py"), *OVERRIDES, f"hydra.run.dir={model_dir}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
        timeout=900,
    )
    assert proc.returncode == 0, f"{processes} process(es) failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def files(model_dir):
    """The files of a model directory; TensorBoard's event file by its folder (its name holds the time and pid)."""
    return sorted(
        str(p.relative_to(model_dir).parent / "events.out.tfevents")
        if p.name.startswith("events.out.tfevents.")
        else str(p.relative_to(model_dir))
        for p in model_dir.rglob("*")
        if p.is_file()
    )


@pytest.mark.slow
def test_two_cpu_processes_train_the_same_kind_of_model_directory(tmp_path):
    single, parallel = tmp_path / "single", tmp_path / "parallel"
    train(single, 1)
    proc = train(parallel, 2)

    assert files(parallel) == files(single)
    assert not (parallel / "checkpoints").exists()
    one = json.loads((single / "metrics.json").read_text())
    two = json.loads((parallel / "metrics.json").read_text())
    assert (one["training"]["processes"], two["training"]["processes"]) == (1, 2)
    assert two["training"]["train_examples"] == one["training"]["train_examples"]
    # Each process takes its share of every batch round: about half the optimizer steps per epoch.
    assert two["training"]["steps"] < one["training"]["steps"]
    assert two["training"]["epochs"] == one["training"]["epochs"] == 2
    assert set(two["dev"]["per_type"]) == set(one["dev"]["per_type"])
    assert len(two["training"]["dev_f1_history"]) == 2
    assert json.loads((parallel / "splits.json").read_text()) == json.loads((single / "splits.json").read_text())
    assert (parallel / "tokenizer.json").read_bytes() == (single / "tokenizer.json").read_bytes()

    # Process 0 alone reports: one table, one model directory line, each log line once.
    assert proc.stdout.count("model directory:") == 1 and proc.stdout.count("dev (") == 1
    log = (parallel / "train.log").read_text(encoding="utf-8")
    assert log.count("scratch BERT:") == 1

    text = "全年地区生产总值717.11亿元，增长3.0%。"
    [prediction] = Predictor.from_dir(parallel).predict([text])
    assert all(text[e.start : e.end] == e.text for e in prediction.entities)

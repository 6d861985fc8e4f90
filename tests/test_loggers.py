"""Training curves (the ``logger`` config group): a tiny training through the real entry point
writes TensorBoard event files with the loss by default, nothing with ``logger=none``, and an
MLflow run with ``logger=mlflow`` (skipped where MLflow, an optional extra, is absent)."""

import importlib.util
import subprocess
import sys

import pytest
from conftest import MARKED, ROOT, export_tasks, write_json

OPENINGS = ["今年", "去年", "上半年"]
TASKS = MARKED + [(f"{OPENINGS[i]}，{m}", f"{src}{i}") for i in range(3) for m, src in MARKED]


def train(tmp_path, *overrides):
    data = write_json(tmp_path / "export.json", export_tasks(TASKS))
    model_dir = tmp_path / "model"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "train.py"),
            "model=tiny",
            "trainer=smoke",
            "trainer.logging_steps=1",
            f"data.path={data}",
            "data.split.test_reports_file=null",
            f"hydra.run.dir={model_dir}",
            *overrides,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert proc.returncode == 0, f"training failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return model_dir


def test_default_training_writes_tensorboard_curves_in_the_model_directory(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    model_dir = train(tmp_path)
    events = list((model_dir / "tensorboard").glob("events.out.tfevents.*"))
    assert len(events) == 1
    curves = EventAccumulator(str(model_dir / "tensorboard")).Reload()
    scalars = curves.Tags()["scalars"]
    assert "train/loss" in scalars and "eval/f1" in scalars
    loss = curves.Scalars("train/loss")
    assert len(loss) >= 2 and all(point.value > 0 for point in loss)
    assert [p.step for p in loss] == sorted(p.step for p in loss)


def test_logger_none_writes_no_curves(tmp_path):
    model_dir = train(tmp_path, "logger=none")
    assert (model_dir / "model.safetensors").is_file()
    assert not (model_dir / "tensorboard").exists()
    assert not list(model_dir.rglob("events.out.tfevents.*"))


@pytest.mark.skipif(
    importlib.util.find_spec("mlflow") is None, reason="MLflow (pip install 'govner[mlflow]') is absent"
)
def test_logger_mlflow_records_a_run_in_a_local_store(tmp_path):
    from mlflow.tracking import MlflowClient

    uri = f"sqlite:///{tmp_path / 'mlruns' / 'mlflow.db'}"
    model_dir = train(tmp_path, "logger=mlflow", f"logger.mlflow.tracking_uri={uri}", "run_name=curves")
    assert not (model_dir / "tensorboard").exists()
    client = MlflowClient(uri)
    (run,) = client.search_runs([client.get_experiment_by_name("govner").experiment_id])
    assert run.info.run_name == "curves" and run.info.status == "FINISHED"
    assert len(client.get_metric_history(run.info.run_id, "loss")) >= 2

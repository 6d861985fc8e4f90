"""Training curves: the ``logger`` config group (as in the lightning-hydra-template) names where the
Trainer's logs go — TensorBoard event files in the model directory (offline; the default), an MLflow
tracking store, several of them (``logger=[tensorboard,mlflow]``) or none. Each becomes a Trainer
callback of the process that writes the model directory; ``report_to`` stays off, so nothing is
picked up from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from transformers import TrainerCallback
from transformers.integrations import MLflowCallback, TensorBoardCallback

from govner.model.model_dir import TENSORBOARD_DIR

LOGGERS = ("tensorboard", "mlflow")


def logger_callbacks(loggers: Mapping | None, model_dir: Path) -> list[TrainerCallback]:
    """One callback per entry of the ``logger`` config (``{"tensorboard": {...}, "mlflow": {...}}``;
    empty or ``None``: none)."""
    loggers = dict(loggers or {})
    unknown = sorted(set(loggers) - set(LOGGERS))
    if unknown:
        raise ValueError(f"unknown logger(s) {unknown}: the logger config group has {', '.join(LOGGERS)} and none")
    callbacks: list[TrainerCallback] = []
    if "tensorboard" in loggers:
        callbacks.append(tensorboard_callback(loggers["tensorboard"].get("log_dir") or model_dir / TENSORBOARD_DIR))
    if "mlflow" in loggers:
        callbacks.append(mlflow_callback(**loggers["mlflow"]))
    return callbacks


def tensorboard_callback(log_dir: str | Path) -> TensorBoardCallback:
    """Scalars (loss, learning rate, dev F1, …) as event files in ``log_dir``."""
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:
        raise ValueError(
            "logger=tensorboard needs the tensorboard package, a govner dependency: reinstall govner "
            "(or pip install 'tensorboard>=2.17,<3'), or train with logger=none"
        ) from None
    return TensorBoardCallback(SummaryWriter(log_dir=str(log_dir)))


def mlflow_callback(tracking_uri: str, experiment_name: str) -> MLflowCallback:
    """Parameters and scalars as a run of ``experiment_name`` in the tracking store ``tracking_uri``
    (a ``sqlite:///`` file, whose folder is made here, or a server)."""
    try:
        import mlflow
    except ImportError:
        raise ValueError(
            "logger=mlflow needs MLflow, an optional extra: pip install 'govner[mlflow]' "
            "(logger=tensorboard, the default, needs nothing more)"
        ) from None
    if tracking_uri.startswith("sqlite:///"):
        Path(tracking_uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_experiment(experiment_name)
    return MLflowCallback()

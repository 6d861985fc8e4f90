"""What several entry points share: reading the annotation tasks a data config names, opening a
model directory's predictor as a command's options say."""

from __future__ import annotations

from omegaconf import DictConfig

from govner.data.dataset import DataSettings, read_tasks
from govner.data.labelstudio_format import RawTask
from govner.inference.predictor import Predictor


def annotation_tasks(data: DataSettings | DictConfig) -> list[RawTask]:
    """The tasks of the Label Studio project ``data.project`` when one is named (server and token
    from the environment), else of the export file(s) at ``data.path``."""
    data = DataSettings.of(data)
    if data.project is not None:
        from govner.labelstudio.pull import project_tasks  # the Label Studio client, only when asked for

        return project_tasks(data)
    return read_tasks(data)


def batch_predictor(cfg, **settings) -> Predictor:
    """The predictor of ``cfg.model_dir`` with the batch-inference options every command shares
    (``batch_size``, ``quantize``, ``runtime``, ``num_threads``, ``decoding``, ``fragments``), plus ``settings``."""
    return Predictor.from_dir(
        cfg.model_dir,
        batch_size=cfg.batch_size,
        quantize=cfg.quantize,
        runtime=str(cfg.runtime),
        num_threads=cfg.num_threads,
        decoding=optional_str(cfg.decoding),
        fragments=str(cfg.fragments),
        **settings,
    )


def optional_str(value) -> str | None:
    """A choice value from a config (a string enum, or ``None``) as a plain string."""
    return None if value is None else str(value)

"""``govner train`` (``scripts/train.py``): fine-tune a tagger as configs/train.yaml says and write
its model directory; ``-m`` sweeps. Runs unchanged under ``torchrun`` / ``accelerate launch``."""

from __future__ import annotations

from omegaconf import DictConfig

from govner.cli.boundary import hydra_command
from govner.cli.common import annotation_tasks
from govner.cli.config import register_configs
from govner.training.trainer import train

register_configs()


def train_job(cfg: DictConfig) -> dict:
    """Train as configured. The tasks of ``data.project`` are read from Label Studio through
    :func:`~govner.cli.common.annotation_tasks`, so training from files never loads the Label
    Studio client (and each data-parallel process reads the files itself, as before)."""
    from_project = cfg.data.get("project") is not None
    return train(cfg, (lambda: annotation_tasks(cfg.data)) if from_project else None)


@hydra_command("train")
def main(cfg: DictConfig) -> float:
    return train_job(cfg)["dev"]["overall"]["f1"]


if __name__ == "__main__":
    main()

"""``govner make-silver`` (``scripts/make_silver.py``), self-training step 1: a teacher tags unlabeled
reports; confident sentences become silver data (configs/silver.yaml). Step 2:
``govner train data.silver_path=...``."""

from __future__ import annotations

import logging
from pathlib import Path

from omegaconf import DictConfig

from govner.cli.boundary import hydra_command
from govner.cli.common import optional_str
from govner.cli.config import register_configs
from govner.inference.predictor import Predictor
from govner.model.model_dir import ModelDir
from govner.training.self_training import equal_steps_epochs, gold_sources, make_silver, write_silver

register_configs()
log = logging.getLogger(__name__)


def silver_job(cfg: DictConfig) -> Path:
    """Tag the corpus with the teacher, write silver tasks and a report."""
    teacher = ModelDir(cfg.teacher)
    predictor = Predictor.from_dir(teacher.path, batch_size=cfg.batch_size, decoding=optional_str(cfg.decoding))
    data = cfg.data
    tasks, report = make_silver(
        predictor,
        Path(cfg.corpus_dir),
        gold_sources(data.path, data.text_field, data.source_field, data.split.get("test_reports_file")),
        cfg.threshold,
        cfg.per_report,
        cfg.max_sentences,
        cfg.seed,
        cfg.model_version or teacher.version(),
        cfg.max_empty_share,
    )
    epochs = ""
    if teacher.file("metrics.json").exists():
        training = teacher.metrics()["training"]
        report.student_epochs = equal_steps_epochs(training["epochs"], training["train_examples"], report.kept)
        epochs = f" trainer.num_train_epochs={report.student_epochs}"
    path = write_silver(tasks, report, Path(cfg.output_dir))
    log.info("%s", report.summary())
    print(f"silver: {path} ({report.summary()})\ntrain a student: govner train data.silver_path={path}{epochs}")
    return path


@hydra_command("silver")
def main(cfg: DictConfig) -> None:
    silver_job(cfg)


if __name__ == "__main__":
    main()

"""``govner crf-baseline`` (``scripts/crf_baseline.py``): the feature CRF that every neural
configuration is compared with, trained on the train split and evaluated on dev and test exactly
as ``govner train`` evaluates (configs/crf_baseline.yaml)."""

from __future__ import annotations

from pathlib import Path

from omegaconf import DictConfig

from govner.bench.crf_baseline import run_baseline
from govner.cli.boundary import hydra_command
from govner.cli.common import annotation_tasks
from govner.cli.config import register_configs
from govner.data.dataset import prepare_data
from govner.evaluation.entities import whole_report_documents
from govner.evaluation.metrics import format_table

register_configs()


def crf_baseline_job(cfg: DictConfig) -> dict:
    labels = tuple(cfg.labels)
    data = prepare_data(cfg.data, labels, annotation_tasks(cfg.data))
    whole = whole_report_documents(data.documents["test"], cfg.data.split.get("whole_reports_file"))
    metrics = run_baseline(
        data, whole, labels, Path(cfg.output_dir), cfg.crf.use_lac, cfg.crf.c1, cfg.crf.c2, cfg.crf.max_iterations
    )
    for split in ("dev", "test", "whole"):
        if split in metrics:
            print(format_table(metrics[split], f"\n{split} ({metrics[split]['documents']} sentences):"))
    print(f"\nCRF baseline: {cfg.output_dir} (training {metrics['training']['seconds']:.0f}s)")
    return metrics


@hydra_command("crf_baseline")
def main(cfg: DictConfig) -> None:
    crf_baseline_job(cfg)


if __name__ == "__main__":
    main()

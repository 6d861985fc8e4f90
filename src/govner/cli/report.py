"""``govner report`` (``scripts/report.py``): a batch tagged by ``govner predict`` (entities JSONL)
written again as the HTML report, the comparison table or records, without the model; see
configs/report.yaml."""

from __future__ import annotations

from pathlib import Path

from omegaconf import DictConfig

from govner.cli.boundary import hydra_command
from govner.cli.config import register_configs
from govner.inference.replay import replay_predictions

register_configs()


def report_job(cfg: DictConfig) -> int:
    """Returns the exit status (1 if any line could not be written)."""
    if not Path(cfg.input).is_file():
        print(f"{cfg.input}: no such file (expected the entities JSONL of govner predict output_format=jsonl)")
        return 1
    try:
        summary = replay_predictions(
            cfg.input,
            cfg.output,
            output_format=str(cfg.output_format),
            model_version=cfg.model_version or f"not recorded (the entities of {Path(cfg.input).name})",
            single_page_documents=cfg.html.single_page_documents,
        )
    except UnicodeDecodeError as err:
        print(
            f"{cfg.input}: not UTF-8 (invalid byte at offset {err.start}); expected the entities JSONL of govner predict"
        )
        return 1
    print(summary)
    print(f"output: {cfg.output} ({cfg.output_format})")
    return 1 if summary.failures else 0


@hydra_command("report")
def main(cfg: DictConfig) -> int:
    return report_job(cfg)


if __name__ == "__main__":
    main()

"""``govner ls-pull`` (``scripts/ls_pull.py``): a Label Studio project's annotations into
annotations/, through the training validator; see configs/ls_pull.yaml."""

from __future__ import annotations

from pathlib import Path

from omegaconf import DictConfig

from govner.cli.boundary import hydra_command
from govner.cli.config import register_configs
from govner.data.validation import DataValidationError
from govner.labelstudio.connection import connect
from govner.labelstudio.pull import default_output, export_project, save_validated

register_configs()


def pull_job(cfg: DictConfig) -> int:
    """Returns the exit status (1 if the export fails validation)."""
    export = export_project(connect(), cfg.project)
    output = Path(cfg.output) if cfg.output else default_output(cfg.annotations_dir, export)
    data = cfg.data
    try:
        docs, report = save_validated(
            export, output, tuple(cfg.labels), dict(data.validation), data.text_field, data.source_field
        )
    except DataValidationError as err:
        print(f"{export.origin}: nothing written; fix these tasks in Label Studio and pull again.\n{err}")
        return 1
    print(f"{export.origin}: {report.summary()}")
    for problem in report.skipped:
        print(f"  skipped {problem}")
    print(f"{len(docs)} annotated task(s) ready for training: {output}")
    return 0


@hydra_command("ls_pull")
def main(cfg: DictConfig) -> int:
    return pull_job(cfg)


if __name__ == "__main__":
    main()

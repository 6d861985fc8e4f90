"""``govner ls-push`` (``scripts/ls_push.py``): push reports into a Label Studio project,
pre-annotated by a model, most uncertain first; see configs/ls_push.yaml."""

from __future__ import annotations

import sys

import hydra
from omegaconf import DictConfig

from govner.cli.config import CONFIG_DIR, register_configs
from govner.inference.predictor import Predictor
from govner.labelstudio.connection import connect, ensure_project
from govner.labelstudio.interface import labeling_config
from govner.labelstudio.push import annotated_texts, push_units, read_units
from govner.model.model_dir import ModelDir

register_configs()


def push_job(cfg: DictConfig) -> int:
    """Returns the exit status (1 if an input file failed)."""
    ls = cfg.labelstudio
    config = labeling_config(list(cfg.labels), cfg.label_style, ls.from_name, ls.to_name)
    client = connect()
    project = ensure_project(client, cfg.project, config, tuple(cfg.labels))
    units, failures = read_units(cfg.input, str(cfg.unit), cfg.source_root)
    if cfg.exclude:
        annotated = annotated_texts(cfg.exclude)
        kept = [u for u in units if u.text not in annotated]
        print(f"{len(units) - len(kept)} unit(s) already annotated in {cfg.exclude}: not pushed")
        units = kept
    tagger, version = None, ""
    if cfg.model_dir:
        tagger = Predictor.from_dir(cfg.model_dir, batch_size=cfg.batch_size)
        version = cfg.model_version or ModelDir(cfg.model_dir).version()
    report = push_units(
        client, project.id, units, tagger, version, cfg.limit, ls.from_name, ls.to_name, str(cfg.order), cfg.seed
    )
    report.failures = failures
    if tagger is not None and report.pushed:
        client.projects.update(id=project.id, model_version=version)
    print(report)
    print(f"project: {project.title!r} (id {project.id}); model version: {version or 'none (no pre-annotations)'}")
    return 1 if failures else 0


@hydra.main(config_path=CONFIG_DIR, config_name="ls_push", version_base="1.3")
def main(cfg: DictConfig) -> None:
    status = push_job(cfg)
    if status:
        sys.exit(status)


if __name__ == "__main__":
    main()

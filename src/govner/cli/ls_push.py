"""``govner ls-push`` (``scripts/ls_push.py``): push reports into a Label Studio project,
pre-annotated by a model, most uncertain first; see configs/ls_push.yaml."""

from __future__ import annotations

from omegaconf import DictConfig

from govner.cli.boundary import hydra_command
from govner.cli.config import register_configs
from govner.inference.predictor import Predictor
from govner.labelstudio.connection import connect, ensure_project
from govner.labelstudio.interface import labeling_config, labeling_instructions
from govner.labelstudio.push import annotated_texts, push_units, read_units
from govner.model.model_dir import ModelDir

register_configs()


def push_job(cfg: DictConfig) -> int:
    """Returns the exit status (1 if an input file failed)."""
    ls = cfg.labelstudio
    config = labeling_config(list(cfg.labels), cfg.label_style, ls.from_name, ls.to_name)
    guide = cfg.instructions or {}
    instructions = labeling_instructions(
        cfg.labels, cfg.label_style, guide.get("hints") or {}, guide.get("rules") or []
    )
    client = connect()
    project = ensure_project(client, cfg.project, config, tuple(cfg.labels), instructions)
    units, failures = read_units(cfg.input, str(cfg.unit), cfg.source_root)
    read = len(units)
    if cfg.exclude:
        annotated = annotated_texts(cfg.exclude)
        units = [u for u in units if u.text not in annotated]
    tagger, version = None, ""
    if cfg.model_dir:
        tagger = Predictor.from_dir(cfg.model_dir, batch_size=cfg.batch_size)
        version = cfg.model_version or ModelDir(cfg.model_dir).version()
    report = push_units(
        client, project.id, units, tagger, version, cfg.limit, ls.from_name, ls.to_name, str(cfg.order), cfg.seed
    )
    report.failures = failures
    report.units, report.annotated = read, read - len(units)
    if tagger is not None and report.pushed:
        client.projects.update(id=project.id, model_version=version)
    print(report)
    print(f"project: {project.title!r} (id {project.id}); model version: {version or 'none (no pre-annotations)'}")
    return 1 if failures else 0


@hydra_command("ls_push")
def main(cfg: DictConfig) -> int:
    return push_job(cfg)


if __name__ == "__main__":
    main()

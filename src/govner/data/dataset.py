"""From Label Studio tasks to validated documents, split by report, and a ``datasets.DatasetDict``
of character examples. Tasks come from export files here; tasks of a live project are read by
:func:`govner.labelstudio.pull.project_tasks` and passed in, so this module never talks to a server."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from pathlib import Path

from datasets import DatasetDict

from govner.data.examples import examples_dataset
from govner.data.labelstudio_format import RawTask, read_export
from govner.data.spans import Document
from govner.data.split import SPLITS, read_sources, split_by_source
from govner.data.validation import ValidationReport, validate_tasks

log = logging.getLogger(__name__)


@dataclass
class PreparedData:
    documents: dict[str, list[Document]]  # split name → documents
    dataset: DatasetDict  # split name → character examples
    report: ValidationReport

    def sources(self, split: str) -> list[str]:
        return sorted({d.source for d in self.documents[split]})


def describe_data(data_cfg) -> str:
    """Where the annotations come from: the export path, or the Label Studio project."""
    project = data_cfg.get("project")
    return f"Label Studio project {project!r}" if project is not None else str(data_cfg.path)


def read_tasks(data_cfg) -> list[RawTask]:
    """The tasks of the export file(s) at ``data_cfg.path``."""
    if data_cfg.get("project") is not None:
        raise ValueError(
            f"data.project={data_cfg.project!r}: the tasks of a Label Studio project are read by "
            "govner.labelstudio.pull.project_tasks(data_cfg) and passed in as tasks="
        )
    return read_export(data_cfg.path, text_field=data_cfg.text_field, source_field=data_cfg.source_field)


def load_documents(
    data_cfg, labels: tuple[str, ...], tasks: list[RawTask] | None = None
) -> tuple[list[Document], ValidationReport]:
    """Validated documents of ``tasks`` (default: the export file(s) at ``data_cfg.path``), with
    the validation policy of ``data_cfg``."""
    if tasks is None:
        tasks = read_tasks(data_cfg)
    docs, report = validate_tasks(tasks, labels, dict(data_cfg.validation), use_predictions=data_cfg.use_predictions)
    log.info("%s: %s", describe_data(data_cfg), report.summary())
    for problem in report.skipped:
        log.warning("skipped %s", problem)
    return docs, report


def load_silver(data_cfg, labels: tuple[str, ...], held_out: set[str]) -> list[Document]:
    """Silver documents (teacher predictions, see :mod:`govner.training.self_training`) for training only.
    Raises if any comes from a dev or test report: held-out reports must never leak into training."""
    tasks = read_export(data_cfg.silver_path, text_field=data_cfg.text_field, source_field=data_cfg.source_field)
    docs, report = validate_tasks(tasks, labels, dict(data_cfg.validation), use_predictions=True)
    log.info("silver %s: %s", data_cfg.silver_path, report.summary())
    leaked = sorted({d.source for d in docs} & held_out)
    if leaked:
        first = next(d for d in docs if d.source in leaked)
        raise ValueError(
            f"{data_cfg.silver_path}: silver comes from {len(leaked)} dev/test report(s), e.g. {first.origin} "
            f"from {first.source!r}; make silver with those reports excluded (scripts/make_silver.py does)"
        )
    return docs


def prepare_data(data_cfg, labels: tuple[str, ...], tasks: list[RawTask] | None = None) -> PreparedData:
    """Validate ``tasks`` (default: the export file(s) at ``data_cfg.path``), split by report and
    segment, as configured in ``data_cfg``."""
    docs, report = load_documents(data_cfg, labels, tasks)
    split_cfg = data_cfg.split
    test_file = split_cfg.get("test_reports_file")
    test_sources = read_sources(test_file) if test_file and Path(test_file).exists() else None
    if test_sources is not None:
        log.info("test reports fixed by %s (%d reports)", test_file, len(test_sources))
    splits = split_by_source(docs, split_cfg.dev_ratio, split_cfg.test_ratio, split_cfg.seed, test_sources)
    fraction = data_cfg.get("train_fraction", 1.0)
    if fraction < 1.0:  # for learning curves: a seeded subset of the training sentences
        keep = round(len(splits["train"]) * fraction)
        splits["train"] = random.Random(split_cfg.seed).sample(splits["train"], keep)
        log.info("train_fraction=%s: %d training documents kept", fraction, keep)
    if data_cfg.get("silver_path"):
        held_out = {d.source for name in ("dev", "test") for d in splits[name]}
        silver = load_silver(data_cfg, labels, held_out)
        log.info("train: %d gold + %d silver documents", len(splits["train"]), len(silver))
        splits["train"] = splits["train"] + silver
    dataset = DatasetDict(
        {name: examples_dataset(splits[name], data_cfg.max_chars, data_cfg.stride) for name in SPLITS}
    )
    for name in SPLITS:
        log.info(
            "%s: %d reports, %d documents, %d examples",
            name,
            len({d.source for d in splits[name]}),
            len(splits[name]),
            len(dataset[name]),
        )
    return PreparedData(splits, dataset, report)

"""From Label Studio tasks to validated documents, split by report, and a ``datasets.DatasetDict``
of character examples. Tasks come from export files here; tasks of a live project are read by
:func:`govner.labelstudio.pull.project_tasks` and passed in, so this module never talks to a server."""

from __future__ import annotations

import logging
import random
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from datasets import DatasetDict
from omegaconf import DictConfig, OmegaConf

from govner.data.augment import AugmentSettings, replace_mentions
from govner.data.examples import examples_dataset
from govner.data.labelstudio_format import REPORT_FIELD, RawTask, export_files, read_export
from govner.data.segmentation import token_count
from govner.data.spans import Document
from govner.data.split import SPLITS, read_sources, split_by_source
from govner.data.validation import Problem, ValidationReport, validate_tasks
from govner.errors import GovnerError
from govner.paths import register_resolvers

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SplitSettings:
    """How documents are split by report (``data.split``)."""

    dev_ratio: float = 0.15
    test_ratio: float = 0.15
    seed: int = 13
    test_reports_file: str | None = None  # if the file exists, it fixes the test reports
    dev_reports_file: str | None = None  # if the file exists, it fixes the dev reports
    whole_reports_file: str | None = None  # test reports annotated in full: the whole-report evaluation


@dataclass(frozen=True)
class DataSettings:
    """Where the annotations are and how they become examples: the ``data`` group of the configs
    (configs/data/labelstudio_export.yaml explains each field)."""

    path: str | None = None  # export file(s); None with ``project``
    project: str | int | None = None  # a Label Studio project (its tasks are passed in, see read_tasks)
    text_field: str = "text"
    source_field: str = REPORT_FIELD
    use_predictions: bool = False
    train_fraction: float = 1.0
    silver_path: str | None = None
    augment: AugmentSettings = field(default_factory=AugmentSettings)
    max_chars: int = 200
    stride: int = 32
    validation: Mapping[str, str] = field(default_factory=dict)
    split: SplitSettings = field(default_factory=SplitSettings)

    @classmethod
    def of(cls, data: DataSettings | DictConfig | Mapping) -> DataSettings:
        """``data`` itself, or the settings of a ``data`` config node (keys it does not know, from
        other versions of the configs, are left aside)."""
        if isinstance(data, cls):
            return data
        register_resolvers()  # ${project_root:} in the package's configs
        raw = OmegaConf.to_container(data, resolve=True) if isinstance(data, DictConfig) else dict(data)
        known = {f.name for f in fields(cls)} - {"split", "augment"}
        split = raw.get("split") or {}
        split_known = {f.name for f in fields(SplitSettings)}
        augment = dict(raw.get("augment") or {})
        if "labels" in augment:
            augment["labels"] = tuple(augment["labels"])
        return cls(
            **{k: v for k, v in raw.items() if k in known},
            split=SplitSettings(**{k: v for k, v in dict(split).items() if k in split_known}),
            augment=AugmentSettings(**augment),
        )


@dataclass
class PreparedData:
    documents: dict[str, list[Document]]  # split name → documents
    dataset: DatasetDict  # split name → character examples
    report: ValidationReport

    def sources(self, split: str) -> list[str]:
        return sorted({d.source for d in self.documents[split]})


def describe_data(data: DataSettings | DictConfig) -> str:
    """Where the annotations come from: the export path, or the Label Studio project."""
    data = DataSettings.of(data)
    return f"Label Studio project {data.project!r}" if data.project is not None else str(data.path)


def read_tasks(data: DataSettings | DictConfig) -> list[RawTask]:
    """The tasks of the export file(s) at ``data.path``."""
    data = DataSettings.of(data)
    if data.project is not None:
        raise ValueError(
            f"data.project={data.project!r}: the tasks of a Label Studio project are read by "
            "govner.labelstudio.pull.project_tasks(data) and passed in as tasks="
        )
    return read_export(data.path, text_field=data.text_field, source_field=data.source_field)


def load_documents(
    data: DataSettings | DictConfig, labels: tuple[str, ...], tasks: list[RawTask] | None = None
) -> tuple[list[Document], ValidationReport]:
    """Validated documents of ``tasks`` (default: the export file(s) at ``data.path``), with
    the validation policy of ``data``."""
    data = DataSettings.of(data)
    skipped_files = []
    if tasks is None:
        tasks = read_tasks(data)
        skipped_files = [Problem(str(f), "skipped_file", reason) for f, reason in export_files(data.path).skipped]
    docs, report = validate_tasks(tasks, labels, dict(data.validation), use_predictions=data.use_predictions)
    report.notes.extend(skipped_files)  # listed in data_report.json
    log.info("%s: %s", describe_data(data), report.summary())
    for problem in report.skipped:
        log.warning("skipped %s", problem)
    return docs, report


def load_silver(data: DataSettings, labels: tuple[str, ...], held_out: set[str]) -> list[Document]:
    """Silver documents (teacher predictions, see :mod:`govner.training.self_training`) for training only.
    Raises if any comes from a dev or test report: held-out reports must never leak into training."""
    tasks = read_export(data.silver_path, text_field=data.text_field, source_field=data.source_field)
    docs, report = validate_tasks(tasks, labels, dict(data.validation), use_predictions=True)
    log.info("silver %s: %s", data.silver_path, report.summary())
    leaked = sorted({d.source for d in docs} & held_out)
    if leaked:
        first = next(d for d in docs if d.source in leaked)
        raise GovnerError(
            f"{data.silver_path}: silver comes from {len(leaked)} dev/test report(s), e.g. {first.origin} "
            f"from {first.source!r}; make silver with those reports excluded (scripts/make_silver.py does)"
        )
    return docs


def fixed_reports(split_cfg: SplitSettings, present: set[str]) -> tuple[set[str] | None, set[str] | None]:
    """The test and dev reports fixed by their files (``None`` where no file exists). A dev file
    naming none of the ``present`` reports (other data than the bundled annotations) is left aside."""
    fixed: dict[str, set[str]] = {}
    for name, path in (("test", split_cfg.test_reports_file), ("dev", split_cfg.dev_reports_file)):
        if path and Path(path).exists():
            fixed[name] = read_sources(path)
            log.info("%s reports fixed by %s (%d reports)", name, path, len(fixed[name]))
    if "dev" in fixed and not fixed["dev"] & present:
        log.warning(
            "none of the dev reports of %s is in the data: dev is drawn by data.split.dev_ratio",
            split_cfg.dev_reports_file,
        )
        del fixed["dev"]
    return fixed.get("test"), fixed.get("dev")


def prepare_data(
    data: DataSettings | DictConfig,
    labels: tuple[str, ...],
    tasks: list[RawTask] | None = None,
    train_texts: Collection[str] | None = None,
) -> PreparedData:
    """Validate ``tasks`` (default: the export file(s) at ``data.path``), split by report and
    segment, as ``data`` says; ``train_texts``: keep only these training sentences (active
    learning: dev and test stay whole)."""
    data = DataSettings.of(data)
    docs, report = load_documents(data, labels, tasks)
    split_cfg = data.split
    test_sources, dev_sources = fixed_reports(split_cfg, {d.source for d in docs})
    splits = split_by_source(docs, split_cfg.dev_ratio, split_cfg.test_ratio, split_cfg.seed, test_sources, dev_sources)
    fraction = data.train_fraction
    if fraction < 1.0:  # for learning curves: a seeded subset of the training sentences
        keep = round(len(splits["train"]) * fraction)
        splits["train"] = random.Random(split_cfg.seed).sample(splits["train"], keep)
        log.info("train_fraction=%s: %d training documents kept", fraction, keep)
    if train_texts is not None:
        wanted = set(train_texts)
        splits["train"] = [d for d in splits["train"] if d.text in wanted]
        log.info("train_texts: %d of %d given sentences found in train", len(splits["train"]), len(wanted))
    if data.augment.copies:
        augmented = replace_mentions(splits["train"], data.augment)
        log.info(
            "train: %d documents + %d mention-replacement copies (%s)",
            len(splits["train"]),
            len(augmented),
            ",".join(data.augment.labels),
        )
        splits["train"] = splits["train"] + augmented
    if data.silver_path:
        held_out = {d.source for name in ("dev", "test") for d in splits[name]}
        silver = load_silver(data, labels, held_out)
        log.info("train: %d gold + %d silver documents", len(splits["train"]), len(silver))
        splits["train"] = splits["train"] + silver
    dataset = DatasetDict({name: examples_dataset(splits[name], data.max_chars, data.stride) for name in SPLITS})
    for name in SPLITS:
        log.info(
            "%s: %d reports, %d documents, %d examples",
            name,
            len({d.source for d in splits[name]}),
            len(splits[name]),
            len(dataset[name]),
        )
    return PreparedData(splits, dataset, report)


def fit_windows(data: PreparedData, settings: DataSettings | DictConfig, max_tokens: int | None) -> int:
    """Cut the documents again, as inference does, if any window makes more than ``max_tokens``
    tokens (the model's limit: ``data.max_chars`` above it, or NFKC expansions such as … → ...),
    so that no character is cut off; returns how many windows were too long (0: nothing changed)."""
    settings = DataSettings.of(settings)
    if max_tokens is None:
        return 0
    too_long = sum(token_count(text) > max_tokens for split in data.dataset.values() for text in split["text"])
    if too_long:
        log.warning(
            "%d window(s) make more than the model's %d tokens (data.max_chars=%d): cut into windows that fit",
            too_long,
            max_tokens,
            settings.max_chars,
        )
        data.dataset = DatasetDict(
            {
                name: examples_dataset(docs, settings.max_chars, settings.stride, max_tokens)
                for name, docs in data.documents.items()
            }
        )
    return too_long

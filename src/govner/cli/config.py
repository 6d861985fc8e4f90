"""Hydra plumbing of the entry points: the ``${project_root:}`` resolver, and structured configs
(dataclasses in Hydra's ConfigStore) that type the primary configs, so that a choice key given a
value it does not know (``decoding``, ``runtime``, ``fragments``, ``output_format``, ``unit``) fails at start,
listing the allowed values, and a misspelt key fails as unknown.

Each schema is named ``<config>_schema`` and is the first entry of that config's defaults list;
the YAML file keeps the values and their comments."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING

from govner.paths import CONFIG_DIR, register_resolvers

__all__ = [
    "CONFIG_DIR",
    "Decoding",
    "Fragments",
    "OutputFormat",
    "ReportFormat",
    "Runtime",
    "Unit",
    "register_configs",
    "register_resolvers",
]


class Decoding(StrEnum):
    """How tags are read off the model's scores (``govner.inference.decoding``)."""

    argmax = "argmax"
    viterbi = "viterbi"


class Runtime(StrEnum):
    """What runs the model in batch inference and evaluation."""

    torch = "torch"
    onnx = "onnx"


class Fragments(StrEnum):
    """What batch inference does with touching same-label spans (``govner.inference.predictor``)."""

    flag = "flag"
    merge = "merge"


class OutputFormat(StrEnum):
    """What ``govner predict`` writes (``govner.inference.writers``)."""

    jsonl = "jsonl"
    labelstudio = "labelstudio"
    records = "records"
    comparison = "comparison"
    html = "html"


class ReportFormat(StrEnum):
    """What ``govner report`` writes from a tagged batch (``govner.inference.replay``)."""

    records = "records"
    comparison = "comparison"
    html = "html"


class Unit(StrEnum):
    """What one Label Studio task holds when reports are pushed."""

    sentence = "sentence"
    paragraph = "paragraph"


class PushOrder(StrEnum):
    """In what order ``govner ls-push`` imports the units (``govner.labelstudio.tasks.rank``)."""

    uncertainty = "uncertainty"
    random = "random"


@dataclass
class TaskFields:
    """Where predictions go in a Label Studio task: the Labels control and the Text object."""

    from_name: str = "label"
    to_name: str = "text"


@dataclass
class ServeTaskFields(TaskFields):
    text_field: str = "text"


@dataclass
class HtmlReport:
    single_page_documents: int = 20


@dataclass
class TrainSchema:
    labels: list[str] = MISSING
    label_style: Any = None
    data: Any = None
    trainer: Any = None
    model: Any = None
    logger: Any = None
    run_name: str = "default"
    seed: int = 42
    decoding: Decoding = Decoding.viterbi
    output_dir: str = MISSING


@dataclass
class ActiveLearningSettings:
    start: int = 200
    batch: int = 200
    rounds: int = 3
    strategies: list[str] = field(default_factory=lambda: ["uncertainty", "random"])
    seeds: list[int] = field(default_factory=lambda: [42])
    runs_dir: str = MISSING
    results: str = MISSING
    plot: str = MISSING


@dataclass
class ActiveLearningSchema(TrainSchema):
    active_learning: ActiveLearningSettings = field(default_factory=ActiveLearningSettings)


@dataclass
class EvaluateSchema:
    data: Any = None
    model_dir: str = MISSING
    split: str = "test"
    output_dir: str = MISSING
    batch_size: int = 64
    decoding: Decoding | None = None
    fragments: Fragments = Fragments.flag
    quantize: bool = False
    runtime: Runtime = Runtime.torch
    num_threads: int | None = None


@dataclass
class PredictSchema:
    model_dir: str = MISSING
    input: str = MISSING
    output: str = MISSING
    output_format: OutputFormat = OutputFormat.jsonl
    model_version: str | None = None
    batch_size: int = 64
    decoding: Decoding | None = None
    fragments: Fragments = Fragments.flag
    quantize: bool = False
    runtime: Runtime = Runtime.torch
    num_threads: int | None = None
    mmap_threshold_kib: int | None = 256
    shard: int = 0
    num_shards: int = 1
    chunk_chars: int = 200_000
    max_chars: int | None = None
    stride: int | None = None
    html: HtmlReport = field(default_factory=HtmlReport)
    labelstudio: TaskFields = field(default_factory=TaskFields)


@dataclass
class ReportSchema:
    input: str = MISSING
    output: str = MISSING
    output_format: ReportFormat = ReportFormat.html
    model_version: str | None = None
    html: HtmlReport = field(default_factory=HtmlReport)


@dataclass
class SilverSchema:
    data: Any = None
    run_name: str = "default"
    teacher: str = MISSING
    corpus_dir: str = MISSING
    threshold: float = 0.95
    per_report: int = 40
    max_sentences: int = 2700
    max_empty_share: float = 0.2
    seed: int = 13
    batch_size: int = 64
    decoding: Decoding | None = None
    model_version: str | None = None
    output_dir: str = MISSING


@dataclass
class EvaluateRecordsSchema:
    data: Any = None
    gold: str = MISSING
    model_dir: str | None = None
    output_dir: str = MISSING
    invalid_gold: str = "error"
    rel_tol: float = 1.0e-6
    batch_size: int = 64
    decoding: Decoding | None = None
    whole_reports: str | None = None
    indicator_mapping: str | None = None


@dataclass
class ServeSchema:
    model_dir: str = MISSING
    host: str = "127.0.0.1"
    port: int = 9090
    model_version: str | None = None
    batch_size: int = 32
    decoding: Decoding | None = None
    log_level: str = "info"
    labelstudio: ServeTaskFields = field(default_factory=ServeTaskFields)


@dataclass
class LsPushSchema:
    labels: list[str] = MISSING
    label_style: Any = None
    project: str = "govner"
    input: str = MISSING
    source_root: str | None = None
    unit: Unit = Unit.sentence
    model_dir: str | None = None
    model_version: str | None = None
    limit: int | None = None
    order: PushOrder = PushOrder.uncertainty
    seed: int = 0
    exclude: str | None = None
    batch_size: int = 64
    labelstudio: TaskFields = field(default_factory=TaskFields)
    instructions: Any = None  # {hints: {label: line}, rules: [line]}: the project's labeling instructions


SCHEMAS = {
    "train_schema": TrainSchema,
    "active_learning_schema": ActiveLearningSchema,
    "evaluate_schema": EvaluateSchema,
    "predict_schema": PredictSchema,
    "report_schema": ReportSchema,
    "silver_schema": SilverSchema,
    "evaluate_records_schema": EvaluateRecordsSchema,
    "serve_schema": ServeSchema,
    "ls_push_schema": LsPushSchema,
}


def register_configs() -> None:
    """The resolver and the schemas; every entry point (and anything composing the configs with
    Hydra's compose API) calls this first."""
    register_resolvers()
    store = ConfigStore.instance()
    for name, schema in SCHEMAS.items():
        store.store(name=name, node=schema)

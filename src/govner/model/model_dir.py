"""The model directory: every file name training writes and everyone else reads, in one place.

A model directory holds the weights and ``config.json`` (with ``id2label``), the tokenizer files,
and govner's own files:

- ``govner.json``: inference settings (window size, overlap, labels, decoding), :class:`Settings`;
- ``label_map.json``: the tag set (``id2label``, ``label2id``), read back to check the weights;
- ``config.yaml``: the resolved training config;
- ``splits.json``: documents and reports per split; ``split-<dev|test>.jsonl``: the exact dev and
  test documents (text and gold spans), so a later evaluation of the split does not depend on
  today's annotations;
- ``data_report.json``, ``metrics.json``, ``eval-<split>/``, ``README.md`` (the model card);
- ``onnx/``: the ONNX export (fp32, int8), made on first use by ``runtime=onnx``;
- ``tensorboard/``: the training curves (``logger=tensorboard``, the default).

Its version (:meth:`ModelDir.version`) stamps every prediction that leaves the project.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from govner.data.spans import Document, Span
from govner.errors import GovnerError
from govner.files import atomic_open, write_text_atomic

SETTINGS_FILE = "govner.json"
LABEL_MAP_FILE = "label_map.json"
TRAIN_CONFIG_FILE = "config.yaml"
SPLITS_FILE = "splits.json"
DATA_REPORT_FILE = "data_report.json"
METRICS_FILE = "metrics.json"
MODEL_CARD_FILE = "README.md"
WEIGHTS_FILE = "model.safetensors"
HF_CONFIG_FILE = "config.json"
CHECKPOINTS_DIR = "checkpoints"
ONNX_DIR = "onnx"
TENSORBOARD_DIR = "tensorboard"
EVALUATED_SPLITS = ("dev", "test")  # splits whose exact documents are kept
WEIGHTS_FILES = (WEIGHTS_FILE, "pytorch_model.bin")  # either holds the weights
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "vocab.txt")  # any of them: a tokenizer
TRAIN = "govner train run_name=NAME writes models/NAME"
REMEDY = f"retrain it ({TRAIN}) or set model_dir= to another model directory"


class ModelDirError(GovnerError):
    """A model directory that is missing, incomplete or damaged."""


@dataclass(frozen=True)
class Settings:
    """How the model is fed and read: windows of ``max_chars`` overlapping by ``stride``, the
    entity labels, and the decoding used unless a caller overrides it."""

    max_chars: int
    stride: int
    labels: tuple[str, ...]
    decoding: str = "argmax"

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "labels": list(self.labels), "decoding": str(self.decoding)}, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Settings:
        raw = json.loads(text)
        return cls(raw["max_chars"], raw["stride"], tuple(raw["labels"]), raw.get("decoding", "argmax"))


class ModelDir:
    """A model directory at ``path`` (see the module docstring for its files)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"ModelDir({str(self.path)!r})"

    def file(self, name: str) -> Path:
        return self.path / name

    # -- what inference needs ---------------------------------------------------------------

    def require(self) -> ModelDir:
        """``self``; raises when the directory was not written by govner's training."""
        if not self.path.is_dir():
            raise ModelDirError(f"{self.path}: no such model directory; train one ({TRAIN}) or set model_dir= to an existing one")
        if not self.file(SETTINGS_FILE).exists():
            raise ModelDirError(f"{self.path}: not a govner model directory (no {SETTINGS_FILE}); {REMEDY}")
        return self

    def require_model_files(self) -> ModelDir:
        """``self``; raises when the weights, their ``config.json`` or the tokenizer are missing."""
        self.require()
        needed = [(HF_CONFIG_FILE,), WEIGHTS_FILES, TOKENIZER_FILES]
        for names in needed:
            if not any(self.file(name).exists() for name in names):
                raise ModelDirError(f"{self.path}: incomplete model directory, no {' or '.join(names)}; {REMEDY}")
        return self

    @contextmanager
    def reading(self, what: str) -> Iterator[None]:
        """Turn a failure to read ``what`` (a file of the directory) into a :class:`ModelDirError`
        naming the directory and the file."""
        try:
            yield
        except GovnerError:
            raise
        except Exception as err:
            raise ModelDirError(f"{self.path}: {what} is damaged and cannot be read ({err}); {REMEDY}") from err

    def settings(self) -> Settings:
        with self.reading(SETTINGS_FILE):
            return Settings.from_json(self.require().file(SETTINGS_FILE).read_text(encoding="utf-8"))

    def write_settings(self, settings: Settings) -> None:
        write_text_atomic(self.file(SETTINGS_FILE), settings.to_json())

    def labels(self) -> tuple[str, ...]:
        """The entity labels the model was trained on."""
        return self.settings().labels

    def write_label_map(self, tags: Sequence[str]) -> None:
        label_map = {"id2label": dict(enumerate(tags)), "label2id": {t: i for i, t in enumerate(tags)}}
        write_text_atomic(self.file(LABEL_MAP_FILE), json.dumps(label_map, indent=2))

    def tags(self) -> list[str] | None:
        """The tag set by id from ``label_map.json`` (``None`` for a directory without one)."""
        path = self.file(LABEL_MAP_FILE)
        if not path.exists():
            return None
        with self.reading(LABEL_MAP_FILE):
            id2label = json.loads(path.read_text(encoding="utf-8"))["id2label"]
            return [id2label[str(i)] for i in range(len(id2label))]

    def check_tags(self, id2label: dict[int, str]) -> None:
        """Raise if the weights' ``id2label`` is not the tag set training recorded."""
        recorded = self.tags()
        loaded = [id2label[i] for i in range(len(id2label))]
        if recorded is not None and recorded != loaded:
            raise ModelDirError(
                f"{self.path}: the weights tag {loaded}, but {LABEL_MAP_FILE} records {recorded}; {REMEDY}"
            )

    def version(self) -> str:
        """``<directory name>@<time the weights were written>``: a retrained model is a new version.
        Stamps every prediction that leaves the project (Label Studio tasks and the ML backend,
        ``output_format=labelstudio``, silver data)."""
        path = self.path.resolve()
        weights = next((p for p in (path / WEIGHTS_FILE, path / HF_CONFIG_FILE) if p.exists()), path)
        stamp = datetime.fromtimestamp(weights.stat().st_mtime, tz=UTC).strftime("%Y%m%dT%H%M%S")
        return f"{path.name}@{stamp}"

    def onnx_file(self, quantize: bool = False) -> Path:
        """Where the ONNX export lives (fp32, or int8 with ``quantize``); made by
        :func:`govner.inference.onnx_model.onnx_file`."""
        return self.path / ONNX_DIR / ("model-int8.onnx" if quantize else "model.onnx")

    def weights_mtime(self) -> float | None:
        weights = self.file(WEIGHTS_FILE)
        return weights.stat().st_mtime if weights.exists() else None

    # -- what training records ----------------------------------------------------------------

    def write_train_config(self, cfg) -> None:
        from omegaconf import OmegaConf

        OmegaConf.save(cfg, self.file(TRAIN_CONFIG_FILE), resolve=True)

    def train_config(self):
        from omegaconf import OmegaConf

        return OmegaConf.load(self.file(TRAIN_CONFIG_FILE))

    def write_splits(self, documents: dict[str, list[Document]]) -> dict:
        """``splits.json`` (documents and reports per split) and the exact dev and test documents;
        returns what ``splits.json`` holds."""
        splits = {s: {"documents": len(d), "sources": sorted({x.source for x in d})} for s, d in documents.items()}
        write_text_atomic(self.file(SPLITS_FILE), json.dumps(splits, ensure_ascii=False, indent=2))
        for split in EVALUATED_SPLITS:
            with atomic_open(self.file(f"split-{split}.jsonl")) as fh:
                for doc in documents.get(split, []):
                    fh.write(json.dumps(_document_row(doc), ensure_ascii=False) + "\n")
        return splits

    def splits(self) -> dict:
        return json.loads(self.file(SPLITS_FILE).read_text(encoding="utf-8"))

    def split_documents(self, split: str) -> list[Document] | None:
        """The exact documents of ``split`` as training saw them; ``None`` when the directory
        does not keep them (a model trained before they were kept, or the train split)."""
        path = self.file(f"split-{split}.jsonl")
        if not path.exists():
            return None
        with path.open(encoding="utf-8") as fh:
            return [_document(json.loads(line)) for line in fh if line.strip()]

    def metrics(self) -> dict:
        return json.loads(self.file(METRICS_FILE).read_text(encoding="utf-8"))

    def write_metrics(self, metrics: dict) -> None:
        write_text_atomic(self.file(METRICS_FILE), json.dumps(metrics, indent=2))


def _document_row(doc: Document) -> dict:
    return {
        "id": doc.id,
        "source": doc.source,
        "origin": doc.origin,
        "text": doc.text,
        "spans": [[s.start, s.end, s.label] for s in doc.spans],
    }


def _document(row: dict) -> Document:
    return Document(row["id"], row["text"], [Span(*s) for s in row["spans"]], row["source"], row["origin"])

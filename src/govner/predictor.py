"""Tag whole documents: segment, batch by length, run the model, merge windows back.

Documents are cut exactly as in training (sentences, long ones in overlapping windows);
where windows overlap, each character keeps the prediction of the window in which it
lies farthest from an edge. Spans come back as document offsets with a confidence score.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import torch
from transformers import AutoModelForTokenClassification, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase

from govner.data.examples import segment
from govner.data.iob import tags_to_spans
from govner.decoding import DECODERS, allowed_transitions, viterbi

SETTINGS_FILE = "govner.json"


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    label: str
    text: str
    score: float


@dataclass
class DocumentPrediction:
    entities: list[Entity]
    score: float  # mean confidence over the document's characters
    min_score: float = 1.0  # confidence of the least certain character


class Predictor:
    def __init__(
        self,
        model: PreTrainedModel,
        tokenizer: PreTrainedTokenizerBase,
        max_chars: int,
        stride: int,
        batch_size: int = 32,
        decoding: str = "argmax",
    ) -> None:
        if decoding not in DECODERS:
            raise ValueError(f"decoding must be one of {DECODERS}, got {decoding!r}")
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.max_chars = max_chars
        self.stride = stride
        self.batch_size = batch_size
        self.decoding = decoding
        self.id2label = {int(k): v for k, v in model.config.id2label.items()}
        tags = [self.id2label[i] for i in range(len(self.id2label))]
        self._allowed = allowed_transitions(tags)
        self._can_start = torch.tensor([not t.startswith("I-") for t in tags])

    @classmethod
    def from_dir(cls, model_dir: str | Path, batch_size: int = 32, **overrides) -> Predictor:
        """Load a model directory written by training (weights, tokenizer, ``govner.json``)."""
        model_dir = Path(model_dir)
        if not (model_dir / SETTINGS_FILE).exists():
            raise FileNotFoundError(f"{model_dir}: not a govner model directory (no {SETTINGS_FILE})")
        settings = json.loads((model_dir / SETTINGS_FILE).read_text(encoding="utf-8"))
        settings.update({k: v for k, v in overrides.items() if v is not None})
        model = AutoModelForTokenClassification.from_pretrained(model_dir)
        tokenizer = AutoTokenizer.from_pretrained(model_dir)
        return cls(
            model, tokenizer, settings["max_chars"], settings["stride"], batch_size, settings.get("decoding", "argmax")
        )

    def predict(self, texts: Sequence[str]) -> list[DocumentPrediction]:
        """Predictions for ``texts``, in order. Pass many texts at once: segments of all of
        them are sorted by length and batched together."""
        tags = [["O"] * len(t) for t in texts]
        probs = [[1.0] * len(t) for t in texts]
        margins = [[-1] * len(t) for t in texts]
        pieces = [(i, seg) for i, text in enumerate(texts) for seg in segment(text, self.max_chars, self.stride)]
        pieces.sort(key=lambda p: p[1].end - p[1].start)
        for batch in _chunks(pieces, self.batch_size):
            seg_texts = [texts[i][s.start : s.end] for i, s in batch]
            for (i, seg), (seg_tags, seg_probs) in zip(batch, self._tag_segments(seg_texts), strict=True):
                for k, (tag, prob) in enumerate(zip(seg_tags, seg_probs, strict=True)):
                    c = seg.start + k
                    margin = min(k, seg.end - seg.start - 1 - k)
                    if margin > margins[i][c]:
                        margins[i][c], tags[i][c], probs[i][c] = margin, tag, prob
        return [_document_prediction(text, t, p) for text, t, p in zip(texts, tags, probs, strict=True)]

    @torch.inference_mode()
    def _tag_segments(self, seg_texts: list[str]) -> list[tuple[list[str], list[float]]]:
        enc = self.tokenizer(seg_texts, padding=True, truncation=True, return_offsets_mapping=True, return_tensors="pt")
        offsets = enc.pop("offset_mapping").tolist()
        logits = self.model(**enc).logits
        log_probs = logits.log_softmax(-1)
        out = []
        for row, text in enumerate(seg_texts):
            real = [k for k, (start, end) in enumerate(offsets[row]) if start < end]
            row_log_probs = log_probs[row, real]
            if self.decoding == "viterbi":
                ids = viterbi(row_log_probs, self._allowed, self._can_start)
            else:
                ids = row_log_probs.argmax(-1).tolist()
            probs = row_log_probs.exp()[torch.arange(len(ids)), ids].tolist() if ids else []
            token_tags = [self.id2label[i] for i in ids]
            out.append(_char_tags(len(text), [offsets[row][k] for k in real], token_tags, probs))
        return out


def _char_tags(
    n_chars: int, offsets: list, token_tags: list[str], token_probs: list[float]
) -> tuple[list[str], list[float]]:
    """Token tags → one tag per character: a token's first character takes its tag, the rest
    continue it; characters without a token (whitespace) join an entity they sit inside."""
    tags: list[str | None] = [None] * n_chars
    probs = [1.0] * n_chars
    for (start, end), tag, prob in zip(offsets, token_tags, token_probs, strict=True):
        if start == end or tags[start] is not None:
            continue
        tags[start] = tag
        inner = "O" if tag == "O" else "I-" + tag[2:]
        for c in range(start, end):
            probs[c] = prob
            if c > start:
                tags[c] = inner
    for c in range(n_chars):
        if tags[c] is None:
            nxt = next((t for t in tags[c + 1 :] if t is not None), "O")
            prev = tags[c - 1] if c else "O"
            inside = prev != "O" and nxt.startswith("I-") and prev[2:] == nxt[2:]
            tags[c] = nxt if inside else "O"
    return tags, probs


def _document_prediction(text: str, tags: list[str], probs: list[float]) -> DocumentPrediction:
    entities = [
        Entity(
            s.start, s.end, s.label, text[s.start : s.end], round(sum(probs[s.start : s.end]) / (s.end - s.start), 4)
        )
        for s in tags_to_spans(tags)
    ]
    score = round(sum(probs) / len(probs), 4) if probs else 1.0
    return DocumentPrediction(entities, score, round(min(probs, default=1.0), 4))


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def model_version(model_dir: str | Path) -> str:
    """``<directory name>@<time the weights were written>``: a retrained model is a new version.
    Stamps Label Studio predictions (``ls_push``, the ML backend, ``output_format=labelstudio``)."""
    model_dir = Path(model_dir).resolve()
    weights = next((p for p in (model_dir / "model.safetensors", model_dir / "config.json") if p.exists()), model_dir)
    stamp = datetime.fromtimestamp(weights.stat().st_mtime, tz=UTC).strftime("%Y%m%dT%H%M%S")
    return f"{model_dir.name}@{stamp}"

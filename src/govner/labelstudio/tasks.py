"""Label Studio tasks from reports: cut into sentences or paragraphs, pre-annotated by a model,
most uncertain first.

Uncertainty is ``1 - p``, where ``p`` is the probability the model gives the whole tag path it
decoded for the task (its CRF layer's, see :mod:`govner.inference.decoding`); ties keep report
order. It spreads over [0, 1] where the weakest character's confidence saturates near 1, and the
simulation of ``govner active-learning`` (docs/results.md) measured what ordering by it is worth.
``order=random`` shuffles instead (seeded). Tasks are imported in that order (so the project's
label stream serves them in it) and carry ``data.uncertainty``; the task's prediction score is
the path probability (``1 - uncertainty``), which Label Studio's uncertainty sampling serves lowest first.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from govner.data.labelstudio_format import REPORT_FIELD, prediction_task
from govner.data.sentences import split_paragraphs, split_sentences
from govner.inference.inputs import InputDocument
from govner.inference.predictor import DocumentPrediction

UNITS = ("sentence", "paragraph")
ORDERS = ("uncertainty", "random")


class Tagger(Protocol):
    def predict(self, texts: Sequence[str]) -> list[DocumentPrediction]: ...


@dataclass(frozen=True)
class Unit:
    """One piece of a report to annotate: its text, report and code-point offset in it."""

    text: str
    source: str
    offset: int


def report_source(path: str | Path, source_root: str | Path | None) -> str:
    """The report name stored in ``data.report``: the path relative to ``source_root``
    (``city_2024/三亚.txt``), or its folder and file name when it lies outside."""
    path = Path(path).resolve()
    if source_root is not None:
        try:
            return path.relative_to(Path(source_root).resolve()).as_posix()
        except ValueError:
            pass
    return f"{path.parent.name}/{path.name}"


def report_units(doc: InputDocument, unit: str, source: str) -> Iterator[Unit]:
    """The sentences (as training cuts them) or paragraphs (lines) of a report, whitespace trimmed."""
    if unit == "sentence":
        bounds = split_sentences(doc.text)
    elif unit == "paragraph":
        bounds = split_paragraphs(doc.text)
    else:
        raise ValueError(f"unit must be one of {UNITS}, got {unit!r}")
    for start, end in bounds:
        yield Unit(doc.text[start:end], source, start)


def uncertainty(prediction: DocumentPrediction) -> float:
    """``1 -`` the probability of the decoded tag path, rounded for display."""
    return round(prediction.uncertainty, 4)


def rank_by_uncertainty(predictions: Sequence[DocumentPrediction]) -> list[int]:
    """Indices of ``predictions``, most uncertain (least probable path) first; ties keep their order."""
    return sorted(range(len(predictions)), key=lambda i: (predictions[i].path_log_prob, i))


def rank(predictions: Sequence[DocumentPrediction], order: str, seed: int = 0) -> list[int]:
    """Indices of ``predictions`` in the push ``order``: ``uncertainty`` (most uncertain first)
    or ``random`` (shuffled with ``seed``)."""
    if order == "uncertainty":
        return rank_by_uncertainty(predictions)
    if order == "random":
        indices = list(range(len(predictions)))
        random.Random(seed).shuffle(indices)
        return indices
    raise ValueError(f"order must be one of {ORDERS}, got {order!r}")


def unit_task(
    unit: Unit,
    prediction: DocumentPrediction | None,
    model_version: str,
    from_name: str = "label",
    to_name: str = "text",
) -> dict:
    """An import task: ``data`` with text, report, offset and uncertainty (JSON numbers); the model's
    spans as a prediction (UTF-16 offsets, per-span score, task score = the decoded path's probability)."""
    data = {"text": unit.text, REPORT_FIELD: unit.source, "offset": unit.offset}
    if prediction is None:
        return prediction_task(data, None, 1.0, model_version)
    data["uncertainty"] = uncertainty(prediction)
    return prediction_task(data, prediction.entities, prediction.path_prob, model_version, from_name, to_name)

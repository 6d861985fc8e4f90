"""Character spans and the documents that carry them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True, order=True)
class Span:
    """A labeled half-open character range ``[start, end)`` (Python code-point offsets)."""

    start: int
    end: int
    label: str


@dataclass
class Document:
    """A validated text with non-overlapping spans, traced back to its Label Studio task."""

    id: str
    text: str
    spans: list[Span]
    source: str
    origin: str = ""  # "file.json, task 12", for messages


def touching_same_label(spans: Iterable[Span]) -> list[tuple[Span, Span]]:
    """Neighbouring spans of one label with nothing between them (城镇│新│就业, 万│人): in IOB2 a
    ``B-X`` right after an ``X`` entity; in Label Studio they look like one highlight."""
    ordered = sorted(spans)
    return [(a, b) for a, b in pairwise(ordered) if a.end == b.start and a.label == b.label]


def merge_touching(spans: Iterable[Span]) -> list[Span]:
    """``spans`` in order, each run of touching same-label spans joined into one."""
    merged: list[Span] = []
    for span in sorted(spans):
        if merged and merged[-1].end == span.start and merged[-1].label == span.label:
            merged[-1] = Span(merged[-1].start, span.end, span.label)
        else:
            merged.append(span)
    return merged

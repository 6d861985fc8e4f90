"""Character spans and the documents that carry them."""

from __future__ import annotations

from dataclasses import dataclass


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

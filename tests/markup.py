"""Inline span markup, ``全年[[地区生产总值|INDICATOR]][[717.11|QUANTITY]][[亿元|UNIT]]``.

A compact way to write annotated sentences by hand in tests;
``parse_markup`` turns it into plain text and exact character spans.
"""

from __future__ import annotations

import re

from govner.data.labelstudio_format import labels_region
from govner.data.offsets import Utf16Offsets
from govner.data.spans import Span

_MARK = re.compile(r"\[\[(.+?)\|([A-Z_]+)\]\]", re.DOTALL)


class MarkupError(ValueError):
    pass


def parse_markup(marked: str, labels: tuple[str, ...] | None = None) -> tuple[str, list[Span]]:
    """Return the plain text and its spans; ``labels`` restricts the allowed label names."""
    parts: list[str] = []
    spans: list[Span] = []
    pos = 0  # position in ``marked``
    length = 0  # length of the plain text produced so far
    for match in _MARK.finditer(marked):
        before = marked[pos : match.start()]
        parts.append(before)
        length += len(before)
        surface, label = match.group(1), match.group(2)
        if "[[" in surface or "]]" in surface:
            raise MarkupError(f"nested or unclosed mark near {match.group(0)!r}")
        if labels is not None and label not in labels:
            raise MarkupError(f"unknown label {label!r} in {match.group(0)!r}")
        spans.append(Span(length, length + len(surface), label))
        parts.append(surface)
        length += len(surface)
        pos = match.end()
    rest = marked[pos:]
    if "[[" in rest or "]]" in rest:
        raise MarkupError(f"unclosed mark in {rest!r}")
    parts.append(rest)
    return "".join(parts), spans


def to_markup(text: str, spans: list[Span]) -> str:
    """Inverse of :func:`parse_markup` for non-overlapping spans."""
    out, pos = [], 0
    for span in sorted(spans):
        out.append(text[pos : span.start])
        out.append(f"[[{text[span.start : span.end]}|{span.label}]]")
        pos = span.end
    out.append(text[pos:])
    return "".join(out)


def annotated_task(task_id: int, marked: str, data: dict, annotation_id: int, completed_by: int = 1) -> dict:
    """A task of a full Label Studio JSON export, annotated as ``marked`` says. Offsets are
    written in UTF-16 code units, as Label Studio writes them."""
    text, spans = parse_markup(marked)
    offsets = Utf16Offsets(text)
    result = [
        labels_region(text, offsets, s.start, s.end, s.label, f"r{task_id}-{i}", "label", "text") | {"origin": "manual"}
        for i, s in enumerate(spans)
    ]
    annotation = {
        "id": annotation_id,
        "completed_by": completed_by,
        "result": result,
        "was_cancelled": False,
        "ground_truth": False,
    }
    return {"id": task_id, "data": {"text": text, **data}, "annotations": [annotation], "predictions": []}

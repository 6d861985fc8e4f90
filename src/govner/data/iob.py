"""Character spans ↔ IOB2 tag sequences."""

from __future__ import annotations

from govner.data.spans import Span


def spans_to_tags(length: int, spans: list[Span]) -> list[str]:
    tags = ["O"] * length
    for span in spans:
        tags[span.start] = f"B-{span.label}"
        for i in range(span.start + 1, span.end):
            tags[i] = f"I-{span.label}"
    return tags


def tags_to_spans(tags: list[str]) -> list[Span]:
    """Spans of an IOB2 sequence. An ``I-X`` that does not continue an ``X`` entity starts
    a new one (the lenient reading); strict decoding belongs to the model's decoder."""
    spans: list[Span] = []
    start, label = None, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, name = tag.partition("-")
        continues = prefix == "I" and name == label
        if start is not None and not continues:
            spans.append(Span(start, i, label))
            start, label = None, None
        if prefix == "B" or (prefix == "I" and not continues):
            start, label = i, name
    return spans

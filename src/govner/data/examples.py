"""Documents → character-level examples: sentences, and windows for long sentences.

The same segmentation serves training (with gold spans, so that no window cuts an entity)
and inference (where overlapping windows are merged back by :mod:`govner.predictor`).
"""

from __future__ import annotations

from dataclasses import dataclass

from govner.data.iob import spans_to_tags
from govner.data.spans import Document, Span
from govner.sentences import split_sentences


@dataclass(frozen=True)
class Segment:
    """A piece ``[start, end)`` of a document that is fed to the model as one sequence."""

    start: int
    end: int


def windows(start: int, end: int, max_chars: int, stride: int, spans: list[Span] = ()) -> list[Segment]:
    """Cover ``[start, end)`` with windows of at most ``max_chars`` that overlap by ``stride``.

    Window edges never cut a span that fits in a window: an end is moved back to the
    span's start, a start forward to the span's end, so each span lies whole in a window.
    """
    if not 0 <= stride < max_chars:
        raise ValueError(f"stride must be in [0, max_chars); got stride={stride}, max_chars={max_chars}")
    out: list[Segment] = []
    pos = start
    while True:
        stop = min(pos + max_chars, end)
        for span in spans:
            if span.start < stop < span.end and span.start > pos and span.end - span.start <= max_chars:
                stop = span.start
        out.append(Segment(pos, stop))
        if stop >= end:
            return out
        pos = max(stop - stride, pos + 1)
        for span in spans:
            if span.start < pos < span.end <= stop:
                pos = span.end


def segment(text: str, max_chars: int, stride: int, spans: list[Span] = ()) -> list[Segment]:
    """Sentences of ``text`` (merged where a span crosses a sentence end), each split into
    windows when longer than ``max_chars``."""
    sentences: list[list[int]] = []
    for s, e in split_sentences(text):
        if sentences and any(sp.start < sentences[-1][1] < sp.end for sp in spans):
            sentences[-1][1] = e
        else:
            sentences.append([s, e])
    out: list[Segment] = []
    for s, e in sentences:
        inside = [sp for sp in spans if s <= sp.start and sp.end <= e]
        out.extend(windows(s, e, max_chars, stride, inside))
    return out


@dataclass(frozen=True)
class CharExample:
    """One model input with one IOB2 tag per character."""

    id: str
    doc_id: str
    source: str
    offset: int  # where ``text`` starts in the document
    text: str
    tags: list[str]


def document_examples(doc: Document, max_chars: int, stride: int) -> list[CharExample]:
    tags = spans_to_tags(len(doc.text), doc.spans)
    return [
        CharExample(
            id=f"{doc.id}:{seg.start}",
            doc_id=doc.id,
            source=doc.source,
            offset=seg.start,
            text=doc.text[seg.start : seg.end],
            tags=_window_tags(tags, seg),
        )
        for seg in segment(doc.text, max_chars, stride, doc.spans)
    ]


def _window_tags(tags: list[str], seg: Segment) -> list[str]:
    """Tags of a window; an entity cut by the window edge (only possible for an entity longer
    than a window) keeps a valid IOB2 start."""
    window = tags[seg.start : seg.end]
    if window and window[0].startswith("I-"):
        window[0] = "B-" + window[0][2:]
    return window

"""Cut a text into model inputs: sentences, and overlapping windows for long sentences.

The same segmentation serves training (with gold spans, so that no window cuts an entity)
and inference (where overlapping windows are merged back by :mod:`govner.inference.predictor`).
"""

from __future__ import annotations

from dataclasses import dataclass

from govner.data.sentences import split_sentences
from govner.data.spans import Span
from govner.errors import GovnerError


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
        raise GovnerError(f"stride must be in [0, max_chars); got stride={stride}, max_chars={max_chars}")
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

"""Cut a text into model inputs: sentences, and overlapping windows for long sentences.

The same segmentation serves training (with gold spans, so that no window cuts an entity)
and inference (where overlapping windows are merged back by :mod:`govner.inference.predictor`).
Windows hold at most ``max_chars`` characters and, given ``max_tokens`` (the model's position
limit), at most that many tokens, so that no character is cut off by the model's limit: NFKC
can make several tokens of one character (``…`` → ``...``, ``㎡`` → ``m2``).
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate

from govner.data.sentences import split_sentences
from govner.data.spans import Span
from govner.errors import GovnerError


@dataclass(frozen=True)
class Segment:
    """A piece ``[start, end)`` of a document that is fed to the model as one sequence."""

    start: int
    end: int


def token_count(text: str) -> int:
    """The tokens govner's character tokenizer makes of ``text`` (govner.model.tokenization):
    one per character of its NFKC form, whitespace none."""
    return sum(not ch.isspace() for ch in unicodedata.normalize("NFKC", text))


def token_fit(text: str, start: int, end: int, max_tokens: int) -> Callable[[int, int], int]:
    """For ``text[start:end]``: a function ``(pos, stop) -> stop'``, the farthest ``stop' <= stop``
    such that ``text[pos:stop']`` makes at most ``max_tokens`` tokens (at least one character)."""
    cumulative = [0, *accumulate(token_count(ch) for ch in text[start:end])]

    def fit(pos: int, stop: int) -> int:
        farthest = bisect_right(cumulative, cumulative[pos - start] + max_tokens) - 1 + start
        return max(min(stop, farthest), pos + 1)

    return fit


def windows(
    start: int,
    end: int,
    max_chars: int,
    stride: int,
    spans: list[Span] = (),
    fit: Callable[[int, int], int] | None = None,
) -> list[Segment]:
    """Cover ``[start, end)`` with windows of at most ``max_chars`` that overlap by ``stride``
    (and end where ``fit`` says, when given: see :func:`token_fit`).

    Window edges never cut a span that fits in a window: an end is moved back to the
    span's start, a start forward to the span's end, so each span lies whole in a window.
    """
    if not 0 <= stride < max_chars:
        raise GovnerError(f"stride must be in [0, max_chars); got stride={stride}, max_chars={max_chars}")
    out: list[Segment] = []
    pos = start
    while True:
        stop = min(pos + max_chars, end)
        if fit is not None:
            stop = fit(pos, stop)
        for span in spans:
            if span.start < stop < span.end and span.start > pos and span.end - span.start <= max_chars:
                stop = span.start
        out.append(Segment(pos, stop))
        if stop >= end:
            return out
        overlap = stride if fit is None else min(stride, (stop - pos) // 2)  # a window cut short overlaps less
        pos = max(stop - overlap, pos + 1)
        for span in spans:
            if span.start < pos < span.end <= stop:
                pos = span.end


def segment(
    text: str, max_chars: int, stride: int, spans: list[Span] = (), max_tokens: int | None = None
) -> list[Segment]:
    """Sentences of ``text`` (merged where a span crosses a sentence end), each split into
    windows when longer than ``max_chars`` characters or ``max_tokens`` tokens."""
    sentences: list[list[int]] = []
    for s, e in split_sentences(text):
        if sentences and any(sp.start < sentences[-1][1] < sp.end for sp in spans):
            sentences[-1][1] = e
        else:
            sentences.append([s, e])
    out: list[Segment] = []
    for s, e in sentences:
        inside = [sp for sp in spans if s <= sp.start and sp.end <= e]
        too_long = max_tokens is not None and token_count(text[s:e]) > max_tokens
        out.extend(windows(s, e, max_chars, stride, inside, token_fit(text, s, e, max_tokens) if too_long else None))
    return out

"""Sentence splitting that keeps exact character offsets into the document."""

from __future__ import annotations

import re
from collections.abc import Iterator

# A sentence ends after 。！？!? (with any closing quotes/brackets that follow) or at a
# line break. Semicolons are kept inside sentences: reports use them to join list items.
_SENTENCE_END = re.compile(r"[。！？!?]+[”’」』）)]*|\n+")
_LINE = re.compile(r"[^\n]+")


def split_sentences(text: str) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` offsets of the sentences of ``text``, whitespace trimmed.

    Every non-whitespace character of ``text`` lies in exactly one sentence.
    """
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end() if match.group()[0] != "\n" else match.start()
        yield from _trimmed(text, start, end)
        start = match.end()
    yield from _trimmed(text, start, len(text))


def split_paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` offsets of the lines of ``text`` that hold more than whitespace, trimmed."""
    for match in _LINE.finditer(text):
        yield from _trimmed(text, *match.span())


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        yield start, end

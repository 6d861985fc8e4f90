"""Mention replacement (Dai & Adel, 2020): copies of training sentences in which every span of the
chosen labels is swapped for another name of the same label from the training split, so that the
tagger learns organizations from their context (…等一批龙头企业, …牵头) rather than by heart.
Dev and test documents are never touched."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from govner.data.spans import Document, Span


@dataclass(frozen=True)
class AugmentSettings:
    """``data.augment``: ``copies`` new sentences per training sentence that has a span of
    ``labels`` (0: off), names drawn with ``seed``."""

    copies: int = 0
    labels: tuple[str, ...] = ("ORG",)
    seed: int = 13


def replace_mentions(docs: Sequence[Document], settings: AugmentSettings) -> list[Document]:
    """The augmented copies of ``docs`` (the originals are not included)."""
    if settings.copies <= 0:
        return []
    names: dict[str, list[str]] = {}
    for doc in docs:
        for span in doc.spans:
            if span.label in settings.labels:
                names.setdefault(span.label, []).append(doc.text[span.start : span.end])
    pools = {label: sorted(set(found)) for label, found in names.items()}
    rng = random.Random(settings.seed)
    copies: list[Document] = []
    for doc in docs:
        if not any(s.label in settings.labels for s in doc.spans):
            continue
        for k in range(1, settings.copies + 1):
            copies.append(_replaced(doc, pools, rng, k))
    return copies


def _replaced(doc: Document, pools: dict[str, list[str]], rng: random.Random, k: int) -> Document:
    parts: list[str] = []
    spans: list[Span] = []
    pos = 0
    length = 0
    for span in sorted(doc.spans):
        before = doc.text[pos : span.start]
        parts.append(before)
        length += len(before)
        surface = doc.text[span.start : span.end]
        pool = pools.get(span.label)
        if pool:
            surface = _other(pool, surface, rng)
        parts.append(surface)
        spans.append(Span(length, length + len(surface), span.label))
        length += len(surface)
        pos = span.end
    parts.append(doc.text[pos:])
    return Document(
        id=f"{doc.id}#mention-replacement-{k}",
        text="".join(parts),
        spans=spans,
        source=doc.source,
        origin=f"{doc.origin} (mention replacement {k})",
    )


def _other(pool: list[str], surface: str, rng: random.Random) -> str:
    """A name from ``pool`` other than ``surface`` (``surface`` when the pool has no other)."""
    for _ in range(8):
        name = pool[rng.randrange(len(pool))]
        if name != surface:
            return name
    return surface

"""Train / dev / test split grouped by source report: a report never spans two splits."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from govner.data.spans import Document
from govner.files import split_lines

SPLITS = ("train", "dev", "test")


def split_by_source(
    docs: list[Document],
    dev_ratio: float,
    test_ratio: float,
    seed: int,
    test_sources: set[str] | None = None,
    dev_sources: set[str] | None = None,
) -> dict[str, list[Document]]:
    """Assign whole reports to splits so that dev and test get about their share of
    sentences. ``test_sources`` and ``dev_sources`` fix the test and dev reports (as read from a
    reports file); a report in both is a test report."""
    sizes = Counter(doc.source for doc in docs)
    total = sum(sizes.values())
    sources = sorted(sizes)
    random.Random(seed).shuffle(sources)
    assignment: dict[str, str] = {}
    targets = []
    for name, fixed, ratio in (("test", test_sources, test_ratio), ("dev", dev_sources, dev_ratio)):
        if fixed is None:
            targets.append((name, ratio))
        else:
            assignment.update({s: name for s in sources if s in fixed and s not in assignment})
    remaining = [s for s in sources if s not in assignment]
    for name, ratio in targets:
        filled = 0
        while remaining and filled < ratio * total and len(remaining) > 1:
            source = remaining.pop()
            assignment[source] = name
            filled += sizes[source]
    assignment.update({s: "train" for s in remaining})
    splits: dict[str, list[Document]] = {name: [] for name in SPLITS}
    for doc in docs:
        splits[assignment[doc.source]].append(doc)
    return splits


def read_sources(path: str | Path) -> set[str]:
    """Report names from a file with one per line (``#`` starts a comment)."""
    lines = split_lines(Path(path).read_text(encoding="utf-8"))
    return {line.split("#", 1)[0].strip() for line in lines} - {""}

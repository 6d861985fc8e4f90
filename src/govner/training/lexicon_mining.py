"""A domain lexicon mined from unlabeled reports: the entity strings a teacher model tags again and
again across the corpus (plus, for ORG, the organization names jieba's dictionary ships, POS
``nt``), written as the TSV :mod:`govner.model.lexicon` reads.

Dev and test reports are never read (the teacher's ``splits.json`` names them, and the header of
the lexicon lists them, so training can check that its own held-out reports were excluded).
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import jieba

from govner.files import write_text_atomic
from govner.inference.predictor import Predictor
from govner.model.lexicon import EXCLUDED

log = logging.getLogger(__name__)

def corpus_reports(corpus_dir: Path, exclude_sources: frozenset[str]) -> list[tuple[str, Path]]:
    """``(source, path)`` of the ``<folder>/<report>.txt`` files under ``corpus_dir`` not excluded."""
    found = sorted((f"{p.parent.name}/{p.name}", p) for p in corpus_dir.glob("*/*.txt"))
    if not found:
        raise FileNotFoundError(f"{corpus_dir}: no <folder>/<report>.txt files")
    return [(source, path) for source, path in found if source not in exclude_sources]


def mine_entities(predictor: Predictor, reports: list[tuple[str, Path]], batch: int = 8) -> Counter:
    """How often the teacher tags each ``(text, label)`` in ``reports``."""
    counts: Counter = Counter()
    for k in range(0, len(reports), batch):
        texts = [path.read_text(encoding="utf-8") for _, path in reports[k : k + batch]]
        for document in predictor.predict(texts):
            counts.update((e.text, e.label) for e in document.entities)
        log.info("%d/%d reports tagged", min(k + batch, len(reports)), len(reports))
    return counts


def jieba_organizations() -> set[str]:
    """The words jieba's dictionary tags ``nt`` (organizations)."""
    path = Path(jieba.__file__).parent / "dict.txt"
    return {f[0] for f in (line.split() for line in path.read_text(encoding="utf-8").split("\n")) if f[2:3] == ["nt"]}


def write_lexicon(
    path: Path, counts: Counter, min_count: int, labels: list[str], excluded: frozenset[str], extra_orgs: set[str]
) -> int:
    """The entries of ``labels`` seen at least ``min_count`` times, plus ``extra_orgs`` as ORG; returns
    how many entries were written."""
    rows = {(text, label): n for (text, label), n in counts.items() if label in labels and n >= min_count and text.strip()}
    if "ORG" in labels:
        for name in extra_orgs:
            rows.setdefault((name, "ORG"), 0)
    lines = ["# govner lexicon: text<TAB>label<TAB>times the teacher tagged it (0: from jieba's dictionary)"]
    lines += [f"{EXCLUDED}{source}" for source in sorted(excluded)]
    lines += [f"{text}\t{label}\t{n}" for (text, label), n in sorted(rows.items(), key=lambda kv: (-kv[1], kv[0]))]
    write_text_atomic(path, "\n".join(lines) + "\n")
    return len(rows)

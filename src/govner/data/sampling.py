"""Draw sentences from the unlabeled corpus for annotation.

Reports are drawn from every corpus folder in proportion to its size; within a report,
sentences are drawn so that about ``number_share`` of them contain a number (the rest
mostly have no entity), at their natural lengths.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from govner.data.sentences import split_sentences
from govner.files import atomic_open

_NUMBER = re.compile(r"[0-9０-９]|[一二两三四五六七八九十百千万]+(?:个|家|项|所|座|条|人|名|亿|万|倍|批|次)")
# A digit run that is not a year, date or ordinal: almost always a measured quantity.
_MEASURE = re.compile(r"(?<![第0-9０-９.．])[0-9０-９][0-9０-９.．]*(?![0-9０-９.．]|\s*[年月日号时])")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_HEADER = re.compile(r"^(时间|作者|来源|发布时间|字号|【)")


@dataclass(frozen=True)
class SampledSentence:
    id: str
    source: str
    start: int
    text: str


def han_count(text: str) -> int:
    return len(_HAN.findall(text))


def candidate_sentences(text: str, min_chars: int = 10) -> list[tuple[int, str]]:
    """Sentences worth annotating: long enough, mostly Chinese, not page-header lines."""
    out = []
    for start, end in split_sentences(text):
        sentence = text[start:end]
        if len(sentence) >= min_chars and han_count(sentence) >= min_chars // 2 and not _HEADER.match(sentence):
            out.append((start, sentence))
    return out


def allocate(sizes: dict[str, int], total: int) -> dict[str, int]:
    """Split ``total`` over keys in proportion to ``sizes`` (largest remainder, at least 1)."""
    grand = sum(sizes.values())
    raw = {k: total * v / grand for k, v in sizes.items()}
    counts = {k: max(1, int(r)) for k, r in raw.items()}
    for k in sorted(raw, key=lambda k: raw[k] - int(raw[k]), reverse=True):
        if sum(counts.values()) >= total:
            break
        counts[k] += 1
    return counts


def sample_corpus(
    corpus_dir: Path,
    n_reports: int | None,
    per_report: int,
    number_share: float = 0.8,
    seed: int = 13,
    exclude_sources: frozenset[str] = frozenset(),
    measured_only: bool = False,
) -> list[SampledSentence]:
    """``n_reports=None`` reads every report. With ``measured_only``, only sentences with a
    measured Arabic number (not a year, date or ordinal) are drawn: a top-up round that adds
    entity-rich sentences."""
    rng = random.Random(seed)
    folders = sorted(p for p in corpus_dir.iterdir() if p.is_dir())
    files = {f.name: sorted(f.glob("*.txt")) for f in folders}
    if n_reports is None:
        counts = {name: len(fs) for name, fs in files.items()}
    else:  # folders in proportion to their size in Chinese characters
        sizes = {name: sum(han_count(p.read_text(encoding="utf-8")) for p in fs) for name, fs in files.items()}
        counts = allocate(sizes, n_reports)
    picked: list[SampledSentence] = []
    for folder, k in counts.items():
        pool = [p for p in files[folder] if f"{folder}/{p.name}" not in exclude_sources]
        for path in rng.sample(pool, min(k, len(pool))):
            source = f"{folder}/{path.name}"
            sentences = candidate_sentences(path.read_text(encoding="utf-8"))
            with_num = [s for s in sentences if (_MEASURE if measured_only else _NUMBER).search(s[1])]
            without = [s for s in sentences if not _NUMBER.search(s[1])]
            n_num = min(len(with_num), per_report if measured_only else round(per_report * number_share))
            n_without = 0 if measured_only else min(len(without), per_report - n_num)
            chosen = rng.sample(with_num, n_num) + rng.sample(without, n_without)
            for start, sentence in sorted(chosen):
                picked.append(SampledSentence(f"{source}#{start}", source, start, sentence))
    return picked


def write_jsonl(sentences: list[SampledSentence], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(path) as fh:
        for s in sentences:
            fh.write(json.dumps(asdict(s), ensure_ascii=False) + "\n")

"""Canonical indicators (configs/indicators.yaml): the measures analysts compare across reports and
the names reports give them. :func:`canonical_indicator` maps an INDICATOR text to the id of its
entry, or ``None``, by exact match after the normalization the YAML header describes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from omegaconf import OmegaConf
from yaml import YAMLError  # omegaconf reads YAML with PyYAML

from govner.paths import CONFIG_DIR

__all__ = [
    "CATALOGUE_FILE",
    "Catalogue",
    "CatalogueError",
    "Indicator",
    "MappedMention",
    "canonical_indicator",
    "indicator_key",
    "read_mapping",
    "score_mapping",
]

CATALOGUE_FILE = Path(CONFIG_DIR) / "indicators.yaml"

_DROP = re.compile(r"[\s“”‘’\"'《》「」]+")
_ABOVE_SCALE = re.compile(r"规模以上|规模(?=工业)")
_SCOPE = re.compile(r"^(?:全市|全区|全县|全省|全州|全盟|全旗|全镇|全国|全年|本市|我市|我省|我县|我区)")
_CHANGE = re.compile(r"(?:同比增长|年均增长|增长率|增长|增速|增幅|上涨幅度|涨幅)$")
_TOTAL = re.compile(r"总[额值]$")


def indicator_key(text: str) -> str:
    """``text`` normalized for matching (the rules of the YAML header, in order)."""
    key = _DROP.sub("", unicodedata.normalize("NFKC", text)).upper()
    key = _ABOVE_SCALE.sub("规上", key)
    while (stripped := _SCOPE.sub("", key)) != key and stripped:
        key = stripped
    key = _CHANGE.sub("", key) or key
    return _TOTAL.sub("额", key)


@dataclass(frozen=True)
class Indicator:
    id: str
    zh: str
    en: str
    variants: tuple[str, ...]


class CatalogueError(ValueError):
    """A catalogue file that cannot be used, with every problem named."""


class Catalogue:
    """The entries of a catalogue file and the lookup from normalized variant to id."""

    def __init__(self, indicators: list[Indicator]) -> None:
        self.indicators = indicators
        self.by_key: dict[str, str] = {}
        for ind in indicators:
            for name in (ind.zh, *ind.variants):
                self.by_key.setdefault(indicator_key(name), ind.id)

    @classmethod
    def load(cls, path: str | Path = CATALOGUE_FILE) -> Catalogue:
        """Read and check ``path``: each entry needs a unique snake_case ``id``, ``zh``, ``en`` and a
        list of ``variants``; a normalized variant may belong to one entry only."""
        path = Path(path)
        try:
            raw = OmegaConf.to_container(OmegaConf.load(path))
        except (OSError, ValueError, YAMLError) as err:
            raise CatalogueError(f"{path}: cannot read the indicator catalogue: {err}") from err
        entries = raw.get("indicators") if isinstance(raw, dict) else None
        if not isinstance(entries, list):
            raise CatalogueError(f"{path}: expected a top-level `indicators:` list of entries")
        problems: list[str] = []
        indicators: list[Indicator] = []
        owner: dict[str, str] = {}
        for n, entry in enumerate(entries, 1):
            if not isinstance(entry, dict) or set(entry) != {"id", "zh", "en", "variants"}:
                problems.append(f"entry {n}: needs exactly the keys id, zh, en, variants; got {entry!r}")
                continue
            ind_id, variants = entry["id"], entry["variants"] or []
            if not (isinstance(ind_id, str) and re.fullmatch(r"[a-z][a-z0-9_]*", ind_id)):
                problems.append(f"entry {n}: id {ind_id!r} is not snake_case")
            if any(ind.id == ind_id for ind in indicators):
                problems.append(f"entry {n}: id {ind_id!r} is used twice")
            if not isinstance(variants, list) or not all(isinstance(v, str) and v.strip() for v in variants):
                problems.append(f"entry {n} ({ind_id}): variants must be a list of names")
                continue
            for name in (entry["zh"], *variants):
                key = indicator_key(str(name))
                if owner.get(key, ind_id) != ind_id:
                    problems.append(
                        f"entry {n} ({ind_id}): {name!r} normalizes to {key!r}, already a variant of {owner[key]!r}"
                    )
                owner[key] = ind_id
            indicators.append(Indicator(ind_id, str(entry["zh"]), str(entry["en"]), tuple(variants)))
        if problems:
            raise CatalogueError(
                f"{path}: {len(problems)} problem(s) in the indicator catalogue:\n" + "\n".join(problems)
            )
        return cls(indicators)

    def match(self, text: str | None) -> str | None:
        """The id of the indicator ``text`` names, or ``None``."""
        return self.by_key.get(indicator_key(text)) if text else None


@cache
def _default() -> Catalogue:
    return Catalogue.load()


def canonical_indicator(text: str | None) -> str | None:
    """The canonical id of an INDICATOR text in the shipped catalogue, or ``None``."""
    return _default().match(text)


@dataclass(frozen=True)
class MappedMention:
    """A row of a gold mapping file (annotations/indicator_mapping.tsv): an INDICATOR mention and
    the canonical id a person gave it (``None`` for ``none``)."""

    report: str
    task: str
    mention: str
    canonical: str | None


_MAPPING_HEADER = ["report", "task", "mention", "canonical"]


def read_mapping(path: str | Path, catalogue: Catalogue | None = None) -> list[MappedMention]:
    """The rows of a gold mapping TSV (``#`` lines are comments; the header names the columns
    report, task, mention, canonical, then any). Raises naming every bad line: too few columns, an
    empty mention, or an id the catalogue does not hold."""
    catalogue = catalogue or _default()
    ids = {ind.id for ind in catalogue.indicators}
    path = Path(path)
    lines = [(n, line) for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)]
    lines = [(n, line) for n, line in lines if line.strip() and not line.startswith("#")]
    if not lines or lines[0][1].split("\t")[:4] != _MAPPING_HEADER:
        raise CatalogueError(
            f"{path}: the first line that is not a comment must be the header {_MAPPING_HEADER} (tab-separated)"
        )
    rows, problems = [], []
    for n, line in lines[1:]:
        cols = line.split("\t")
        if len(cols) < 4 or not cols[2]:
            problems.append(f"{path}:{n}: expected report, task, mention, canonical separated by tabs, got {line!r}")
            continue
        canonical = None if cols[3] == "none" else cols[3]
        if canonical is not None and canonical not in ids:
            problems.append(f"{path}:{n}: {cols[3]!r} is not an id of the catalogue (nor `none`)")
            continue
        rows.append(MappedMention(cols[0], cols[1], cols[2], canonical))
    if problems:
        raise CatalogueError(f"{len(problems)} problem(s) in the gold mapping:\n" + "\n".join(problems))
    return rows


def score_mapping(rows: list[MappedMention], catalogue: Catalogue | None = None) -> dict:
    """Precision and recall of ``catalogue.match`` over gold mapped mentions: a match is correct when
    its id is the gold id; precision over the mentions given an id, recall over those whose gold
    has one. ``errors`` lists every disagreement."""
    catalogue = catalogue or _default()
    predicted = correct = gold = 0
    errors = []
    for row in rows:
        got = catalogue.match(row.mention)
        predicted += got is not None
        gold += row.canonical is not None
        correct += got is not None and got == row.canonical
        if got != row.canonical:
            errors.append(
                {
                    "report": row.report,
                    "task": row.task,
                    "mention": row.mention,
                    "gold": row.canonical,
                    "predicted": got,
                }
            )
    return {
        "mentions": len(rows),
        "gold_mapped": gold,
        "predicted_mapped": predicted,
        "correct": correct,
        "precision": correct / predicted if predicted else 0.0,
        "recall": correct / gold if gold else 0.0,
        "errors": errors,
    }

"""The comparison table of a batch: report × canonical indicator → value, from the rows of
``output_format=records`` (:data:`~govner.records.schema.OUTPUT_COLUMNS`).

A column is one canonical indicator, one kind of value (level, growth, share, …) and actual or
target: 地区生产总值 (gdp) · growth · actual, named from the catalogue (configs/indicators.yaml). A cell holds every distinct value the report gives for its
column, in report order (the same number written twice counts once; 717.11亿元 and 7171100万元 are
the same value), so a conflict — two different values in the same base unit — is shown, never
resolved silently; values in different units (120个 | 3.5万户) are listed without being one. Records without a canonical
indicator are left out and counted."""

from __future__ import annotations

import csv
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from govner.files import atomic_open
from govner.records.catalogue import Catalogue
from govner.records.normalize import Kind

CANONICAL_COLUMN = "canonical_indicator"  # the records column the table is built from
_KIND_ORDER = {kind.value: rank for rank, kind in enumerate(Kind)}


@cache
def catalogue_names() -> dict[str, str]:
    """The Chinese name of each canonical id in the shipped catalogue, in its order."""
    return {indicator.id: indicator.zh for indicator in Catalogue.load().indicators}


def _catalogue_rank(canonical: str) -> int:
    names = catalogue_names()
    return list(names).index(canonical) if canonical in names else len(names)


@dataclass(frozen=True, order=True)
class Column:
    canonical: str
    kind: str
    target: bool

    @property
    def name(self) -> str:
        """地区生产总值 (gdp); the id alone when the catalogue does not name it."""
        zh = catalogue_names().get(self.canonical)
        return f"{zh} ({self.canonical})" if zh else self.canonical

    @property
    def header(self) -> str:
        return f"{self.name} · {self.kind} · {'target' if self.target else 'actual'}"


@dataclass
class CellValue:
    """One distinct value of a cell: as written (signed, with its hedge) and how often."""

    text: str
    base_value: float | None
    base_high: float | None
    base_unit: str
    mentions: int = 0
    sentences: list[int] = field(default_factory=list)  # sentence_start of each mention


@dataclass
class Report:
    document: str
    source: str


@dataclass
class ComparisonTable:
    reports: list[Report] = field(default_factory=list)
    cells: dict[tuple[int, Column], dict[tuple, CellValue]] = field(default_factory=dict)  # (report number, column)
    records: int = 0  # records with a canonical indicator, in the table
    left_out: int = 0  # records without one

    def add_document(self, document: str, source: str, rows: Iterable[Mapping]) -> int:
        """Add one report and its records (rows of ``output_format=records``); returns its number
        (reports are numbered from 0 in the order added: two files may share a document id)."""
        number = len(self.reports)
        self.reports.append(Report(document, source))
        for row in rows:
            canonical = row[CANONICAL_COLUMN]
            if not canonical:
                self.left_out += 1
                continue
            self.records += 1
            column = Column(str(canonical), str(row["kind"]), bool(row["target"]))
            values = self.cells.setdefault((number, column), {})
            value = values.get(key := _value_key(row))
            if value is None:
                values[key] = value = CellValue(cell_text(row), row["base_value"], row["base_high"], row["base_unit"])
            value.mentions += 1
            value.sentences.append(row["sentence_start"])
        return number

    @property
    def columns(self) -> list[Column]:
        """The filled columns: indicators covering the most reports first (ties in catalogue order), then
        kind, actual before target."""
        covered = Counter(canonical for _, canonical in {(report, c.canonical) for report, c in self.cells})
        columns = {column for _, column in self.cells}
        return sorted(
            columns,
            key=lambda c: (
                -covered[c.canonical],
                _catalogue_rank(c.canonical),
                c.canonical,
                _KIND_ORDER.get(c.kind, 99),
                c.target,
            ),
        )

    def cell(self, report: int, column: Column) -> list[CellValue]:
        """The distinct values of one cell, in report order (empty when the report gives none)."""
        return list(self.cells.get((report, column), {}).values())

    @property
    def conflicts(self) -> int:
        """Cells with conflicting values."""
        return sum(conflicting(values.values()) for values in self.cells.values())

    def coverage(self) -> list[dict]:
        """Per canonical indicator (most reports first, ties in catalogue order): reports covered, cells
        filled, conflicting cells, records."""
        stats: dict[str, dict] = {}
        for (report, column), values in self.cells.items():
            entry = stats.setdefault(
                column.canonical,
                {"canonical_indicator": column.canonical, "name": column.name, "reports": set(), "cells": 0,
                 "conflicts": 0, "records": 0},
            )  # fmt: skip
            entry["reports"].add(report)
            entry["cells"] += 1
            entry["conflicts"] += conflicting(values.values())
            entry["records"] += sum(v.mentions for v in values.values())
        rows = [{**entry, "reports": len(entry["reports"])} for entry in stats.values()]
        return sorted(
            rows, key=lambda r: (-r["reports"], _catalogue_rank(r["canonical_indicator"]), r["canonical_indicator"])
        )

    def summary(self) -> str:
        covered = {report for report, _ in self.cells}
        return (
            f"comparison table: {len(self.reports)} reports ({len(covered)} with a value) × {len(self.columns)} columns "
            f"({len({c.canonical for c in self.columns})} canonical indicators), {len(self.cells)} cells filled, "
            f"{self.conflicts} with conflicting values; {self.records} records in it, "
            f"{self.left_out} without a canonical indicator left out"
        )

    def write_csv(self, path: str | Path) -> None:
        """One row per report, one column per filled :class:`Column`; a cell's distinct values are
        joined by `` | `` (UTF-8 with BOM, so Excel opens it)."""
        columns = self.columns
        with atomic_open(path, encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["document", "source", *(c.header for c in columns)])
            for number, report in enumerate(self.reports):
                cells = [" | ".join(v.text for v in self.cell(number, c)) for c in columns]
                writer.writerow([report.document, report.source, *cells])

    def write_coverage_csv(self, path: str | Path) -> None:
        """:meth:`coverage` as CSV: one row per canonical indicator, most reports first."""
        fields = ["canonical_indicator", "name", "reports", "cells", "conflicts", "records"]
        with atomic_open(path, encoding="utf-8-sig", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            writer.writerows(self.coverage())


def conflicting(values: Iterable[CellValue]) -> bool:
    """Whether a cell's distinct values hold two in the same base unit."""
    units = [value.base_unit for value in values]
    return len(units) != len(set(units))


def cell_text(row: Mapping) -> str:
    """The value as written, with its sign when the text does not show it (下降3% → -3%) and the hedges
    it does not show (6% (左右))."""
    text = str(row["value_text"])
    if row.get("value") is not None and row["value"] < 0 and not text.startswith(("-", "−")):
        text = "-" + text
    hedges = [h for h in (row.get("qualifier") or "").split("、") if h and h not in text]  # 4.5万余人: 余 shown
    return f"{text} ({'、'.join(hedges)})" if hedges else text


def _value_key(row: Mapping) -> tuple:
    """What makes two values the same: the normalized number(s) and base unit, else the text."""
    if row.get("base_value") is None:
        return ("text", cell_text(row))
    return ("number", _rounded(row["base_value"]), _rounded(row.get("base_high")), row["base_unit"])


def _rounded(number: float | None) -> float | None:
    return float(f"{number:.9g}") if number is not None and math.isfinite(number) else number

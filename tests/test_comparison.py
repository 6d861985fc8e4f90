"""The comparison table: report × canonical indicator → value, built from records rows; conflicting
values for one cell are all listed, records without a canonical indicator are left out and counted."""

from __future__ import annotations

import csv

from govner.records.comparison import Column, ComparisonTable


def row(canonical, value_text, value, base_value, base_unit, kind="level", target=False, qualifier="", start=0):
    return {
        "canonical_indicator": canonical, "value_text": value_text, "value": value, "base_value": base_value,
        "base_high": None, "base_unit": base_unit, "kind": kind, "target": target, "qualifier": qualifier,
        "sentence_start": start,
    }  # fmt: skip


GDP, REVENUE = "gdp", "general_budget_revenue"  # ids in configs/indicators.yaml


def table() -> ComparisonTable:
    t = ComparisonTable()
    t.add_document("三亚", "city/三亚.txt", [
        row(GDP, "971.3亿元", 971.3, 97_130_000_000, "元", start=0),
        row(GDP, "9713000万元", 9_713_000, 97_130_000_000, "元", start=40),  # the same value in other units
        row(GDP, "12%", 12, 12, "%", "growth", start=0),
        row(GDP, "950亿元", 950, 95_000_000_000, "元", start=90),  # a conflicting level
        row(GDP, "6%", 6, 6, "%", "growth", target=True, qualifier="左右", start=200),
        row(GDP, "1位", 1, 1, "位", "growth", target=True, start=210),  # another unit: listed, no conflict
        row(None, "38.", 38, 38, "", start=300),  # no canonical indicator: left out
        row("", "22.", 22, 22, "", start=310),
    ])  # fmt: skip
    t.add_document("日照", "city/日照.txt", [row(REVENUE, "3%", -3, -3, "%", "growth", start=5)])
    t.add_document("三亚", "other/三亚.txt", [])  # same id, another file: a report of its own
    return t


def test_conflicting_values_are_all_listed_and_equal_values_merged():
    t = table()
    level = Column(GDP, "level", False)
    values = t.cell(0, level)
    assert [(v.text, v.mentions, v.sentences) for v in values] == [("971.3亿元", 2, [0, 40]), ("950亿元", 1, [90])]
    assert [v.text for v in t.cell(0, Column(GDP, "growth", True))] == ["6% (左右)", "1位"]
    assert [v.text for v in t.cell(1, Column(REVENUE, "growth", False))] == ["-3%"]  # the sign written out
    assert t.cell(1, level) == [] and t.cell(2, level) == []
    assert (t.records, t.left_out, t.conflicts, len(t.cells)) == (7, 2, 1, 4)
    assert t.columns == [  # most reports first, then kind, actual before target
        Column(GDP, "level", False), Column(GDP, "growth", False), Column(GDP, "growth", True),
        Column(REVENUE, "growth", False),
    ]  # fmt: skip
    assert t.coverage() == [
        {
            "canonical_indicator": GDP,
            "name": "地区生产总值 (gdp)",
            "reports": 1,
            "cells": 3,
            "conflicts": 1,
            "records": 6,
        },
        {
            "canonical_indicator": REVENUE,
            "name": "一般公共预算收入 (general_budget_revenue)",
            "reports": 1,
            "cells": 1,
            "conflicts": 0,
            "records": 1,
        },
    ]
    assert "3 reports (2 with a value)" in t.summary() and "2 without a canonical indicator left out" in t.summary()


def test_csv_has_one_row_per_report_and_shows_conflicts(tmp_path):
    table().write_csv(tmp_path / "table.csv")
    table().write_coverage_csv(tmp_path / "coverage.csv")
    coverage = list(csv.DictReader((tmp_path / "coverage.csv").open(encoding="utf-8-sig")))
    assert [(c["canonical_indicator"], c["reports"], c["cells"]) for c in coverage] == [
        (GDP, "1", "3"),
        (REVENUE, "1", "1"),
    ]
    assert (tmp_path / "table.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    rows = list(csv.reader((tmp_path / "table.csv").open(encoding="utf-8-sig")))
    assert rows == [
        ["document", "source", "地区生产总值 (gdp) · level · actual", "地区生产总值 (gdp) · growth · actual",
         "地区生产总值 (gdp) · growth · target", "一般公共预算收入 (general_budget_revenue) · growth · actual"],
        ["三亚", "city/三亚.txt", "971.3亿元 | 950亿元", "12%", "6% (左右) | 1位", ""],
        ["日照", "city/日照.txt", "", "", "", "-3%"],
        ["三亚", "other/三亚.txt", "", "", "", ""],
    ]  # fmt: skip


def test_columns_put_the_indicators_most_reports_give_first():
    t = ComparisonTable()
    t.add_document("a", "a.txt", [row(GDP, "1%", 1, 1, "%", "growth"), row(GDP, "1亿元", 1, 1e8, "元")])
    t.add_document("b", "b.txt", [row(REVENUE, "2%", 2, 2, "%", "growth")])
    t.add_document("c", "c.txt", [row(REVENUE, "3%", 3, 3, "%", "growth")])
    assert [c.canonical for c in t.columns] == [REVENUE, GDP, GDP]  # 2 reports before 1 (with 2 cells)


def test_a_cell_shows_the_hedges_its_text_does_not():
    t = ComparisonTable()
    t.add_document("a", "a.txt", [row(REVENUE, "4.5万余元", 4.5, 45_000, "元", qualifier="余、约")])
    assert [v.text for v in t.cell(0, Column(REVENUE, "level", False))] == ["4.5万余元 (约)"]

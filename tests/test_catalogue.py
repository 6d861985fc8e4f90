"""The canonical-indicator catalogue (configs/indicators.yaml), its matcher, and the hand-made gold
mapping of test-report mentions it is measured on (annotations/indicator_mapping.tsv)."""

import pytest
from conftest import ROOT

from govner.records.catalogue import (
    Catalogue,
    CatalogueError,
    MappedMention,
    canonical_indicator,
    read_mapping,
    score_mapping,
)

MAPPING = ROOT / "annotations" / "indicator_mapping.tsv"


def test_the_shipped_catalogue_has_at_least_40_documented_indicators():
    catalogue = Catalogue.load()
    assert len(catalogue.indicators) >= 40
    assert all(ind.zh and ind.en for ind in catalogue.indicators)
    assert len({ind.id for ind in catalogue.indicators}) == len(catalogue.indicators)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("地区生产总值", "gdp"),
        ("全市生产总值", "gdp"),  # scope prefix
        ("全区生产总值", "gdp"),
        ("ＧＤＰ", "gdp"),  # NFKC
        ("经济总量", "gdp"),
        ("地区生产总值增速", "gdp"),  # change word
        ("规模以上工业增加值", "industrial_va_above_scale"),
        ("规上工业增加值", "industrial_va_above_scale"),
        ("规模工业增加值", "industrial_va_above_scale"),
        ("外贸进出口总值", "foreign_trade"),  # 总值 = 总额 = 额
        ("外贸进出口额", "foreign_trade"),
        ("居民消费价格涨幅", "cpi"),
        ("“一般公共预算收入”", "general_budget_revenue"),  # quote marks
        ("pm2.5 平均浓度", "pm25"),
        ("城镇调查失业率", "surveyed_unemployment_rate"),
        ("农村居民人均可支配收入", "rural_disposable_income"),
        ("工业投资", "industrial_investment"),  # not fixed_asset_investment
        ("固定资产投资", "fixed_asset_investment"),
        ("投资", None),  # no fuzzy or substring match
        ("新增高新技术企业", None),  # a flow, not the stock 高新技术企业
        ("城乡居民人均可支配收入", None),  # two measures at once
        ("地区生产总值、一般公共预算收入", None),  # coordinated mention
        ("", None),
        (None, None),
    ],
)
def test_matching_is_exact_after_normalization(text, expected):
    assert canonical_indicator(text) == expected


def write(tmp_path, body):
    path = tmp_path / "cat.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_a_variant_claimed_by_two_indicators_is_an_error(tmp_path):
    path = write(
        tmp_path,
        "indicators:\n"
        "  - {id: gdp, zh: 地区生产总值, en: GDP, variants: [生产总值]}\n"
        "  - {id: other, zh: 其他, en: other, variants: [全市生产总值]}\n",
    )
    with pytest.raises(
        CatalogueError,
        match=r"(?s)cat.yaml: 1 problem.*'全市生产总值' normalizes to '生产额', already a variant of 'gdp'",
    ):
        Catalogue.load(path)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("- a\n", "expected a top-level `indicators:` list"),
        ("indicators:\n  - {id: gdp, zh: 地区生产总值}\n", r"entry 1: needs exactly the keys id, zh, en, variants"),
        (
            "indicators:\n  - {id: GDP, zh: 地区生产总值, en: GDP, variants: []}\n",
            r"entry 1: id 'GDP' is not snake_case",
        ),
        ("indicators: [ {id: a\n", "cannot read the indicator catalogue"),
    ],
)
def test_bad_catalogue_files_are_named(tmp_path, body, message):
    with pytest.raises(CatalogueError, match=message):
        Catalogue.load(write(tmp_path, body))


def test_mapping_scores_count_wrong_ids_against_precision_and_misses_against_recall():
    rows = [
        MappedMention("r", "1", "地区生产总值", "gdp"),  # correct
        MappedMention("r", "2", "全社会研发投入占GDP比重", "rd_intensity"),  # missed
        MappedMention("r", "3", "城镇新增就业", "cpi"),  # wrong id: counts against both
        MappedMention("r", "4", "投资", None),  # correct none
    ]
    scores = score_mapping(rows)
    assert (scores["predicted_mapped"], scores["gold_mapped"], scores["correct"]) == (2, 3, 1)
    assert scores["precision"] == 0.5 and scores["recall"] == pytest.approx(1 / 3)
    assert [e["task"] for e in scores["errors"]] == ["2", "3"]


def test_a_bad_mapping_line_is_named(tmp_path):
    path = tmp_path / "m.tsv"
    path.write_text("# c\nreport\ttask\tmention\tcanonical\nr\t1\t地区生产总值\tgdpp\nr\t2\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"(?s)2 problem.*m.tsv:3: 'gdpp' is not an id.*m.tsv:4: expected report"):
        read_mapping(path)


def test_the_gold_mapping_of_test_mentions(capsys):
    """The shipped gold mapping: at least 300 hand-labelled test mentions; the matcher's precision
    and recall on it are printed (pytest -s) and must not fall below what was measured."""
    rows = read_mapping(MAPPING)
    assert len(rows) >= 300 and sum(r.canonical is not None for r in rows) >= 70
    scores = score_mapping(rows)
    with capsys.disabled():
        print(f"\ncanonical indicators: precision {scores['precision']:.3f}, recall {scores['recall']:.3f}")
    assert scores["precision"] >= 0.96 and scores["recall"] >= 0.84

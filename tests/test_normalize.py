from decimal import Decimal

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govner.records.normalize import (
    Kind,
    UnitParts,
    is_target,
    normalize,
    parse_number,
    qualifiers,
    split_unit,
    target_cues,
)

# -- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("717.11", 717.11),
        ("1,068", 1068),
        ("0.5", 0.5),
        ("５．１", 5.1),  # full-width digits and point
        ("４２３５６", 42356),
        ("１，０６８", 1068),
        ("九", 9),
        ("十", 10),
        ("十二", 12),
        ("九十", 90),
        ("两", 2),
        ("两千三百", 2300),
        ("一百零三", 103),
        ("十七万五千", 175000),
        ("一亿四千万", 140_000_000),
        ("一亿零六百万", 106_000_000),
        ("三点三", 3.3),
        ("1.2万", 12000),  # mixed
        ("2.3万亿", 2.3e12),  # mixed, beyond cn2an
        ("百", 100),  # a bare magnitude (突破百亿 → QUANTITY 百)
        ("千", 1000),
        ("亿", 1e8),
        ("19·5", 19.5),  # OCR'd decimal point
        ("-3.8", -3.8),
        ("百分之七十", 70),
        ("三分之一", 1 / 3),
        ("1／4", 0.25),
        ("一半", 0.5),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "数十", "几", "abc", "-"])
def test_parse_number_rejects_non_numbers(text):
    with pytest.raises(ValueError):
        parse_number(text)


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=10**12))
def test_chinese_numerals_round_trip(n):
    assert parse_number(cn2an.an2cn(n)) == n


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=10**12))
def test_arabic_with_separators_and_full_width(n):
    assert parse_number(f"{n:,}") == n
    full_width = f"{n:,}".translate(str.maketrans("0123456789,", "０１２３４５６７８９，"))
    assert parse_number(full_width) == n


# -- units and magnitude folding ------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "parts"),
    [
        ("亿元", UnitParts(10**8, "元")),
        ("万元", UnitParts(10**4, "元")),
        ("万亩", UnitParts(10**4, "亩")),
        ("万余个", UnitParts(10**4, "个", "余")),
        ("万多人次", UnitParts(10**4, "人次", "多")),
        ("亿多吨", UnitParts(10**8, "吨", "多")),
        ("万亿元", UnitParts(10**12, "元")),
        ("千亿元", UnitParts(10**11, "元")),
        ("亿美元", UnitParts(10**8, "美元")),
        ("万", UnitParts(10**4, "")),  # a bare magnitude: 新增市场主体1.13万
        ("千瓦", UnitParts(1, "千瓦")),  # 千 of kilowatt is no magnitude
        ("万千瓦", UnitParts(10**4, "千瓦")),
        ("亿千瓦时", UnitParts(10**8, "千瓦时")),
        ("百亿亿次/秒", UnitParts(10**18, "次/秒")),
        ("个百分点", UnitParts(1, "个百分点")),
        ("百分点", UnitParts(1, "百分点")),
        ("％", UnitParts(1, "%")),
        ("套（间）", UnitParts(1, "套（间）")),
        ("个", UnitParts(1, "个")),
    ],
)
def test_split_unit(unit, parts):
    assert split_unit(unit) == parts


@pytest.mark.parametrize(
    ("quantity", "unit", "between", "base", "base_unit"),
    [
        ("717.11", "亿元", "", 71_711_000_000, "元"),
        ("5.44", "亿元", "", 544_000_000, "元"),
        ("1.2", "万亩", "", 12_000, "亩"),
        ("10", "万余个", "", 100_000, "个"),
        ("88", "万元", "余", 880_000, "元"),
        ("9200", "万元", "余", 92_000_000, "元"),
        ("1.13", "万", "", 11_300, ""),
        ("2.8", "万亿元", "", 2.8e12, "元"),
        ("一亿四千万", "吨", "", 140_000_000, "吨"),
        ("两千三百", "", "", 2300, ""),
        ("百", "亿元", "", 1e10, "元"),
        ("5000", "万千瓦", "", 5e7, "千瓦"),
        ("168", "家", "", 168, "家"),
        ("3.0", "%", "", 3.0, "%"),
        ("５．１", "％", "", 5.1, "%"),
        ("七", "成", "", 70, "%"),
        ("2.4", "万套（间）", "", 24_000, "套（间）"),
    ],
)
def test_magnitude_is_folded(quantity, unit, between, base, base_unit):
    value = normalize(quantity, unit, between=between)
    assert value.base_value == base  # exact: Decimal arithmetic, no float noise
    assert value.base_unit == base_unit
    assert value.number == pytest.approx(parse_number(quantity))


@settings(max_examples=200)
@given(st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False))
def test_folding_is_exact(d):
    text = f"{d:.2f}"
    assert normalize(text, "亿元").base_value == float(Decimal(text) * 10**8)
    assert normalize(text, "万亩").base_value == float(Decimal(text) * 10**4)


def test_percent_in_words_and_fractions_become_percent():
    seventy = normalize("百分之七十", before="增长")
    assert (seventy.number, seventy.base_value, seventy.base_unit, seventy.kind) == (70, 70, "%", Kind.GROWTH)
    third = normalize("三分之二")
    assert third.base_value == pytest.approx(200 / 3)
    assert third.base_unit == "%" and third.kind is Kind.SHARE
    assert normalize("一半").base_value == 50


def test_unreadable_number_keeps_unit_and_kind():
    value = normalize("数十", "个")
    assert value.number is None and value.base_value is None
    assert value.base_unit == "个" and value.kind is Kind.LEVEL


# -- kinds and signs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "unit", "kind", "number"),
    [
        ("", "亿元", Kind.LEVEL, 3.0),
        ("达到", "亿元", Kind.LEVEL, 3.0),
        ("", "%", Kind.SHARE, 3.0),
        ("覆盖率达", "%", Kind.SHARE, 3.0),
        ("增长", "%", Kind.GROWTH, 3.0),
        ("同比增长", "%", Kind.GROWTH, 3.0),
        ("比上年增长", "%", Kind.GROWTH, 3.0),
        ("年均增长", "%", Kind.GROWTH, 3.0),
        ("增长了", "%", Kind.GROWTH, 3.0),
        ("同比增", "%", Kind.GROWTH, 3.0),
        ("增速为", "%", Kind.GROWTH, 3.0),
        ("居民消费价格涨幅", "%", Kind.GROWTH, 3.0),
        ("分别增长", "%", Kind.GROWTH, 3.0),
        ("增长约", "%", Kind.GROWTH, 3.0),
        ("下降", "%", Kind.GROWTH, -3.0),
        ("同比下降", "%", Kind.GROWTH, -3.0),
        ("负增长", "%", Kind.GROWTH, -3.0),
        ("减少", "亿元", Kind.GROWTH, -3.0),
        ("比去年增加", "亿元", Kind.GROWTH, 3.0),
        ("降幅", "%", Kind.GROWTH, -3.0),
        ("同比降", "%", Kind.GROWTH, -3.0),
        ("提高", "个百分点", Kind.PERCENTAGE_POINTS, 3.0),
        ("回落", "个百分点", Kind.PERCENTAGE_POINTS, -3.0),
        ("比上年下降", "个百分点", Kind.PERCENTAGE_POINTS, -3.0),
        ("高于全省", "个百分点", Kind.PERCENTAGE_POINTS, 3.0),
        ("", "倍", Kind.MULTIPLE, 3.0),
        ("是2022年的", "倍", Kind.MULTIPLE, 3.0),
        ("增长", "倍", Kind.MULTIPLE, 3.0),
        ("翻", "番", Kind.MULTIPLE, 3.0),
        # a level reached, not a change
        ("提高到", "%", Kind.SHARE, 3.0),
        ("下降到", "%", Kind.SHARE, 3.0),
        ("降至", "%", Kind.SHARE, 3.0),
        ("增加到", "亿户", Kind.LEVEL, 3.0),
        # change words that are part of a name
        ("新增", "家", Kind.LEVEL, 3.0),
        ("工业增加值", "亿元", Kind.LEVEL, 3.0),
        ("增长的企业达到", "家", Kind.LEVEL, 3.0),
    ],
)
def test_kind_and_sign(before, unit, kind, number):
    value = normalize("3", unit, before=before)
    assert value.kind is kind
    assert value.number == number
    assert value.base_value == pytest.approx(number * split_unit(unit).magnitude)


def test_negative_growth_written_with_a_minus():
    assert normalize("-3.8", "%", before="增长").base_value == -3.8
    assert normalize("3.8", "%", before="增长-").base_value == -3.8
    assert normalize("－3.8", "％").number == -3.8


def test_percentage_points_written_without_个():
    value = normalize("0.5", "百分点", before="下降")
    assert (value.number, value.base_value, value.base_unit, value.kind) == (
        -0.5,
        -0.5,
        "个百分点",
        Kind.PERCENTAGE_POINTS,
    )


@pytest.mark.parametrize(
    ("quantity", "before", "base", "kind"),
    [
        ("七", "", 70, Kind.SHARE),  # 七成: a share of 70 %
        ("三", "提高", 30, Kind.GROWTH),  # 提高三成
        ("两", "下降", -20, Kind.GROWTH),  # 下降两成
        ("9", "占比超过", 90, Kind.SHARE),
    ],
)
def test_cheng_is_ten_percent(quantity, before, base, kind):
    value = normalize(quantity, "成", before=before)
    assert (value.base_value, value.base_unit, value.kind) == (base, "%", kind)


@pytest.mark.parametrize(
    ("quantity", "unit", "number", "base"),
    [
        ("1.2万", "亩", 12_000, 12_000),  # magnitude inside the QUANTITY counts in the number too
        ("两万", "人", 20_000, 20_000),
        ("3.5", "万亿元", 3.5, 3.5e12),
        ("一千二百", "万元", 1200, 12_000_000),
        ("２．５", "亿元", 2.5, 250_000_000),
    ],
)
def test_mixed_numerals_with_units(quantity, unit, number, base):
    value = normalize(quantity, unit)
    assert (value.number, value.base_value) == (number, base)


def test_negative_growth_with_magnitude():
    value = normalize("1.5", "亿元", before="比上年减少")
    assert (value.number, value.base_value, value.kind) == (-1.5, -150_000_000, Kind.GROWTH)


# -- target and qualifier ------------------------------------------------------------------


def test_target_cues_are_located():
    assert target_cues("今年以来，力争人均预期寿命") == [(5, 7), (9, 11)]


@pytest.mark.parametrize(
    ("context", "after", "target"),
    [
        ("今年全市经济社会发展的主要预期目标是：地区生产总值增长", "", True),
        ("力争全年地区生产总值增长", "", True),
        ("确保粮食播面稳定在", "", True),
        ("争取实际利用外资", "", True),
        ("居民收入增长与经济增长同步，目标是城镇调查失业率", "", True),
        ("明年城镇新增就业", "", True),
        ("地区生产总值增长", "左右", True),
        ("今年以来，地区生产总值增长", "", False),
        ("全年地区生产总值增长", "", False),
        ("过去五年，地区生产总值年均增长", "，", False),
    ],
)
def test_target(context, after, target):
    assert is_target(context, after) is target
    assert normalize("5", "%", context=context, after=after).target is target


@pytest.mark.parametrize(
    ("before", "between", "unit", "after", "qualifier"),
    [
        ("新造林约", "", "万亩", "", "约"),
        ("技术合同登记超过", "", "亿元", "", "超过"),
        ("同比增长超", "", "%", "", "超"),
        ("逾", "", "亿元", "", "逾"),
        ("近", "", "万名", "", "近"),
        ("接近", "", "%", "", "接近"),
        ("不少于", "", "个", "", "不少于"),
        ("", "", "万元", "以上", "以上"),
        ("", "", "%", "左右", "左右"),
        ("", "", "%", "以内", "以内"),
        ("", "余", "名", "", "余"),  # 50余名
        ("", "余", "万元", "", "余"),  # 88余万元
        ("", "", "万余个", "", "余"),  # 10万余个
        ("", "多", "人", "", "多"),  # 5000多人
        ("", "", "倍", "多", "多"),  # 1倍多
        ("超过", "", "万元", "以上", "超过、以上"),
        ("不超过", "", "万元", "", "不超过"),  # not 超过
        ("将近", "", "万名", "", "将近"),  # not 近
        ("不足", "", "个", "", "不足"),
        ("", "", "家", "及以上", "及以上"),  # not 以上
        ("最近", "", "年", "", ""),  # 近 of 最近 is no hedge
        ("", "", "亿元", "", ""),
    ],
)
def test_qualifier(before, between, unit, after, qualifier):
    value = normalize("10", unit, before=before, between=between, after=after)
    assert value.qualifier == qualifier


def test_qualifiers_function_reads_hedges_in_order():
    assert qualifiers("约", "余", "", "以上") == "约、余、以上"
    assert qualifiers() == ""


# -- ranges ---------------------------------------------------------------------------------


def test_percent_range():
    value = normalize("6.0", "%", before="增长", high_quantity="7.0", high_unit="%", context="今年预期目标：")
    assert value.is_range
    assert (value.low, value.high) == (6.0, 7.0)
    assert (value.number, value.number_high) == (6.0, 7.0)
    assert value.kind is Kind.GROWTH and value.target
    assert value.text == "6.0%—7.0%"


def test_range_low_end_takes_the_unit_of_the_high_end():
    value = normalize("1", "", high_quantity="2", high_unit="个")
    assert (value.low, value.high, value.base_unit, value.unit) == (1, 2, "个", "个")
    tens_of_thousands = normalize("3", "", high_quantity="5", high_unit="万元")
    assert (tens_of_thousands.low, tens_of_thousands.high, tens_of_thousands.base_unit) == (30_000, 50_000, "元")
    explicit = normalize("3", "万", high_quantity="5", high_unit="万元")
    assert (explicit.low, explicit.high, explicit.base_unit) == (30_000, 50_000, "元")


def test_negative_range_is_ordered():
    value = normalize("3", "%", before="下降", high_quantity="5", high_unit="%")
    assert (value.low, value.high) == (-5, -3)


def test_ranges_of_other_kinds():
    points = normalize("0.5", "", before="提高", high_quantity="1", high_unit="个百分点")
    assert (points.low, points.high, points.kind) == (0.5, 1, Kind.PERCENTAGE_POINTS)
    hedged = normalize("5", "", high_quantity="8", high_unit="万余元")  # 5至8万余元
    assert (hedged.low, hedged.high, hedged.base_unit, hedged.qualifier) == (50_000, 80_000, "元", "余")
    chinese = normalize("五", "", high_quantity="八", high_unit="万元")
    assert (chinese.low, chinese.high) == (50_000, 80_000)
    about = normalize("3", "", before="增长", high_quantity="5", high_unit="%", after="左右")
    assert (about.low, about.high, about.qualifier, about.target) == (3, 5, "左右", True)
    assert (about.number, about.number_high, about.text) == (3, 5, "3—5%")


def test_single_value_is_not_a_range():
    value = normalize("3", "%")
    assert not value.is_range
    assert value.low == value.high == 3

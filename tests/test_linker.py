import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markup import parse_markup

from govner.data.spans import Span
from govner.records.linker import Record, link
from govner.records.normalize import Kind


def records(marked: str) -> list[Record]:
    text, spans = parse_markup(marked)
    return link(text, spans)


def rows(marked: str) -> list[tuple[str | None, str]]:
    """(indicator, value text) of each record."""
    return [(r.indicator, r.value_text) for r in records(marked)]


# -- several values per indicator, D9 ----------------------------------------------------------


def test_level_and_growth_of_one_indicator():
    level, growth = records(
        "全年[[地区生产总值|INDICATOR]][[717.11|QUANTITY]][[亿元|UNIT]]，增长[[3.0|QUANTITY]][[%|UNIT]]。"
    )
    assert (level.indicator, level.indicator_start, level.indicator_end) == ("地区生产总值", 2, 8)
    assert (level.value_text, level.unit, level.value, level.base_value, level.base_unit, level.kind) == (
        "717.11亿元",
        "亿元",
        717.11,
        71_711_000_000,
        "元",
        Kind.LEVEL,
    )
    assert (growth.indicator, growth.value, growth.base_unit, growth.kind) == ("地区生产总值", 3.0, "%", Kind.GROWTH)
    assert not level.target and not growth.target


def test_values_in_one_clause():
    assert rows(
        "[[社会消费品零售总额|INDICATOR]][[492.9|QUANTITY]][[亿元|UNIT]]、同比增长[[14|QUANTITY]][[%|UNIT]]"
    ) == [
        ("社会消费品零售总额", "492.9亿元"),
        ("社会消费品零售总额", "14%"),
    ]


def test_each_indicator_takes_the_values_of_its_clause():
    out = records(
        "[[森林覆盖率|INDICATOR]]提高到[[62.3|QUANTITY]][[%|UNIT]]，比上年提高[[1.2|QUANTITY]][[个百分点|UNIT]]，"
        "[[空气质量优良天数|INDICATOR]][[320|QUANTITY]][[天|UNIT]]。"
    )
    assert [(r.indicator, r.value, r.kind) for r in out] == [
        ("森林覆盖率", 62.3, Kind.SHARE),
        ("森林覆盖率", 1.2, Kind.PERCENTAGE_POINTS),
        ("空气质量优良天数", 320, Kind.LEVEL),
    ]


def test_negative_growth_in_a_later_clause():
    (_, rate) = records(
        "[[外贸进出口总额|INDICATOR]][[100|QUANTITY]][[亿美元|UNIT]]，比上年下降[[5.2|QUANTITY]][[%|UNIT]]"
    )
    assert (rate.indicator, rate.value, rate.kind) == ("外贸进出口总额", -5.2, Kind.GROWTH)


def test_comparison_base_in_a_later_clause():
    out = records(
        "[[工程技术人员|INDICATOR]]达到[[十七万五千|QUANTITY]][[人|UNIT]]，"
        "比一九五二年的[[五万八千|QUANTITY]][[人|UNIT]]增长[[两|QUANTITY]][[倍|UNIT]]；"
    )
    assert [(r.indicator, r.base_value, r.kind) for r in out] == [
        ("工程技术人员", 175_000, Kind.LEVEL),
        ("工程技术人员", 58_000, Kind.LEVEL),
        ("工程技术人员", 2, Kind.MULTIPLE),
    ]


def test_full_width_digits():
    level, growth = records(
        "[[城镇居民人均可支配收入|INDICATOR]]达到[[４２３５６|QUANTITY]][[元|UNIT]]，增长[[５．１|QUANTITY]][[％|UNIT]]。"
    )
    assert (level.base_value, level.base_unit) == (42356, "元")
    assert (growth.value, growth.base_unit, growth.kind) == (5.1, "%", Kind.GROWTH)


# -- coordinated lists ------------------------------------------------------------------------


def test_fenbie_list_is_paired_in_order():
    out = records(
        "[[生产安全事故起数|INDICATOR]]、[[死亡人数|INDICATOR]]分别下降[[30|QUANTITY]][[%|UNIT]]、[[20|QUANTITY]][[%|UNIT]]。"
    )
    assert [(r.indicator, r.value, r.kind) for r in out] == [
        ("生产安全事故起数", -30, Kind.GROWTH),
        ("死亡人数", -20, Kind.GROWTH),
    ]


def test_fenbie_pairing_goes_on_into_the_next_clause():
    out = records(
        "[[地区生产总值|INDICATOR]]、[[一般公共预算收入|INDICATOR]]分别达到[[100|QUANTITY]][[亿元|UNIT]]和[[20|QUANTITY]][[亿元|UNIT]]，"
        "增长[[5|QUANTITY]][[%|UNIT]]、[[8|QUANTITY]][[%|UNIT]]。"
    )
    assert [(r.indicator, r.base_value, r.kind) for r in out] == [
        ("地区生产总值", 1e10, Kind.LEVEL),
        ("一般公共预算收入", 2e9, Kind.LEVEL),
        ("地区生产总值", 5, Kind.GROWTH),
        ("一般公共预算收入", 8, Kind.GROWTH),
    ]


def test_fenbie_pairs_counted_items():
    out = records(
        "[[15|QUANTITY]][[个|UNIT]][[省重大项目|INDICATOR]]、[[392|QUANTITY]][[个|UNIT]][[市重大产业项目|INDICATOR]]"
        "分别完成年度投资计划的[[151|QUANTITY]][[%|UNIT]]和[[115|QUANTITY]][[%|UNIT]]"
    )
    assert rows_of(out) == [
        ("省重大项目", "15个"),
        ("市重大产业项目", "392个"),
        ("省重大项目", "151%"),
        ("市重大产业项目", "115%"),
    ]


def rows_of(out):
    return [(r.indicator, r.value_text) for r in out]


def test_fenbie_with_unequal_counts_falls_back_to_the_nearest_indicator():
    out = records("[[甲|INDICATOR]]、[[乙|INDICATOR]]分别增长[[3|QUANTITY]][[%|UNIT]]")
    assert rows_of(out) == [("甲、乙", "3%")]


def test_coordinated_indicators_sharing_one_value_make_one_record():
    (rec,) = records("[[新建中小学|INDICATOR]]、[[幼儿园|INDICATOR]][[12|QUANTITY]][[所|UNIT]]")
    assert (rec.indicator, rec.indicator_start, rec.indicator_end, rec.base_value) == ("新建中小学、幼儿园", 0, 9, 12)


def test_jun_and_ge_give_each_indicator_the_value():
    assert rows("力争[[游客人数|INDICATOR]]、[[旅游收入|INDICATOR]]均增长[[16|QUANTITY]][[%|UNIT]]以上") == [
        ("游客人数", "16%"),
        ("旅游收入", "16%"),
    ]
    assert rows("新增[[绿色工厂|INDICATOR]]和[[智能工厂|INDICATOR]]各[[1|QUANTITY]][[家|UNIT]]") == [
        ("绿色工厂", "1家"),
        ("智能工厂", "1家"),
    ]


@pytest.mark.parametrize("average", ["平均", "人均", "年均"])
def test_the_jun_of_an_average_does_not_split_a_shared_value(average):
    out = records(
        f"[[工业投资|INDICATOR]]、[[工业增加值|INDICATOR]]增速高于全省{average}[[5|QUANTITY]][[个百分点|UNIT]]"
    )
    assert rows_of(out) == [("工业投资、工业增加值", "5个百分点")]


def test_target_cue_inside_an_indicator_name_is_no_target():
    (life,) = records("[[人均预期寿命|INDICATOR]]达到[[75|QUANTITY]][[岁|UNIT]]")
    assert not life.target
    (goal,) = records("预期[[人均寿命|INDICATOR]]达到[[75|QUANTITY]][[岁|UNIT]]")
    assert goal.target
    (cut,) = records(
        "年度目[[标|INDICATOR]]：遴选[[3600|QUANTITY]][[名|UNIT]][[学生|INDICATOR]]"
    )  # a span cuts into 目标
    assert cut.target


def test_list_value_without_unit_borrows_the_next_unit():
    out = records(
        "[[高新技术产业增加值占比|INDICATOR]]分别高于全省[[26.2|QUANTITY]]和[[17.5|QUANTITY]][[个百分点|UNIT]]"
    )
    assert [(r.value_text, r.unit, r.base_unit, r.kind) for r in out] == [
        ("26.2", "个百分点", "个百分点", Kind.PERCENTAGE_POINTS),
        ("17.5个百分点", "个百分点", "个百分点", Kind.PERCENTAGE_POINTS),
    ]


# -- count before the noun --------------------------------------------------------------------


def test_count_before_noun():
    out = records(
        "建成[[12|QUANTITY]][[个|UNIT]][[社区食堂|INDICATOR]]，新开工[[3|QUANTITY]][[个|UNIT]][[产业项目|INDICATOR]]"
    )
    assert rows_of(out) == [("社区食堂", "12个"), ("产业项目", "3个")]


def test_count_before_noun_wins_over_the_indicator_before_it():
    out = records(
        "[[新增市场主体|INDICATOR]][[1.2|QUANTITY]][[万户|UNIT]]，建成[[860|QUANTITY]][[个|UNIT]]"
        "[[中期评估项目有效实施率|INDICATOR]]达[[93.4|QUANTITY]][[%|UNIT]]"
    )
    assert rows_of(out) == [
        ("新增市场主体", "1.2万户"),
        ("中期评估项目有效实施率", "860个"),
        ("中期评估项目有效实施率", "93.4%"),
    ]


def test_count_before_noun_after_deng_with_orgs():
    (rec,) = records("打造[[甲公司|ORG]]、[[乙公司|ORG]]等[[5|QUANTITY]][[家|UNIT]][[链主企业|INDICATOR]]")
    assert (rec.indicator, rec.base_value, rec.org) == ("链主企业", 5, "甲公司、乙公司")


def test_count_before_noun_variants():
    assert rows("[[90|QUANTITY]][[%|UNIT]]的[[行政村|INDICATOR]]通了油路") == [("行政村", "90%")]
    assert rows("[[10|QUANTITY]][[大类|UNIT]][[52|QUANTITY]][[项|UNIT]][[民生实事|INDICATOR]]全部完成") == [
        ("民生实事", "10大类"),
        ("民生实事", "52项"),
    ]
    assert rows("[[9|QUANTITY]][[家|UNIT]]、[[8|QUANTITY]][[家|UNIT]][[企业|INDICATOR]]分别入围榜单") == [
        ("企业", "9家"),
        ("企业", "8家"),
    ]
    assert rows(
        "[[50|QUANTITY]][[件|UNIT]][[人大代表建议|INDICATOR]]和[[69|QUANTITY]][[件|UNIT]][[政协|ORG]][[提案|INDICATOR]]"
    ) == [
        ("人大代表建议", "50件"),
        ("提案", "69件"),
    ]
    (rec,) = records("新增[[8|QUANTITY]][[家|UNIT]]以上[[龙头企业|INDICATOR]]")
    assert (rec.indicator, rec.qualifier) == ("龙头企业", "以上")


def test_n_da_x_without_unit():
    assert rows("实施[[8|QUANTITY]]大[[工程|INDICATOR]]") == [("工程", "8")]


# -- thresholds and values before their indicator -------------------------------------------------


def test_threshold_before_a_noun_gets_no_indicator():
    out = records("[[亿|QUANTITY]][[元|UNIT]]以上[[产业项目新签约|INDICATOR]][[60|QUANTITY]][[个|UNIT]]")
    assert [(r.indicator, r.base_value, r.qualifier) for r in out] == [
        (None, 1e8, "以上"),
        ("产业项目新签约", 60, ""),
    ]
    out = records("新签约超[[亿|QUANTITY]][[元|UNIT]][[项目|INDICATOR]][[100|QUANTITY]][[个|UNIT]]")
    assert rows_of(out) == [(None, "亿元"), ("项目", "100个")]


def test_threshold_after_its_measure_is_kept_with_it():
    out = records("新上[[投资|INDICATOR]][[千|QUANTITY]][[万元|UNIT]]以上[[项目|INDICATOR]][[107|QUANTITY]][[个|UNIT]]")
    assert [(r.indicator, r.base_value, r.qualifier) for r in out] == [("投资", 1e7, "以上"), ("项目", 107, "")]


def test_value_before_its_indicator_in_the_clause():
    assert rows("[[12.5|QUANTITY]][[万人|UNIT]]实现[[脱贫|INDICATOR]]") == [("脱贫", "12.5万人")]
    out = records("近[[6|QUANTITY]][[万名|UNIT]][[65|QUANTITY]][[岁|UNIT]]以上[[老年人|INDICATOR]]享受补贴")
    assert [(r.indicator, r.base_value, r.qualifier) for r in out] == [("老年人", 60_000, "近"), (None, 65, "以上")]


# -- ranges, targets, qualifiers --------------------------------------------------------------------


def test_target_sentence_with_ranges():
    out = records(
        "今年主要预期目标是：[[地区生产总值|INDICATOR]]增长[[6.0|QUANTITY]][[%|UNIT]]—[[7.0|QUANTITY]][[%|UNIT]]；"
        "[[城镇新增就业|INDICATOR]][[1|QUANTITY]]—[[2|QUANTITY]][[万人|UNIT]]；"
        "[[居民消费价格涨幅|INDICATOR]][[3|QUANTITY]][[%|UNIT]]左右。"
    )
    gdp, jobs, cpi = out
    assert (gdp.value_text, gdp.value, gdp.value_high, gdp.kind, gdp.target) == (
        "6.0%—7.0%",
        6.0,
        7.0,
        Kind.GROWTH,
        True,
    )
    assert (jobs.value_text, jobs.base_value, jobs.base_high, jobs.base_unit) == ("1—2万人", 10_000, 20_000, "人")
    assert (cpi.kind, cpi.qualifier, cpi.target) == (Kind.GROWTH, "左右", True)


def test_range_needs_matching_units():
    out = records("[[外贸进出口总额|INDICATOR]]下降[[5|QUANTITY]][[%|UNIT]]至[[100|QUANTITY]][[亿美元|UNIT]]")
    assert [(r.value_text, r.base_value, r.base_high, r.kind) for r in out] == [
        ("5%", -5, None, Kind.GROWTH),
        ("100亿美元", 1e10, None, Kind.LEVEL),
    ]


def test_qualifiers_around_values():
    out = records(
        "[[新造(更新)林|INDICATOR]]约[[1.2|QUANTITY]][[万亩|UNIT]]，引进[[人才|INDICATOR]][[50|QUANTITY]]余[[名|UNIT]]，"
        "[[服务企业|INDICATOR]][[10|QUANTITY]][[万余个|UNIT]]，[[粮食产量|INDICATOR]]稳定在[[九十|QUANTITY]][[万吨|UNIT]]以上，"
        "[[帮扶集团资金|INDICATOR]][[9200|QUANTITY]]余[[万元|UNIT]]"
    )
    assert [(r.indicator, r.base_value, r.base_unit, r.qualifier) for r in out] == [
        ("新造(更新)林", 12_000, "亩", "约"),
        ("人才", 50, "名", "余"),
        ("服务企业", 100_000, "个", "余"),
        ("粮食产量", 900_000, "吨", "以上"),
        ("帮扶集团资金", 92_000_000, "元", "余"),
    ]
    assert [r.value_text for r in out][1] == "50余名"


# -- ORG ---------------------------------------------------------------------------------------------


def test_org_of_the_list_item():
    out = records(
        "[[新建学校|INDICATOR]][[5|QUANTITY]][[所|UNIT]]（牵头单位：[[区教育局|ORG]]）；"
        "新增[[床位|INDICATOR]][[500|QUANTITY]][[张|UNIT]]（牵头单位：[[区卫健局|ORG]]、[[区人民医院|ORG]]）"
    )
    assert [(r.indicator, r.org) for r in out] == [("新建学校", "区教育局"), ("床位", "区卫健局、区人民医院")]


def test_org_of_the_sentence_when_the_item_has_none():
    out = records(
        "在[[区委|ORG]]的坚强领导下；[[地区生产总值|INDICATOR]][[717.11|QUANTITY]][[亿元|UNIT]]；"
        "[[新增床位|INDICATOR]][[500|QUANTITY]][[张|UNIT]]（牵头单位：[[区卫健局|ORG]]）"
    )
    assert [r.org for r in out] == ["区委", "区卫健局"]


def test_org_in_the_same_sentence_is_attached():
    (rec,) = records("[[区人民医院|ORG]]新院区投入使用，新增[[床位|INDICATOR]][[500|QUANTITY]][[张|UNIT]]。")
    assert rec.org == "区人民医院"
    (rec,) = records("新增[[床位|INDICATOR]][[500|QUANTITY]][[张|UNIT]]。")
    assert rec.org is None


# -- no indicator -------------------------------------------------------------------------------------


def test_quantity_without_indicator():
    (rec,) = records("实现[[100|QUANTITY]][[%|UNIT]]全覆盖。")
    assert (rec.indicator, rec.indicator_start, rec.indicator_end) == (None, None, None)
    assert (rec.value_text, rec.base_value, rec.base_unit, rec.kind) == ("100%", 100, "%", Kind.SHARE)


def test_unrelated_value_in_a_later_clause_stays_alone():
    out = records("建成[[12|QUANTITY]][[个|UNIT]][[社区食堂|INDICATOR]]，服务老人[[3000|QUANTITY]][[人次|UNIT]]。")
    assert rows_of(out) == [("社区食堂", "12个"), (None, "3000人次")]


def test_measure_of_an_earlier_clause():
    out = records("[[学前教育普及率|INDICATOR]]不断提升，实现[[100|QUANTITY]][[%|UNIT]]全覆盖。")
    assert rows_of(out) == [("学前教育普及率", "100%")]


def test_no_values_no_records():
    assert records("我们坚持稳中求进工作总基调，推动[[高质量发展|INDICATOR]]。") == []
    assert link("", []) == []


# -- input handling and invariants --------------------------------------------------------------------


def test_spans_in_any_order_and_duplicates():
    text, spans = parse_markup("[[地区生产总值|INDICATOR]][[717.11|QUANTITY]][[亿元|UNIT]]")
    assert link(text, reversed(spans + spans)) == link(text, spans)


def test_unit_without_quantity_is_ignored():
    text = "地区生产总值亿元"
    assert link(text, [Span(0, 6, "INDICATOR"), Span(6, 8, "UNIT")]) == []


def test_offsets_point_into_the_sentence():
    text, spans = parse_markup(
        "全年[[地区生产总值|INDICATOR]][[717.11|QUANTITY]][[亿元|UNIT]]，增长[[6.0|QUANTITY]][[%|UNIT]]—[[7.0|QUANTITY]][[%|UNIT]]"
    )
    for rec in link(text, spans):
        assert text[rec.value_start : rec.value_end] == rec.value_text
        assert text[rec.indicator_start : rec.indicator_end] == rec.indicator


NAMES = ["地区生产总值", "一般公共预算收入", "社区食堂", "森林覆盖率"]
NUMBERS = ["717.11", "12", "两千三百", "５．１", "百", "1,068"]
UNITS = ["亿元", "个", "%", "万余个", "个百分点", "倍", ""]
GLUE = ["", "，", "、", "增长", "下降", "分别", "约", "以上", "的", "；", "（牵头单位：", "）", "—"]


@st.composite
def marked_sentences(draw):
    parts = []
    for _ in range(draw(st.integers(1, 8))):
        choice = draw(st.sampled_from(["indicator", "value", "org", "glue"]))
        if choice == "indicator":
            parts.append(f"[[{draw(st.sampled_from(NAMES))}|INDICATOR]]")
        elif choice == "org":
            parts.append("[[区教育局|ORG]]")
        elif choice == "value":
            parts.append(f"[[{draw(st.sampled_from(NUMBERS))}|QUANTITY]]")
            unit = draw(st.sampled_from(UNITS))
            if unit:
                parts.append(f"[[{unit}|UNIT]]")
        parts.append(draw(st.sampled_from(GLUE)))
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(marked_sentences())
def test_every_quantity_lands_in_a_record(marked):
    text, spans = parse_markup(marked)
    out = link(text, spans)
    quantities = [s for s in spans if s.label == "QUANTITY"]
    for q in quantities:
        assert any(r.value_start <= q.start and q.end <= r.value_end for r in out)
    for rec in out:
        assert text[rec.value_start : rec.value_end] == rec.value_text
        if rec.indicator is not None:
            assert text[rec.indicator_start : rec.indicator_end] == rec.indicator
        assert rec.value is not None and rec.base_value is not None
        assert isinstance(rec.kind, Kind)


@pytest.mark.parametrize("marked", ["[[12|QUANTITY]]", "[[12|QUANTITY]][[个|UNIT]]", "[[12|QUANTITY]]余"])
def test_lone_values(marked):
    (rec,) = records(marked)
    assert rec.indicator is None and rec.base_value == 12

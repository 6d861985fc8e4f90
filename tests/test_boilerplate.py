"""Records from boilerplate (page and forum furniture, dates and clock times, list numbers,
footnote markers) are left out of the records output; the report's own values are kept."""

import pytest
from markup import parse_markup

from govner.data.spans import Span
from govner.records.boilerplate import boilerplate_reason
from govner.records.linker import link
from govner.records.output import document_records


def records(marked, keep_boilerplate=False):
    text, spans = parse_markup(marked)
    return [(r.indicator, r.value_text) for _, _, r in document_records(text, spans, keep_boilerplate)]


@pytest.mark.parametrize(
    ("marked", "reason"),
    [
        ("签到天数: [[808|QUANTITY]] [[天|UNIT]]", "furniture"),  # the forum furniture of issue 17
        ("时间：2023-01-24 作者：中国县域 来源：政府官网 阅读：[[705|QUANTITY]]", "furniture"),
        ("[[705|QUANTITY]]", "furniture"),  # a line holding nothing but a number (阅读：\n705)
        ("第 [[3|QUANTITY]] 页", "furniture"),
        ("发表于 [[2023|QUANTITY]]-1-5", "furniture"),
        ("通过[[2018|QUANTITY]]至2020年三年时间", "date/time"),  # a year before a range
        ("新闻稿 2023-[[01|QUANTITY]]-05 发布", "date/time"),  # a date split into numbers
        ("会议于上午[[10|QUANTITY]]:30开幕", "date/time"),  # a clock time
        ("[[2023|QUANTITY]][[年|UNIT]]政府工作报告", "date/time"),  # a year alone
        ("[[38|QUANTITY]]. 加快建设现代化产业体系", "list number"),
        ("[[22|QUANTITY]]、推进乡村全面振兴", "list number"),
        ("[[37.三|QUANTITY]][[个|UNIT]]走在前：习近平总书记……", "list number"),  # a list number joined to the value
        ("深入开展“三送三解三优”［[[4|QUANTITY]]］行动", "list number"),  # a footnote marker
        ("（[[2|QUANTITY]]）推进新型城镇化", "list number"),
    ],
)
def test_boilerplate_records_are_left_out(marked, reason):
    text, spans = parse_markup(marked)
    kept = records(marked, keep_boilerplate=True)
    assert len(kept) == 1, kept  # the linker makes the record ...
    assert records(marked) == []  # ... and the records output leaves it out
    (record,) = link(text, spans)
    assert boilerplate_reason(text, record) == reason


@pytest.mark.parametrize(
    "marked",
    [
        "全年[[地区生产总值|INDICATOR]][[717.11|QUANTITY]][[亿元|UNIT]]，增长[[3.0|QUANTITY]][[%|UNIT]]。",
        "连续[[14|QUANTITY]][[年|UNIT]]保持命案全破。",  # a duration, not a year
        "[[2000|QUANTITY]][[名|UNIT]][[志愿者|INDICATOR]]参加服务。",  # 2000 with a unit: a count
        "[[3|QUANTITY]][[家|UNIT]][[企业|INDICATOR]]入选。",  # a count at the start of a line
        "[[38.5|QUANTITY]][[%|UNIT]]的[[行政村|INDICATOR]]完成改造。",  # a decimal is no list number
        "[[城镇新增就业|INDICATOR]][[2015|QUANTITY]][[人|UNIT]]。",  # 2015 people, not the year 2015
        "[[老字号企业|INDICATOR]]达到[[12|QUANTITY]][[家|UNIT]]。",  # 字号 without a colon is no field
        "[[完成率|INDICATOR]]（[[100|QUANTITY]][[%|UNIT]]）",  # a bracketed value with its unit
    ],
)
def test_values_of_the_report_are_kept(marked):
    assert records(marked) == records(marked, keep_boilerplate=True) != []


def test_only_the_boilerplate_value_of_a_line_is_left_out():
    marked = (
        "[[38|QUANTITY]]. 新建[[中小学|INDICATOR]][[12|QUANTITY]][[所|UNIT]]，[[3|QUANTITY]]月[[15|QUANTITY]]日开工。"
    )
    assert records(marked) == [("中小学", "12所")]


def test_offsets_are_read_in_the_sentence():
    text = "前言。签到天数: 808 天"
    spans = [Span(text.index("808"), text.index("808") + 3, "QUANTITY")]
    assert list(document_records(text, spans)) == []


@pytest.mark.parametrize(
    "marked",
    [
        "[[三次产业比例|INDICATOR]]调整到[[20|QUANTITY]]:[[50|QUANTITY]]:[[30|QUANTITY]]",  # a ratio, not 20:50
        "完成[[2000|QUANTITY]][[人次培训计划|INDICATOR]]。",  # a bare 2000 that is a count
        "[[三次产业比例|INDICATOR]]由[[19．3|QUANTITY]]：[[48．9|QUANTITY]]：[[31．8|QUANTITY]]调整",  # full-width
    ],
)
def test_ratios_and_bare_counts_that_look_like_times_or_years_are_kept(marked):
    assert records(marked) == records(marked, keep_boilerplate=True) != []

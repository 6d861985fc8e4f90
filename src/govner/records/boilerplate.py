"""Records no analyst wants: values that are page or forum furniture, dates and clock times, list
numbers and footnote markers (annotations/GUIDELINES.md, convention 9, D17, D65). The model is
trained not to tag them, but when it does, :func:`boilerplate_reason` says why the record is
dropped. Every rule looks at the value's place in its sentence, never at the indicator."""

from __future__ import annotations

import re

from govner.records.schema import Record

__all__ = ["boilerplate_reason"]

# Page and forum metadata fields, as scraped reports carry them: 签到天数: 808 天, 时间：2023-01-24,
# 阅读：705. A value right after one (only separators, digits and date characters between) is furniture.
_FIELDS = (
    "签到天数", "连续签到", "累计签到", "在线时间", "注册时间", "最后登录", "发帖数", "帖子", "主题数", "回帖", "积分",
    "金币", "威望", "精华", "阅读", "阅读数", "阅读量", "浏览", "浏览次数", "浏览量", "点击", "点击数", "点击量",
    "访问量", "评论", "回复", "收藏", "分享", "点赞", "字号", "时间", "日期", "发布时间", "发布日期", "发文时间",
    "更新时间", "成文日期", "来源", "作者", "编辑", "责任编辑", "网站标识码", "索引号", "文号", "发文字号", "楼主",
)  # fmt: skip
_FIELD_BEFORE = re.compile(
    r"(?:(?:" + "|".join(sorted(_FIELDS, key=len, reverse=True)) + r")\s*[:：]|发表于)[\s\d:：\-/.年月日时分秒]*$"
)
# Dates and clock times, whose parts a tagger may take for numbers: 2023-01-24, 2023年1月5日, 10:30.
_DATE_TIME = re.compile(
    r"\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}"
    r"|\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?"
    r"|\d{1,2}\s*月\s*\d{1,2}\s*[日号]"
    r"|(?<![\d.．:：])(?:[01]?\d|2[0-3])\s*[:：]\s*[0-5]\d(?![\d.．:：])"  # 10:30, not the ratio 20:50:30
    r"|\d{1,2}\s*[时点]\s*\d{1,2}\s*分"
)
_YEAR = re.compile(r"(?:19|20)\d{2}")
# After a year: 年, or a dash to another year (2019—2020雪季); a bare 2000 may be a count (2000人次).
_AFTER_YEAR = re.compile(r"\s*(?:年|(?:—{1,2}|–|-|－|~|～|至|到)\s*(?:19|20)\d{2})")
_OPEN = frozenset("[［【(（")
_CLOSE = frozenset("]］】)）")
_LIST_NUMBER = re.compile(r"\d{1,3}\s*[.．、](?!\d)")  # 38. / 22、 (not 38.5)
_PAGE = re.compile(r"[第共]\s*$")  # 第 3 页, 共 12 页


def boilerplate_reason(sentence: str, record: Record) -> str | None:
    """Why ``record`` (offsets into ``sentence``) is boilerplate — ``"furniture"``, ``"date/time"``
    or ``"list number"`` — or ``None`` for a value of the report's text."""
    start, end = record.value_start, record.value_end
    before, after = sentence[:start], sentence[end:]
    line_before = before.rsplit("\n", 1)[-1]
    if _FIELD_BEFORE.search(line_before):
        return "furniture"
    if _PAGE.search(line_before) and (record.unit == "页" or after.lstrip().startswith("页")):
        return "furniture"
    if not record.unit and not line_before.strip(" \t-—–") and not after.split("\n", 1)[0].strip(" \t-—–"):
        return "furniture"  # a line holding nothing but a number: a page number, a counter
    if any(m.start() < end and start < m.end() for m in _DATE_TIME.finditer(sentence)):
        return "date/time"
    if _YEAR.fullmatch(record.value_text.rstrip("年").strip()) and (
        record.unit == "年" or (not record.unit and _AFTER_YEAR.match(after))
    ):
        return "date/time"  # a year: 2023年, 2018至2020年
    at_line_start = line_before.strip() == "" or (len(line_before.strip()) == 1 and line_before.strip() in _OPEN)
    if at_line_start and _LIST_NUMBER.match(sentence, start):
        return "list number"  # 38. …, 22、…, and 37.三个 (a list number joined to the value after it)
    stripped = line_before.rstrip()
    if not record.unit and stripped[-1:] in _OPEN and stripped and after.lstrip()[:1] in _CLOSE and after.strip():
        return "list number"  # a footnote marker or a bracketed list number: [4], （2）
    return None

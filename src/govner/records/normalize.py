"""Normalize a QUANTITY (+ UNIT) pair and the text around it into a comparable value.

    717.11 + 亿元            → 71,711,000,000 元, level
    增长 + 3.0 + %           → 3.0 %, growth
    下降 + 0.5 + 个百分点     → -0.5 个百分点, percentage_points
    10 + 万余个              → 100,000 个, qualifier 余
    6.0 + % — 7.0 + %        → a range 6.0 … 7.0 %

Numerals are read with cn2an (Chinese, mixed such as 1.2万 or 一亿四千万); Arabic digits
(full-width too) are read exactly with :class:`~decimal.Decimal`, so folding a magnitude
never adds float noise.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

import cn2an

__all__ = [
    "Kind",
    "UnitParts",
    "Value",
    "change_sign",
    "classify",
    "is_target",
    "normalize",
    "parse_number",
    "qualifiers",
    "split_unit",
    "target_cues",
]


class Kind(StrEnum):
    """What a value says about its indicator."""

    LEVEL = "level"  # an amount or a count: 717.11亿元, 12个
    GROWTH = "growth"  # a change, signed: 增长3.0%, 减少20亿元
    SHARE = "share"  # a share or rate in % / ‰ that is not a change: 森林覆盖率62.3%
    PERCENTAGE_POINTS = "percentage_points"  # 个百分点, signed when it is a change
    MULTIPLE = "multiple"  # 倍 / 番


MAGNITUDES: dict[str, int] = {"十": 10, "百": 100, "千": 1_000, "万": 10_000, "亿": 100_000_000}
# Units that begin with a magnitude character but are units in their own right.
_WHOLE_UNITS = ("千瓦时", "千瓦", "千米", "千克", "千伏安", "千伏", "千帕", "千卡", "千兆", "百分点")
_UNIT_HEDGES = "余多"
# Base units that are rescaled or renamed: unit → (factor, base unit).
_SPECIAL_UNITS: dict[str, tuple[int, str]] = {"成": (10, "%"), "百分点": (1, "个百分点")}
_PERCENT_UNITS = ("%", "‰")
_MULTIPLE_UNITS = ("倍", "番")

# Hedges, longest first so that 超过 wins over 超.
_PRE_HEDGES = (
    "不少于",
    "不低于",
    "不超过",
    "不高于",
    "不足",
    "不到",
    "超过",
    "将近",
    "接近",
    "大约",
    "约",
    "逾",
    "超",
    "近",
)
_POST_HEDGES = ("及以上", "以上", "以下", "以内", "左右", "之多", "余", "多")

_UP = ("增长", "增加", "提高", "上升", "上涨", "提升", "扩大", "回升", "多增", "多出", "超出", "前移", "翻")
_DOWN = ("负增长", "下降", "减少", "降低", "回落", "下滑", "下跌", "缩减", "压减", "缩小", "后移")
_RATE_NOUNS_UP = ("增幅", "增速", "涨幅")
_RATE_NOUNS_DOWN = ("降幅", "减幅")
_RATE_NAMES_UP = ("增幅", "增速", "涨幅", "增长率", "增长速度")
_RATE_NAMES_DOWN = ("降幅", "减幅", "下降率")
# 增 / 降 / 减 on their own only after a comparison word (同比增5%); 新增 is a name, not a change.
_BARE = r"(?:同比|比上年|较上年|比去年|较去年|年均)(?P<bare>增|降|减)"
_FILL = r"(?:了|分别|达到|高达|达|为|是|到|至|" + "|".join(_PRE_HEDGES) + r"|\s)*"
_CHANGE = re.compile(
    r"(?P<word>" + "|".join(_DOWN + _UP + _RATE_NOUNS_UP + _RATE_NOUNS_DOWN) + r"|" + _BARE + r")"
    r"(?P<fill>" + _FILL + r")$"
)
_REACHED = re.compile(r"到|至|为")  # 提高到62.3%: the level reached, not the change
_TARGET = re.compile(r"今年(?!以来)|明年|预期|目标|力争|争取|确保")
_MINUS = "-−－﹣"


@dataclass(frozen=True)
class UnitParts:
    """A UNIT split into magnitude, hedge and base unit: 万余个 → 10000, 余, 个."""

    magnitude: int = 1
    base: str = ""
    hedge: str = ""


@dataclass(frozen=True)
class Value:
    """A normalized value. For a range, ``number``/``base_value`` hold the low end and
    ``number_high``/``base_high`` the high end. ``number`` and ``base_value`` are ``None``
    when the numeral cannot be read (数十, 几)."""

    text: str
    number: float | None  # as written, magnitude in the QUANTITY folded (一亿四千万), signed
    unit: str  # as written
    base_value: float | None  # number × magnitude of the unit, in base_unit, signed
    base_unit: str  # 元, 亩, 个, %, 个百分点, 倍, or "" for a bare number
    kind: Kind
    target: bool = False
    qualifier: str = ""  # hedges joined by 、 in reading order: 约, 余, 以上, …
    number_high: float | None = None
    base_high: float | None = None

    @property
    def is_range(self) -> bool:
        return self.base_high is not None

    @property
    def low(self) -> float | None:
        return self.base_value

    @property
    def high(self) -> float | None:
        return self.base_high if self.base_high is not None else self.base_value


def _clean(text: str) -> str:
    """NFKC (full-width digits and ％), no thousands separators, 19·5 → 19.5."""
    s = unicodedata.normalize("NFKC", text).strip()
    s = re.sub(r"(?<=\d),(?=\d)", "", s)
    return re.sub(r"(?<=\d)[·•](?=\d)", ".", s)


def _read(text: str) -> Decimal:
    """One plain numeral (no sign, no fraction) as a Decimal."""
    if re.fullmatch(r"\d+(?:\.\d+)?|\.\d+", text):
        return Decimal(text)
    if re.fullmatch(r"[十百千万亿]+", text):  # a bare magnitude: 突破百亿 → 百
        text = "一" + text
    if text in ("半", "一半"):
        return Decimal("0.5")
    try:
        return Decimal(str(cn2an.cn2an(text, "smart")))
    except (ValueError, KeyError, IndexError, InvalidOperation) as err:
        # cn2an reads 1.2万 but not 2.3万亿: fold trailing magnitudes by hand.
        m = re.fullmatch(r"(\d+(?:\.\d+)?)([十百千万亿]+)", text)
        if m:
            return Decimal(m.group(1)) * _magnitude(m.group(2))
        raise ValueError(f"not a number: {text!r}") from err


def _magnitude(chars: str) -> int:
    out = 1
    for ch in chars:
        out *= MAGNITUDES[ch]
    return out


def _quantity(text: str) -> tuple[Decimal, Decimal, str]:
    """``(number, factor to the base unit, implied base unit)`` of a QUANTITY.

    百分之七十 → (70, 1, "%"); 三分之一 and 1/4 → (1/3, 100, "%"); 717.11 → (717.11, 1, "").
    """
    s = _clean(text)
    sign = 1
    if s and s[0] in _MINUS + "+":
        sign = -1 if s[0] in _MINUS else 1
        s = s[1:].strip()
    if not s:
        raise ValueError(f"not a number: {text!r}")
    if m := re.fullmatch(r"百分之(.+)", s):
        return sign * _read(m.group(1)), Decimal(1), "%"
    if m := re.fullmatch(r"千分之(.+)", s):
        return sign * _read(m.group(1)), Decimal(1), "‰"
    if m := re.fullmatch(r"(.+)分之(.+)", s):
        return sign * _read(m.group(2)) / _read(m.group(1)), Decimal(100), "%"
    if m := re.fullmatch(r"(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)", s):
        return sign * Decimal(m.group(1)) / Decimal(m.group(2)), Decimal(100), "%"
    if s in ("半", "一半"):
        return sign * Decimal("0.5"), Decimal(100), "%"
    return sign * _read(s), Decimal(1), ""


def parse_number(text: str) -> float:
    """The number a QUANTITY writes: ``"1,068"`` → 1068, ``"５．１"`` → 5.1, ``"两千三百"`` →
    2300, ``"一亿四千万"`` → 1.4e8, ``"1.2万"`` → 12000, ``"百分之七十"`` → 70,
    ``"三分之一"`` → 0.333…. Raises ``ValueError`` for what is not a number."""
    number, _, _ = _quantity(text)
    return float(number)


def split_unit(unit: str) -> UnitParts:
    """``"亿元"`` → (1e8, 元); ``"万余个"`` → (1e4, 个, 余); ``"万千瓦"`` → (1e4, 千瓦);
    ``"万"`` → (1e4, ""); ``"％"`` → (1, %)."""
    s = unit.replace("％", "%").strip()
    magnitude, hedge = 1, ""
    while s and not s.startswith(_WHOLE_UNITS):
        if s[0] in MAGNITUDES:
            magnitude *= MAGNITUDES[s[0]]
        elif s[0] in _UNIT_HEDGES and len(s) > 1:
            hedge += s[0]
        else:
            break
        s = s[1:]
    return UnitParts(magnitude, s, hedge)


def change_sign(before: str) -> tuple[int, bool]:
    """``(sign, reached)`` of the change word that governs the number after ``before``:
    (1, False) for 增长, (-1, False) for 下降, (±1, True) for 提高到 / 降至 (a level reached),
    (0, False) when there is none."""
    m = _CHANGE.search(before)
    if not m:
        return 0, False
    word = m.group("word")
    down = word in _DOWN or word in _RATE_NOUNS_DOWN or m.group("bare") in ("降", "减")
    is_noun = word in _RATE_NOUNS_UP or word in _RATE_NOUNS_DOWN
    reached = not is_noun and bool(_REACHED.search(m.group("fill")))
    return (-1 if down else 1), reached


def classify(before: str, base_unit: str, indicator: str = "") -> tuple[Kind, int]:
    """The kind of a value and the sign to apply (+1 / -1) from the clause text before it, or
    from the indicator's name when that is itself a rate of change (居民消费价格涨幅3%)."""
    sign, reached = change_sign(before)
    if not sign and indicator.endswith(_RATE_NAMES_UP + _RATE_NAMES_DOWN):
        sign = -1 if indicator.endswith(_RATE_NAMES_DOWN) else 1
    changing = sign != 0 and not reached
    if base_unit in ("个百分点",):
        kind = Kind.PERCENTAGE_POINTS
    elif base_unit in _MULTIPLE_UNITS:
        kind = Kind.MULTIPLE
    elif changing:
        kind = Kind.GROWTH
    elif base_unit in _PERCENT_UNITS:
        kind = Kind.SHARE
    else:
        kind = Kind.LEVEL
    return kind, (-1 if changing and sign < 0 else 1)


def qualifiers(before: str = "", between: str = "", unit_hedge: str = "", after: str = "") -> str:
    """The hedges around a value, in reading order, joined by 、: 约 / 超过 before the number,
    余 / 多 between number and unit or inside the unit, 以上 / 左右 / 以内 after it."""
    found: list[str] = []
    pre = before.rstrip()
    for hedge in _PRE_HEDGES:
        if pre.endswith(hedge) and not (hedge == "近" and re.search(r"[最附邻靠]近$", pre)):
            found.append(hedge)
            break
    found.extend(ch for ch in between + unit_hedge if ch in _UNIT_HEDGES)
    post = after.lstrip()
    for hedge in _POST_HEDGES:
        if post.startswith(hedge):
            found.append(hedge)
            break
    return "、".join(found)


def target_cues(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each target cue in ``text`` (今年, 明年, 预期, 目标, 力争, 争取, 确保)."""
    return [m.span() for m in _TARGET.finditer(text)]


def is_target(context: str, after: str = "") -> bool:
    """Whether the value is a target: a cue (今年, 明年, 预期, 目标, 力争, 争取, 确保) in the
    text before it, or 左右 right after it."""
    return bool(_TARGET.search(context)) or after.lstrip().startswith("左右")


def _float(number: Decimal | None) -> float | None:
    return None if number is None else float(number)


def _minus_before(before: str) -> bool:
    """A minus sign written just outside the QUANTITY span (增长-3.8%), not a range dash."""
    s = before.rstrip()
    return bool(s) and s[-1] in _MINUS and (len(s) == 1 or not re.match(r"[\d%％‰十百千万亿A-Za-z]", s[-2]))


def _one(quantity: str, parts: UnitParts) -> tuple[Decimal | None, Decimal | None, str]:
    """``(number, base value unsigned by context, base unit)`` of one end of a value."""
    try:
        number, factor, implied = _quantity(quantity)
    except ValueError:
        number, factor, implied = None, Decimal(1), ""
    base_unit = implied or parts.base
    factor *= parts.magnitude
    if not implied and parts.base in _SPECIAL_UNITS:
        extra, base_unit = _SPECIAL_UNITS[parts.base]
        factor *= extra
    base = None if number is None else number * factor
    return number, base, base_unit


def _surface(quantity: str, between: str, unit: str, high_quantity: str | None, high_unit: str) -> str:
    low = quantity + between + unit
    return low if high_quantity is None else f"{low}—{high_quantity}{high_unit}"


def normalize(
    quantity: str,
    unit: str = "",
    *,
    before: str = "",
    between: str = "",
    after: str = "",
    context: str = "",
    indicator: str = "",
    high_quantity: str | None = None,
    high_unit: str = "",
    text: str | None = None,
) -> Value:
    """Normalize one value.

    ``before``: clause text before the number (change words, hedges: ``"同比增长约"``);
    ``between``: text between QUANTITY and UNIT (the 余 of 88余万元); ``after``: text after
    the unit (以上, 左右); ``context``: wider text before the value that may hold a target cue
    (the sentence so far); ``indicator``: the name of the measure, when known (a rate of
    change such as 居民消费价格涨幅 makes its % a growth). For a range (6.0%—7.0%, 1—2个) pass the high end as
    ``high_quantity``/``high_unit``; a low end written without its unit takes the high end's.
    ``text`` is the surface kept in the value (default: quantity + between + unit, and
    ``—`` + the high end for a range).
    """
    high_parts = split_unit(high_unit) if high_quantity is not None else None
    parts = split_unit(unit)
    if high_parts is not None and not parts.base and high_parts.base:
        # 1—2个, 3—5万元: the low end is read in the high end's unit (3万—5万元 keeps its 万)
        parts = UnitParts(parts.magnitude if unit else high_parts.magnitude, high_parts.base, parts.hedge)
    number, base, base_unit = _one(quantity, parts)
    kind, sign = classify(before, base_unit, indicator)
    if number is not None and sign < 0:
        number, base = -abs(number), -abs(base)  # 下降3% → -3
    elif number is not None and _minus_before(before):
        number, base = -number, -base

    number_high = base_high = None
    if high_quantity is not None and high_parts is not None:
        n_high, b_high, _ = _one(high_quantity, high_parts)
        if n_high is not None and sign < 0:
            n_high, b_high = -abs(n_high), -abs(b_high)
        if n_high is not None and number is not None and b_high < base:
            (number, base), (n_high, b_high) = (n_high, b_high), (number, base)
        number_high, base_high = _float(n_high), _float(b_high)

    hedge = parts.hedge + (high_parts.hedge if high_parts else "")
    return Value(
        text=text if text is not None else _surface(quantity, between, unit, high_quantity, high_unit),
        number=_float(number),
        unit=unit or (high_unit if high_quantity is not None else ""),
        base_value=_float(base),
        base_unit=base_unit,
        kind=kind,
        target=is_target(context + before, after),
        qualifier=qualifiers(before, between, hedge, after),
        number_high=number_high,
        base_high=base_high,
    )

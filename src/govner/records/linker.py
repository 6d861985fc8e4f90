"""Group the entities of one sentence into indicator records.

Each value (a QUANTITY with its UNIT, or a range of two) is linked to the INDICATOR it
measures, by these rules in order:

1. **Coordinated lists** — indicators joined by 、/和/及 and followed in their clause by as
   many values, after 分别 or as a list of values, are paired in order:
   生产安全事故起数、死亡人数分别下降30%、20%. A later clause with no indicator and the same
   number of values continues the pairing (…分别为100亿元、200亿元，增长3%、5%).
2. **Count before the noun** — a value written right before an INDICATOR (or with 的 between)
   counts it: 建成12个社区食堂, 90%的行政村; a count in a classifier may carry 以上 (8家以上企业).
3. **Same clause, before** — the nearest INDICATOR before the value in its clause; several
   values per indicator are allowed (a level and a growth rate). Coordinated indicators that
   share one value make one record (新建中小学、幼儿园12所), or one record each when 均 / 都 /
   各 says the value holds for each (游客人数、旅游收入均增长16%, 绿色工厂和智能工厂各1家;
   not the 均 of 平均 / 人均 / 年均).
4. **Thresholds** — a value followed by 以上/以下/以内 and a noun (亿元以上产业项目,
   80岁以上老人) only restricts the noun: it gets no indicator.
5. **Same clause, after** — the first INDICATOR after the value in its clause, passing over
   thresholds but not over 、: 12.5万人实现脱贫, 近6万名65岁以上老年人.
6. **Earlier clause** (D9) — a change (增长3.0%), a comparison (比一九五二年的五万八千人,
   占全省近四分之三) or a value whose clause holds nothing but reporting words (总量达到…,
   实现100%…) belongs to the latest INDICATOR before it in the sentence:
   全年地区生产总值717.11亿元，增长3.0%.
7. Otherwise the value is kept with no indicator.

A value written without its unit before a list partner that has one takes that unit
(高于全省26.2和17.5个百分点). Every record takes the ORG spans of its list item (the text
between ；), e.g. （牵头单位：区教育局）; when its item names none, those of the items that
hold no QUANTITY. Target cues (今年, 力争, …; see :func:`govner.records.normalize.is_target`) are
read in the sentence before the value, but not inside indicator names (人均预期寿命).
Clauses end at ，；。！？： and line breaks outside spans; 、 joins list items inside a clause.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

from govner.data.spans import Span
from govner.records.normalize import Value, change_sign, normalize, split_unit, target_cues
from govner.records.schema import Record

__all__ = ["Record", "link"]

_CLAUSE_BREAKS = frozenset("，,；;。！？!?：:\n")
_ITEM_BREAKS = frozenset("；;。！？!?\n")
_UNIT_GAP = re.compile(r"[余多]?")  # 88余万元, 50余名, 5000多人
_RANGE_SEP = re.compile(r"\s*(?:—{1,2}|–|-|－|~|～|〜|至|到)\s*")
_COORD = re.compile(r"\s*(?:、|和|及|与|以及|或)\s*")
_VALUE_SEP = re.compile(r"\s*(?:、|和|及|与|以及)\s*")
_BEFORE_NOUN = re.compile(r"[余多]?的?")
_COUNT_BEFORE_NOUN = re.compile(r"[余多]?(?:及以上|以上|左右)?的?")  # 8家以上企业
_PUNCT = frozenset('，,；;。！？!?：:、）)“”"（( \n')
_THRESHOLD = re.compile(r"(?:及)?以[上下内](?![，,；;。！？!?：:、）)\s]|$)")
_OVER = re.compile(r"(?:超过|超|过)$")  # 过亿元项目 (searched in text[:value start])
# Classifiers: a number in one of these counts the noun after it even with 以上 between.
_CLASSIFIERS = frozenset("个家所项座条处名位台套件只头辆艘架部批场类种支张栋间份")
# Words that may stand alone before a value whose measure was named in an earlier clause.
_FILLER_WORDS = (
    r"(?:同比|比上年|较上年|比去年|较去年|年均|分别|总量|总额|总数|总计|合计|共计|规模|数量|累计|全年|实现|完成|"
    r"达到|达|为|突破|共|了|约|超过|超|近|逾|不少于|以上|已经|已|有|要|将|预计|均|都|也|还|、|和|及|\s)*"
)
_FILLER = re.compile(_FILLER_WORDS)
# 均 / 都 / 各 saying a value holds for each indicator; not the 均 of 平均, 人均, 年均 (an average).
_EACH = re.compile(r"(?<![平人年户亩日月])均|都|各")
# A clause that compares with the measure just named: 比一九五二年的五万八千人, 占全省近四分之三.
_COMPARISON = re.compile(_FILLER_WORDS + r"(?:占|比|较|由|从|是|相当于)")


@dataclass(frozen=True)
class _Val:
    """A QUANTITY with its UNIT, or a range of two such."""

    quantity: Span
    unit: Span | None
    high: Span | None = None
    high_unit: Span | None = None
    shared_unit: Span | None = None  # 26.2和17.5个百分点: the unit of the list partner

    @property
    def start(self) -> int:
        return self.quantity.start

    @property
    def end(self) -> int:
        last = self.high_unit or self.high or self.unit or self.quantity
        return last.end


class _Sentence:
    """Clause and item boundaries of one sentence (break characters inside spans ignored)."""

    def __init__(self, text: str, spans: list[Span]) -> None:
        inside = set()
        for s in spans:
            inside.update(range(s.start, s.end))
        self.text = text
        self.clause_breaks = [i for i, ch in enumerate(text) if ch in _CLAUSE_BREAKS and i not in inside]
        self.item_breaks = [i for i, ch in enumerate(text) if ch in _ITEM_BREAKS and i not in inside]

    def clause(self, pos: int) -> int:
        return bisect.bisect_right(self.clause_breaks, pos - 1)

    def clause_start(self, pos: int) -> int:
        k = self.clause(pos)
        return self.clause_breaks[k - 1] + 1 if k else 0

    def clause_end(self, pos: int) -> int:
        k = self.clause(pos)
        return self.clause_breaks[k] if k < len(self.clause_breaks) else len(self.text)

    def item(self, pos: int) -> int:
        return bisect.bisect_right(self.item_breaks, pos - 1)


def _values(text: str, spans: list[Span]) -> list[_Val]:
    """Pair each QUANTITY with the UNIT right after it, then merge ranges (6.0%—7.0%, 1—2个)."""
    pieces: list[_Val] = []
    for i, s in enumerate(spans):
        if s.label != "QUANTITY":
            continue
        nxt = spans[i + 1] if i + 1 < len(spans) else None
        unit = None
        if nxt is not None and nxt.label == "UNIT" and _UNIT_GAP.fullmatch(text[s.end : nxt.start]):
            unit = nxt
        pieces.append(_Val(s, unit))
    merged: list[_Val] = []
    for piece in pieces:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.high is None
            and _RANGE_SEP.fullmatch(text[prev.end : piece.start])
            and _same_unit(text, prev, piece)
        ):
            merged[-1] = _Val(prev.quantity, prev.unit, piece.quantity, piece.unit)
        else:
            merged.append(piece)
    for k, (v, w) in enumerate(zip(merged, merged[1:], strict=False)):
        if v.unit is None and v.high is None and w.unit is not None and _VALUE_SEP.fullmatch(text[v.end : w.start]):
            merged[k] = _Val(v.quantity, None, shared_unit=w.unit)
    for k in range(len(merged) - 2, -1, -1):  # 1、2和3万人: pass the unit back along the list
        v, w = merged[k], merged[k + 1]
        if (
            v.unit is None
            and v.shared_unit is None
            and w.shared_unit is not None
            and _VALUE_SEP.fullmatch(text[v.end : w.start])
        ):
            merged[k] = _Val(v.quantity, None, shared_unit=w.shared_unit)
    return merged


def _same_unit(text: str, low: _Val, high: _Val) -> bool:
    """Whether two values can be the ends of one range: 6.0%—7.0%, 1—2个, 3万—5万元 (and not
    下降5%至100亿美元)."""
    if high.unit is None:
        return low.unit is None
    if low.unit is None:
        return True
    low_base = split_unit(text[low.unit.start : low.unit.end]).base
    return low_base in ("", split_unit(text[high.unit.start : high.unit.end]).base)


class _Linker:
    """The entities of one sentence and the rules that link them (see the module docstring)."""

    def __init__(self, text: str, spans: Iterable[Span]) -> None:
        self.text = text
        self.spans = sorted(set(spans))
        self.sent = _Sentence(text, self.spans)
        self.values = _values(text, self.spans)
        self.indicators = [s for s in self.spans if s.label == "INDICATOR"]
        self.orgs = [s for s in self.spans if s.label == "ORG"]
        # The text before a value, for target cues: a cue inside an indicator's name (人均预期寿命)
        # is no cue; one that a span only cuts into (a predicted INDICATOR 标 of 目标) still is.
        masked = list(text)
        for a, b in target_cues(text):
            if any(s.start <= a and b <= s.end for s in self.indicators):
                masked[a:b] = "_" * (b - a)
        self.context = "".join(masked)
        self.skip = self._skippable()
        self.befores = self._befores()
        self.counts: dict[int, Span] = {}  # value index → the INDICATOR it counts (rule 2)
        for k in range(len(self.values) - 1, -1, -1):
            counted = self._counts_next(k)
            if counted is not None:
                self.counts[k] = counted
        # Where each counted indicator's entry begins (15个省重大项目): for coordination.
        self.lead: dict[Span, int] = {}
        for k, ind in self.counts.items():
            self.lead[ind] = min(self.lead.get(ind, ind.start), self.values[k].start)

    # -- values -------------------------------------------------------------------------
    def _befores(self) -> list[str]:
        """Clause text before each value, back to the previous entity; a value in a list of
        values (…分别增长3%、5%) inherits the text before the first one."""
        out: list[str] = []
        for k, v in enumerate(self.values):
            start = self.sent.clause_start(v.start)
            prev = self.values[k - 1] if k else None
            if prev is not None and prev.end >= start and _VALUE_SEP.fullmatch(self.text[prev.end : v.start]):
                out.append(out[k - 1])
                continue
            start = max([start] + [s.end for s in self.spans if s.end <= v.start])
            out.append(self.text[start : v.start])
        return out

    def normalize(self, k: int, indicator: str = "") -> Value:
        text, v = self.text, self.values[k]
        stop = min([s.start for s in self.spans if s.start >= v.end] + [self.sent.clause_end(v.start)])
        q, u = v.quantity, v.unit or v.shared_unit
        return normalize(
            text[q.start : q.end],
            text[u.start : u.end] if u else "",
            before=self.befores[k],
            between=text[q.end : u.start] if v.unit else "",
            after=text[v.end : stop],
            context=self.context[: v.start],
            indicator=indicator,
            high_quantity=text[v.high.start : v.high.end] if v.high else None,
            high_unit=text[v.high_unit.start : v.high_unit.end] if v.high_unit else "",
            text=text[v.start : v.end],
        )

    def _is_threshold(self, v: _Val) -> bool:
        """Rule 4: 亿元以上产业项目, 80岁以上老人, 过亿元项目 — the value only restricts the
        noun after it."""
        text = self.text
        if _THRESHOLD.match(text, v.end):
            return True
        return bool(_OVER.search(text, 0, v.start)) and v.end < len(text) and text[v.end] not in _PUNCT

    def _skippable(self) -> list[tuple[int, int]]:
        """What may stand between a count and its noun: ORG names and thresholds with their
        hedges (69件政协提案, 6个过亿元项目)."""
        out = [(o.start, o.end) for o in self.orgs]
        for w in self.values:
            if self._is_threshold(w):
                over = _OVER.search(self.text, 0, w.start)
                m = _THRESHOLD.match(self.text, w.end)
                out.append((over.start() if over else w.start, m.end() if m else w.end))
        return out

    def _unit_text(self, v: _Val) -> str:
        u = v.unit or v.shared_unit or v.high_unit
        return self.text[u.start : u.end] if u else ""

    def _next_indicator(self, v: _Val) -> Span | None:
        return next((ind for ind in self.indicators if ind.start >= v.end), None)

    def _counts_next(self, k: int) -> Span | None:
        """Rule 2: the INDICATOR value ``k`` counts when it stands right before it, or right
        before another count of it (10大类52项民生实事, 2800户7700人返贫风险, 9家、8家、11家企业)."""
        text, v = self.text, self.values[k]
        ind = self._next_indicator(v)
        if ind is None or self.sent.clause(ind.start) != self.sent.clause(v.start):
            return None
        if _OVER.search(text, 0, v.start) and self._is_threshold(v):
            return None
        nxt = self.values[k + 1] if k + 1 < len(self.values) else None
        if nxt is not None and self.counts.get(k + 1) is ind:
            gap = text[v.end : nxt.start]
            if not gap or _VALUE_SEP.fullmatch(gap):  # 10大类52项民生实事, 9家、8家、11家企业
                return ind
        skip = [(a, b) for a, b in self.skip if a >= v.end]  # not the value's own 以上
        gap = "".join(ch for i, ch in enumerate(text[v.end : ind.start], v.end) if not any(a <= i < b for a, b in skip))
        unit = split_unit(text[v.unit.start : v.unit.end]).base if v.unit else ""
        pattern = _COUNT_BEFORE_NOUN if unit in _CLASSIFIERS else _BEFORE_NOUN
        return ind if pattern.fullmatch(gap) else None

    # -- indicators ---------------------------------------------------------------------
    def group(self, i: int) -> tuple[Span, ...]:
        """The coordinated run of indicators ending at ``indicators[i]``: 新建中小学、幼儿园;
        15个省重大项目、392个市重大产业项目."""
        inds, j = self.indicators, i
        while j > 0 and _COORD.fullmatch(self.text[inds[j - 1].end : self.lead.get(inds[j], inds[j].start)]):
            j -= 1
        return tuple(inds[j : i + 1])

    def _is_last_of_group(self, i: int) -> bool:
        inds = self.indicators
        if i + 1 >= len(inds):
            return True
        nxt = inds[i + 1]
        return not _COORD.fullmatch(self.text[inds[i].end : self.lead.get(nxt, nxt.start)])

    def pair_lists(self) -> dict[int, tuple[Span, ...]]:
        """Rule 1: coordinated indicators paired in order with a list of as many values."""
        text, sent, values = self.text, self.sent, self.values
        owners: dict[int, tuple[Span, ...]] = {}
        for i, ind in enumerate(self.indicators):
            group = self.group(i)
            if len(group) < 2 or not self._is_last_of_group(i):
                continue
            clause = sent.clause(ind.start)
            nxt = self.indicators[i + 1] if i + 1 < len(self.indicators) else None
            limit = nxt.start if nxt is not None and sent.clause(nxt.start) == clause else sent.clause_end(ind.start)
            mine = [k for k, v in enumerate(values) if ind.end <= v.start and v.end <= limit]
            if len(mine) != len(group) or any(k in self.counts for k in mine):
                continue
            gaps = [text[values[a].end : values[b].start] for a, b in zip(mine, mine[1:], strict=False)]
            if "分别" not in text[ind.end : values[mine[0]].start] and not all(_VALUE_SEP.fullmatch(g) for g in gaps):
                continue
            for k, member in zip(mine, group, strict=True):
                owners[k] = (member,)
            # Later clauses with no indicator and as many values go on pairing.
            later = clause + 1
            while later <= len(sent.clause_breaks):
                if any(sent.clause(s.start) == later for s in self.indicators):
                    break
                ks = [k for k, v in enumerate(values) if sent.clause(v.start) == later]
                if len(ks) != len(group):
                    break
                for k, member in zip(ks, group, strict=True):
                    owners[k] = (member,)
                later += 1
        return owners

    def owner(self, k: int) -> tuple[Span, ...]:
        """Rules 2–7 for value ``k``: the indicator(s) it belongs to, or ``()``."""
        sent, v = self.sent, self.values[k]
        clause = sent.clause(v.start)
        if k in self.counts:
            return (self.counts[k],)
        preceding = [i for i, s in enumerate(self.indicators) if s.end <= v.start and sent.clause(s.start) == clause]
        if preceding:
            return self.group(preceding[-1])
        if self._is_threshold(v):
            return ()
        ind = self._next_indicator(v)
        if ind is not None and sent.clause(ind.start) == clause:
            between = [w for w in self.values if v.end <= w.start and w.end <= ind.start]
            listed = "、" in self.text[v.end : ind.start]  # 8家、绿色工厂: another list item
            if not listed and all(self._is_threshold(w) for w in between):
                return (ind,)
        earlier = [i for i, s in enumerate(self.indicators) if s.end <= v.start]
        if earlier:
            sign, reached = change_sign(self.befores[k])
            lead = self.text[sent.clause_start(v.start) : v.start]
            if (
                (sign and not reached)
                or "百分点" in self._unit_text(v)
                or _FILLER.fullmatch(lead)
                or _COMPARISON.match(lead)
            ):
                return self.group(earlier[-1])
        return ()

    def org(self, k: int) -> str | None:
        """The ORGs of the value's item; else those of the items that hold no value."""
        sent = self.sent
        item = sent.item(self.values[k].start)
        chosen = [o for o in self.orgs if sent.item(o.start) == item]
        if not chosen:
            busy = {sent.item(w.start) for w in self.values}
            chosen = [o for o in self.orgs if sent.item(o.start) not in busy]
        names = list(dict.fromkeys(self.text[o.start : o.end] for o in chosen))
        return "、".join(names) if names else None

    def records(self) -> list[Record]:
        text = self.text
        owners = self.pair_lists()
        out: list[Record] = []
        for k, v in enumerate(self.values):
            if k in owners:
                groups = [owners[k]]
            else:
                group = self.owner(k)
                each = len(group) > 1 and _EACH.search(self.befores[k])
                groups = [(member,) for member in group] if each else [group]
            org = self.org(k)
            for group in groups:
                name = text[group[0].start : group[-1].end] if group else None
                value = self.normalize(k, text[group[-1].start : group[-1].end] if group else "")
                out.append(
                    Record(
                        indicator=name,
                        indicator_start=group[0].start if group else None,
                        indicator_end=group[-1].end if group else None,
                        value_text=value.text,
                        value_start=v.start,
                        value_end=v.end,
                        unit=value.unit,
                        value=value.number,
                        base_value=value.base_value,
                        base_unit=value.base_unit,
                        kind=value.kind,
                        target=value.target,
                        qualifier=value.qualifier,
                        org=org,
                        value_high=value.number_high,
                        base_high=value.base_high,
                    )
                )
        return out


def link(text: str, spans: Iterable[Span]) -> list[Record]:
    """The records of one sentence: ``spans`` are its entities (offsets into ``text``), as
    :class:`govner.data.spans.Span`; one record per (indicator, value), in text order."""
    return _Linker(text, spans).records()

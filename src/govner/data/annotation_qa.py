"""Quality checks an annotation lead runs over the whole gold set.

``errors`` are schema violations (the training validator's errors, spans that start or end
on whitespace or punctuation); ``warnings`` are consistency findings to review, each with
the task it comes from. Statistics per label, corpus folder and report go into
``annotations/README.md``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from govner.data.labelstudio_format import RawTask
from govner.data.spans import Document, Span, touching_same_label
from govner.data.validation import DataValidationError, Problem, validate_tasks
from govner.errors import GovnerError
from govner.files import split_lines

# Punctuation a span may not start or end with (schema), unless its partner is inside the span.
PUNCTUATION = set("，。、；：“”‘’（）《》()！？,.;:!?「」【】[]—…·")
_PAIRS = {"“": "”", "‘": "’", "（": "）", "(": ")", "《": "》", "「": "」", "【": "】", "[": "]"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
# Words the schema keeps outside an INDICATOR.
TIME_WORDS = ("全年", "今年", "去年", "上半年", "下半年", "年末", "年底", "当年")
VERBS = (
    "完成",
    "实现",
    "达到",
    "突破",
    "保持",
    "稳定在",
    "控制在",
    "超过",
    "累计完成",
    "增长",
    "下降",
    "提高",
    "同比",
    "比上年",
)
HEDGES = ("约", "超", "近", "以上", "左右")
_CLAUSE_END = re.compile(r"[，。；：！？,;:!?\n]")
_YEAR = re.compile(r"^(1[89]|20)\d\d$")


@dataclass
class Finding:
    origin: str  # "file.json, task 12"
    check: str
    message: str
    task_id: str = ""
    surface: str = ""  # the span or string the finding is about

    def __str__(self) -> str:
        return f"{self.origin}: {self.check}: {self.message}"

    @property
    def key(self) -> tuple[str, str, str]:
        return self.check, self.task_id, self.surface


@dataclass
class QAReport:
    documents: list[Document]
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)


def check_annotations(tasks: list[RawTask], labels: tuple[str, ...], policy: dict | None = None) -> QAReport:
    try:
        docs, validation = validate_tasks(tasks, labels, policy)
    except DataValidationError as err:
        return QAReport([], errors=[Finding(p.origin, p.kind, p.message) for p in err.problems])
    report = QAReport(docs, skipped=validation.skipped)
    report.warnings += [
        Finding(p.origin, p.kind, p.message, p.origin.rsplit("task ", 1)[-1])
        for p in validation.skipped
        if p.kind == "duplicate_text"
    ]
    for doc in docs:
        for span in doc.spans:
            surface = doc.text[span.start : span.end]
            if _bad_edge(surface):
                message = f"{span.label} {surface!r} starts or ends with whitespace or punctuation"
                report.errors.append(Finding(doc.origin, "span_edge", message, doc.id, surface))
        report.warnings += _sentence_findings(doc)
    report.warnings += _surface_consistency(docs)
    report.errors += _unusable_files(tasks, docs, validation.skipped)
    return report


def _unusable_files(tasks: list[RawTask], docs: list[Document], skipped: list[Problem]) -> list[Finding]:
    """An error for each file none of whose tasks is used, with what its tasks were skipped for."""
    used = {d.origin for d in docs}
    kinds = {p.origin: p.kind for p in skipped}
    per_file: dict[str, list[str]] = defaultdict(list)
    for task in tasks:
        per_file[task.file].append(task.origin)
    findings = []
    for file, origins in per_file.items():
        if used.isdisjoint(origins):
            why = ", ".join(f"{n} {kind}" for kind, n in sorted(Counter(kinds.get(o, "?") for o in origins).items()))
            message = f"none of its {len(origins)} task(s) is usable ({why})"
            findings.append(Finding(file, "nothing_usable", message))
    return findings


def _bad_edge(surface: str) -> bool:
    first, last = surface[0], surface[-1]
    if first.isspace() or last.isspace():
        return True
    if first in PUNCTUATION and not (first in _PAIRS and _PAIRS[first] in surface[1:]):
        return True
    return last in PUNCTUATION and not (last in _CLOSERS and _CLOSERS[last] in surface[:-1])


# Patterns the guide's revised decisions rule out (issue 14; annotations/issue14_guide_changes.md).
_INSTITUTION = (
    r"(实验室|研究院|创新院|研究所|研究中心|中心|基地|博物院|博物馆|纪念馆|图书馆|文化馆|美术馆|科技馆|档案馆|学校|中学|小学"
    r"|幼儿园|学院|大学|医院|保健院|卫生院|院区|校区|新馆|新校|分中心)"
)
_INSTITUTION_END = re.compile(_INSTITUTION + "$")
# the institution itself is the thing built or opened: a building verb right before it, or right after it
# with no project word (an organization named inside a project's name stays ORG: D15 rule 3)
_BUILT_BEFORE = re.compile(r"(建设|建成|新建|扩建|迁建|筹建|开工建设|启用|投用|改造|建好)$")
_BUILT_AFTER = re.compile(r"(建成|开工|动工|投用|投入使用|启用|开放|开馆|竣工|完工|开诊|整体搬迁|迁建|扩建|异地新建|改扩建)(?![^，。；]{0,6}(项目|工程))")
_NAME_GOES_ON = re.compile(r"[^，。；、（）“”\s]{1,20}?(" + _INSTITUTION[1:-1] + r"|项目|工程|一期|二期)")
_ACT = re.compile(
    r"获评|获批|晋升|入选|成为|挂牌|揭牌|成立|设立|组建|落户|合作|联合|签约|签署|受理|实施|招生|门诊|开展|攻克|首创|跻身|承担"
    r"|牵头|依托|发挥|升格|创成|争创|评为|荣获|获得|备案"
)
_STAND_IN = re.compile(
    r"((国家|省|市|县|区|自治区|州)级|列省|农村|城镇|城市|乡村|累计|实际|实际出席|实际到会|培训|废止|修订|修改|宣布失效|停收|取消"
    r"|新开工|开工|新竣工|竣工|在建|续建|基本建成|建成|建成投产|落地开工|投产|签约|新签约|综合治理|治理|改造提升|巩固提升"
    r"|增收|增产|减收|单日最高|最高|最低|日均)"
)
_STAND_IN_GAP = re.compile(r"(达|达到|为|约|超|超过|近|逾|共|共计|由人均|由|人均|突破)?")
_DRIVING_VERB = re.compile(r"(拉动|带动|撬动)$")
_SHARE_WORD = re.compile(r"比重|占比|比例|份额")
_SHARE_GAP = re.compile(
    r"(分别)?(达|达到|为|是|提高|提高到|提升|提升至|提升到|上升|上升到|下降|降至|降到|超过|超|保持在|稳定在|由|从|增加|增至|占|约|近)?(了)?(\d{4}年的)?"
)


def _revised_decision_findings(doc: Document, warn) -> None:
    """Spans that follow the guide's decisions before issue 14 (D15, D50, D56, D10/D34 revised)."""
    text, spans = doc.text, doc.spans
    for i, span in enumerate(spans):
        surface = text[span.start : span.end]
        start, end = _clause(text, span)
        clause = text[start:end]
        nxt = spans[i + 1] if i + 1 < len(spans) else None
        if span.label == "ORG" and _INSTITUTION_END.search(surface) and not _ACT.search(clause):
            goes_on = _NAME_GOES_ON.match(text[span.end : end])  # a parent named inside the built thing's name
            if (_BUILT_BEFORE.search(text[start : span.start]) and not goes_on) or _BUILT_AFTER.match(text[span.end : end]):
                warn("org_facility_only_built", span, "is an institution its clause only builds or opens (D15: not ORG unless it acts)")
        elif span.label == "INDICATOR" and _STAND_IN.fullmatch(surface):
            gap = text[span.end : nxt.start] if nxt else ""
            after_count = i > 0 and spans[i - 1].end == span.start and spans[i - 1].label in ("UNIT", "QUANTITY")
            if (nxt and nxt.label == "QUANTITY" and _STAND_IN_GAP.fullmatch(gap)) or (after_count and re.search("级$|^列省$", surface)):
                warn("indicator_stand_in", span, "stands for a noun left out (D50: only a bare 新增 / 净增 is the INDICATOR)")
        elif (
            span.label == "INDICATOR"
            and _DRIVING_VERB.search(text[start : span.start])
            and any(q.label == "QUANTITY" and span.end <= q.start < end for q in spans)
        ):
            warn("indicator_after_driving_verb", span, "follows 拉动 / 带动 / 撬动, which changes what is counted (D56: inside the INDICATOR)")
    for match in _SHARE_WORD.finditer(text):
        if any(s.start <= match.start() < s.end for s in spans if s.label == "INDICATOR"):
            continue
        quantity = next((s for s in spans if s.label == "QUANTITY" and s.start >= match.end()), None)
        if quantity is not None and _SHARE_GAP.fullmatch(text[match.end() : quantity.start]):
            word = Span(match.start(), match.end(), "share")
            out_surface = match.group()
            warn("share_word_outside_indicator", word, f"(share word {out_surface!r}) is measured by a number but outside the INDICATOR (D10/D34)")


def _sentence_findings(doc: Document) -> list[Finding]:
    text, spans, out = doc.text, doc.spans, []

    def warn(check: str, span: Span, message: str) -> None:
        surface = text[span.start : span.end]
        out.append(Finding(doc.origin, check, f"{span.label} {surface!r} {message}", doc.id, surface))

    for a, b in touching_same_label(spans):
        first, second = text[a.start : a.end], text[b.start : b.end]
        message = (
            f"{a.label} {first!r} and {b.label} {second!r} touch with nothing between: one highlight in Label Studio, "
            "two entities in training (one entity split in two, or two entities?)"
        )
        out.append(Finding(doc.origin, "touching_same_label", message, doc.id, text[a.start : b.end]))
    quantities = [s for s in spans if s.label == "QUANTITY"]
    for i, span in enumerate(spans):
        surface = text[span.start : span.end]
        if span.label == "UNIT":
            prev = spans[i - 1] if i else None
            if prev is None or prev.label != "QUANTITY" or text[prev.end : span.start] not in ("", "余", "多"):
                warn("unit_without_quantity", span, "is not right after a QUANTITY")
        elif span.label == "INDICATOR":
            clause = _clause(text, span)
            if not any(clause[0] <= q.start < clause[1] for q in quantities):
                warn("indicator_without_quantity", span, "has no QUANTITY in its clause")
            if surface.startswith(TIME_WORDS + VERBS + HEDGES) or surface.endswith(VERBS + HEDGES):
                warn("indicator_edge_word", span, "starts or ends with a time word, reporting/change verb or hedge")
        elif span.label == "QUANTITY":
            after, before = text[span.end : span.end + 1], text[span.start - 1 : span.start]
            if _YEAR.match(surface) and after in ("年", "-", "—", "－"):
                warn("quantity_like_year", span, "looks like a year")
            elif after in ("月", "日", "号") and surface.isdigit():
                warn("quantity_like_date", span, "looks like a date")
            elif before == "第":
                warn("quantity_like_ordinal", span, "follows 第 (an ordinal)")
            elif span.start == 0 and after in ("、", ".", "．"):
                warn("quantity_like_list_number", span, "looks like a list number")
    _revised_decision_findings(doc, warn)
    return out


def _clause(text: str, span: Span) -> tuple[int, int]:
    starts = [m.end() for m in _CLAUSE_END.finditer(text, 0, span.start)]
    end = _CLAUSE_END.search(text, span.end)
    return (starts[-1] if starts else 0), (end.start() if end else len(text))


def _surface_consistency(docs: list[Document], min_len: int = 2, min_labeled: int = 2) -> list[Finding]:
    """The same string labeled differently; or labeled in at least ``min_labeled`` tasks (and
    more often than not) but left unlabeled in others where it could be labeled (for an
    INDICATOR: with a QUANTITY in the same clause)."""
    labeled: dict[str, Counter] = defaultdict(Counter)
    first: dict[tuple[str, str], Document] = {}
    for doc in docs:
        for s in doc.spans:
            surface = doc.text[s.start : s.end]
            labeled[surface][s.label] += 1
            first.setdefault((surface, s.label), doc)
    out = []
    for surface, counts in sorted(labeled.items()):
        if len(counts) > 1:
            parts = ", ".join(
                f"{label} ×{n} (e.g. task {first[surface, label].id})" for label, n in counts.most_common()
            )
            doc = first[surface, counts.most_common(1)[0][0]]
            out.append(Finding(doc.origin, "label_conflict", f"{surface!r} is labeled {parts}", "*", surface))
    for surface, counts in sorted(labeled.items()):
        label = counts.most_common(1)[0][0]
        if len(surface) < min_len or label not in ("ORG", "INDICATOR"):
            continue
        missing = [d for d in docs if _unlabeled_occurrence(d, surface, needs_quantity=label == "INDICATOR")]
        n_labeled = sum(counts.values())
        if n_labeled < min_labeled or len(missing) > n_labeled:
            continue  # a string labeled once, or mostly left unlabeled, is not a convention yet
        for doc in missing:
            message = f"{surface!r} is {label} {n_labeled}× in the set but unlabeled here"
            out.append(Finding(doc.origin, "unlabeled_occurrence", message, doc.id, surface))
    return out


def _unlabeled_occurrence(doc: Document, surface: str, needs_quantity: bool) -> bool:
    start = doc.text.find(surface)
    while start != -1:
        end = start + len(surface)
        if not any(s.start < end and start < s.end for s in doc.spans):
            clause = _clause(doc.text, Span(start, end, ""))
            if not needs_quantity or any(s.label == "QUANTITY" and clause[0] <= s.start < clause[1] for s in doc.spans):
                return True
        start = doc.text.find(surface, start + 1)
    return False


def statistics(docs: list[Document]) -> dict:
    """Counts per label, per corpus folder and per report."""
    per_label: Counter = Counter(s.label for d in docs for s in d.spans)
    folders: dict[str, Counter] = defaultdict(Counter)
    reports: dict[str, Counter] = defaultdict(Counter)
    for d in docs:
        for table, key in ((folders, d.source.split("/")[0]), (reports, d.source)):
            table[key]["sentences"] += 1
            table[key]["no_entity"] += not d.spans
            table[key].update(s.label for s in d.spans)
    return {
        "sentences": len(docs),
        "reports": len(reports),
        "spans": sum(per_label.values()),
        "per_label": dict(per_label),
        "no_entity": sum(1 for d in docs if not d.spans),
        "with_digit": sum(1 for d in docs if re.search(r"[0-9０-９]", d.text)),
        "long": sum(1 for d in docs if len(d.text) > 150),
        "folders": {k: dict(v) for k, v in sorted(folders.items())},
        "reports_table": {k: dict(v) for k, v in sorted(reports.items())},
    }


def read_accepted(path) -> dict[tuple[str, str, str], str]:
    """Reviewed warnings that are kept, from a TSV ``check, task id, surface, reason``
    (``#`` starts a comment line). The reason should name the guide's decision."""
    accepted = {}
    for lineno, line in enumerate(split_lines(path.read_text(encoding="utf-8")), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 4 or not parts[3].strip():
            raise GovnerError(f"{path}:{lineno}: expected 4 tab-separated fields (check, task id, surface, reason)")
        accepted[parts[0], parts[1], parts[2]] = parts[3]
    return accepted

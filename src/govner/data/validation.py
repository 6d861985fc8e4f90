"""Validate Label Studio tasks into :class:`Document` objects, early and precisely.

Every task ends up either as a document or in the report with its reason. Each problem
kind has a policy: ``error`` (stop, listing every such problem with file and task id) or
``skip`` (leave the task out and report it); ``empty_annotation`` may also be ``keep``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from govner.data.labelstudio_format import RawAnnotation, RawTask
from govner.data.offsets import Utf16Offsets, lone_surrogate
from govner.data.spans import Document, Span
from govner.errors import GovnerError
from govner.files import write_text_atomic

DEFAULT_POLICY: dict[str, str] = {
    "no_text": "skip",
    "invalid_text": "skip",  # a lone surrogate in the text, source or id: no tokenizer or Arrow table takes it
    "no_annotation": "skip",
    "cancelled_annotation": "skip",
    "multiple_annotations": "latest",  # first | latest | error
    "empty_annotation": "keep",  # a submitted annotation with no span: a sentence with no entity
    "malformed": "error",  # not Label Studio's structure: a result item that is not a region object, ...
    "unknown_label": "error",
    "multiple_labels": "error",  # one region with several labels
    "empty_or_reversed_span": "error",  # end <= start
    "offsets_out_of_range": "error",
    "text_mismatch": "error",
    "overlapping_spans": "error",
    "duplicate_text": "skip",
}
_ALLOWED = {"multiple_annotations": {"first", "latest", "error"}, "empty_annotation": {"keep", "skip", "error"}}


class DataValidationError(GovnerError, ValueError):
    """Raised with every problem whose policy is ``error``, one per line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = [str(p) for p in problems[:50]]
        if len(problems) > 50:
            lines.append(f"... and {len(problems) - 50} more")
        super().__init__(f"{len(problems)} annotation problem(s):\n" + "\n".join(lines))


@dataclass(frozen=True)
class Problem:
    origin: str  # "file.json, task 12"
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.kind}: {self.message}"


@dataclass
class ValidationReport:
    tasks: int = 0
    used: int = 0
    skipped: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # kept, but worth knowing
    utf16_converted: int = 0

    def summary(self) -> str:
        kinds = Counter(p.kind for p in self.skipped)
        parts = [f"{self.tasks} tasks read, {self.used} used, {len(self.skipped)} skipped"]
        parts += [f"{n} {kind}" for kind, n in sorted(kinds.items())]
        if self.utf16_converted:
            parts.append(f"{self.utf16_converted} task(s) had UTF-16 offsets, converted")
        if self.notes:
            parts.append(f"{len(self.notes)} note(s)")
        return "; ".join(parts)

    def to_dict(self) -> dict:
        return {
            "tasks": self.tasks,
            "used": self.used,
            "utf16_converted": self.utf16_converted,
            "skipped": [vars(p) for p in self.skipped],
            "notes": [vars(p) for p in self.notes],
        }

    def write(self, path: Path) -> None:
        write_text_atomic(path, json.dumps(self.to_dict(), ensure_ascii=False, indent=2))


def resolve_policy(overrides: Mapping[str, str] | None) -> dict[str, str]:
    policy = dict(DEFAULT_POLICY)
    for kind, action in (overrides or {}).items():
        if kind not in policy:
            raise GovnerError(f"unknown validation problem kind {kind!r}; known: {', '.join(policy)}")
        if action not in _ALLOWED.get(kind, {"error", "skip"}):
            raise GovnerError(
                f"policy for {kind} must be one of {sorted(_ALLOWED.get(kind, {'error', 'skip'}))}, got {action!r}"
            )
        policy[kind] = action
    return policy


class _TaskRejected(Exception):
    def __init__(self, kind: str, message: str) -> None:
        self.kind, self.message = kind, message


def validate_tasks(
    tasks: list[RawTask],
    labels: tuple[str, ...] | list[str],
    policy: Mapping[str, str] | None = None,
    use_predictions: bool = False,
) -> tuple[list[Document], ValidationReport]:
    """Turn raw tasks into documents; raise :class:`DataValidationError` on ``error`` problems.

    With ``use_predictions`` a task without annotations falls back to its latest prediction.
    """
    policy = resolve_policy(policy)
    report = ValidationReport(tasks=len(tasks))
    errors: list[Problem] = []
    documents: list[Document] = []
    seen_texts: dict[str, Document] = {}
    for task in tasks:
        try:
            doc, converted = _validate_task(task, set(labels), policy, use_predictions, report)
            if doc.text in seen_texts:
                first = seen_texts[doc.text]
                same = first.spans == doc.spans
                raise _TaskRejected(
                    "duplicate_text",
                    f"same text as {first.origin}" + ("" if same else " but with different spans"),
                )
        except _TaskRejected as rejected:
            problem = Problem(task.origin, rejected.kind, rejected.message)
            (errors if policy[rejected.kind] == "error" else report.skipped).append(problem)
            continue
        seen_texts[doc.text] = doc
        report.utf16_converted += converted
        documents.append(doc)
    if errors:
        raise DataValidationError(errors)
    report.used = len(documents)
    return documents, report


def _validate_task(
    task: RawTask, labels: set[str], policy: dict[str, str], use_predictions: bool, report: ValidationReport
) -> tuple[Document, bool]:
    if not isinstance(task.text, str) or not task.text.strip():
        raise _TaskRejected("no_text", _no_text(task))
    for name, value in (("text", task.text), ("data.report", task.source), ("task id", task.id)):
        if isinstance(value, str) and (problem := lone_surrogate(value)):
            raise _TaskRejected("invalid_text", f"{name}: {problem}")
    annotation = _choose_annotation(task, policy, use_predictions, report)
    regions = []
    for position, item in enumerate(annotation.result):
        if not isinstance(item, dict):
            raise _TaskRejected(
                "malformed", f"result item {position} is {_kind(item)}, not a region object: {str(item)[:60]!r}"
            )
        value = item.get("value") or {}
        if not isinstance(value, dict):
            raise _TaskRejected("malformed", f"result item {position} has a value that is not an object: {value!r}")
        if item.get("type", "labels") != "labels" or "labels" not in value:
            report.notes.append(
                Problem(task.origin, "ignored_result", f"result of type {item.get('type')!r} is not a span label")
            )
            continue
        regions.append(value)
    if not regions and policy["empty_annotation"] != "keep":
        raise _TaskRejected("empty_annotation", f"annotation {annotation.id} has no labeled span")
    spans, converted = _spans(task, regions, labels, report)
    spans.sort()
    for a, b in zip(spans, spans[1:], strict=False):
        if b.start < a.end:
            raise _TaskRejected(
                "overlapping_spans",
                f"{a.label} [{a.start}, {a.end}) {task.text[a.start : a.end]!r} overlaps "
                f"{b.label} [{b.start}, {b.end}) {task.text[b.start : b.end]!r}",
            )
    source = task.source
    if source is None:
        source = Path(task.file).name
        report.notes.append(Problem(task.origin, "no_source", f"no data.report; grouped under {source!r}"))
    doc = Document(id=str(task.id), text=task.text, spans=spans, source=source, origin=task.origin)
    return doc, converted


def _no_text(task: RawTask) -> str:
    """Why ``task`` has no text, and where its text may be instead."""
    if task.text is not None:
        return f"text in data.{task.text_field} is empty or not a string: {task.text!r}"
    others = [f for f in task.fields if f != task.text_field]
    hint = f"; the task has fields {', '.join(others)}: set data.text_field=<field>" if others else ""
    return f"no text in data.{task.text_field}{hint}"


def _kind(value: object) -> str:
    """``value``'s JSON type, with its article: "a string", "an array"."""
    name = {str: "string", list: "array", int: "number", float: "number", bool: "boolean", dict: "object"}.get(
        type(value), "null"
    )
    return ("an " if name[0] in "aeiou" else "a ") + name


def _choose_annotation(
    task: RawTask, policy: dict[str, str], use_predictions: bool, report: ValidationReport
) -> RawAnnotation:
    live = [a for a in task.annotations if not a.cancelled]
    if not live:
        if task.annotations:
            raise _TaskRejected(
                "cancelled_annotation", f"all {len(task.annotations)} annotation(s) were cancelled (skipped)"
            )
        if use_predictions and task.predictions:
            return task.predictions[-1]
        raise _TaskRejected("no_annotation", "task has no annotation")
    if len(live) > 1:
        choice = policy["multiple_annotations"]
        if choice == "error":
            raise _TaskRejected(
                "multiple_annotations", f"{len(live)} annotations ({', '.join(str(a.id) for a in live)})"
            )
        chosen = live[0] if choice == "first" else max(live, key=lambda a: a.updated_at)
        report.notes.append(
            Problem(task.origin, "multiple_annotations", f"{len(live)} annotations, used {choice} (id {chosen.id})")
        )
        return chosen
    return live[0]


def _spans(task: RawTask, regions: list[dict], labels: set[str], report: ValidationReport) -> tuple[list[Span], bool]:
    """Spans in code points. Label Studio counts offsets in UTF-16 code units (its front end always
    does, and so do govner's own tasks); other tools count code points. The two differ only after
    a character outside the BMP (an emoji, 𠀀), and one reading serves a whole task, never a mix:
    the one under which every region's ``value.text`` matches; when both do, UTF-16 (noted as
    ``ambiguous_offsets``); when neither does, the one matching more regions (UTF-16 on a tie),
    and the first region that does not match it is reported."""
    text: str = task.text
    for value in regions:
        names = value.get("labels") or []
        start, end = value.get("start"), value.get("end")
        if isinstance(names, list) and len(names) > 1:
            raise _TaskRejected(
                "multiple_labels",
                f"region [{start}, {end}) has {len(names)} labels {names!r}; a region takes one label",
            )
        if not isinstance(names, list) or len(names) != 1 or names[0] not in labels:
            raise _TaskRejected(
                "unknown_label", f"labels {names!r} at [{start}, {end}); expected one of {sorted(labels)}"
            )
        if not (isinstance(start, int) and isinstance(end, int)):
            raise _TaskRejected("offsets_out_of_range", f"{names[0]} span has non-integer offsets {start!r}, {end!r}")
        if end <= start:
            raise _TaskRejected(
                "empty_or_reversed_span",
                f"{names[0]} region is an empty or reversed span [{start}, {end}) (end <= start)",
            )
    utf16 = Utf16Offsets(text)
    astral = utf16.to_utf16(len(text)) != len(text)

    def code_points(value: dict) -> tuple[int | None, int | None]:
        return value["start"], value["end"]

    def utf16_units(value: dict) -> tuple[int | None, int | None]:
        return utf16.to_index(value["start"]), utf16.to_index(value["end"])

    def fits(value: dict, reading) -> bool:
        s, e = reading(value)
        surface = value.get("text")
        return s is not None and e is not None and 0 <= s < e <= len(text) and (surface is None or text[s:e] == surface)

    readings = [utf16_units, code_points] if astral else [code_points]
    matches = [sum(fits(v, reading) for v in regions) for reading in readings]
    reading = readings[matches.index(max(matches))]
    if astral and min(matches) == len(regions) and any(utf16_units(v) != code_points(v) for v in regions):
        report.notes.append(
            Problem(
                task.origin,
                "ambiguous_offsets",
                "every value.text matches the offsets read both as UTF-16 code units and as code points; "
                "read as UTF-16, as Label Studio writes them",
            )
        )
    spans = []
    for value in regions:
        label, start, end, surface = value["labels"][0], value["start"], value["end"], value.get("text")
        if not fits(value, reading):
            if not 0 <= start < end or end > utf16.to_utf16(len(text)):
                raise _TaskRejected(
                    "offsets_out_of_range", f"{label} span [{start}, {end}) is outside the text (length {len(text)})"
                )
            raise _TaskRejected(
                "text_mismatch",
                f"{label} span [{start}, {end}) reads {text[start:end]!r} in the text but value.text is {surface!r}",
            )
        spans.append(Span(*reading(value), label))
    converted = reading is utf16_units and any(utf16_units(v) != code_points(v) for v in regions)
    return spans, converted

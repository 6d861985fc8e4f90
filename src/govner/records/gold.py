"""Read and validate hand-made gold indicator records (annotations/records/SPEC.md).

One JSON line per annotated sentence: ``{"task_id", "source", "text", "records": [...]}``, each
record with the fields of :data:`RECORD_FIELDS`. Every line is checked on its own (fields,
types, kinds) and against the gold spans of its Label Studio task (same text; ``value_text``
starting at a QUANTITY and ending at a QUANTITY/UNIT; ``indicator`` / ``org`` made of gold span
texts joined by 、; every QUANTITY in some record). Each problem names file, line and task.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govner.data.spans import Document, Span
from govner.errors import GovnerError
from govner.files import split_lines
from govner.records.normalize import Kind
from govner.records.schema import GOLD_FIELDS

__all__ = ["RECORD_FIELDS", "GoldRecordError", "GoldSentence", "RecordProblem", "load_gold_records"]

RECORD_FIELDS = GOLD_FIELDS
_NUMBERS = ("value", "base_value", "value_high", "base_high")
_STRINGS = ("unit", "base_unit", "qualifier")
_OPTIONAL_NAMES = ("indicator", "org")
_KINDS = tuple(k.value for k in Kind)
_JOIN = "、"


@dataclass(frozen=True)
class RecordProblem:
    file: str
    line: int
    task_id: Any
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line} (task {self.task_id}): {self.message}"


class GoldRecordError(GovnerError, ValueError):
    """Raised with every problem of a gold records file, one per line."""

    def __init__(self, problems: list[RecordProblem]) -> None:
        self.problems = problems
        lines = [str(p) for p in problems[:50]]
        if len(problems) > 50:
            lines.append(f"... and {len(problems) - 50} more")
        super().__init__(f"{len(problems)} gold record problem(s):\n" + "\n".join(lines))


@dataclass
class GoldSentence:
    """A gold sentence with its gold spans and records; ``starts[i]`` is where the value of
    ``records[i]`` begins in ``text``."""

    task_id: str
    source: str
    text: str
    spans: list[Span]
    records: list[dict]
    starts: list[int]
    line: int


def load_gold_records(
    path: str | Path, documents: list[Document], skipped_tasks: dict[str, str] | None = None, on_invalid: str = "error"
) -> tuple[list[GoldSentence], list[RecordProblem]]:
    """The valid sentences of the gold file at ``path`` and the problems found.

    ``documents`` are the validated gold tasks (their ``id`` is the Label Studio task id);
    ``skipped_tasks`` maps the ids of tasks validation left out to the reason, for messages.
    With ``on_invalid="error"`` any problem raises :class:`GoldRecordError` listing all of them;
    with ``"skip"`` a sentence with problems is left out and its problems returned.
    """
    if on_invalid not in ("error", "skip"):
        raise GovnerError(f"on_invalid must be 'error' or 'skip', got {on_invalid!r}")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such gold records file")
    by_id = {d.id: d for d in documents}
    sentences: list[GoldSentence] = []
    problems: list[RecordProblem] = []
    seen: dict[str, int] = {}
    try:
        lines = split_lines(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as err:
        raise GovnerError(f"{path}: not UTF-8 ({err})") from err
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        found: list[str] = []
        sentence = _sentence(raw, number, by_id, skipped_tasks or {}, found)
        task_id = sentence.task_id if sentence else _task_id(raw)
        if sentence is not None:
            if sentence.task_id in seen:
                found.append(f"task already given on line {seen[sentence.task_id]}")
            seen.setdefault(sentence.task_id, number)
        if found:
            problems.extend(RecordProblem(str(path), number, task_id, message) for message in found)
        elif sentence is not None:
            sentences.append(sentence)
    if problems and on_invalid == "error":
        raise GoldRecordError(problems)
    return sentences, problems


def _task_id(raw: str) -> Any:
    try:
        return json.loads(raw).get("task_id")
    except (json.JSONDecodeError, AttributeError):
        return None


def _sentence(
    raw: str, number: int, by_id: dict[str, Document], skipped_tasks: dict[str, str], found: list[str]
) -> GoldSentence | None:
    try:
        item = json.loads(raw)
    except json.JSONDecodeError as err:
        found.append(f"invalid JSON at column {err.colno}: {err.msg}")
        return None
    if not isinstance(item, dict):
        found.append(f"expected a JSON object, got {type(item).__name__}")
        return None
    missing = [k for k in ("task_id", "text", "records") if k not in item]
    if missing:
        found.append(f"missing field(s) {', '.join(missing)}")
        return None
    task_id = str(item["task_id"])
    doc = by_id.get(task_id)
    if doc is None:
        reason = skipped_tasks.get(task_id)
        found.append(f"no validated gold task with this id{f' ({reason})' if reason else ''}")
        return None
    if item["text"] != doc.text:
        found.append(f"text differs from the gold task's text ({doc.origin})")
        return None
    if item.get("source") not in (None, doc.source):
        found.append(f"source {item['source']!r} differs from the gold task's {doc.source!r}")
    if not isinstance(item["records"], list):
        found.append(f"records must be a list, got {type(item['records']).__name__}")
        return None
    records = item["records"]
    for i, record in enumerate(records, 1):
        found.extend(f"record {i}: {message}" for message in _record_problems(record, doc))
    if found:
        return None
    starts = _value_starts(doc, records, found)
    if found:
        return None
    return GoldSentence(task_id, doc.source, doc.text, doc.spans, records, starts, number)


def _record_problems(record: Any, doc: Document) -> list[str]:
    """What is wrong with one record on its own and against the sentence's gold spans."""
    if not isinstance(record, dict):
        return [f"expected an object, got {type(record).__name__}"]
    out = [f"unknown field {k!r}" for k in record if k not in RECORD_FIELDS]
    out += [f"missing field {k!r}" for k in RECORD_FIELDS if k not in record]
    if out:
        return out
    text = doc.text
    for k in _NUMBERS:
        v = record[k]
        if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
            out.append(f"{k} must be a number or null, got {v!r}")
    for k in _STRINGS:
        if not isinstance(record[k], str):
            out.append(f"{k} must be a string, got {record[k]!r}")
    if record["kind"] not in _KINDS:
        out.append(f"unknown kind {record['kind']!r}; expected one of {', '.join(_KINDS)}")
    if not isinstance(record["target"], bool):
        out.append(f"target must be true or false, got {record['target']!r}")
    if (record["value_high"] is None) != (record["base_high"] is None):
        out.append("value_high and base_high must both be given (a range) or both be null")
    value_text = record["value_text"]
    if not isinstance(value_text, str) or not value_text:
        out.append(f"value_text must be a non-empty string, got {value_text!r}")
    elif value_text not in text:
        out.append(f"value_text {value_text!r} is not in the text")
    elif isinstance(record["unit"], str) and record["unit"] not in value_text:
        out.append(f"unit {record['unit']!r} is not in value_text {value_text!r}")
    if isinstance(record["qualifier"], str) and record["qualifier"]:
        out += [f"qualifier {q!r} is not in the text" for q in record["qualifier"].split(_JOIN) if q not in text]
    for k, label in zip(_OPTIONAL_NAMES, ("INDICATOR", "ORG"), strict=True):
        name = record[k]
        if name is None:
            continue
        texts = [text[s.start : s.end] for s in doc.spans if s.label == label]
        if not isinstance(name, str) or not _joined(name, texts):
            out.append(f"{k} {name!r} is not a gold {label} span text (or several joined by {_JOIN} in text order)")
    return out


def _joined(name: str, texts: list[str]) -> bool:
    """Whether ``name`` is one of ``texts`` or several of them, in order, joined by 、."""
    for i, t in enumerate(texts):
        if name == t or (name.startswith(t + _JOIN) and _joined(name[len(t) + 1 :], texts[i + 1 :])):
            return True
    return False


def _value_starts(doc: Document, records: list[dict], found: list[str]) -> list[int]:
    """Where each record's value begins: an occurrence of its ``value_text`` that starts at a
    gold QUANTITY and ends at a QUANTITY or UNIT end. Records with the same ``value_text`` take
    its occurrences in order; more records than occurrences share the last one (a value that
    holds for each of several indicators: 游客人数、旅游收入均增长16%)."""
    text = doc.text
    quantity_starts = {s.start for s in doc.spans if s.label == "QUANTITY"}
    value_ends = {s.end for s in doc.spans if s.label in ("QUANTITY", "UNIT")}
    starts: list[int] = []
    taken: dict[str, int] = {}
    for i, record in enumerate(records, 1):
        value_text = record["value_text"]
        places = [
            p for p in _occurrences(text, value_text) if p in quantity_starts and p + len(value_text) in value_ends
        ]
        if not places:
            found.append(
                f"record {i}: value_text {value_text!r} does not run from a gold QUANTITY start to a QUANTITY/UNIT end"
            )
            starts.append(-1)
            continue
        k = taken.get(value_text, 0)
        taken[value_text] = k + 1
        starts.append(places[min(k, len(places) - 1)])
    if found:
        return starts
    covered = [(s, s + len(r["value_text"])) for s, r in zip(starts, records, strict=True)]
    for s in doc.spans:
        if s.label == "QUANTITY" and not any(a <= s.start and s.end <= b for a, b in covered):
            found.append(f"QUANTITY {text[s.start : s.end]!r} at [{s.start}, {s.end}) is in no record's value_text")
    return starts


def _occurrences(text: str, sub: str) -> list[int]:
    out, i = [], text.find(sub)
    while i >= 0:
        out.append(i)
        i = text.find(sub, i + 1)
    return out

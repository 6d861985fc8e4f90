"""The Label Studio task format, both ways: reading exports (the full JSON export, JSON_MIN and
the CSV export, from a file or directory), and building the ``labels`` regions, predictions and tasks govner sends to
Label Studio (push, the ML backend, ``output_format=labelstudio``, silver data). Offsets in Label
Studio are UTF-16 code units; govner's are code points.

A task's report is named in ``data.report`` (``REPORT_FIELD``). Tasks and exports from before
(``data.source``, a name Label Studio's front end overwrites with the whole task) are still read,
and the reader says so once."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from govner.data.offsets import Utf16Offsets
from govner.errors import GovnerError

log = logging.getLogger(__name__)

REPORT_FIELD = "report"  # data.report names the report a task comes from
LEGACY_REPORT_FIELD = "source"  # its name before: Label Studio's front end overwrites data.source

log = logging.getLogger(__name__)

EXPORT_SUFFIXES = (".json", ".csv")  # compared in lower case


class ExportFormatError(GovnerError, ValueError):
    """The file is not a Label Studio JSON / JSON_MIN / CSV export."""


@dataclass
class RawAnnotation:
    """One annotation (or prediction) of a task, with Label Studio's ``result`` items."""

    id: Any
    result: list[dict]
    cancelled: bool = False
    updated_at: str = ""
    model_version: str = ""


@dataclass
class RawTask:
    file: str
    id: Any
    text: Any
    source: str | None
    annotations: list[RawAnnotation] = field(default_factory=list)
    predictions: list[RawAnnotation] = field(default_factory=list)
    legacy_source: bool = False  # the report came from data.source, not the configured field
    text_field: str = "text"  # where the text was looked for ...
    fields: tuple[str, ...] = ()  # ... and the data fields that hold a string (a hint when it is not there)

    @property
    def origin(self) -> str:
        """``file, task id`` for messages (a lone surrogate in either is escaped, so it prints)."""
        return f"{self.file}, task {self.id}".encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass
class ExportFiles:
    """The export files at a path, and the other files of a given directory with why they are not read."""

    files: list[Path]
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def export_files(path: str | Path) -> ExportFiles:
    """The ``.json`` and ``.csv`` export files at ``path`` (a file, or a directory searched
    recursively; suffixes in any case); every other file of the directory is listed as skipped."""
    path = Path(path)
    if path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.is_file())
        files = [p for p in found if p.suffix.lower() in EXPORT_SUFFIXES]
        skipped = [
            (p, f"not a Label Studio export ({p.suffix or 'no suffix'}; expected .json or .csv)")
            for p in found
            if p.suffix.lower() not in EXPORT_SUFFIXES
        ]
        if not files:
            raise ExportFormatError(f"{path}: directory holds no .json or .csv export files")
        return ExportFiles(files, skipped)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such export file or directory")
    return ExportFiles([path])


def read_export(path: str | Path, text_field: str = "text", source_field: str = REPORT_FIELD) -> list[RawTask]:
    """All tasks of the export(s) at ``path``, in file order. Every file that cannot be read is
    named in one error, not only the first."""
    found = export_files(path)
    for file, reason in found.skipped:
        log.info("%s: skipped, %s", file, reason)
    tasks: list[RawTask] = []
    problems = []
    for file in found.files:
        try:
            tasks.extend(read_export_file(file, text_field, source_field))
        except ExportFormatError as err:
            problems.append(str(err))
    if len(problems) == 1 and len(found.files) == 1:
        raise ExportFormatError(problems[0])
    if problems:
        raise ExportFormatError(
            f"{len(problems)} of {len(found.files)} export file(s) cannot be read:\n" + "\n".join(problems)
        )
    note_legacy_source(tasks, str(path), source_field)
    return tasks


def read_export_file(file: Path, text_field: str = "text", source_field: str = REPORT_FIELD) -> list[RawTask]:
    try:
        content = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise ExportFormatError(f"{file}: not UTF-8 ({err})") from err
    if file.suffix.lower() == ".csv":
        return parse_export(_csv_items(file, content, text_field), str(file), text_field, source_field)
    try:
        payload = json.loads(content)
    except json.JSONDecodeError as err:
        raise ExportFormatError(f"{file}: invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}") from err
    return parse_export(payload, str(file), text_field, source_field)


def _csv_items(file: Path, content: str, text_field: str) -> list[dict]:
    """The rows of Label Studio's CSV export as JSON_MIN items: a column per data field, and per
    labels control (``label``) a JSON list of its regions."""
    reader = csv.DictReader(io.StringIO(content, newline=""))  # cells may hold line ends
    columns = reader.fieldnames or []
    if text_field not in columns:
        raise ExportFormatError(
            f"{file}: CSV without a {text_field!r} column (columns: {', '.join(columns) or 'none'}): "
            "not a Label Studio CSV export, or the text is under another column (data.text_field)"
        )
    items = []
    for row in reader:
        item: dict[str, Any] = {}
        for key, value in row.items():
            if key is None or value in (None, ""):
                continue  # a row with more cells than the header, or an empty cell
            if key == "id" and value.isdigit():
                value = int(value)
            elif value.startswith("[") and key != text_field:
                with contextlib.suppress(json.JSONDecodeError):  # else a data field that only looks like JSON
                    value = json.loads(value)
            item[key] = value
        items.append(item)
    return items


def parse_export(
    payload: Any, origin: str, text_field: str = "text", source_field: str = REPORT_FIELD
) -> list[RawTask]:
    """The tasks of an export already parsed from JSON; ``origin`` (a file name, a project)
    names where they came from in every problem reported about them."""
    if isinstance(payload, dict):
        if "data" not in payload:  # one task on its own reads; any other object is not an export
            keys = ", ".join(list(payload)[:8])
            raise ExportFormatError(
                f"{origin}: expected a list of tasks, got an object (keys: {keys}); "
                "export the Label Studio project as JSON or JSON_MIN"
            )
        payload = [payload]
    if not isinstance(payload, list):
        raise ExportFormatError(f"{origin}: expected a list of tasks, got {type(payload).__name__}")
    tasks = []
    for position, item in enumerate(payload):
        if not isinstance(item, dict):
            raise ExportFormatError(f"{origin}: item {position} is {type(item).__name__}, not a task object")
        task_id = item.get("id", f"#{position}")
        read = _full_task if "data" in item else _min_task
        try:
            tasks.append(read(origin, task_id, item, text_field, source_field))
        except (AttributeError, TypeError) as err:  # an annotation that is not an object, ...
            raise ExportFormatError(f"{origin}, task {task_id}: not in Label Studio's task format ({err})") from err
    return tasks


def note_legacy_source(tasks: list[RawTask], origin: str, source_field: str = REPORT_FIELD) -> None:
    """Say once that tasks of ``origin`` named their report in the old field."""
    legacy = sum(t.legacy_source for t in tasks)
    if legacy:
        log.info(
            "%s: %d of %d tasks name their report in data.%s, the field's name before data.%s: read as such "
            "(README, For annotators: migrating a project)",
            origin, legacy, len(tasks), LEGACY_REPORT_FIELD, source_field,
        )  # fmt: skip


def _full_task(file: str, task_id: Any, item: dict, text_field: str, source_field: str) -> RawTask:
    data = item["data"] if isinstance(item["data"], dict) else {}
    source, legacy = _report(data, source_field)
    return RawTask(
        file=file,
        id=task_id,
        text=data.get(text_field),
        source=source,
        legacy_source=legacy,
        annotations=[_annotation(a) for a in item.get("annotations") or []],
        # Label Studio's own JSON export lists predictions by id only: nothing to read there
        predictions=[_annotation(p) for p in item.get("predictions") or [] if isinstance(p, dict)],
        text_field=text_field,
        fields=_string_fields(data),
    )


def _string_fields(data: dict) -> tuple[str, ...]:
    return tuple(k for k, v in data.items() if isinstance(v, str) and v.strip())


def _annotation(raw: dict) -> RawAnnotation:
    return RawAnnotation(
        id=raw.get("id"),
        result=list(raw.get("result") or []),
        cancelled=bool(raw.get("was_cancelled", False)),
        updated_at=str(raw.get("updated_at") or raw.get("created_at") or ""),
        model_version=str(raw.get("model_version") or ""),
    )


def _min_task(file: str, task_id: Any, item: dict, text_field: str, source_field: str) -> RawTask:
    """JSON_MIN: data fields at the top level, each labels control as a list of regions."""
    regions_key = next(
        (
            k
            for k, v in item.items()
            if isinstance(v, list) and v and all(isinstance(r, dict) and "labels" in r for r in v)
        ),
        None,
    )
    annotations = []
    if regions_key is not None:
        result = [{"type": "labels", "from_name": regions_key, "value": region} for region in item[regions_key]]
        annotations.append(
            RawAnnotation(id=item.get("annotation_id"), result=result, updated_at=str(item.get("updated_at", "")))
        )
    elif "annotation_id" in item:  # annotated, with no region at all
        annotations.append(
            RawAnnotation(id=item["annotation_id"], result=[], updated_at=str(item.get("updated_at", "")))
        )
    source, legacy = _report(item, source_field)
    return RawTask(
        file=file,
        id=task_id,
        text=item.get(text_field),
        source=source,
        annotations=annotations,
        legacy_source=legacy,
        text_field=text_field,
        fields=_string_fields(item),
    )


def _report(data: dict, source_field: str) -> tuple[str | None, bool]:
    """The report named by ``data[source_field]``, else by the legacy field; and whether it was the legacy one."""
    for name, legacy in ((source_field, False), (LEGACY_REPORT_FIELD, True)):
        if data.get(name) not in (None, ""):
            return str(data[name]), legacy and name != source_field
    return None, False


def labels_region(
    text: str, offsets: Utf16Offsets, start: int, end: int, label: str, region_id: str, from_name: str, to_name: str
) -> dict:
    """One ``labels`` result item as Label Studio writes it: offsets in UTF-16 code units."""
    return {
        "id": region_id,
        "from_name": from_name,
        "to_name": to_name,
        "type": "labels",
        "value": {
            "start": offsets.to_utf16(start),
            "end": offsets.to_utf16(end),
            "text": text[start:end],
            "labels": [label],
        },
    }


class ScoredSpan(Protocol):
    """A predicted entity: ``[start, end)`` in code points, its label and confidence."""

    start: int
    end: int
    label: str
    score: float


def prediction_result(text: str, entities: Iterable[ScoredSpan], from_name: str, to_name: str) -> list[dict]:
    """The ``result`` of a Label Studio prediction: one ``labels`` region per entity, with its
    score, offsets in UTF-16 code units."""
    offsets = Utf16Offsets(text)
    return [
        labels_region(text, offsets, e.start, e.end, e.label, uuid.uuid4().hex[:10], from_name, to_name)
        | {"score": e.score}
        for e in entities
    ]


def prediction(
    text: str, entities: Iterable[ScoredSpan], score: float, model_version: str, from_name: str, to_name: str
) -> dict:
    """One Label Studio prediction of ``text``. ``score`` is the confidence of the weakest
    character, so sorting by score puts the doubtful tasks first."""
    return {
        "model_version": model_version,
        "score": score,
        "result": prediction_result(text, entities, from_name, to_name),
    }


def prediction_task(
    data: dict,
    entities: Iterable[ScoredSpan] | None,
    score: float,
    model_version: str,
    from_name: str = "label",
    to_name: str = "text",
    text_field: str = "text",
) -> dict:
    """An import task: ``data`` (which holds the text under ``text_field``) and, unless
    ``entities`` is ``None``, the spans as its one prediction."""
    if entities is None:
        return {"data": data}
    return {
        "data": data,
        "predictions": [prediction(data[text_field], entities, score, model_version, from_name, to_name)],
    }

"""Annotations out of a Label Studio project, through the same validator as training."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from label_studio_sdk import LabelStudio
from omegaconf import DictConfig

from govner.data.dataset import DataSettings
from govner.data.labelstudio_format import REPORT_FIELD, RawTask, note_legacy_source, parse_export
from govner.data.spans import Document
from govner.data.validation import ValidationReport, validate_tasks
from govner.files import write_text_atomic
from govner.labelstudio.connection import connect, get_project


@dataclass
class ProjectExport:
    project_id: int
    title: str
    payload: list[dict]  # the JSON export, as Label Studio writes it

    @property
    def origin(self) -> str:
        return f"Label Studio project {self.title!r} (id {self.project_id})"

    def tasks(self, text_field: str = "text", source_field: str = REPORT_FIELD) -> list[RawTask]:
        tasks = parse_export(self.payload, self.origin, text_field, source_field)
        note_legacy_source(tasks, self.origin, source_field)
        return tasks


def export_project(client: LabelStudio, project: str | int) -> ProjectExport:
    """The project's annotated tasks (cancelled ones included) as a full JSON export."""
    found = get_project(client, project)
    raw = b"".join(client.projects.exports.download_sync(found.id, export_type="JSON", download_all_tasks=False))
    return ProjectExport(found.id, found.title, json.loads(raw))


def project_tasks(data: DataSettings | DictConfig) -> list[RawTask]:
    """The tasks of the Label Studio project ``data.project`` (server and token from the
    environment), read as :func:`govner.data.dataset.load_documents` reads export files."""
    data = DataSettings.of(data)
    return export_project(connect(), data.project).tasks(data.text_field, data.source_field)


def default_output(directory: str | Path, export: ProjectExport) -> Path:
    """``<directory>/labelstudio/<title>.json``, the title reduced to a safe file name."""
    name = re.sub(r"[^\w.-]+", "_", export.title).strip("_") or f"project_{export.project_id}"
    return Path(directory) / "labelstudio" / f"{name}.json"


def save_validated(
    export: ProjectExport,
    output: str | Path,
    labels: tuple[str, ...],
    policy: Mapping[str, str] | None = None,
    text_field: str = "text",
    source_field: str = REPORT_FIELD,
) -> tuple[list[Document], ValidationReport]:
    """Validate the export as training would, then write it to ``output``. Raises
    :class:`~govner.data.validation.DataValidationError`, writing nothing, when a problem
    whose policy is ``error`` is found."""
    docs, report = validate_tasks(export.tasks(text_field, source_field), labels, policy)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(output, json.dumps(export.payload, ensure_ascii=False, indent=1))
    return docs, report

"""Push reports into a Label Studio project: new texts only, pre-annotated, most uncertain first."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from label_studio_sdk import LabelStudio

from govner.data.labelstudio_format import read_export
from govner.inference.inputs import InputFailure, find_inputs, read_documents
from govner.labelstudio.tasks import Tagger, Unit, rank, report_source, report_units, unit_task

log = logging.getLogger(__name__)

IMPORT_BATCH = 500  # tasks per import request
# the label stream that serves each push order (a project setting of Label Studio)
SAMPLING = {"uncertainty": "Uncertainty sampling", "random": "Sequential sampling"}


@dataclass
class PushReport:
    project_id: int
    units: int = 0  # sentences / paragraphs read, the already annotated ones included
    pushed: int = 0
    annotated: int = 0  # skipped: the text is already annotated (``exclude``)
    in_project: int = 0  # skipped: the text is already a task of the project
    repeated: int = 0  # skipped: the text came earlier in this push
    over_limit: int = 0  # left out by ``limit`` (the least uncertain)
    task_ids: list[int] = field(default_factory=list)  # in import order
    failures: list[InputFailure] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [
            f"project {self.project_id}: {self.units} units read, {self.pushed} pushed; skipped: "
            f"{self.annotated} already annotated, {self.in_project} already in the project, "
            f"{self.repeated} repeated in the input, "
            f"{self.over_limit} over the limit; {len(self.failures)} input file(s) failed"
        ]
        lines += [f"  FAILED {f.source}: {f.reason}" for f in self.failures]
        return "\n".join(lines)


def project_texts(client: LabelStudio, project_id: int, text_field: str = "text") -> set[str]:
    """The texts of every task already in the project."""
    tasks = client.tasks.list(project=project_id, fields="task_only", page_size=1000)
    return {task.data.get(text_field) for task in tasks if task.data}


def read_units(
    input_spec: str | Path, unit: str, source_root: str | Path | None
) -> tuple[list[Unit], list[InputFailure]]:
    """The units of every report at ``input_spec``, and the files that could not be read (the
    files of an input directory that are not reports are logged as skipped)."""
    units: list[Unit] = []
    failures: list[InputFailure] = []
    inputs = find_inputs(input_spec)
    for item in inputs.skipped:
        log.warning("%s: skipped, %s", item.source, item.reason)
    for path in inputs.files:
        source = report_source(path, source_root)
        for item in read_documents(path):
            if isinstance(item, InputFailure):
                log.error("%s: %s", item.source, item.reason)
                failures.append(item)
            else:
                units.extend(report_units(item, unit, source))
    return units, failures


def push_units(
    client: LabelStudio,
    project_id: int,
    units: list[Unit],
    tagger: Tagger | None,
    model_version: str,
    limit: int | None = None,
    from_name: str = "label",
    to_name: str = "text",
    ordering: str = "uncertainty",
    seed: int = 0,
) -> PushReport:
    """Import the units whose text the project does not hold yet, each with the tagger's spans as
    a prediction, in ``ordering`` (:func:`~govner.labelstudio.tasks.rank`: most uncertain first, or
    shuffled with ``seed``; input order without a tagger); ``limit`` keeps the first ``limit`` of that order.
    The project's label stream is set to serve that order: uncertainty sampling (lowest prediction
    score, the path probability, first) or sequential sampling (import order)."""
    report = PushReport(project_id, units=len(units))
    existing = project_texts(client, project_id)
    seen: set[str] = set()
    fresh: list[Unit] = []
    for u in units:
        if u.text in existing:
            report.in_project += 1
        elif u.text in seen:
            report.repeated += 1
        else:
            seen.add(u.text)
            fresh.append(u)
    predictions = None
    if tagger is not None and fresh:
        log.info("tagging %d new units (%d characters)", len(fresh), sum(len(u.text) for u in fresh))
        predictions = tagger.predict([u.text for u in fresh])
    order = rank(predictions, ordering, seed) if predictions is not None else list(range(len(fresh)))
    if predictions is not None:
        client.projects.update(id=project_id, sampling=SAMPLING[ordering])
    if limit is not None:
        report.over_limit = max(0, len(order) - limit)
        order = order[:limit]
    tasks = [
        unit_task(fresh[i], predictions[i] if predictions else None, model_version, from_name, to_name) for i in order
    ]
    for start in range(0, len(tasks), IMPORT_BATCH):
        batch = tasks[start : start + IMPORT_BATCH]
        response = client.projects.import_tasks(id=project_id, request=batch, return_task_ids=True)
        if response.task_count != len(batch):
            raise RuntimeError(f"project {project_id}: imported {response.task_count} of {len(batch)} tasks")
        report.task_ids.extend(getattr(response, "task_ids", None) or [])
        report.pushed += len(batch)
    return report


def annotated_texts(path: str | Path, text_field: str = "text") -> set[str]:
    """Texts of the tasks with a submitted (not cancelled) annotation in the export(s) at ``path``:
    not to be pushed again."""
    tasks = read_export(path, text_field=text_field)
    return {t.text for t in tasks if isinstance(t.text, str) and any(not a.cancelled for a in t.annotations)}

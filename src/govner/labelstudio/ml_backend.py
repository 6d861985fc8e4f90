"""A Label Studio ML backend: a govner model's live predictions for a Label Studio project.

Label Studio (1.23, ``label_studio/ml/api_connector.py``) calls, relative to the backend URL:
``GET /health`` when the model is connected and before predicting; ``POST /setup`` with the
project's labeling config (``schema``), answered with the ``model_version``; ``POST /predict``
with tasks and the labeling config, answered with one prediction per task, in order; ``POST
/webhook`` with every project event (Label Studio registers that webhook on connect); ``GET
/versions``. Regions are built as ``scripts/ls_push.py`` builds pre-annotations: offsets in
UTF-16 code units, a score per span and per task.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from fastapi import FastAPI, HTTPException
from label_studio_sdk.label_interface import LabelInterface
from label_studio_sdk.label_interface.interface import LabelStudioXMLSyntaxErrorSentryIgnored, LSConfigParseException
from pydantic import BaseModel, ConfigDict, Field

from govner.data.labelstudio_format import prediction
from govner.data.offsets import lone_surrogate
from govner.errors import GovnerError
from govner.inference.predictor import Predictor

log = logging.getLogger(__name__)

MODEL_CLASS = "govner"


class LabelingConfigError(GovnerError, ValueError):
    """The project's labeling config gives the model nothing to predict."""


@dataclass(frozen=True)
class LabelingTarget:
    """Where predictions go: the ``Labels`` control, the ``Text`` object it labels, the task
    data field that object shows, and the labels both the control and the model know."""

    from_name: str
    to_name: str
    text_field: str
    labels: frozenset[str]


def labeling_target(config: str, labels: Sequence[str]) -> LabelingTarget:
    """The first ``Labels`` control of ``config`` over a ``Text`` object fed from task data
    (``value="$field"``) that names at least one of ``labels``."""
    try:
        interface = LabelInterface(config)
    except (LabelStudioXMLSyntaxErrorSentryIgnored, LSConfigParseException) as err:
        raise LabelingConfigError(f"labeling config is not valid XML: {err}") from err
    for control in interface.controls:
        if control.tag.lower() != "labels":
            continue
        for name in control.to_name or []:
            text = interface.get_object(name)
            if text is None or text.tag.lower() != "text" or not (text.value or "").startswith("$"):
                continue
            shared = frozenset(control.labels) & frozenset(labels)
            if shared:
                return LabelingTarget(control.name, name, text.value_name, shared)
    raise LabelingConfigError(
        'labeling config has no <Labels> control over a <Text value="$field"> object with any of the model\'s '
        f"labels ({', '.join(labels)})"
    )


class SetupRequest(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    project: str | int | None = None
    label_config: str | None = Field(default=None, alias="schema")


class Task(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: int | str | None = None
    data: dict[str, Any]


class PredictRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    tasks: list[Task] = Field(min_length=1)
    project: str | int | None = None
    label_config: str | None = None


class WebhookEvent(BaseModel):
    model_config = ConfigDict(extra="allow")
    action: str


def create_app(predictor: Predictor, version: str, default_target: LabelingTarget) -> FastAPI:
    """The HTTP app serving ``predictor``. ``default_target`` applies to requests that carry
    no labeling config; a config that names none of the model's labels is answered with 422."""
    labels = predictor.labels
    target_of = lru_cache(maxsize=32)(lambda config: labeling_target(config, labels))
    lock = threading.Lock()  # one prediction at a time: the model already uses every core
    app = FastAPI(title="govner Label Studio ML backend", version=version)

    def target(config: str | None) -> LabelingTarget:
        if not config:
            return default_target
        try:
            return target_of(config)
        except LabelingConfigError as err:
            raise _rejected(str(err)) from err

    @app.get("/")
    @app.get("/health")
    def health() -> dict:
        return {"status": "UP", "model_class": MODEL_CLASS, "model_version": version}

    @app.post("/setup")
    def setup(request: SetupRequest) -> dict:
        chosen = target(request.label_config)
        log.debug(  # Label Studio calls /setup before every batch it asks predictions for
            "project %s: %s into %s → %s", request.project, sorted(chosen.labels), chosen.from_name, chosen.to_name
        )
        return {"model_version": version}

    @app.post("/predict")
    def predict(request: PredictRequest) -> dict:
        chosen = target(request.label_config)
        texts = [_task_text(task, chosen) for task in request.tasks]
        started = time.perf_counter()
        with lock:
            predictions = predictor.predict(texts)
        elapsed_ms = 1000 * (time.perf_counter() - started)
        log.info("project %s: %d tasks predicted in %.0f ms", request.project, len(texts), elapsed_ms)
        results = [  # scored by the decoded path's probability, as ls_push scores its tasks
            prediction(
                text,
                [e for e in p.entities if e.label in chosen.labels],
                p.path_prob,
                version,
                chosen.from_name,
                chosen.to_name,
            )
            for text, p in zip(texts, predictions, strict=True)
        ]
        return {"results": results, "model_version": version}

    @app.post("/webhook")
    def webhook(event: WebhookEvent) -> dict:
        """Label Studio sends every project event here; the model is retrained offline
        (``scripts/train.py``), so events are acknowledged and left alone."""
        log.debug("webhook event %s ignored", event.action)
        return {"action": event.action, "status": "ignored"}

    @app.get("/versions")
    def versions() -> dict:
        return {"versions": [version]}

    return app


def _task_text(task: Task, target: LabelingTarget) -> str:
    if target.text_field not in task.data:
        raise _rejected(
            f"task {task.id}: data has no {target.text_field!r} field (shown by the labeling config's Text "
            f"{target.to_name!r}); it has {sorted(task.data)}"
        )
    text = task.data[target.text_field]
    if not isinstance(text, str):
        raise _rejected(f"task {task.id}: data.{target.text_field} is {type(text).__name__}, not a string")
    if problem := lone_surrogate(text):
        raise _rejected(f"task {task.id}: data.{target.text_field}: {problem}")
    return text


def _rejected(reason: str) -> HTTPException:
    """A 422 answer, also logged: Label Studio shows only the status, the reason is in this console."""
    log.warning("request rejected: %s", reason)
    return HTTPException(status_code=422, detail=reason)

"""A client for the Label Studio server named by environment variables, and its projects."""

from __future__ import annotations

import logging
import os

import httpx
from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError
from label_studio_sdk.label_interface import LabelInterface

from govner.data.labelstudio_format import LEGACY_REPORT_FIELD, REPORT_FIELD
from govner.errors import GovnerError

log = logging.getLogger(__name__)

URL_ENV = "LABEL_STUDIO_URL"
API_KEY_ENV = "LABEL_STUDIO_API_KEY"
START_SERVER = "bash scripts/labelstudio.sh (README, For annotators)"


class LabelStudioSetupError(GovnerError, RuntimeError):
    """The server cannot be reached as configured, or the project does not fit the label schema."""


def connect(url_env: str = URL_ENV, api_key_env: str = API_KEY_ENV) -> LabelStudio:
    """A client for the server at ``$LABEL_STUDIO_URL`` with the token in ``$LABEL_STUDIO_API_KEY``
    (legacy token or personal access token; Account & Settings in Label Studio shows it), checked
    with one request: a URL without scheme, a server that does not answer or a token it refuses is
    a :class:`LabelStudioSetupError` saying what to do."""
    url, api_key = os.environ.get(url_env), os.environ.get(api_key_env)
    missing = [name for name, value in ((url_env, url), (api_key_env, api_key)) if not value]
    if missing:
        raise LabelStudioSetupError(
            f"environment variable(s) {', '.join(missing)} not set: export {url_env}=http://localhost:8080 "
            f"and {api_key_env}=<your token from Label Studio, Account & Settings>"
        )
    if not url.startswith(("http://", "https://")):
        raise LabelStudioSetupError(f"{url_env}={url!r} has no scheme: export {url_env}=http://{url}")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request
    client = LabelStudio(base_url=url.rstrip("/"), api_key=api_key)
    try:
        client.users.whoami()
    except httpx.HTTPError as err:
        raise LabelStudioSetupError(
            f"cannot reach Label Studio at {url} ({url_env}): {err}; start the server: {START_SERVER}, "
            f"or set {url_env} to where it runs"
        ) from err
    except ApiError as err:
        if err.status_code in (401, 403):
            raise LabelStudioSetupError(
                f"Label Studio at {url} refused the token in {api_key_env} ({err.status_code}): export "
                f"{api_key_env}=<your token from Label Studio, Account & Settings>"
            ) from err
        raise LabelStudioSetupError(f"Label Studio at {url} ({url_env}) answered {err.status_code}: {err.body}") from err
    return client


def find_project(client: LabelStudio, project: str | int):
    """The project with id ``project`` (an int or a string of digits) or with that exact title;
    ``None`` if there is none. Raises when a title names more than one project."""
    if isinstance(project, int) or str(project).isdigit():
        return client.projects.get(id=int(project))
    matches = [p for p in client.projects.list(page_size=100) if p.title == project]
    if len(matches) > 1:
        raise LabelStudioSetupError(
            f"{len(matches)} projects are titled {project!r} (ids {', '.join(str(p.id) for p in matches)}); "
            "name the project by its id"
        )
    return client.projects.get(id=matches[0].id) if matches else None


def get_project(client: LabelStudio, project: str | int):
    """Like :func:`find_project`, but a missing project is an error."""
    found = find_project(client, project)
    if found is None:
        raise LabelStudioSetupError(f"no Label Studio project titled {project!r} (or with that id) on the server")
    return found


def ensure_project(client: LabelStudio, title: str, label_config: str, labels: tuple[str, ...], instructions: str = ""):
    """The project titled ``title``, created with ``label_config`` and ``instructions`` (HTML,
    shown before the first task) if there is none (the server validates the config) and with
    uncertainty sampling: the label stream serves the task with the lowest prediction score of
    the project's model version first. An existing project must offer exactly ``labels``; its
    labeling config and instructions are brought up to date (:func:`update_project`)."""
    project = find_project(client, title)
    if project is None:
        created = client.projects.create(
            title=title,
            label_config=label_config,
            sampling="Uncertainty sampling",
            expert_instruction=instructions,
            show_instruction=bool(instructions),
        )
        log.info("created project %r (id %s)", title, created.id)
        return client.projects.get(id=created.id)
    offered = tuple(LabelInterface(project.label_config).get_control().labels)
    if set(offered) != set(labels):
        raise LabelStudioSetupError(
            f"project {title!r} (id {project.id}) labels {list(offered)}, but the schema has {list(labels)}; "
            "update the project's labeling interface or push to a new project"
        )
    log.info("reusing project %r (id %s)", title, project.id)
    return update_project(client, project, label_config, instructions)


def update_project(client: LabelStudio, project, label_config: str, instructions: str = ""):
    """Give ``project`` this labeling config and these instructions where they differ. Tasks that
    name their report in data.source (before data.report) get data.report first, so a project
    pushed by an older govner keeps its report names in the header."""
    changes = {}
    if project.label_config != label_config:
        moved = copy_legacy_report(client, project.id)
        if moved:
            log.info(
                "project %s: data.%s copied to data.%s on %d task(s)",
                project.id,
                LEGACY_REPORT_FIELD,
                REPORT_FIELD,
                moved,
            )
        changes["label_config"] = label_config
    if instructions and (project.expert_instruction or "") != instructions:
        changes |= {"expert_instruction": instructions, "show_instruction": True}
    if not changes:
        return project
    log.info("project %s: updated %s", project.id, ", ".join(sorted(changes)))
    client.projects.update(id=project.id, **changes)
    return client.projects.get(id=project.id)


def copy_legacy_report(client: LabelStudio, project_id: int) -> int:
    """Copy data.source to data.report on every task of the project that has only the former;
    returns how many were changed."""
    moved = 0
    for task in client.tasks.list(project=project_id, fields="task_only", page_size=1000):
        data = task.data or {}
        if data.get(REPORT_FIELD) is None and data.get(LEGACY_REPORT_FIELD) is not None:
            client.tasks.update(id=task.id, data={**data, REPORT_FIELD: data[LEGACY_REPORT_FIELD]})
            moved += 1
    return moved

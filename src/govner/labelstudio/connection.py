"""A client for the Label Studio server named by environment variables, and its projects."""

from __future__ import annotations

import logging
import os

from label_studio_sdk import LabelStudio
from label_studio_sdk.label_interface import LabelInterface

from govner.errors import GovnerError

log = logging.getLogger(__name__)

URL_ENV = "LABEL_STUDIO_URL"
API_KEY_ENV = "LABEL_STUDIO_API_KEY"


class LabelStudioSetupError(GovnerError, RuntimeError):
    """The server cannot be reached as configured, or the project does not fit the label schema."""


def connect(url_env: str = URL_ENV, api_key_env: str = API_KEY_ENV) -> LabelStudio:
    """A client for the server at ``$LABEL_STUDIO_URL`` with the token in ``$LABEL_STUDIO_API_KEY``
    (legacy token or personal access token; Account & Settings in Label Studio shows it)."""
    url, api_key = os.environ.get(url_env), os.environ.get(api_key_env)
    missing = [name for name, value in ((url_env, url), (api_key_env, api_key)) if not value]
    if missing:
        raise LabelStudioSetupError(
            f"environment variable(s) {', '.join(missing)} not set: export {url_env}=http://localhost:8080 "
            f"and {api_key_env}=<your token from Label Studio, Account & Settings>"
        )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request
    return LabelStudio(base_url=url.rstrip("/"), api_key=api_key)


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


def ensure_project(client: LabelStudio, title: str, label_config: str, labels: tuple[str, ...]):
    """The project titled ``title``, created with ``label_config`` if there is none (the server
    validates the config) and with uncertainty sampling: the label stream serves the task with the
    lowest prediction score of the project's model version first. An existing project must offer
    exactly ``labels``."""
    project = find_project(client, title)
    if project is None:
        created = client.projects.create(title=title, label_config=label_config, sampling="Uncertainty sampling")
        log.info("created project %r (id %s)", title, created.id)
        return client.projects.get(id=created.id)
    offered = tuple(LabelInterface(project.label_config).get_control().labels)
    if set(offered) != set(labels):
        raise LabelStudioSetupError(
            f"project {title!r} (id {project.id}) labels {list(offered)}, but the schema has {list(labels)}; "
            "update the project's labeling interface or push to a new project"
        )
    log.info("reusing project %r (id %s)", title, project.id)
    return project

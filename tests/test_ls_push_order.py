"""ls-push's two orders against a real Label Studio server: the import order and the project's
label stream agree (uncertainty sampling for ``uncertainty``, sequential for ``random``)."""

import httpx
import pytest
from test_labelstudio_loop import CONFIDENCE, GOLD, LABELS, corpus  # noqa: F401  (module fixture)
from test_labelstudio_tasks import SCHEMA, StubTagger

from govner.labelstudio.connection import ensure_project
from govner.labelstudio.interface import labeling_config
from govner.labelstudio.push import push_units, read_units
from govner.labelstudio.tasks import rank

pytestmark = pytest.mark.labelstudio


def next_text(server, project_id):
    response = httpx.get(
        f"{server.url}/api/projects/{project_id}/next",
        headers={"Authorization": f"Token {server.api_key}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]["text"]


def test_random_order_is_seeded_and_served_in_import_order(labelstudio_server, corpus):  # noqa: F811
    client = labelstudio_server.client
    project = ensure_project(client, "govner random", labeling_config(list(LABELS), SCHEMA.label_style), LABELS)
    units, _ = read_units(corpus, "sentence", corpus)
    fresh = list(dict.fromkeys(u.text for u in units))
    tagger = StubTagger(CONFIDENCE)
    report = push_units(client, project.id, units, tagger, "stub@1", limit=5, ordering="random", seed=7)
    client.projects.update(id=project.id, model_version="stub@1")
    expected = [fresh[i] for i in rank(tagger.predict(fresh), "random", 7)[:5]]
    tasks = sorted(client.tasks.list(project=project.id, fields="all"), key=lambda t: t.id)
    assert [t.data["text"] for t in tasks] == expected and report.over_limit == len(GOLD) - 5
    assert expected != sorted(expected, key=CONFIDENCE.get)  # not the uncertainty order by chance
    assert client.projects.get(id=project.id).sampling == "Sequential sampling"
    assert next_text(labelstudio_server, project.id) == expected[0]

    # pushed again by uncertainty, the rest: the stream goes back to uncertainty sampling (which task
    # /next serves now is left alone: Label Studio first serves the task it already handed this user)
    again = push_units(client, project.id, units, tagger, "stub@1", ordering="uncertainty")
    assert again.pushed == len(GOLD) - 5
    assert client.projects.get(id=project.id).sampling == "Uncertainty sampling"

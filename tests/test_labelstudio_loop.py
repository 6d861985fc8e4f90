"""The annotation loop against a real Label Studio server: push tasks with pre-annotations
(most uncertain first, never twice) → annotate through the API as the labeling interface does →
pull through the training validator → train a tiny model on the pulled data → push new reports
with that model's predictions."""

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from conftest import MARKED, ROOT
from markup import parse_markup
from omegaconf import OmegaConf
from test_labelstudio_tasks import SCHEMA, StubTagger

from govner.data.dataset import load_documents
from govner.data.labelstudio_format import labels_region, read_export
from govner.data.offsets import Utf16Offsets
from govner.data.validation import validate_tasks
from govner.labelstudio.connection import ensure_project
from govner.labelstudio.interface import labeling_config
from govner.labelstudio.pull import export_project, project_tasks
from govner.labelstudio.push import push_units, read_units
from govner.labelstudio.tasks import Unit, uncertainty

pytestmark = pytest.mark.labelstudio

LABELS = tuple(SCHEMA.labels)
OPENINGS = ["今年", "去年", "上半年", "一季度", "前三季度"]
# Emoji and CJK Extension B (two UTF-16 code units each), full-width digits, half-width punctuation.
HARD = [
    (
        "🚀[[新增𠀀企业|INDICATOR]][[１６８|QUANTITY]][[家|UNIT]],增长[[3.5|QUANTITY]][[%|UNIT]];(牵头:[[区教育局|ORG]])😀。",
        "e",
    ),
    ("𠀀𠀁[[粮食产量|INDICATOR]]稳定在[[１２.５|QUANTITY]][[万吨|UNIT]]以上,[[𠀂村委会|ORG]]:好!", "e"),
]
SENTENCES = MARKED + [(f"{OPENINGS[i]}，{m}", f"{src}{i}") for i in range(5) for m, src in MARKED] + HARD
GOLD = {text: spans for text, spans in (parse_markup(m) for m, _ in SENTENCES)}
# A known confidence per sentence (the weakest character's), all distinct.
CONFIDENCE = {text: round(0.2 + 0.75 * ((i * 37) % 89) / 89, 4) for i, text in enumerate(GOLD)}


def script(name, *overrides, env):
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / name), *overrides],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
    )


def tasks_by_id(client, project_id):
    return sorted(client.tasks.list(project=project_id, fields="all", page_size=1000), key=lambda t: t.id)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Reports of one sentence per line under corpus/<folder>/; one line is repeated."""
    root = tmp_path_factory.mktemp("corpus")
    reports: dict[str, list[str]] = {}
    for marked, source in SENTENCES:
        reports.setdefault(f"city_{len(source)}/report_{source}.txt", []).append(parse_markup(marked)[0])
    reports["city_1/report_a.txt"].append(reports["city_1/report_a.txt"][0])  # the same text twice
    for name, lines in reports.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def pushed(labelstudio_server, corpus):
    """The corpus pushed with a stub model of known confidences."""
    client = labelstudio_server.client
    config = labeling_config(list(SCHEMA.labels), SCHEMA.label_style)
    project = ensure_project(client, "govner loop", config, LABELS)
    units, failures = read_units(corpus, "sentence", corpus)
    report = push_units(client, project.id, units, StubTagger(CONFIDENCE), "stub@1")
    client.projects.update(id=project.id, model_version="stub@1")
    return project, units, failures, report


def test_push_imports_every_text_once_most_uncertain_first(labelstudio_server, pushed):
    client = labelstudio_server.client
    project, units, failures, report = pushed
    assert not failures and report.units == len(GOLD) + 1
    assert (report.pushed, report.repeated, report.in_project) == (len(GOLD), 1, 0)
    tasks = tasks_by_id(client, project.id)
    assert [t.id for t in tasks] == report.task_ids
    texts = [t.data["text"] for t in tasks]
    assert sorted(texts) == sorted(GOLD)
    assert texts == sorted(GOLD, key=CONFIDENCE.get)  # import order: the model's weakest first
    for task in tasks:
        (prediction,) = task.predictions
        assert prediction.model_version == "stub@1"
        assert prediction.score == pytest.approx(CONFIDENCE[task.data["text"]])
        assert task.data["uncertainty"] == pytest.approx(1 - CONFIDENCE[task.data["text"]])
        source = task.data["report"]
        assert source.startswith("city_") and source.endswith(".txt") and task.data["offset"] >= 0
    # the project's label stream (uncertainty sampling) serves the least confident task first
    response = httpx.get(
        f"{labelstudio_server.url}/api/projects/{project.id}/next",
        headers={"Authorization": f"Token {labelstudio_server.api_key}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["text"] == min(GOLD, key=CONFIDENCE.get)


def test_push_never_imports_a_text_twice(labelstudio_server, pushed, corpus):
    client = labelstudio_server.client
    project, units, _, _ = pushed
    again = push_units(client, project.id, units, StubTagger(CONFIDENCE), "stub@1")
    assert (again.pushed, again.in_project, again.repeated) == (0, len(GOLD) + 1, 0)
    assert len(tasks_by_id(client, project.id)) == len(GOLD)


@pytest.fixture(scope="module")
def annotated(labelstudio_server, pushed):
    """Every task annotated as the labeling interface saves it (UTF-16 offsets), except one
    task skipped by the annotator and one left open."""
    client = labelstudio_server.client
    project = pushed[0]
    tasks = tasks_by_id(client, project.id)
    skipped, left_open = tasks[0], tasks[1]
    for task in tasks[2:]:
        text = task.data["text"]
        offsets = Utf16Offsets(text)
        result = [
            labels_region(text, offsets, s.start, s.end, s.label, f"t{task.id}-{i}", "label", "text")
            | {"origin": "manual"}
            for i, s in enumerate(GOLD[text])
        ]
        client.annotations.create(id=task.id, result=result, was_cancelled=False, lead_time=3.0)
    client.annotations.create(id=skipped.id, result=[], was_cancelled=True)
    return project, skipped, left_open


def test_pull_writes_the_validated_export_with_offsets_intact(labelstudio_server, annotated, tmp_path_factory):
    project, skipped, left_open = annotated
    output = tmp_path_factory.mktemp("pull") / "pulled.json"
    proc = script("ls_pull.py", f"project={project.id}", f"output={output}", env=labelstudio_server.env())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"task {skipped.id}: cancelled_annotation" in proc.stdout
    assert f"{len(GOLD) - 2} annotated task(s) ready for training" in proc.stdout
    raw = json.loads(output.read_text(encoding="utf-8"))
    assert left_open.id not in {t["id"] for t in raw}  # only annotated (or skipped) tasks are exported
    docs, report = validate_tasks(read_export(output), LABELS)
    assert len(docs) == len(GOLD) - 2 and report.utf16_converted == len(HARD)
    for doc in docs:
        assert doc.spans == sorted(GOLD[doc.text]), doc.text
    hard = next(t for t in raw if t["data"]["text"] == parse_markup(HARD[0][0])[0])
    start_utf16 = hard["annotations"][0]["result"][0]["value"]["start"]
    assert start_utf16 == 2 and GOLD[hard["data"]["text"]][0].start == 1  # the server keeps UTF-16 offsets


def test_pull_refuses_invalid_annotations_and_writes_nothing(labelstudio_server, tmp_path):
    client = labelstudio_server.client
    config = labeling_config(list(SCHEMA.labels), SCHEMA.label_style)
    project = ensure_project(client, "govner broken", config, LABELS)
    response = client.projects.import_tasks(
        id=project.id, request=[{"data": {"text": "全年地区生产总值717亿元。", "report": "x/y.txt"}}]
    )
    assert response.task_count == 1
    (task,) = tasks_by_id(client, project.id)
    wrong = {"start": 2, "end": 8, "text": "生产总值", "labels": ["INDICATOR"]}  # value.text does not match
    client.annotations.create(
        id=task.id, result=[{"from_name": "label", "to_name": "text", "type": "labels", "value": wrong}]
    )
    output = tmp_path / "broken.json"
    proc = script("ls_pull.py", "project='govner broken'", f"output={output}", env=labelstudio_server.env())
    assert proc.returncode == 1
    assert f"(id {project.id})" in proc.stdout and f"task {task.id}: text_mismatch" in proc.stdout
    assert not output.exists()


def test_training_reads_the_project_as_the_pulled_file(labelstudio_server, annotated, monkeypatch):
    monkeypatch.setenv("LABEL_STUDIO_URL", labelstudio_server.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", labelstudio_server.api_key)
    data_cfg = OmegaConf.load(ROOT / "configs" / "data" / "labelstudio_export.yaml")
    data_cfg = OmegaConf.merge(data_cfg, {"path": None, "project": "govner loop"})
    docs, report = load_documents(data_cfg, LABELS, project_tasks(data_cfg))
    assert {d.text: d.spans for d in docs} == {t: sorted(s) for t, s in GOLD.items() if t in {d.text for d in docs}}
    assert len(docs) == len(GOLD) - 2 and report.tasks == len(GOLD) - 1
    assert all("Label Studio project 'govner loop'" in d.origin for d in docs)


def test_train_on_pulled_data_then_push_with_the_new_model(labelstudio_server, annotated, corpus, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("retrain")
    env = labelstudio_server.env()
    pulled = tmp / "annotations" / "pulled.json"
    assert script("ls_pull.py", "project='govner loop'", f"output={pulled}", env=env).returncode == 0
    model_dir = tmp / "model"
    proc = script(
        "train.py",
        "model=tiny",
        "trainer=smoke",
        f"data.path={pulled.parent}",
        "data.split.test_reports_file=null",
        "data.split.test_ratio=0",  # no test report: the project's data may hold none
        "data.max_chars=24",
        "data.stride=8",
        f"hydra.run.dir={model_dir}",
        env=env,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    trained = json.loads((model_dir / "splits.json").read_text(encoding="utf-8"))
    assert sum(s["documents"] for s in trained.values()) == len(GOLD) - 2 and trained["test"]["documents"] == 0

    push = ["ls_push.py", f"input={corpus}", f"source_root={corpus}", "limit=10"]
    proc = script(*push, "project='govner round 2'", f"model_dir={model_dir}", "exclude=null", env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert f"{len(GOLD) + 1} units read, 10 pushed" in proc.stdout
    client = labelstudio_server.client
    project = ensure_project(client, "govner round 2", labeling_config(list(LABELS), SCHEMA.label_style), LABELS)
    tasks = tasks_by_id(client, project.id)
    assert len(tasks) == 10
    assert project.model_version.startswith("model@")
    uncertainty = [t.data["uncertainty"] for t in tasks]
    assert uncertainty == sorted(uncertainty, reverse=True)
    for task in tasks:
        (prediction,) = task.predictions
        assert prediction.model_version == project.model_version
        text = task.data["text"]
        for region in prediction.result:
            value = region["value"]
            start, end = (Utf16Offsets(text).to_index(value[k]) for k in ("start", "end"))
            assert text[start:end] == value["text"] and 0 < region["score"] <= 1
    again = script(*push, "project='govner round 2'", f"model_dir={model_dir}", "exclude=null", env=env)
    assert again.returncode == 0 and "0 pushed" in again.stdout and "10 already in the project" in again.stdout

    # The annotated sentences are left out when the pulled export is named in ``exclude``.
    proc = script(*push, "project='govner round 3'", "model_dir=null", f"exclude={pulled.parent}", env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    annotated_texts = {d.text for d in validate_tasks(read_export(pulled), LABELS)[0]}
    units = read_units(corpus, "sentence", corpus)[0]
    known = sum(u.text in annotated_texts for u in units)
    assert (
        f"{len(units)} units read, {len(units) - known - 1} pushed; skipped: {known} already annotated" in proc.stdout
    )
    round_3 = ensure_project(client, "govner round 3", labeling_config(list(LABELS), SCHEMA.label_style), LABELS)
    _, skipped, left_open = annotated
    assert {t.data["text"] for t in tasks_by_id(client, round_3.id)} == {skipped.data["text"], left_open.data["text"]}


def test_push_needs_the_server_in_the_environment(corpus):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABEL_STUDIO_")}
    proc = script("ls_push.py", f"input={corpus}", "model_dir=null", env=env)
    assert proc.returncode != 0 and "LABEL_STUDIO_URL" in proc.stderr


def test_offsets_and_uncertainty_are_numbers_the_data_manager_sorts_as_numbers(labelstudio_server):
    """JSON numbers, so the Data Manager sorts them as numbers: as text, 100 would come before 7."""
    client = labelstudio_server.client
    project = ensure_project(client, "govner numbers", labeling_config(list(LABELS), SCHEMA.label_style), LABELS)
    offsets, confidences = [7, 100, 12, 3], [0.1, 0.95, 0.5, 0.877]
    units = [Unit(f"第{i}句。", "a/r.txt", offset) for i, offset in enumerate(offsets)]
    tagger = StubTagger({u.text: c for u, c in zip(units, confidences, strict=True)})
    push_units(client, project.id, units, tagger, "s")
    headers = {"Authorization": f"Token {labelstudio_server.api_key}"}
    scores = sorted((uncertainty(p) for p in tagger.predict([u.text for u in units])), reverse=True)
    for ordering, key, expected in (
        ("tasks:data.offset", "offset", [3, 7, 12, 100]),
        ("-tasks:data.uncertainty", "uncertainty", scores),
    ):
        view = httpx.post(
            f"{labelstudio_server.url}/api/dm/views",
            headers=headers,
            json={"project": project.id, "data": {"ordering": [ordering]}},
            timeout=30,
        ).json()
        listed = httpx.get(
            f"{labelstudio_server.url}/api/tasks",
            headers=headers,
            params={"view": view["id"], "project": project.id, "page_size": 100},
            timeout=30,
        ).json()["tasks"]
        assert [t["data"][key] for t in listed] == expected


def test_a_project_pushed_with_data_source_is_migrated_on_the_next_push(labelstudio_server, tmp_path):
    """A project from before the rename: its header shows $source (the task as JSON in Label
    Studio's front end) and its tasks carry data.source. Reusing it updates both."""
    client = labelstudio_server.client
    old_config = labeling_config(list(LABELS), SCHEMA.label_style, source_field="source")
    old = client.projects.create(title="govner before report", label_config=old_config)
    text = "全年地区生产总值717亿元。"
    client.projects.import_tasks(id=old.id, request=[{"data": {"text": text, "source": "x/y.txt", "offset": 3}}])
    (task,) = tasks_by_id(client, old.id)
    region = labels_region(text, Utf16Offsets(text), 2, 8, "INDICATOR", "r1", "label", "text")
    client.annotations.create(id=task.id, result=[region])

    config = labeling_config(list(LABELS), SCHEMA.label_style)
    project = ensure_project(client, "govner before report", config, LABELS, "<p>the guide</p>")
    assert project.label_config == config and '"$report"' in project.label_config
    assert project.expert_instruction == "<p>the guide</p>" and project.show_instruction
    (task,) = tasks_by_id(client, old.id)
    assert task.data == {"text": text, "source": "x/y.txt", "report": "x/y.txt", "offset": 3}
    (doc,), _ = validate_tasks(export_project(client, old.id).tasks(), LABELS)
    assert doc.source == "x/y.txt" and [(s.start, s.end, s.label) for s in doc.spans] == [(2, 8, "INDICATOR")]
    assert ensure_project(client, "govner before report", config, LABELS, "<p>the guide</p>").id == old.id

def test_a_wrong_api_key_names_the_variable_not_a_raw_401(labelstudio_server, corpus):
    env = labelstudio_server.env() | {"LABEL_STUDIO_API_KEY": "not-the-token"}
    proc = script("ls_push.py", f"input={corpus}", "model_dir=null", env=env)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert "LABEL_STUDIO_API_KEY" in proc.stderr and "refused the token" in proc.stderr, proc.stderr[-3000:]
    assert "headers" not in proc.stderr  # no raw dump of the HTTP response

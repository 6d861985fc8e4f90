"""The ML backend connected to a real Label Studio server: Label Studio asks it for
predictions when a task is opened and when the Data Manager retrieves them, and stores the
spans with the right UTF-16 offsets. Marker ``labelstudio``; skips without label-studio."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from conftest import ROOT
from labelstudio_server import LabelStudioServer
from test_ml_backend import CONFIG, DEFAULT, TEXT, VERSION, expected_spans, rule_predictor

from govner.data.offsets import Utf16Offsets
from govner.inference.predictor import Predictor
from govner.labels import iob2_tags
from govner.labelstudio.ml_backend import create_app
from govner.model.model_dir import SETTINGS_FILE, ModelDir
from govner.model.modeling import scratch_config
from govner.model.tokenization import build_vocab, char_tokenizer

pytestmark = pytest.mark.labelstudio

BACKEND_START_TIMEOUT = 120  # seconds: the serve script imports torch and loads the model


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_backend(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + BACKEND_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the backend exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {BACKEND_START_TIMEOUT}s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def rule_backend() -> Iterator[str]:
    """The backend app with the rule model, served by uvicorn in a thread."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(rule_predictor(), VERSION, DEFAULT), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def project_with_backend(ls: LabelStudioServer, backend_url: str, title: str, config: str = CONFIG):
    project = ls.client.projects.create(title=title, label_config=config)
    backend = ls.client.ml.create(project=project.id, url=backend_url, title="govner", is_interactive=True)
    return project, backend


def regions(prediction) -> list[tuple[int, int, str, str]]:
    return [(r["value"]["start"], r["value"]["end"], r["value"]["labels"][0], r["value"]["text"]) for r in prediction]


def utf16(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str, str]]:
    offsets = Utf16Offsets(text)
    return [(offsets.to_utf16(s), offsets.to_utf16(e), label, text[s:e]) for s, e, label in spans]


def test_label_studio_connects_the_backend_and_takes_its_model_version(labelstudio_server, rule_backend):
    project, backend = project_with_backend(labelstudio_server, rule_backend, "connect")
    backend = labelstudio_server.client.ml.get(backend.id)
    assert backend.state == "CO", backend.error_message
    assert backend.model_version == VERSION


@pytest.mark.parametrize("opened_by", ["data manager", "label stream"])
def test_opening_a_task_shows_the_backends_predictions(labelstudio_server, rule_backend, opened_by):
    project, _ = project_with_backend(labelstudio_server, rule_backend, f"live, {opened_by}")
    labelstudio_server.client.projects.import_tasks(
        id=project.id, request=[{"data": {"text": TEXT, "report": "r.txt"}}]
    )
    (task,) = list(labelstudio_server.client.tasks.list(project=project.id))
    assert not labelstudio_server.client.predictions.list(task=task.id)
    # what the labeling screen requests: a task clicked in the Data Manager, or the next task of
    # "Label All Tasks"; Label Studio asks the backend on the way
    path = f"/api/tasks/{task.id}?fields=all" if opened_by == "data manager" else f"/api/projects/{project.id}/next"
    response = httpx.get(
        labelstudio_server.url + path, headers={"Authorization": f"Token {labelstudio_server.api_key}"}, timeout=60
    )
    assert response.status_code == 200 and response.json()["id"] == task.id
    (prediction,) = response.json()["predictions"]
    assert prediction["model_version"] == VERSION and 0.0 < prediction["score"] < 1.0
    assert regions(prediction["result"]) == utf16(TEXT, expected_spans(TEXT))
    assert all(r["from_name"] == "label" and r["to_name"] == "text" for r in prediction["result"])
    assert [r["score"] for r in prediction["result"]][:2] == [pytest.approx(0.9, abs=1e-3), pytest.approx(1.0)]
    stored = labelstudio_server.client.predictions.list(task=task.id)
    assert len(stored) == 1 and regions(stored[0].result) == regions(prediction["result"])


def test_retrieve_predictions_fills_every_task_with_custom_names(labelstudio_server, rule_backend):
    config = """<View><Labels name="ner" toName="para"><Label value="QUANTITY"/><Label value="UNIT"/></Labels>
      <Text name="para" value="$paragraph" granularity="symbol"/></View>"""
    project, _ = project_with_backend(labelstudio_server, rule_backend, "retrieve", config)
    texts = [TEXT, "🚀𠀀增长５．２％，新增3000万元。", "没有数字的句子。"]
    labelstudio_server.client.projects.import_tasks(id=project.id, request=[{"data": {"paragraph": t}} for t in texts])
    labelstudio_server.client.actions.create(
        id="retrieve_tasks_predictions", project=project.id, selected_items={"all": True, "excluded": []}
    )
    tasks = sorted(labelstudio_server.client.tasks.list(project=project.id), key=lambda t: t.id)
    assert [t.data["paragraph"] for t in tasks] == texts
    for text, task in zip(texts, tasks, strict=True):
        (prediction,) = labelstudio_server.client.predictions.list(task=task.id)
        assert prediction.model_version == VERSION
        assert regions(prediction.result) == utf16(text, expected_spans(text))
        assert all((r["from_name"], r["to_name"]) == ("ner", "para") for r in prediction.result)


def tiny_model_dir(path: Path) -> Path:
    """An untrained compact BERT saved as training saves one: its output is arbitrary, but
    fixed, so the served predictions can be compared with the predictor's."""
    from omegaconf import OmegaConf
    from transformers import BertForTokenClassification, set_seed

    set_seed(0)
    tags = iob2_tags()
    tokenizer = char_tokenizer(build_vocab([TEXT, "增长亿元万吨个百分点。，"]), model_max_length=64)
    arch = OmegaConf.create({"hidden_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2,
                             "intermediate_size": 32, "max_position_embeddings": 64, "dropout": 0.0})  # fmt: skip
    config = scratch_config(arch, tokenizer, num_labels=len(tags), id2label=dict(enumerate(tags)),
                            label2id={t: i for i, t in enumerate(tags)})  # fmt: skip
    BertForTokenClassification(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    settings = {"max_chars": 24, "stride": 8, "labels": ["INDICATOR", "QUANTITY", "UNIT", "ORG"], "decoding": "argmax"}
    (path / SETTINGS_FILE).write_text(json.dumps(settings), encoding="utf-8")
    return path


def test_the_serve_script_serves_a_saved_model_to_label_studio(labelstudio_server, tmp_path):
    model_dir = tiny_model_dir(tmp_path / "tiny-model")
    port = free_port()
    log = tmp_path / "backend.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "serve_ml_backend.py"), f"model_dir={model_dir}", f"port={port}",
             "batch_size=2"],
            stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True,
        )  # fmt: skip
    try:
        backend_url = f"http://127.0.0.1:{port}"
        wait_for_backend(f"{backend_url}/health", process, log)
        project, backend = project_with_backend(labelstudio_server, backend_url, "script")
        assert labelstudio_server.client.ml.get(backend.id).model_version == ModelDir(model_dir).version()
        texts = [TEXT, "全市规模以上工业增加值增长５．２％，新增市场主体1.13万户。" * 2]
        labelstudio_server.client.projects.import_tasks(id=project.id, request=[{"data": {"text": t}} for t in texts])
        labelstudio_server.client.actions.create(
            id="retrieve_tasks_predictions", project=project.id, selected_items={"all": True, "excluded": []}
        )
        expected = Predictor.from_dir(model_dir).predict(texts)
        tasks = sorted(labelstudio_server.client.tasks.list(project=project.id), key=lambda t: t.id)
        for text, task, want in zip(texts, tasks, expected, strict=True):
            (prediction,) = labelstudio_server.client.predictions.list(task=task.id)
            assert prediction.model_version == ModelDir(model_dir).version()
            assert prediction.score == pytest.approx(want.path_prob)
            assert regions(prediction.result) == utf16(text, [(e.start, e.end, e.label) for e in want.entities])
        assert any(expected[1].entities), "the untrained model predicts no span: the comparison shows nothing"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()

"""The ML backend connected to a real Label Studio server: Label Studio asks it for
predictions when a task is opened and when the Data Manager retrieves them, and stores the
spans with the right UTF-16 offsets. Marker ``labelstudio``; skips without label-studio."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from conftest import ROOT
from label_studio_sdk import LabelStudio
from test_ml_backend import CONFIG, DEFAULT, TEXT, VERSION, expected_spans, rule_predictor

from govner.data.offsets import Utf16Offsets
from govner.labels import iob2_tags
from govner.ml_backend import create_app, model_version
from govner.modeling import scratch_config
from govner.predictor import SETTINGS_FILE, Predictor
from govner.tokenization import build_vocab, char_tokenizer

pytestmark = pytest.mark.labelstudio

START_TIMEOUT = 300  # seconds: a fresh data directory is migrated on the first start


@dataclass
class Server:
    url: str
    token: str
    client: LabelStudio


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, log: Path, headers: dict | None = None) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, headers=headers, timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(1)
    raise RuntimeError(f"{url} did not answer within {START_TIMEOUT}s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process group, SIGKILL if it lingers."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        if process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def labelstudio(tmp_path_factory) -> Iterator[Server]:
    local = ROOT / ".venv-labelstudio" / "bin" / "label-studio"
    executable = os.environ.get("LABEL_STUDIO_BIN") or (str(local) if local.exists() else shutil.which("label-studio"))
    if executable is None:
        pytest.skip("label-studio is not installed: set LABEL_STUDIO_BIN or put label-studio on the PATH")
    data_dir = tmp_path_factory.mktemp("labelstudio")
    port, token = free_port(), secrets.token_hex(20)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env |= {"LABEL_STUDIO_BASE_DATA_DIR": str(data_dir), "LATEST_VERSION_CHECK": "false", "COLLECT_ANALYTICS": "false"}
    # Label Studio refuses an ML backend on a loopback address (ML_BLOCK_LOCAL_IP), and the
    # webhook it registers for the backend on connect (SSRF_PROTECTION_ENABLED)
    env |= {"ML_BLOCK_LOCAL_IP": "false", "SSRF_PROTECTION_ENABLED": "false"}
    command = [
        executable, "start", "--no-browser", "--data-dir", str(data_dir), "--port", str(port),
        "--internal-host", "127.0.0.1", "--username", "annotator@example.com", "--password", secrets.token_hex(12),
        "--user-token", token, "--enable-legacy-api-token", "--log-level", "WARNING",
    ]  # fmt: skip
    log = data_dir / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/api/projects", process, log, headers={"Authorization": f"Token {token}"})
        yield Server(url, token, LabelStudio(base_url=url, api_key=token))
    finally:
        stop(process)


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


def project_with_backend(ls: Server, backend_url: str, title: str, config: str = CONFIG):
    project = ls.client.projects.create(title=title, label_config=config)
    backend = ls.client.ml.create(project=project.id, url=backend_url, title="govner", is_interactive=True)
    return project, backend


def regions(prediction) -> list[tuple[int, int, str, str]]:
    return [(r["value"]["start"], r["value"]["end"], r["value"]["labels"][0], r["value"]["text"]) for r in prediction]


def utf16(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str, str]]:
    offsets = Utf16Offsets(text)
    return [(offsets.to_utf16(s), offsets.to_utf16(e), label, text[s:e]) for s, e, label in spans]


def test_label_studio_connects_the_backend_and_takes_its_model_version(labelstudio, rule_backend):
    project, backend = project_with_backend(labelstudio, rule_backend, "connect")
    backend = labelstudio.client.ml.get(backend.id)
    assert backend.state == "CO", backend.error_message
    assert backend.model_version == VERSION


@pytest.mark.parametrize("opened_by", ["data manager", "label stream"])
def test_opening_a_task_shows_the_backends_predictions(labelstudio, rule_backend, opened_by):
    project, _ = project_with_backend(labelstudio, rule_backend, f"live, {opened_by}")
    labelstudio.client.projects.import_tasks(id=project.id, request=[{"data": {"text": TEXT, "source": "r.txt"}}])
    (task,) = list(labelstudio.client.tasks.list(project=project.id))
    assert not labelstudio.client.predictions.list(task=task.id)
    # what the labeling screen requests: a task clicked in the Data Manager, or the next task of
    # "Label All Tasks"; Label Studio asks the backend on the way
    path = f"/api/tasks/{task.id}?fields=all" if opened_by == "data manager" else f"/api/projects/{project.id}/next"
    response = httpx.get(labelstudio.url + path, headers={"Authorization": f"Token {labelstudio.token}"}, timeout=60)
    assert response.status_code == 200 and response.json()["id"] == task.id
    (prediction,) = response.json()["predictions"]
    assert prediction["model_version"] == VERSION and 0.0 < prediction["score"] < 1.0
    assert regions(prediction["result"]) == utf16(TEXT, expected_spans(TEXT))
    assert all(r["from_name"] == "label" and r["to_name"] == "text" for r in prediction["result"])
    assert [r["score"] for r in prediction["result"]][:2] == [pytest.approx(0.9, abs=1e-3), pytest.approx(1.0)]
    stored = labelstudio.client.predictions.list(task=task.id)
    assert len(stored) == 1 and regions(stored[0].result) == regions(prediction["result"])


def test_retrieve_predictions_fills_every_task_with_custom_names(labelstudio, rule_backend):
    config = """<View><Labels name="ner" toName="para"><Label value="QUANTITY"/><Label value="UNIT"/></Labels>
      <Text name="para" value="$paragraph" granularity="symbol"/></View>"""
    project, _ = project_with_backend(labelstudio, rule_backend, "retrieve", config)
    texts = [TEXT, "🚀𠀀增长５．２％，新增3000万元。", "没有数字的句子。"]
    labelstudio.client.projects.import_tasks(id=project.id, request=[{"data": {"paragraph": t}} for t in texts])
    labelstudio.client.actions.create(
        id="retrieve_tasks_predictions", project=project.id, selected_items={"all": True, "excluded": []}
    )
    tasks = sorted(labelstudio.client.tasks.list(project=project.id), key=lambda t: t.id)
    assert [t.data["paragraph"] for t in tasks] == texts
    for text, task in zip(texts, tasks, strict=True):
        (prediction,) = labelstudio.client.predictions.list(task=task.id)
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


def test_the_serve_script_serves_a_saved_model_to_label_studio(labelstudio, tmp_path):
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
        wait_for(f"{backend_url}/health", process, log)
        project, backend = project_with_backend(labelstudio, backend_url, "script")
        assert labelstudio.client.ml.get(backend.id).model_version == model_version(model_dir)
        texts = [TEXT, "全市规模以上工业增加值增长５．２％，新增市场主体1.13万户。" * 2]
        labelstudio.client.projects.import_tasks(id=project.id, request=[{"data": {"text": t}} for t in texts])
        labelstudio.client.actions.create(
            id="retrieve_tasks_predictions", project=project.id, selected_items={"all": True, "excluded": []}
        )
        expected = Predictor.from_dir(model_dir).predict(texts)
        tasks = sorted(labelstudio.client.tasks.list(project=project.id), key=lambda t: t.id)
        for text, task, want in zip(texts, tasks, expected, strict=True):
            (prediction,) = labelstudio.client.predictions.list(task=task.id)
            assert prediction.model_version == model_version(model_dir)
            assert prediction.score == pytest.approx(want.score)
            assert regions(prediction.result) == utf16(text, [(e.start, e.end, e.label) for e in want.entities])
        assert any(expected[1].entities), "the untrained model predicts no span: the comparison shows nothing"
    finally:
        stop(process)

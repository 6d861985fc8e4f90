"""The Label Studio ML backend's HTTP protocol, with a rule 'model' whose output is known:
response shapes checked by the SDK's own validator, UTF-16 offsets, bad requests."""

import math
import os
import time
import unicodedata
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from fastapi.testclient import TestClient
from label_studio_sdk.label_interface import LabelInterface

from govner.data.offsets import Utf16Offsets
from govner.inference.inputs import InputDocument
from govner.inference.predictor import Predictor
from govner.inference.writers import document_task
from govner.labels import iob2_tags
from govner.labelstudio.ml_backend import LabelingTarget, create_app
from govner.model.model_dir import ModelDir
from govner.model.tokenization import build_vocab, char_tokenizer

TAGS = iob2_tags()
VERSION = "rules@20260101T000000"
CONFIG = """<View>
  <Header value="$report"/>
  <Labels name="label" toName="text">
    <Label value="INDICATOR" background="#4e79a7"/><Label value="QUANTITY" background="#e15759"/>
    <Label value="UNIT" background="#59a14f"/><Label value="ORG" background="#f28e2b"/>
  </Labels>
  <Text name="text" value="$text" granularity="symbol"/>
</View>"""
# Emoji and CJK Extension B take two UTF-16 units; full-width digits are digits all the same.
TEXT = "😀全年𠀀产值717.11亿元，增长３．０%（𠀁）🚀新增1.2万亩。"


class RuleTagger(torch.nn.Module):
    """Runs of digits (and points) are QUANTITY with confidence 0.9, runs of 亿万元亩% are UNIT
    with confidence 1; a tag is B- where the previous token is of another kind."""

    def __init__(self, tokenizer):
        super().__init__()
        self.config = SimpleNamespace(id2label=dict(enumerate(TAGS)))
        self.number = torch.tensor(tokenizer.convert_tokens_to_ids(list("0123456789.")))
        self.unit = torch.tensor(tokenizer.convert_tokens_to_ids(list("亿万元亩%")))

    def forward(self, input_ids, attention_mask=None, token_type_ids=None):
        never = -30.0
        logits = torch.full((*input_ids.shape, len(TAGS)), never)
        is_number, is_unit = torch.isin(input_ids, self.number), torch.isin(input_ids, self.unit)
        logits[..., 0] = torch.where(is_number, math.log(0.1), torch.where(is_unit, never, 0.0))
        for label, is_kind, confidence in (("QUANTITY", is_number, 0.9), ("UNIT", is_unit, 1.0)):
            after_same = torch.nn.functional.pad(is_kind[:, :-1], (1, 0), value=False)
            logits[..., TAGS.index(f"B-{label}")] = torch.where(is_kind & ~after_same, math.log(confidence), never)
            logits[..., TAGS.index(f"I-{label}")] = torch.where(is_kind & after_same, math.log(confidence), never)
        return SimpleNamespace(logits=logits)


def rule_predictor() -> Predictor:
    tok = char_tokenizer(build_vocab([TEXT, "0123456789.亿万元亩%"]), model_max_length=128)
    return Predictor(RuleTagger(tok), tok, max_chars=40, stride=16, batch_size=4)


def expected_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) in code points: what RuleTagger should find (NFKC folds ３．０％ to 3.0%)."""
    folded = [unicodedata.normalize("NFKC", ch) for ch in text]
    classes = ["QUANTITY" if ch in "0123456789." else "UNIT" if ch in "亿万元亩%" else None for ch in folded]
    spans, start = [], 0
    for i in range(1, len(text) + 1):
        if i == len(text) or classes[i] != classes[start]:
            if classes[start]:
                spans.append((start, i, classes[start]))
            start = i
    return spans


DEFAULT = LabelingTarget("label", "text", "text", frozenset(("INDICATOR", "QUANTITY", "UNIT", "ORG")))


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(rule_predictor(), VERSION, DEFAULT))


def utf16_slice(text: str, start: int, end: int) -> str:
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def test_health_and_setup_answer_the_model_version(client):
    health = client.get("/health")
    assert health.status_code == 200 and health.json()["status"] == "UP"
    assert client.get("/").json() == health.json()
    setup = client.post("/setup", json={"project": "1.1700000000", "schema": CONFIG, "hostname": "x"})
    assert setup.status_code == 200 and setup.json() == {"model_version": VERSION}
    assert client.get("/versions").json() == {"versions": [VERSION]}


def test_predictions_pass_the_sdk_validator_with_utf16_offsets(client):
    assert expected_spans(TEXT)[:2] == [(6, 12, "QUANTITY"), (12, 14, "UNIT")]
    tasks = [{"id": 7, "data": {"text": TEXT, "report": "r.txt"}}]
    response = client.post("/predict", json={"tasks": tasks, "project": "1.1", "label_config": CONFIG, "params": {}})
    assert response.status_code == 200
    body = response.json()
    assert body["model_version"] == VERSION and len(body["results"]) == 1
    prediction = body["results"][0]
    assert prediction["model_version"] == VERSION and 0.0 < prediction["score"] < 1.0
    assert LabelInterface(CONFIG).validate_prediction(prediction, return_errors=True) == []
    offsets = Utf16Offsets(TEXT)
    got = []
    for region in prediction["result"]:
        value = region["value"]
        assert (region["from_name"], region["to_name"], region["type"]) == ("label", "text", "labels")
        assert utf16_slice(TEXT, value["start"], value["end"]) == value["text"]
        start, end = offsets.to_index(value["start"]), offsets.to_index(value["end"])
        assert TEXT[start:end] == value["text"]
        got.append((start, end, value["labels"][0]))
        assert region["score"] == pytest.approx(0.9 if value["labels"][0] == "QUANTITY" else 1.0, abs=1e-3)
    assert got == expected_spans(TEXT)
    # after the astral characters, UTF-16 offsets run ahead of code points
    assert prediction["result"][0]["value"]["start"] == 6 + 2


def test_predictions_equal_the_pre_annotations_written_for_label_studio(client):
    response = client.post("/predict", json={"tasks": [{"id": 1, "data": {"text": TEXT}}], "label_config": CONFIG})
    live = response.json()["results"][0]
    prediction = rule_predictor().predict([TEXT])[0]
    task = document_task(InputDocument("d", "r.txt", TEXT), prediction, VERSION, "label", "text")
    offline = task["predictions"][0]
    strip = lambda result: [{k: v for k, v in r.items() if k != "id"} for r in result]  # noqa: E731
    assert strip(live["result"]) == strip(offline["result"]) and live["score"] == offline["score"]


def test_a_batch_of_tasks_is_answered_in_order(client):
    texts = [f"第{i}项增长{i * 37}亿元。" * (i % 3 + 1) for i in range(12)]
    tasks = [{"id": i, "data": {"text": t}} for i, t in enumerate(texts)]
    results = client.post("/predict", json={"tasks": tasks, "label_config": CONFIG}).json()["results"]
    assert len(results) == len(texts)
    for text, result in zip(texts, results, strict=True):
        assert [(r["value"]["start"], r["value"]["end"], r["value"]["labels"][0]) for r in result["result"]] == (
            expected_spans(text)
        )


def test_names_and_labels_come_from_the_projects_labeling_config(client):
    config = """<View><Text name="para" value="$paragraph"/>
      <Labels name="ner" toName="para"><Label value="QUANTITY"/><Label value="PERSON"/></Labels></View>"""
    assert client.post("/setup", json={"schema": config}).status_code == 200
    task = {"id": 3, "data": {"paragraph": TEXT}}
    result = client.post("/predict", json={"tasks": [task], "label_config": config}).json()["results"][0]["result"]
    assert {(r["from_name"], r["to_name"]) for r in result} == {("ner", "para")}
    assert [(r["value"]["labels"][0]) for r in result] == ["QUANTITY"] * 3  # UNIT is not in this config
    assert LabelInterface(config).validate_prediction({"result": result}, return_errors=True) == []


def test_requests_without_a_labeling_config_use_the_defaults(client):
    result = client.post("/predict", json={"tasks": [{"data": {"text": "增长5%"}}]}).json()["results"][0]["result"]
    assert [(r["from_name"], r["to_name"], r["value"]["text"]) for r in result] == [
        ("label", "text", "5"),
        ("label", "text", "%"),
    ]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("<View><Labels", "not valid XML"),
        ('<View><Labels name="l" toName="t"><Label value="PERSON"/></Labels><Text name="t" value="$text"/></View>',
         "any of the model's labels (INDICATOR, QUANTITY, UNIT, ORG)"),
        ('<View><Labels name="l" toName="t"><Label value="ORG"/></Labels><Text name="t" value="static"/></View>',
         "no <Labels> control over a <Text"),
    ],
)  # fmt: skip
def test_a_labeling_config_the_model_cannot_serve_is_rejected(client, config, message):
    for response in (
        client.post("/setup", json={"schema": config}),
        client.post("/predict", json={"tasks": [{"data": {"text": "1"}}], "label_config": config}),
    ):
        assert response.status_code == 422 and message in response.json()["detail"]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"tasks": [{"id": 1, "data": {"text": "1"}}, {"id": 9, "data": {"txt": "1"}}]},
         "task 9: data has no 'text' field (shown by the labeling config's Text 'text'); it has ['txt']"),
        ({"tasks": [{"id": 4, "data": {"text": ["1"]}}]}, "task 4: data.text is list, not a string"),
    ],
)  # fmt: skip
def test_tasks_without_their_text_are_rejected_by_name(client, payload, message):
    response = client.post("/predict", json=payload | {"label_config": CONFIG})
    assert response.status_code == 422 and response.json()["detail"] == message


@pytest.mark.parametrize(
    "payload", [{}, {"tasks": []}, {"tasks": [{"id": 1}]}, {"tasks": "text"}, {"tasks": [{"data": "x"}]}]
)
def test_malformed_predict_requests_get_422(client, payload):
    response = client.post("/predict", json=payload)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:2] == ["body", "tasks"]


def test_a_body_that_is_not_json_gets_422(client):
    response = client.post("/predict", content=b"{tasks", headers={"content-type": "application/json"})
    assert response.status_code == 422


def test_webhook_events_are_acknowledged(client):
    response = client.post("/webhook", json={"action": "ANNOTATION_CREATED", "annotation": {"id": 1}})
    assert response.status_code == 200 and response.json() == {"action": "ANNOTATION_CREATED", "status": "ignored"}
    assert client.post("/webhook", json={"project": {}}).status_code == 422


def test_model_labels_and_version_come_from_the_model(tmp_path: Path):
    assert rule_predictor().labels == ["INDICATOR", "QUANTITY", "UNIT", "ORG"]
    model_dir = tmp_path / "run-3"
    model_dir.mkdir()
    weights = model_dir / "model.safetensors"
    weights.write_bytes(b"")
    stamp = time.mktime((2026, 3, 1, 8, 30, 5, 0, 0, -1))
    os.utime(weights, (stamp, stamp))
    expected = time.strftime("%Y%m%dT%H%M%S", time.gmtime(stamp))
    assert ModelDir(model_dir).version() == f"run-3@{expected}"


def test_a_task_with_a_lone_surrogate_is_rejected_by_name(client):
    body = '{"tasks": [{"id": 7, "data": {"text": "增长\\ud83d3%"}}]}'  # an emoji cut in half
    response = client.post("/predict", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("task 7: data.text: lone surrogate U+D83D at character 2")

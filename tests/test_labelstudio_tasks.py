"""Label Studio tasks without a server: labeling interface, units, uncertainty order, offsets."""

import math
import os
import subprocess
import sys

import pytest
from conftest import ROOT
from label_studio_sdk.label_interface import LabelInterface
from omegaconf import OmegaConf

from govner.data.dataset import load_documents
from govner.data.labelstudio_format import parse_export
from govner.data.offsets import Utf16Offsets
from govner.data.validation import validate_tasks
from govner.errors import GovnerError
from govner.inference.inputs import InputDocument
from govner.inference.predictor import DocumentPrediction, Entity
from govner.labelstudio.connection import LabelStudioSetupError
from govner.labelstudio.interface import GUIDE, labeling_config, labeling_instructions
from govner.labelstudio.pull import project_tasks
from govner.labelstudio.tasks import Unit, rank_by_uncertainty, report_source, report_units, unit_task

SCHEMA = OmegaConf.load(ROOT / "configs" / "label_schema.yaml")
# Emoji and CJK Extension B take two UTF-16 code units; full-width digits; mixed punctuation.
HARD = "🚀新增𠀀企业１６８家,增长3.5%;(区教育局)"


class StubTagger:
    """Predictions with known confidences: ``lowest[text]`` for the decoded path and the weakest character."""

    def __init__(self, lowest: dict[str, float]) -> None:
        self.lowest = lowest

    def predict(self, texts):
        return [DocumentPrediction([], 0.99, self.lowest[t], path_log_prob=math.log(self.lowest[t])) for t in texts]


def test_labeling_config_comes_from_the_schema_with_colors_and_hotkeys():
    config = labeling_config(list(SCHEMA.labels), SCHEMA.label_style)
    interface = LabelInterface(config)
    assert interface.get_control("label").labels == list(SCHEMA.labels)
    for label, style in SCHEMA.label_style.items():
        assert f'value="{label}" background="{style.color}" hotkey="{style.hotkey}"' in config
    assert '<Text name="text" value="$text" granularity="symbol"' in config
    assert '<Header value="$report"' in config  # not $source: Label Studio's front end overwrites data.source


def test_labeling_instructions_name_every_label_its_hotkey_and_the_guide():
    push = OmegaConf.load(ROOT / "configs" / "ls_push.yaml")
    text = labeling_instructions(SCHEMA.labels, SCHEMA.label_style, push.instructions.hints, push.instructions.rules)
    for label, style in SCHEMA.label_style.items():
        assert (
            f'<b style="color:{style.color}">{label}</b> (key {style.hotkey}): {push.instructions.hints[label]}' in text
        )
    assert all(rule in text for rule in push.instructions.rules) and GUIDE in text
    assert "&lt;b&gt;" in labeling_instructions(["ORG"], {"ORG": {"color": "red", "hotkey": "4"}}, {"ORG": "<b>"}, [])


@pytest.mark.parametrize(
    ("style", "message"),
    [
        ({"INDICATOR": {"color": "red", "hotkey": "1"}}, "missing"),
        ({**SCHEMA.label_style, "PERSON": {"color": "red", "hotkey": "9"}}, "unknown"),
        ({label: {"color": "red", "hotkey": "1"} for label in SCHEMA.labels}, "own hotkey"),
    ],
)
def test_labeling_config_rejects_a_style_that_does_not_fit_the_labels(style, message):
    with pytest.raises(GovnerError, match=message):
        labeling_config(list(SCHEMA.labels), style)


def test_units_keep_their_offset_in_the_report():
    text = "  第一段。第二句！\n\n 第二段，没有句号\n"
    doc = InputDocument("r", "r.txt", text)
    sentences = list(report_units(doc, "sentence", "a/r.txt"))
    paragraphs = list(report_units(doc, "paragraph", "a/r.txt"))
    assert [u.text for u in sentences] == ["第一段。", "第二句！", "第二段，没有句号"]
    assert [u.text for u in paragraphs] == ["第一段。第二句！", "第二段，没有句号"]
    for unit in sentences + paragraphs:
        assert text[unit.offset : unit.offset + len(unit.text)] == unit.text and unit.source == "a/r.txt"
    with pytest.raises(ValueError, match="unit must be one of"):
        list(report_units(doc, "page", "a/r.txt"))


def test_report_source_is_relative_to_the_corpus_root(tmp_path):
    (tmp_path / "city_2024").mkdir()
    report = tmp_path / "city_2024" / "三亚.txt"
    assert report_source(report, tmp_path) == "city_2024/三亚.txt"
    assert report_source(report, tmp_path / "elsewhere") == "city_2024/三亚.txt"  # folder/file outside the root
    assert report_source(report, None) == "city_2024/三亚.txt"


def test_uncertainty_order_puts_the_least_confident_first():
    confidences = {"a": 0.97, "b": 0.41, "c": 0.88, "d": 0.41, "e": 0.60}
    predictions = StubTagger(confidences).predict(list(confidences))
    order = rank_by_uncertainty(predictions)
    assert [list(confidences)[i] for i in order] == ["b", "d", "e", "c", "a"]  # ties (b, d) keep their order


def test_prediction_task_offsets_survive_the_round_trip_through_utf16():
    spans = [("𠀀企业", "INDICATOR"), ("１６８", "QUANTITY"), ("家", "UNIT"), ("3.5", "QUANTITY"), ("%", "UNIT")]
    entities, position = [], 0
    for surface, label in spans:
        start = HARD.index(surface, position)
        position = start + len(surface)
        entities.append(Entity(start, position, label, surface, 0.8))
    entities.append(Entity(HARD.index("区教育局"), HARD.index("区教育局") + 4, "ORG", "区教育局", 0.6))
    task = unit_task(Unit(HARD, "a/r.txt", 7), DocumentPrediction(entities, 0.9, 0.35, path_log_prob=math.log(0.35)), "m@1")
    prediction = task["predictions"][0]
    assert (prediction["model_version"], prediction["score"]) == ("m@1", pytest.approx(0.35))
    assert task["data"] == {"text": HARD, "report": "a/r.txt", "offset": 7, "uncertainty": 0.65}
    units = Utf16Offsets(HARD)
    for region, entity in zip(prediction["result"], entities, strict=True):
        assert region["value"]["start"] == units.to_utf16(entity.start) and region["score"] == entity.score
        assert region["value"]["start"] > entity.start  # after the emoji: UTF-16 differs from code points
    # read back as an export (predictions used as annotations): the same code-point spans
    payload = [{"id": 1, **task}]
    docs, report = validate_tasks(parse_export(payload, "push"), SCHEMA.labels, use_predictions=True)
    assert [(s.start, s.end, s.label) for s in docs[0].spans] == [(e.start, e.end, e.label) for e in entities]
    assert report.utf16_converted == 1


def test_task_without_a_model_has_no_prediction():
    task = unit_task(Unit("没有模型。", "a/r.txt", 0), None, "")
    assert task == {"data": {"text": "没有模型。", "report": "a/r.txt", "offset": 0}}


def test_training_from_a_file_does_not_import_the_labelstudio_client():
    code = (
        "import sys; import govner.data.dataset, govner.training.trainer, govner.inference.batch; "
        "bad = sorted(m for m in sys.modules if m.startswith(('label_studio_sdk', 'govner.labelstudio'))); "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_files_do_not_answer_for_a_project():
    data_cfg = OmegaConf.merge(
        OmegaConf.load(ROOT / "configs" / "data" / "labelstudio_export.yaml"), {"path": None, "project": "govner"}
    )
    with pytest.raises(ValueError, match="project_tasks"):
        load_documents(data_cfg, tuple(SCHEMA.labels))


def test_training_from_a_project_needs_the_server_in_the_environment(monkeypatch):
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    data_cfg = OmegaConf.merge(
        OmegaConf.load(ROOT / "configs" / "data" / "labelstudio_export.yaml"), {"path": None, "project": "govner"}
    )
    with pytest.raises(LabelStudioSetupError, match="LABEL_STUDIO_URL, LABEL_STUDIO_API_KEY"):
        project_tasks(data_cfg)


def _start(tmp_path, *args, **env):
    """Run scripts/labelstudio.sh with a stand-in label-studio that prints what it was given."""
    fake = tmp_path / "label-studio"
    fake.write_text(
        '#!/bin/sh\necho "ARGS $*"\nenv | grep -E "^(SENTRY_DSN|FRONTEND_SENTRY_DSN|ML_BLOCK_LOCAL_IP|PYTHONPATH)="\n'
    )
    fake.chmod(0o755)
    base = {k: v for k, v in os.environ.items() if not k.startswith("LABEL_STUDIO_")} | {"PYTHONPATH": "x"}
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "labelstudio.sh"), *args],
        capture_output=True, text=True, env=base | {"LABEL_STUDIO_BIN": str(fake)} | env, timeout=60,
    )  # fmt: skip


def test_labelstudio_sh_binds_loopback_keeps_data_in_the_given_dir_and_creates_the_login_once(tmp_path):
    data = tmp_path / "data"
    first = _start(tmp_path, "--data-dir", str(data), LABEL_STUDIO_USERNAME="a@b.cn", LABEL_STUDIO_PASSWORD="pw")
    assert first.returncode == 0, first.stderr
    args = next(line for line in first.stdout.splitlines() if line.startswith("ARGS"))
    assert f"start --no-browser --data-dir {data} --port 8080 --internal-host 127.0.0.1" in args
    assert "--username a@b.cn --password pw --user-token" in args and "--enable-legacy-api-token" in args
    assert "export LABEL_STUDIO_API_KEY=" in first.stdout  # generated, printed once
    assert {"SENTRY_DSN=", "FRONTEND_SENTRY_DSN=", "ML_BLOCK_LOCAL_IP=false"} <= set(first.stdout.splitlines())
    assert not any(line.startswith("PYTHONPATH=") for line in first.stdout.splitlines())
    (data / "label_studio.sqlite3").touch()  # a later start: no login needed, none created
    later = _start(tmp_path, "--data-dir", str(data), "--internal-host", "0.0.0.0", "--log-level", "WARNING")
    assert later.returncode == 0 and "--username" not in later.stdout and "--log-level WARNING" in later.stdout
    assert "ML_BLOCK_LOCAL_IP=false" not in later.stdout  # SSRF protection stays on beyond loopback


def test_labelstudio_sh_says_what_is_missing(tmp_path):
    first = _start(tmp_path, "--data-dir", str(tmp_path / "fresh"))
    assert first.returncode == 2 and "set LABEL_STUDIO_USERNAME" in first.stderr
    missing = _start(tmp_path, LABEL_STUDIO_BIN=str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "run 'bash scripts/setup_labelstudio.sh' first" in missing.stderr

"""Train a tiny scratch model through the real entry points, then evaluate and predict with
the saved directory, checking the files against the documented contracts."""

import json
import subprocess
import sys

import pytest
from conftest import MARKED, ROOT, TINY_TRAINING, export_tasks, write_json

from govner.data.labelstudio_format import read_export
from govner.data.validation import validate_tasks
from govner.labels import ENTITY_LABELS
from govner.model.model_dir import ModelDir

# More sentences for the tiny run: the fixture set again, with distinct openings, in more reports.
OPENINGS = ["今年", "去年", "上半年", "一季度", "前三季度"]
EXTRA = [(f"{OPENINGS[i]}，{m}", f"{src}{i}") for i in range(5) for m, src in MARKED]


def run(script, *overrides, check=True):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), *overrides],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"{script} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def contract_metrics(metrics):
    assert set(metrics["overall"]) >= {"precision", "recall", "f1"}
    assert set(metrics["per_type"]) == set(ENTITY_LABELS)
    for row in metrics["per_type"].values():
        assert set(row) >= {"precision", "recall", "f1", "support"}
        assert 0.0 <= row["f1"] <= 1.0


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("integration")
    data = write_json(tmp / "data" / "export.json", export_tasks(MARKED + EXTRA))
    model_dir = tmp / "model"
    proc = run(
        "train.py",
        *TINY_TRAINING,
        f"data.path={data}",
        f"hydra.run.dir={model_dir}",
    )
    return tmp, data, model_dir, proc


def test_training_writes_a_self_contained_model_directory(trained):
    _, _, model_dir, proc = trained
    for name in (
        "model.safetensors",
        "config.json",
        "tokenizer.json",
        "label_map.json",
        "govner.json",
        "config.yaml",
        "splits.json",
        "README.md",
    ):
        assert (model_dir / name).is_file(), name
    assert not (model_dir / "checkpoints").exists()
    metrics = json.loads((model_dir / "metrics.json").read_text())
    contract_metrics(metrics["dev"])
    contract_metrics(metrics["test"])
    assert metrics["training"]["steps"] > 0
    splits = json.loads((model_dir / "splits.json").read_text())
    assert not set(splits["train"]["sources"]) & set(splits["test"]["sources"])
    config = json.loads((model_dir / "config.json").read_text())
    assert config["id2label"]["0"] == "O" and len(config["id2label"]) == 9
    assert "micro" in proc.stdout and "model directory:" in proc.stdout


def test_evaluate_contract(trained):
    tmp, data, model_dir, _ = trained
    out = tmp / "eval"
    run("evaluate.py", f"model_dir={model_dir}", f"data.path={data}", f"output_dir={out}")
    metrics = json.loads((out / "metrics.json").read_text())
    contract_metrics(metrics)
    assert metrics["documents"] == len(MARKED + EXTRA)
    assert set(metrics["span_errors"]) >= {"wrong_type", "wrong_boundary", "missed", "spurious"}
    for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        assert {"id", "text", "gold", "predicted"} <= set(row)


def test_evaluate_on_the_recorded_test_split(trained):
    tmp, _, model_dir, _ = trained
    out = tmp / "eval-test"
    run("evaluate.py", f"model_dir={model_dir}", "split=test", f"output_dir={out}")
    splits = json.loads((model_dir / "splits.json").read_text())
    assert json.loads((out / "metrics.json").read_text())["documents"] == splits["test"]["documents"]


def test_predict_contract_and_bad_files(trained):
    tmp, _, model_dir, _ = trained
    inputs = tmp / "reports"
    inputs.mkdir()
    long_report = "。".join(text for text, _ in [(m.replace("[[", "").replace("]]", ""), s) for m, s in MARKED]) * 3
    import re

    long_report = re.sub(r"\|[A-Z]+", "", long_report)
    (inputs / "r1.txt").write_text(long_report, encoding="utf-8")
    (inputs / "r2.jsonl").write_text(
        json.dumps({"id": "doc-9", "text": "全年增长😀５．１％。"}, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (inputs / "broken.txt").write_bytes(b"\xff\xfe\x00bad")
    out = tmp / "pred" / "out.jsonl"
    proc = run("predict.py", f"model_dir={model_dir}", f"input={inputs}", f"output={out}", check=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "1 failed" in proc.stdout and "broken.txt" in proc.stdout
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["r1", "doc-9"]
    texts = {"r1": long_report, "doc-9": "全年增长😀５．１％。"}
    for row in rows:
        assert set(row) == {"id", "source", "entities"}
        for e in row["entities"]:
            assert set(e) == {"start", "end", "label", "text", "score"}
            assert texts[row["id"]][e["start"] : e["end"]] == e["text"]
            assert e["label"] in ENTITY_LABELS and 0.0 <= e["score"] <= 1.0

    ls_out = tmp / "pred" / "tasks.json"
    run(
        "predict.py",
        f"model_dir={model_dir}",
        f"input={inputs}/r2.jsonl",
        f"output={ls_out}",
        "output_format=labelstudio",
    )
    tasks = read_export(ls_out)
    docs, report = validate_tasks(tasks, ENTITY_LABELS, use_predictions=True)
    assert report.used == 1
    # stamped as ls_push and the ML backend stamp it
    assert tasks[0].predictions[0].model_version == ModelDir(model_dir).version()
    expected = [(e["start"], e["end"], e["label"]) for e in rows[1]["entities"]]
    assert [(s.start, s.end, s.label) for s in docs[0].spans] == expected


def test_a_local_pretrained_directory_works_like_a_hub_name(tmp_path):
    """``model=hub`` with a local BERT directory (standing in for e.g. bert-base-chinese)."""
    from transformers import BertConfig, BertForMaskedLM, BertTokenizerFast

    chars = sorted({ch for m, _ in MARKED for ch in m if not ch.isspace()})
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars]), encoding="utf-8")
    base = tmp_path / "base"
    tokenizer = BertTokenizerFast(vocab_file=str(vocab))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
    )
    BertForMaskedLM(config).save_pretrained(base)
    tokenizer.save_pretrained(base)
    data = write_json(tmp_path / "data" / "export.json", export_tasks(MARKED + EXTRA))
    model_dir = tmp_path / "model"
    run(
        "train.py",
        "model=hub",
        f"model.name_or_path={base}",
        "trainer=smoke",
        f"data.path={data}",
        "data.split.test_reports_file=null",
        f"hydra.run.dir={model_dir}",
    )
    assert json.loads((model_dir / "config.json").read_text())["architectures"] == ["BertForTokenClassification"]
    out = tmp_path / "out.jsonl"
    report = tmp_path / "r.txt"
    report.write_text("全年地区生产总值717.11亿元，增长3.0%。", encoding="utf-8")
    run("predict.py", f"model_dir={model_dir}", f"input={report}", f"output={out}")
    row = json.loads(out.read_text(encoding="utf-8"))
    assert all(report.read_text(encoding="utf-8")[e["start"] : e["end"]] == e["text"] for e in row["entities"])


def test_evaluate_records_end_to_end(trained):
    tmp, data, model_dir, _ = trained
    text = "全年地区生产总值717.11亿元，增长3.0%。"  # MARKED[0], task 1
    common = dict(target=False, qualifier="", org=None, value_high=None, base_high=None)
    records = [
        dict(indicator="地区生产总值", value_text="717.11亿元", value=717.11, unit="亿元", base_value=71711000000.0)
        | dict(base_unit="元", kind="level", **common),
        dict(indicator="地区生产总值", value_text="3.0%", value=3.0, unit="%", base_value=3.0, base_unit="%")
        | dict(kind="growth", **common),
    ]
    gold = tmp / "gold_records.jsonl"
    line = {"task_id": 1, "source": "report_a.txt", "text": text, "records": records}
    gold.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp / "records-eval"
    proc = run(
        "evaluate_records.py", f"data.path={data}", f"gold={gold}", f"model_dir={model_dir}", f"output_dir={out}"
    )
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["linker_on_gold_spans"]["strict"]["f1"] == 1.0
    end_to_end = metrics["end_to_end"]
    assert end_to_end["gold_records"] == 2 and 0.0 <= end_to_end["records"]["f1"] <= 1.0
    errors = [json.loads(x) for x in (out / "errors_end_to_end.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(errors) == sum(end_to_end["errors"].values())
    unmatched = sum(1 for e in errors if e["error"] in ("spurious", "indicator"))
    assert end_to_end["predicted_records"] == end_to_end["records"]["correct"] + unmatched
    assert "end to end" in proc.stdout

"""ONNX Runtime: the exported model answers like the torch one, on shapes it was not traced with."""

import os

import numpy as np
import pytest
import torch
from conftest import MARKED, plain, untrained_model_dir
from transformers import AutoModelForTokenClassification, AutoTokenizer

from govner.inference.predictor import Predictor

pytest.importorskip("onnxruntime")
from govner.inference.onnx_model import OnnxTokenClassifier, onnx_file  # noqa: E402


@pytest.fixture
def model_dir(tmp_path):
    torch.manual_seed(0)
    return untrained_model_dir(tmp_path / "model")


def test_exported_model_gives_the_logits_of_torch_on_padded_batches_of_any_shape(model_dir):
    model = AutoModelForTokenClassification.from_pretrained(model_dir).eval()
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    session = OnnxTokenClassifier.from_dir(model_dir)
    texts = [plain(m) for m, _ in MARKED]
    for batch in ([texts[0]], texts, [texts[1][:3], texts[2] * 2]):
        enc = tokenizer(batch, padding=True, truncation=True, return_tensors="pt")
        with torch.inference_mode():
            expected = model(**enc).logits
        got = session(**enc).logits
        assert got.shape == expected.shape
        real = enc["attention_mask"].bool()
        assert torch.allclose(got[real], expected[real], atol=1e-4)
    # what the ceiling benchmark passes: ids alone (no padding)
    ids = tokenizer(texts[:2], truncation=True, max_length=12, padding="max_length", return_tensors="pt")["input_ids"]
    with torch.inference_mode():
        assert torch.allclose(session(input_ids=ids).logits, model(input_ids=ids).logits, atol=1e-4)


def test_onnx_predictor_tags_documents_like_the_torch_predictor(model_dir):
    texts = ["\n".join(plain(m) for m, _ in MARKED) * 3, plain(MARKED[0][0])]  # the first is many windows long
    expected = Predictor.from_dir(model_dir).predict(texts)
    got = Predictor.from_dir(model_dir, runtime="onnx").predict(texts)
    assert sum(len(p.entities) for p in expected) > 0
    for e, g in zip(expected, got, strict=True):
        assert [(x.start, x.end, x.label) for x in g.entities] == [(x.start, x.end, x.label) for x in e.entities]
        assert np.allclose([x.score for x in g.entities], [x.score for x in e.entities], atol=1e-4)
        assert g.mean_score == pytest.approx(e.mean_score, abs=1e-4)


def test_export_is_kept_until_the_weights_change(model_dir):
    path = onnx_file(model_dir)
    first = path.stat().st_mtime_ns
    assert onnx_file(model_dir).stat().st_mtime_ns == first
    weights = model_dir / "model.safetensors"
    later = path.stat().st_mtime + 10
    os.utime(weights, (later, later))
    assert onnx_file(model_dir).stat().st_mtime_ns != first
    assert not list(path.parent.glob(".*"))  # no temporary files left behind


def test_int8_onnx_model_has_integer_matmuls_and_tags_whole_documents(model_dir):
    import onnx

    graph = onnx.load(onnx_file(model_dir, quantize=True)).graph
    assert any(node.op_type in ("MatMulInteger", "DynamicQuantizeMatMul") for node in graph.node)
    text = "\n".join(plain(m) for m, _ in MARKED)
    (prediction,) = Predictor.from_dir(model_dir, runtime="onnx", quantize=True).predict([text])
    assert 0.0 < prediction.mean_score <= 1.0
    assert prediction.entities  # the untrained model tags (conftest): the checks below have entities to check
    for e in prediction.entities:
        assert text[e.start : e.end] == e.text


def test_unknown_runtime_is_refused(model_dir):
    with pytest.raises(ValueError, match="runtime must be one of"):
        Predictor.from_dir(model_dir, runtime="tensorrt")

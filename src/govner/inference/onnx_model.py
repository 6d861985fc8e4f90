"""ONNX Runtime for batch inference: a model directory exported to ONNX once (optionally with
int8 weights), run behind the interface the predictor uses (``model(**encoding).logits``).

The files live in ``<model dir>/onnx/`` and are exported again when the weights are newer.
"""

from __future__ import annotations

import logging
import os
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
from transformers import AutoConfig, AutoModelForTokenClassification, AutoTokenizer, PretrainedConfig
from transformers.modeling_outputs import TokenClassifierOutput

from govner.model.model_dir import ModelDir

OPSET = 17


def _ort():
    try:
        import onnxruntime
    except ImportError as err:  # an optional extra
        raise ImportError("runtime=onnx needs ONNX Runtime: pip install -e '.[onnx]'") from err
    return onnxruntime


def onnx_file(model_dir: str | Path, quantize: bool = False) -> Path:
    """The ONNX file of ``model_dir`` (fp32 or int8), exported when missing or older than the weights."""
    directory = ModelDir(model_dir)
    fp32 = directory.onnx_file()
    if not _is_fresh(fp32, directory):
        _export(directory.path, fp32)
    if not quantize:
        return fp32
    int8 = directory.onnx_file(quantize=True)
    if not _is_fresh(int8, directory):
        _quantize(fp32, int8)
    return int8


def _is_fresh(path: Path, model_dir: ModelDir) -> bool:
    weights = model_dir.weights_mtime()
    return path.exists() and (weights is None or path.stat().st_mtime >= weights)


def _export(model_dir: Path, path: Path) -> None:
    # eager attention: plain matmul-softmax-matmul, the graph ONNX exporters are made for; traced on
    # a padded batch, so the attention-mask path is in the graph whatever shortcut unpadded input takes
    model = AutoModelForTokenClassification.from_pretrained(model_dir, attn_implementation="eager").eval()
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    sample = tokenizer(["二〇二四年地区生产总值717.11亿元", "增长5%"], padding=True, return_tensors="pt")
    names = list(sample.keys())
    axes = {name: {0: "batch", 1: "tokens"} for name in [*names, "logits"]}
    with _replacing(path) as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes on Python-side shape checks
        torch.onnx.export(
            model,
            (),
            str(tmp),
            kwargs=dict(sample),
            input_names=names,
            output_names=["logits"],
            dynamic_axes=axes,
            opset_version=OPSET,
            dynamo=False,
        )


def _quantize(fp32: Path, path: Path) -> None:
    """int8 weights of the MatMul layers, activations quantized per batch (ONNX Runtime's dynamic quantization)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    # its advice to pre-process first does not apply: symbolic shape inference fails on this graph
    root.setLevel(logging.ERROR)
    try:
        with _replacing(path) as tmp:
            quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8)
    finally:
        root.setLevel(level)


@contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it on success: processes sharing a model
    directory never read a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".onnx")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.chmod(0o644)  # mkstemp makes it private
    os.replace(tmp, path)


class OnnxTokenClassifier:
    """An ONNX Runtime session that answers like a transformers token classifier."""

    def __init__(self, path: str | Path, config: PretrainedConfig, num_threads: int | None = None) -> None:
        ort = _ort()
        options = ort.SessionOptions()
        options.intra_op_num_threads = num_threads or torch.get_num_threads()
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        # input_ids first; a missing attention mask or token type ids means no padding, one segment
        self.input_names = sorted((i.name for i in self.session.get_inputs()), key=lambda name: name != "input_ids")
        self.config = config
        self.crf = None  # a CRF layer's learned transitions stay outside the graph: decoding reads them here


    @classmethod
    def from_dir(cls, model_dir: str | Path, quantize: bool = False, num_threads: int | None = None):
        _ort()  # fail before exporting, not after
        config = AutoConfig.from_pretrained(model_dir)
        classifier = cls(onnx_file(model_dir, quantize), config, num_threads)
        if getattr(config, "use_crf", False):
            classifier.crf = AutoModelForTokenClassification.from_pretrained(model_dir).crf
        return classifier

    def eval(self) -> OnnxTokenClassifier:
        return self

    def __call__(self, input_ids: torch.Tensor, **inputs: torch.Tensor) -> TokenClassifierOutput:
        ids = input_ids.numpy()
        defaults = {"attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
        feed = {name: inputs[name].numpy() if name in inputs else defaults[name] for name in self.input_names[1:]}
        feed["input_ids"] = ids
        (logits,) = self.session.run(["logits"], feed)
        return TokenClassifierOutput(logits=torch.from_numpy(logits))

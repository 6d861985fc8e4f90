"""CPU settings for inference: the number of threads, and int8 dynamic quantization."""

from __future__ import annotations

import warnings

import torch
from transformers import PreTrainedModel


def set_threads(num_threads: int | None) -> int:
    """Run torch's intra-op work on ``num_threads`` threads (``None``: keep torch's default, one
    per core); returns the number in use."""
    if num_threads is not None:
        if num_threads < 1:
            raise ValueError(f"num_threads must be at least 1, got {num_threads}")
        torch.set_num_threads(num_threads)
    return torch.get_num_threads()


def quantize_int8(model: PreTrainedModel) -> PreTrainedModel:
    """``model`` with its Linear layers in int8 (weights quantized once, activations per batch):
    torch.ao dynamic quantization, for CPU inference."""
    with warnings.catch_warnings():
        # torch.ao.quantization is deprecated in favour of torchao but still shipped and working in torch 2.13.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*quantize_per_tensor.*", category=UserWarning)
        return torch.ao.quantization.quantize_dynamic(model.eval(), {torch.nn.Linear}, dtype=torch.qint8)

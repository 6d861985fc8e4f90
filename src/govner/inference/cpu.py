"""CPU settings for inference: the number of threads, int8 dynamic quantization, and handing
freed memory back to the system."""

from __future__ import annotations

import ctypes
import ctypes.util
import re
import warnings
from functools import cache
from pathlib import Path

import torch
from transformers import PreTrainedModel

from govner.errors import GovnerError


def set_threads(num_threads: int | None) -> int:
    """Run torch's intra-op work on ``num_threads`` threads (``None``: keep torch's default, one
    per core); returns the number in use."""
    if num_threads is not None:
        if num_threads < 1:
            raise GovnerError(f"num_threads must be at least 1, got {num_threads}")
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


@cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def peak_memory_mib() -> float | None:
    """This process's peak resident size so far (``VmHWM``; Linux only, else ``None``). Unlike
    ``getrusage``'s ``ru_maxrss`` it starts afresh at ``exec``, so a process started from a large
    parent reports its own peak, not the parent's size at the fork."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else None


M_MMAP_THRESHOLD = -3  # glibc mallopt parameter


def map_large_allocations(threshold_kib: int | None) -> None:
    """Serve every allocation of ``threshold_kib`` KiB or more from its own memory map, given back
    to the system when freed (glibc ``mallopt(M_MMAP_THRESHOLD)``; nothing elsewhere, nor for
    ``None``). glibc otherwise raises that threshold as large blocks are freed, after which the
    activations of varied batch shapes are carved from the heap and fragment it: a long batch run
    then grows with the number of files."""
    libc = _libc()
    if threshold_kib is not None and libc is not None:
        libc.mallopt(M_MMAP_THRESHOLD, threshold_kib * 1024)


def release_memory() -> None:
    """Return freed heap memory to the system (glibc ``malloc_trim``; nothing elsewhere). Between
    chunks of a long run, the activations of varied batch shapes otherwise leave the heap
    fragmented and the resident size creeping up with the number of files."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)

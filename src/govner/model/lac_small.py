"""Baidu's LAC-small tagger as shipped inside jieba (``jieba/lac_small``, Apache-2.0), read
without Paddle: its character vocabulary, its 57 POS/NE tags and its weights (Paddle LoDTensor
files: a small header, a TensorDesc protobuf with the dimensions, then float32 data)."""

from __future__ import annotations

import struct
from functools import cache
from pathlib import Path

import numpy as np

EMBEDDING_DIM = 128
GRU_DIM = 128


def lac_dir() -> Path:
    import jieba

    return Path(jieba.__file__).parent / "lac_small"


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = buf[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, i


def _dims(desc: bytes) -> list[int]:
    """``dims`` (field 2, int64, packed or not) of a Paddle ``VarType.TensorDesc`` message."""
    dims, i = [], 0
    while i < len(desc):
        key, i = _varint(desc, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(desc, i)
            if field == 2:
                dims.append(value)
        elif wire == 2:
            size, i = _varint(desc, i)
            if field == 2:
                j = i
                while j < i + size:
                    value, j = _varint(desc, j)
                    dims.append(value)
            i += size
        else:
            raise ValueError(f"unexpected protobuf wire type {wire} in a TensorDesc")
    return dims


def read_tensor(path: Path) -> np.ndarray:
    """One parameter file of a Paddle inference model as a float32 array."""
    buf = path.read_bytes()
    i = 4  # version
    (lod_levels,) = struct.unpack_from("<Q", buf, i)
    i += 8
    for _ in range(lod_levels):
        (size,) = struct.unpack_from("<Q", buf, i)
        i += 8 + size
    i += 4  # tensor version
    (desc_size,) = struct.unpack_from("<i", buf, i)
    i += 4
    dims = _dims(buf[i : i + desc_size])
    i += desc_size
    count = int(np.prod(dims))
    if len(buf) - i != 4 * count:
        raise ValueError(f"{path}: {len(buf) - i} data bytes for dimensions {dims} (float32 expected)")
    return np.frombuffer(buf, dtype="<f4", count=count, offset=i).reshape(dims).copy()


def _dic(name: str) -> dict[int, str]:
    table = {}
    for line in (lac_dir() / name).read_text(encoding="utf-8").split("\n"):  # a value may be any character
        fields = line.split("\t")
        if len(fields) == 2:  # as LAC's own reader: other lines are skipped
            table[int(fields[0])] = fields[1]
    return table


@cache
def vocabulary() -> dict[str, int]:
    """Character → row of the embedding table (``OOV``, ``OOV_HANZ``, ``OOV_ALNUM`` included)."""
    return {v: k for k, v in _dic("word.dic").items()}


@cache
def tags() -> tuple[str, ...]:
    """The 57 tags (POS and NE, ``X-B`` / ``X-I``, and ``O``) in the order of the output layer."""
    table = _dic("tag.dic")
    return tuple(table[i] for i in range(len(table)))


def weights() -> dict[str, np.ndarray]:
    """Every parameter of the network, by its Paddle name."""
    return {p.name: read_tensor(p) for p in sorted((lac_dir() / "model_baseline").iterdir())}


def row_for(char: str) -> int:
    """LAC's embedding row for one (NFKC-normalized) character, with LAC's fallbacks."""
    vocab = vocabulary()
    row = vocab.get(char, vocab.get(char.lower()))
    if row is not None:
        return row
    if char.isascii() and char.isalnum():
        return vocab["OOV_ALNUM"]
    if "\u4e00" <= char <= "\u9fff":
        return vocab["OOV_HANZ"]
    return vocab["OOV"]

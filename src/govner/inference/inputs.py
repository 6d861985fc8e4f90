"""Reports to tag: ``.txt`` files (one report each) and ``.jsonl`` records ``{"id", "text"}``,
from a file, a directory or a glob. A bad file or line is reported, never dropped silently."""

from __future__ import annotations

import glob
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".txt", ".jsonl")


@dataclass(frozen=True)
class InputDocument:
    id: str
    source: str  # the file it came from
    text: str


@dataclass(frozen=True)
class InputFailure:
    source: str  # file, or file:line
    reason: str


def resolve_inputs(spec: str | Path) -> list[Path]:
    """The input files named by ``spec``: a file, a directory (searched recursively for
    .txt and .jsonl) or a glob pattern."""
    path = Path(spec)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
    elif path.exists():
        files = [path]
    else:
        files = sorted(Path(p) for p in glob.glob(str(spec), recursive=True) if Path(p).is_file())
    if not files:
        raise FileNotFoundError(f"{spec}: no input file found (expected a file, a directory of .txt/.jsonl, or a glob)")
    return files


def read_documents(path: Path) -> Iterator[InputDocument | InputFailure]:
    """Documents of one input file; failures for what cannot be read."""
    if path.suffix not in SUFFIXES:
        yield InputFailure(str(path), f"unsupported file type {path.suffix!r} (expected .txt or .jsonl)")
        return
    try:
        raw = path.read_bytes()
    except OSError as err:
        yield InputFailure(str(path), f"unreadable: {err.strerror or err}")
        return
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        yield InputFailure(str(path), f"not UTF-8 (invalid byte at offset {err.start})")
        return
    if path.suffix == ".txt":
        if content.strip():
            yield InputDocument(id=path.stem, source=str(path), text=content)
        else:
            yield InputFailure(str(path), "empty file")
        return
    yield from _jsonl_documents(path, content)


def _jsonl_documents(path: Path, content: str) -> Iterator[InputDocument | InputFailure]:
    any_line = False
    for lineno, line in enumerate(content.splitlines(), 1):
        if not line.strip():
            continue
        any_line = True
        where = f"{path}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            yield InputFailure(where, f"invalid JSON: {err.msg}")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str) or not record["text"].strip():
            yield InputFailure(where, 'expected an object with a non-empty "text"')
            continue
        yield InputDocument(id=str(record.get("id", f"{path.stem}:{lineno}")), source=str(path), text=record["text"])
    if not any_line:
        yield InputFailure(str(path), "empty file")

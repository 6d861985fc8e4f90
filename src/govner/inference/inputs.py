"""Reports to tag: ``.txt`` files (one report each) and ``.jsonl`` records ``{"id", "text"}``,
from a file, a directory or a glob. Every file found is read or listed as skipped with its reason;
a bad file or line is reported, never dropped silently."""

from __future__ import annotations

import fnmatch
import glob
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from govner.data.offsets import lone_surrogate
from govner.errors import GovnerError
from govner.files import split_lines

SUFFIXES = (".txt", ".jsonl")  # compared in lower case: REPORT.TXT is a report
# control characters a text report does not hold (tab, line ends, form feed and U+0085 are text)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x84\x86-\x9f]")
MAX_CONTROL_SHARE = 0.1  # above this share of control characters a file is not a text report


class InputError(GovnerError, ValueError):
    """Input and output paths that cannot be used together (an output that is also an input)."""


@dataclass(frozen=True)
class InputDocument:
    id: str
    source: str  # the file it came from
    text: str


@dataclass(frozen=True)
class InputFailure:
    source: str  # file, or file:line
    reason: str


@dataclass
class InputFiles:
    """The files found at an input spec: the reports to read, and the other files of a given
    directory with why they are not read."""

    files: list[Path]
    skipped: list[InputFailure] = field(default_factory=list)


def is_report_file(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


def find_inputs(spec: str | Path) -> InputFiles:
    """The input files named by ``spec``: a file, a directory (searched recursively for .txt and
    .jsonl, any case; every other file is listed as skipped) or a glob pattern."""
    path = Path(spec)
    skipped = []
    if path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.is_file())
        files = [p for p in found if is_report_file(p)]
        skipped = [
            InputFailure(str(p), f"not a report file ({p.suffix or 'no suffix'}; expected .txt or .jsonl)")
            for p in found
            if not is_report_file(p)
        ]
    elif path.exists():
        files = [path]
    else:
        files = sorted(Path(p) for p in glob.glob(str(spec), recursive=True) if Path(p).is_file())
    if not files:
        raise FileNotFoundError(f"{spec}: no input file found (expected a file, a directory of .txt/.jsonl, or a glob)")
    return InputFiles(files, skipped)


def resolve_inputs(spec: str | Path) -> list[Path]:
    """The report files named by ``spec`` (see :func:`find_inputs`)."""
    return find_inputs(spec).files


def check_outputs(spec: str | Path, inputs: Iterable[Path], outputs: Iterable[Path]) -> None:
    """Raise :class:`InputError` when an output would overwrite an input, or would be read as
    an input the next time the same command runs (inside the input directory, or matching the
    input glob), before anything is opened for writing."""
    spec_path = Path(spec)
    inputs = {p.resolve() for p in inputs}
    for output in outputs:
        out = Path(output).resolve()
        if out in inputs:
            raise InputError(
                f"output {output} is also an input: writing it would destroy the input; choose another output"
            )
        if spec_path.is_dir() and out.is_relative_to(spec_path.resolve()):
            raise InputError(
                f"output {output} is inside the input directory {spec}: the next run would read it as a report; "
                "write it outside the input directory"
            )
        if not spec_path.exists() and fnmatch.fnmatch(str(out), os.path.abspath(spec)):
            raise InputError(
                f"output {output} matches the input pattern {spec}: the next run would read it as a report; "
                "choose an output outside the pattern"
            )


def read_documents(path: Path) -> Iterator[InputDocument | InputFailure]:
    """Documents of one input file; failures for what cannot be read."""
    if not is_report_file(path):
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
    if path.suffix.lower() == ".txt":
        problem = text_problem(content)
        if problem:
            yield InputFailure(str(path), problem)
        else:
            yield InputDocument(id=path.stem, source=str(path), text=content)
        return
    yield from _jsonl_documents(path, content)


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be tagged as a report (``None`` if it can): empty, a lone surrogate
    (half of an emoji, which no tokenizer or Arrow table accepts), NUL or control characters."""
    if not text.strip():
        return "empty file"
    if surrogate := lone_surrogate(text):
        return surrogate
    if "\x00" in text:
        return f"not a text report: {text.count(chr(0))} NUL character(s) (a binary file?)"
    controls = len(_CONTROL.findall(text))
    if controls > MAX_CONTROL_SHARE * len(text):
        return f"not a text report: {controls} control characters in {len(text)} (a binary file?)"
    return None


def _jsonl_documents(path: Path, content: str) -> Iterator[InputDocument | InputFailure]:
    any_line = False
    for lineno, line in enumerate(split_lines(content), 1):  # never str.splitlines()
        if not line.strip():
            continue
        any_line = True
        where = f"{path}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            yield InputFailure(where, f"invalid JSON at column {err.colno}: {err.msg}")
            continue
        if isinstance(record, dict) and "entities" in record and "text" not in record:
            yield InputFailure(where, "a govner prediction output (entities, no text), not a report")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str) or not record["text"].strip():
            yield InputFailure(where, 'expected an object with a non-empty "text"')
            continue
        problem = text_problem(record["text"])
        if problem:
            yield InputFailure(where, '"text": ' + problem)
            continue
        doc_id = str(record.get("id", f"{path.stem}:{lineno}"))
        if lone_surrogate(doc_id):
            yield InputFailure(where, f'"id" {doc_id!r} holds a lone surrogate: not valid Unicode text')
            continue
        yield InputDocument(id=doc_id, source=str(path), text=record["text"])
    if not any_line:
        yield InputFailure(str(path), "empty file")

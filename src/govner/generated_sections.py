"""Sections of Markdown files that scripts regenerate: the text between two marker lines is
replaced, everything around it is left as the people who wrote it left it."""

from __future__ import annotations

from pathlib import Path

from govner.files import write_text_atomic


def write_section(path: Path, start: str, end: str, body: str, new_file: str = "", heading: str = "") -> None:
    """Put ``start``, ``body``, ``end`` (one per line) in place of the marked section of ``path``.
    Without markers, the section is appended (after ``heading``); a missing file starts as
    ``new_file``. Markers present only in part, or out of order, are an error."""
    block = f"{start}\n{body}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else new_file
    first, last = text.find(start), text.find(end)
    if (first == -1) != (last == -1) or last < first:
        raise ValueError(f"{path}: the markers {start} and {end} must both be present, in this order")
    if first == -1:
        text = text.rstrip("\n") + "\n\n" + heading + block + "\n"
    else:
        text = text[:first] + block + text[last + len(end) :]
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, text)

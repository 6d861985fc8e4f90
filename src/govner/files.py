"""Output files written atomically: into a temporary file beside the target, renamed over it
only once complete, so an interrupted run (Ctrl-C, a crash, a full disk) leaves either the
previous file or the whole new one, never a half-written file."""

from __future__ import annotations

import errno
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class AtomicFile:
    """A text file being written to ``path``: write to :attr:`fh`, then :meth:`commit` (it
    replaces ``path``) or :meth:`abort` (it is removed; ``path`` keeps its previous content)."""

    def __init__(self, path: str | Path, encoding: str = "utf-8", newline: str | None = None) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a directory, not a file to write", str(self.path))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        self._tmp = Path(tmp)
        self.fh = open(fd, "w", encoding=encoding, newline=newline)  # noqa: SIM115 (closed by commit/abort)

    def commit(self) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        mask = os.umask(0)
        os.umask(mask)
        self._tmp.chmod(0o666 & ~mask)  # mkstemp makes it private; give it a new file's mode
        try:
            os.replace(self._tmp, self.path)
        except OSError as err:  # name the output, not the temporary file
            self._tmp.unlink(missing_ok=True)
            raise type(err)(err.errno, err.strerror, str(self.path)) from err

    def abort(self) -> None:
        self.fh.close()
        self._tmp.unlink(missing_ok=True)


@contextmanager
def atomic_open(path: str | Path, encoding: str = "utf-8", newline: str | None = None) -> Iterator:
    """``open(path, "w")`` for a ``with`` block, atomically: ``path`` is replaced when the block
    ends and left as it was when the block raises."""
    out = AtomicFile(path, encoding, newline)
    try:
        yield out.fh
    except BaseException:
        out.abort()
        raise
    out.commit()


def write_text_atomic(path: str | Path, text: str, encoding: str = "utf-8") -> None:
    """``Path.write_text``, atomically."""
    with atomic_open(path, encoding=encoding) as fh:
        fh.write(text)


_LINE_END = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """The lines of a file's text, split at "\\n", "\\r\\n" and "\\r" only. ``str.splitlines()``
    also splits at U+2028, U+2029, U+0085 and other separators that may sit inside a JSON string
    or a sentence, which would cut a record in two and shift every line number after it."""
    lines = _LINE_END.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines

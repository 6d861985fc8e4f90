"""Offsets in UTF-16 code units (Label Studio, JavaScript) vs. Python code points.

Characters outside the Basic Multilingual Plane (emoji, CJK Extension B such as 𠀀) take
two UTF-16 code units but one Python index, so every offset after them differs.
"""

from __future__ import annotations

import re
from itertools import accumulate


class Utf16Offsets:
    """Converts offsets of one text between code points and UTF-16 code units."""

    def __init__(self, text: str) -> None:
        self._units = [0, *accumulate(2 if ord(ch) > 0xFFFF else 1 for ch in text)]
        self._index = {unit: i for i, unit in enumerate(self._units)}

    def to_utf16(self, index: int) -> int:
        return self._units[index]

    def to_index(self, offset: int) -> int | None:
        """Code-point index of a UTF-16 offset; ``None`` if out of range or inside a pair."""
        return self._index.get(offset)


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def lone_surrogate(text: str) -> str | None:
    """What is wrong with ``text`` if it holds a lone surrogate (half of a character outside the
    BMP, such as an emoji cut in two, which JSON's ``\\ud83d`` escapes can produce and no tokenizer
    or Arrow table accepts); ``None`` if it holds none."""
    bad = _SURROGATE.search(text)
    if bad is None:
        return None
    return (
        f"lone surrogate U+{ord(bad.group()):04X} at character {bad.start()} (half of a character such as an "
        "emoji, cut in two): not valid Unicode text"
    )

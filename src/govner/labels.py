"""The entity labels and their IOB2 tag set (see annotations/GUIDELINES.md)."""

from __future__ import annotations

ENTITY_LABELS: tuple[str, ...] = ("INDICATOR", "QUANTITY", "UNIT", "ORG")


def iob2_tags(labels: tuple[str, ...] | list[str] = ENTITY_LABELS) -> list[str]:
    """``["O", "B-L1", "I-L1", ...]`` in a fixed order: index 0 is always ``O``."""
    return ["O"] + [f"{prefix}-{label}" for label in labels for prefix in ("B", "I")]

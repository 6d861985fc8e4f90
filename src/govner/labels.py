"""The entity labels, read from configs/label_schema.yaml (the one list: training, evaluation,
records, Label Studio), and their IOB2 tag set (see annotations/GUIDELINES.md)."""

from __future__ import annotations

from pathlib import Path

from omegaconf import OmegaConf

from govner.paths import CONFIG_DIR

LABEL_SCHEMA_FILE = Path(CONFIG_DIR) / "label_schema.yaml"
ENTITY_LABELS: tuple[str, ...] = tuple(OmegaConf.load(LABEL_SCHEMA_FILE).labels)


def iob2_tags(labels: tuple[str, ...] | list[str] = ENTITY_LABELS) -> list[str]:
    """``["O", "B-L1", "I-L1", ...]`` in a fixed order: index 0 is always ``O``."""
    return ["O"] + [f"{prefix}-{label}" for label in labels for prefix in ("B", "I")]

"""The entity labels, read from configs/label_schema.yaml (the one list: training, evaluation,
records, Label Studio), their colors, and their IOB2 tag set (see annotations/GUIDELINES.md)."""

from __future__ import annotations

from pathlib import Path

from omegaconf import OmegaConf

from govner.paths import CONFIG_DIR

LABEL_SCHEMA_FILE = Path(CONFIG_DIR) / "label_schema.yaml"
_SCHEMA = OmegaConf.load(LABEL_SCHEMA_FILE)
ENTITY_LABELS: tuple[str, ...] = tuple(_SCHEMA.labels)
# The Label Studio color of each label (its labeling interface and the HTML report use them).
LABEL_COLORS: dict[str, str] = {label: str(_SCHEMA.label_style[label].color) for label in ENTITY_LABELS}


def iob2_tags(labels: tuple[str, ...] | list[str] = ENTITY_LABELS) -> list[str]:
    """``["O", "B-L1", "I-L1", ...]`` in a fixed order: index 0 is always ``O``."""
    return ["O"] + [f"{prefix}-{label}" for label in labels for prefix in ("B", "I")]

"""The indicator record, one value of one indicator, and the field lists derived from it: the
columns of ``output_format=records`` (JSONL and CSV), the fields of a gold record
(annotations/records/), and the fields compared when a predicted record meets its gold one."""

from __future__ import annotations

from dataclasses import dataclass, fields

from govner.records.normalize import Kind


@dataclass(frozen=True, kw_only=True)
class Record:
    """One row: an indicator (or none), one of its values normalized, and the ORG named. Fields
    are in output-column order.

    Offsets are code-point offsets into the sentence, end exclusive; ``value_start`` and
    ``value_end`` cover QUANTITY to UNIT (both ends of a range), hedges outside excluded.
    """

    indicator: str | None
    indicator_start: int | None
    indicator_end: int | None
    value_text: str
    value_start: int
    value_end: int
    value: float | None  # the number as written, signed (下降3% → -3.0)
    value_high: float | None = None  # ranges: high end (value / base_value hold the low end)
    unit: str
    base_value: float | None  # magnitude folded: 717.11亿元 → 71711000000.0
    base_high: float | None = None
    base_unit: str
    kind: Kind
    target: bool
    qualifier: str
    org: str | None  # ORG texts joined by 、


RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Record))
OFFSET_FIELDS = ("indicator_start", "indicator_end", "value_start", "value_end")
# ``output_format=records``: where the record was found, then the record, offsets into the document,
# then the canonical id of its indicator (configs/indicators.yaml; empty when none matches).
OUTPUT_COLUMNS: tuple[str, ...] = (
    "document", "source", "sentence_start", "sentence", *RECORD_FIELDS, "canonical_indicator",
)  # fmt: skip
# A gold record holds every field but the offsets (its value is found by ``value_text``).
GOLD_FIELDS: tuple[str, ...] = tuple(f for f in RECORD_FIELDS if f not in OFFSET_FIELDS)
# What pairs a predicted record with a gold one (with where the value starts in the sentence).
IDENTITY_FIELDS = ("indicator", "value_text")
# Compared over matched pairs: the other gold fields, and the sign of the value (in report order).
COMPARED_FIELDS = (
    "value", "unit", "base_value", "base_unit", "kind", "sign", "value_high", "base_high", "target", "qualifier", "org",
)  # fmt: skip
# Exact value match: every compared field that says what the number is.
VALUE_FIELDS = ("value", "base_value", "base_unit", "kind", "sign", "value_high", "base_high")

if set(COMPARED_FIELDS) != (set(GOLD_FIELDS) - set(IDENTITY_FIELDS)) | {"sign"} or not set(VALUE_FIELDS) <= set(
    COMPARED_FIELDS
):
    raise AssertionError("records.schema: the compared fields must be the gold fields but the identity, plus sign")

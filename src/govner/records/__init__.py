"""Indicator records: the record schema, value normalization, the span linker, gold records and their evaluation."""

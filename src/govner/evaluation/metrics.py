"""Strict entity-level metrics (seqeval, IOB2) and span error analysis."""

from __future__ import annotations

from collections import Counter

from seqeval.metrics import classification_report
from seqeval.scheme import IOB2

from govner.data.spans import Span

ERROR_KINDS = ("wrong_type", "wrong_boundary", "wrong_type_and_boundary", "missed", "spurious")


def entity_metrics(gold: list[list[str]], pred: list[list[str]], labels: tuple[str, ...]) -> dict:
    """``{"overall": {precision, recall, f1}, "macro": {...}, "per_type": {L: {..., support}}}``
    with ``overall`` the micro average, strict IOB2 matching."""
    report = classification_report(gold, pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    per_type = {}
    for label in labels:
        row = report.get(label, {"precision": 0.0, "recall": 0.0, "f1-score": 0.0, "support": 0})
        per_type[label] = _row(row) | {"support": int(row["support"])}
    micro = report.get("micro avg", {"precision": 0.0, "recall": 0.0, "f1-score": 0.0, "support": 0})
    macro = {k: sum(per_type[label][k] for label in labels) / len(labels) for k in ("precision", "recall", "f1")}
    return {"overall": _row(micro) | {"support": int(micro["support"])}, "macro": macro, "per_type": per_type}


def _row(row: dict) -> dict:
    return {"precision": float(row["precision"]), "recall": float(row["recall"]), "f1": float(row["f1-score"])}


def span_errors(gold: list[Span], pred: list[Span]) -> Counter:
    """Count ``correct`` and each of :data:`ERROR_KINDS` for one sentence."""
    counts: Counter = Counter()
    pred_set = set(pred)
    for g in gold:
        if g in pred_set:
            counts["correct"] += 1
            continue
        overlapping = [p for p in pred if p.start < g.end and g.start < p.end]
        if any((p.start, p.end) == (g.start, g.end) for p in overlapping):
            counts["wrong_type"] += 1
        elif any(p.label == g.label for p in overlapping):
            counts["wrong_boundary"] += 1
        elif overlapping:
            counts["wrong_type_and_boundary"] += 1
        else:
            counts["missed"] += 1
    counts["spurious"] += sum(1 for p in pred if not any(p.start < g.end and g.start < p.end for g in gold))
    return counts


def error_patterns(gold: list[Span], pred: list[Span]) -> Counter:
    """Name each mistake of one sentence by label and shape: ``INDICATOR too short``,
    ``ORG missed``, ``QUANTITY spurious``, ``INDICATOR as ORG`` (same span, other type), …"""
    counts: Counter = Counter()
    pred_set = set(pred)
    for g in gold:
        if g in pred_set:
            continue
        overlapping = [p for p in pred if p.start < g.end and g.start < p.end]
        same_label = [p for p in overlapping if p.label == g.label]
        if not overlapping:
            counts[f"{g.label} missed"] += 1
        elif same_label:
            p = same_label[0]
            inside, covers = g.start <= p.start and p.end <= g.end, p.start <= g.start and g.end <= p.end
            shape = "too short" if inside else "too long" if covers else "shifted"
            counts[f"{g.label} {shape}"] += 1
        else:
            counts[f"{g.label} as {overlapping[0].label}"] += 1
    for p in pred:
        if not any(p.start < g.end and g.start < p.end for g in gold):
            counts[f"{p.label} spurious"] += 1
    return counts


def format_table(metrics: dict, title: str = "") -> str:
    """A plain-text per-type table with micro and macro rows."""
    lines = [title] if title else []
    lines.append(f"{'type':<12}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
    for label, row in metrics["per_type"].items():
        lines.append(
            f"{label:<12}{row['precision']:>10.4f}{row['recall']:>10.4f}{row['f1']:>10.4f}{row['support']:>10d}"
        )
    o, m = metrics["overall"], metrics["macro"]
    lines.append(f"{'micro':<12}{o['precision']:>10.4f}{o['recall']:>10.4f}{o['f1']:>10.4f}{o.get('support', 0):>10d}")
    lines.append(f"{'macro':<12}{m['precision']:>10.4f}{m['recall']:>10.4f}{m['f1']:>10.4f}")
    return "\n".join(lines)

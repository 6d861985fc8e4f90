"""Score indicator records (:func:`govner.records.linker.link`) against hand-made gold records.

A predicted record matches a gold record of the same sentence when their identity agrees:
indicator, ``value_text`` and where the value starts (a value written twice is two values).
Matching is one to one. Scores: record precision / recall / F1 on identity; the indicator link
(of the values found, how many have the gold indicator); exact value match (value, base value,
base unit, kind, sign and range ends agree, floats within a relative tolerance); accuracy of
each field over the matched pairs; and a strict F1 where every field must agree.

Two modes: the linker on the gold spans of each sentence (the linker alone), and end to end
(a model's predicted spans, then the linker). On whole reports (every sentence of a report
annotated, annotations/whole_reports.txt) there are no hand-made records: the reference is the
linker on the gold spans, and :func:`whole_report_scores` measures what the boilerplate filter
(:mod:`govner.records.boilerplate`) does to end-to-end records, and what it costs on the reference.
"""

from __future__ import annotations

import json
import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from govner.data.spans import Document, Span
from govner.records.gold import GoldSentence
from govner.records.linker import Record, link
from govner.records.output import document_records
from govner.records.schema import COMPARED_FIELDS, VALUE_FIELDS

if TYPE_CHECKING:  # records build on data/ only; a predictor is passed in
    from govner.inference.predictor import Predictor

__all__ = [
    "FIELDS",
    "VALUE_FIELDS",
    "RecordEvaluation",
    "ComparedRecord",
    "disagreements",
    "format_records_table",
    "linked_rows",
    "linker_on_gold_spans",
    "linker_on_predicted_spans",
    "match_records",
    "score_records",
    "whole_report_scores",
]

log = logging.getLogger(__name__)

FIELDS = COMPARED_FIELDS  # "sign" is the sign of the base value, or of the value
_FLOATS = ("value", "base_value", "value_high", "base_high")
MODES = {
    "linker_on_gold_spans": "linker on gold spans",
    "end_to_end": "end to end (model spans → linker)",
    "whole_end_to_end_unfiltered": "whole reports, end to end, boilerplate kept",
    "whole_end_to_end": "whole reports, end to end, boilerplate filtered",
    "whole_gold_spans_filtered": "whole reports, gold spans, boilerplate filtered",
}


@dataclass(frozen=True)
class ComparedRecord:
    """A record reduced to what is compared; ``start`` is where its value begins in the sentence."""

    indicator: str | None
    value_text: str
    start: int
    value: float | None
    unit: str
    base_value: float | None
    base_unit: str
    kind: str
    target: bool
    qualifier: str
    org: str | None
    value_high: float | None
    base_high: float | None

    @classmethod
    def from_gold(cls, record: dict, start: int) -> ComparedRecord:
        return cls(start=start, **record)

    @classmethod
    def from_record(cls, r: Record, text: str, spans: Sequence[Span]) -> ComparedRecord:
        """A linked record; coordinated indicators (中小学和幼儿园) are written as the gold
        records write them, their INDICATOR span texts joined by 、 (中小学、幼儿园)."""
        indicator = r.indicator
        if indicator is not None:
            inside = [s for s in spans if s.label == "INDICATOR" and r.indicator_start <= s.start < r.indicator_end]
            indicator = "、".join(text[s.start : s.end] for s in sorted(inside))
        return cls(
            indicator, r.value_text, r.value_start, r.value, r.unit, r.base_value, r.base_unit, str(r.kind),
            r.target, r.qualifier, r.org, r.value_high, r.base_high,
        )  # fmt: skip

    @property
    def sign(self) -> int | None:
        number = self.base_value if self.base_value is not None else self.value
        return None if number is None else (number > 0) - (number < 0)

    def identity(self) -> tuple:
        return self.indicator, self.value_text, self.start

    def value_identity(self) -> tuple:
        return self.value_text, self.start


def disagreements(gold: ComparedRecord, pred: ComparedRecord, rel_tol: float) -> list[str]:
    """The :data:`FIELDS` on which two records differ (floats within ``rel_tol`` agree)."""
    return [name for name in FIELDS if not _agree(name, getattr(gold, name), getattr(pred, name), rel_tol)]


def _agree(name: str, a, b, rel_tol: float) -> bool:
    if name in _FLOATS and a is not None and b is not None:
        return math.isclose(a, b, rel_tol=rel_tol)
    return a == b


@dataclass
class _Match:
    pairs: list[tuple[ComparedRecord, ComparedRecord]]  # same identity
    relinked: list[tuple[ComparedRecord, ComparedRecord]]  # same value, another indicator
    missed: list[ComparedRecord]
    spurious: list[ComparedRecord]


def match_records(gold: Sequence[ComparedRecord], pred: Sequence[ComparedRecord]) -> _Match:
    """One-to-one matching of one sentence's records: first on identity, then the rest on the
    value alone (a value found but linked to another indicator), in text order."""
    free = list(pred)
    pairs, unpaired = [], []
    for g in gold:
        p = next((p for p in free if p.identity() == g.identity()), None)
        if p is None:
            unpaired.append(g)
        else:
            free.remove(p)
            pairs.append((g, p))
    relinked, missed = [], []
    for g in unpaired:
        p = next((p for p in free if p.value_identity() == g.value_identity()), None)
        if p is None:
            missed.append(g)
        else:
            free.remove(p)
            relinked.append((g, p))
    return _Match(pairs, relinked, missed, free)


@dataclass
class RecordEvaluation:
    metrics: dict
    errors: list[dict]  # one row per disagreement

    def write(self, out_dir: str | Path, name: str) -> Path:
        """``OUT/errors_<name>.jsonl``; returns its path."""
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"errors_{name}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for row in self.errors:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        return path


def _prf(correct: int, predicted: int, gold: int) -> dict:
    p = correct / predicted if predicted else 0.0
    r = correct / gold if gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "correct": correct}


def score_records(
    sentences: Sequence[GoldSentence], predicted: Sequence[list[ComparedRecord]], rel_tol: float = 1e-6
) -> RecordEvaluation:
    """Compare each sentence's predicted rows with its gold records."""
    n_gold = n_pred = 0
    matched: list[list[str]] = []  # the fields on which each matched pair differs
    relinked = 0
    errors: list[dict] = []
    counts: Counter = Counter()
    for sentence, pred in zip(sentences, predicted, strict=True):
        gold = [ComparedRecord.from_gold(r, s) for r, s in zip(sentence.records, sentence.starts, strict=True)]
        n_gold, n_pred = n_gold + len(gold), n_pred + len(pred)
        m = match_records(gold, pred)
        relinked += len(m.relinked)
        where = {"task_id": sentence.task_id, "source": sentence.source, "text": sentence.text}
        for g, p in m.pairs:
            fields = disagreements(g, p, rel_tol)
            matched.append(fields)
            if fields:
                errors.append(where | {"error": "fields", "fields": fields, "gold": asdict(g), "predicted": asdict(p)})
                counts.update(fields)
        for g, p in m.relinked:
            fields = ["indicator", *disagreements(g, p, rel_tol)]
            errors.append(where | {"error": "indicator", "fields": fields, "gold": asdict(g), "predicted": asdict(p)})
        errors += [where | {"error": "missed", "fields": [], "gold": asdict(g), "predicted": None} for g in m.missed]
        errors += [
            where | {"error": "spurious", "fields": [], "gold": None, "predicted": asdict(p)} for p in m.spurious
        ]
    agree = {name: sum(1 for fields in matched if name not in fields) for name in FIELDS}
    exact = sum(1 for fields in matched if not set(VALUE_FIELDS) & set(fields))
    strict = sum(1 for fields in matched if not fields)
    found = len(matched) + relinked
    metrics = {
        "sentences": len(sentences),
        "gold_records": n_gold,
        "predicted_records": n_pred,
        "records": _prf(len(matched), n_pred, n_gold),
        "values_found": found,
        "indicator_link_accuracy": len(matched) / found if found else 0.0,
        "exact_value": _prf(exact, n_pred, n_gold) | {"of_matched": exact / len(matched) if matched else 0.0},
        "strict": _prf(strict, n_pred, n_gold),
        "field_accuracy": {name: agree[name] / len(matched) if matched else 0.0 for name in FIELDS},
        "errors": dict(Counter(e["error"] for e in errors)),
        "field_errors": dict(counts.most_common()),
        "rel_tol": rel_tol,
    }
    return RecordEvaluation(metrics, errors)


def linked_rows(text: str, spans: Sequence[Span]) -> list[ComparedRecord]:
    """The linker's records of one sentence with these spans, as rows."""
    return [ComparedRecord.from_record(r, text, spans) for r in link(text, spans)]


def linker_on_gold_spans(sentences: Sequence[GoldSentence]) -> list[list[ComparedRecord]]:
    return [linked_rows(s.text, s.spans) for s in sentences]


def linker_on_predicted_spans(sentences: Sequence[GoldSentence], predictor: Predictor) -> list[list[ComparedRecord]]:
    predictions = predictor.predict([s.text for s in sentences])
    return [
        linked_rows(s.text, [Span(e.start, e.end, e.label) for e in p.entities])
        for s, p in zip(sentences, predictions, strict=True)
    ]


def _document_rows(text: str, spans: Sequence[Span], keep_boilerplate: bool) -> list[ComparedRecord]:
    """The records of a whole document as the records output makes them (sentence by sentence,
    boilerplate filtered or not), their starts in document offsets."""
    rows = []
    for start, sentence, record in document_records(text, spans, keep_boilerplate=keep_boilerplate):
        inside = [
            Span(s.start - start, s.end - start, s.label)
            for s in spans
            if start <= s.start and s.end <= start + len(sentence)
        ]
        row = ComparedRecord.from_record(record, sentence, inside)
        rows.append(replace(row, start=row.start + start))
    return rows


def whole_report_scores(
    documents: Sequence[Document], predicted: Sequence[Sequence[Span]], rel_tol: float = 1e-6
) -> dict[str, RecordEvaluation]:
    """Whole-report records scored against the linker on the gold spans (boilerplate kept): the
    records of the ``predicted`` spans of each document with the boilerplate filter off and on, and
    the gold spans' records with the filter on (what it removes there is recall it costs)."""
    reference = []
    for doc in documents:
        rows = _document_rows(doc.text, doc.spans, keep_boilerplate=True)
        records = [{k: v for k, v in asdict(r).items() if k != "start"} for r in rows]
        reference.append(GoldSentence(doc.id, doc.source, doc.text, doc.spans, records, [r.start for r in rows], 0))
    pairs = list(zip(documents, predicted, strict=True))
    return {
        "whole_end_to_end_unfiltered": score_records(
            reference, [_document_rows(d.text, s, True) for d, s in pairs], rel_tol
        ),
        "whole_end_to_end": score_records(reference, [_document_rows(d.text, s, False) for d, s in pairs], rel_tol),
        "whole_gold_spans_filtered": score_records(
            reference, [_document_rows(d.text, d.spans, False) for d in documents], rel_tol
        ),
    }


def format_records_table(results: dict[str, dict]) -> str:
    """Markdown tables: scores per mode, then field accuracy over matched pairs per mode."""
    names = [MODES.get(mode, mode) for mode in results]
    lines = [
        "| mode | gold | predicted | P | R | F1 | indicator link | exact value P / R / F1 | strict F1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, m in zip(names, results.values(), strict=True):
        r, e = m["records"], m["exact_value"]
        lines.append(
            f"| {name} | {m['gold_records']} | {m['predicted_records']} | {r['precision']:.3f} | {r['recall']:.3f} "
            f"| {r['f1']:.3f} | {m['indicator_link_accuracy']:.3f} "
            f"| {e['precision']:.3f} / {e['recall']:.3f} / {e['f1']:.3f} | {m['strict']['f1']:.3f} |"
        )
    lines += ["", "| field (over matched pairs) | " + " | ".join(names) + " |", "|---" + "|---:" * len(names) + "|"]
    lines.append("| matched pairs | " + " | ".join(str(m["records"]["correct"]) for m in results.values()) + " |")
    for field in FIELDS:
        lines.append(f"| {field} | " + " | ".join(f"{m['field_accuracy'][field]:.3f}" for m in results.values()) + " |")
    return "\n".join(lines)

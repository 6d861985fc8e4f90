"""Evaluate a predictor on gold documents: seqeval metrics, span errors, an errors file."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from govner.data.dataset import load_documents, read_tasks
from govner.data.iob import spans_to_tags
from govner.data.labelstudio_format import RawTask
from govner.data.spans import Document, Span
from govner.data.split import read_sources
from govner.data.validation import ValidationReport
from govner.evaluation.metrics import ERROR_KINDS, entity_metrics, span_errors
from govner.files import atomic_open, write_text_atomic
from govner.inference.predictor import Predictor
from govner.model.model_dir import ModelDir


@dataclass
class EvaluationResult:
    metrics: dict  # entity_metrics(...) plus "span_errors" and "documents"
    errors: list[dict]  # one row per document whose predicted spans differ from gold

    def write(self, out_dir: str | Path) -> None:
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        write_text_atomic((out_dir / "metrics.json"), json.dumps(self.metrics, ensure_ascii=False, indent=2))
        with atomic_open(out_dir / "errors.jsonl") as fh:
            for row in self.errors:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def evaluate_documents(predictor: Predictor, docs: list[Document], labels: tuple[str, ...]) -> EvaluationResult:
    started = time.perf_counter()
    predictions = predictor.predict([d.text for d in docs])
    seconds = time.perf_counter() - started
    gold_tags, pred_tags, errors = [], [], []
    totals: Counter = Counter()
    for doc, prediction in zip(docs, predictions, strict=True):
        pred_spans = [Span(e.start, e.end, e.label) for e in prediction.entities]
        gold_tags.append(spans_to_tags(len(doc.text), doc.spans))
        pred_tags.append(spans_to_tags(len(doc.text), pred_spans))
        counts = span_errors(doc.spans, pred_spans)
        totals.update(counts)
        if set(pred_spans) != set(doc.spans):
            errors.append(
                {
                    "id": doc.id,
                    "source": doc.source,
                    "origin": doc.origin,
                    "text": doc.text,
                    "gold": [_span_row(doc.text, s) for s in doc.spans],
                    "predicted": [_span_row(doc.text, s) for s in pred_spans],
                    "errors": {k: counts[k] for k in ERROR_KINDS if counts[k]},
                }
            )
    metrics = entity_metrics(gold_tags, pred_tags, labels)
    metrics["span_errors"] = {k: totals[k] for k in ("correct", *ERROR_KINDS)}
    # touching same-label spans the model produced, joined or left apart (the predictor's policy)
    metrics["fragments"] = {"policy": predictor.fragments, "count": sum(p.fragments for p in predictions)}
    metrics["documents"] = len(docs)
    metrics["characters"] = sum(len(d.text) for d in docs)
    metrics["chars_per_second"] = metrics["characters"] / seconds if seconds else None
    # precision as a reader of whole reports meets it: predicted entities with no gold counterpart
    metrics["spurious_per_1000_chars"] = 1000 * totals["spurious"] / max(metrics["characters"], 1)
    return EvaluationResult(metrics, errors)


def _span_row(text: str, span: Span) -> dict:
    return {"start": span.start, "end": span.end, "label": span.label, "text": text[span.start : span.end]}


def split_documents(
    model_dir: str | Path, split: str, read_tasks: Callable[..., list[RawTask]] = read_tasks
) -> tuple[list[Document], ValidationReport | None]:
    """The gold documents of ``split`` (train/dev/test) as training saw them, with the report of
    loading them. Dev and test come from the model directory itself (``split-<name>.jsonl``; the
    report is then ``None``); otherwise, and for directories written before those files were
    kept, the reports of the split are read again from the data the model was trained on, through
    ``read_tasks(data_cfg)``."""
    model_dir = ModelDir(model_dir)
    splits = model_dir.splits()
    if split not in splits:
        raise ValueError(f"split must be one of {sorted(splits)}, got {split!r}")
    kept = model_dir.split_documents(split)
    if kept is not None:
        return kept, None
    data_cfg = model_dir.train_config().data
    sources = set(splits[split]["sources"])
    docs, report = load_documents(data_cfg, model_dir.labels(), read_tasks(data_cfg))
    return [d for d in docs if d.source in sources], report


def whole_report_documents(test_docs: list[Document], whole_reports_file: str | Path | None) -> list[Document]:
    """The documents of the test reports annotated sentence by sentence in full (listed in
    ``whole_reports_file``, one report per line): the evaluation set of whole reports as they are read."""
    if not whole_reports_file or not Path(whole_reports_file).exists():
        return []
    sources = read_sources(whole_reports_file)
    return [d for d in test_docs if d.source in sources]

"""Evaluate a predictor on gold documents: seqeval metrics, span errors, an errors file."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from omegaconf import OmegaConf

from govner.data.dataset import describe_data, load_documents
from govner.data.iob import spans_to_tags
from govner.data.spans import Document, Span
from govner.data.validation import ValidationReport
from govner.evaluation.metrics import ERROR_KINDS, entity_metrics, format_table, span_errors
from govner.inference.predictor import SETTINGS_FILE, Predictor


@dataclass
class EvaluationResult:
    metrics: dict  # entity_metrics(...) plus "span_errors" and "documents"
    errors: list[dict]  # one row per document whose predicted spans differ from gold

    def write(self, out_dir: str | Path) -> None:
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "metrics.json").write_text(json.dumps(self.metrics, ensure_ascii=False, indent=2), encoding="utf-8")
        with (out_dir / "errors.jsonl").open("w", encoding="utf-8") as fh:
            for row in self.errors:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def evaluate_documents(predictor: Predictor, docs: list[Document], labels: tuple[str, ...]) -> EvaluationResult:
    predictions = predictor.predict([d.text for d in docs])
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
    metrics["documents"] = len(docs)
    return EvaluationResult(metrics, errors)


def _span_row(text: str, span: Span) -> dict:
    return {"start": span.start, "end": span.end, "label": span.label, "text": text[span.start : span.end]}


def split_documents(model_dir: str | Path, split: str) -> tuple[list[Document], ValidationReport]:
    """The gold documents of ``split`` (train/dev/test) of the data a model directory was
    trained on, with the data report of loading them."""
    model_dir = Path(model_dir)
    train_cfg = OmegaConf.load(model_dir / "config.yaml")
    splits = json.loads((model_dir / "splits.json").read_text(encoding="utf-8"))
    if split not in splits:
        raise ValueError(f"split must be one of {sorted(splits)}, got {split!r}")
    sources = set(splits[split]["sources"])
    docs, report = load_documents(train_cfg.data, model_labels(model_dir))
    return [d for d in docs if d.source in sources], report


def model_labels(model_dir: str | Path) -> tuple[str, ...]:
    return tuple(json.loads((Path(model_dir) / SETTINGS_FILE).read_text(encoding="utf-8"))["labels"])


def evaluate_job(cfg) -> EvaluationResult:
    """``scripts/evaluate.py``: a model directory against ``cfg.data.path``, or against the
    ``cfg.split`` reports of the data it was trained on."""
    model_dir = Path(cfg.model_dir)
    predictor = Predictor.from_dir(
        model_dir,
        batch_size=cfg.batch_size,
        quantize=cfg.quantize,
        runtime=cfg.runtime,
        num_threads=cfg.num_threads,
        decoding=cfg.decoding,
    )
    labels = model_labels(model_dir)
    if cfg.data.path:
        docs, report = load_documents(cfg.data, labels)
        what = str(cfg.data.path)
    else:
        docs, report = split_documents(model_dir, cfg.split)
        what = f"{cfg.split} split of {describe_data(OmegaConf.load(model_dir / 'config.yaml').data)}"
    if not docs:
        raise ValueError(f"nothing to evaluate in {what}")
    result = evaluate_documents(predictor, docs, labels)
    result.write(cfg.output_dir)
    report.write(Path(cfg.output_dir) / "data_report.json")
    print(format_table(result.metrics, f"{model_dir} on {what} ({len(docs)} documents):"))
    print("span errors:", ", ".join(f"{k} {v}" for k, v in result.metrics["span_errors"].items()))
    print(f"metrics: {Path(cfg.output_dir) / 'metrics.json'}\nerrors:  {Path(cfg.output_dir) / 'errors.jsonl'}")
    return result

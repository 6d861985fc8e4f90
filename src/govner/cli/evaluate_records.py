"""``govner evaluate-records`` (``scripts/evaluate_records.py``): score the indicator-record linker
against gold records, on the gold spans and, with ``model_dir=``, end to end and on whole reports
(the boilerplate filter off and on); and the canonical-indicator matcher on its gold mapping."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import hydra
from omegaconf import DictConfig

from govner.cli.common import annotation_tasks, optional_str
from govner.cli.config import CONFIG_DIR, register_configs
from govner.data.dataset import load_documents
from govner.data.spans import Span
from govner.data.split import read_sources
from govner.inference.predictor import Predictor
from govner.labels import ENTITY_LABELS
from govner.records.catalogue import read_mapping, score_mapping
from govner.records.evaluation import (
    RecordEvaluation,
    format_records_table,
    linker_on_gold_spans,
    linker_on_predicted_spans,
    score_records,
    whole_report_scores,
)
from govner.records.gold import load_gold_records

register_configs()
log = logging.getLogger(__name__)


def evaluate_records_job(cfg: DictConfig) -> dict[str, RecordEvaluation]:
    """The gold records at ``cfg.gold`` (gold spans from the export at ``cfg.data.path``), the
    linker alone and, with ``cfg.model_dir``, end to end."""
    docs, report = load_documents(cfg.data, ENTITY_LABELS, annotation_tasks(cfg.data))
    skipped_tasks = {p.origin.rsplit(", task ", 1)[-1]: f"{p.kind}: {p.message}" for p in report.skipped}
    sentences, problems = load_gold_records(cfg.gold, docs, skipped_tasks, cfg.invalid_gold)
    for problem in problems:
        log.warning("left out: %s", problem)
    if not sentences:
        raise ValueError(f"{cfg.gold}: no valid gold sentence to evaluate")
    results = {"linker_on_gold_spans": score_records(sentences, linker_on_gold_spans(sentences), cfg.rel_tol)}
    if cfg.model_dir:
        predictor = Predictor.from_dir(cfg.model_dir, batch_size=cfg.batch_size, decoding=optional_str(cfg.decoding))
        results["end_to_end"] = score_records(sentences, linker_on_predicted_spans(sentences, predictor), cfg.rel_tol)
        whole = [d for d in docs if d.source in read_sources(cfg.whole_reports)] if cfg.whole_reports else []
        if whole:
            spans = [
                [Span(e.start, e.end, e.label) for e in p.entities] for p in predictor.predict([d.text for d in whole])
            ]
            results |= whole_report_scores(whole, spans, cfg.rel_tol)
        elif cfg.whole_reports:
            log.warning(
                "%s: no annotated sentence of these reports in %s; whole reports not scored",
                cfg.whole_reports,
                cfg.data.path,
            )
    mapping = score_mapping(read_mapping(cfg.indicator_mapping)) if cfg.indicator_mapping else None
    out_dir = Path(cfg.output_dir)
    summary = {
        "gold": str(cfg.gold),
        "model_dir": str(cfg.model_dir) if cfg.model_dir else None,
        "sentences": len(sentences),
        "left_out": [str(p) for p in problems],
        **{mode: r.metrics for mode, r in results.items()},
        "indicator_mapping": mapping,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "metrics.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    written = [r.write(out_dir, mode) for mode, r in results.items()]
    print(f"{cfg.gold}: {len(sentences)} sentences, {results['linker_on_gold_spans'].metrics['gold_records']} records")
    if problems:
        print(f"{len(problems)} problem(s) in the gold file; sentences left out (see metrics.json)")
    print(format_records_table({mode: r.metrics for mode, r in results.items()}))
    if mapping:
        print(
            f"canonical indicators on {cfg.indicator_mapping}: {mapping['mentions']} mentions, "
            f"{mapping['gold_mapped']} mapped by hand, {mapping['predicted_mapped']} by the catalogue, "
            f"precision {mapping['precision']:.3f}, recall {mapping['recall']:.3f}"
        )
    print(f"metrics: {out_dir / 'metrics.json'}\nerrors:  " + ", ".join(str(p) for p in written))
    return results


@hydra.main(config_path=CONFIG_DIR, config_name="evaluate_records", version_base="1.3")
def main(cfg: DictConfig) -> None:
    evaluate_records_job(cfg)


if __name__ == "__main__":
    main()

"""Self-training: a teacher model tags sentences of unlabeled reports, and the sentences it is
sure of become *silver* training data.

A sentence is kept when the teacher's least certain character is at least ``threshold``
(one doubtful character can hide a wrong boundary, so the minimum, not the mean, decides).
Reports that hold any gold annotation are never read, so neither the fixed test reports nor
the dev reports leak into silver; training checks this again when it reads silver data.
Silver is written as Label Studio tasks whose spans are ``predictions`` (model_version = the
teacher), so an annotator can open it in Label Studio and it can never pass for gold.
"""

from __future__ import annotations

import json
import logging
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

from govner.data.labelstudio_format import REPORT_FIELD, prediction_task, read_export
from govner.data.sampling import sample_corpus
from govner.data.split import read_sources
from govner.errors import GovnerError
from govner.files import write_text_atomic
from govner.inference.predictor import Predictor

__all__ = ["SilverReport", "equal_steps_epochs", "gold_sources", "make_silver", "write_silver"]

log = logging.getLogger(__name__)


@dataclass
class SilverReport:
    teacher: str
    threshold: float
    reports_read: int = 0
    reports_excluded: int = 0
    sentences_tagged: int = 0
    confident: int = 0
    kept: int = 0
    kept_with_entities: int = 0
    entities: dict[str, int] = field(default_factory=dict)
    student_epochs: int | None = None  # epochs over gold + silver with the teacher's optimizer steps

    def summary(self) -> str:
        return (
            f"{self.reports_read} reports read ({self.reports_excluded} with gold annotations excluded), "
            f"{self.sentences_tagged} sentences tagged, {self.confident} at or above {self.threshold}, "
            f"{self.kept} kept ({self.kept_with_entities} with entities)"
        )


def make_silver(
    predictor: Predictor,
    corpus_dir: Path,
    exclude_sources: frozenset[str],
    threshold: float,
    per_report: int,
    max_sentences: int,
    seed: int,
    model_version: str,
    max_empty_share: float = 0.2,
) -> tuple[list[dict], SilverReport]:
    """Tag up to ``per_report`` sentences of every report not in ``exclude_sources`` (about 4
    in 5 with a number, as the annotation sampler draws them); return the confident ones as
    Label Studio tasks (at most ``max_sentences``, a seeded sample in which sentences without
    entities make at most ``max_empty_share``) and what happened."""
    if not 0.0 < threshold <= 1.0:
        raise GovnerError(f"threshold must be in (0, 1], got {threshold}")
    if not 0.0 <= max_empty_share < 1.0:
        raise GovnerError(f"max_empty_share must be in [0, 1), got {max_empty_share}")
    report = SilverReport(teacher=model_version, threshold=threshold)
    all_sources = {f"{p.parent.name}/{p.name}" for p in corpus_dir.glob("*/*.txt")}
    if not all_sources:
        raise FileNotFoundError(f"{corpus_dir}: no <folder>/<report>.txt files")
    report.reports_excluded = len(all_sources & exclude_sources)
    sentences = sample_corpus(corpus_dir, None, per_report, seed=seed, exclude_sources=exclude_sources)
    report.reports_read = len({s.source for s in sentences})
    report.sentences_tagged = len(sentences)
    predictions = predictor.predict([s.text for s in sentences])
    confident = [(s, p) for s, p in zip(sentences, predictions, strict=True) if p.min_score >= threshold]
    report.confident = len(confident)
    # Sentences without entities are the easiest to be sure of; cap their share so silver
    # teaches entities rather than mostly "O".
    rng = random.Random(seed)
    with_entities = [sp for sp in confident if sp[1].entities]
    rng.shuffle(with_entities)
    with_entities = with_entities[:max_sentences]
    empty = [sp for sp in confident if not sp[1].entities]
    n_empty = min(
        len(empty),
        max_sentences - len(with_entities),
        round(len(with_entities) * max_empty_share / (1 - max_empty_share)),
    )
    chosen = sorted(with_entities + rng.sample(empty, n_empty), key=lambda sp: sp[0].id)
    tasks = []
    for sentence, prediction in chosen:
        data = {"text": sentence.text, REPORT_FIELD: sentence.source, "doc_id": sentence.id, "offset": sentence.start}
        tasks.append(prediction_task(data, prediction.entities, prediction.min_score, model_version))
        for entity in prediction.entities:
            report.entities[entity.label] = report.entities.get(entity.label, 0) + 1
        report.kept_with_entities += bool(prediction.entities)
    report.kept = len(tasks)
    return tasks, report


def equal_steps_epochs(gold_epochs: float, gold_examples: int, silver_examples: int) -> int:
    """Epochs over gold + silver that take about the optimizer steps of ``gold_epochs`` over gold
    alone: the student trains as long as its teacher, so silver is what differs."""
    return max(1, round(gold_epochs * gold_examples / (gold_examples + silver_examples)))


def write_silver(tasks: list[dict], report: SilverReport, output_dir: Path) -> Path:
    """Write ``silver.json`` (Label Studio tasks) and ``silver_report.json``; return the former."""
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / "silver.json"
    write_text_atomic(path, json.dumps(tasks, ensure_ascii=False, indent=0))
    write_text_atomic(output_dir / "silver_report.json", json.dumps(asdict(report), indent=2))
    return path


def gold_sources(
    annotations: str | Path,
    text_field: str = "text",
    source_field: str = REPORT_FIELD,
    test_reports_file: str | None = None,
) -> frozenset[str]:
    """Every report that holds a gold task in the export(s) at ``annotations``, plus the fixed
    test reports listed in ``test_reports_file``."""
    tasks = read_export(annotations, text_field=text_field, source_field=source_field)
    sources = {t.source for t in tasks if t.source}
    test_file = test_reports_file
    if test_file and Path(test_file).exists():
        sources |= read_sources(test_file)
    return frozenset(sources)

"""A tagged batch written again without the model: the entities of ``output_format=jsonl`` with the
text of each document read again from its ``source``, through any writer (records, comparison
table, HTML report). A change to the linker or the indicator catalogue reaches a batch this way
in seconds. A line whose source is gone or whose entities no longer match the text is reported."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

from govner.inference.batch import BatchSummary
from govner.inference.inputs import InputDocument, InputFailure, read_documents
from govner.inference.predictor import DocumentPrediction, Entity
from govner.inference.writers import make_writer
from govner.labels import ENTITY_LABELS


def read_predictions(path: Path) -> Iterator[tuple[InputDocument, DocumentPrediction] | InputFailure]:
    """Each line of an entities JSONL (``{"id", "source", "entities"}``) with its document; sources
    are read as ``govner predict`` read them (relative paths from the working directory)."""
    source, documents, unreadable = None, {}, None
    with path.open(encoding="utf-8") as lines:  # streamed: memory stays flat however long the batch
        for lineno, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                item = json.loads(line)
                doc_id, doc_source, raw = str(item["id"]), str(item["source"]), item["entities"]
                entities = [
                    Entity(int(e["start"]), int(e["end"]), str(e["label"]), str(e["text"]), float(e["score"]))
                    for e in raw
                ]
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
                yield InputFailure(
                    where,
                    f'expected {{"id", "source", "entities": [{{"start", "end", "label", "text", "score"}}]}} as govner predict writes it ({err})',
                )
                continue
            if doc_source != source:  # lines of one source follow each other: read it once
                source = doc_source
                documents, unreadable = {}, None
                for found in read_documents(Path(source)):
                    if isinstance(found, InputFailure):
                        unreadable = found.reason
                    else:
                        documents.setdefault(found.id, found)
            doc = documents.get(doc_id)
            if doc is None:
                yield InputFailure(
                    where, f"document {doc_id!r} not found in {source}" + (f" ({unreadable})" if unreadable else "")
                )
                continue
            wrong = next(
                (e for e in entities if e.label not in ENTITY_LABELS or doc.text[e.start : e.end] != e.text), None
            )
            if wrong is not None:
                yield InputFailure(
                    where,
                    f"entity {wrong.label} {wrong.text!r} at {wrong.start}–{wrong.end} does not match {source}: was it changed after tagging?",
                )
                continue
            yield doc, DocumentPrediction(entities, mean_score=float("nan"))  # the scores of the text are not kept


def replay_predictions(
    predictions: str | Path,
    output: str | Path,
    output_format: str = "html",
    model_version: str = "govner",
    single_page_documents: int = 20,
) -> BatchSummary:
    """Write the documents of the entities JSONL ``predictions`` to ``output`` in ``output_format``."""
    summary = BatchSummary(files=1)
    writer = make_writer(
        output_format, output, model_version, failures=summary.failures, single_page_documents=single_page_documents
    )
    start = time.perf_counter()
    try:
        for item in read_predictions(Path(predictions)):
            if isinstance(item, InputFailure):
                summary.failures.append(item)
                continue
            doc, prediction = item
            writer.write(doc, prediction)
            summary.documents += 1
            summary.characters += len(doc.text)
            summary.entities += len(prediction.entities)
    finally:
        writer.close()
    summary.seconds = time.perf_counter() - start
    return summary

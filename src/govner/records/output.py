"""Indicator records of a tagged document: each sentence with a QUANTITY is linked on its own,
records from boilerplate are left out (:mod:`govner.records.boilerplate`), and every record becomes
one output row (:data:`~govner.records.schema.OUTPUT_COLUMNS`) with offsets into the document and
the canonical id of its indicator (:mod:`govner.records.catalogue`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import asdict

from govner.data.sentences import split_sentences
from govner.data.spans import Span
from govner.records.boilerplate import boilerplate_reason
from govner.records.catalogue import canonical_indicator
from govner.records.linker import link
from govner.records.schema import OFFSET_FIELDS, Record

log = logging.getLogger(__name__)


def document_records(
    text: str, entities: Iterable, keep_boilerplate: bool = False
) -> Iterator[tuple[int, str, Record]]:
    """``(sentence start, sentence, record)`` for every record of ``text``, whose ``entities``
    (anything with ``start``, ``end``, ``label`` in document offsets) the model found; records
    from boilerplate are left out (logged at debug level) unless ``keep_boilerplate``."""
    entities = list(entities)
    for start, end in split_sentences(text):
        spans = [Span(e.start - start, e.end - start, e.label) for e in entities if start <= e.start and e.end <= end]
        if any(s.label == "QUANTITY" for s in spans):
            sentence = text[start:end]
            for record in link(sentence, spans):
                reason = None if keep_boilerplate else boilerplate_reason(sentence, record)
                if reason is None:
                    yield start, sentence, record
                else:
                    log.debug("boilerplate (%s) left out: %r in %r", reason, record.value_text, sentence)


def output_row(document: str, source: str, sentence_start: int, sentence: str, record: Record) -> dict:
    """One row of ``output_format=records``; the record's offsets are moved into the document."""
    row = {"document": document, "source": source, "sentence_start": sentence_start, "sentence": sentence}
    for name, value in asdict(record).items():
        if name in OFFSET_FIELDS and value is not None:
            value += sentence_start
        row[name] = str(value) if name == "kind" else value
    row["canonical_indicator"] = canonical_indicator(record.indicator)
    return row

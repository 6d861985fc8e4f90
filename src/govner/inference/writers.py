"""Writers for batch predictions: JSONL (one document per line), Label Studio tasks, indicator
records (JSONL and CSV, rows from :mod:`govner.records.output`), the comparison table of a batch
(:mod:`govner.records.comparison`) and the HTML report (:mod:`govner.inference.html_report`). Each
replaces its output only on :meth:`close`; :meth:`abort` (an interrupted run) leaves the previous
output as it was."""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from govner.data.labelstudio_format import REPORT_FIELD, prediction_task
from govner.files import AtomicFile
from govner.inference.html_report import HtmlReportWriter
from govner.inference.inputs import InputDocument, InputFailure
from govner.inference.predictor import DocumentPrediction
from govner.records.comparison import ComparisonTable
from govner.records.output import document_records, output_row
from govner.records.schema import OUTPUT_COLUMNS

log = logging.getLogger(__name__)


class PredictionWriter(Protocol):
    def write(self, doc: InputDocument, prediction: DocumentPrediction) -> None: ...
    def close(self) -> None: ...  # the output is complete: it replaces the previous one
    def abort(self) -> None: ...  # the run stopped: the previous output stays


class JsonlWriter:
    """``{"id", "source", "entities": [{"start", "end", "label", "text", "score"}]}`` per line."""

    def __init__(self, path: Path) -> None:
        self._out = AtomicFile(path)

    def write(self, doc: InputDocument, prediction: DocumentPrediction) -> None:
        entities = [vars(e) for e in prediction.entities]
        self._out.fh.write(
            json.dumps({"id": doc.id, "source": doc.source, "entities": entities}, ensure_ascii=False) + "\n"
        )

    def close(self) -> None:
        self._out.commit()

    def abort(self) -> None:
        self._out.abort()


class LabelStudioWriter:
    """A JSON list of Label Studio tasks with the spans as ``predictions`` (offsets in UTF-16
    code units, as Label Studio counts them), streamed item by item."""

    def __init__(self, path: Path, model_version: str, from_name: str = "label", to_name: str = "text") -> None:
        self._out = AtomicFile(path)
        self._fh = self._out.fh
        self._fh.write("[")
        self._first = True
        self.model_version, self.from_name, self.to_name = model_version, from_name, to_name

    def write(self, doc: InputDocument, prediction: DocumentPrediction) -> None:
        self._fh.write("\n" if self._first else ",\n")
        self._first = False
        json.dump(
            document_task(doc, prediction, self.model_version, self.from_name, self.to_name),
            self._fh,
            ensure_ascii=False,
        )

    def close(self) -> None:
        self._fh.write("\n]\n")
        self._out.commit()

    def abort(self) -> None:
        self._out.abort()


def document_task(
    doc: InputDocument,
    prediction: DocumentPrediction,
    model_version: str,
    from_name: str = "label",
    to_name: str = "text",
) -> dict:
    """A document as a Label Studio task (``data``: text, report, doc_id) with its spans as a prediction,
    scored by the probability of its decoded tag path (as ls-push and the ML backend score theirs)."""
    data = {"text": doc.text, REPORT_FIELD: doc.source, "doc_id": doc.id}
    return prediction_task(data, prediction.entities, prediction.path_prob, model_version, from_name, to_name)


RECORD_COLUMNS = OUTPUT_COLUMNS  # the columns of output_format=records (govner.records.schema)


class RecordsWriter:
    """Indicator records (one value of one indicator per row) as JSONL at ``path`` and the same
    rows as CSV beside it (UTF-8 with BOM, so Excel opens it). Offsets are into the document."""

    def __init__(self, path: Path) -> None:
        self.csv_path = csv_path(path)
        self._jsonl = AtomicFile(path)
        self._csv_file = AtomicFile(self.csv_path, encoding="utf-8-sig", newline="")
        self._csv = csv.DictWriter(self._csv_file.fh, fieldnames=RECORD_COLUMNS)
        self._csv.writeheader()

    def write(self, doc: InputDocument, prediction: DocumentPrediction) -> None:
        for start, sentence, record in document_records(doc.text, prediction.entities):
            row = output_row(doc.id, doc.source, start, sentence, record)
            self._jsonl.fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            self._csv.writerow(row)

    def close(self) -> None:
        self._jsonl.commit()
        self._csv_file.commit()

    def abort(self) -> None:
        self._jsonl.abort()
        self._csv_file.abort()


def csv_path(path: Path) -> Path:
    """Where ``output_format=records`` writes its CSV: beside the JSONL, with a ``.csv`` suffix."""
    return path.with_suffix(".csv")


def output_files(output_format: str, path: str | Path) -> list[Path]:
    """Every file a writer of ``output_format`` writes for ``path``."""
    path = Path(path)
    if output_format == "records":
        return [path, csv_path(path)]
    if output_format in ("comparison", "html"):
        return [path, path.with_name(f"{path.stem}.coverage.csv")] + (
            [path.with_name(f"{path.stem}.comparison.csv")] if output_format == "html" else []
        )
    return [path]


class ComparisonWriter:
    """The comparison table of the batch (report × canonical indicator → value) as CSV at ``path``,
    and its coverage (reports and cells per canonical indicator) beside it, ``<stem>.coverage.csv``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.coverage_path = path.with_name(f"{path.stem}.coverage.csv")
        self.table = ComparisonTable()

    def write(self, doc: InputDocument, prediction: DocumentPrediction) -> None:
        rows = (output_row(doc.id, doc.source, *found) for found in document_records(doc.text, prediction.entities))
        self.table.add_document(doc.id, doc.source, rows)

    def abort(self) -> None:
        """Nothing is written before :meth:`close`: the previous table stays."""

    def close(self) -> None:
        self.table.write_csv(self.path)
        self.table.write_coverage_csv(self.coverage_path)
        log.info("%s (%s, %s)", self.table.summary(), self.path, self.coverage_path)


OUTPUT_FORMATS = ("jsonl", "labelstudio", "records", "comparison", "html")


def make_writer(
    output_format: str,
    path: str | Path,
    model_version: str,
    from_name: str = "label",
    to_name: str = "text",
    failures: Sequence[InputFailure] = (),
    single_page_documents: int = 20,
) -> PredictionWriter:
    """``failures`` (the run's unreadable inputs, read at close) and ``single_page_documents`` are for
    ``output_format="html"``."""
    if output_format == "jsonl":
        return JsonlWriter(Path(path))
    if output_format == "labelstudio":
        return LabelStudioWriter(Path(path), model_version, from_name, to_name)
    if output_format == "records":
        return RecordsWriter(Path(path))
    if output_format == "comparison":
        return ComparisonWriter(Path(path))
    if output_format == "html":
        return HtmlReportWriter(Path(path), model_version, failures, single_page_documents)
    raise ValueError(f"output_format must be one of {OUTPUT_FORMATS}, got {output_format!r}")

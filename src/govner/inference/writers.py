"""Writers for batch predictions: JSONL (one document per line), Label Studio tasks, indicator
records (JSONL and CSV, rows from :mod:`govner.records.output`)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Protocol

from govner.data.labelstudio_format import prediction_task
from govner.inference.inputs import InputDocument
from govner.inference.predictor import DocumentPrediction
from govner.records.output import document_records, output_row
from govner.records.schema import OUTPUT_COLUMNS


class PredictionWriter(Protocol):
    def write(self, doc: InputDocument, prediction: DocumentPrediction) -> None: ...
    def close(self) -> None: ...


class JsonlWriter:
    """``{"id", "source", "entities": [{"start", "end", "label", "text", "score"}]}`` per line."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = path.open("w", encoding="utf-8")

    def write(self, doc: InputDocument, prediction: DocumentPrediction) -> None:
        entities = [vars(e) for e in prediction.entities]
        self._fh.write(
            json.dumps({"id": doc.id, "source": doc.source, "entities": entities}, ensure_ascii=False) + "\n"
        )

    def close(self) -> None:
        self._fh.close()


class LabelStudioWriter:
    """A JSON list of Label Studio tasks with the spans as ``predictions`` (offsets in UTF-16
    code units, as Label Studio counts them), streamed item by item."""

    def __init__(self, path: Path, model_version: str, from_name: str = "label", to_name: str = "text") -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = path.open("w", encoding="utf-8")
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
        self._fh.close()


def document_task(
    doc: InputDocument,
    prediction: DocumentPrediction,
    model_version: str,
    from_name: str = "label",
    to_name: str = "text",
) -> dict:
    """A document as a Label Studio task (``data``: text, source, doc_id) with its spans as a prediction,
    scored by the probability of its decoded tag path (as ls-push and the ML backend score theirs)."""
    data = {"text": doc.text, "source": doc.source, "doc_id": doc.id}
    return prediction_task(data, prediction.entities, prediction.path_prob, model_version, from_name, to_name)


RECORD_COLUMNS = OUTPUT_COLUMNS  # the columns of output_format=records (govner.records.schema)


class RecordsWriter:
    """Indicator records (one value of one indicator per row) as JSONL at ``path`` and the same
    rows as CSV beside it (UTF-8 with BOM, so Excel opens it). Offsets are into the document."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._jsonl = path.open("w", encoding="utf-8")
        self.csv_path = path.with_suffix(".csv")
        self._csv_file = self.csv_path.open("w", encoding="utf-8-sig", newline="")
        self._csv = csv.DictWriter(self._csv_file, fieldnames=RECORD_COLUMNS)
        self._csv.writeheader()

    def write(self, doc: InputDocument, prediction: DocumentPrediction) -> None:
        for start, sentence, record in document_records(doc.text, prediction.entities):
            row = output_row(doc.id, doc.source, start, sentence, record)
            self._jsonl.write(json.dumps(row, ensure_ascii=False) + "\n")
            self._csv.writerow(row)

    def close(self) -> None:
        self._jsonl.close()
        self._csv_file.close()


OUTPUT_FORMATS = ("jsonl", "labelstudio", "records")


def make_writer(
    output_format: str, path: str | Path, model_version: str, from_name: str = "label", to_name: str = "text"
) -> PredictionWriter:
    if output_format == "jsonl":
        return JsonlWriter(Path(path))
    if output_format == "labelstudio":
        return LabelStudioWriter(Path(path), model_version, from_name, to_name)
    if output_format == "records":
        return RecordsWriter(Path(path))
    raise ValueError(f"output_format must be one of {OUTPUT_FORMATS}, got {output_format!r}")

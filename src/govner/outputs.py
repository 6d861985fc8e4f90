"""Writers for batch predictions: JSONL (one document per line) and Label Studio tasks."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Protocol

from govner.data.offsets import Utf16Offsets
from govner.inputs import InputDocument
from govner.predictor import DocumentPrediction


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
            labelstudio_task(doc, prediction, self.model_version, self.from_name, self.to_name),
            self._fh,
            ensure_ascii=False,
        )

    def close(self) -> None:
        self._fh.write("\n]\n")
        self._fh.close()


def labelstudio_task(
    doc: InputDocument, prediction: DocumentPrediction, model_version: str, from_name: str, to_name: str
) -> dict:
    offsets = Utf16Offsets(doc.text)
    result = [
        {
            "id": uuid.uuid4().hex[:10],
            "from_name": from_name,
            "to_name": to_name,
            "type": "labels",
            "value": {
                "start": offsets.to_utf16(e.start),
                "end": offsets.to_utf16(e.end),
                "text": e.text,
                "labels": [e.label],
            },
            "score": e.score,
        }
        for e in prediction.entities
    ]
    return {
        "data": {"text": doc.text, "source": doc.source, "doc_id": doc.id},
        "predictions": [{"model_version": model_version, "score": prediction.score, "result": result}],
    }


def make_writer(output_format: str, path: str | Path, model_version: str, **labelstudio) -> PredictionWriter:
    if output_format == "jsonl":
        return JsonlWriter(Path(path))
    if output_format == "labelstudio":
        return LabelStudioWriter(Path(path), model_version, **labelstudio)
    raise ValueError(f"output_format must be 'jsonl' or 'labelstudio', got {output_format!r}")

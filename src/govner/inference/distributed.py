"""Tagging a corpus on Ray Data, for corpora beyond one machine (optional extra ``[distributed]``).

Reports are read where they lie (shared storage, one row per document, as ``scripts/predict.py``
reads them), then ``map_batches`` runs :class:`RayPredictor` in a pool of actors, each loading the
model once. Rows come out as ``{"id", "source", "text", "entities", "score"}`` with ``entities`` a
JSON list like the JSONL output of batch inference; a bad input comes out as a row whose
``error`` says what is wrong (``""`` for tagged documents).
Without Ray, ``scripts/predict.py shard=i num_shards=n`` splits a corpus among processes or machines.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from govner.inference.cpu import map_large_allocations
from govner.inference.inputs import InputFailure, read_documents, resolve_inputs
from govner.inference.predictor import Predictor


class RayPredictor:
    """A callable class for ``Dataset.map_batches``: tags the ``text`` column of a batch (rows
    with an ``error`` pass through untagged)."""

    def __init__(
        self,
        model_dir: str,
        batch_size: int = 64,
        quantize: bool = False,
        num_threads: int | None = None,
        runtime: str = "torch",
        mmap_threshold_kib: int | None = 256,
    ):
        map_large_allocations(mmap_threshold_kib)  # a long-lived actor: keep its memory flat, as predict.py does
        self.predictor = Predictor.from_dir(
            model_dir, batch_size=batch_size, quantize=quantize, num_threads=num_threads, runtime=runtime
        )

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        good = [k for k, error in enumerate(batch["error"]) if not error]
        predictions = self.predictor.predict([str(batch["text"][k]) for k in good])
        entities = np.full(len(batch["text"]), "[]", dtype=object)
        scores = np.full(len(batch["text"]), np.nan)
        for k, prediction in zip(good, predictions, strict=True):
            entities[k] = json.dumps([vars(e) for e in prediction.entities], ensure_ascii=False)
            scores[k] = prediction.mean_score  # column "score": the mean over the characters
        return {**batch, "entities": entities, "score": scores}


def document_rows(row: dict) -> Iterator[dict]:
    """``flat_map`` function: the documents of the input file ``row["path"]``, or its failures."""
    for item in read_documents(Path(row["path"])):
        if isinstance(item, InputFailure):
            yield {"id": "", "source": item.source, "text": "", "error": item.reason}
        else:
            yield {"id": item.id, "source": item.source, "text": item.text, "error": ""}


def predict_reports(
    input_spec: str,
    model_dir: str | Path,
    concurrency: int = 1,
    docs_per_batch: int = 16,
    batch_size: int = 64,
    quantize: bool = False,
    num_threads: int | None = 1,
    runtime: str = "torch",
):
    """A lazy Ray Dataset of the tagged documents at ``input_spec`` (a file, directory or glob):
    ``concurrency`` actors, each tagging ``docs_per_batch`` documents at a time with
    ``num_threads`` threads (give each actor one core; scale out with actors) on ``runtime``
    (torch | onnx).
    Write it with ``.write_json(folder)`` or iterate over it."""
    import ray.data

    files = [{"path": str(p.resolve())} for p in resolve_inputs(input_spec)]
    return (
        ray.data.from_items(files)
        .flat_map(document_rows)
        .map_batches(
            RayPredictor,
            fn_constructor_kwargs={
                "model_dir": str(Path(model_dir).resolve()),
                "batch_size": batch_size,
                "quantize": quantize,
                "num_threads": num_threads,
                "runtime": runtime,
            },
            batch_size=docs_per_batch,
            batch_format="numpy",
            concurrency=concurrency,
            num_cpus=num_threads or 1,
        )
    )

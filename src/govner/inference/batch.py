"""Batch inference over report files: stream documents in chunks, write as they come.

``shard``/``num_shards`` split one input among processes or machines: the documents (and
failures) found at the input are numbered in order, and shard ``i`` of ``n`` takes those whose
number is ``i`` modulo ``n``, so the shards cover the input exactly once."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from govner.errors import GovnerError
from govner.inference.cpu import peak_memory_mib, release_memory
from govner.inference.inputs import (
    InputDocument,
    InputFailure,
    check_outputs,
    find_inputs,
    read_documents,
)
from govner.inference.predictor import Predictor, fragments_note
from govner.inference.writers import make_writer, output_files

log = logging.getLogger(__name__)


@dataclass
class BatchSummary:
    files: int = 0
    documents: int = 0
    characters: int = 0
    entities: int = 0
    fragments: int = 0  # touching same-label span pairs (Predictor.fragments says what became of them)
    fragment_policy: str = "flag"
    seconds: float = 0.0
    peak_memory_mib: float | None = None
    failures: list[InputFailure] = field(default_factory=list)
    skipped: list[InputFailure] = field(default_factory=list)  # files of an input directory that are not reports

    @property
    def chars_per_second(self) -> float:
        return self.characters / self.seconds if self.seconds else 0.0

    def __str__(self) -> str:
        lines = [
            f"{self.files} files, {self.documents} documents, {self.characters:,} characters, "
            f"{self.entities:,} entities in {self.seconds:.1f}s ({self.chars_per_second:,.0f} chars/s); "
            f"{len(self.failures)} failed, {len(self.skipped)} file(s) skipped"
            + (f"; peak memory {self.peak_memory_mib:.0f} MiB" if self.peak_memory_mib is not None else "")
        ]
        lines.append(fragments_note(self.fragments, self.fragment_policy))
        lines += [f"  FAILED {f.source}: {f.reason}" for f in self.failures]
        lines += [f"  SKIPPED {f.source}: {f.reason}" for f in self.skipped]
        return "\n".join(lines)


def predict_files(
    predictor: Predictor,
    input_spec: str,
    output: str | Path,
    output_format: str = "jsonl",
    model_version: str = "govner",
    chunk_chars: int = 200_000,
    from_name: str = "label",
    to_name: str = "text",
    shard: int = 0,
    num_shards: int = 1,
    single_page_documents: int = 20,
) -> BatchSummary:
    """Tag every document found at ``input_spec`` (those of ``shard`` when ``num_shards`` > 1) and
    write them to ``output`` in input order (``from_name``/``to_name``: the Label Studio control and
    object of ``output_format="labelstudio"``; ``single_page_documents``: the most documents
    ``output_format="html"`` puts in one page). Documents are gathered into chunks of about
    ``chunk_chars`` characters, so memory stays flat however many files there are. An output that
    is also an input is refused before anything is written; an interrupted run leaves the previous
    output as it was."""
    if not 0 <= shard < num_shards:
        raise GovnerError(f"shard must be in [0, num_shards); got shard={shard}, num_shards={num_shards}")
    inputs = find_inputs(input_spec)
    files = inputs.files
    check_outputs(input_spec, files, output_files(output_format, output))
    summary = BatchSummary(files=len(files), skipped=inputs.skipped, fragment_policy=predictor.fragments)
    for item in inputs.skipped:
        log.warning("%s: skipped, %s", item.source, item.reason)
    writer = make_writer(
        output_format, output, model_version, from_name, to_name, summary.failures, single_page_documents
    )
    start = time.perf_counter()
    try:
        with tqdm(total=len(files), unit="file", desc="predict") as progress:
            for chunk in _chunks(files, chunk_chars, summary, progress, shard, num_shards):
                for doc, prediction in zip(chunk, predictor.predict([d.text for d in chunk]), strict=True):
                    writer.write(doc, prediction)
                    summary.entities += len(prediction.entities)
                    summary.fragments += prediction.fragments
                release_memory()
    except BaseException:
        writer.abort()
        raise
    writer.close()
    summary.seconds = time.perf_counter() - start
    summary.peak_memory_mib = peak_memory_mib()
    return summary


def _chunks(
    files: list[Path], chunk_chars: int, summary: BatchSummary, progress: tqdm, shard: int, num_shards: int
) -> Iterator[list[InputDocument]]:
    chunk: list[InputDocument] = []
    size = 0
    number = 0
    for path in files:
        for item in read_documents(path):
            number += 1
            if (number - 1) % num_shards != shard:
                continue
            if isinstance(item, InputFailure):
                log.error("%s: %s", item.source, item.reason)
                summary.failures.append(item)
                continue
            chunk.append(item)
            size += len(item.text)
            summary.documents += 1
            summary.characters += len(item.text)
            if size >= chunk_chars:
                yield chunk
                chunk, size = [], 0
        progress.update(1)
    if chunk:
        yield chunk

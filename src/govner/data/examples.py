"""Documents → character-level training examples: one per segment, one IOB2 tag per character."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from datasets import Dataset

from govner.data.iob import spans_to_tags
from govner.data.segmentation import Segment, segment
from govner.data.spans import Document


@dataclass(frozen=True)
class CharExample:
    """One model input with one IOB2 tag per character."""

    id: str
    doc_id: str
    source: str
    offset: int  # where ``text`` starts in the document
    text: str
    tags: list[str]


def document_examples(doc: Document, max_chars: int, stride: int, max_tokens: int | None = None) -> list[CharExample]:
    tags = spans_to_tags(len(doc.text), doc.spans)
    return [
        CharExample(
            id=f"{doc.id}:{seg.start}",
            doc_id=doc.id,
            source=doc.source,
            offset=seg.start,
            text=doc.text[seg.start : seg.end],
            tags=_window_tags(tags, seg),
        )
        for seg in segment(doc.text, max_chars, stride, doc.spans, max_tokens)
    ]


def _window_tags(tags: list[str], seg: Segment) -> list[str]:
    """Tags of a window; an entity cut by the window edge (only possible for an entity longer
    than a window) keeps a valid IOB2 start."""
    window = tags[seg.start : seg.end]
    if window and window[0].startswith("I-"):
        window[0] = "B-" + window[0][2:]
    return window


def examples_dataset(docs: list[Document], max_chars: int, stride: int, max_tokens: int | None = None) -> Dataset:
    """The character examples of ``docs`` as a ``datasets.Dataset`` (columns: CharExample's fields);
    ``max_tokens``: the model's limit, which no window may pass (see govner.data.segmentation)."""
    rows = [asdict(ex) for doc in docs for ex in document_examples(doc, max_chars, stride, max_tokens)]
    columns = [f for f in CharExample.__dataclass_fields__]
    return Dataset.from_dict({c: [r[c] for r in rows] for c in columns})

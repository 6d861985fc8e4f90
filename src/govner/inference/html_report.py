"""``output_format=html``: a batch as a self-contained HTML report (inline CSS and JS, no network).

The page opens with a summary (documents, characters, entities per label, records, the documents
that failed and why), the comparison table (:mod:`govner.records.comparison`) and the list of
documents; then one section per document: its records (sortable, filterable), each beside its
sentence, and its text with the entities highlighted in the labels' Label Studio colors, as spaCy's
displaCy shows them. A batch of more than ``single_page_documents`` documents becomes an index page
at ``path`` and one page per document in ``<stem>_pages/``. The comparison table and its coverage
are also written as CSV beside the report (``<stem>.comparison.csv``, ``<stem>.coverage.csv``).
Every text is escaped (the reports are untrusted)."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from govner.files import write_text_atomic
from govner.inference.inputs import InputDocument, InputFailure
from govner.inference.predictor import DocumentPrediction, Entity
from govner.labels import ENTITY_LABELS, LABEL_COLORS
from govner.records.comparison import ComparisonTable, conflicting
from govner.records.output import document_records, output_row

log = logging.getLogger(__name__)

_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass
class DocumentSummary:
    number: int  # from 1, in input order
    id: str
    source: str
    characters: int
    entities: Counter
    records: int
    href: str  # where its section is: "#doc-3" on the single page, "<stem>_pages/doc-0003.html" from the index


@dataclass
class _Section:
    summary: DocumentSummary
    html: Markup


class HtmlReportWriter:
    """Writes the report at ``close``; ``failures`` is the run's list of inputs that could not be
    read, read when the report is written."""

    def __init__(
        self, path: Path, model_version: str, failures: Sequence[InputFailure] = (), single_page_documents: int = 20
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.pages_dir = path.parent / f"{path.stem}_pages"
        self.csv_path = path.with_suffix(".comparison.csv")
        self.coverage_path = path.with_suffix(".coverage.csv")
        self.model_version = model_version
        self.failures = failures
        self.single_page_documents = single_page_documents
        self.table = ComparisonTable()
        self._env = Environment(
            loader=PackageLoader("govner.inference", "templates"), autoescape=True, undefined=StrictUndefined
        )
        self._env.filters["num"] = format_number
        self._documents: list[DocumentSummary] = []
        self._buffered: list[_Section] = []  # sections kept for the single page until the batch is large
        self._paged = False

    def write(self, doc: InputDocument, prediction: DocumentPrediction) -> None:
        number = len(self._documents) + 1
        rows = [
            output_row(doc.id, doc.source, start, sentence, record)
            for start, sentence, record in document_records(doc.text, prediction.entities)
        ]
        self.table.add_document(doc.id, doc.source, rows)  # report number ``number - 1``
        summary = DocumentSummary(
            number, doc.id, doc.source, len(doc.text), Counter(e.label for e in prediction.entities), len(rows), ""
        )
        self._documents.append(summary)
        section = _Section(summary, self._section(summary, doc, prediction.entities, rows))
        if not self._paged and len(self._documents) > self.single_page_documents:
            self._paged = True
            for buffered in self._buffered:
                self._write_page(buffered)
            self._buffered = []
        if self._paged:
            self._write_page(section)
        else:
            summary.href = f"#doc-{number}"
            self._buffered.append(section)

    def abort(self) -> None:
        """The run stopped: the report and its tables are written only on close, so the previous ones
        stay (pages of documents already tagged may have been written into the pages folder)."""

    def close(self) -> None:
        page = self._env.get_template("report.html.j2").render(
            **self._page_context(),
            sections=[s.html for s in self._buffered],
            pages_dir=self.pages_dir.name if self._paged else None,
        )
        write_text_atomic(self.path, page)
        self.table.write_csv(self.csv_path)
        self.table.write_coverage_csv(self.coverage_path)
        log.info("%s", self.table.summary())
        log.info("HTML report: %s%s; comparison table: %s; its coverage: %s", self.path,
                 f" (index; one page per document in {self.pages_dir})" if self._paged else "", self.csv_path,
                 self.coverage_path)  # fmt: skip

    def _page_context(self) -> dict:
        return {
            "title": self.path.stem,
            "model_version": self.model_version,
            "labels": ENTITY_LABELS,
            "label_css": label_css(),
            "totals": {
                "documents": len(self._documents),
                "characters": sum(d.characters for d in self._documents),
                "entities": sum((d.entities for d in self._documents), Counter()),
                "records": sum(d.records for d in self._documents),
            },
            "documents": self._documents,
            "failures": list(self.failures),
            "table": self.table,
            "columns": self.table.columns,
            "document_href": self._href_of_report,
            "conflicting": conflicting,
        }

    def _href_of_report(self, report: int, sentence_start: int | None = None) -> str:
        """Where report ``report`` (the comparison table's number) is, or one of its sentences."""
        summary = self._documents[report]
        anchor = f"#d{summary.number}-s{sentence_start}" if sentence_start is not None else ""
        if not summary.href.startswith("#"):
            return summary.href + anchor
        return anchor or summary.href

    def _write_page(self, section: _Section) -> None:
        self.pages_dir.mkdir(parents=True, exist_ok=True)
        name = f"doc-{section.summary.number:04d}.html"
        section.summary.href = f"{self.pages_dir.name}/{name}"
        page = self._env.get_template("document.html.j2").render(
            title=f"{self.path.stem}: {section.summary.id}",
            label_css=label_css(),
            index=f"../{self.path.name}",
            section=section.html,
        )
        (self.pages_dir / name).write_text(page, encoding="utf-8")

    def _section(
        self, summary: DocumentSummary, doc: InputDocument, entities: Sequence[Entity], rows: list[dict]
    ) -> Markup:
        anchors = {row["sentence_start"]: f"d{summary.number}-s{row['sentence_start']}" for row in rows}
        records = [
            {**row, "sentence_html": record_sentence(row), "anchor": anchors[row["sentence_start"]]}
            for row in rows
        ]  # fmt: skip
        return Markup(
            self._env.get_template("section.html.j2").render(
                number=summary.number,
                doc=doc,
                summary=summary,
                labels=ENTITY_LABELS,
                records=records,
                text_html=highlight(doc.text, entities, 0, anchors),
            )
        )


def highlight(
    text: str, entities: Iterable[Entity], offset: int = 0, anchors: dict[int, str] | None = None, scored: bool = True
) -> Markup:
    """``text`` (which starts at ``offset`` in its document) escaped, with every entity inside it as
    ``<mark class="ent" data-label=…>`` (its score in the tooltip when ``scored``) and an empty
    ``<a id=…>`` at each position of ``anchors`` (document offsets; one inside an entity goes before it)."""
    end = offset + len(text)
    spans = sorted((e for e in entities if offset <= e.start and e.end <= end), key=lambda e: e.start)
    pending = sorted((anchors or {}).items())
    parts: list[Markup | str] = []
    pos = offset

    def plain(upto: int) -> None:
        nonlocal pos
        while pending and pending[0][0] <= upto:
            at, name = pending.pop(0)
            at = max(at, pos)
            parts.append(escape(text[pos - offset : at - offset]))
            parts.append(Markup('<a class="anchor" id="{}"></a>').format(name))
            pos = at
        parts.append(escape(text[pos - offset : upto - offset]))
        pos = upto

    for entity in spans:
        if entity.start < pos:  # overlapping spans cannot come out of IOB2 decoding
            log.warning("overlapping entity %s at %d skipped in the HTML report", entity.label, entity.start)
            continue
        plain(entity.start)
        while pending and pending[0][0] < entity.end:
            parts.append(Markup('<a class="anchor" id="{}"></a>').format(pending.pop(0)[1]))
        title = f"{entity.label} {entity.score:.2f}" if scored else entity.label
        parts.append(
            Markup('<mark class="ent ent-{0}" data-label="{0}" data-start="{1}" data-end="{2}" title="{3}">{4}</mark>').format(
                entity.label, entity.start, entity.end, title, text[entity.start - offset : entity.end - offset]
            )
        )  # fmt: skip
        pos = entity.end
    plain(end)
    return Markup("").join(parts)


def record_sentence(row: dict) -> Markup:
    """The sentence of a record (a row of ``output_format=records``) with the record's own indicator
    and value marked."""
    spans = [Entity(row["value_start"], row["value_end"], "QUANTITY", row["value_text"], 1.0)]
    if row["indicator_start"] is not None:
        spans.append(Entity(row["indicator_start"], row["indicator_end"], "INDICATOR", row["indicator"], 1.0))
    return highlight(row["sentence"], spans, row["sentence_start"], scored=False)


def format_number(number: float | None) -> str:
    """12,345.6 for the page; empty for none."""
    return "" if number is None else f"{number:,.15g}"


def label_css() -> Markup:
    """One rule per label: its Label Studio color as the highlight's tint, border and tag."""
    rules = []
    for label, color in LABEL_COLORS.items():
        if not _COLOR.fullmatch(color) or not re.fullmatch(r"\w+", label):
            raise ValueError(f"configs/label_schema.yaml: label {label!r} has color {color!r}; expected #rrggbb")
        rules.append(
            f".ent-{label}{{background:{color}26;border-color:{color}}}"
            f".ent-{label}::after{{background:{color}}}.swatch-{label}{{background:{color}}}"
        )
    return Markup("\n".join(rules))

"""output_format=html: the generated pages, read back with an HTML parser, hold exactly the
predictions (every entity highlighted with its label and text, every record, the summary counts),
escape the untrusted text, and split a large batch into an index and one page per document. The
same report opened in a real headless Chromium sorts and filters its tables. ``govner report`` writes
the same report again from the entities alone."""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from browser import browser_missing, headless_chromium
from markup import parse_markup
from omegaconf import OmegaConf
from test_predictor import predictor as toy_predictor

from govner.cli.report import report_job
from govner.inference.batch import predict_files
from govner.inference.inputs import InputDocument, InputFailure
from govner.inference.predictor import DocumentPrediction, Entity
from govner.inference.replay import replay_predictions
from govner.inference.writers import make_writer
from govner.labels import ENTITY_LABELS, LABEL_COLORS
from govner.records.output import document_records, output_row

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict
    children: list = field(default_factory=list)  # Node or str

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self, tag: str | None = None, cls: str | None = None):
        for child in self.children:
            if isinstance(child, Node):
                if (tag is None or child.tag == tag) and (cls is None or cls in child.attrs.get("class", "").split()):
                    yield child
                yield from child.iter(tag, cls)

    def find(self, tag: str | None = None, cls: str | None = None, **attrs) -> Node:
        found = [n for n in self.iter(tag, cls) if all(n.attrs.get(k) == v for k, v in attrs.items())]
        assert len(found) == 1, f"{len(found)} <{tag} class={cls} {attrs}>"
        return found[0]


class TreeBuilder(HTMLParser):
    """The page as a tree of :class:`Node`; entities and character references decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>: the page is not well nested"
        self.stack.pop()

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(path) -> Node:
    builder = TreeBuilder()
    builder.feed(path.read_text(encoding="utf-8"))
    builder.close()
    assert builder.stack == [builder.root], "unclosed elements"
    return builder.root


# Untrusted text: markup, an attribute breaker, an entity-like string, a script; one document id too.
DOCS = [
    (
        "r1",
        "前言<script>alert('x')</script> & \"引号\"。\n全年[[地区生产总值|INDICATOR]][[717.11|QUANTITY]][[亿元|UNIT]]，"
        "增长[[3.0|QUANTITY]][[%|UNIT]]。（牵头单位：[[区发改局|ORG]]）\n"
        "[[<b>粗体</b>指标|INDICATOR]]达到[[5|QUANTITY]][[个|UNIT]]&amp;。",
    ),
    (
        'r2 "<img src=x onerror=alert(1)>',
        "建成[[12|QUANTITY]][[个|UNIT]][[社区食堂|INDICATOR]]，[[一般公共预算收入|INDICATOR]][[58.6|QUANTITY]][[亿元|UNIT]]。",
    ),
    ("r3", "我们坚持稳中求进工作总基调。"),
]


def documents():
    out = []
    for doc_id, marked in DOCS:
        text, spans = parse_markup(marked)
        entities = [Entity(s.start, s.end, s.label, text[s.start : s.end], 0.9) for s in spans]
        out.append((InputDocument(doc_id, f"{doc_id}.txt", text), DocumentPrediction(entities, 0.9)))
    return out


def write_report(path, single_page_documents=20, failures=()):
    writer = make_writer("html", path, "model@v1", failures=list(failures), single_page_documents=single_page_documents)
    for doc, prediction in documents():
        writer.write(doc, prediction)
    writer.close()
    return writer


def check_section(section: Node, doc: InputDocument, prediction: DocumentPrediction) -> None:
    """The section shows the document's text exactly, every entity and every record."""
    text = section.find("div", "text")
    assert text.text() == doc.text  # every character, escaped on the way in and decoded by the parser
    marks = list(text.iter("mark", "ent"))
    assert [(m.attrs["data-label"], int(m.attrs["data-start"]), int(m.attrs["data-end"]), m.text()) for m in marks] == [
        (e.label, e.start, e.end, e.text) for e in prediction.entities
    ]
    assert [m.attrs["class"] for m in marks] == [f"ent ent-{e.label}" for e in prediction.entities]  # its color
    expected = [output_row(doc.id, doc.source, *found) for found in document_records(doc.text, prediction.entities)]
    rows = list(section.iter("tr", "record"))
    got = [
        (r.find("td", "indicator").text(), r.find("td", "value-text").text(), r.find("td", "kind").text(),
         r.find("td", "target").text(), r.find("td", "base-unit").text(), r.find("td", "sentence").text().removeprefix("¶ "))
        for r in rows
    ]  # fmt: skip
    assert got == [
        (e["indicator"] or "", e["value_text"], e["kind"], "target" if e["target"] else "actual", e["base_unit"], e["sentence"])
        for e in expected
    ]  # fmt: skip
    for row, record in zip(rows, expected, strict=True):
        marked = [(m.attrs["data-label"], m.text()) for m in row.find("td", "sentence").iter("mark")]
        assert marked == sorted(
            [("QUANTITY", record["value_text"])]
            + ([("INDICATOR", record["indicator"])] if record["indicator"] else []),
            key=lambda m: record["sentence"].index(m[1]),
        )  # the record's own indicator and value, in the sentence
        anchor = row.find("td", "sentence").find("a").attrs["href"].removeprefix("#")  # to the sentence in the text
        assert text.find("a", "anchor", id=anchor)
        sentence_start = int(anchor.rsplit("-s", 1)[1])
        assert sentence_start == record["sentence_start"]


def test_single_page_holds_every_entity_record_and_count_escaped(tmp_path):
    failures = [
        InputFailure("bad.txt", "not UTF-8 (invalid byte at offset 3)"),
        InputFailure("x.jsonl:2", "<b>invalid JSON</b>"),
    ]
    write_report(tmp_path / "report.html", failures=failures)
    assert not (tmp_path / "report_pages").exists()
    page = parse(tmp_path / "report.html")
    docs = documents()

    # Escaping: the only script is the page's own, no element came from the text or the ids.
    assert len(list(page.iter("script"))) == 1 and not list(page.iter("img")) and not list(page.iter("b"))
    assert all("alert" not in s.text() for s in page.iter("script"))

    counts = page.find("table", id="summary-counts")
    entities = Counter(e.label for _, p in docs for e in p.entities)
    records = sum(1 for d, p in docs for _ in document_records(d.text, p.entities))
    assert counts.find("td", "documents").text() == "3"
    assert counts.find("td", "characters").text() == f"{sum(len(d.text) for d, _ in docs):,}"
    assert {td.attrs["data-label"]: int(td.text()) for td in counts.iter("td", "entities")} == {
        label: entities[label] for label in ENTITY_LABELS
    }
    assert int(counts.find("td", "records").text()) == records == 5
    assert counts.find("td", "failed").text() == "2"
    assert [li.text() for li in page.find("ul", "failures").iter("li")] == [
        "bad.txt: not UTF-8 (invalid byte at offset 3)",
        "x.jsonl:2: <b>invalid JSON</b>",
    ]

    sections = list(page.iter("section", "doc"))
    assert [s.find("h2").text() for s in sections] == [f"{i}. {d.id}" for i, (d, _) in enumerate(docs, 1)]
    for section, (doc, prediction) in zip(sections, docs, strict=True):
        check_section(section, doc, prediction)
    listed = page.find("table", id="document-list")
    assert [a.attrs["href"] for a in listed.iter("a")] == ["#doc-1", "#doc-2", "#doc-3"]

    css = page.find("style").text()  # the labels' Label Studio colors
    assert all(f".ent-{label}{{background:{color}26" in css for label, color in LABEL_COLORS.items())


def test_a_large_batch_is_an_index_and_one_page_per_document(tmp_path):
    write_report(tmp_path / "batch.html", single_page_documents=2)
    index = parse(tmp_path / "batch.html")
    assert not list(index.iter("section", "doc"))  # the documents are on their own pages
    links = [a.attrs["href"] for a in index.find("table", id="document-list").iter("a")]
    assert links == [f"batch_pages/doc-{n:04d}.html" for n in (1, 2, 3)]
    for link, (doc, prediction) in zip(links, documents(), strict=True):
        page = parse(tmp_path / link)
        assert page.find("a", href="../batch.html")
        check_section(page.find("section", "doc"), doc, prediction)
    assert index.find("td", "documents").text() == "3"
    table = list(csv.reader((tmp_path / "batch.comparison.csv").open(encoding="utf-8-sig")))
    assert table[0][:2] == ["document", "source"] and [r[0] for r in table[1:]] == [d.id for d, _ in documents()]


@pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing()))
def test_the_report_sorts_and_filters_in_a_real_browser(tmp_path):
    from selenium.webdriver.common.by import By

    write_report(tmp_path / "report.html")
    with headless_chromium() as driver:
        driver.get((tmp_path / "report.html").as_uri())
        table = driver.find_element(By.ID, "records-1")

        def column(cls):
            return [td.text for td in table.find_elements(By.CSS_SELECTOR, f"tbody tr:not([hidden]) td.{cls}")]

        assert column("value-text") == ["717.11亿元", "3.0%", "5个"]
        table.find_element(By.XPATH, ".//th[text()='base value']").click()
        assert column("value-text") == ["3.0%", "5个", "717.11亿元"]  # numbers sort as numbers
        table.find_element(By.XPATH, ".//th[text()='base value']").click()
        assert column("value-text") == ["717.11亿元", "5个", "3.0%"]
        driver.find_element(By.CSS_SELECTOR, "input[data-table='records-1']").send_keys("growth")
        assert column("value-text") == ["3.0%"]
        assert driver.find_element(By.ID, "records-1-shown").text == "1 shown"
        # The label tag is drawn by CSS, in the label's color; the text is not changed.
        mark = driver.find_element(By.CSS_SELECTOR, "#doc-1 div.text mark.ent-QUANTITY")
        tag = driver.execute_script(
            "const s = getComputedStyle(arguments[0], '::after'); return [s.content, s.backgroundColor]", mark
        )
        red, green, blue = (int(LABEL_COLORS["QUANTITY"][i : i + 2], 16) for i in (1, 3, 5))
        assert tag == ['"QUANTITY"', f"rgb({red}, {green}, {blue})"] and mark.text == "717.11"
        assert driver.execute_script("return document.querySelectorAll('img, b').length") == 0


def test_govner_report_writes_the_same_report_from_the_entities_without_the_model(tmp_path):
    source = tmp_path / "reports.jsonl"  # the documents as govner predict read them
    source.write_text(
        "".join(json.dumps({"id": d.id, "text": d.text}, ensure_ascii=False) + "\n" for d, _ in documents())
    )
    docs = [(InputDocument(d.id, str(source), d.text), p) for d, p in documents()]
    entities = make_writer("jsonl", tmp_path / "entities.jsonl", "m")
    direct = make_writer("html", tmp_path / "direct" / "report.html", "m@1", single_page_documents=2)
    for doc, prediction in docs:
        entities.write(doc, prediction)
        direct.write(doc, prediction)
    entities.close()
    direct.close()

    summary = replay_predictions(tmp_path / "entities.jsonl", tmp_path / "replay" / "report.html", "html", "m@1", 2)
    assert (summary.documents, summary.entities, summary.failures) == (3, sum(len(p.entities) for _, p in docs), [])
    written = sorted(p.relative_to(tmp_path / "direct") for p in (tmp_path / "direct").rglob("*.*"))
    assert written == sorted(p.relative_to(tmp_path / "replay") for p in (tmp_path / "replay").rglob("*.*"))
    assert len(written) == 6  # index, three pages, the comparison table and its coverage
    for name in written:
        assert (tmp_path / "replay" / name).read_bytes() == (tmp_path / "direct" / name).read_bytes(), name

    # What cannot be written again is reported, line by line; the rest is written.
    lines = (tmp_path / "entities.jsonl").read_text(encoding="utf-8").splitlines()
    lines += ["not json", json.dumps({"id": "gone", "source": str(source), "entities": []})]
    (tmp_path / "entities.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    source.write_text(source.read_text(encoding="utf-8").replace("地区生产总值", "地区生产总额"), encoding="utf-8")
    summary = replay_predictions(tmp_path / "entities.jsonl", tmp_path / "again" / "records.jsonl", "records")
    assert summary.documents == 2
    assert [(f.source.rsplit(":", 1)[1], f.reason.split(" ")[0]) for f in summary.failures] == [
        ("1", "entity"), ("4", "expected"), ("5", "document"),
    ]  # fmt: skip
    assert "'地区生产总值' at 40–46 does not match" in summary.failures[0].reason
    assert report_job(OmegaConf.create({"input": str(tmp_path / "missing.jsonl"), "output": "x.html"})) == 1
    (tmp_path / "binary.jsonl").write_bytes(b"\xff\xfe")
    cfg = {"input": str(tmp_path / "binary.jsonl"), "output": str(tmp_path / "x.html"), "output_format": "html"}
    assert report_job(OmegaConf.create({**cfg, "model_version": None, "html": {"single_page_documents": 20}})) == 1


def test_the_comparison_table_in_the_page_lists_conflicting_values(tmp_path):
    """Records through the real linker and catalogue: two GDP levels in one report are both shown,
    and each links to its sentence; a record with no canonical indicator is counted, not shown."""
    marked = [
        ("a", "全年[[地区生产总值|INDICATOR]][[717.11|QUANTITY]][[亿元|UNIT]]，增长[[3.0|QUANTITY]][[%|UNIT]]。"
              "[[全市生产总值|INDICATOR]]达[[720|QUANTITY]][[亿元|UNIT]]。建成[[12|QUANTITY]][[个|UNIT]][[社区食堂|INDICATOR]]。"),
        ("b", "[[地区生产总值|INDICATOR]][[7171100|QUANTITY]][[万元|UNIT]]。"),
    ]  # fmt: skip
    writer = make_writer("html", tmp_path / "report.html", "m")
    for doc_id, text_marked in marked:
        text, spans = parse_markup(text_marked)
        entities = [Entity(s.start, s.end, s.label, text[s.start : s.end], 0.9) for s in spans]
        writer.write(InputDocument(doc_id, f"{doc_id}.txt", text), DocumentPrediction(entities, 0.9))
    writer.close()
    page = parse(tmp_path / "report.html")
    table = page.find("table", id="comparison")
    headers = [th.text() for th in table.find("thead").iter("th")]
    assert headers == ["document", "地区生产总值 (gdp)level · actual", "地区生产总值 (gdp)growth · actual"]
    rows = {tr.find("th").text(): tr for tr in table.find("tbody").iter("tr")}
    level_a, growth_a = list(rows["a"].iter("td"))
    assert "conflict" in level_a.attrs["class"]
    assert [a.text() for a in level_a.iter("a")] == ["717.11亿元", "720亿元"]
    hrefs = [a.attrs["href"] for a in level_a.iter("a")]
    assert all(page.find("a", "anchor", id=h.removeprefix("#")) for h in hrefs) and hrefs[0] != hrefs[1]
    assert [a.text() for a in growth_a.iter("a")] == ["3.0%"] and growth_a.attrs["class"] == ""
    assert [td.text() for td in rows["b"].iter("td")] == [
        "7171100万元",
        "",
    ]  # the same value as a's first: its own report
    assert "1 with conflicting values; 4 records in it, 1 without a canonical indicator left out" in page.text()
    assert [r[1] for r in csv.reader((tmp_path / "report.comparison.csv").open(encoding="utf-8-sig"))][1:] == [
        "a.txt", "b.txt"
    ]  # fmt: skip
    assert (
        list(csv.reader((tmp_path / "report.comparison.csv").open(encoding="utf-8-sig")))[1][2]
        == "717.11亿元 | 720亿元"
    )


def test_govner_predict_html_lists_the_inputs_that_failed(tmp_path):
    """Through batch inference (a real Predictor with a toy model that tags digits): the documents that
    could not be read are in the summary with their reason, the others are tagged."""
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text("全年增长12亿元。", encoding="utf-8")
    (folder / "b.jsonl").write_text('{"id": "b1", "text": "新增3家。"}\n{broken\n', encoding="utf-8")
    (folder / "c.txt").write_bytes(b"\xff\xfe\x00bad")
    summary = predict_files(toy_predictor(), str(folder), tmp_path / "out.html", output_format="html")
    page = parse(tmp_path / "out.html")
    assert page.find("td", "documents").text() == str(summary.documents) == "2"
    assert page.find("td", "failed").text() == "2"
    assert [li.text() for li in page.find("ul", "failures").iter("li")] == [
        f"{folder / 'b.jsonl'}:2: invalid JSON at column 2: Expecting property name enclosed in double quotes",
        f"{folder / 'c.txt'}: not UTF-8 (invalid byte at offset 0)",
    ]
    marks = [m.text() for m in page.iter("mark", "ent") if m.attrs["data-label"] == "QUANTITY"]
    assert "12" in marks and "3" in marks

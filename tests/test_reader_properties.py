"""Property-based tests of the readers (Label Studio JSON and JSON_MIN exports, JSONL and text
reports): whatever they are given — lone surrogates, line separators, control characters, emoji
and astral CJK before the spans, offsets of every type and order, nested and overlapping spans,
several files — they never crash, use or report every item, and keep offsets exact."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govner.data.examples import examples_dataset
from govner.data.labelstudio_format import read_export
from govner.data.offsets import Utf16Offsets, lone_surrogate
from govner.data.validation import DEFAULT_POLICY, validate_tasks
from govner.inference.inputs import InputDocument, InputFailure, read_documents
from govner.labels import ENTITY_LABELS

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SKIP_ALL = {kind: "skip" for kind, action in DEFAULT_POLICY.items() if action in ("error", "skip")}

# characters that have broken readers: astral (two UTF-16 units), line separators that are not
# "\n", control characters, whitespace, full-width forms NFKC changes, and lone surrogates
TRICKY = ["😀", "📌", "𠀀", "\u2028", "\u2029", "\x85", "\x0b", "\x1c", "\t", " ", "\r\n", "\n", "…", "％", "\ufeff"]
CHARS = st.one_of(
    st.sampled_from(TRICKY),
    st.sampled_from("增长亿元产值人均3.0%，。"),
    st.characters(codec="utf-8"),  # anything UTF-8 can hold
)
SURROGATE = st.sampled_from(["\ud83d", "\ude00", "\udfff"])


def texts(min_size: int = 0, surrogates: bool = False) -> st.SearchStrategy[str]:
    chars = st.one_of(CHARS, SURROGATE) if surrogates else CHARS
    return st.lists(chars, min_size=min_size, max_size=30).map("".join)


# -- Label Studio exports ---------------------------------------------------------------------


@st.composite
def export_task(draw, task_id: int) -> tuple[dict, list[tuple[int, int, str]] | None, bool]:
    """A task in the full export or JSON_MIN form, the spans it should give (``None``: it must
    be reported, not used), and whether its offsets were written in UTF-16 code units."""
    text = draw(texts(min_size=1))
    utf16 = draw(st.booleans())
    with_text = draw(st.booleans())
    units = Utf16Offsets(text)
    # spans anywhere, in any order, possibly nested or overlapping
    raw = draw(st.lists(st.tuples(st.integers(0, len(text)), st.integers(0, len(text))), max_size=4))
    spans = [(min(a, b), max(a, b), draw(st.sampled_from(ENTITY_LABELS))) for a, b in raw if a != b]
    draw(st.randoms()).shuffle(spans)
    regions = []
    for start, end, label in spans:
        value = {"start": units.to_utf16(start) if utf16 else start, "end": units.to_utf16(end) if utf16 else end}
        value["labels"] = [label]
        if with_text:
            value["text"] = text[start:end]
        regions.append(value)
    broken = draw(st.sampled_from([None, "surrogate", "offset_type", "label"]))
    if not regions and broken != "surrogate":
        broken = None  # nothing to break
    if broken == "surrogate":
        text = text + draw(SURROGATE)  # after every span: only the character itself is wrong
    elif broken == "offset_type" and regions:
        regions[0]["start"] = draw(st.sampled_from([None, "3", 1.5, [1]]))
    elif broken == "label" and regions:
        regions[0]["labels"] = draw(st.sampled_from([[], ["PERSON"], ["UNIT", "ORG"]]))
    ordered = sorted((s, e) for s, e, _ in spans)
    overlapping = any(b[0] < a[1] for a, b in zip(ordered, ordered[1:], strict=False))
    usable = not overlapping and broken is None and text.strip() != ""
    expected = sorted(spans) if usable else None
    if draw(st.booleans()):  # the full JSON export
        result = [{"type": "labels", "from_name": "label", "to_name": "text", "value": v} for v in regions]
        task = {
            "id": task_id,
            "data": {"text": text, "source": f"r{task_id % 3}.txt"},
            "annotations": [{"id": task_id, "result": result}],
        }
    else:  # JSON_MIN
        task = {"id": task_id, "text": text, "source": f"r{task_id % 3}.txt", "annotation_id": task_id}
        if regions:
            task["label"] = regions
    return task, expected, utf16


@FAST
@given(st.data())
def test_label_studio_exports_every_task_used_or_reported_with_exact_offsets(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("export")
    n_files = data.draw(st.integers(1, 3))
    tasks = [data.draw(export_task(task_id)) for task_id in range(data.draw(st.integers(1, 8)))]
    parts = [tasks[k::n_files] for k in range(n_files)]  # several files, the tasks spread among them
    for k, part in enumerate(parts):
        (folder / f"part{k}.json").write_text(json.dumps([t for t, _, _ in part], ensure_ascii=True), encoding="utf-8")
    tasks = [t for part in parts for t in part]  # in the order they are read
    read = read_export(folder)
    assert len(read) == len(tasks)
    docs, report = validate_tasks(read, ENTITY_LABELS, SKIP_ALL)
    assert report.used + len(report.skipped) == len(tasks)  # every task used or reported
    used = {d.id: d for d in docs}
    reported = {p.origin.rsplit("task ", 1)[1] for p in report.skipped}
    ambiguous = {p.origin.rsplit("task ", 1)[1] for p in report.notes if p.kind == "ambiguous_offsets"}
    texts_seen = set()
    for task, expected, utf16 in tasks:
        task_id = str(task["id"])
        text = task["data"]["text"] if "data" in task else task["text"]
        if expected is None or text in texts_seen:  # broken, or a duplicate of an earlier text
            assert task_id in reported and task_id not in used
            continue
        texts_seen.add(text)
        doc = used[task_id]
        got = [(s.start, s.end, s.label) for s in doc.spans]
        # exact offsets; a code-point export that also reads as UTF-16 is read as UTF-16, never silently
        assert got == expected or (not utf16 and task_id in ambiguous)
        assert all(not lone_surrogate(doc.text) for doc in docs)
    examples_dataset(docs, max_chars=16, stride=4)  # the Arrow tables take every used document


# -- JSONL and text reports ------------------------------------------------------------------------


@st.composite
def jsonl_line(draw) -> tuple[str, str | None]:
    """One line of a JSONL input and the text it should give (``None``: reported)."""
    kind = draw(st.sampled_from(["record", "record", "bad_json", "no_text", "blank"]))
    if kind == "blank":
        return draw(st.sampled_from(["", "  ", "\t"])), "blank"
    if kind == "bad_json":
        return "{" + draw(texts()).replace("\n", "").replace("\r", ""), None
    if kind == "no_text":
        return json.dumps({"id": 1, "body": "x"}), None
    text = draw(texts(min_size=1, surrogates=True))
    line = json.dumps(
        {"id": draw(st.integers()), "text": text}, ensure_ascii=draw(st.booleans()) or bool(lone_surrogate(text))
    )
    text = json.loads(line)["text"]  # escapes of a high and a low surrogate side by side make one character
    control = sum(ch < " " and ch not in "\t\n\r\x0c" or "\x7f" <= ch <= "\x9f" and ch != "\x85" for ch in text)
    ok = text.strip() and not lone_surrogate(text) and "\x00" not in text and control <= 0.1 * len(text)
    return line, (text if ok else None)


@FAST
@given(st.lists(jsonl_line(), min_size=1, max_size=10), st.sampled_from(["\n", "\r\n"]))
def test_jsonl_every_line_used_or_reported_at_its_line_number(tmp_path_factory, lines, newline):
    path = tmp_path_factory.mktemp("jsonl") / "in.jsonl"
    path.write_text(newline.join(line for line, _ in lines) + newline, encoding="utf-8", newline="")
    items = list(read_documents(path))
    content_lines = [(k, text) for k, (_, text) in enumerate(lines, 1) if text != "blank"]
    if not content_lines:
        assert [(i.source, i.reason) for i in items] == [(str(path), "empty file")]
        return
    assert len(items) == len(content_lines)  # one item per line with content
    for (lineno, text), item in zip(content_lines, items, strict=True):
        if text is None:
            assert isinstance(item, InputFailure) and item.source == f"{path}:{lineno}"
        else:
            assert isinstance(item, InputDocument) and item.text == text


@FAST
@given(
    st.one_of(
        texts().map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.binary(max_size=40),
        st.binary(max_size=40).map(lambda b: b"\x00" + b),
    ),
    st.sampled_from(["r.txt", "R.TXT"]),
)
def test_text_files_are_read_exactly_or_reported(tmp_path_factory, content, name):
    path = tmp_path_factory.mktemp("txt") / name
    path.write_bytes(content)
    [item] = read_documents(path)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        assert isinstance(item, InputFailure) and item.reason.startswith("not UTF-8")
        return
    if isinstance(item, InputDocument):
        assert item.text == text and "\x00" not in text and text.strip()
    else:
        assert item.source == str(path) and item.reason
        assert not text.strip() or "\x00" in text or "not a text report" in item.reason


def test_property_tests_see_the_tricky_characters():
    """The strategies above do produce what broke readers before (guards against a strategy that
    silently stops generating them)."""
    found = set()

    @settings(max_examples=200, deadline=None, derandomize=True)
    @given(texts(surrogates=True))
    def collect(text):
        found.update(ch for ch in text if ch in TRICKY or lone_surrogate(ch))

    collect()
    assert {"😀", "𠀀", "\u2028", "\x85"} <= found and any(lone_surrogate(ch) for ch in found)

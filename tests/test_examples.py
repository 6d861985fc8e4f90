from hypothesis import given, settings
from hypothesis import strategies as st

from govner.data.examples import document_examples
from govner.data.segmentation import segment, windows
from govner.data.sentences import split_sentences
from govner.data.spans import Document, Span


def test_sentences_keep_offsets_and_trim_whitespace():
    text = "  一、总体情况\n全年增长3%。同比提高！“好。”下一句"
    got = [text[s:e] for s, e in split_sentences(text)]
    assert got == ["一、总体情况", "全年增长3%。", "同比提高！", "“好。”", "下一句"]


@given(st.integers(1, 400), st.integers(2, 64), st.data())
def test_windows_cover_every_character(length, max_chars, data):
    stride = data.draw(st.integers(0, max_chars - 1))
    ws = windows(0, length, max_chars, stride)
    assert ws[0].start == 0 and ws[-1].end == length
    assert all(0 < w.end - w.start <= max_chars for w in ws)
    assert all(b.start <= a.end for a, b in zip(ws, ws[1:], strict=False))  # no gap
    # every window but the last is full, and the next one starts ``stride`` characters before its end
    assert all(a.end - a.start == max_chars for a in ws[:-1])
    assert all(a.end - b.start == stride for a, b in zip(ws, ws[1:], strict=False))


@st.composite
def long_document(draw):
    length = draw(st.integers(50, 300))
    spans, pos = [], 0
    while True:
        pos += draw(st.integers(0, 15))
        size = draw(st.integers(1, 12))
        if pos + size > length:
            break
        spans.append(Span(pos, pos + size, draw(st.sampled_from(["INDICATOR", "QUANTITY"]))))
        pos += size
    return Document("d", "字" * length, spans, "r")


@settings(max_examples=200)
@given(long_document(), st.integers(16, 40), st.integers(0, 8))
def test_windows_overlap_by_stride_unless_an_entity_moves_the_start(doc, max_chars, stride):
    ws = windows(0, len(doc.text), max_chars, stride, doc.spans)
    for a, b in zip(ws, ws[1:], strict=False):
        start = a.end - stride  # where the next window starts, unless that would cut an entity
        if start > a.start and not any(s.start < start < s.end <= a.end for s in doc.spans):
            assert b.start == start
        else:
            assert a.start < b.start and a.end - b.start < stride


@settings(max_examples=200)
@given(long_document(), st.integers(16, 40), st.integers(0, 8))
def test_no_entity_is_lost_at_a_window_boundary(doc, max_chars, stride):
    examples = document_examples(doc, max_chars, stride)
    covered = set()
    for ex in examples:
        assert len(ex.text) <= max_chars
        covered.update(range(ex.offset, ex.offset + len(ex.text)))
        # every entity that touches the window is whole inside it
        for s in doc.spans:
            if s.start < ex.offset + len(ex.text) and ex.offset < s.end:
                assert ex.offset <= s.start and s.end <= ex.offset + len(ex.text)
    assert covered == set(range(len(doc.text)))
    for s in doc.spans:  # and each entity's tags appear intact in some example
        assert any(
            ex.tags[s.start - ex.offset] == f"B-{s.label}"
            for ex in examples
            if ex.offset <= s.start < ex.offset + len(ex.text)
        )


def test_sentences_are_merged_when_an_entity_crosses_a_sentence_end():
    text = "甲乙。丙丁。戊己。"
    assert [(s.start, s.end) for s in segment(text, 100, 0)] == [(0, 3), (3, 6), (6, 9)]
    crossing = [Span(1, 5, "ORG")]
    assert [(s.start, s.end) for s in segment(text, 100, 0, crossing)] == [(0, 6), (6, 9)]


def test_examples_carry_document_offsets_and_tags():
    doc = Document("7", "前言。全年增长3.0%。", [Span(7, 10, "QUANTITY"), Span(10, 11, "UNIT")], "r")
    ex = document_examples(doc, 100, 0)
    assert [(e.offset, e.text) for e in ex] == [(0, "前言。"), (3, "全年增长3.0%。")]
    assert ex[1].tags == ["O", "O", "O", "O", "B-QUANTITY", "I-QUANTITY", "I-QUANTITY", "B-UNIT", "O"]

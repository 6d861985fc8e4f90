from hypothesis import given
from hypothesis import strategies as st
from markup import parse_markup, to_markup

from govner.data.iob import spans_to_tags, tags_to_spans
from govner.data.offsets import Utf16Offsets
from govner.data.spans import Span
from govner.labels import ENTITY_LABELS, iob2_tags

# Han characters, digits (half and full width), punctuation, emoji and Extension B characters.
chars = st.sampled_from(list("地区生产总值亿元增长，。、（）%0123456789０１２％ 　") + ["😀", "𠀀", "𪚥", "\n"])
texts = st.text(alphabet=chars, min_size=0, max_size=40)


@given(texts)
def test_utf16_offsets_round_trip(text):
    conv = Utf16Offsets(text)
    for i in range(len(text) + 1):
        unit = conv.to_utf16(i)
        assert unit == len(text[:i].encode("utf-16-le")) // 2
        assert conv.to_index(unit) == i


def test_offset_inside_a_surrogate_pair_is_rejected():
    conv = Utf16Offsets("😀元")
    assert conv.to_index(1) is None
    assert conv.to_index(2) == 1
    assert conv.to_index(4) is None


@st.composite
def spans_in_text(draw):
    length = draw(st.integers(0, 30))
    cuts = sorted(set(draw(st.lists(st.integers(0, length), max_size=12))))
    spans = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        if start < end:
            spans.append(Span(start, end, draw(st.sampled_from(ENTITY_LABELS))))
    return length, spans


@given(spans_in_text())
def test_spans_iob2_round_trip(case):
    length, spans = case
    tags = spans_to_tags(length, spans)
    assert len(tags) == length and set(tags) <= set(iob2_tags())
    assert tags_to_spans(tags) == spans


def test_orphan_inside_tag_starts_an_entity():
    assert tags_to_spans(["O", "I-UNIT", "I-UNIT", "B-QUANTITY", "I-UNIT"]) == [
        Span(1, 3, "UNIT"),
        Span(3, 4, "QUANTITY"),
        Span(4, 5, "UNIT"),
    ]


@given(spans_in_text(), st.data())
def test_markup_round_trip(case, data):
    length, spans = case
    text = data.draw(st.text(alphabet=chars, min_size=length, max_size=length))
    text_back, spans_back = parse_markup(to_markup(text, spans))
    assert (text_back, spans_back) == (text, spans)


def test_markup_rejects_unknown_labels_and_unclosed_marks():
    import pytest
    from markup import MarkupError

    with pytest.raises(MarkupError, match="unknown label 'PERSON'"):
        parse_markup("[[张三|PERSON]]", ENTITY_LABELS)
    with pytest.raises(MarkupError, match="unclosed"):
        parse_markup("增长[[3.0|QUANTITY", ENTITY_LABELS)

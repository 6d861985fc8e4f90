"""The feature-CRF baseline: its features, and that it learns and is scored like the neural models."""

from __future__ import annotations

import pytest
from conftest import MARKED
from markup import parse_markup

from govner.bench.crf_baseline import CrfTagger, char_class, char_features
from govner.data.spans import Document
from govner.evaluation.entities import evaluate_documents

LABELS = ("INDICATOR", "QUANTITY", "UNIT", "ORG")


def _docs() -> list[Document]:
    out = []
    for i, (marked, source) in enumerate(MARKED):
        text, spans = parse_markup(marked)
        out.append(Document(str(i), text, spans, f"report_{source}.txt"))
    return out


def test_features_describe_each_character():
    text = "全年地区生产总值717.11亿元，增长３%"
    rows = char_features(text, ["x"] * len(text))
    assert len(rows) == len(text)
    assert rows[8]["class"] == "digit" and rows[0]["class"] == "han" and rows[-2]["class"] == "digit"  # full-width ３
    assert rows[14]["unit"] == "B" and rows[15]["unit"] == "I"  # 亿元 from the unit list
    assert rows[0]["c-1"] == "<s>" and rows[-1]["c1"] == "</s>" and rows[2]["bigram0"] == "地区"
    assert rows[2]["bm"] in "BMES" and "lac0" in rows[2]
    assert char_class("二") == "numeral" and char_class("A") == "latin" and char_class("，") == "punct"


@pytest.mark.parametrize("use_lac", [False, True])
def test_crf_learns_its_training_sentences_and_is_scored_like_a_predictor(use_lac):
    docs = _docs()
    tagger = CrfTagger(use_lac=use_lac, c1=0.0, c2=0.01, max_iterations=100)
    seconds = tagger.fit(docs)
    assert seconds > 0
    result = evaluate_documents(tagger, docs, LABELS)
    assert result.metrics["overall"]["f1"] > 0.95  # a CRF memorizes 14 sentences
    assert result.metrics["documents"] == len(docs) and result.metrics["chars_per_second"] > 0
    assert tagger.predict([]) == []

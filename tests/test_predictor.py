"""The predictor's windowing and merging, with a rule 'model' whose output is known."""

import random
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from govner.data.segmentation import token_count
from govner.inference.predictor import Predictor
from govner.labels import iob2_tags
from govner.model.tokenization import build_vocab, char_tokenizer

TAGS = iob2_tags()


class DigitTagger(torch.nn.Module):
    """Tags each run of digit tokens as QUANTITY, looking only at the previous token, so a
    number cut by a window edge is tagged wrongly in that window."""

    def __init__(self, tokenizer):
        super().__init__()
        self.config = SimpleNamespace(id2label=dict(enumerate(TAGS)))
        self.digits = torch.tensor(tokenizer.convert_tokens_to_ids(list("0123456789")))

    def forward(self, input_ids, attention_mask=None, token_type_ids=None):
        is_digit = torch.isin(input_ids, self.digits)
        prev = torch.nn.functional.pad(is_digit[:, :-1], (1, 0), value=False)
        logits = torch.zeros(*input_ids.shape, len(TAGS))
        logits[..., TAGS.index("O")] = 1.0
        logits[..., TAGS.index("B-QUANTITY")] += 5.0 * (is_digit & ~prev)
        logits[..., TAGS.index("I-QUANTITY")] += 5.0 * (is_digit & prev)
        return SimpleNamespace(logits=logits)


def predictor(max_chars=40, stride=16, batch_size=4, model_max_length=128):
    tok = char_tokenizer(build_vocab(["增长亿元"]), model_max_length=model_max_length)
    return Predictor(DigitTagger(tok), tok, max_chars=max_chars, stride=stride, batch_size=batch_size)


def numbers_in(text):
    out, start = [], None
    for i, ch in enumerate(text + " "):
        if ch.isdigit() and start is None:
            start = i
        elif not ch.isdigit() and start is not None:
            out.append((start, i, text[start:i]))
            start = None
    return out


def test_long_documents_are_covered_and_windows_merged_back():
    rng = random.Random(0)
    pieces = []
    for _ in range(120):  # one long 'sentence' with no sentence end: only windows split it
        pieces.append(rng.choice(["增长", "亿元", "😀", "𠀀", "，", "产值"]) * rng.randint(1, 3))
        pieces.append(str(rng.randint(1, 10 ** rng.randint(1, 8))))
    text = "".join(pieces)
    assert len(text) > 10 * 40
    pred = predictor().predict([text])[0]
    got = [(e.start, e.end, e.text) for e in pred.entities]
    assert got == numbers_in(text)
    assert all(e.label == "QUANTITY" and text[e.start : e.end] == e.text for e in pred.entities)


def test_batches_of_many_documents_keep_their_order_and_offsets():
    texts = [f"第{i}句增长{i * 37}亿元。" * (i % 3 + 1) for i in range(30)]
    preds = predictor(batch_size=7).predict(texts)
    for text, pred in zip(texts, preds, strict=True):
        assert [(e.start, e.end) for e in pred.entities] == [(s, e) for s, e, _ in numbers_in(text)]
        assert 0.0 < pred.mean_score <= 1.0


def test_whitespace_inside_an_entity_does_not_split_it():
    p = predictor()
    tags, probs = p._char_tags(
        5, np.array([(0, 1), (2, 3), (4, 5)]), np.array([TAGS.index(t) for t in ("B-ORG", "I-ORG", "O")]), np.ones(3)
    )
    assert [TAGS[i] for i in tags] == ["B-ORG", "I-ORG", "I-ORG", "O", "O"]
    tags, _ = p._char_tags(4, np.array([(0, 1), (2, 3)]), np.array([TAGS.index(t) for t in ("B-ORG", "B-ORG")]), probs)
    assert [TAGS[i] for i in tags] == ["B-ORG", "O", "B-ORG", "O"]


def test_batches_hold_a_token_budget_of_sorted_segments():
    p = predictor(max_chars=40, stride=16, batch_size=3)
    texts = [("增长" * (n % 19 + 1)) + "。" for n in range(50)]
    pieces = p.segments(texts)
    batches = list(p.batches(pieces))
    assert [x for b in batches for x in b] == pieces
    widths = [x[1].end - x[1].start for x in pieces]
    assert widths == sorted(widths)
    for batch in batches:
        assert len(batch) * (max(s.end - s.start for _, s in batch) + 2) <= 3 * (40 + 2)
    assert len(batches[0]) > 3  # short segments fill more rows than full windows would


def test_int8_predictor_quantizes_every_linear_layer_and_still_tags_whole_documents(tmp_path):
    from conftest import MARKED, plain, untrained_model_dir

    int8 = Predictor.from_dir(untrained_model_dir(tmp_path / "model"), quantize=True)
    modules = list(int8.model.modules())
    assert not any(type(m) is torch.nn.Linear for m in modules)
    assert any(isinstance(m, torch.ao.nn.quantized.dynamic.Linear) for m in modules)
    texts = ["\n".join(plain(m) for m, _ in MARKED)]
    (prediction,) = int8.predict(texts)
    assert 0.0 < prediction.mean_score <= 1.0
    assert prediction.entities  # the untrained model tags (conftest): the checks below have entities to check
    for e in prediction.entities:
        assert 0 <= e.start < e.end <= len(texts[0]) and texts[0][e.start : e.end] == e.text


class FragmentTagger(DigitTagger):
    """Starts a new QUANTITY at every digit: a number comes out as touching one-digit fragments."""

    def forward(self, input_ids, attention_mask=None, token_type_ids=None):
        logits = torch.zeros(*input_ids.shape, len(TAGS))
        logits[..., TAGS.index("O")] = 1.0
        logits[..., TAGS.index("B-QUANTITY")] += 5.0 * torch.isin(input_ids, self.digits)
        return SimpleNamespace(logits=logits)


def fragment_predictor(fragments):
    tok = char_tokenizer(build_vocab(["增长亿元"]), model_max_length=128)
    return Predictor(FragmentTagger(tok), tok, max_chars=40, stride=16, fragments=fragments, decoding="viterbi")


def test_touching_same_label_fragments_are_counted_and_flagged_or_merged():
    texts = ["增长470亿元，增长3亿元", "增长"]
    flagged = fragment_predictor("flag").predict(texts)
    assert [e.text for e in flagged[0].entities] == ["4", "7", "0", "3"]
    assert [p.fragments for p in flagged] == [2, 0]
    merged = fragment_predictor("merge").predict(texts)
    assert [(e.start, e.end, e.text, e.label) for e in merged[0].entities] == [
        (2, 5, "470", "QUANTITY"),
        (10, 11, "3", "QUANTITY"),
    ]
    assert [p.fragments for p in merged] == [2, 0]


def test_batch_summary_and_evaluation_report_the_fragments(tmp_path):
    from govner.data.spans import Document, Span
    from govner.evaluation.entities import evaluate_documents
    from govner.inference.batch import predict_files
    from govner.labels import ENTITY_LABELS

    (tmp_path / "r.txt").write_text("增长470亿元。\n增长12亿元。\n", encoding="utf-8")
    summary = predict_files(fragment_predictor("flag"), str(tmp_path / "r.txt"), tmp_path / "out.jsonl")
    assert summary.fragments == 3
    assert "touching same-label span pairs: 3, left apart (fragments=flag)" in str(summary)
    docs = [Document("1", "增长470亿元", [Span(2, 5, "QUANTITY")], "r.txt")]
    flagged = evaluate_documents(fragment_predictor("flag"), docs, ENTITY_LABELS).metrics
    merged = evaluate_documents(fragment_predictor("merge"), docs, ENTITY_LABELS).metrics
    assert flagged["fragments"] == {"policy": "flag", "count": 2} and flagged["overall"]["f1"] == 0.0
    assert merged["fragments"] == {"policy": "merge", "count": 2} and merged["overall"]["f1"] == 1.0


def test_an_unknown_fragment_policy_is_refused():
    with pytest.raises(ValueError, match="fragments must be one of"):
        fragment_predictor("join")

@pytest.mark.parametrize(
    ("max_chars", "text"),
    [
        (100, "".join(f"增长{n}亿元" for n in range(100, 130))),  # max_chars above the model's 30 tokens
        (30, "".join(f"…{n}…㎡" for n in range(100, 130))),  # 30 characters, but … makes 3 tokens, ㎡ 2
    ],
)
def test_windows_fit_the_models_limit_and_every_character_is_tagged(max_chars, text, caplog):
    p = predictor(max_chars=max_chars, stride=8, model_max_length=32)
    assert p.max_tokens == 30
    assert all(token_count(text[s.start : s.end]) <= 30 for _, s in p.segments([text]))
    pred = p.predict([text])[0]
    assert [(e.start, e.end, e.text) for e in pred.entities] == numbers_in(text)
    assert "left untagged" not in caplog.text


def test_characters_cut_by_the_limit_are_warned_about_once(caplog, monkeypatch):
    import govner.inference.predictor as module

    # windows cut as if by another tokenizer, whose tokens govner cannot count
    unfitted = module.segment
    monkeypatch.setattr(
        module, "segment", lambda text, max_chars, stride, max_tokens: unfitted(text, max_chars, stride)
    )
    p = predictor(max_chars=100, stride=8, model_max_length=32)
    p.predict(["增长123" * 20] * 3)
    p.predict(["增长123" * 20] * 3)
    assert caplog.text.count("character(s) past the model's limit of 30 tokens were left untagged") == 1

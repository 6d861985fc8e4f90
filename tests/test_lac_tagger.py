"""The LAC-small based tagger: LAC's weights read right, the fused BiGRU equal to a plain one,
the CRF against brute force, and the model directory as an ordinary Hugging Face model."""

from __future__ import annotations

import itertools

import pytest
import torch
from transformers import AutoModelForTokenClassification, AutoTokenizer, pipeline

from govner.bench.crf_baseline import LacTags
from govner.inference.decoding import allowed_transitions, batch_viterbi
from govner.inference.predictor import Predictor
from govner.model import lac_small
from govner.model.lac_tagger import CRF, LacEncoder, crf_scores, left_align
from govner.model.modeling import LacArchitecture, build_lac_tagger

TAGS = ["O", "B-ORG", "I-ORG", "B-UNIT", "I-UNIT"]


def test_lac_weights_have_the_shapes_of_lac_small():
    weights = lac_small.weights()
    assert weights["word_emb"].shape == (len(lac_small.vocabulary()) + 1, lac_small.EMBEDDING_DIM)
    assert weights["crfw"].shape == (len(lac_small.tags()) + 2, len(lac_small.tags()))
    assert weights["gru_2.w_0"].shape == (lac_small.GRU_DIM, 3 * lac_small.GRU_DIM)
    assert "ORG-B" in lac_small.tags() and lac_small.tags()[-1] == "O"


def test_lac_tags_find_organizations_and_numbers():
    """Read wrongly (gate order, weight layout), LAC-small tags these as PER or nonsense."""
    text = "中信集团和市科技局帮扶资金9200余万元"
    tags = LacTags()([text, ""])
    assert tags[1] == []
    assert tags[0][:4] == ["ORG-B", "ORG-I", "ORG-I", "ORG-I"]
    assert tags[0][5:9] == ["ORG-B", "ORG-I", "ORG-I", "ORG-I"]
    assert all(t.startswith("m-") for t in tags[0][13:])


def _plain_bigru(encoder: LacEncoder, ids: torch.Tensor) -> torch.Tensor:
    """One unpadded sequence, one direction at a time, step by step (Paddle's GRU equations)."""
    x = encoder.embeddings(ids)
    dim = encoder.gru_weights.shape[1]
    for layer in range(2):
        outputs = []
        for k, backwards in ((2 * layer, False), (2 * layer + 1, True)):
            projected = encoder.projections[k](x) + encoder.gru_biases[k]
            w = encoder.gru_weights[k]
            h = torch.zeros(dim)
            states = [None] * len(ids)
            for t in reversed(range(len(ids))) if backwards else range(len(ids)):
                g = projected[t]
                u = torch.sigmoid(g[:dim] + h @ w[:, :dim])
                r = torch.sigmoid(g[dim : 2 * dim] + h @ w[:, dim : 2 * dim])
                c = torch.tanh(g[2 * dim :] + (r * h) @ w[:, 2 * dim :])
                h = (1 - u) * h + u * c
                states[t] = h
            outputs.append(torch.stack(states))
        x = torch.cat(outputs, -1)
    return x


def test_fused_bigru_on_a_padded_batch_equals_each_sequence_alone():
    torch.manual_seed(0)
    encoder = LacEncoder(50, 8, 5)
    for p in encoder.parameters():
        p.data.uniform_(-0.5, 0.5)
    lengths = [7, 3, 5]
    ids = torch.randint(1, 50, (3, 7))
    mask = torch.arange(7).unsqueeze(0) < torch.tensor(lengths).unsqueeze(1)
    with torch.no_grad():
        batch = encoder(ids, mask)
        for row, n in enumerate(lengths):
            alone = _plain_bigru(encoder, ids[row, :n])
            assert torch.allclose(batch[row, :n, :16], alone, atol=1e-5)


def _path_score(emissions, path, trans, start, end):
    score = start[path[0]] + end[path[-1]] + sum(emissions[t, path[t]] for t in range(len(path)))
    return score + sum(trans[path[t - 1], path[t]] for t in range(1, len(path)))


def _valid(path):
    return all(
        not TAGS[b].startswith("I-") or (t > 0 and TAGS[path[t - 1]] in ("B-" + TAGS[b][2:], TAGS[b]))
        for t, b in enumerate(path)
    )


@pytest.mark.parametrize("seed", range(5))
def test_crf_likelihood_and_viterbi_against_every_path(seed):
    torch.manual_seed(seed)
    crf = CRF(TAGS)
    for p in crf.parameters():
        p.data.normal_()
    length = 4
    emissions = torch.randn(2, length, len(TAGS))
    mask = torch.tensor([[True] * length, [True, True, True, False]])
    gold = torch.tensor([[1, 2, 0, 3], [0, 3, 4, 0]])
    trans, start, end = crf.scores()
    nll = crf.nll(emissions, gold, mask)
    expected, best_paths = 0.0, []
    for row in range(2):
        n = int(mask[row].sum())
        paths = [p for p in itertools.product(range(len(TAGS)), repeat=n) if _valid(p)]
        scores = torch.stack([_path_score(emissions[row], p, trans, start, end) for p in paths])
        expected += torch.logsumexp(scores, 0) - _path_score(emissions[row], gold[row, :n].tolist(), trans, start, end)
        best_paths.append(list(paths[int(scores.argmax())]))
    assert torch.allclose(nll, expected, atol=1e-4)
    decoded = batch_viterbi(
        emissions, mask.sum(1), allowed_transitions(TAGS), torch.tensor([not t.startswith("I-") for t in TAGS]), trans, start, end
    )
    for row, best in enumerate(best_paths):
        assert decoded[row, : len(best)].tolist() == best


def test_left_align_moves_kept_positions_to_the_front_in_order():
    values = torch.tensor([[10, 11, 12, 13], [20, 21, 22, 23]])
    keep = torch.tensor([[False, True, True, False], [True, False, True, True]])
    aligned, mask = left_align(values, keep)
    assert aligned[0, :2].tolist() == [11, 12] and mask[0].tolist() == [True, True, False, False]
    assert aligned[1, :3].tolist() == [20, 22, 23] and mask[1].tolist() == [True, True, True, False]


@pytest.fixture(scope="module")
def lac_model_dir(tmp_path_factory):
    lexicon = tmp_path_factory.mktemp("lexicon") / "lexicon.tsv"
    lexicon.write_text("区教育局\tORG\t3\n中信集团\tORG\t0\n亿元\tUNIT\t9\n", encoding="utf-8")
    arch = LacArchitecture(
        finetune_lac=False, encoder="lstm", bigram_buckets=101, bigram_dim=4, ngram_buckets=97, hidden_size=8, dropout=0.0, max_length=64,
        lexicon=str(lexicon), lexicon_labels=["ORG", "UNIT"], lexicon_buckets=4099, lexicon_max_len=8,
    )  # fmt: skip
    tags = ["O", "B-INDICATOR", "I-INDICATOR", "B-QUANTITY", "I-QUANTITY", "B-UNIT", "I-UNIT", "B-ORG", "I-ORG"]
    model, tokenizer = build_lac_tagger(arch, ["地区生产总值717亿元"], dict(enumerate(tags)), {t: i for i, t in enumerate(tags)})
    torch.manual_seed(1)
    model.crf.transitions.data.normal_()
    model.ngrams.weight.data.normal_()
    path = tmp_path_factory.mktemp("lac") / "model"
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path, model, tokenizer


def test_lac_model_dir_loads_with_auto_classes_and_gives_the_same_scores(lac_model_dir):
    path, model, tokenizer = lac_model_dir
    loaded = AutoModelForTokenClassification.from_pretrained(path).eval()
    reread = AutoTokenizer.from_pretrained(path)
    enc = reread(["全年地区生产总值717.11亿元，增长3.0%（牵头单位：区教育局）", "𠀀中信集团"], padding=True, return_tensors="pt")
    with torch.no_grad():
        assert torch.allclose(loaded(**enc).logits, model.eval()(**enc).logits, atol=1e-5)
    assert torch.equal(crf_scores(loaded)[0], crf_scores(model)[0])
    assert torch.equal(loaded.lexicon, model.lexicon) and int(model.lexicon.count_nonzero()) == 6  # 3 entries × 2 tables
    # the frozen LAC encoder came from LAC-small: its embedding row of 中 is LAC's
    row = lac_small.vocabulary()["中"]
    assert torch.equal(loaded.lac.embeddings.weight[reread.convert_tokens_to_ids("中")], torch.from_numpy(lac_small.weights()["word_emb"][row]))


def test_lac_model_runs_in_the_transformers_pipeline(lac_model_dir):
    path, _, _ = lac_model_dir
    text = "全年地区生产总值717.11亿元"
    tagger = pipeline("token-classification", model=str(path), tokenizer=str(path))
    tokens = tagger(text)
    assert len(tokens) > 0 and all(text[t["start"] : t["end"]] == t["word"] for t in tokens)


def test_predictor_decodes_with_the_learned_transitions(lac_model_dir):
    path, model, tokenizer = lac_model_dir
    text = "全年地区生产总值717.11亿元，增长3.0%"
    predictor = Predictor(model, tokenizer, max_chars=200, stride=32, decoding="viterbi")
    [prediction] = predictor.predict([text])
    enc = tokenizer([text], return_tensors="pt")
    with torch.no_grad():
        emissions = model(**enc).logits[0, 1:-1]  # without [CLS] and [SEP]
    tags = [model.config.id2label[i] for i in range(model.config.num_labels)]
    trans, start, end = crf_scores(model)
    allowed = allowed_transitions(tags)
    best = batch_viterbi(emissions.unsqueeze(0), torch.tensor([len(text)]), allowed, torch.tensor([not t.startswith("I-") for t in tags]), trans, start, end)[0]
    without = batch_viterbi(emissions.log_softmax(-1).unsqueeze(0), torch.tensor([len(text)]), allowed, torch.tensor([not t.startswith("I-") for t in tags]))[0]
    from govner.data.iob import tags_to_spans

    expected = tags_to_spans([tags[i] for i in best.tolist()])
    assert [(e.start, e.end, e.label) for e in prediction.entities] == [(s.start, s.end, s.label) for s in expected]
    assert best.tolist() != without.tolist()  # the transitions (random here) change the path


def test_onnx_export_of_the_lac_model_is_exact_on_untraced_lengths(lac_model_dir, tmp_path):
    """The BiGRU loop is exported as an ONNX Loop, not unrolled to the traced length; the CRF's
    transitions reach the ONNX predictor, so both runtimes give the same entities."""
    pytest.importorskip("onnxruntime")
    from govner.inference.onnx_model import OnnxTokenClassifier

    path, model, tokenizer = lac_model_dir
    onnx = OnnxTokenClassifier.from_dir(path)
    texts = ["全年地区生产总值717.11亿元，增长3.0%（牵头单位：区教育局）" * 4, "中信集团", "𠀀人均可支配收入４２３５６元"]
    enc = tokenizer(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        assert torch.allclose(onnx(**enc).logits, model.eval()(**enc).logits, atol=1e-4)
    assert torch.equal(crf_scores(onnx)[0], crf_scores(model)[0])
    torch_entities = Predictor(model, tokenizer, 200, 32, decoding="viterbi").predict(texts)
    onnx_entities = Predictor(onnx, tokenizer, 200, 32, decoding="viterbi").predict(texts)
    assert [p.entities for p in onnx_entities] == [p.entities for p in torch_entities]


def test_ngram_ids_hash_the_characters_around_each_position():
    from govner.model.lac_tagger import NGRAM_TEMPLATES, ngram_ids

    ids = torch.tensor([[5, 6, 7, 8, 0], [5, 6, 9, 8, 0]])
    h = ngram_ids(ids, 1_000_003)
    assert h.shape == (2, 5, len(NGRAM_TEMPLATES))
    same = [k for k, (offset, length) in enumerate(NGRAM_TEMPLATES) if 2 not in range(1 + offset, 1 + offset + length)]
    # at position 1 the rows differ only in the character at position 2
    assert torch.equal(h[0, 1, same], h[1, 1, same])
    assert not torch.equal(h[0, 1], h[1, 1])
    assert len(set(h[0, 3].tolist())) == len(NGRAM_TEMPLATES)  # templates are told apart

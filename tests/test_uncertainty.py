"""The uncertainty that orders ls-push: 1 − the probability of the decoded tag path, checked by
brute force on tiny chain models and, with a trained model, on real sentences."""

import itertools
import json
import math
import os
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from govner.inference.decoding import allowed_transitions, decode, decoded_log_probs, path_log_probs
from govner.inference.predictor import DocumentPrediction
from govner.labels import iob2_tags
from govner.labelstudio.tasks import rank, rank_by_uncertainty
from govner.paths import PROJECT_ROOT

TAGS = iob2_tags()
ALLOWED = allowed_transitions(TAGS)
CAN_START = torch.tensor([not t.startswith("I-") for t in TAGS])
N = len(TAGS)


def brute_force_log_probs(emissions, transitions, start, end, length):
    """Every tag path of ``length`` and its log-probability, by enumeration."""
    paths = torch.tensor(list(itertools.product(range(N), repeat=length)))
    steps = torch.arange(length)
    scores = start[paths[:, 0]] + emissions[steps, paths].sum(-1) + end[paths[:, -1]]
    if length > 1:
        scores = scores + transitions[paths[:, :-1], paths[:, 1:]].sum(-1)
    return paths, scores - torch.logsumexp(scores, 0)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 3), min_size=1, max_size=4), st.integers(0, 10_000))
def test_path_probability_is_the_brute_force_one_under_a_crf(lengths, seed):
    gen = torch.Generator().manual_seed(seed)
    batch, width = len(lengths), max(lengths)
    emissions = 2 * torch.randn(batch, width, N, generator=gen, dtype=torch.float64)
    transitions, start, end = (
        2 * torch.randn(*shape, generator=gen, dtype=torch.float64) for shape in ((N, N), (N,), (N,))
    )
    path = torch.randint(N, (batch, width), generator=gen)  # any path, padding included
    got = path_log_probs(emissions, torch.tensor(lengths), path, transitions, start, end)
    for row, length in enumerate(lengths):
        paths, log_probs = brute_force_log_probs(emissions[row, :length], transitions, start, end, length)
        expected = log_probs[(paths == path[row, :length]).all(1)].item()
        assert got[row].item() == pytest.approx(expected, abs=1e-9)
        assert 0.0 <= math.exp(got[row].item()) <= 1.0


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 3), st.integers(0, 10_000))
def test_the_decoded_path_is_the_most_probable_one_and_its_probability_is_returned(length, seed):
    gen = torch.Generator().manual_seed(seed)
    logits = 2 * torch.randn(1, length, N, generator=gen, dtype=torch.float64)
    crf = tuple(torch.randn(*shape, generator=gen, dtype=torch.float64) for shape in ((N, N), (N,), (N,)))
    lengths = torch.tensor([length])
    path = decode(logits, lengths, "viterbi", ALLOWED, CAN_START, crf)
    got = decoded_log_probs(logits, lengths, path, "viterbi", ALLOWED, CAN_START, crf).item()
    # the decoder adds IOB2's constraints to the CRF's scores: the brute force enumerates under both
    forbidden = torch.where(ALLOWED, 0.0, float("-inf")).double()
    no_start = torch.where(CAN_START, 0.0, float("-inf")).double()
    _, log_probs = brute_force_log_probs(logits[0], crf[0] + forbidden, crf[1] + no_start, crf[2], length)
    assert got == pytest.approx(log_probs.max().item(), abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 3), st.integers(0, 10_000))
def test_without_a_crf_the_path_probability_is_the_classifiers(length, seed):
    gen = torch.Generator().manual_seed(seed)
    logits = 2 * torch.randn(1, length, N, generator=gen, dtype=torch.float64)
    lengths = torch.tensor([length])
    log_softmax = logits[0].log_softmax(-1)
    # argmax: the product of each token's probability of its tag
    path = decode(logits, lengths, "argmax", ALLOWED, CAN_START)
    got = decoded_log_probs(logits, lengths, path, "argmax", ALLOWED, CAN_START).item()
    assert got == pytest.approx(log_softmax[torch.arange(length), path[0]].sum().item(), abs=1e-9)
    # constrained Viterbi: that product renormalized over the IOB2-valid paths
    path = decode(logits, lengths, "viterbi", ALLOWED, CAN_START)
    got = decoded_log_probs(logits, lengths, path, "viterbi", ALLOWED, CAN_START).item()
    paths = torch.tensor(list(itertools.product(range(N), repeat=length)))
    valid = torch.tensor(
        [CAN_START[p[0]] and all(ALLOWED[a, b] for a, b in itertools.pairwise(p)) for p in paths.tolist()]
    )
    scores = log_softmax[torch.arange(length), paths[valid]].sum(-1)
    assert got == pytest.approx((scores.max() - torch.logsumexp(scores, 0)).item(), abs=1e-9)


def test_an_empty_row_is_certain():
    got = path_log_probs(
        torch.zeros(2, 3, N),
        torch.tensor([0, 3]),
        torch.zeros(2, 3, dtype=torch.long),
        *(torch.zeros(n) for n in ((N, N), N, N)),
    )
    assert got[0].item() == 0.0 and got[1].item() == pytest.approx(-3 * math.log(N))


def test_ranking_puts_the_least_probable_path_first_and_random_order_is_seeded():
    predictions = [DocumentPrediction([], 0.9, 0.5, path_log_prob=math.log(p)) for p in (0.9, 1e-30, 0.2, 1e-40, 0.2)]
    assert rank_by_uncertainty(predictions) == [3, 1, 2, 4, 0]  # even where 1 − p rounds to 1.0
    assert predictions[3].uncertainty == 1.0 and predictions[0].uncertainty == pytest.approx(0.1)
    shuffled = rank(predictions, "random", seed=3)
    assert sorted(shuffled) == list(range(5)) and shuffled == rank(predictions, "random", seed=3)
    with pytest.raises(ValueError, match="order must be one of"):
        rank(predictions, "longest", seed=3)


TRAINED = Path(os.environ.get("GOVNER_TRAINED_MODEL", PROJECT_ROOT / "models" / "default"))


@pytest.mark.skipif(
    not (TRAINED / "split-test.jsonl").exists(), reason=f"no trained model at {TRAINED} (GOVNER_TRAINED_MODEL)"
)
def test_on_real_sentences_the_score_spreads_and_finds_the_sentences_the_model_gets_wrong():
    from govner.inference.predictor import Predictor

    rows = [json.loads(line) for line in (TRAINED / "split-test.jsonl").read_text(encoding="utf-8").splitlines()][:300]
    predictions = Predictor.from_dir(TRAINED, num_threads=1).predict([r["text"] for r in rows])
    new = np.array([p.uncertainty for p in predictions])
    old = np.array([1 - p.min_score for p in predictions])  # the weakest character's doubt, shipped before
    assert ((new >= 0) & (new <= 1)).all()
    assert np.median(new) < 0.5 and np.percentile(new, 90) > 0.1  # not all near 1, not all near 0
    wrong = np.array(
        [
            {(e.start, e.end, e.label) for e in p.entities} != {tuple(s) for s in r["spans"]}
            for p, r in zip(predictions, rows, strict=True)
        ]
    )
    assert 0 < wrong.sum() < len(rows)

    def auroc(score):  # probability that a wrongly tagged sentence scores above a right one
        pos, neg = score[wrong][:, None], score[~wrong][None, :]
        return float((pos > neg).mean() + 0.5 * (pos == neg).mean())

    assert auroc(new) > 0.8 and auroc(new) > auroc(old) + 0.05

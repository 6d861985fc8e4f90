import itertools

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from govner.inference.decoding import allowed_transitions, batch_viterbi, viterbi
from govner.labels import iob2_tags

TAGS = iob2_tags()
ALLOWED = allowed_transitions(TAGS)
CAN_START = torch.tensor([not t.startswith("I-") for t in TAGS])


def valid(path):
    prev = "O"
    for i in path:
        tag = TAGS[i]
        if tag.startswith("I-") and prev[2:] != tag[2:]:
            return False
        prev = tag
    return True


def test_transitions_follow_iob2():
    assert ALLOWED[TAGS.index("B-UNIT"), TAGS.index("I-UNIT")]
    assert ALLOWED[TAGS.index("I-UNIT"), TAGS.index("I-UNIT")]
    assert not ALLOWED[TAGS.index("O"), TAGS.index("I-UNIT")]
    assert not ALLOWED[TAGS.index("B-QUANTITY"), TAGS.index("I-UNIT")]


def all_valid_paths(length: int) -> torch.Tensor:
    """Every IOB2-valid tag path of ``length``, one per row."""
    paths = [p for p in itertools.product(range(len(TAGS)), repeat=length) if valid(p)]
    return torch.tensor(paths)


VALID_PATHS = {n: all_valid_paths(n) for n in range(1, 5)}  # 9 tags: up to 9^4 = 6561 candidates


@settings(max_examples=300)
@given(st.integers(1, 4), st.integers(0, 10_000), st.floats(0.1, 5.0))
def test_viterbi_finds_the_best_valid_path_by_brute_force(length, seed, scale):
    gen = torch.Generator().manual_seed(seed)
    log_probs = (scale * torch.randn(length, len(TAGS), generator=gen, dtype=torch.float64)).log_softmax(-1)
    candidates = VALID_PATHS[length]
    scores = log_probs[torch.arange(length), candidates].sum(-1)  # (paths,)
    path = viterbi(log_probs, ALLOWED, CAN_START)
    assert valid(path)
    assert log_probs[torch.arange(length), path].sum().item() == pytest.approx(scores.max().item(), abs=1e-9)


@settings(max_examples=50)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=5), st.integers(0, 10_000))
def test_batched_viterbi_finds_each_rows_best_valid_path_by_brute_force(lengths, seed):
    gen = torch.Generator().manual_seed(seed)
    log_probs = torch.randn(len(lengths), max(lengths), len(TAGS), generator=gen, dtype=torch.float64).log_softmax(-1)
    paths = batch_viterbi(log_probs, torch.tensor(lengths), ALLOWED, CAN_START)
    for row, length in enumerate(lengths):
        best = log_probs[row, torch.arange(length), VALID_PATHS[length]].sum(-1).max().item()
        got = paths[row, :length]
        assert valid(got.tolist())
        assert log_probs[row, torch.arange(length), got].sum().item() == pytest.approx(best, abs=1e-9)


@settings(max_examples=200)
@given(st.integers(1, 12), st.integers(0, 10_000))
def test_viterbi_returns_a_valid_path_that_argmax_cannot_beat_when_valid(length, seed):
    gen = torch.Generator().manual_seed(seed)
    log_probs = torch.randn(length, len(TAGS), generator=gen).log_softmax(-1)
    path = viterbi(log_probs, ALLOWED, CAN_START)
    assert len(path) == length and valid(path)
    greedy = log_probs.argmax(-1).tolist()
    score = log_probs[torch.arange(length), path].sum()
    if valid(greedy):
        assert path == greedy
    else:
        assert score <= log_probs[torch.arange(length), greedy].sum()


def test_orphan_inside_tag_is_repaired():
    lp = torch.full((3, len(TAGS)), -10.0)
    lp[0, TAGS.index("O")] = -0.1
    lp[1, TAGS.index("I-ORG")] = -0.1  # an I- with no B-: argmax would emit it
    lp[1, TAGS.index("B-ORG")] = -1.0
    lp[2, TAGS.index("I-ORG")] = -0.1
    assert [TAGS[i] for i in viterbi(lp, ALLOWED, CAN_START)] == ["O", "B-ORG", "I-ORG"]


@settings(max_examples=50)
@given(st.lists(st.integers(0, 15), min_size=1, max_size=6), st.integers(0, 10_000))
def test_batched_viterbi_decodes_each_padded_row_as_on_its_own(lengths, seed):
    gen = torch.Generator().manual_seed(seed)
    log_probs = torch.randn(len(lengths), max(lengths), len(TAGS), generator=gen).log_softmax(-1)
    paths = batch_viterbi(log_probs, torch.tensor(lengths), ALLOWED, CAN_START)
    for row, length in enumerate(lengths):
        assert paths[row, :length].tolist() == viterbi(log_probs[row, :length], ALLOWED, CAN_START)

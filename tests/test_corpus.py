"""Checks against ../shared/corpus; skipped when it is absent."""

import pytest
from conftest import CORPUS

from govner.data.sampling import allocate, sample_corpus
from govner.data.sentences import split_sentences

pytestmark = [pytest.mark.corpus, pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not present")]


def test_sentence_splitter_covers_every_non_space_character_of_real_reports():
    for path in sorted((CORPUS / "2025_provincial").glob("*.txt"))[:5]:
        text = path.read_text(encoding="utf-8")
        covered = [False] * len(text)
        for s, e in split_sentences(text):
            assert not text[s].isspace() and not text[e - 1].isspace()
            covered[s:e] = [True] * (e - s)
        assert all(c or ch.isspace() for c, ch in zip(covered, text, strict=True))


def test_sampling_is_proportional_reproducible_and_exact():
    a = sample_corpus(CORPUS, n_reports=12, per_report=5, seed=1)
    b = sample_corpus(CORPUS, n_reports=12, per_report=5, seed=1)
    assert a == b
    folders = {s.source.split("/")[0] for s in a}
    assert len(folders) == 6 and len({s.source for s in a}) == 12
    for s in a[:20]:
        text = (CORPUS / s.source).read_text(encoding="utf-8")
        assert text[s.start : s.start + len(s.text)] == s.text


def test_allocate_is_proportional_with_at_least_one_each():
    assert allocate({"a": 70, "b": 20, "c": 1}, 10) == {"a": 7, "b": 2, "c": 1}


def test_measured_only_round_draws_numbers_that_are_not_years_from_new_reports():
    from govner.data.sampling import _MEASURE

    first = sample_corpus(CORPUS, n_reports=6, per_report=3, seed=1)
    more = sample_corpus(
        CORPUS,
        n_reports=6,
        per_report=3,
        seed=2,
        exclude_sources=frozenset(s.source for s in first),
        measured_only=True,
    )
    assert more and all(_MEASURE.search(s.text) for s in more)
    assert not {s.source for s in more} & {s.source for s in first}

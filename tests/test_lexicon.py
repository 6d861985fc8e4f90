"""The lexicon features: exact per-character flags from the hashed tables, the lexicon file and its
held-out check, and the mined lexicon leaving dev and test reports out."""

from __future__ import annotations

from collections import Counter

import pytest
import torch

from govner.model.lexicon import check_held_out, lexicon_features, lexicon_tables, read_lexicon
from govner.training.lexicon_mining import corpus_reports, jieba_organizations, write_lexicon


def test_features_mark_where_each_labels_matches_begin_end_and_cover():
    tables = lexicon_tables([[5, 6, 7], [6, 7], [9], [8, 8]], [0, 1, 0, 1], 1024, 4)
    ids = torch.tensor([[1, 5, 6, 7, 9, 3, 0], [1, 6, 7, 9, 9, 3, 0]])
    mask = torch.tensor([[1, 1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 1, 0]]).bool()
    f = lexicon_features(ids, mask, tables, 2, 4).int()
    # columns: begins (label 0, 1), ends (0, 1), covers (0, 1)
    assert f[0].tolist() == [
        [0, 0, 0, 0, 0, 0],
        [1, 0, 0, 0, 1, 0],  # 5 6 7 (label 0) begins
        [0, 1, 0, 0, 1, 1],  # 6 7 (label 1) begins inside it
        [0, 0, 1, 1, 1, 1],  # both end
        [1, 0, 1, 0, 1, 0],  # 9 alone
        [0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0],
    ]
    assert f[1, 1].tolist() == [0, 1, 0, 0, 0, 1] and f[1, 3].tolist() == f[1, 4].tolist() == [1, 0, 1, 0, 1, 0]
    assert f[1, 5].sum() == 0


def test_a_match_never_runs_into_padding():
    tables = lexicon_tables([[5, 6]], [0], 1024, 4)
    ids = torch.tensor([[5, 0]])  # 5 then padding: the entry 5 6 is not there
    assert lexicon_features(ids, torch.tensor([[True, False]]), tables, 1, 4).sum() == 0


def test_lexicon_file_round_trip_and_held_out_check(tmp_path):
    path = tmp_path / "lexicon.tsv"
    counts = Counter({("区教育局", "ORG"): 5, ("县财政局", "ORG"): 1, ("亿元", "UNIT"): 40})
    n = write_lexicon(path, counts, 2, ["ORG"], frozenset({"a/dev.txt", "a/test.txt"}), {"中信集团"})
    assert n == 2
    assert read_lexicon(path, ["ORG"]) == [("区教育局", "ORG"), ("中信集团", "ORG")]
    check_held_out(path, {"a/dev.txt"})
    with pytest.raises(ValueError, match="b/test.txt"):
        check_held_out(path, {"a/dev.txt", "b/test.txt"})


def test_a_malformed_lexicon_line_is_named(tmp_path):
    path = tmp_path / "lexicon.tsv"
    path.write_text("区教育局\tORG\n区财政局 ORG\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        read_lexicon(path, ["ORG"])


def test_corpus_reports_leave_the_held_out_ones_out(tmp_path):
    for name in ("a/x.txt", "a/y.txt", "b/z.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("全年地区生产总值717亿元", encoding="utf-8")
    assert [s for s, _ in corpus_reports(tmp_path, frozenset({"a/y.txt"}))] == ["a/x.txt", "b/z.txt"]


def test_jieba_ships_organization_names():
    orgs = jieba_organizations()
    assert len(orgs) > 4000 and "国家自然科学基金委员会" in orgs and "地区生产总值" not in orgs

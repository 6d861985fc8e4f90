"""Sharded batch inference: the shards of one input cover it exactly once, the same way every time."""

import json

import pytest
from test_predictor import predictor

from govner.errors import GovnerError
from govner.inference.batch import predict_files


@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for i in range(5):
        (folder / f"r{i}.txt").write_text(f"第{i}年增长{i * 7}亿元。", encoding="utf-8")
    lines = [json.dumps({"id": f"j{i}", "text": f"新增{i}家。"}, ensure_ascii=False) for i in range(6)]
    (folder / "more.jsonl").write_text("\n".join(lines[:3] + ["{broken"] + lines[3:]) + "\n", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    return folder


def shard_ids(inputs, out, shard, num_shards):
    summary = predict_files(predictor(), str(inputs), out, shard=shard, num_shards=num_shards)
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    return ids, [f.source for f in summary.failures]


def test_two_shards_cover_the_input_exactly_once_and_deterministically(inputs, tmp_path):
    everything, all_failures = shard_ids(inputs, tmp_path / "all.jsonl", 0, 1)
    assert len(everything) == 11 and len(all_failures) == 2
    first, failures0 = shard_ids(inputs, tmp_path / "s0.jsonl", 0, 2)
    second, failures1 = shard_ids(inputs, tmp_path / "s1.jsonl", 1, 2)
    assert first and second and not set(first) & set(second)
    assert sorted(first + second) == sorted(everything)
    assert sorted(failures0 + failures1) == sorted(all_failures)  # each failure is reported by one shard
    assert shard_ids(inputs, tmp_path / "again.jsonl", 0, 2) == (first, failures0)


@pytest.mark.parametrize("shard,num_shards", [(2, 2), (-1, 2), (0, 0)])
def test_a_shard_outside_the_range_is_refused(inputs, tmp_path, shard, num_shards):
    with pytest.raises(GovnerError, match="shard must be in"):
        predict_files(predictor(), str(inputs), tmp_path / "x.jsonl", shard=shard, num_shards=num_shards)

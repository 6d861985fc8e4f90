"""Pretraining writes a directory that fine-tuning accepts as model.name_or_path."""

import json

from conftest import MARKED, export_tasks, write_json
from test_integration import EXTRA, run

from govner.training.pretraining import corpus_segments, word_offsets


def test_corpus_segments_and_whole_word_offsets(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "r1.txt").write_text("全年地区生产总值增长。\n\n城镇新增就业一万人。", encoding="utf-8")
    assert corpus_segments(tmp_path, max_chars=8) == ["全年地区生产总值", "增长。", "城镇新增就业一万", "人。"]
    offsets = word_offsets("地区生产总值", [(0, 0), (0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (0, 0)])
    # tokens of one word stay contiguous, words are separated by a gap, specials untouched
    starts = [s for s, _ in offsets[1:-1]]
    ends = [e for _, e in offsets[1:-1]]
    gaps = sum(1 for prev_end, start in zip(ends, starts[1:], strict=False) if start != prev_end)
    assert offsets[0] == (0, 0) and offsets[-1] == (0, 0)
    assert 1 <= gaps <= 5


def test_pretrain_then_fine_tune(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = "。".join(m.replace("[[", "").split("|")[0] for m, _ in MARKED)
    (corpus / "r.txt").write_text(text * 5, encoding="utf-8")
    pre = tmp_path / "pre"
    run(
        "pretrain.py",
        f"corpus_dir={corpus}",
        f"hydra.run.dir={pre}",
        "model=tiny",
        "whole_word_mask=true",
        "trainer.max_steps=3",
        "trainer.per_device_train_batch_size=4",
        "trainer.disable_tqdm=true",
        "trainer.resume_from_checkpoint=true",  # as quickstart.sh runs it: no checkpoint yet → a fresh start
    )
    assert (pre / "model.safetensors").is_file() and (pre / "tokenizer.json").is_file()
    data = write_json(tmp_path / "export.json", export_tasks(MARKED + EXTRA))
    model_dir = tmp_path / "model"
    run(
        "train.py",
        "model=pretrained",
        f"model.name_or_path={pre}",
        "trainer=smoke",
        f"data.path={data}",
        "data.split.test_reports_file=null",
        f"hydra.run.dir={model_dir}",
    )
    assert "test" in json.loads((model_dir / "metrics.json").read_text())

"""Self-training: silver data from a teacher whose confidences are known, and how training
takes silver in (train split only; held-out reports refused)."""

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from conftest import export_tasks, write_json
from omegaconf import OmegaConf

from govner.data.dataset import prepare_data
from govner.errors import GovnerError
from govner.inference.predictor import Predictor
from govner.labels import ENTITY_LABELS, iob2_tags
from govner.model.tokenization import build_vocab, char_tokenizer
from govner.paths import CONFIG_DIR
from govner.training.self_training import equal_steps_epochs, make_silver, write_silver

TAGS = iob2_tags()
LABELS = ENTITY_LABELS


class DoubtfulDigitTagger(torch.nn.Module):
    """Tags digit runs as QUANTITY with confidence; is unsure (O barely ahead) on 约."""

    def __init__(self, tokenizer):
        super().__init__()
        self.config = SimpleNamespace(id2label=dict(enumerate(TAGS)))
        self.digits = torch.tensor(tokenizer.convert_tokens_to_ids(list("0123456789")))
        self.doubt = tokenizer.convert_tokens_to_ids("约")

    def forward(self, input_ids, attention_mask=None, token_type_ids=None):
        is_digit = torch.isin(input_ids, self.digits)
        prev = torch.nn.functional.pad(is_digit[:, :-1], (1, 0), value=False)
        logits = torch.zeros(*input_ids.shape, len(TAGS))
        doubt = input_ids == self.doubt
        logits[..., TAGS.index("O")] = 12.0 * (~is_digit & ~doubt) + 0.3 * doubt
        logits[..., TAGS.index("B-QUANTITY")] = 12.0 * (is_digit & ~prev)
        logits[..., TAGS.index("I-QUANTITY")] = 12.0 * (is_digit & prev)
        return SimpleNamespace(logits=logits)


def teacher() -> Predictor:
    tok = char_tokenizer(build_vocab(["约年度全市共计完成增长我们坚持推进工作总基调"]), model_max_length=128)
    return Predictor(DoubtfulDigitTagger(tok), tok, max_chars=60, stride=16, decoding="viterbi")


def corpus(root: Path) -> Path:
    sentences = {
        "city/a.txt": ["全年共计完成123项工作任务。", "全年约完成45项工作任务。", "我们坚持推进工作总基调不动摇。"],
        "city/b.txt": ["全市增长67项重点工作任务。", "全年约增长8项重点工作任务。", "我们坚持稳中求进工作总基调。"],
        "county/gold.txt": ["全年共计完成999项工作任务。", "我们坚持推进工作总基调不变。"],
    }
    for source, lines in sentences.items():
        path = root / source
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines), encoding="utf-8")
    return root


def test_silver_keeps_confident_sentences_and_never_reads_excluded_reports(tmp_path):
    tasks, report = make_silver(
        teacher(), corpus(tmp_path / "corpus"), frozenset({"county/gold.txt"}), 0.99, 10, 100, 0, "teacher-v1"
    )
    texts = {t["data"]["text"] for t in tasks}
    assert report.reports_read == 2 and report.reports_excluded == 1
    assert report.sentences_tagged == 6
    assert not any("999" in t for t in texts)  # the gold report is never read
    assert not any("约" in t for t in texts)  # the teacher's doubtful sentences are left out
    assert {"全年共计完成123项工作任务。", "全市增长67项重点工作任务。"} <= texts
    task = next(t for t in tasks if "123" in t["data"]["text"])
    prediction = task["predictions"][0]
    assert prediction["model_version"] == "teacher-v1"
    assert [(r["value"]["text"], r["value"]["labels"]) for r in prediction["result"]] == [("123", ["QUANTITY"])]
    assert task["data"]["report"] == "city/a.txt" and task["data"]["offset"] == 0


def test_sentences_without_entities_are_capped(tmp_path):
    tasks, report = make_silver(
        teacher(), corpus(tmp_path / "corpus"), frozenset(), 0.99, 10, 100, 0, "t", max_empty_share=0.25
    )
    empty = [t for t in tasks if not t["predictions"][0]["result"]]
    assert report.kept_with_entities == 3  # 123, 67, 999
    assert len(empty) == 1  # 3 empty sentences are confident; 25% of 4 kept may be empty
    assert report.confident == 6 and report.kept == 4


def test_bad_threshold_is_refused(tmp_path):
    with pytest.raises(GovnerError, match="threshold"):
        make_silver(teacher(), corpus(tmp_path / "c"), frozenset(), 1.5, 10, 100, 0, "t")


def data_cfg(gold: Path, silver: Path | None):
    cfg = OmegaConf.load(Path(CONFIG_DIR) / "data" / "labelstudio_export.yaml")
    cfg.path, cfg.silver_path = str(gold), str(silver) if silver else None
    cfg.split = {"dev_ratio": 0.25, "test_ratio": 0.25, "seed": 1, "test_reports_file": None}
    return cfg


def test_silver_is_added_to_train_only(tmp_path):
    gold = write_json(tmp_path / "gold.json", export_tasks())
    tasks, report = make_silver(teacher(), corpus(tmp_path / "corpus"), frozenset(), 0.99, 10, 100, 0, "t")
    silver = write_silver(tasks, report, tmp_path / "silver")
    assert json.loads((tmp_path / "silver" / "silver_report.json").read_text())["kept"] == len(tasks)
    without = prepare_data(data_cfg(gold, None), LABELS)
    with_silver = prepare_data(data_cfg(gold, silver), LABELS)
    assert len(with_silver.documents["train"]) == len(without.documents["train"]) + len(tasks)
    for split in ("dev", "test"):
        assert [d.text for d in with_silver.documents[split]] == [d.text for d in without.documents[split]]


def test_silver_from_a_held_out_report_is_refused(tmp_path):
    gold = write_json(tmp_path / "gold.json", export_tasks())
    held_out = prepare_data(data_cfg(gold, None), LABELS).sources("test")[0]
    tasks, report = make_silver(teacher(), corpus(tmp_path / "corpus"), frozenset(), 0.99, 10, 100, 0, "t")
    tasks[0]["data"]["report"] = held_out
    silver = write_silver(tasks, report, tmp_path / "silver")
    with pytest.raises(GovnerError, match=f"dev/test report.*{held_out}"):
        prepare_data(data_cfg(gold, silver), LABELS)


def test_student_epochs_keep_the_teachers_optimizer_steps():
    assert equal_steps_epochs(25, 2709, 832) == 19  # the ablation's student: 2,109 steps against 2,125
    assert equal_steps_epochs(25, 2709, 0) == 25
    assert equal_steps_epochs(1, 10, 1000) == 1  # never zero

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from labelstudio_server import labelstudio_server  # noqa: F401  (session fixture: a real Label Studio server)
from markup import annotated_task

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"

# Small hand-annotated sentences in inline markup, spread over four "reports".
# The overrides of a seconds-long training on the marked tasks: the tiny model, one smoke epoch,
# no fixed test reports, short windows (``data.path`` is given by each test).
TINY_TRAINING = ("model=tiny", "trainer=smoke", "data.split.test_reports_file=null", "data.max_chars=24", "data.stride=8")

MARKED = [
    ("全年[[地区生产总值|INDICATOR]][[717.11|QUANTITY]][[亿元|UNIT]]，增长[[3.0|QUANTITY]][[%|UNIT]]。", "a"),
    (
        "[[新增高新技术企业|INDICATOR]][[168|QUANTITY]][[家|UNIT]]，[[技术合同登记|INDICATOR]]突破[[32|QUANTITY]][[亿元|UNIT]]。",
        "a",
    ),
    ("[[新造林|INDICATOR]]约[[1.2|QUANTITY]][[万亩|UNIT]]。", "a"),
    ("（牵头单位：[[区教育局|ORG]]）", "a"),
    ("建成[[12|QUANTITY]][[个|UNIT]][[社区食堂|INDICATOR]]，服务老人[[3000|QUANTITY]][[人次|UNIT]]。", "b"),
    ("在[[市委|ORG]]的坚强领导下，在[[市人大|ORG]]、[[市政协|ORG]]的监督支持下，我们攻坚克难。", "b"),
    (
        "[[城镇居民人均可支配收入|INDICATOR]]达到[[４２３５６|QUANTITY]][[元|UNIT]]，增长[[５．１|QUANTITY]][[％|UNIT]]。",
        "b",
    ),
    ("我们坚持稳中求进工作总基调，推动高质量发展。", "b"),
    ("[[一般公共预算收入|INDICATOR]][[58.6|QUANTITY]][[亿元|UNIT]]，同比增长[[8.2|QUANTITY]][[%|UNIT]]。", "c"),
    ("引进[[人才|INDICATOR]][[50|QUANTITY]]余[[名|UNIT]]，[[中信集团|ORG]]落户。", "c"),
    ("[[粮食产量|INDICATOR]]稳定在[[九十|QUANTITY]][[万吨|UNIT]]以上。", "c"),
    (
        "[[森林覆盖率|INDICATOR]]提高到[[62.3|QUANTITY]][[%|UNIT]]，[[空气质量优良天数|INDICATOR]][[320|QUANTITY]][[天|UNIT]]。",
        "d",
    ),
    ("[[区人民医院|ORG]]新院区投入使用，新增[[床位|INDICATOR]][[500|QUANTITY]][[张|UNIT]]。", "d"),
    ("[[社会消费品零售总额|INDICATOR]][[492.9|QUANTITY]][[亿元|UNIT]]，同比增长[[14|QUANTITY]][[%|UNIT]]。", "d"),
]


def export_tasks(rows: list[tuple[str, str]] = MARKED, start_id: int = 1) -> list[dict]:
    return [
        annotated_task(start_id + i, marked, {"report": f"report_{src}.txt"}, annotation_id=100 + i)
        for i, (marked, src) in enumerate(rows)
    ]


def write_json(path: Path, payload) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def export_file(tmp_path: Path) -> Path:
    return write_json(tmp_path / "export.json", export_tasks())


def plain(marked: str) -> str:
    """The text of an inline-markup sentence."""
    return re.sub(r"\[\[(.+?)\|\w+\]\]", r"\1", marked)


def untrained_model_dir(model_dir: Path) -> Path:
    """A tiny untrained BERT saved like a trained govner model (weights, tokenizer, govner.json):
    for tests that need a model directory, not a good model. Its weights are seeded and its ``O``
    tag held back, so it tags entities (the same ones every run) for the tests to check."""
    import torch
    from transformers import BertConfig, BertForTokenClassification

    from govner.labels import ENTITY_LABELS, iob2_tags
    from govner.model.model_dir import SETTINGS_FILE
    from govner.model.tokenization import build_vocab, char_tokenizer

    tags = iob2_tags()
    tokenizer = char_tokenizer(build_vocab([plain(m) for m, _ in MARKED]), model_max_length=64)
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
        pad_token_id=tokenizer.pad_token_id,
        id2label=dict(enumerate(tags)),
        label2id={t: i for i, t in enumerate(tags)},
    )
    torch.manual_seed(0)
    model = BertForTokenClassification(config)
    with torch.no_grad():
        model.classifier.bias[tags.index("O")] = -1.0
    model.save_pretrained(model_dir)
    tokenizer.save_pretrained(model_dir)
    settings = {"max_chars": 30, "stride": 8, "labels": list(ENTITY_LABELS), "decoding": "viterbi"}
    (model_dir / SETTINGS_FILE).write_text(json.dumps(settings), encoding="utf-8")
    return model_dir

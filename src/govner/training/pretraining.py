"""Masked-language-model pretraining of the compact character BERT on plain-text reports.

The character vocabulary is built from the corpus; documents are cut into the same
sentence windows as for tagging. With ``whole_word_mask`` the words found by jieba are
masked together: the collator sees word boundaries as gaps in a virtual offset mapping.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from datasets import Dataset
from omegaconf import DictConfig, OmegaConf
from transformers import (
    BertForMaskedLM,
    DataCollatorForLanguageModeling,
    Trainer,
    TrainingArguments,
    set_seed,
)
from transformers.trainer_utils import get_last_checkpoint

from govner.data.segmentation import segment
from govner.model.modeling import scratch_config
from govner.model.tokenization import build_vocab, char_tokenizer
from govner.training.loggers import logger_callbacks

log = logging.getLogger(__name__)


def corpus_segments(corpus_dir: str | Path, max_chars: int, limit_chars: int | None = None) -> list[str]:
    """Sentence windows of every ``.txt`` file under ``corpus_dir`` (sorted, deterministic)."""
    files = sorted(Path(corpus_dir).rglob("*.txt"))
    if not files:
        raise FileNotFoundError(f"{corpus_dir}: no .txt reports to pretrain on")
    segments, total = [], 0
    for path in files:
        text = path.read_text(encoding="utf-8-sig")
        for seg in segment(text, max_chars, stride=0):
            segments.append(text[seg.start : seg.end])
            total += seg.end - seg.start
            if limit_chars and total >= limit_chars:
                return segments
    return segments


def word_offsets(text: str, offsets: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Token offsets shifted by the index of the jieba word each token starts in, so that
    tokens of one word stay contiguous and a gap separates words."""
    import jieba

    word_of = []
    for index, word in enumerate(jieba.cut(text)):
        word_of.extend([index] * len(word))
    return [(s, e) if s == e else (s + word_of[s], e + word_of[s]) for s, e in offsets]


class _WordOffsetCollator(DataCollatorForLanguageModeling):
    """Pads the (virtual) offset mappings too, which whole-word masking reads."""

    def torch_call(self, examples: list[dict]) -> dict:
        longest = max(len(e["input_ids"]) for e in examples)
        for e in examples:
            e["offset_mapping"] = list(e["offset_mapping"]) + [(0, 0)] * (longest - len(e["offset_mapping"]))
        return super().torch_call(examples)


def pretrain(cfg: DictConfig) -> Path:
    set_seed(cfg.seed)
    out = Path(cfg.output_dir)
    segments = corpus_segments(cfg.corpus_dir, cfg.max_chars, cfg.limit_chars)
    n_chars = sum(map(len, segments))
    log.info("%d segments, %d characters from %s", len(segments), n_chars, cfg.corpus_dir)
    arch = cfg.model.scratch
    vocab = build_vocab(segments, min_freq=cfg.model.vocab.min_freq, max_size=cfg.model.vocab.max_size)
    tokenizer = char_tokenizer(vocab, model_max_length=arch.max_position_embeddings)

    def encode(batch: dict) -> dict:
        enc = tokenizer(
            batch["text"], truncation=True, return_special_tokens_mask=True, return_offsets_mapping=cfg.whole_word_mask
        )
        if cfg.whole_word_mask:
            enc["offset_mapping"] = [
                word_offsets(t, o) for t, o in zip(batch["text"], enc["offset_mapping"], strict=True)
            ]
        return enc

    dataset = Dataset.from_dict({"text": segments}).map(encode, batched=True, remove_columns=["text"], desc="tokenize")
    config = scratch_config(arch, tokenizer)
    model = BertForMaskedLM(config)
    collator_cls = _WordOffsetCollator if cfg.whole_word_mask else DataCollatorForLanguageModeling
    collator = collator_cls(
        tokenizer, mlm_probability=cfg.mlm_probability, whole_word_mask=cfg.whole_word_mask, seed=cfg.seed
    )
    trainer_cfg = OmegaConf.to_container(cfg.trainer, resolve=True)
    resume = trainer_cfg.pop("resume_from_checkpoint")
    checkpoints = out / "checkpoints"
    if resume is True and not (checkpoints.is_dir() and get_last_checkpoint(str(checkpoints))):
        log.info("no checkpoint in %s yet: starting from the beginning", checkpoints)
        resume = None
    # the collator reads special_tokens_mask and offset_mapping, which the model does not take
    args = TrainingArguments(
        output_dir=str(out / "checkpoints"),
        report_to="none",  # the logger config group's callbacks instead
        run_name=cfg.run_name,
        seed=cfg.seed,
        remove_unused_columns=False,
        **trainer_cfg,
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=dataset,
        data_collator=collator,
        processing_class=tokenizer,
        callbacks=logger_callbacks(cfg.get("logger"), out) if args.process_index == 0 else [],
    )
    started = time.perf_counter()
    result = trainer.train(resume_from_checkpoint=resume or None)
    seconds = time.perf_counter() - started
    trainer.save_model(str(out))
    OmegaConf.save(cfg, out / "pretrain_config.yaml", resolve=True)
    epochs = result.metrics.get("epoch", 0.0)
    print(
        f"pretrained on {n_chars:,} characters ({epochs:.2f} epochs) in {seconds:.0f}s: "
        f"{n_chars * epochs / seconds:,.0f} characters/s, final loss {result.training_loss:.3f}\n"
        f"model directory: {out}  (fine-tune: python scripts/train.py model=pretrained model.name_or_path={out})"
    )
    return out

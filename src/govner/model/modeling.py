"""The token-classification model: a hub / local checkpoint, a compact BERT from scratch, or the
LAC-small based tagger (:mod:`govner.model.lac_tagger`)."""

from __future__ import annotations

import logging

from transformers import (
    AutoModelForTokenClassification,
    AutoTokenizer,
    BertConfig,
    BertForTokenClassification,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)

from govner.model import lac_small
from govner.model.lac_tagger import LacTaggerConfig, LacTaggerForTokenClassification
from govner.model.tokenization import SPECIAL_TOKENS, build_vocab, char_tokenizer

log = logging.getLogger(__name__)


def build_model(model_cfg, tags: list[str], train_texts: list[str]) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """``model_cfg.name_or_path`` set: load it (hub name or directory) with a fresh
    classification head; ``model_cfg.architecture == "lac"``: the LAC-small based tagger;
    otherwise a compact BERT and a character vocabulary from ``train_texts``."""
    id2label = dict(enumerate(tags))
    label2id = {t: i for i, t in enumerate(tags)}
    if model_cfg.get("architecture") == "lac":
        return build_lac_tagger(model_cfg.lac, train_texts, id2label, label2id)
    if model_cfg.name_or_path:
        log.info("loading %s", model_cfg.name_or_path)
        tokenizer = AutoTokenizer.from_pretrained(model_cfg.name_or_path)
        if not tokenizer.is_fast:
            raise ValueError(f"{model_cfg.name_or_path}: a fast tokenizer (with offset mapping) is required")
        model = AutoModelForTokenClassification.from_pretrained(
            model_cfg.name_or_path,
            num_labels=len(tags),
            id2label=id2label,
            label2id=label2id,
            ignore_mismatched_sizes=True,
        )
        return model, tokenizer
    arch = model_cfg.scratch
    vocab = build_vocab(train_texts, min_freq=model_cfg.vocab.min_freq, max_size=model_cfg.vocab.max_size)
    tokenizer = char_tokenizer(vocab, model_max_length=arch.max_position_embeddings)
    config = scratch_config(arch, tokenizer, num_labels=len(tags), id2label=id2label, label2id=label2id)
    model = BertForTokenClassification(config)
    log.info("scratch BERT: %d characters in vocabulary, %.1fM parameters", len(vocab), model.num_parameters() / 1e6)
    return model, tokenizer


def scratch_config(arch, tokenizer: PreTrainedTokenizerBase, **extra) -> BertConfig:
    """The compact BERT described by ``model.scratch`` for ``tokenizer``'s vocabulary."""
    return BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=arch.hidden_size,
        num_hidden_layers=arch.num_hidden_layers,
        num_attention_heads=arch.num_attention_heads,
        intermediate_size=arch.intermediate_size,
        max_position_embeddings=arch.max_position_embeddings,
        hidden_dropout_prob=arch.dropout,
        attention_probs_dropout_prob=arch.dropout,
        pad_token_id=tokenizer.pad_token_id,
        **extra,
    )


def build_lac_tagger(
    arch, train_texts: list[str], id2label: dict[int, str], label2id: dict[str, int]
) -> tuple[LacTaggerForTokenClassification, PreTrainedTokenizerBase]:
    """The tagger of ``model.lac`` with LAC-small's weights; its vocabulary is LAC's characters plus
    those of ``train_texts`` (LAC's fallback rows for characters it lacks)."""
    vocab = build_vocab(train_texts)
    known = set(vocab)
    vocab += [ch for ch, _ in sorted(lac_small.vocabulary().items(), key=lambda kv: kv[1]) if len(ch) == 1 and ch not in known]
    tokenizer = char_tokenizer(vocab, model_max_length=arch.max_length)
    rows = [lac_small.vocabulary()["OOV"] if tok in SPECIAL_TOKENS else lac_small.row_for(tok) for tok in vocab]
    config = LacTaggerConfig(
        vocab_size=len(vocab),
        use_lac_encoder=arch.use_lac_encoder,
        finetune_lac=arch.finetune_lac,
        encoder=arch.encoder,
        bigram_buckets=arch.bigram_buckets,
        bigram_dim=arch.bigram_dim,
        hidden_size=arch.hidden_size,
        dropout=arch.dropout,
        use_crf=arch.use_crf,
        pad_token_id=tokenizer.pad_token_id,
        id2label=id2label,
        label2id=label2id,
    )
    model = LacTaggerForTokenClassification(config)
    model.init_from_lac(rows)
    log.info(
        "LAC tagger: %d characters in vocabulary (%d from LAC-small), %.1fM parameters (%.1fM trainable)",
        len(vocab),
        sum(r != lac_small.vocabulary()["OOV"] for r in rows),
        model.num_parameters() / 1e6,
        model.num_parameters(only_trainable=True) / 1e6,
    )
    return model, tokenizer

"""The token-classification model: a hub / local checkpoint, a compact BERT from scratch, or the
LAC-small based tagger (:mod:`govner.model.lac_tagger`)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from omegaconf import DictConfig, OmegaConf
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
from govner.model.lexicon import read_lexicon
from govner.model.tokenization import SPECIAL_TOKENS, build_vocab, char_tokenizer
from govner.paths import register_resolvers

__all__ = [
    "LacArchitecture",
    "ModelSettings",
    "ScratchArchitecture",
    "VocabSettings",
    "build_lac_tagger",
    "build_model",
    "scratch_config",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScratchArchitecture:
    """The compact BERT built from scratch (``model.scratch``, configs/model/scratch.yaml)."""

    hidden_size: int = 192
    num_hidden_layers: int = 3
    num_attention_heads: int = 3
    intermediate_size: int = 768
    max_position_embeddings: int = 256
    dropout: float = 0.1


@dataclass(frozen=True)
class VocabSettings:
    """The character vocabulary of a scratch model (``model.vocab``)."""

    min_freq: int = 1
    max_size: int | None = None


@dataclass(frozen=True)
class LacArchitecture:
    """The LAC-small based tagger (``model.lac``, configs/model/lac.yaml)."""

    use_lac_encoder: bool = True
    finetune_lac: bool = True
    bigram_buckets: int = 100003
    bigram_dim: int = 64
    ngram_buckets: int = 0
    encoder: str = "lstm"
    hidden_size: int = 128
    dropout: float = 0.2
    use_crf: bool = True
    max_length: int = 512
    lexicon: str | None = None  # a lexicon TSV (govner.model.lexicon); None: no lexicon features
    lexicon_labels: list[str] = field(default_factory=lambda: ["ORG"])
    lexicon_buckets: int = 4_194_304
    lexicon_max_len: int = 16


@dataclass(frozen=True)
class ModelSettings:
    """What to fine-tune (the ``model`` group of the configs): ``architecture: lac``, the LAC-small
    tagger of ``lac``; otherwise a hub name or local directory, or, with none, a scratch BERT of
    ``scratch`` with a vocabulary as ``vocab`` says."""

    name_or_path: str | None = None
    vocab: VocabSettings = field(default_factory=VocabSettings)
    scratch: ScratchArchitecture = field(default_factory=ScratchArchitecture)
    architecture: str = "bert"
    lac: LacArchitecture = field(default_factory=LacArchitecture)

    @classmethod
    def of(cls, model: ModelSettings | DictConfig | Mapping) -> ModelSettings:
        if isinstance(model, cls):
            return model
        register_resolvers()  # ${project_root:} in the package's configs
        raw = OmegaConf.to_container(model, resolve=True) if isinstance(model, DictConfig) else dict(model)
        return cls(
            raw.get("name_or_path"),
            VocabSettings(**(raw.get("vocab") or {})),
            ScratchArchitecture(**(raw.get("scratch") or {})),
            raw.get("architecture") or "bert",
            LacArchitecture(**(raw.get("lac") or {})),
        )


def build_model(
    model: ModelSettings | DictConfig, tags: list[str], train_texts: list[str]
) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """``model.architecture == "lac"``: the LAC-small based tagger; else ``model.name_or_path`` set:
    load it (hub name or directory) with a fresh classification head; unset: a compact BERT and a
    character vocabulary from ``train_texts``."""
    model_cfg = ModelSettings.of(model)
    id2label = dict(enumerate(tags))
    label2id = {t: i for i, t in enumerate(tags)}
    if model_cfg.architecture == "lac":
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
    """The compact BERT described by ``arch`` (``model.scratch``) for ``tokenizer``'s vocabulary."""
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
    arch: LacArchitecture, train_texts: list[str], id2label: dict[int, str], label2id: dict[str, int]
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
        ngram_buckets=arch.ngram_buckets,
        hidden_size=arch.hidden_size,
        dropout=arch.dropout,
        use_crf=arch.use_crf,
        lexicon_labels=list(arch.lexicon_labels) if arch.lexicon else [],
        lexicon_buckets=arch.lexicon_buckets if arch.lexicon else 0,
        lexicon_max_len=arch.lexicon_max_len,
        pad_token_id=tokenizer.pad_token_id,
        id2label=id2label,
        label2id=label2id,
    )
    model = LacTaggerForTokenClassification(config)
    model.init_from_lac(rows)
    if arch.lexicon:
        entries = read_lexicon(arch.lexicon, list(arch.lexicon_labels))
        model.set_lexicon([(tokenizer(text, add_special_tokens=False)["input_ids"], label) for text, label in entries])
        log.info("lexicon %s: %d entries (%s)", arch.lexicon, len(entries), ", ".join(arch.lexicon_labels))
    log.info(
        "LAC tagger: %d characters in vocabulary (%d from LAC-small), %.1fM parameters (%.1fM trainable)",
        len(vocab),
        sum(r != lac_small.vocabulary()["OOV"] for r in rows),
        model.num_parameters() / 1e6,
        model.num_parameters(only_trainable=True) / 1e6,
    )
    return model, tokenizer

"""A character tokenizer built from data: one token per character, offsets preserved.

Text is NFKC-normalized (full-width digits and punctuation fold to their half-width
forms) inside the tokenizer, so offsets still point into the original text. Whitespace
gets no token; a character missing from the vocabulary becomes ``[UNK]`` in its place.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable

from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, processors
from transformers import PreTrainedTokenizerBase, PreTrainedTokenizerFast

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
# Always in the vocabulary: every printable ASCII character (digits, Latin letters, %, .).
_BASE_CHARS = [chr(c) for c in range(0x21, 0x7F)]


def char_counts(texts: Iterable[str]) -> Counter:
    counts: Counter = Counter()
    for text in texts:
        counts.update(ch for ch in unicodedata.normalize("NFKC", text) if not ch.isspace())
    return counts


def build_vocab(texts: Iterable[str], min_freq: int = 1, max_size: int | None = None) -> list[str]:
    """Special tokens, printable ASCII, then the characters of ``texts`` by frequency."""
    counts = char_counts(texts)
    vocab = list(SPECIAL_TOKENS) + _BASE_CHARS
    known = set(vocab)
    for ch, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if n < min_freq or (max_size is not None and len(vocab) >= max_size):
            break
        if ch not in known:
            vocab.append(ch)
            known.add(ch)
    return vocab


def char_tokenizer(vocab: list[str], model_max_length: int) -> PreTrainedTokenizerFast:
    ids = {tok: i for i, tok in enumerate(vocab)}
    backend = Tokenizer(models.WordLevel(vocab=ids, unk_token="[UNK]"))
    backend.normalizer = normalizers.NFKC()
    backend.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Split(Regex("."), behavior="isolated")]
    )
    backend.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", ids["[CLS]"]), ("[SEP]", ids["[SEP]"])],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=model_max_length,
    )


def token_limit(tokenizer: PreTrainedTokenizerBase, config=None) -> int | None:
    """The most tokens of text one model input holds: the tokenizer's limit (and the model's
    ``max_position_embeddings``, if it has one) less the special tokens; ``None`` without a limit."""
    limits = [tokenizer.model_max_length, getattr(config, "max_position_embeddings", None)]
    limits = [n for n in limits if isinstance(n, int) and n < 1_000_000]  # transformers' "no limit" is 1e30
    return min(limits) - tokenizer.num_special_tokens_to_add() if limits else None

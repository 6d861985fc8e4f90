"""Character examples → model features (token ids and one label per token)."""

from __future__ import annotations

from transformers import PreTrainedTokenizerBase

IGNORE = -100


def token_labels(offsets: list[tuple[int, int]], tags: list[str], label2id: dict[str, int]) -> list[int]:
    """Each token takes the tag of its first character; special tokens and repeated pieces
    of one character (NFKC expansions such as ㎡ → m 2) are ignored."""
    labels, previous = [], None
    for start, end in offsets:
        if start == end or (start, end) == previous:
            labels.append(IGNORE)
            continue
        labels.append(label2id[tags[start]])
        previous = (start, end)
    return labels


def tokenize_examples(batch: dict, tokenizer: PreTrainedTokenizerBase, label2id: dict[str, int]) -> dict:
    """``datasets.map`` function (batched) adding ``input_ids``, ``attention_mask``, ``labels``
    and ``n_chars_lost`` (characters cut off by the model's length limit)."""
    enc = tokenizer(batch["text"], truncation=True, return_offsets_mapping=True)
    enc["labels"] = [token_labels(o, t, label2id) for o, t in zip(enc["offset_mapping"], batch["tags"], strict=True)]
    enc["n_chars_lost"] = [
        len(text.rstrip()) - max((e for _, e in offsets), default=0)
        for text, offsets in zip(batch["text"], enc["offset_mapping"], strict=True)
    ]
    del enc["offset_mapping"]
    return enc

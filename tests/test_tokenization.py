from govner.model.features import IGNORE, token_labels
from govner.model.tokenization import build_vocab, char_tokenizer


def tokenizer(texts=("全年地区生产总值亿元增长",)):
    return char_tokenizer(build_vocab(texts), model_max_length=64)


def test_one_token_per_character_with_exact_offsets():
    tok = tokenizer()
    text = "全年GDP增长3.0%"
    enc = tok(text, return_offsets_mapping=True)
    offsets = enc["offset_mapping"][1:-1]  # without [CLS] and [SEP]
    assert offsets == [(i, i + 1) for i in range(len(text))]
    assert tok.convert_ids_to_tokens(enc["input_ids"])[0] == "[CLS]"


def test_unknown_characters_become_unk_and_keep_their_place():
    tok = tokenizer()
    text = "全年𠀀鑫😀增长"
    enc = tok(text, return_offsets_mapping=True)
    tokens = tok.convert_ids_to_tokens(enc["input_ids"])[1:-1]
    assert tokens == ["全", "年", "[UNK]", "[UNK]", "[UNK]", "增", "长"]
    assert enc["offset_mapping"][1:-1] == [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7)]


def test_full_width_digits_and_punctuation_fold_to_half_width():
    tok = tokenizer()
    assert tok("１２．５％，")["input_ids"] == tok("12.5%,")["input_ids"]


def test_whitespace_gets_no_token_and_offsets_skip_it():
    tok = tokenizer()
    enc = tok("增长 3\u3000%", return_offsets_mapping=True)
    assert enc["offset_mapping"][1:-1] == [(0, 1), (1, 2), (3, 4), (5, 6)]


def test_vocabulary_is_frequency_ordered_with_specials_and_ascii_first():
    vocab = build_vocab(["乙乙甲"], min_freq=1)
    assert vocab[:5] == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    assert "0" in vocab and vocab[-2:] == ["乙", "甲"]
    assert "甲" not in build_vocab(["乙乙甲"], min_freq=2)


def test_saved_tokenizer_tokenizes_identically(tmp_path):
    from transformers import AutoTokenizer

    tok = tokenizer()
    tok.save_pretrained(tmp_path)
    loaded = AutoTokenizer.from_pretrained(tmp_path)
    text = "全年地区生产总值７１７．１１亿元😀"
    assert loaded(text, return_offsets_mapping=True) == tok(text, return_offsets_mapping=True)


def test_token_labels_take_first_character_tag_and_ignore_specials():
    tags = ["O", "B-QUANTITY", "I-QUANTITY", "B-UNIT"]
    label2id = {"O": 0, "B-QUANTITY": 1, "I-QUANTITY": 2, "B-UNIT": 3}
    offsets = [(0, 0), (0, 1), (1, 3), (3, 4), (3, 4), (0, 0)]  # a two-char piece, a repeated piece
    assert token_labels(offsets, tags, label2id) == [IGNORE, 0, 1, 3, IGNORE, IGNORE]

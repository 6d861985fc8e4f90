"""A character tagger built on LAC-small (see :mod:`lac_small`), as a Hugging Face model.

Per character it sees LAC's character embedding and the states and tag scores of LAC's
two-layer BiGRU (word boundaries, POS, ORG/LOC/PER/TIME, learned by Baidu on large corpora),
fine-tuned or frozen, and optionally hashed character bigrams; a linear layer (or a BiLSTM first)
turns them into emission scores, and a linear-chain CRF with IOB2 constraints learns the
transition scores. Registered with ``AutoConfig`` / ``AutoModelForTokenClassification`` so a
model directory loads like any other once ``govner`` is imported.
"""

from __future__ import annotations

from functools import cache

import torch
from torch import nn
from transformers import AutoConfig, AutoModelForTokenClassification, PretrainedConfig, PreTrainedModel
from transformers.modeling_outputs import TokenClassifierOutput

from govner.model.lexicon import lexicon_features, lexicon_tables

IMPOSSIBLE = -1e4  # score of a transition IOB2 forbids (finite: keeps the CRF's sums stable)


class LacTaggerConfig(PretrainedConfig):
    model_type = "govner-lac"

    def __init__(
        self,
        vocab_size: int = 21100,
        embedding_dim: int = 128,
        lac_dim: int = 128,
        lac_tags: int = 57,
        use_lac_encoder: bool = True,
        finetune_lac: bool = True,
        bigram_buckets: int = 0,
        bigram_dim: int = 0,
        ngram_buckets: int = 0,
        encoder: str = "lstm",
        hidden_size: int = 128,
        dropout: float = 0.3,
        use_crf: bool = True,
        lexicon_labels: list[str] | None = None,
        lexicon_buckets: int = 0,
        lexicon_max_len: int = 16,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.vocab_size = vocab_size
        self.embedding_dim = embedding_dim
        self.lac_dim = lac_dim
        self.lac_tags = lac_tags
        self.use_lac_encoder = use_lac_encoder
        self.finetune_lac = finetune_lac
        self.bigram_buckets = bigram_buckets
        self.bigram_dim = bigram_dim
        self.ngram_buckets = ngram_buckets
        self.encoder = encoder
        self.hidden_size = hidden_size
        self.dropout = dropout
        self.use_crf = use_crf
        self.lexicon_labels = list(lexicon_labels or [])
        self.lexicon_buckets = lexicon_buckets
        self.lexicon_max_len = lexicon_max_len


def _bigru_steps(projected: torch.Tensor, weight: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Both directions of one Paddle ``dynamic_gru`` layer at once (the reset gate applies to the
    state before its product with the candidate weights, unlike ``torch.nn.GRU``).
    ``projected`` (2, B, L, 3D), direction 1 time-reversed; ``weight`` (2, D, 3D); ``mask`` (2, B, L)."""
    dim = weight.shape[1]
    state = projected.new_zeros(projected.shape[0], projected.shape[1], dim)
    gates_w = weight[:, :, : 2 * dim]
    cand_w = weight[:, :, 2 * dim :]
    outputs = []
    for t in range(projected.shape[2]):
        x = projected[:, :, t]
        gates = torch.sigmoid(x[:, :, : 2 * dim] + torch.bmm(state, gates_w))
        update, reset = gates[:, :, :dim], gates[:, :, dim:]
        candidate = torch.tanh(x[:, :, 2 * dim :] + torch.bmm(reset * state, cand_w))
        new = (1 - update) * state + update * candidate
        state = torch.where(mask[:, :, t].unsqueeze(2), new, state)
        outputs.append(state)
    return torch.stack(outputs, 2)


@cache
def _bigru_steps_scripted():
    """The loop as TorchScript, for ONNX export only (a ``Loop`` node instead of a loop unrolled to
    the traced length); eager runs stay in Python, where TorchScript would re-specialize on every length."""
    return torch.jit.script(_bigru_steps)


class LacEncoder(nn.Module):
    """LAC-small's embeddings, two BiGRU layers and tag layer (frozen unless fine-tuned); rows in
    tokenizer order."""

    def __init__(self, vocab_size: int, dim: int, n_tags: int, trainable: bool = False) -> None:
        super().__init__()
        self.embeddings = nn.Embedding(vocab_size, dim)
        self.projections = nn.ModuleList([nn.Linear(d, 3 * dim) for d in (dim, dim, 2 * dim, 2 * dim)])
        self.gru_weights = nn.Parameter(torch.zeros(4, dim, 3 * dim))
        self.gru_biases = nn.Parameter(torch.zeros(4, 3 * dim))
        self.tagger = nn.Linear(2 * dim, n_tags)
        self.requires_grad_(trainable)

    def forward(self, input_ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """(B, L, 2·dim + n_tags): the last BiGRU layer's states and LAC's tag log-probabilities."""
        length = input_ids.shape[1]
        positions = torch.arange(length, device=input_ids.device).unsqueeze(0)
        backwards = mask.sum(1, keepdim=True) - 1 - positions
        reverse = torch.where(backwards >= 0, backwards, positions)  # padding stays in place
        x = self.embeddings(input_ids)
        both = torch.stack([mask, mask])
        for layer in range(2):
            fwd, bwd = 2 * layer, 2 * layer + 1
            xf = self.projections[fwd](x) + self.gru_biases[fwd]
            xb = self.projections[bwd](x) + self.gru_biases[bwd]
            xb = xb.gather(1, reverse.unsqueeze(2).expand_as(xb))
            steps = _bigru_steps_scripted() if torch.onnx.is_in_onnx_export() else _bigru_steps
            out = steps(torch.stack([xf, xb]), self.gru_weights[fwd : bwd + 1], both)
            back = out[1].gather(1, reverse.unsqueeze(2).expand_as(out[1]))
            x = torch.cat([out[0], back], -1)
        return torch.cat([x, self.tagger(x).log_softmax(-1)], -1)

    def load_lac(self, rows: list[int]) -> None:
        """Copy LAC-small's weights; ``rows[i]`` is LAC's embedding row for tokenizer id ``i``."""
        from govner.model.lac_small import weights

        w = {k: torch.from_numpy(v) for k, v in weights().items()}
        self.embeddings.weight.data.copy_(w["word_emb"][rows])
        dim = self.gru_weights.shape[1]
        for k, projection in enumerate(self.projections):
            projection.weight.data.copy_(w[f"fc_{k}.w_0"].T)
            projection.bias.data.copy_(w[f"fc_{k}.b_0"].reshape(-1))
            flat = w[f"gru_{k}.w_0"].reshape(-1)  # Paddle stores [D, 2D] gate weights, then [D, D]
            self.gru_weights.data[k] = torch.cat([flat[: 2 * dim * dim].reshape(dim, 2 * dim), flat[2 * dim * dim :].reshape(dim, dim)], 1)
            self.gru_biases.data[k] = w[f"gru_{k}.b_0"].reshape(-1)
        self.tagger.weight.data.copy_(w["fc_4.w_0"].T)
        self.tagger.bias.data.copy_(w["fc_4.b_0"].reshape(-1))


def _may_follow(prev: str, tag: str) -> bool:
    """IOB2: ``I-X`` only after ``B-X`` or ``I-X``."""
    return not tag.startswith("I-") or prev in (f"B-{tag[2:]}", tag)


class CRF(nn.Module):
    """Linear-chain CRF over the model's tags; IOB2-forbidden transitions are masked out."""

    def __init__(self, tags: list[str]) -> None:
        super().__init__()
        n = len(tags)
        self.transitions = nn.Parameter(torch.zeros(n, n))
        self.start = nn.Parameter(torch.zeros(n))
        self.end = nn.Parameter(torch.zeros(n))
        # plain attributes, not buffers: from_pretrained leaves non-persistent buffers uninitialized
        self._allowed = [[_may_follow(prev, tag) for tag in tags] for prev in tags]
        self._can_start = [not t.startswith("I-") for t in tags]

    def scores(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Transition, start and end scores, with what IOB2 forbids at :data:`IMPOSSIBLE`."""
        device = self.transitions.device
        forbidden = torch.where(torch.tensor(self._allowed, device=device), 0.0, IMPOSSIBLE)
        cannot_start = torch.where(torch.tensor(self._can_start, device=device), 0.0, IMPOSSIBLE)
        return self.transitions + forbidden, self.start + cannot_start, self.end

    def nll(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Summed negative log-likelihood of ``tags``; rows are left-aligned, ``mask`` marks real positions."""
        trans, start, end = self.scores()
        maskf = mask.float()
        emitted = (emissions.gather(2, tags.unsqueeze(2)).squeeze(2) * maskf).sum(1)
        moved = (trans[tags[:, :-1], tags[:, 1:]] * maskf[:, 1:]).sum(1)
        last = tags.gather(1, (mask.sum(1) - 1).clamp(min=0).unsqueeze(1)).squeeze(1)
        gold = start[tags[:, 0]] + emitted + moved + end[last]
        alpha = start + emissions[:, 0]
        for t in range(1, emissions.shape[1]):
            step = torch.logsumexp(alpha.unsqueeze(2) + trans, 1) + emissions[:, t]
            alpha = torch.where(mask[:, t : t + 1], step, alpha)
        return (torch.logsumexp(alpha + end, 1) - gold)[mask[:, 0]].sum()


# (offset of the first character, length): characters ±3, bigrams and trigrams around each position
NGRAM_TEMPLATES = ((-3, 1), (-2, 1), (-1, 1), (0, 1), (1, 1), (2, 1), (3, 1), (-2, 2), (-1, 2), (0, 2), (1, 2), (-2, 3), (-1, 3), (0, 3))


def ngram_ids(input_ids: torch.Tensor, buckets: int) -> torch.Tensor:
    """(B, L, templates) hashed ids of the character n-grams of :data:`NGRAM_TEMPLATES` at each position
    (positions outside the sequence read as id 0, the padding token)."""
    width = input_ids.shape[1]
    padded = torch.nn.functional.pad(input_ids, (3, 3))
    ids = []
    for k, (offset, length) in enumerate(NGRAM_TEMPLATES):
        h = torch.full_like(input_ids, k + 1)
        for j in range(length):
            h = (h * 1_000_000_007 + padded[:, 3 + offset + j : 3 + offset + j + width]) % 2_147_483_647
        ids.append(h % buckets)
    return torch.stack(ids, 2)


def crf_scores(model) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None:
    """A model's learned CRF transition, start and end scores (IOB2 masks applied), or ``None``."""
    crf = getattr(model, "crf", None)
    if crf is None:
        return None
    with torch.no_grad():
        return tuple(t.detach().float().clone() for t in crf.scores())


def left_align(values: torch.Tensor, keep: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Move each row's kept positions to its front, in order: ``(values, mask)``."""
    order = torch.argsort((~keep).int(), dim=1, stable=True)
    shape = order.shape + values.shape[2:]
    index = order.view(*order.shape, *([1] * (values.dim() - 2))).expand(shape)
    return values.gather(1, index), keep.gather(1, order)


class LacTaggerForTokenClassification(PreTrainedModel):
    config_class = LacTaggerConfig
    base_model_prefix = "tagger"
    _no_split_modules: list[str] = []

    def __init__(self, config: LacTaggerConfig) -> None:
        super().__init__(config)
        self.lac = None
        width = 0
        if config.use_lac_encoder:
            self.lac = LacEncoder(config.vocab_size, config.lac_dim, config.lac_tags, trainable=config.finetune_lac)
            width += 2 * config.lac_dim + config.lac_tags
        # a fine-tuned encoder's own embeddings are fed on; a frozen one gets a trainable copy
        self.embeddings = None if self.lac is not None and config.finetune_lac else nn.Embedding(config.vocab_size, config.embedding_dim)
        width += config.embedding_dim
        self.bigrams = None
        if config.bigram_buckets:
            self.bigrams = nn.Embedding(config.bigram_buckets, config.bigram_dim)
            width += 2 * config.bigram_dim
        if config.lexicon_buckets:  # filled by set_lexicon, saved with the weights
            self.register_buffer("lexicon", torch.zeros(2, config.lexicon_buckets, dtype=torch.uint8))
            width += 3 * len(config.lexicon_labels)
        self.dropout = nn.Dropout(config.dropout)
        if config.encoder == "lstm":
            self.encoder = nn.LSTM(width, config.hidden_size, batch_first=True, bidirectional=True)
            width = 2 * config.hidden_size
        elif config.encoder == "none":
            self.encoder = None
        else:
            raise ValueError(f"encoder must be 'lstm' or 'none', got {config.encoder!r}")
        self.classifier = nn.Linear(width, config.num_labels)
        # what a feature CRF is given: a score per tag for each character n-gram around the position
        # (hashed; the templates of NGRAM_TEMPLATES), added to the emissions
        self.ngrams = nn.Embedding(config.ngram_buckets, config.num_labels) if config.ngram_buckets else None
        tags = [config.id2label[i] for i in range(config.num_labels)]
        self.crf = CRF(tags) if config.use_crf else None
        self.post_init()

    def _init_weights(self, module: nn.Module) -> None:
        if isinstance(module, LacEncoder):
            return  # loaded from LAC-small or from the checkpoint
        super()._init_weights(module)

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
        **unused,
    ) -> TokenClassifierOutput:
        mask = attention_mask.bool() if attention_mask is not None else torch.ones_like(input_ids, dtype=torch.bool)
        features = []
        if self.lac is not None:
            with torch.set_grad_enabled(self.config.finetune_lac and torch.is_grad_enabled()):
                features.append(self.lac(input_ids, mask))
        embeddings = self.lac.embeddings if self.embeddings is None else self.embeddings
        features.append(embeddings(input_ids))
        if self.bigrams is not None:
            before = torch.nn.functional.pad(input_ids[:, :-1], (1, 0))
            after = torch.nn.functional.pad(input_ids[:, 1:], (0, 1))
            buckets = self.config.bigram_buckets
            features += [self.bigrams((before * 1000003 + input_ids) % buckets), self.bigrams((input_ids * 1000003 + after) % buckets)]
        if self.config.lexicon_buckets:
            labels_n, max_len = len(self.config.lexicon_labels), self.config.lexicon_max_len
            features.append(lexicon_features(input_ids, mask, self.lexicon, labels_n, max_len).to(features[0].dtype))
        hidden = self.dropout(torch.cat(features, -1))
        if self.encoder is not None:
            lengths = mask.sum(1).clamp(min=1).cpu()
            packed = nn.utils.rnn.pack_padded_sequence(hidden, lengths, batch_first=True, enforce_sorted=False)
            out, _ = self.encoder(packed)
            hidden, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=input_ids.shape[1])
            hidden = self.dropout(hidden)
        logits = self.classifier(hidden)
        if self.ngrams is not None:
            logits = logits + self.ngrams(ngram_ids(input_ids, self.config.ngram_buckets)).sum(2)
        loss = None
        if labels is not None:
            keep = (labels != -100) & mask
            if self.crf is not None:
                emissions, kept = left_align(logits, keep)
                gold, _ = left_align(labels.clamp(min=0), keep)
                loss = self.crf.nll(emissions, gold, kept) / max(int(kept[:, 0].sum()), 1)
            else:
                loss = nn.functional.cross_entropy(logits[keep], labels[keep])
        return TokenClassifierOutput(loss=loss, logits=logits)

    def set_lexicon(self, entries: list[tuple[list[int], str]]) -> None:
        """Fill the lexicon tables with ``(token ids, label)`` entries (labels of ``config.lexicon_labels``)."""
        bits = [self.config.lexicon_labels.index(label) for _, label in entries]
        tables = lexicon_tables([ids for ids, _ in entries], bits, self.config.lexicon_buckets, self.config.lexicon_max_len)
        self.lexicon.copy_(tables)

    def init_from_lac(self, rows: list[int]) -> None:
        """The encoder and the embeddings from LAC-small; ``rows[i]``: LAC's row for tokenizer id ``i``."""
        if self.lac is not None:
            self.lac.load_lac(rows)
            if self.embeddings is not None:
                self.embeddings.weight.data.copy_(self.lac.embeddings.weight.data)
        else:
            from govner.model.lac_small import weights

            self.embeddings.weight.data.copy_(torch.from_numpy(weights()["word_emb"])[rows])


AutoConfig.register(LacTaggerConfig.model_type, LacTaggerConfig)
AutoModelForTokenClassification.register(LacTaggerConfig, LacTaggerForTokenClassification)


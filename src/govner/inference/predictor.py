"""Tag whole documents: segment, batch by length, run the model, merge windows back.

Documents are cut exactly as in training (sentences, long ones in overlapping windows, none
longer than the model's position limit in tokens, whatever ``max_chars`` says); where windows
overlap, each character keeps the prediction of the window in which it lies farthest from an edge.
Spans come back as document offsets with a confidence score, and each document with its
uncertainty: 1 − the probability the model gives the tag path it decoded (the product over the
document's windows). Touching same-label spans (城镇│新│就业: ``B-X`` right after an ``X`` entity)
are counted in each prediction and, under the ``merge`` policy, joined into one entity; ``flag``
leaves them apart.

Segments of all documents given at once are sorted by length and packed into batches of
about the same number of tokens (many short sentences, or fewer long ones), so padding and
per-batch overhead stay small; decoding and merging work on whole arrays, not characters.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModelForTokenClassification, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase

from govner.data.iob import tags_to_spans
from govner.data.segmentation import Segment, segment
from govner.data.spans import merge_touching, touching_same_label
from govner.errors import GovnerError
from govner.inference.cpu import quantize_int8, set_threads
from govner.inference.decoding import DECODERS, allowed_transitions, decode, decoded_log_probs
from govner.inference.onnx_model import OnnxTokenClassifier
from govner.model.lac_tagger import crf_scores
from govner.model.model_dir import HF_CONFIG_FILE, WEIGHTS_FILE, ModelDir
from govner.model.tokenization import token_limit

log = logging.getLogger(__name__)

RUNTIMES = ("torch", "onnx")
FRAGMENT_POLICIES = ("flag", "merge")  # what to do with touching same-label spans


def fragments_note(count: int, policy: str) -> str:
    """One line on the touching same-label span pairs a run produced and what became of them."""
    done = "joined into one entity each" if policy == "merge" else "left apart (fragments=flag): review them"
    return f"touching same-label span pairs: {count}, {done}"


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    label: str
    text: str
    score: float  # mean confidence over the entity's characters


@dataclass
class DocumentPrediction:
    entities: list[Entity]
    mean_score: float  # mean confidence over the document's characters
    min_score: float = 1.0  # confidence of the least certain character
    fragments: int = 0  # touching same-label span pairs the model produced (merged or left, as the policy says)
    path_log_prob: float = 0.0  # log-probability of the decoded tag path (all windows)

    @property
    def path_prob(self) -> float:
        """The probability the model gives its own tag path."""
        return math.exp(self.path_log_prob)

    @property
    def uncertainty(self) -> float:
        """1 − :attr:`path_prob`: what to annotate first."""
        return -math.expm1(self.path_log_prob) + 0.0  # + 0.0: no -0.0


class Predictor:
    """``batch_size`` is the number of full-length windows in a batch; batches of shorter
    segments hold as many tokens in more rows."""

    def __init__(
        self,
        model: PreTrainedModel | OnnxTokenClassifier,
        tokenizer: PreTrainedTokenizerBase,
        max_chars: int,
        stride: int,
        batch_size: int = 32,
        decoding: str = "argmax",
        fragments: str = "flag",
    ) -> None:
        if decoding not in DECODERS:
            raise ValueError(f"decoding must be one of {DECODERS}, got {decoding!r}")
        if fragments not in FRAGMENT_POLICIES:
            raise ValueError(f"fragments must be one of {FRAGMENT_POLICIES}, got {fragments!r}")
        if batch_size < 1:
            raise GovnerError(f"batch_size must be at least 1, got {batch_size}")
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.max_chars = max_chars
        self.stride = stride
        self.batch_size = batch_size
        self.decoding = decoding
        self.fragments = fragments
        self.max_tokens = token_limit(tokenizer, getattr(model, "config", None))
        self._warned_cut = False
        self.id2label = {int(k): v for k, v in model.config.id2label.items()}
        tags = [self.id2label[i] for i in range(len(self.id2label))]
        self._allowed = allowed_transitions(tags)
        self._can_start = torch.tensor([not t.startswith("I-") for t in tags])
        self._crf = crf_scores(model)  # a CRF layer's learned transitions, start and end scores
        self._outside = tags.index("O")
        ids = {t: i for i, t in enumerate(tags)}
        # the tag that continues each tag inside a token (O stays O, B-X and I-X go on as I-X)
        self._inner = np.array([i if t == "O" else ids["I-" + t[2:]] for i, t in enumerate(tags)])
        self._label = [t[2:] for t in tags]
        self._is_inside = [t.startswith("I-") for t in tags]

    @classmethod
    def from_dir(
        cls,
        model_dir: str | Path,
        batch_size: int = 32,
        quantize: bool = False,
        num_threads: int | None = None,
        runtime: str = "torch",
        fragments: str = "flag",
        **overrides,
    ) -> Predictor:
        """Load a model directory written by training (:mod:`govner.model.model_dir`);
        ``quantize``: int8 dynamic quantization of the Linear layers; ``num_threads``: threads
        for this process (``None``: one per core); ``runtime``: ``torch``, or ``onnx`` for ONNX
        Runtime on a copy exported once into the model directory; ``fragments``: the policy for
        touching same-label spans (:data:`FRAGMENT_POLICIES`)."""
        model_dir = ModelDir(model_dir).require_model_files()
        settings = vars(model_dir.settings()) | {k: v for k, v in overrides.items() if v is not None}
        if runtime not in RUNTIMES:
            raise ValueError(f"runtime must be one of {RUNTIMES}, got {runtime!r}")
        threads = set_threads(num_threads)
        if runtime == "onnx":
            model = OnnxTokenClassifier.from_dir(model_dir.path, quantize=quantize, num_threads=threads)
        else:
            with model_dir.reading(f"the weights ({WEIGHTS_FILE} with {HF_CONFIG_FILE})"):
                model = AutoModelForTokenClassification.from_pretrained(model_dir.path)
            if quantize:
                model = quantize_int8(model)
        model_dir.check_tags({int(k): v for k, v in model.config.id2label.items()})
        with model_dir.reading("the tokenizer (tokenizer.json, tokenizer_config.json)"):
            tokenizer = AutoTokenizer.from_pretrained(model_dir.path)
        return cls(
            model, tokenizer, settings["max_chars"], settings["stride"], batch_size, settings["decoding"], fragments
        )

    @property
    def labels(self) -> list[str]:
        """The entity labels of the model's tag set, in tag order."""
        tags = (self.id2label[i] for i in sorted(self.id2label))
        return list(dict.fromkeys(t[2:] for t in tags if t != "O"))

    def segments(self, texts: Sequence[str]) -> list[tuple[int, Segment]]:
        """``(document index, segment)`` for every model input of ``texts``, shortest first."""
        pieces = [
            (i, seg)
            for i, text in enumerate(texts)
            for seg in segment(text, self.max_chars, self.stride, max_tokens=self.max_tokens)
        ]
        pieces.sort(key=lambda p: p[1].end - p[1].start)
        return pieces

    def batches(self, pieces: list[tuple[int, Segment]]) -> Iterator[list[tuple[int, Segment]]]:
        """Consecutive runs of ``pieces`` (sorted by length) of at most ``batch_size`` full windows'
        worth of tokens, counting each row at the length of the longest in its batch."""
        budget = self.batch_size * (self.max_chars + 2)
        batch: list[tuple[int, Segment]] = []
        for piece in pieces:
            width = piece[1].end - piece[1].start + 2  # with [CLS] and [SEP]
            if batch and (len(batch) + 1) * width > budget:
                yield batch
                batch = []
            batch.append(piece)
        if batch:
            yield batch

    def predict(self, texts: Sequence[str]) -> list[DocumentPrediction]:
        """Predictions for ``texts``, in order. Pass many texts at once: segments of all of
        them are sorted by length and batched together."""
        tags = [np.full(len(t), self._outside) for t in texts]
        probs = [np.ones(len(t)) for t in texts]
        margins = [np.full(len(t), -1) for t in texts]
        log_path = np.zeros(len(texts))  # log-probability of each document's decoded path
        for batch in self.batches(self.segments(texts)):
            seg_texts = [texts[i][s.start : s.end] for i, s in batch]
            for (i, seg), (seg_tags, seg_probs, seg_log_path) in zip(batch, self._tag_segments(seg_texts), strict=True):
                log_path[i] += seg_log_path
                k = np.arange(seg.end - seg.start)
                margin = np.minimum(k, seg.end - seg.start - 1 - k)
                window = slice(seg.start, seg.end)
                better = margin > margins[i][window]
                margins[i][window] = np.where(better, margin, margins[i][window])
                tags[i][window] = np.where(better, seg_tags, tags[i][window])
                probs[i][window] = np.where(better, seg_probs, probs[i][window])
        return [
            self._document_prediction(text, t, p, lp)
            for text, t, p, lp in zip(texts, tags, probs, log_path, strict=True)
        ]

    @torch.inference_mode()
    def _tag_segments(self, seg_texts: list[str]) -> list[tuple[np.ndarray, np.ndarray, float]]:
        """One tag id and one confidence per character of each segment, and the log-probability
        of the segment's decoded path."""
        enc = self.tokenizer(seg_texts, padding=True, truncation=True, return_offsets_mapping=True, return_tensors="pt")
        offsets = enc.pop("offset_mapping").numpy()
        logits = self.model(**enc).logits.float()
        real = offsets[..., 0] < offsets[..., 1]  # tokens with characters: not [CLS], [SEP], padding
        # real tokens first in each row, in order, so that decoding sees them as one sequence
        order = torch.from_numpy(np.argsort(~real, axis=1, kind="stable"))
        logits = logits.gather(1, order.unsqueeze(-1).expand_as(logits))
        log_probs = logits.log_softmax(-1)
        n_real = real.sum(1)
        lengths = torch.from_numpy(n_real)
        ids = decode(logits, lengths, self.decoding, self._allowed, self._can_start, self._crf)
        token_probs = log_probs.gather(-1, ids.unsqueeze(-1)).squeeze(-1).exp().numpy()
        log_paths = decoded_log_probs(logits, lengths, ids, self.decoding, self._allowed, self._can_start, self._crf)
        ids, order = ids.numpy(), order.numpy()
        out = []
        for row, text in enumerate(seg_texts):
            n = n_real[row]
            row_offsets = offsets[row, order[row, :n]]
            if self.max_tokens is not None and n >= self.max_tokens:
                self._warn_cut(text, row_offsets)
            tags, probs = self._char_tags(len(text), row_offsets, ids[row, :n], token_probs[row, :n])
            out.append((tags, probs, float(log_paths[row])))
        return out

    def _warn_cut(self, text: str, offsets: np.ndarray) -> None:
        """Warn once if the model's length limit cut characters off a window (the windows fit the
        limit for govner's character tokenizer, so only another tokenizer can get here)."""
        lost = len(text[int(offsets[:, 1].max(initial=0)) :].strip())
        if lost and not self._warned_cut:
            self._warned_cut = True
            log.warning(
                "%d character(s) past the model's limit of %d tokens were left untagged; lower max_chars",
                lost,
                self.max_tokens,
            )

    def _char_tags(
        self, n_chars: int, offsets: np.ndarray, token_tags: np.ndarray, token_probs: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Token tags → one tag per character: a token's first character takes its tag, the rest
        continue it; characters without a token (whitespace) join an entity they sit inside."""
        tags = np.full(n_chars, -1)
        probs = np.ones(n_chars)
        # the first token at each start wins (NFKC can expand one character into several tokens)
        starts, first = np.unique(offsets[:, 0], return_index=True)
        tags[starts] = token_tags[first]
        probs[starts] = token_probs[first]
        for k in first[offsets[first, 1] - offsets[first, 0] > 1]:  # tokens of several characters: rare
            start, end = offsets[k]
            tags[start + 1 : end] = self._inner[token_tags[k]]
            probs[start + 1 : end] = token_probs[k]
        gaps = np.flatnonzero(tags < 0)
        if gaps.size:
            for run in np.split(gaps, np.flatnonzero(np.diff(gaps) > 1) + 1):
                prev = tags[run[0] - 1] if run[0] else self._outside
                nxt = tags[run[-1] + 1] if run[-1] + 1 < n_chars else self._outside
                inside = prev != self._outside and self._is_inside[nxt] and self._label[prev] == self._label[nxt]
                tags[run] = nxt if inside else self._outside
        return tags, probs

    def _document_prediction(
        self, text: str, tag_ids: np.ndarray, probs: np.ndarray, log_path: float
    ) -> DocumentPrediction:
        char_probs = probs.tolist()
        spans = tags_to_spans([self.id2label[i] for i in tag_ids.tolist()])
        fragments = len(touching_same_label(spans))
        if self.fragments == "merge":
            spans = merge_touching(spans)
        entities = [
            Entity(
                s.start,
                s.end,
                s.label,
                text[s.start : s.end],
                round(sum(char_probs[s.start : s.end]) / (s.end - s.start), 4),
            )
            for s in spans
        ]
        score = round(sum(char_probs) / len(char_probs), 4) if char_probs else 1.0
        min_score = round(min(char_probs, default=1.0), 4)
        return DocumentPrediction(entities, score, min_score, fragments, float(log_path))

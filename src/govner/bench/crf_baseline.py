"""The bar every neural configuration is compared with: a linear-chain CRF (``sklearn-crfsuite``,
L-BFGS) over ordinary hand-made character features — the character and its neighbours ±3,
character bigrams and trigrams, a character class, jieba's word boundary (B/M/E/S) and POS tag
of the character's word and its neighbours', hits in a unit list, and optionally LAC-small's
POS/NE tag of the character and its neighbours. Trained on the same documents and evaluated by
the same code as the neural models."""

from __future__ import annotations

import json
import logging
import pickle
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import jieba
import jieba.posseg
import torch

from govner.data.dataset import PreparedData
from govner.data.iob import spans_to_tags, tags_to_spans
from govner.data.spans import Document, Span, touching_same_label
from govner.evaluation.entities import evaluate_documents
from govner.files import write_text_atomic
from govner.inference.decoding import batch_viterbi
from govner.model import lac_small
from govner.model.lac_tagger import LacEncoder

log = logging.getLogger(__name__)

UNITS = tuple(
    sorted(
        ["亿元", "万元", "元", "美元", "亿美元", "%", "‰", "个百分点", "百分点", "倍", "个", "家", "户", "人", "万人", "人次", "万人次", "件", "项", "所", "座", "套", "条", "处", "场", "公里", "平方米", "万平方米", "亩", "万亩", "公顷", "吨", "万吨", "千瓦", "万千瓦", "亿度", "天", "年", "名", "辆", "台", "万户", "千米", "米", "立方米", "万吨标准煤", "兆瓦", "万千瓦时", "亿千瓦时", "张", "批", "次", "只", "头", "株", "棵", "篇", "部", "本", "枚", "亿", "万"],
        key=len,
        reverse=True,
    )
)
_CHINESE_NUMERALS = set("一二两三四五六七八九十百千万亿零〇")


def char_class(ch: str) -> str:
    if ch.isdigit():
        return "digit"
    if ch in _CHINESE_NUMERALS:
        return "numeral"
    if "\u4e00" <= ch <= "\u9fff":
        return "han"
    if ch.isascii() and ch.isalpha():
        return "latin"
    if ch in ".．%％":
        return ch
    return "punct"


def _words(text: str) -> tuple[list[str], list[str]]:
    """jieba's word boundary (B/M/E/S) and POS tag for every character."""
    boundary, pos = [], []
    for word, flag in jieba.posseg.cut(text):
        n = len(word)
        boundary += ["S"] if n == 1 else ["B", *["M"] * (n - 2), "E"]
        pos += [flag] * n
    return boundary, pos


def _unit_hits(text: str) -> list[str]:
    hits = ["O"] * len(text)
    i = 0
    while i < len(text):
        unit = next((u for u in UNITS if text.startswith(u, i)), None)
        if unit is None:
            i += 1
            continue
        hits[i : i + len(unit)] = ["B", *["I"] * (len(unit) - 1)]
        i += len(unit)
    return hits


def char_features(text: str, lac_tags: list[str] | None = None) -> list[dict]:
    """One feature dict per character of ``text``."""
    n = len(text)
    boundary, pos = _words(text)
    units = _unit_hits(text)

    def ch(i: int) -> str:
        return text[i] if 0 <= i < n else ("<s>" if i < 0 else "</s>")

    rows = []
    for i in range(n):
        f: dict = {"bias": 1.0, "c": ch(i), "class": char_class(text[i]), "bm": boundary[i], "pos": pos[i],
                   "bm_pos": boundary[i] + pos[i], "unit": units[i]}
        for d in (-3, -2, -1, 1, 2, 3):
            f[f"c{d}"] = ch(i + d)
            if 0 <= i + d < n:
                f[f"class{d}"] = char_class(text[i + d])
        for d in (-1, 1):
            if 0 <= i + d < n:
                f[f"pos{d}"], f[f"bm{d}"], f[f"unit{d}"] = pos[i + d], boundary[i + d], units[i + d]
        for d in (-2, -1, 0, 1):
            f[f"bigram{d}"] = ch(i + d) + ch(i + d + 1)
        for d in (-2, -1, 0):
            f[f"trigram{d}"] = ch(i + d) + ch(i + d + 1) + ch(i + d + 2)
        if lac_tags is not None:
            for d in (-2, -1, 0, 1, 2):
                if 0 <= i + d < n:
                    f[f"lac{d}"] = lac_tags[i + d]
        rows.append(f)
    return rows


class LacTags:
    """LAC-small's own POS/NE tag for every character of a text (its BiGRU and CRF, batched)."""

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        self.names = lac_small.tags()
        rows = list(range(len(lac_small.vocabulary()) + 1))
        self.encoder = LacEncoder(len(rows), lac_small.EMBEDDING_DIM, len(self.names))
        self.encoder.load_lac(rows)
        crf = torch.from_numpy(lac_small.weights()["crfw"])  # row 0: start, row 1: end, then transitions
        self.start, self.end, self.transitions = crf[0], crf[1], crf[2:]

    @torch.inference_mode()
    def __call__(self, texts: list[str]) -> list[list[str]]:
        out: list[list[str]] = [[] for _ in texts]
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        allowed = torch.ones(len(self.names), len(self.names), dtype=torch.bool)
        can_start = torch.ones(len(self.names), dtype=torch.bool)
        for k in range(0, len(order), self.batch_size):
            batch = [i for i in order[k : k + self.batch_size] if texts[i]]
            if not batch:
                continue
            width = max(len(texts[i]) for i in batch)
            ids = torch.zeros(len(batch), width, dtype=torch.long)
            for r, i in enumerate(batch):
                ids[r, : len(texts[i])] = torch.tensor([lac_small.row_for(unicodedata.normalize("NFKC", c)[:1] or c) for c in texts[i]])
            lengths = torch.tensor([len(texts[i]) for i in batch])
            mask = torch.arange(width).unsqueeze(0) < lengths.unsqueeze(1)
            # LAC's tag log-probabilities differ from its raw emissions by one constant per position,
            # which shifts every path's score equally: the CRF's best path is the same.
            emissions = self.encoder(ids, mask)[..., -len(self.names) :]
            paths = batch_viterbi(emissions, lengths, allowed, can_start, self.transitions, self.start, self.end)
            for r, i in enumerate(batch):
                out[i] = [self.names[t] for t in paths[r, : len(texts[i])].tolist()]
        return out


@dataclass
class CrfPrediction:
    entities: list[Span]
    fragments: int = 0  # touching same-label span pairs (left apart, as the predictor's ``flag`` policy)


class CrfTagger:
    """Feature extraction + a trained ``sklearn_crfsuite.CRF``; ``predict`` has the predictor's shape."""

    fragments = "flag"  # touching same-label spans are counted and left apart, as the predictor's default

    def __init__(self, use_lac: bool, c1: float = 0.05, c2: float = 0.05, max_iterations: int = 200) -> None:
        import sklearn_crfsuite

        jieba.setLogLevel(logging.WARNING)
        self.use_lac = use_lac
        self.crf = sklearn_crfsuite.CRF(
            algorithm="lbfgs", c1=c1, c2=c2, max_iterations=max_iterations, all_possible_transitions=True
        )
        self._lac = None

    def features(self, texts: list[str]) -> list[list[dict]]:
        lac = None
        if self.use_lac:
            if self._lac is None:
                self._lac = LacTags()
            lac = self._lac(texts)
        return [char_features(t, lac[k] if lac else None) for k, t in enumerate(texts)]

    def fit(self, docs: list[Document]) -> float:
        """Train on ``docs``; returns the seconds it took (features included)."""
        started = time.perf_counter()
        x = self.features([d.text for d in docs])
        y = [spans_to_tags(len(d.text), d.spans) for d in docs]
        self.crf.fit(x, y)
        return time.perf_counter() - started

    def predict(self, texts: list[str]) -> list[CrfPrediction]:
        tags = self.crf.predict(self.features(texts)) if texts else []
        spans = [tags_to_spans(t) for t in tags]
        return [CrfPrediction(s, len(touching_same_label(s))) for s in spans]

    def save(self, path: Path) -> None:
        lac, self._lac = self._lac, None
        path.write_bytes(pickle.dumps(self))
        self._lac = lac


def run_baseline(
    data: PreparedData,
    whole: list[Document],
    labels: tuple[str, ...],
    out_dir: Path,
    use_lac: bool,
    c1: float,
    c2: float,
    max_iterations: int,
) -> dict:
    """Train on the train split, evaluate dev, test and the ``whole`` test reports as the neural
    models are evaluated, and write ``out_dir`` (``metrics.json``, ``eval-*/``, the pickled tagger)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tagger = CrfTagger(use_lac, c1, c2, max_iterations)
    seconds = tagger.fit(data.documents["train"])
    tagger.save(out_dir / "crf.pkl")
    metrics: dict = {}
    sets = {"dev": data.documents["dev"], "test": data.documents["test"], "whole": whole}
    for split, docs in sets.items():
        if docs:
            evaluation = evaluate_documents(tagger, docs, labels)
            evaluation.write(out_dir / f"eval-{split}")
            metrics[split] = evaluation.metrics
    metrics["training"] = {
        "seconds": round(seconds, 1),
        "parameters": len(tagger.crf.state_features_) + len(tagger.crf.transition_features_),
        "train_examples": len(data.documents["train"]),  # one sequence per sentence: no windows
        "use_lac": use_lac,
    }
    write_text_atomic(out_dir / "metrics.json", json.dumps(metrics, ensure_ascii=False, indent=2))
    return metrics

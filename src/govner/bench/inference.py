"""Inference throughput on one machine: the transformers pipeline a user would write, govner's
predictor in each of its modes, and the model's bare forward pass as the ceiling.

Everything runs in one process on the same model and the same sample of reports; runs are
interleaved and repeated, and the best time of each counts. Peak memory of a run is the
highest resident set size sampled during it, above the level before it. Whether memory grows
with the input is measured apart, by batch prediction in fresh processes over n and k·n files.
"""

from __future__ import annotations

import contextlib
import cProfile
import ctypes
import io
import logging
import os
import pstats
import random
import re
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import torch
from transformers import pipeline

from govner.bench.machine import Machine, load_average
from govner.errors import GovnerError
from govner.evaluation.entities import evaluate_documents, split_documents
from govner.generated_sections import write_section
from govner.inference.cpu import set_threads
from govner.inference.decoding import DECODERS
from govner.inference.inputs import resolve_inputs
from govner.inference.predictor import Predictor
from govner.model.model_dir import ModelDir

MIB = 2**20
DOCS_START, DOCS_END = "<!-- bench_inference:start -->", "<!-- bench_inference:end -->"
EntitySet = set[tuple[int, int, int, str]]  # (document, start, end, label)


@dataclass(frozen=True)
class Mode:
    """A way of running govner's predictor: ``argmax`` / ``viterbi``, on torch or ``+onnx``
    (ONNX Runtime), optionally ``+int8``."""

    decoding: str
    quantize: bool
    runtime: str = "torch"

    @classmethod
    def parse(cls, name: str) -> Mode:
        decoding, *extras = name.split("+")
        if decoding not in DECODERS or extras not in ([], ["int8"], ["onnx"], ["onnx", "int8"]):
            raise GovnerError(
                f"bench-inference: mode {name!r} is not a mode: write {' or '.join(DECODERS)}, then optionally "
                "+onnx and/or +int8 in that order (e.g. modes=[argmax,viterbi+onnx+int8])"
            )
        return cls(decoding, "int8" in extras, "onnx" if "onnx" in extras else "torch")

    @property
    def name(self) -> str:
        return self.decoding + ("+onnx" if self.runtime == "onnx" else "") + ("+int8" if self.quantize else "")

    @property
    def backend(self) -> str:
        """What runs the model: ``fp32``, ``int8`` (torch), ``onnx fp32``, ``onnx int8``."""
        return ("onnx " if self.runtime == "onnx" else "") + ("int8" if self.quantize else "fp32")

    @property
    def equal_output(self) -> bool:
        """Gives the entities of the pipeline's decoding on the pipeline's fp32 weights."""
        return self.decoding == "argmax" and not self.quantize


# The reference for the pipeline: its decoding (argmax + simple aggregation gives the same
# entities on the same inputs) with the same fp32 weights, on torch like the pipeline.
EQUAL = Mode("argmax", quantize=False)


@dataclass
class Run:
    """The best of the repeated timings of one contender, and what it found."""

    name: str
    chars: int
    seconds: float = float("inf")
    peak_mib: float = 0.0
    entities: EntitySet = field(default_factory=set)

    @property
    def chars_per_second(self) -> float:
        return self.chars / self.seconds

    def record(self, seconds: float, peak_mib: float) -> None:
        self.seconds = min(self.seconds, seconds)
        self.peak_mib = max(self.peak_mib, peak_mib)


def sample_reports(corpus: str | Path, sample_chars: int, seed: int) -> list[Path]:
    """Reports drawn in a fixed random order until they hold at least ``sample_chars`` characters."""
    files = resolve_inputs(corpus)
    random.Random(seed).shuffle(files)
    chosen, total = [], 0
    for path in files:
        if total >= sample_chars:
            break
        chosen.append(path)
        total += len(path.read_text(encoding="utf-8-sig"))
    return chosen


def measure(fn: Callable[[], object], interval: float = 0.005) -> tuple[object, float, float]:
    """``fn()``, its wall time in seconds and its peak RSS above the level before it, in MiB."""
    _release_free_memory()
    process = psutil.Process()
    base = process.memory_info().rss
    peak = base
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(interval):
            peak = max(peak, process.memory_info().rss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    try:
        result = fn()
    finally:
        elapsed = time.perf_counter() - start
        done.set()
        sampler.join()
    peak = max(peak, process.memory_info().rss)
    return result, elapsed, (peak - base) / MIB


def _release_free_memory() -> None:
    """Hand memory freed by earlier runs back to the system, so that each run's RSS peak is its own."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def baseline_pipeline(model_dir: str | Path, stride: int):
    """What a user would write: ``pipeline("token-classification", aggregation_strategy="simple")``.
    Without ``stride`` the pipeline cuts every text at the model's maximum length; with it,
    long texts are tagged in overlapping chunks whose entities are merged."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pipeline(
            "token-classification", model=str(model_dir), aggregation_strategy="simple", stride=stride, device=-1
        )


def pipeline_entities(
    pipe, texts: Sequence[str], offsets: Sequence[tuple[int, int]] | None = None, batch_size: int = 1
) -> EntitySet:
    """Entities the pipeline finds in ``texts``; with ``offsets`` each text is a piece
    ``(document, start)`` of a document, and spans are given in document offsets."""
    found: EntitySet = set()
    for i, groups in enumerate(pipe(list(texts), batch_size=batch_size)):
        doc, shift = offsets[i] if offsets else (i, 0)
        found.update((doc, g["start"] + shift, g["end"] + shift, g["entity_group"]) for g in groups)
    return found


def predictor_entities(predictor: Predictor, texts: Sequence[str]) -> EntitySet:
    return {(i, e.start, e.end, e.label) for i, p in enumerate(predictor.predict(texts)) for e in p.entities}


def truncated_share(tokenizer, texts: Sequence[str]) -> float:
    """The share of characters the pipeline never sees when called without ``stride``: those
    past the model's maximum length in each text."""
    enc = tokenizer(list(texts), truncation=True, return_offsets_mapping=True)
    seen = sum(max((end for _, end in offsets), default=0) for offsets in enc["offset_mapping"])
    return 1 - seen / sum(len(t) for t in texts)


def ceiling_batches(predictor: Predictor, texts: Sequence[str]) -> list[torch.Tensor]:
    """The tokens of every segment the predictor would feed the model, laid end to end and cut
    into full batches of equal-length rows: rows as long as the mean segment, as many rows as
    the predictor's token budget holds. Same tokens, no padding, no varying shapes; since
    attention grows with the square of the row length, no mix of lengths costs less."""
    pieces = predictor.segments(texts)
    ids = predictor.tokenizer([texts[i][s.start : s.end] for i, s in pieces], truncation=True)["input_ids"]
    stream = torch.tensor([token for row in ids for token in row])
    width = max(1, round(len(stream) / len(ids)))
    rows = max(1, predictor.batch_size * (predictor.max_chars + 2) // width)
    n_batches = -(-len(stream) // (rows * width))
    stream = stream.repeat(-(-n_batches * rows * width // len(stream)))[: n_batches * rows * width]  # fill the last
    return list(stream.view(n_batches, rows, width))


@torch.inference_mode()
def forward_all(model, batches: list[torch.Tensor]) -> None:
    for batch in batches:
        model(input_ids=batch)


def agreement(reference: EntitySet, other: EntitySet) -> dict:
    """How far two entity sets agree: counts, and 2·|both| / (|reference| + |other|)."""
    both = len(reference & other)
    total = len(reference) + len(other)
    return {
        "both": both,
        "reference_only": len(reference - other),
        "other_only": len(other - reference),
        "agreement": 2 * both / total if total else 1.0,
    }


def peak_rss_of_prediction(
    model_dir: str | Path,
    files: Sequence[Path],
    mode: Mode,
    workdir: Path,
    num_threads: int | None = None,
    mmap_threshold_kib: int | None = None,
) -> float:
    """Peak RSS (MiB) of ``govner predict`` run in a fresh process over ``files``, as it reports it."""
    folder = workdir / f"input-{len(files)}"
    folder.mkdir(parents=True, exist_ok=True)
    for k, path in enumerate(files):  # links, not copies: the corpus stays where it is
        link = folder / f"{k:05d}-{path.name}"
        if not link.exists():
            link.symlink_to(path.resolve())
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "govner.cli.predict",
            f"model_dir={Path(model_dir).resolve()}",
            f"input={folder}",
            f"output={workdir / f'output-{len(files)}.jsonl'}",
            f"decoding={mode.decoding}",
            f"quantize={mode.quantize}",
            f"runtime={mode.runtime}",
            f"num_threads={'null' if num_threads is None else num_threads}",
            f"mmap_threshold_kib={'null' if mmap_threshold_kib is None else mmap_threshold_kib}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "TQDM_DISABLE": "1"},
        check=False,
    )
    output = proc.stdout.decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"predict.py over {len(files)} files failed ({proc.returncode}):\n{output[-2000:]}")
    # its own report: the rusage of a child counts the size of this (large) process at the fork
    peak = re.search(r"peak memory (\d+) MiB", output)
    if peak is None:
        raise RuntimeError(f"predict.py over {len(files)} files did not report its peak memory:\n{output[-2000:]}")
    return float(peak.group(1))


def gold_documents(model_dir: str | Path, split: str) -> list:
    """The gold documents of a split of the model's own data (what scripts/evaluate.py scores
    by default); none when that data is not at hand."""
    quiet = logging.getLogger("govner.data")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # the loader's notes on skipped duplicates are not news here
    try:
        return split_documents(model_dir, split)[0]
    except (FileNotFoundError, OSError):
        return []
    finally:
        quiet.setLevel(level)


def write_profile(predictor: Predictor, mode: Mode, texts: Sequence[str], path: Path, top: int = 30) -> float:
    """cProfile of one ``predictor.predict(texts)`` in ``mode`` (the functions taking the most
    time) written to ``path``; returns the share of the time spent in the model's forward pass."""
    predictor.decoding = mode.decoding
    profiler = cProfile.Profile()
    profiler.runcall(predictor.predict, texts)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    # torch modules run through Module._call_impl; recursive calls count once, at the outermost (the model)
    forward = max((ct for (_, _, name), (_, _, _, ct, _) in stats.stats.items() if name == "_call_impl"), default=0)
    share = forward / stats.total_tt
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"cProfile of govner {mode.name} over {sum(map(len, texts)):,} characters: "
        f"{share:.1%} of the time in the model's forward pass\n{out.getvalue()}"
    )
    return share


def write_docs_section(path: Path, section: str) -> None:
    """Put ``section`` between the bench_inference markers of ``path``, keeping the rest of the file."""
    write_section(path, DOCS_START, DOCS_END, section.rstrip(), new_file="# Performance\n")


@dataclass
class InferenceBenchmark:
    """What to measure (configs/bench_inference.yaml explains each field)."""

    model_dir: str
    corpus: str
    sample_chars: int = 1_000_000
    seed: int = 0
    repeats: int = 3
    batch_size: int = 64
    num_threads: int | None = None
    modes: list[str] = field(default_factory=lambda: ["argmax", "viterbi"])
    baseline_on_segments: bool = True
    f1_split: str | None = "test"
    memory_files: list[int] = field(default_factory=list)
    memory_workdir: str = "/tmp/govner-bench-inference"
    memory_mmap_threshold_kib: int | None = 256
    profile: str | None = None
    docs: str | None = None


def run_benchmark(cfg: InferenceBenchmark) -> dict:
    """Print the figures as they come, end with ``ceiling_fraction: X`` and ``speedup: Y``, and
    regenerate the docs section."""
    threads = set_threads(cfg.num_threads)
    modes = [Mode.parse(m) for m in cfg.modes]
    if EQUAL not in modes:
        raise GovnerError(
            f"bench-inference: modes={list(cfg.modes)} lacks {EQUAL.name!r}, the mode compared with the "
            f"transformers pipeline at equal output; add it (e.g. modes=[{EQUAL.name},viterbi])"
        )
    files = sample_reports(cfg.corpus, cfg.sample_chars, cfg.seed)
    texts = [path.read_text(encoding="utf-8-sig") for path in files]
    chars = sum(len(t) for t in texts)
    say = _printer()
    say(f"machine: {Machine.here().line()}")
    say(f"load average at start: {load_average()}")
    say(f"model: {cfg.model_dir}; sample: {len(files)} reports, {chars:,} characters (seed {cfg.seed})")

    predictors = {
        m.backend: Predictor.from_dir(cfg.model_dir, batch_size=cfg.batch_size, quantize=m.quantize, runtime=m.runtime)
        for m in modes
    }
    stride = predictors[modes[0].backend].stride
    pipe = baseline_pipeline(cfg.model_dir, stride=stride)
    say(
        f"baseline: pipeline('token-classification', aggregation_strategy='simple'); called without stride it "
        f"would not see {truncated_share(pipe.tokenizer, texts):.1%} of the characters (texts cut at "
        f"{pipe.tokenizer.model_max_length} tokens), so it runs with stride={stride}"
    )
    baseline = Run("baseline pipeline", chars)
    runs = {m: Run(f"govner {m.name}", chars) for m in modes}
    ceilings = {}
    for backend, predictor in predictors.items():
        batches = ceiling_batches(predictor, texts)
        shape = "×".join(map(str, batches[0].shape))
        ceilings[backend] = (Run(f"ceiling {backend}: bare forward, {len(batches)} batches of {shape}", chars), batches)
    for repeat in range(cfg.repeats):
        entities, seconds, peak = measure(lambda: pipeline_entities(pipe, texts))
        baseline.record(seconds, peak)
        baseline.entities = entities
        say(f"[{repeat + 1}/{cfg.repeats}] {baseline.name}: {seconds:.1f}s")
        for mode, run in runs.items():
            predictor = predictors[mode.backend]
            predictor.decoding = mode.decoding
            entities, seconds, peak = measure(lambda p=predictor: predictor_entities(p, texts))
            run.record(seconds, peak)
            run.entities = entities
            say(f"[{repeat + 1}/{cfg.repeats}] {run.name}: {seconds:.1f}s")
        for backend, (run, batches) in ceilings.items():
            _, seconds, peak = measure(lambda m=predictors[backend].model, b=batches: forward_all(m, b))
            run.record(seconds, peak)
            say(f"[{repeat + 1}/{cfg.repeats}] {run.name}: {seconds:.1f}s")

    on_segments = None
    if cfg.baseline_on_segments:
        pieces = predictors[modes[0].backend].segments(texts)
        seg_texts = [texts[i][s.start : s.end] for i, s in pieces]
        starts = [(i, s.start) for i, s in pieces]
        entities, seconds, peak = measure(lambda: pipeline_entities(pipe, seg_texts, starts, cfg.batch_size))
        on_segments = Run(
            f"pipeline over govner's segments, batch_size={cfg.batch_size}", chars, seconds, peak, entities
        )
        say(f"{on_segments.name}: {seconds:.1f}s")

    f1 = {}
    gold = gold_documents(cfg.model_dir, cfg.f1_split) if cfg.f1_split else []
    for mode in modes if gold else []:
        predictor = predictors[mode.backend]
        predictor.decoding = mode.decoding
        f1[mode] = evaluate_documents(predictor, gold, ModelDir(cfg.model_dir).labels()).metrics["overall"]["f1"]

    memory = []
    if cfg.memory_files:
        workdir = Path(cfg.memory_workdir)
        every = resolve_inputs(cfg.corpus)
        random.Random(cfg.seed).shuffle(every)
        for n in cfg.memory_files:
            subset = every[:n]
            n_chars = sum(len(p.read_text(encoding="utf-8-sig")) for p in subset)
            memory.append(
                (
                    len(subset),
                    n_chars,
                    peak_rss_of_prediction(
                        cfg.model_dir, subset, EQUAL, workdir, cfg.num_threads, cfg.memory_mmap_threshold_kib
                    ),
                )
            )
            say(
                f"memory: predict.py ({EQUAL.name}, mmap_threshold_kib={cfg.memory_mmap_threshold_kib}) over "
                f"{len(subset)} files, {n_chars:,} characters: "
                f"peak RSS {memory[-1][2]:.0f} MiB"
            )

    table = _table(baseline, runs, ceilings, f1, on_segments)
    say("")
    say("\n".join(table))
    fastest = max(modes, key=lambda m: runs[m].chars_per_second)
    say(
        f"fastest mode overall: govner {fastest.name}, "
        f"{runs[fastest].chars_per_second / baseline.chars_per_second:.2f}× the baseline"
    )
    for mode in modes:
        reference = Mode(mode.decoding, False)
        if mode != reference and reference in runs:
            agree = agreement(runs[reference].entities, runs[mode].entities)
            say(f"govner {mode.name} vs govner {reference.name}: entity agreement {agree['agreement']:.4f}")
    share = None
    if cfg.profile:
        share = write_profile(predictors[EQUAL.backend], EQUAL, texts, Path(cfg.profile))
        say(f"profile of govner {EQUAL.name}: {share:.1%} of its time is the model's forward pass ({cfg.profile})")
    bounds = {b: c[0].chars_per_second / baseline.chars_per_second for b, c in ceilings.items()}
    say(
        "bound: the bare forward pass runs at "
        + ", ".join(f"{bound:.2f}× the baseline ({backend})" for backend, bound in bounds.items())
        + "; no predictor on the same weights can beat that"
    )
    best = max((m for m in modes if m.equal_output), key=lambda m: runs[m].chars_per_second)
    speedup = runs[best].chars_per_second / baseline.chars_per_second
    ceiling_fraction = runs[best].chars_per_second / ceilings[best.backend][0].chars_per_second
    say(f"load average at end: {load_average()}")
    say(
        f"fastest mode at equal output: govner {best.name} (the pipeline's decoding on fp32 weights), "
        f"against its own ceiling ({best.backend})"
    )
    say(f"ceiling_fraction: {ceiling_fraction:.3f}")
    say(f"speedup: {speedup:.2f}")
    if cfg.docs:
        limits = _limits(runs, ceilings, baseline, f1, share)
        write_docs_section(Path(cfg.docs), _docs_section(threads, say.lines, memory, limits))
    return {"speedup": speedup, "ceiling_fraction": ceiling_fraction}


def _printer():
    """``print`` that also keeps the lines, for the docs."""
    lines: list[str] = []

    def say(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    say.lines = lines
    return say


def _table(baseline: Run, runs: dict, ceilings: dict, f1: dict, on_segments: Run | None) -> list[str]:
    rows = [
        "| contender | chars/s | × baseline | of its ceiling | peak RSS above start (MiB) "
        "| entities: both / baseline only / govner only | agreement | F1 |",
        "|---|---:|---:|---:|---:|---|---:|---:|",
        f"| {baseline.name} | {baseline.chars_per_second:,.0f} | 1.00 | | {baseline.peak_mib:.0f} "
        f"| {len(baseline.entities):,} found | | |",
    ]
    for mode, run in runs.items():
        ceiling = ceilings[mode.backend][0]
        agree = agreement(baseline.entities, run.entities)
        score = f"{f1[mode]:.4f}" if f1.get(mode) is not None else ""
        rows.append(
            f"| {run.name} | {run.chars_per_second:,.0f} | {run.chars_per_second / baseline.chars_per_second:.2f} "
            f"| {run.chars_per_second / ceiling.chars_per_second:.3f} | {run.peak_mib:.0f} "
            f"| {agree['both']:,} / {agree['reference_only']:,} / {agree['other_only']:,} "
            f"| {agree['agreement']:.4f} | {score} |"
        )
    for run, _ in ceilings.values():
        rows.append(
            f"| {run.name} | {run.chars_per_second:,.0f} | {run.chars_per_second / baseline.chars_per_second:.2f} "
            f"| 1.000 | {run.peak_mib:.0f} | | | |"
        )
    if on_segments is not None:
        agree = agreement(runs[EQUAL].entities, on_segments.entities)
        rows.append(
            f"| {on_segments.name} | {on_segments.chars_per_second:,.0f} "
            f"| {on_segments.chars_per_second / baseline.chars_per_second:.2f} | | {on_segments.peak_mib:.0f} "
            + f"| vs govner argmax: {agree['both']:,} / {agree['reference_only']:,} govner only / "
            f"{agree['other_only']:,} pipeline only | {agree['agreement']:.4f} | |"
        )
    return rows


def _limits(runs: dict, ceilings: dict, baseline: Run, f1: dict, forward_share: float | None) -> list[str]:
    """What bounds the speedup, in this run's figures."""
    fp32 = runs[EQUAL]
    bound = ceilings["fp32"][0].chars_per_second / baseline.chars_per_second
    out = [
        f"- What limits the speedup: govner {EQUAL.name} reaches "
        f"{fp32.chars_per_second / ceilings['fp32'][0].chars_per_second:.2f} of the bare forward pass"
        + (
            f" and spends {forward_share:.0%} of its time inside it (profile: `docs/profile_inference.txt`)"
            if forward_share is not None
            else ""
        )
        + f". The bare forward pass itself runs at only {bound:.2f}× the baseline: the pipeline also spends "
        "most of its time in the same matrix products, on somewhat more work (windows overlapping by `stride`, "
        "256-token rows whose attention costs more than sentence-long rows, one row per call, Python "
        f"aggregation). With these weights on torch no predictor can exceed {bound:.2f}× here; what is left "
        "above the ceiling is tokenization (offset mapping through the tokenizer's Python wrapper), padding "
        "inside batches, decoding and merging.",
    ]
    for mode in (Mode(EQUAL.decoding, False, "onnx"), Mode(EQUAL.decoding, True), Mode(EQUAL.decoding, True, "onnx")):
        if mode not in runs:
            continue
        change = f", F1 {f1[mode] - f1[EQUAL]:+.4f}" if f1.get(mode) is not None and f1.get(EQUAL) is not None else ""
        ceiling = ceilings[mode.backend][0].chars_per_second / baseline.chars_per_second
        out.append(
            f"- {mode.backend}: govner {mode.name} runs at "
            f"{runs[mode].chars_per_second / baseline.chars_per_second:.2f}× the baseline{change}, entity "
            f"agreement with govner {EQUAL.name} {agreement(fp32.entities, runs[mode].entities)['agreement']:.4f}; "
            f"its bare forward pass runs at {ceiling:.2f}× the baseline."
        )
    return out


def _docs_section(threads: int, lines: list[str], memory: list[tuple[int, int, float]], limits: list[str]) -> str:
    overrides = " ".join(sys.argv[1:])
    out = [
        "## Inference (regenerated by `scripts/bench_inference.py`)",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with torch threads = {threads}:",
        "",
        "```",
        f"python scripts/bench_inference.py {overrides}",
        "```",
        "",
        "```",
        *[line for line in lines if not line.startswith("|") and line],
        "```",
        "",
        *[line for line in lines if line.startswith("|")],
        "",
    ]
    if memory:
        out += [
            "Peak RSS of `scripts/predict.py` in a fresh process, by input size:",
            "",
            "| files | characters | peak RSS (MiB) |",
            "|---:|---:|---:|",
            *[f"| {n} | {c:,} | {rss:.0f} |" for n, c, rss in memory],
            "",
        ]
    out += [
        "How to read it:",
        "",
        "- *baseline*: `pipeline('token-classification', model=DIR, aggregation_strategy='simple', stride=S)` "
        "called on the whole reports (argmax per token, simple aggregation). Without `stride` it would cut "
        "each report at the model's 256 tokens (the share it would miss is printed above).",
        "- *govner MODE*: `Predictor.predict` over the same reports (sentences, windows for long ones, "
        "length-sorted token-budget batches, merged back); `+onnx` = the same weights exported to ONNX "
        "(`runtime=onnx`: TorchScript exporter, eager attention) and run by ONNX Runtime; `+int8` = dynamic int8 "
        "quantization of the Linear / MatMul weights (torch.ao on torch, `onnxruntime.quantization` on ONNX).",
        "- *ceiling*: the bare forward pass over the same tokens, pre-tokenized, in full batches of "
        "equal-length rows (no tokenization, padding, decoding or merging).",
        "- *entities*: exact matches (document, start, end, label) with the baseline. The baseline sees "
        "whole reports in 256-token windows across sentence ends, while the model was trained on sentences "
        "of at most `max_chars`; that input difference, not decoding, is what separates them: the pipeline "
        "run over govner's own segments agrees with govner argmax almost exactly (last row).",
        "- *F1*: micro F1 on the model's test split, as `scripts/evaluate.py` computes it "
        "(`quantize=true` / `runtime=onnx` there).",
        "- Times are the best of the repeats, run interleaved; the CPU is shared, so compare ratios from "
        "one run, and read the load average.",
        *limits,
        "",
    ]
    return "\n".join(out)

"""Training benchmark: train the configured model in several process × thread setups (one
process; several data-parallel processes under ``torchrun``), each as a real ``scripts/train.py``
run, and compare training throughput (characters per second, evaluation excluded) and the time
until dev entity F1 first reaches a threshold (from the dev F1 logged after every epoch)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from govner.bench.machine import load_average
from govner.generated_sections import write_section
from govner.paths import PROJECT_ROOT

TRAIN_MODULE = "govner.cli.train"  # what `govner train` and scripts/train.py run
DOC_START, DOC_END = "<!-- bench_train:start -->", "<!-- bench_train:end -->"


@dataclass(frozen=True)
class Setup:
    """``processes`` data-parallel training processes, each with ``threads`` torch threads."""

    processes: int
    threads: int

    @classmethod
    def parse(cls, text: str) -> Setup:
        """``"2x1"``: 2 processes × 1 thread."""
        match = re.fullmatch(r"\s*(\d+)\s*x\s*(\d+)\s*", text)
        if not match or min(int(match[1]), int(match[2])) < 1:
            raise ValueError(f"setup {text!r}: expected PROCESSESxTHREADS, e.g. 1x1, 2x1, 1x2")
        return cls(int(match[1]), int(match[2]))

    @property
    def name(self) -> str:
        return f"{self.processes}x{self.threads}"

    def command(self, overrides: list[str]) -> list[str]:
        launcher = [sys.executable]
        if self.processes > 1:
            launcher += ["-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={self.processes}"]
        return [*launcher, "-m", TRAIN_MODULE, *overrides]


@dataclass(frozen=True)
class Limits:
    """When a run stops, whichever comes first (the learning-rate schedule is left as configured)."""

    max_epochs: float | None
    max_seconds: float | None
    target_f1: float  # also the time-to-F1 threshold

    def overrides(self) -> list[str]:
        def value(x):
            return "null" if x is None else x

        return [
            f"trainer.stop_after_epochs={value(self.max_epochs)}",
            f"trainer.stop_after_seconds={value(self.max_seconds)}",
            f"trainer.stop_at_f1={self.target_f1}",
        ]


def run_setup(setup: Setup, overrides: list[str], limits: Limits, batch: int, workdir: Path) -> dict:
    """Train once in ``setup`` (the global batch kept at ``batch``); return ``metrics.json``'s
    ``training`` part. The run's output goes to ``workdir/<setup>.log``."""
    if batch % setup.processes:
        raise ValueError(f"setup {setup.name}: a batch of {batch} does not split over {setup.processes} processes")
    model_dir = workdir / setup.name
    run_overrides = [
        *overrides,
        *limits.overrides(),
        f"trainer.per_device_train_batch_size={batch // setup.processes}",
        "trainer.disable_tqdm=true",
        f"run_name=bench-train-{setup.name}",
        f"hydra.run.dir={model_dir}",
    ]
    env = {**os.environ, "OMP_NUM_THREADS": str(setup.threads), "MKL_NUM_THREADS": str(setup.threads)}
    log_file = workdir / f"{setup.name}.log"
    with log_file.open("w", encoding="utf-8") as log:
        proc = subprocess.run(
            setup.command(run_overrides), stdout=log, stderr=subprocess.STDOUT, env=env, cwd=PROJECT_ROOT
        )
    if proc.returncode != 0:
        tail = log_file.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"setup {setup.name}: training failed (exit {proc.returncode}), see {log_file}:\n{tail}")
    return json.loads((model_dir / "metrics.json").read_text(encoding="utf-8"))["training"]


def time_to_f1(history: list[dict], threshold: float) -> dict | None:
    """The first dev evaluation with F1 ≥ ``threshold``: its epoch and wall seconds since training
    began (evaluations included); None if none reached it."""
    for entry in history:
        if entry["f1"] is not None and entry["f1"] >= threshold:
            return {"epoch": entry["epoch"], "seconds": entry["seconds"]}
    return None


def summarize(setup: Setup, training: dict, threshold: float) -> dict:
    """One table row from a run's ``training`` metrics."""
    reached = time_to_f1(training["dev_f1_history"], threshold)
    f1s = [e["f1"] for e in training["dev_f1_history"] if e["f1"] is not None]
    return {
        "setup": setup.name,
        "processes": training["processes"],
        "threads": training["torch_threads"],
        "epochs": training["epochs"],
        "train_seconds": training["train_seconds_without_eval"],
        "wall_seconds": training["seconds"],
        "chars_per_second": training["chars_per_second"],
        "best_f1": max(f1s) if f1s else None,
        "f1_seconds": reached["seconds"] if reached else None,
        "f1_epoch": reached["epoch"] if reached else None,
    }


def format_benchmark_table(rows: list[dict], threshold: float) -> str:
    """A Markdown table; the ratios compare every row with the first."""
    base = rows[0]
    header = [
        "setup (processes × threads)",
        "epochs",
        "train s (no eval)",
        "train chars/s",
        "× first",
        "wall s (with eval)",
        f"s to dev F1 ≥ {threshold}",
        "epoch reached",
        "× first (speed-up)",
        "best dev F1",
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = [
            f"{row['setup']} ({row['processes']} × {row['threads']})",
            f"{row['epochs']:g}",
            f"{row['train_seconds']:.1f}",
            _num(row["chars_per_second"], ".0f"),
            _ratio(row["chars_per_second"], base["chars_per_second"]),
            f"{row['wall_seconds']:.1f}",
            _num(row["f1_seconds"], ".1f", "not reached"),
            _num(row["f1_epoch"], "g", "–"),
            _ratio(base["f1_seconds"], row["f1_seconds"]),
            _num(row["best_f1"], ".3f"),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _num(value, spec: str, missing: str = "–") -> str:
    return missing if value is None else format(value, spec)


def _ratio(numerator, denominator) -> str:
    return "–" if not numerator or not denominator else f"{numerator / denominator:.2f}"


def report(rows: list[dict], command: str, machine: str, limits: Limits, batch: int) -> str:
    sep = ", "
    """The Markdown section: how it was run, on what, the table, how to read it."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join(
        [
            "## Training",
            "",
            f"Measured {when} with:",
            "",
            "```bash",
            command,
            "```",
            "",
            machine,
            "",
            format_benchmark_table(rows, limits.target_f1),
            "",
            f"Each row is one `scripts/train.py` run (several processes: `torchrun --standalone`, gloo), "
            f"global batch {batch} split over the processes, so every setup takes the same optimizer steps. "
            "A run stops after the first dev evaluation past the limits "
            f"(epochs: {limits.max_epochs}, seconds: {limits.max_seconds}) or once dev F1 ≥ {limits.target_f1}; "
            "the learning-rate schedule stays that of the configured epochs. "
            "Train chars/s = training characters × epochs / seconds in training epochs (dev evaluation and "
            "checkpoints excluded); dev F1 is the Trainer's entity F1 on the dev windows after each epoch, and "
            "s to dev F1 the wall time from the start of training to the first epoch reaching it, evaluations "
            "included (dev F1 does not rise steadily, so this also depends on where the threshold falls). "
            f"The CPU is shared with other jobs (load average when the benchmark ended: {load_average(sep)}), so "
            "figures are noisy: compare rows of one run, not runs of different days.",
        ]
    )


def update_doc(path: Path, section: str) -> None:
    """Put ``section`` between the bench_train markers of ``path`` (created, or the markers
    appended, when missing); the rest of the file is left as it is."""
    write_section(path, DOC_START, DOC_END, section, new_file="# Performance\n")

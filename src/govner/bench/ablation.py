"""The model-quality ablation: scratch → domain-pretrained → + constrained decoding →
+ self-training, each over several seeds, on the fixed test reports.

Every step is a plain run of the project's own commands (govner train, evaluate, make-silver) in a
subprocess, so the table measures exactly what users run. Runs whose outputs exist are not
repeated: the ablation can be stopped and resumed, and ``--table-only`` rebuilds the table.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from govner.data.spans import Span
from govner.evaluation.metrics import error_patterns
from govner.generated_sections import write_section
from govner.labels import ENTITY_LABELS
from govner.paths import PROJECT_ROOT
from govner.training.self_training import equal_steps_epochs

START, END = "<!-- ablation:start -->", "<!-- ablation:end -->"


@dataclass(frozen=True)
class AblationRow:
    name: str
    training: str  # which trained model family: scratch | pretrained | selftrain
    decoding: str  # argmax | viterbi


ROWS = (
    AblationRow("scratch (argmax decoding)", "scratch", "argmax"),
    AblationRow("scratch + constrained decoding", "scratch", "viterbi"),
    AblationRow("domain-pretrained (argmax decoding)", "pretrained", "argmax"),
    AblationRow("domain-pretrained + constrained decoding", "pretrained", "viterbi"),
    AblationRow("domain-pretrained + constrained decoding + self-training", "selftrain", "viterbi"),
)


@dataclass
class Ablation:
    runs_dir: Path
    pretrained: Path
    seeds: list[int]
    student_epochs: int | None  # None: as many optimizer steps as the gold-only run
    silver_overrides: list[str]
    train_overrides: list[str]

    def run_dir(self, training: str, seed: int) -> Path:
        return self.runs_dir / f"{training}-s{seed}"

    @property
    def silver(self) -> Path:
        return self.runs_dir / "silver" / "silver.json"

    def run_all(self) -> None:
        """Seed by seed, so that a stopped ablation has whole seeds to show."""
        for seed in self.seeds:
            self.train("scratch", seed, [])
            if not (self.pretrained / "config.json").exists():
                raise FileNotFoundError(
                    f"{self.pretrained}: no pretrained encoder; run govner pretrain (scripts/pretrain.py)"
                )
            pretrained = ["model=pretrained", f"model.name_or_path={self.pretrained}"]
            self.train("pretrained", seed, pretrained)
            if not self.silver.exists():  # one silver set, from the first seed's pretrained model
                teacher = self.run_dir("pretrained", self.seeds[0])
                _script(
                    "make_silver", [f"teacher={teacher}", f"output_dir={self.silver.parent}"] + self.silver_overrides
                )
            epochs = self.student_epochs or self.equal_steps_epochs(seed)
            student = [*pretrained, f"data.silver_path={self.silver}", f"trainer.num_train_epochs={epochs}"]
            self.train("selftrain", seed, student)
            for training in ("scratch", "pretrained"):
                self.evaluate_argmax(training, seed)

    def equal_steps_epochs(self, seed: int) -> int:
        """Epochs over gold + silver that take about the optimizer steps of the gold-only run."""
        gold = self.training_info(ROWS[1], seed)
        silver = json.loads((self.silver.parent / "silver_report.json").read_text(encoding="utf-8"))["kept"]
        return equal_steps_epochs(gold["epochs"], gold["train_examples"], silver)

    def train(self, training: str, seed: int, overrides: list[str]) -> None:
        out = self.run_dir(training, seed)
        if (out / "metrics.json").exists():
            return
        _script(
            "train",
            [f"run_name=ablation-{training}-s{seed}", f"seed={seed}", f"hydra.run.dir={out}", "decoding=viterbi"]
            + overrides
            + self.train_overrides,
        )

    def evaluate_argmax(self, training: str, seed: int) -> None:
        out = self.run_dir(training, seed) / "eval-test-argmax"
        if not (out / "metrics.json").exists():
            _script("evaluate", [f"model_dir={out.parent}", "split=test", "decoding=argmax", f"output_dir={out}"])

    def metrics(self, row: AblationRow, seed: int) -> dict | None:
        run = self.run_dir(row.training, seed)
        path = run / ("eval-test-argmax/metrics.json" if row.decoding == "argmax" else "metrics.json")
        if not path.exists():
            return None
        metrics = json.loads(path.read_text(encoding="utf-8"))
        return metrics.get("test", metrics)

    def training_info(self, row: AblationRow, seed: int) -> dict:
        return json.loads((self.run_dir(row.training, seed) / "metrics.json").read_text(encoding="utf-8"))["training"]


def _script(name: str, overrides: list[str]) -> None:
    """Run the command ``govner <name>`` (scripts/<name>.py) in a fresh process."""
    command = [sys.executable, "-m", f"govner.cli.{name}", *overrides]
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True, cwd=PROJECT_ROOT)


def project_relative(path: Path) -> Path:
    return path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path


def _mean_sd(values: list[float]) -> str:
    if not values:
        return "–"
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f}"


def table(ablation: Ablation) -> str:
    """The results table: mean ± sample standard deviation over the seeds that finished."""
    header = ["configuration", "seeds", *ENTITY_LABELS, "micro F1", "training s", "parameters", "model MB"]
    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    for row in ROWS:
        done = [(s, m) for s in ablation.seeds if (m := ablation.metrics(row, s))]
        if not done:
            lines.append(f"| {row.name} | 0 | " + " | ".join("–" for _ in header[2:]) + " |")
            continue
        per_type = [_mean_sd([m["per_type"][label]["f1"] for _, m in done]) for label in ENTITY_LABELS]
        info = [ablation.training_info(row, s) for s, _ in done]
        weights = ablation.run_dir(row.training, done[0][0]) / "model.safetensors"
        cells = [
            row.name,
            ",".join(str(s) for s, _ in done),
            *per_type,
            _mean_sd([m["overall"]["f1"] for _, m in done]),
            f"{statistics.mean(i['seconds'] for i in info):.0f}",
            f"{info[0]['parameters'] / 1e6:.2f} M",
            f"{weights.stat().st_size / 2**20:.1f}" if weights.exists() else "–",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def top_errors(run_dir: Path, n: int = 5) -> list[tuple[str, int]]:
    """The ``n`` most common mistake patterns in a model's test errors file."""
    counts: Counter = Counter()
    for line in (run_dir / "eval-test" / "errors.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        gold = [Span(s["start"], s["end"], s["label"]) for s in row["gold"]]
        pred = [Span(s["start"], s["end"], s["label"]) for s in row["predicted"]]
        counts.update(error_patterns(gold, pred))
    return counts.most_common(n)


def write_results(ablation: Ablation, results: Path, notes: str) -> str:
    """Replace the ablation section of ``results`` (between the markers) with a fresh table."""
    best = next(
        (
            ablation.run_dir(r.training, s)
            for r in reversed(ROWS)
            if r.decoding == "viterbi"
            for s in ablation.seeds
            if ablation.metrics(r, s)
        ),
        None,
    )
    parts = ["", table(ablation), ""]
    if best is not None:
        parts += [f"Most common test mistakes of `{project_relative(best)}`:", ""]
        parts += [f"{i}. {pattern}: {count}" for i, (pattern, count) in enumerate(top_errors(best), 1)]
        parts.append("")
    parts.append(notes)
    body = "\n".join(parts)
    write_section(results, START, END, body, new_file="# Results\n", heading="## Model quality (ablation)\n\n")
    return f"{START}\n{body}\n{END}"

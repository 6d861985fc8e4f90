"""The model-quality ablation: the feature-CRF baseline first, then each neural configuration,
over several seeds, on the fixed test reports and on the whole test reports.

Every run is a plain run of the project's own commands (``govner crf-baseline``, ``govner train``)
in a subprocess, so the table measures exactly what users run. Runs whose outputs exist are not
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
from govner.files import split_lines
from govner.generated_sections import write_section
from govner.labels import ENTITY_LABELS
from govner.paths import PROJECT_ROOT

START, END = "<!-- ablation:start -->", "<!-- ablation:end -->"
_LAC = ("model=lac",)  # the default: LAC-small fine-tuned, bigrams, a BiLSTM, a CRF layer
_LINEAR = (*_LAC, "model.lac.encoder=none")  # the previous default: a linear layer instead of the BiLSTM


@dataclass(frozen=True)
class AblationRow:
    name: str
    run: str  # run directory name (``-s<seed>`` appended for seeded rows)
    command: str  # module in govner.cli: crf_baseline | train
    overrides: tuple[str, ...]
    seeded: bool = True  # the CRF (L-BFGS over fixed features) is deterministic: one run


ROWS = (
    AblationRow("feature CRF (baseline)", "crf", "crf_baseline", ("crf.use_lac=false",), seeded=False),
    AblationRow("feature CRF + LAC-small tags", "crf-lac", "crf_baseline", ("crf.use_lac=true",), seeded=False),
    AblationRow("character BERT from scratch + constrained decoding (the default before issue 13)", "bert", "train", ("model=scratch",)),
    AblationRow(
        "LAC-small character embeddings + BiLSTM + CRF layer",
        "lac-emb",
        "train",
        (*_LAC, "model.lac.use_lac_encoder=false", "model.lac.encoder=lstm", "model.lac.bigram_buckets=0"),
    ),
    AblationRow(
        "+ LAC-small BiGRU encoder, frozen",
        "lac-frozen",
        "train",
        (*_LAC, "model.lac.finetune_lac=false", "model.lac.encoder=lstm", "model.lac.bigram_buckets=0"),
    ),
    AblationRow("LAC-small encoder fine-tuned + CRF layer", "lac-ft", "train", (*_LINEAR, "model.lac.bigram_buckets=0")),
    AblationRow("+ character bigrams (previous default)", "lac-ft-bigrams", "train", _LINEAR),
    AblationRow("+ a BiLSTM over the features (default)", "lac-lstm", "train", _LAC),
    AblationRow(
        "default + lexicon of organizations mined from the corpus",
        "lac-lstm-lexicon",
        "train",
        (*_LAC, "model.lac.lexicon=${project_root:}/annotations/lexicon.tsv"),
    ),
    AblationRow(
        "default + hashed character n-gram scores per tag", "lac-lstm-ngram", "train", (*_LAC, "model.lac.ngram_buckets=1048576")
    ),
    # Variants of the previous default (no BiLSTM), each measured against the bigrams row:
    AblationRow(
        "previous default + hashed character n-gram scores per tag (the CRF's templates)",
        "lac-ngram",
        "train",
        (*_LINEAR, "model.lac.ngram_buckets=1048576"),
    ),
    AblationRow(
        "previous default + lexicon of organizations mined from the corpus (govner build-lexicon)",
        "lac-lexicon",
        "train",
        (*_LINEAR, "model.lac.lexicon=${project_root:}/annotations/lexicon.tsv"),
    ),
    AblationRow(
        "previous default + lexicon of organizations, indicators and units",
        "lac-lexicon-all",
        "train",
        (*_LINEAR, "model.lac.lexicon=${project_root:}/annotations/lexicon.tsv", "model.lac.lexicon_labels=[ORG,INDICATOR,UNIT]"),
    ),
    AblationRow(
        "previous default without the CRF layer (softmax + constrained Viterbi)", "lac-nocrf", "train", (*_LINEAR, "model.lac.use_crf=false")
    ),
    AblationRow(
        "previous default + mention replacement: one copy of each training sentence with other ORG names",
        "lac-aug",
        "train",
        (*_LINEAR, "data.augment.copies=1"),
    ),
)


@dataclass
class Ablation:
    runs_dir: Path
    seeds: list[int]
    train_overrides: list[str]
    rows: tuple[AblationRow, ...] = ROWS

    def run_dir(self, row: AblationRow, seed: int) -> Path:
        return self.runs_dir / (f"{row.run}-s{seed}" if row.seeded else row.run)

    def seeds_of(self, row: AblationRow) -> list[int]:
        return self.seeds if row.seeded else self.seeds[:1]

    def run_all(self) -> None:
        """Seed by seed, so that a stopped ablation has whole seeds to show."""
        for seed in self.seeds:
            for row in self.rows:
                if seed in self.seeds_of(row):
                    self.run(row, seed)

    def run(self, row: AblationRow, seed: int) -> None:
        out = self.run_dir(row, seed)
        if (out / "metrics.json").exists():
            return
        if row.command == "crf_baseline":
            _command("crf_baseline", [f"output_dir={out}", *row.overrides])
        else:
            overrides = [f"run_name=ablation-{row.run}-s{seed}", f"seed={seed}", f"hydra.run.dir={out}", "decoding=viterbi"]
            _command("train", overrides + list(row.overrides) + self.train_overrides)

    def metrics(self, row: AblationRow, seed: int) -> dict | None:
        path = self.run_dir(row, seed) / "metrics.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _command(name: str, overrides: list[str]) -> None:
    """Run the command ``govner <name>`` in a fresh process."""
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


HEADER = [
    "configuration", "seeds", *ENTITY_LABELS, "micro F1", "whole reports: micro F1", "spurious / 1k chars",
    "training s", "parameters", "model MB", "tagging chars/s",
]


def table(ablation: Ablation) -> str:
    """The results table: mean ± sample standard deviation over the seeds that finished."""
    lines = ["| " + " | ".join(HEADER) + " |", "|---|" + "---:|" * (len(HEADER) - 1)]
    for row in ablation.rows:
        done = [(s, m) for s in ablation.seeds_of(row) if (m := ablation.metrics(row, s))]
        if not done:
            lines.append(f"| {row.name} | 0 | " + " | ".join("–" for _ in HEADER[2:]) + " |")
            continue
        tests = [m["test"] for _, m in done]
        wholes = [m["whole"] for _, m in done if "whole" in m]
        training = [m["training"] for _, m in done]
        weights = [p for p in (ablation.run_dir(row, done[0][0]) / f for f in ("model.safetensors", "crf.pkl")) if p.exists()]
        cells = [
            row.name,
            ",".join(str(s) for s, _ in done) if row.seeded else "(deterministic)",
            *(_mean_sd([t["per_type"][label]["f1"] for t in tests]) for label in ENTITY_LABELS),
            _mean_sd([t["overall"]["f1"] for t in tests]),
            _mean_sd([w["overall"]["f1"] for w in wholes]),
            _mean_sd([w["spurious_per_1000_chars"] for w in wholes]),
            f"{statistics.mean(t['seconds'] for t in training):.0f}",
            f"{training[0]['parameters'] / 1e6:.2f} M",
            f"{weights[0].stat().st_size / 2**20:.1f}" if weights else "–",
            f"{statistics.mean(t['chars_per_second'] for t in tests):,.0f}" if all("chars_per_second" in t for t in tests) else "–",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def best_run(ablation: Ablation) -> Path | None:
    """The first seed's run of the row with the best mean test micro F1."""
    scored = []
    for row in ablation.rows:
        done = [(s, m) for s in ablation.seeds_of(row) if (m := ablation.metrics(row, s))]
        if done:
            scored.append((statistics.mean(m["test"]["overall"]["f1"] for _, m in done), ablation.run_dir(row, done[0][0])))
    return max(scored)[1] if scored else None


def top_errors(run_dir: Path, n: int = 5) -> list[tuple[str, int]]:
    """The ``n`` most common mistake patterns in a model's test errors file."""
    counts: Counter = Counter()
    for line in split_lines((run_dir / "eval-test" / "errors.jsonl").read_text(encoding="utf-8")):
        row = json.loads(line)
        gold = [Span(s["start"], s["end"], s["label"]) for s in row["gold"]]
        pred = [Span(s["start"], s["end"], s["label"]) for s in row["predicted"]]
        counts.update(error_patterns(gold, pred))
    return counts.most_common(n)


def write_results(ablation: Ablation, results: Path, notes: str) -> str:
    """Replace the ablation section of ``results`` (between the markers) with a fresh table."""
    best = best_run(ablation)
    parts = ["", table(ablation), ""]
    if best is not None:
        parts += [f"Most common test mistakes of `{project_relative(best)}` (the best row):", ""]
        parts += [f"{i}. {pattern}: {count}" for i, (pattern, count) in enumerate(top_errors(best), 1)]
        parts.append("")
    parts.append(notes)
    body = "\n".join(parts)
    write_section(results, START, END, body, new_file="# Results\n", heading="## Model quality (ablation)\n\n")
    return f"{START}\n{body}\n{END}"

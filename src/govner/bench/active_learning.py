"""Does annotating the most uncertain sentences first help? A simulation on the gold set.

The annotators' loop is replayed with the gold annotations standing in for the annotator: start
from ``start`` training sentences drawn at random, then each round add ``batch`` sentences of the
rest of the train split — chosen by the current model's uncertainty (1 − the probability of its
decoded tag path, what ``govner ls-push`` orders by) or at random — retrain from scratch and score
strict entity micro F1 on the fixed test reports. Dev selects the checkpoint as in every run. Both
strategies share the seed's start set; runs whose ``metrics.json`` exists are not repeated, so the
simulation can be stopped and resumed.
"""

from __future__ import annotations

import json
import logging
import random
from dataclasses import asdict, dataclass
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from govner.data.dataset import prepare_data
from govner.generated_sections import write_section
from govner.inference.predictor import Predictor
from govner.labelstudio.tasks import rank_by_uncertainty
from govner.training.trainer import train

log = logging.getLogger(__name__)

STRATEGIES = ("uncertainty", "random")
START, END = "<!-- active_learning:start -->", "<!-- active_learning:end -->"


@dataclass(frozen=True)
class Point:
    strategy: str
    seed: int
    round: int
    sentences: int
    characters: int
    entities: int  # gold spans in the labeled sentences: what the annotator marked or checked
    test_f1: float
    dev_f1: float
    train_seconds: float


def choose(strategy: str, pool: list[str], model_dir: Path, batch: int, rng: random.Random) -> list[str]:
    """``batch`` sentences of ``pool`` (sorted) to annotate next: the model's most uncertain, or random ones."""
    if strategy == "random":
        return rng.sample(pool, min(batch, len(pool)))
    if strategy == "uncertainty":
        predictions = Predictor.from_dir(model_dir, num_threads=1).predict(pool)
        return [pool[i] for i in rank_by_uncertainty(predictions)[:batch]]
    raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")


def _train(cfg: DictConfig, run_dir: Path, seed: int, texts: list[str]) -> dict:
    """Train on ``texts`` (or read the finished run's metrics) into ``run_dir``, which keeps ``labeled.json``."""
    metrics_file = run_dir / "metrics.json"
    if metrics_file.exists():
        return json.loads(metrics_file.read_text())
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "labeled.json").write_text(json.dumps(texts, ensure_ascii=False, indent=0), encoding="utf-8")
    run_cfg = cfg.copy()
    OmegaConf.update(run_cfg, "output_dir", str(run_dir))
    OmegaConf.update(run_cfg, "seed", seed)
    OmegaConf.update(run_cfg, "run_name", run_dir.name)
    log.info("training %s on %d sentences", run_dir.name, len(texts))
    return train(run_cfg, train_texts=texts)


def simulate(cfg: DictConfig) -> list[Point]:
    """Every strategy of ``cfg.active_learning`` for every seed, round by round (a stopped simulation
    has whole rounds to compare): one :class:`Point` per trained model."""
    al = cfg.active_learning
    runs_dir = Path(al.runs_dir)
    train_docs = prepare_data(cfg.data, tuple(cfg.labels)).documents["train"]
    n_spans = {d.text: len(d.spans) for d in train_docs}
    pool_all = sorted(n_spans)
    points = []
    for seed in al.seeds:
        start = sorted(random.Random(seed).sample(pool_all, al.start))
        first = runs_dir / f"start-s{seed}-n{len(start)}"
        metrics = _train(cfg, first, seed, start)
        state = {s: (list(start), first, random.Random(seed)) for s in al.strategies}
        for strategy in al.strategies:
            points.append(_point(strategy, seed, 0, start, n_spans, metrics))
        for round_ in range(1, al.rounds + 1):
            for strategy in al.strategies:
                labeled, model_dir, rng = state[strategy]
                taken = set(labeled)
                pool = [t for t in pool_all if t not in taken]
                picked_file = runs_dir / f"{strategy}-s{seed}-r{round_}.json"
                if picked_file.exists():
                    picked = json.loads(picked_file.read_text(encoding="utf-8"))
                else:
                    picked = choose(strategy, pool, model_dir, al.batch, rng)
                    picked_file.write_text(json.dumps(picked, ensure_ascii=False, indent=0), encoding="utf-8")
                labeled = sorted(labeled + picked)
                model_dir = runs_dir / f"{strategy}-s{seed}-n{len(labeled)}"
                metrics = _train(cfg, model_dir, seed, labeled)
                points.append(_point(strategy, seed, round_, labeled, n_spans, metrics))
                log.info("%s", points[-1])
                state[strategy] = (labeled, model_dir, rng)
                (runs_dir / "points.json").write_text(json.dumps([asdict(p) for p in points], indent=1))
    return points


def _point(strategy: str, seed: int, round_: int, labeled: list[str], n_spans: dict[str, int], metrics: dict) -> Point:
    return Point(
        strategy,
        seed,
        round_,
        len(labeled),
        sum(map(len, labeled)),
        sum(n_spans[t] for t in labeled),
        round(metrics["test"]["overall"]["f1"], 4),
        round(metrics["dev"]["overall"]["f1"], 4),
        metrics["training"]["seconds"],
    )


def plot(points: list[Point], path: Path) -> None:
    """Test F1 against sentences and against characters annotated, one line per strategy (mean over seeds)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    for strategy in sorted({p.strategy for p in points}):
        rounds = sorted({p.round for p in points if p.strategy == strategy})
        groups = [[p for p in points if p.strategy == strategy and p.round == r] for r in rounds]
        f1 = [_mean([p.test_f1 for p in g]) for g in groups]
        axes[0].plot([_mean([p.sentences for p in g]) for g in groups], f1, marker="o", label=strategy)
        axes[1].plot([_mean([p.characters for p in g]) for g in groups], f1, marker="o", label=strategy)
    axes[0].set_xlabel("training sentences annotated")
    axes[1].set_xlabel("training characters annotated")
    axes[0].set_ylabel("test entity micro F1 (strict)")
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def table(points: list[Point]) -> str:
    """Markdown: one row per round, the strategies side by side (sentences, characters, gold entities, test F1)."""
    strategies = sorted({p.strategy for p in points})
    seeds = sorted({p.seed for p in points})
    columns = ("sentences", "characters", "entities", "test F1")
    header = "| round | " + " | ".join(f"{s}: {c}" for s in strategies for c in columns) + " |"
    rule = "|---:|" + "---:|" * len(columns) * len(strategies)
    rows = [header, rule]
    for round_ in sorted({p.round for p in points}):
        cells = []
        for s in strategies:
            group = [p for p in points if p.strategy == s and p.round == round_]
            if len(group) < len(seeds):
                cells += [""] * len(columns)
                continue
            cells += [
                f"{_mean([p.sentences for p in group]):.0f}",
                f"{_mean([p.characters for p in group]):,.0f}",
                f"{_mean([p.entities for p in group]):,.0f}",
                f"{_mean([p.test_f1 for p in group]):.3f}",
            ]
        rows.append(f"| {round_} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def write_results(points: list[Point], results: Path, plot_path: Path, notes: str) -> str:
    """The plot, and the table with ``notes`` in the marked section of ``results``."""
    plot(points, plot_path)
    seeds = ", ".join(str(s) for s in sorted({p.seed for p in points}))
    body = f"{table(points)}\n\nSeeds: {seeds} (mean over them). ![F1 against sentences annotated]({plot_path.name})\n\n{notes}"
    write_section(results, START, END, body, heading="## Active learning: uncertainty order against random order\n\n")
    return body

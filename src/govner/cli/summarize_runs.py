"""Tabulate the metrics of several model directories (e.g. a Hydra sweep):

govner summarize-runs models/curve-sweep/*  [--split test|dev|whole]
govner summarize-runs models/default models/crf-baseline --split whole --detail   # P / R / F1 per type
"""

import argparse
import json
from pathlib import Path

from govner.cli.boundary import command
from govner.files import split_lines
from govner.labels import ENTITY_LABELS


@command
def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="govner summarize-runs", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("model_dirs", nargs="+", type=Path)
    parser.add_argument("--split", default="test")
    parser.add_argument("--detail", action="store_true", help="precision, recall and F1 per type, spurious entities")
    args = parser.parse_args(argv)
    if args.detail:
        print(detail_table(args.model_dirs, args.split))
        return
    header = ["run", "overrides", "train ex.", "seconds", *ENTITY_LABELS, "micro F1"]
    print("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for model_dir in sorted(args.model_dirs):
        metrics_file = model_dir / "metrics.json"
        if not metrics_file.exists():
            continue
        metrics = json.loads(metrics_file.read_text())
        overrides_file = model_dir / ".hydra" / "overrides.yaml"
        overrides = (
            " ".join(line[2:] for line in split_lines(overrides_file.read_text(encoding="utf-8")))
            if overrides_file.exists()
            else ""
        )
        m, training = metrics[args.split], metrics["training"]
        cells = [model_dir.name, overrides, str(training["train_examples"]), f"{training['seconds']:.0f}"]
        cells += [f"{m['per_type'][label]['f1']:.3f}" for label in ENTITY_LABELS] + [f"{m['overall']['f1']:.3f}"]
        print("| " + " | ".join(cells) + " |")


def detail_table(model_dirs: list[Path], split: str) -> str:
    """One row per model directory: P / R / F1 of each type and micro, and spurious entities per
    1,000 characters (what a reader of whole reports meets)."""
    header = ["run", *(f"{label} P / R / F1" for label in (*ENTITY_LABELS, "micro")), "spurious / 1k chars"]
    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    for model_dir in model_dirs:
        metrics_file = model_dir / "metrics.json"
        if not metrics_file.exists():
            continue
        m = json.loads(metrics_file.read_text())[split]
        rows = [m["per_type"][label] for label in ENTITY_LABELS] + [m["overall"]]
        cells = [model_dir.name] + [f"{r['precision']:.3f} / {r['recall']:.3f} / {r['f1']:.3f}" for r in rows]
        cells.append(f"{m['spurious_per_1000_chars']:.2f}" if "spurious_per_1000_chars" in m else "–")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()

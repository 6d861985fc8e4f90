"""Tabulate the metrics of several model directories (e.g. a Hydra sweep):

govner summarize-runs models/curve-sweep/*  [--split test]
"""

import argparse
import json
from pathlib import Path

from govner.labels import ENTITY_LABELS


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="govner summarize-runs", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("model_dirs", nargs="+", type=Path)
    parser.add_argument("--split", default="test")
    args = parser.parse_args(argv)
    header = ["run", "overrides", "train ex.", "seconds", *ENTITY_LABELS, "micro F1"]
    print("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for model_dir in sorted(args.model_dirs):
        metrics_file = model_dir / "metrics.json"
        if not metrics_file.exists():
            continue
        metrics = json.loads(metrics_file.read_text())
        overrides_file = model_dir / ".hydra" / "overrides.yaml"
        overrides = (
            " ".join(line[2:] for line in overrides_file.read_text().splitlines()) if overrides_file.exists() else ""
        )
        m, training = metrics[args.split], metrics["training"]
        cells = [model_dir.name, overrides, str(training["train_examples"]), f"{training['seconds']:.0f}"]
        cells += [f"{m['per_type'][label]['f1']:.3f}" for label in ENTITY_LABELS] + [f"{m['overall']['f1']:.3f}"]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()

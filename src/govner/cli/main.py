"""govner <command> [options]: one console command for every entry point.

Hydra commands take ``key=value`` overrides (``govner train --help`` shows the config, ``--cfg job``
the resolved one); the others take ordinary options (``govner ablation --help``). Each command is
also ``python scripts/<module>.py`` in a checkout and ``python -m govner.cli.<module>``.

A problem the user can fix ends the command with its message and exit status 1; ``--debug``
(anywhere on the line) or ``HYDRA_FULL_ERROR=1`` shows its stack trace too."""

from __future__ import annotations

import importlib
import os
import sys

from govner.cli.boundary import DEBUG_ENV

# command → (module in govner.cli, what it does)
COMMANDS: dict[str, tuple[str, str]] = {
    "train": ("train", "fine-tune a tagger and write its model directory (configs/train.yaml)"),
    "evaluate": ("evaluate", "score a model directory on its test split or an export (configs/evaluate.yaml)"),
    "predict": (
        "predict",
        "tag report files: entities, Label Studio tasks, records, comparison table, HTML report (configs/predict.yaml)",
    ),
    "report": (
        "report",
        "a tagged batch as the HTML report, comparison table or records, without the model (configs/report.yaml)",
    ),
    "pretrain": ("pretrain", "masked-LM pretraining of the character BERT on a corpus (configs/pretrain.yaml)"),
    "make-silver": (
        "make_silver",
        "self-training: a teacher's confident sentences as silver data (configs/silver.yaml)",
    ),
    "build-lexicon": (
        "build_lexicon",
        "mine a domain lexicon from the corpus with a teacher model (configs/lexicon.yaml)",
    ),
    "evaluate-records": (
        "evaluate_records",
        "score indicator records against gold records (configs/evaluate_records.yaml)",
    ),
    "ls-push": ("ls_push", "push pre-annotated reports into Label Studio, most uncertain first (configs/ls_push.yaml)"),
    "ls-pull": ("ls_pull", "pull a Label Studio project's annotations, validated (configs/ls_pull.yaml)"),
    "serve": ("serve_ml_backend", "serve a model as a Label Studio ML backend (configs/serve.yaml)"),
    "check-annotations": ("check_annotations", "validate the gold annotations and list consistency warnings"),
    "sample-sentences": ("sample_sentences", "draw sentences to annotate from the corpus"),
    "summarize-runs": ("summarize_runs", "tabulate the metrics of several model directories"),
    "bench-inference": ("bench_inference", "inference throughput benchmark (configs/bench_inference.yaml)"),
    "bench-train": ("bench_train", "training throughput benchmark"),
    "crf-baseline": (
        "crf_baseline",
        "the feature CRF baseline, evaluated as train evaluates (configs/crf_baseline.yaml)",
    ),
    "ablation": ("ablation", "the model-quality ablation behind docs/results.md"),
    "active-learning": (
        "active_learning",
        "simulation: uncertainty order against random order (configs/active_learning.yaml)",
    ),
}


def usage() -> str:
    width = max(map(len, COMMANDS))
    lines = [__doc__.split("\n\n")[0].strip(), "", "commands:"]
    lines += [f"  {name:<{width}}  {what}" for name, (_, what) in COMMANDS.items()]
    lines += ["", "govner <command> --help: the command's options; --debug: a stack trace with any error"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if "--debug" in args:
        args = [a for a in args if a != "--debug"]
        os.environ[DEBUG_ENV] = "1"
    if not args or args[0] in ("-h", "--help", "help"):
        print(usage())
        return
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"govner: unknown command {name!r}\n\n{usage()}", file=sys.stderr)
        sys.exit(2)
    module = importlib.import_module(f"govner.cli.{COMMANDS[name][0]}")
    sys.argv = [f"govner {name}", *rest]  # Hydra and argparse read the command line from sys.argv
    module.main()


if __name__ == "__main__":
    main()

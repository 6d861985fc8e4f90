"""Training benchmark: throughput (characters/second) and time to a dev F1, for one process,
data-parallel processes and more threads; prints a table and rewrites the training section of
docs/performance.md.

govner bench-train --threshold 0.5 --max-epochs 4 --max-seconds 900
govner bench-train --setups 1x1,2x1,1x2 -- model=tiny trainer=smoke   # Hydra overrides after --
"""

import argparse
import shlex
import sys
import tempfile
from pathlib import Path

from hydra import compose, initialize_config_dir

from govner.bench.machine import Machine
from govner.bench.training import (
    Limits,
    Setup,
    format_benchmark_table,
    report,
    run_setup,
    summarize,
    update_doc,
)
from govner.cli.boundary import command
from govner.cli.config import CONFIG_DIR, register_configs
from govner.paths import PROJECT_ROOT


def global_batch_size(overrides: list[str]) -> int:
    """The configured training batch (per process in a one-process run)."""
    register_configs()
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose("train", overrides=overrides)
    return int(cfg.trainer.per_device_train_batch_size)


@command
def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="govner bench-train", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--setups", default="1x1,2x1,1x2", help="PROCESSESxTHREADS, comma-separated")
    parser.add_argument("--threshold", type=float, default=0.5, help="dev micro F1 to reach (runs stop there)")
    parser.add_argument("--max-epochs", type=float, default=4, help="stop each run after this many epochs")
    parser.add_argument("--max-seconds", type=float, default=None, help="... or after this many seconds")
    parser.add_argument("--doc", type=Path, default=PROJECT_ROOT / "docs" / "performance.md")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave the doc alone")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the runs' model directories and logs here")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides for scripts/train.py (after --)")
    args = parser.parse_args(argv)

    setups = [Setup.parse(s) for s in args.setups.split(",")]
    limits = Limits(args.max_epochs, args.max_seconds, args.threshold)
    batch = global_batch_size(args.overrides)
    machine = Machine.here().markdown()
    print(machine, flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-train-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        rows = []
        for setup in setups:
            print(f"training {setup.name} ({setup.processes} process(es) × {setup.threads} thread(s)) ...", flush=True)
            rows.append(summarize(setup, run_setup(setup, args.overrides, limits, batch, workdir), args.threshold))
    print(format_benchmark_table(rows, args.threshold))
    if not args.no_doc:
        command = shlex.join(["python", "scripts/bench_train.py", *sys.argv[1:]])
        update_doc(args.doc, report(rows, command, machine, limits, batch))
        print(f"\nwritten: {args.doc}")


if __name__ == "__main__":
    main()

"""The model-quality ablation behind docs/results.md (resumable; finished runs are kept):

govner ablation                      # the CRF baseline, then every neural row × 3 seeds, then the table
govner ablation --table-only         # rebuild the table from the runs that finished
govner ablation --rows crf lac-ft-bigrams --seeds 42   # some rows only
govner ablation --seeds 1 --train-override trainer=smoke --runs-dir /tmp/abl   # a quick check
"""

import argparse
from pathlib import Path

from govner.bench.ablation import ROWS, Ablation, write_results
from govner.cli.boundary import command
from govner.paths import PROJECT_ROOT

NOTES = """Test: the 16 fixed test reports (`annotations/test_reports.txt`); whole reports: the three of them
annotated in full (`annotations/whole_reports.txt`, `govner evaluate split=whole`); seqeval strict entity level.
Each cell is the mean ± sample standard deviation over the seeds listed (the seed of a run: initialization,
data order, dropout); the data split is the same for all runs. Every row is trained on the same train split and
evaluated by the same code (`govner.evaluation.entities.evaluate_documents`): the CRF rows by `govner crf-baseline`
(sklearn-crfsuite, L-BFGS, c1 = c2 = 0.05, 200 iterations; deterministic, one run), the neural rows by
`govner train` with the overrides of `govner.bench.ablation.ROWS` and Viterbi decoding (with the learned
transitions where the model has a CRF layer). *Spurious / 1k chars*: predicted entities with no gold
counterpart per 1,000 characters of the whole reports. *Tagging chars/s*: the test set tagged by the
evaluation (batch predictor, torch; CRF: features + crfsuite) on the loaded machine, not a benchmark (see
docs/performance.md). Training seconds are wall time on the machine that ran them (2 CPU cores, shared with
other jobs; the neural rows ran with one torch thread, `OMP_NUM_THREADS=1`): compare them only as a rough cost."""


@command
def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="govner ablation", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[42, 43, 44])
    parser.add_argument("--rows", nargs="+", choices=[r.run for r in ROWS], help="run only these rows (default: all)")
    parser.add_argument("--runs-dir", type=Path, default=PROJECT_ROOT / "models/ablation")
    parser.add_argument("--train-override", action="append", default=[], help="passed to every govner train run")
    parser.add_argument("--results", type=Path, default=PROJECT_ROOT / "docs/results.md")
    parser.add_argument("--table-only", action="store_true")
    args = parser.parse_args(argv)
    ablation = Ablation(args.runs_dir.resolve(), args.seeds, args.train_override)
    if not args.table_only:
        rows = tuple(r for r in ROWS if r.run in args.rows) if args.rows else ROWS
        Ablation(ablation.runs_dir, args.seeds, args.train_override, rows).run_all()
    print(write_results(ablation, args.results, NOTES))


if __name__ == "__main__":
    main()

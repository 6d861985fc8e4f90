"""The model-quality ablation behind docs/results.md (resumable; finished runs are kept):

govner ablation                      # 3 seeds × scratch / pretrained / self-trained, then the table
govner ablation --table-only         # rebuild the table from the runs that finished
govner ablation --seeds 1 --train-override trainer=smoke --runs-dir /tmp/abl   # a quick check

Needs the domain-pretrained encoder first: govner pretrain (→ models/pretrained/corpus).
"""

import argparse
import json
from pathlib import Path

from govner.bench.ablation import Ablation, project_relative, write_results
from govner.paths import PROJECT_ROOT

NOTES = """Test split: the 16 fixed test reports (`annotations/test_reports.txt`), seqeval strict entity level.
Each cell is the mean ± sample standard deviation over the seeds listed (the seed of the run: initialization,
data order, dropout); the data split is the same for all runs. Protocol: `govner ablation` runs
`scripts/train.py` with the default config per seed: *scratch* = the default model trained from random
initialization; *domain-pretrained* = `model=pretrained model.name_or_path={pretrained}` (the MLM encoder from
`scripts/pretrain.py`); *argmax* rows evaluate the same weights with `decoding=argmax` (`scripts/evaluate.py`);
*self-training* = `scripts/make_silver.py` with the first seed's domain-pretrained model as teacher (confident
sentences of the corpus reports that hold no gold annotation — {silver}), then the domain-pretrained encoder
fine-tuned on gold + silver for {student_epochs}.
Training seconds are wall time on the machine that ran them (2 CPU cores, shared with other jobs whose load varied
from run to run: compare them only as a rough cost), model MB the weights file."""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="govner ablation", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[42, 43, 44])
    parser.add_argument("--pretrained", type=Path, default=PROJECT_ROOT / "models/pretrained/corpus")
    parser.add_argument("--runs-dir", type=Path, default=PROJECT_ROOT / "models/ablation")
    parser.add_argument("--student-epochs", type=int, help="default: the optimizer steps of the gold-only run")
    parser.add_argument("--silver-override", action="append", default=[], help="passed to make_silver.py")
    parser.add_argument("--train-override", action="append", default=[], help="passed to every train.py run")
    parser.add_argument("--results", type=Path, default=PROJECT_ROOT / "docs/results.md")
    parser.add_argument("--table-only", action="store_true")
    args = parser.parse_args(argv)
    ablation = Ablation(
        args.runs_dir.resolve(),
        args.pretrained.resolve(),
        args.seeds,
        args.student_epochs,
        args.silver_override,
        args.train_override,
    )
    if not args.table_only:
        ablation.run_all()
    report = ablation.silver.parent / "silver_report.json"
    silver = "not made yet"
    if report.exists():
        r = json.loads(report.read_text(encoding="utf-8"))
        entities = ", ".join(f"{label} {n:,}" for label, n in r["entities"].items())
        silver = (
            f"teacher `{r['teacher']}`, {r['reports_read']} reports read ({r['reports_excluded']} with gold excluded), "
            f"{r['sentences_tagged']:,} sentences tagged, {r['confident']:,} with every character at ≥ {r['threshold']}, "
            f"{r['kept']:,} kept ({r['kept_with_entities']:,} with entities: {entities})"
        )
    notes = NOTES.format(
        pretrained=project_relative(args.pretrained.resolve()),
        silver=silver,
        student_epochs=f"{args.student_epochs} epochs"
        if args.student_epochs
        else "as many optimizer steps as on gold alone",
    )
    print(write_results(ablation, args.results, notes))


if __name__ == "__main__":
    main()

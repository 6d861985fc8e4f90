"""Draw a pool of sentences to annotate from the corpus (see govner.data.sampling).

govner sample-sentences --corpus ../shared/corpus --reports 72 --per-report 37 --out pool.jsonl
"""

import argparse
import json
from pathlib import Path

from govner.cli.boundary import command
from govner.data.sampling import sample_corpus, write_jsonl
from govner.paths import PROJECT_ROOT


@command
def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="govner sample-sentences", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=PROJECT_ROOT.parent / "shared" / "corpus")
    parser.add_argument("--reports", type=int, default=72, help="reports to draw, split over folders by size")
    parser.add_argument("--per-report", type=int, default=37, help="sentences per report")
    parser.add_argument("--number-share", type=float, default=0.8, help="share of sentences that contain a number")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--exclude", type=Path, help="a pool .jsonl whose reports are not drawn again")
    parser.add_argument("--measured-only", action="store_true", help="only sentences with a measured number")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    exclude = (
        frozenset(json.loads(line)["source"] for line in args.exclude.open(encoding="utf-8"))
        if args.exclude
        else frozenset()
    )
    sentences = sample_corpus(
        args.corpus, args.reports, args.per_report, args.number_share, args.seed, exclude, args.measured_only
    )
    write_jsonl(sentences, args.out)
    print(f"{len(sentences)} sentences from {len({s.source for s in sentences})} reports -> {args.out}")


if __name__ == "__main__":
    main()

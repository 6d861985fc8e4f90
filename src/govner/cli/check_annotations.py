"""Check the gold annotations: schema errors (exit 1) and consistency warnings to review.

    govner check-annotations [PATH] [--no-readme] [--show N]     (or python scripts/check_annotations.py)

Uses the same validator (and policy, from configs/data/labelstudio_export.yaml) as training,
and rewrites the statistics section of annotations/README.md.
"""

import argparse
import sys
from collections import Counter
from pathlib import Path

from omegaconf import OmegaConf

from govner.cli.boundary import command
from govner.data.annotation_qa import check_annotations, read_accepted, statistics
from govner.data.annotations_readme import update_readme
from govner.data.labelstudio_format import read_export
from govner.labels import ENTITY_LABELS
from govner.paths import CONFIG_DIR, PROJECT_ROOT

ROOT = PROJECT_ROOT


def check(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="govner check-annotations", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("path", nargs="?", type=Path, default=ROOT / "annotations")
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite annotations/README.md")
    parser.add_argument("--show", type=int, default=20, help="warnings listed per check (0: all)")
    parser.add_argument(
        "--accepted",
        type=Path,
        default=ROOT / "annotations" / "qa_accepted.tsv",
        help="reviewed warnings that are kept",
    )
    args = parser.parse_args(argv)

    policy = OmegaConf.to_container(OmegaConf.load(Path(CONFIG_DIR) / "data" / "labelstudio_export.yaml").validation)
    report = check_annotations(read_export(args.path), ENTITY_LABELS, policy)
    for finding in report.errors:
        print(f"ERROR {finding}")
    accepted = read_accepted(args.accepted) if args.accepted.exists() else {}
    open_warnings = [f for f in report.warnings if f.key not in accepted]
    stale = set(accepted) - {f.key for f in report.warnings}
    for key in sorted(stale):
        print(f"STALE accepted warning (no longer found; remove it from {args.accepted.name}): {chr(9).join(key)}")
    by_check: dict[str, list] = {}
    for finding in open_warnings:
        by_check.setdefault(finding.check, []).append(finding)
    for check, findings in sorted(by_check.items()):
        print(f"\n== {check}: {len(findings)} warning(s)")
        for finding in findings[: args.show or None]:
            print(f"  {finding.origin}: {finding.message}")
        if args.show and len(findings) > args.show:
            print(f"  ... {len(findings) - args.show} more (--show 0 lists all)")
    stats = statistics(report.documents)
    if report.documents:
        print(
            f"\n{stats['sentences']} sentences from {stats['reports']} reports, {stats['spans']} spans: "
            + ", ".join(f"{k} {v}" for k, v in sorted(stats["per_label"].items()))
        )
        if not args.no_readme and args.path.resolve() == (ROOT / "annotations").resolve():
            update_readme(
                ROOT / "annotations" / "README.md",
                stats,
                Counter(f.check for f in open_warnings),
                len(accepted) - len(stale),
            )
    print(
        f"{len(report.errors)} error(s), {len(open_warnings)} warning(s) to review, {len(accepted) - len(stale)} reviewed and kept"
    )
    return 1 if report.errors else 0


@command
def main(argv: list[str] | None = None) -> None:
    sys.exit(check(argv))


if __name__ == "__main__":
    main()

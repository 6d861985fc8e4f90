"""Check the gold annotations: schema errors (exit 1) and consistency warnings to review.

    govner check-annotations [PATH] [--no-readme] [--show N] [--accepted FILE]
    (or python scripts/check_annotations.py)

Uses the same validator (and policy, from configs/data/labelstudio_export.yaml) as training,
lists every task it skipped and why, and names every file it cannot read or that holds nothing
usable (exit 1). Reviewed warnings (annotations/qa_accepted.tsv) are matched by task id, so they
apply to the bundled annotations/ only: for another PATH none is applied unless --accepted names
a list. Checking annotations/ rewrites the statistics section of annotations/README.md.
"""

import argparse
import sys
from collections import Counter
from pathlib import Path

from omegaconf import OmegaConf

from govner.cli.boundary import command
from govner.data.annotation_qa import Finding, check_annotations, read_accepted, statistics
from govner.data.annotations_readme import update_readme
from govner.data.labelstudio_format import ExportFormatError, export_files, read_export_file
from govner.labels import ENTITY_LABELS
from govner.paths import CONFIG_DIR, PROJECT_ROOT

ROOT = PROJECT_ROOT
ANNOTATIONS = ROOT / "annotations"
ACCEPTED = ANNOTATIONS / "qa_accepted.tsv"


def check(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="govner check-annotations", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("path", nargs="?", type=Path, default=ANNOTATIONS)
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite annotations/README.md")
    parser.add_argument("--show", type=int, default=20, help="warnings and skipped tasks listed per kind (0: all)")
    parser.add_argument(
        "--accepted",
        type=Path,
        default=None,
        help=f"reviewed warnings that are kept (default: {ACCEPTED.relative_to(ROOT)}, for annotations/ only)",
    )
    args = parser.parse_args(argv)
    bundled = args.path.resolve() == ANNOTATIONS.resolve()
    accepted_file = args.accepted or (ACCEPTED if bundled else None)

    policy = OmegaConf.to_container(OmegaConf.load(Path(CONFIG_DIR) / "data" / "labelstudio_export.yaml").validation)
    tasks, unreadable = [], []
    found = export_files(args.path)
    for file, reason in found.skipped:
        print(f"SKIPPED {file}: {reason}")
    for file in found.files:
        try:
            read = read_export_file(file)
        except ExportFormatError as err:
            unreadable.append(Finding(str(file), "unreadable", str(err).removeprefix(f"{file}: ")))
            continue
        if not read:
            unreadable.append(Finding(str(file), "nothing_usable", "the file holds no task"))
        tasks += read
    report = check_annotations(tasks, ENTITY_LABELS, policy)
    report.errors[:0] = unreadable
    for finding in report.errors:
        print(f"ERROR {finding}")
    listed("skipped", [f"SKIPPED {p}" for p in report.skipped], args.show)
    accepted = read_accepted(accepted_file) if accepted_file and accepted_file.exists() else {}
    if not bundled and args.accepted is None and ACCEPTED.exists():
        print(f"note: {ACCEPTED.name} applies to annotations/ only (task ids); --accepted FILE applies a list here")
    open_warnings = [f for f in report.warnings if f.key not in accepted]
    stale = set(accepted) - {f.key for f in report.warnings}
    for key in sorted(stale):
        print(f"STALE accepted warning (no longer found; remove it from {accepted_file.name}): {chr(9).join(key)}")
    by_check: dict[str, list] = {}
    for finding in open_warnings:
        by_check.setdefault(finding.check, []).append(finding)
    for check, findings in sorted(by_check.items()):
        print(f"\n== {check}: {len(findings)} warning(s)")
        listed(check, [f"  {f.origin}: {f.message}" for f in findings], args.show)
    stats = statistics(report.documents)
    if report.documents:
        print(
            f"\n{stats['sentences']} sentences from {stats['reports']} reports, {stats['spans']} spans: "
            + ", ".join(f"{k} {v}" for k, v in sorted(stats["per_label"].items()))
        )
        if not args.no_readme and bundled:
            update_readme(
                ANNOTATIONS / "README.md",
                stats,
                Counter(f.check for f in open_warnings),
                len(accepted) - len(stale),
            )
    print(
        f"{len(tasks)} task(s) read, {len(report.documents)} used, {len(report.skipped)} skipped; "
        f"{len(report.errors)} error(s), {len(open_warnings)} warning(s) to review, "
        f"{len(accepted) - len(stale)} reviewed and kept"
    )
    return 1 if report.errors else 0


def listed(what: str, lines: list[str], show: int) -> None:
    """Print ``lines``, the first ``show`` of them (all for 0) and how many more there are."""
    for line in lines[: show or None]:
        print(line)
    if show and len(lines) > show:
        print(f"  ... {len(lines) - show} more {what} (--show 0 lists all)")


@command
def main(argv: list[str] | None = None) -> None:
    sys.exit(check(argv))


if __name__ == "__main__":
    main()

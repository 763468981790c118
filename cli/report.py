"""``brink report`` and ``brink compare``: read batch results (analysis/) and write a report.

Registering these subcommands costs nothing: the analysis modules (and with them altair and
vl-convert) are imported inside the commands, only when one of them runs, not for every
``brink run``. That is for start-up time only: analysis/ never imports cli/, so there is no
cycle to avoid.
"""

from __future__ import annotations

from pathlib import Path

from engine.core.errors import UsageError
from engine.narrate.safe_text import one_line

FORMATS = ("html", "md")


def output_path(default_dir: Path, out: Path | None, fmt: str | None,
                stem: str) -> tuple[Path, str]:
    """The file to write and its format: ``--format`` wins, else ``--out``'s suffix; an
    existing folder as ``--out`` gets ``<stem>.<format>`` inside it."""
    if fmt is None:
        fmt = "md" if out is not None and out.suffix.lower() == ".md" else "html"
    try:
        if out is None:
            out = default_dir / f"{stem}.{fmt}"
        elif out.is_dir():
            out = out / f"{stem}.{fmt}"
        if (out.exists() or out.is_symlink()) and not out.is_file():
            # a FIFO would block the write until someone reads it; a device is not a report
            raise UsageError(f"cannot write {out}: it exists and is not a regular file")
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
    return out, fmt


def write(report, out: Path, fmt: str) -> str:
    """Write the report; return a line saying what was written."""
    from analysis.render import write_report

    try:
        files = write_report(report, out, fmt)
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
    figures = f" and {len(files) - 1} figures in {files[1].parent}/" if len(files) > 1 else ""
    return f"wrote {out}{figures}"


def _format_options(p, default: str) -> None:
    p.add_argument("--out", type=Path, help=f"report file (default {default})")
    p.add_argument("--format", choices=FORMATS, help="html (one self-contained file that opens "
                   "offline; the default unless --out ends in .md) or md (Markdown, with PNG "
                   "figures in <name>_files/ beside it)")


def add_parsers(sub) -> None:
    _add_report_parser(sub)
    _add_compare_parser(sub)


def _add_report_parser(sub) -> None:
    p = sub.add_parser("report", help="write an HTML or Markdown report of a batch",
                       description="Write a self-contained report of a batch: summary, "
                                   "outcome probabilities, fan charts, policy comparison, "
                                   "sensitivity, scenario discovery and convergence.")
    p.add_argument("batch", type=Path, help="a batch folder (the --out of brink batch)")
    _format_options(p, "BATCH/report.html")
    p.add_argument("--outcome", action="append", metavar="ID",
                   help="report only these named outcomes (repeatable; default: all)")
    p.add_argument("--threshold", action="append", metavar="COLUMN>=VALUE",
                   help="an ad-hoc outcome on a runs column (repeatable; replaces the default "
                        "ones), e.g. 'max.north_korea.troops_abroad>=50000'")
    p.set_defaults(func=cmd_report)


def cmd_report(args) -> int:
    from analysis.batch import load_batch
    from analysis.report import build_report, parse_threshold

    batch = load_batch(args.batch)
    thresholds = None
    if args.threshold:
        thresholds = [parse_threshold(t, batch.runs, batch.label) for t in args.threshold]
    out, fmt = output_path(args.batch, args.out, args.format, "report")
    print(write(build_report(batch, args.outcome, thresholds), out, fmt))
    return 0


def _add_compare_parser(sub) -> None:
    p = sub.add_parser("compare", help="compare two batches of the same scenario",
                       description="Print the differences B - A between two batches of one "
                                   "scenario: outcome probabilities (Newcombe 95% intervals) "
                                   "and medians (bootstrap 95% intervals).")
    p.add_argument("a", type=Path, help="batch folder A (the baseline)")
    p.add_argument("b", type=Path, help="batch folder B")
    _format_options(p, "none: print the table only")
    p.set_defaults(func=cmd_compare)


def cmd_compare(args) -> int:
    from analysis.batch import load_batch
    from analysis.batch_compare import (
        column_label,
        compare_batches,
        comparison_report,
        difference_table,
        labels,
        text_table,
    )

    a, b = load_batch(args.a), load_batch(args.b)
    table = compare_batches(a, b)
    first, second = labels(a, b)
    print(f"A = {one_line(first)} ({len(a.runs):,} runs), B = {one_line(second)} "
          f"({len(b.runs):,} runs), scenario {one_line(a.title)}")
    print(text_table(difference_table(table, column_label(a))))
    if args.out is not None or args.format is not None:
        out, fmt = output_path(Path.cwd(), args.out, args.format, "comparison")
        print(write(comparison_report(a, b, table), out, fmt))
    return 0

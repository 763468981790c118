"""``brink check-model``: the calibration suite (analysis/calibration.py) against the record,
or with --screening the Morris ranking of the parameters (analysis/screening.py)."""

from __future__ import annotations

import sys
import time
from datetime import timedelta
from pathlib import Path

from analysis import intelligence, screening
from analysis.calibration import (
    DEFAULT_RUNS,
    DEFAULT_SEED,
    SuiteError,
    render_page,
    run_suite,
    text_table,
)
from cli.status import write_page
from engine.batch.runner import MAX_SEED, worker_limit
from engine.core.errors import UsageError


def add_parsers(sub) -> None:
    p = sub.add_parser(
        "check-model", help="run the calibration suite and compare the model with the record",
        description="Play the calibration scenarios through the batch engine and compare each "
                    "target's model median and 90% interval with the sourced figure "
                    "(docs/reference/calibration-sources.md). --screening ranks the parameters "
                    "that drive escalation and strain instead (Morris elementary effects).")
    p.add_argument("--runs", type=int, default=DEFAULT_RUNS,
                   help=f"seeded runs per target (default {DEFAULT_RUNS})")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED,
                   help=f"root seed (default {DEFAULT_SEED})")
    p.add_argument("--workers", type=int, help="worker processes (default: all cores)")
    p.add_argument("--out", type=Path, help="also write the table as a Markdown page "
                   "(docs/reference/validation.md)")
    p.add_argument("--screening", action="store_true",
                   help="rank the parameters by Morris elementary effects instead")
    p.add_argument("--trajectories", type=int, default=None,
                   help="Morris trajectories for --screening (default 20)")
    p.add_argument("--model-doc", type=Path,
                   help="with --screening: rewrite the screening section of this page "
                        "(docs/reference/model.md)")
    p.set_defaults(func=cmd_check_model)


def cmd_check_model(args) -> int:
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be at least 1, got {args.workers}")
    if not 0 <= args.seed <= MAX_SEED:
        raise UsageError(f"--seed must be between 0 and {MAX_SEED:,}")
    if args.workers is not None and args.workers > worker_limit():  # runs are CPU-bound
        print(f"brink: note: --workers {args.workers:,} is more than 2 per core; using "
              f"{worker_limit()}", file=sys.stderr)
        args.workers = worker_limit()
    if args.screening:
        return _cmd_screening(args)
    if args.model_doc is not None or args.trajectories is not None:
        raise UsageError("--model-doc and --trajectories go with --screening")
    if args.out is not None and args.out.is_dir():
        raise UsageError(f"--out {args.out} is a folder; name the Markdown file")
    t0 = time.perf_counter()
    try:
        results = run_suite(args.runs, args.seed, args.workers, progress=sys.stderr.isatty())
    except SuiteError as exc:
        raise UsageError(str(exc)) from None
    print(text_table(results))
    rows = intelligence.run(args.seed, args.workers)
    print("\nIntelligence: stated 90% ranges and confidence labels against the truth\n")
    print(intelligence.text_table(rows))
    if args.out is not None:
        write_page(args.out, render_page(results, args.runs, args.seed, rows))
        print(f"wrote {args.out}")
    print(f"suite took {elapsed_text(time.perf_counter() - t0)}", file=sys.stderr)
    return 0


def _cmd_screening(args) -> int:
    if args.out is not None:
        raise UsageError("--out writes the validation page; with --screening use --model-doc")
    trajectories = (screening.TRAJECTORIES if args.trajectories is None  # 0 is refused
                    else args.trajectories)
    t0 = time.perf_counter()
    try:
        table = screening.screen(trajectories=trajectories, workers=args.workers,
                                 seed=args.seed)
    except screening.ScreeningError as exc:
        raise UsageError(str(exc)) from None
    print(screening.text_ranking(table))
    if args.model_doc is not None:
        section = screening.render_section(table, trajectories, screening.SEEDS, args.seed)
        try:
            screening.update_model_doc(args.model_doc, section)
        except OSError as exc:
            raise UsageError(f"cannot update {args.model_doc}: {exc.strerror}") from None
        except screening.ScreeningError as exc:
            raise UsageError(str(exc)) from None
        print(f"updated the screening section of {args.model_doc}")
    print(f"screening took {elapsed_text(time.perf_counter() - t0)}", file=sys.stderr)
    return 0


def elapsed_text(seconds: float) -> str:
    return str(timedelta(seconds=round(seconds)))

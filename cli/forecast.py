"""``brink forecast``: a scenario's outcomes played forward under its stated uncertainty, as a
page to register before the facts are known (analysis/forecast.py)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from analysis.forecast import ForecastError, make_forecast, render_forecast
from cli.status import write_page
from engine.batch.runner import MAX_SEED
from engine.core.errors import UsageError


def add_parsers(sub) -> None:
    p = sub.add_parser(
        "forecast", help="forecast a scenario's outcomes by quarter, to judge out of sample",
        description="Play a batch of the scenario with every uncertain parameter sampled and "
                    "write, for each declared outcome, its probability and its quantity's "
                    "median and 90%% band at the end of each quarter from --from to the end.")
    p.add_argument("scenario", type=Path)
    p.add_argument("--runs", type=int, default=400, help="seeded runs (default 400)")
    p.add_argument("--seed", type=int, default=2025, help="root seed (default 2025)")
    p.add_argument("--from", dest="start", help="first day of the forecast, YYYY-MM-DD "
                   "(default: the scenario's start)")
    p.add_argument("--workers", type=int, help="worker processes (default: all cores)")
    p.add_argument("--out", type=Path, help="write the Markdown page here")
    p.set_defaults(func=cmd_forecast)


def cmd_forecast(args) -> int:
    if args.runs < 1:
        raise UsageError(f"--runs must be at least 1, got {args.runs}")
    if not 0 <= args.seed <= MAX_SEED:
        raise UsageError(f"--seed must be between 0 and {MAX_SEED:,}")
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be at least 1, got {args.workers}")
    try:
        start = date.fromisoformat(args.start) if args.start else None
    except ValueError:
        raise UsageError(f"--from expects a date as YYYY-MM-DD, got {args.start!r}") from None
    try:
        forecast = make_forecast(args.scenario, args.runs, args.seed, start, args.workers,
                                 progress=sys.stderr.isatty())
    except ForecastError as exc:
        raise UsageError(str(exc)) from None
    command = (f"brink forecast {args.scenario.as_posix()} --runs {args.runs} "
               f"--seed {args.seed}" + (f" --from {args.start}" if args.start else ""))
    page = render_forecast(forecast, command)
    if args.out is None:
        print(page, end="")
    else:
        write_page(args.out, page)
        print(f"wrote {args.out}")
    return 0

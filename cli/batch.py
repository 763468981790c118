"""``brink batch``: the command-line face of engine.batch (the Monte Carlo runner)."""

from __future__ import annotations

import sys
from pathlib import Path

from engine.batch.runner import (
    DEFAULT_CHUNK,
    MAX_CHUNK,
    MAX_CHUNK_RUN_TURNS,
    MAX_RUNS,
    WORKERS_PER_CORE,
    BatchError,
    parse_lever_args,
    run_batch,
    usable_cores,
    worker_limit,
)
from engine.batch.sampling import SAMPLERS
from engine.batch.store import MANIFEST, BatchStore
from engine.narrate.explain import summary_label
from engine.narrate.safe_text import one_line


def add_parsers(sub) -> None:
    p = sub.add_parser(
        "batch", help="run many seeded replications over uncertainties and levers",
        description="Run a Monte Carlo batch. Results stream to Parquet parts under --out; "
                    "the exit status is 0 when every run succeeded, 1 when some failed, "
                    "2 for a bad request.")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--runs", type=int, default=1000,
                   help=f"runs per lever combination (default 1000; at most {MAX_RUNS:,} runs "
                        "in all)")
    p.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    p.add_argument("--sampler", choices=SAMPLERS, default="mc",
                   help="how to sample the declared uncertainties (default mc; fixed = "
                        "replications at the scenario's point values)")
    p.add_argument("--grid-levels", type=int, default=3,
                   help="levels per parameter for --sampler grid (default 3)")
    p.add_argument("--lever", action="append", metavar="NAME=v1,v2",
                   help="cross these lever values with the replications (repeatable); "
                        "default: every option of every lever the scenario declares")
    p.add_argument("--out", type=Path, help="output folder (required to keep or resume)")
    p.add_argument("--workers", type=int, help="local worker processes (default: all cores; "
                   f"at most {WORKERS_PER_CORE} per core)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="run on an existing Dask distributed cluster instead")
    p.add_argument("--per-turn", action="store_true", help="also keep a per-turn table")
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted batch in --out without redoing finished chunks")
    p.add_argument("--turns", type=int, help="play fewer turns than the scenario's clock")
    p.add_argument("--chunk-size", type=int,
                   help=f"runs per chunk (default {DEFAULT_CHUNK}, fewer with --per-turn over "
                        f"more than {MAX_CHUNK_RUN_TURNS // DEFAULT_CHUNK} turns; at most "
                        f"{MAX_CHUNK:,}, and with --per-turn at most {MAX_CHUNK_RUN_TURNS:,} "
                        "runs x turns)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_batch)


def cmd_batch(args) -> int:
    if args.out is None:
        raise BatchError("--out is required: batches stream their results to a folder")
    if args.resume and not _holds_manifest(args.out):
        raise BatchError(f"--resume: {args.out} holds no batch to resume")
    if args.workers is not None and args.scheduler is None and args.workers > worker_limit():
        print(f"brink: note: --workers {args.workers:,} is more than {WORKERS_PER_CORE} per "
              f"core ({usable_cores()} cores here); using {worker_limit()}", file=sys.stderr)
    levers = parse_lever_args(args.lever) if args.lever else None
    try:
        result = run_batch(args.scenario, runs=args.runs, seed=args.seed, sampler=args.sampler,
                           levers=levers, out=args.out, workers=args.workers,
                           scheduler=args.scheduler, per_turn=args.per_turn,
                           resume=args.resume, turns=args.turns, grid_levels=args.grid_levels,
                           chunk_size=args.chunk_size, progress=not args.quiet, load=False)
    except KeyboardInterrupt:
        print(f"\nbrink: interrupted; finished chunks are saved. Continue with:\n"
              f"  brink batch {one_line(' '.join(sys.argv[2:]))} --resume", file=sys.stderr)
        return 130
    m = result.manifest
    for chunk, why in m.get("redone", {}).items():
        print(f"brink: note: chunk {chunk} redone: {one_line(why)}", file=sys.stderr)
    print(f"{m['total_runs']:,} runs of {one_line(m['scenario_id'])} ({m['sampler']}, seed "
          f"{m['seed']}, {m['executor']} x{m['workers']}) in {m['seconds_this_session']:.1f} s; "
          f"{m['failures']} failed")
    print(f"results in {one_line(args.out)}/: runs/, design.parquet, manifest.json"
          + (", per_turn/" if args.per_turn else "") + (", failures/" if m["failures"] else ""))
    store = BatchStore(args.out)
    outcomes = store.outcome_columns()
    runs = store.read("runs", columns=outcomes) if outcomes else None
    if outcomes and len(runs):
        print("outcome probabilities:")
        names = [one_line(summary_label(c, m.get("labels"))) for c in outcomes]
        width = max(len(n) for n in names)
        for c, name in zip(outcomes, names, strict=True):
            print(f"  {name:{width}s} {runs[c].mean():6.1%}")
    return 1 if m["failures"] else 0


def _holds_manifest(out: Path) -> bool:
    try:
        return (out / MANIFEST).exists()
    except OSError:
        return False

"""``brink batch``: the command-line face of engine.batch."""

from __future__ import annotations

import sys
from pathlib import Path

from engine.batch.runner import BatchError, parse_lever_args, run_batch
from engine.batch.sampling import SAMPLERS
from engine.explain import summary_label


def add_parser(sub) -> None:
    p = sub.add_parser(
        "batch", help="run many seeded replications over uncertainties and levers",
        description="Run a Monte Carlo batch. Results stream to Parquet parts under --out; "
                    "the exit status is 0 when every run succeeded, 1 when some failed, "
                    "2 for a bad request.")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--runs", type=int, default=1000,
                   help="runs per lever combination (default 1000)")
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
    p.add_argument("--workers", type=int, help="local worker processes (default: all cores)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="run on an existing Dask distributed cluster instead")
    p.add_argument("--per-turn", action="store_true", help="also keep a per-turn table")
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted batch in --out without redoing finished chunks")
    p.add_argument("--turns", type=int, help="play fewer turns than the scenario's clock")
    p.add_argument("--chunk-size", type=int, default=200, help="runs per chunk (default 200)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_batch)


def cmd_batch(args) -> int:
    if args.out is None:
        raise BatchError("--out is required: batches stream their results to a folder")
    if args.resume and not (args.out / "manifest.json").exists():
        raise BatchError(f"--resume: {args.out} holds no batch to resume")
    levers = parse_lever_args(args.lever) if args.lever else None
    try:
        result = run_batch(args.scenario, runs=args.runs, seed=args.seed, sampler=args.sampler,
                           levers=levers, out=args.out, workers=args.workers,
                           scheduler=args.scheduler, per_turn=args.per_turn,
                           resume=args.resume, turns=args.turns, grid_levels=args.grid_levels,
                           chunk_size=args.chunk_size, progress=not args.quiet)
    except KeyboardInterrupt:
        print(f"\nbrink: interrupted; finished chunks are saved. Continue with:\n"
              f"  brink batch {' '.join(sys.argv[2:])} --resume", file=sys.stderr)
        return 130
    m = result.manifest
    print(f"{m['total_runs']:,} runs of {m['scenario_id']} ({m['sampler']}, seed {m['seed']}, "
          f"{m['executor']} x{m['workers']}) in {m['seconds_this_session']:.1f} s; "
          f"{m['failures']} failed")
    print(f"results in {args.out}/: runs/, design.parquet, manifest.json"
          + (", per_turn/" if args.per_turn else "") + (", failures/" if m["failures"] else ""))
    outcomes = [c for c in result.runs.columns if c.startswith("outcome.")]
    if outcomes and len(result.runs):
        print("outcome probabilities:")
        names = [summary_label(c, m.get("labels")) for c in outcomes]
        width = max(len(n) for n in names)
        for c, name in zip(outcomes, names, strict=True):
            print(f"  {name:{width}s} {result.runs[c].mean():6.1%}")
    return 1 if m["failures"] else 0

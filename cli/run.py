"""``brink run``: play a scenario with the engine playing every actor, print the turn table
and, with --out, write the run's files (engine/sim/runfiles.py)."""

from __future__ import annotations

from pathlib import Path

from engine.batch.runner import MAX_SEED
from engine.core.errors import UsageError
from engine.narrate.explain import explain_turn, turn_table
from engine.narrate.safe_text import terminal
from engine.scenario.loader import load_scenario
from engine.sim.model import BrinkModel, replay_policies
from engine.sim.runfiles import RUN_FILES, read_move_log, write_run


def add_parsers(sub) -> None:
    run = sub.add_parser("run", help="play a scenario with the engine playing every actor")
    run.add_argument("scenario", help="scenario YAML file")
    run.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    run.add_argument("--turns", type=int, help="play fewer turns than the scenario's clock")
    run.add_argument("--out", type=Path, help="write the per-turn frame, causal log, events, "
                     "move log and summary to this folder")
    run.add_argument("--explain", type=int, metavar="TURN",
                     help="print why each headline figure changed in TURN")
    run.add_argument("--replay", type=Path, metavar="MOVES",
                     help="replay a move log (moves.json from --out) instead of the policies")
    run.add_argument("--quiet", action="store_true", help="do not print the turn table")
    run.set_defaults(func=cmd_run)


def cmd_run(args) -> int:
    if args.seed < 0:  # numpy refuses negative seeds with a traceback
        raise UsageError(f"--seed must be 0 or more, got {args.seed}")
    if args.seed > MAX_SEED:
        raise UsageError(f"--seed must be at most {MAX_SEED:,} (2^63 - 1)")
    scenario = load_scenario(args.scenario)
    turns = args.turns if args.turns is not None else scenario.clock.turns
    if not 1 <= turns <= scenario.clock.turns:
        raise UsageError(f"--turns must be between 1 and {scenario.clock.turns}, got {turns}")
    if args.explain is not None and not 1 <= args.explain <= turns:
        raise UsageError(f"--explain must name a played turn, 1 to {turns}; got {args.explain}")
    if args.out is not None and _exists(args.out) and not args.out.is_dir():
        raise UsageError(f"--out {args.out} exists and is not a folder")
    if args.out is not None and args.out.is_dir():
        for name in RUN_FILES:  # writing into a FIFO would block, into a device never end
            file = args.out / name
            if file.is_symlink() or (file.exists() and not file.is_file()):
                raise UsageError(f"--out {args.out}: {name} exists and is not a regular file")
    if args.out is not None:  # before a game is played: it would be lost at the end
        try:
            args.out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"cannot write to {args.out}: {exc.strerror or exc}") from None
    policies = None
    if args.replay is not None:
        policies = replay_policies(scenario, read_move_log(args.replay, scenario))
    model = BrinkModel(scenario, rng=args.seed, turns=turns, policies=policies)
    model.run()
    if not args.quiet:  # user text in it (names, inject texts) is made safe to print
        print(terminal(turn_table(model)))
    if args.explain is not None:
        print()
        print(terminal(explain_turn(model, args.explain)))
    if args.out is not None:
        write_run(model, args.out, args.scenario, args.seed)
        print(f"\nwrote {args.out}/: per_turn.parquet, per_turn.csv, causal_log.csv, "
              "events.csv, moves.json, summary.json, manifest.json")
    return 0


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError as exc:  # e.g. a parent without search permission
        raise UsageError(f"cannot use {path}: {exc.strerror}") from None

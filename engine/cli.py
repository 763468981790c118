"""The ``brink`` command line.

    brink run FILE [--seed N] [--turns N] [--out DIR] [--explain TURN] [--replay MOVES]
    brink validate FILE... [--play [--seeds N,N,...] [--turns N]]
    brink schema
    brink moves

Exit status: 0 done; 1 the command could not finish (a batch stopped, a run failed, or an
unexpected error: one line, BRINK_TRACEBACK=1 shows where); 2 bad input (a bad scenario, a bad
argument or file), with a message on stderr and never a traceback. Files given to read are
refused before they are read when they are not regular files (a FIFO, /dev/zero) or are above
their limit (docs/reference/limits.md, "The command line").
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import math
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from engine import __version__
from engine.batch.cli import add_parser as add_batch_parser
from engine.batch.runner import MAX_SEED, BatchError, BatchFailed
from engine.batch.store import PartError, read_limited
from engine.core.provenance import engine_fingerprint
from engine.moves.catalogue import CATALOGUE, Move, MoveType, Refs, check_static, needs
from engine.narrate.safe_text import csv_frame, one_line, terminal
from engine.scenario.loader import ScenarioError, load_scenario
from engine.scenario.schema import Scenario

EXIT_FAILED = 1
RUN_FILES = ("per_turn.parquet", "per_turn.csv", "causal_log.csv", "events.csv", "moves.json",
             "summary.json", "manifest.json")  # what brink run --out writes
EXIT_USAGE = 2
MAX_MOVE_LOG_BYTES = 16 << 20  # a 52-turn run's moves.json is ~100 KB; 16 MiB leaves room
MAX_MESSAGE = 1000  # characters of an error message (they may quote what the user gave)
MAX_CHECK_SEEDS = 20  # seeds of brink validate --play (each plays about seven games)

AddParser = Callable[[argparse._SubParsersAction], None]


class UsageError(Exception):
    """A bad argument; reported in one line with exit status 2."""


def main(argv: list[str] | None = None, commands: Iterable[AddParser] = ()) -> int:
    """Run the command line. ``commands`` adds subcommands from layers above the engine
    (analysis/ adds ``report``, ``compare`` and ``check-model``) without the engine
    importing them."""
    parser = _parser(commands)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ScenarioError as exc:
        print(exc.render(), file=sys.stderr)
        return EXIT_USAGE
    except (UsageError, BatchError) as exc:
        return _error(exc, EXIT_USAGE)
    except (BatchFailed, PartError) as exc:  # a batch that stopped, a damaged part
        return _error(exc, EXIT_FAILED)
    except KeyboardInterrupt:
        print("brink: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `brink run ... | head`
        _silence_stdout()
        return 0
    except MemoryError:
        return _error("out of memory; ask for less (fewer runs, turns or files)", EXIT_FAILED)
    except Exception as exc:  # a bug, or an environment brink did not foresee
        if os.environ.get("BRINK_TRACEBACK"):
            raise
        text = " ".join(str(exc).split())
        return _error(f"unexpected {type(exc).__name__}" + (f": {text}" if text else "")
                      + " (set BRINK_TRACEBACK=1 to see where)", EXIT_FAILED)


def _error(message, status: int) -> int:
    """Print ``brink: error: MESSAGE`` on one line (control characters shown as escapes, cut
    at MAX_MESSAGE characters) and return ``status``."""
    text = one_line(message)
    if len(text) > MAX_MESSAGE:
        text = text[:MAX_MESSAGE - 3] + "..."
    with contextlib.suppress(OSError):  # stderr closed: the status still says it
        print(f"brink: error: {text}", file=sys.stderr)
    return status


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so that the interpreter's final flush
    does not fail again with a second message."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line (what is wrong and where to read more), not
    the usage block; exit status 2 as argparse's."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _parser(commands: Iterable[AddParser] = ()) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="brink", description="Sanctions-and-escalation scenario game engine.")
    parser.add_argument("--version", action="version", version=f"brink {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

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

    validate = sub.add_parser("validate", help="check scenario files")
    validate.add_argument("files", nargs="+")
    validate.add_argument("--play", action="store_true",
                          help="also play each file and run the conformance checks "
                          "(invariants, determinism across processes, move-log replay, "
                          "forks, an inert actor); exit status 2 when one fails")
    validate.add_argument("--seeds", type=_seed_list, metavar="N,N,...",
                          help="with --play: the seeds to play (default 7,2024; at most "
                          f"{MAX_CHECK_SEEDS})")
    validate.add_argument("--turns", type=int,
                          help="with --play: play only the first TURNS turns")
    validate.set_defaults(func=cmd_validate)

    schema = sub.add_parser("schema", help="print the JSON Schema of the scenario format")
    schema.set_defaults(func=cmd_schema)

    moves = sub.add_parser("moves", help="list the move catalogue")
    moves.set_defaults(func=cmd_moves)

    add_batch_parser(sub)
    for add_parser in commands:
        add_parser(sub)
    return parser


# --- run ---------------------------------------------------------------------------------------


def cmd_run(args) -> int:
    from engine.narrate.explain import explain_turn, turn_table
    from engine.sim.model import BrinkModel, replay_policies

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


def scenario_hash(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_run(model, out: Path, scenario_path, seed: int) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        frame = model.frame()
        frame.to_parquet(out / "per_turn.parquet", index=False)
        # CSV for spreadsheets: no text cell may start a formula
        # (engine.narrate.safe_text.csv_frame)
        csv_frame(frame).to_csv(out / "per_turn.csv", index=False)
        csv_frame(model.log_frame()).to_csv(out / "causal_log.csv", index=False)
        csv_frame(model.events_frame()).to_csv(out / "events.csv", index=False)
        (out / "moves.json").write_text(json.dumps(move_log_json(model.move_log), indent=1))
        (out / "summary.json").write_text(json.dumps(model.summary(), indent=1, default=str))
        manifest = {"engine_version": __version__, "engine_sha256": engine_fingerprint(),
                    "scenario": str(scenario_path),
                    "scenario_id": model.spec.id, "scenario_sha256": scenario_hash(scenario_path),
                    "seed": seed, "turns": model.state.turn}
        (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    except OSError as exc:
        raise UsageError(f"cannot write to {out}: {exc.strerror}") from None


def move_log_json(moves: list[Move]) -> list[dict]:
    return [{"id": m.id, "actor": m.actor, "move": m.type.value, "params": m.params,
             "source": m.source, "rationale": m.rationale} for m in moves]


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is not a finite number")
    return value


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number")


def read_move_log(path: Path, scenario: Scenario) -> list[Move]:
    """Read moves.json; every entry must name a known actor, turn and move with valid params."""
    try:  # a FIFO or /dev/zero is refused before anything is read
        raw = read_limited(path, MAX_MOVE_LOG_BYTES)
    except OSError as exc:
        raise UsageError(f"cannot read move log {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise UsageError(f"cannot read move log {path}: it {exc}") from None
    try:
        data = json.loads(raw.decode("utf-8"), parse_float=_finite,
                          parse_constant=_no_constant)
    except UnicodeDecodeError as exc:
        raise UsageError(f"cannot read move log {path}: not UTF-8 text (byte {exc.start})"
                         ) from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except ValueError as exc:  # from _finite or _no_constant: NaN and infinities
        raise UsageError(f"{path}: not valid JSON: {exc}") from None
    except RecursionError:
        raise UsageError(f"{path}: not valid JSON: nested too deeply") from None
    if not isinstance(data, list):
        raise UsageError(f"{path}: expected a list of moves")
    refs = Refs.from_scenario(scenario)
    moves = []
    for i, entry in enumerate(data):
        try:
            if entry["actor"] not in scenario.actor_ids:
                raise ValueError(f"unknown actor '{entry['actor']}'")
            try:
                turn = int(str(entry["id"]).split(".")[0][1:])
            except ValueError:
                raise ValueError(f"id {entry['id']!r} is not t<turn>.<actor>.<n>") from None
            if not 1 <= turn <= scenario.clock.turns:
                raise ValueError(f"turn {turn} is outside 1..{scenario.clock.turns}")
            params = entry.get("params", {})
            if not isinstance(params, dict):
                raise ValueError(f"params must be a mapping, got {params!r}")
            move = Move(entry["actor"], MoveType(entry["move"]), params,
                        id=f"t{turn}.{entry['actor']}.0", source=entry.get("source", "policy"))
            problem = check_static(refs, move.actor, move.type.value, move.params)
            if problem and move.source != "inject":  # inject moves are not replayed
                raise ValueError(problem[1])
            moves.append(move)
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise UsageError(f"{path}: move {i} is malformed ({exc})") from None
    return moves


# --- validate, schema, moves -------------------------------------------------------------------


def _seed_list(text: str) -> tuple[int, ...]:
    """--seeds: whole numbers from 0 to 2^63 - 1, separated by commas."""
    try:
        seeds = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected whole numbers separated by commas, e.g. 7,2024; got {text!r}") from None
    if not 1 <= len(seeds) <= MAX_CHECK_SEEDS:
        raise argparse.ArgumentTypeError(f"give 1 to {MAX_CHECK_SEEDS} seeds, got {len(seeds)}")
    bad = next((s for s in seeds if not 0 <= s <= MAX_SEED), None)
    if bad is not None:
        raise argparse.ArgumentTypeError(f"seeds must lie in 0..{MAX_SEED:,} (2^63 - 1), "
                                         f"got {bad}")
    return seeds


def cmd_validate(args) -> int:
    """Each file's verdict; status 2 when any file is bad (the loader's messages), else 0.
    Every file is checked, whatever happened to the one before. With --play, each valid file
    is also played and put through the conformance checks (engine/sim/conformance.py): one line
    per failed check, then a summary line; status 2 when a check fails."""
    if not args.play and (args.seeds is not None or args.turns is not None):
        raise UsageError("--seeds and --turns go with --play")
    status = 0
    process = None
    try:
        for name in args.files:
            try:
                scenario = load_scenario(name)
            except ScenarioError as exc:
                print(exc.render(), file=sys.stderr)
                status = EXIT_USAGE
                continue
            except Exception as exc:  # the loader promises ScenarioError; this is a bug
                print(one_line(f"{name}: cannot check: unexpected {type(exc).__name__}: "
                               f"{exc}")[:MAX_MESSAGE], file=sys.stderr)
                status = max(status, EXIT_FAILED)
                continue
            print(f"{one_line(name)}: ok ({one_line(scenario.id)}, {len(scenario.actors)} "
                  f"actors, {scenario.clock.turns} turns)")
            if args.play:
                from engine.sim.conformance import OtherProcess

                process = process or OtherProcess()
                status = max(status, _play_checks(name, scenario, args, process))
    finally:
        if process is not None:
            process.close()
    return status


def _play_checks(name: str, scenario: Scenario, args, process) -> int:
    """brink validate --play for one valid file: the failed checks and a summary."""
    from engine.sim.conformance import DEFAULT_SEEDS, check_scenario

    turns = args.turns
    if turns is not None and not 1 <= turns <= scenario.clock.turns:
        print(one_line(f"{name}: --turns must be between 1 and {scenario.clock.turns}, got "
                       f"{turns}"), file=sys.stderr)
        return EXIT_USAGE
    try:
        report = check_scenario(name, args.seeds or DEFAULT_SEEDS, turns, process=process)
    except ScenarioError as exc:  # the file changed since it was validated
        print(exc.render(), file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # the checker's own failure, not the scenario's
        print(one_line(f"{name}: cannot play the checks: unexpected {type(exc).__name__}: "
                       f"{exc}")[:MAX_MESSAGE], file=sys.stderr)
        return EXIT_FAILED
    for result in report.failures:
        print(one_line(f"{name}: FAIL {result.name}: {result.message}"))
    print(one_line(f"{name}: {report.summary()}"))
    return 0 if report.ok else EXIT_USAGE


def schema_json() -> str:
    return json.dumps(Scenario.model_json_schema(by_alias=True), indent=2) + "\n"


def cmd_schema(args) -> int:
    sys.stdout.write(schema_json())
    return 0


def moves_table() -> str:
    rows = [("id", "who may use it", "parameters and bounds", "visibility", "category",
             "points")]
    for spec in CATALOGUE.values():
        rows.append((spec.type.value, " or ".join(needs(spec)) or "any actor",
                     "; ".join(p.describe() for p in spec.params) or "-",
                     spec.visibility.value, spec.category.name.lower().replace("_", "-"),
                     str(spec.points)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def moves_notes() -> str:
    """What the kind- and package-valued parameters mean."""
    from engine.moves.catalogue import SANCTION_PACKAGES, SUPPORT_KINDS

    lines = ["", "pay_support kinds (amount per turn):"]
    lines += [f"  {kind:11s} {low:g}..{high:g} {unit}" for kind, (low, high, unit)
              in SUPPORT_KINDS.items()]
    lines += ["", "sanction packages (share of each sector's trade blocked at full enforcement):"]
    for package, coverage in SANCTION_PACKAGES.items():
        shares = ", ".join(f"{sector} {share:.0%}" for sector, share in coverage.items())
        lines.append(f"  {package:13s} {shares}")
    lines += ["", "Points are Rivera et al.'s escalation classes; covert moves count "
              "covert_points_weight of theirs. Details: docs/reference/model.md."]
    return "\n".join(lines)


def cmd_moves(args) -> int:
    print(moves_table())
    print(moves_notes())
    return 0


if __name__ == "__main__":
    sys.exit(main())

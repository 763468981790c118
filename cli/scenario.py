"""``brink validate``, ``brink schema`` and ``brink moves``: check scenario files (and, with
--play, put them through the conformance checks of engine/sim/conformance.py), print the JSON
Schema of the format and list the move catalogue."""

from __future__ import annotations

import argparse
import json
import sys

from cli.status import EXIT_FAILED, EXIT_USAGE, MAX_MESSAGE
from engine.batch.runner import MAX_SEED
from engine.core.errors import UsageError
from engine.moves.catalogue import CATALOGUE, SANCTION_PACKAGES, SUPPORT_KINDS, needs
from engine.narrate.safe_text import one_line
from engine.scenario.loader import ScenarioError, load_scenario
from engine.scenario.schema import Scenario
from engine.sim.conformance import DEFAULT_SEEDS, OtherProcess, check_scenario

MAX_CHECK_SEEDS = 20  # seeds of brink validate --play (each plays about seven games)


def add_parsers(sub) -> None:
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


# --- validate ----------------------------------------------------------------------------------


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
                process = process or OtherProcess()
                status = max(status, _play_checks(name, scenario, args, process))
    finally:
        if process is not None:
            process.close()
    return status


def _play_checks(name: str, scenario: Scenario, args, process) -> int:
    """brink validate --play for one valid file: the failed checks and a summary."""
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


# --- schema, moves -----------------------------------------------------------------------------


def schema_json() -> str:
    """The JSON Schema of the scenario format (scenarios/scenario.schema.json is its output)."""
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

"""The files of one played game: what ``brink run --out`` writes (the per-turn frame, causal
log, events, move log, summary and manifest) and the move log ``brink run --replay`` and the
conformance checker's replay read back.

A bad file or an unwritable folder is the user's mistake: :class:`UsageError`, in one line.
A move log is refused before it is read when it is not a regular file or is above
``MAX_MOVE_LOG_BYTES`` (docs/reference/limits.md, "The command line").
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

from engine import __version__
from engine.batch.store import read_limited
from engine.core.errors import UsageError
from engine.core.provenance import engine_fingerprint
from engine.moves.catalogue import Move, MoveType, Refs, check_static
from engine.narrate.safe_text import csv_frame
from engine.scenario.schema import Scenario

RUN_FILES = ("per_turn.parquet", "per_turn.csv", "causal_log.csv", "events.csv", "moves.json",
             "summary.json", "manifest.json")  # what brink run --out writes
MAX_MOVE_LOG_BYTES = 16 << 20  # a 52-turn run's moves.json is ~100 KB; 16 MiB leaves room


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
        (out / "moves.json").write_text(json.dumps(
            move_log_json(model.move_log, model.refused), indent=1))
        (out / "summary.json").write_text(json.dumps(model.summary(), indent=1, default=str))
        manifest = {"engine_version": __version__, "engine_sha256": engine_fingerprint(),
                    "scenario": str(scenario_path),
                    "scenario_id": model.spec.id, "scenario_sha256": scenario_hash(scenario_path),
                    "seed": seed, "turns": model.state.turn}
        (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    except OSError as exc:
        raise UsageError(f"cannot write to {out}: {exc.strerror}") from None


def move_log_json(moves: list[Move], refused: list[tuple[Move, str]] = ()) -> list[dict]:
    """The move log as moves.json keeps it, in the order the moves were adjudicated. The moves
    the engine refused (``refused``: (move, reason)) are kept too, marked with the reason: a
    replay submits them again, so it makes the same refusals and numbers the later moves of
    their turn as the game did."""
    entries = [(m, None) for m in moves] + list(refused)
    entries.sort(key=lambda entry: _adjudication_order(entry[0].id))
    return [{"id": m.id, "actor": m.actor, "move": m.type.value, "params": m.params,
             "source": m.source, "rationale": m.rationale}
            | ({"refused": reason} if reason is not None else {}) for m, reason in entries]


def _adjudication_order(move_id: str) -> tuple[int, int]:
    """``t<turn>.<actor>.<k>``: the turn and the move's place in that turn's queue."""
    turn, _actor, k = move_id.split(".")
    return int(turn[1:]), int(k)


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
            rationale = entry.get("rationale", "")
            if not isinstance(rationale, str):
                raise ValueError(f"rationale must be text, got {rationale!r}")
            move = Move(entry["actor"], MoveType(entry["move"]), params,
                        id=f"t{turn}.{entry['actor']}.0", source=entry.get("source", "policy"),
                        rationale=rationale)
            problem = check_static(refs, move.actor, move.type.value, move.params)
            # inject moves are not replayed; a refused move is replayed to be refused again
            if problem and move.source != "inject" and "refused" not in entry:
                raise ValueError(problem[1])
            moves.append(move)
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise UsageError(f"{path}: move {i} is malformed ({exc})") from None
    return moves

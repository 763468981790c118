"""A conformance checker for scenarios, after Gymnasium's ``check_env``: play a scenario and
check what every game of it must honour, whatever its actors, rules of thumb and numbers.

    from engine.sim.conformance import check_scenario

    report = check_scenario("scenarios/border-surge.yaml", seeds=(7, 2024))
    report.ok                 # True when no check failed
    print(report.text())      # one line per check: pass, FAIL or skip, and why
    report.raise_if_failed()  # ConformanceError (an AssertionError) naming each failed check

The checks, each over every seed (``brink validate --play FILE`` runs them from the shell):

    invariants    every invariant in ``INVARIANTS`` holds at turn 0 and after every turn
                  (no negative stocks, shares in [0, 1], the rung on the ladder, troops
                  conserved, the troop pipeline adding up, every value finite, ...)
    determinism   a second process plays the same seed to the same per-turn frame, causal
                  log, event feed, move log and summary, bit for bit
    replay        the game's move log, written as moves.json and read back, replayed by
                  scripted policies (``brink run --replay``) gives the same game
    fork          the game taken at the middle turn (``model.game_state()``) and continued
                  records what the game recorded; the futures' fork of that turn, given the
                  game's generator states, plays on exactly as the game did; two futures with
                  the same seed are equal; a fork of turn 0 equals a fresh game of that seed
    inert_actor   an added actor with no trade, no doctrine, no theatre and no capabilities
                  changes no named outcome and no figure of the summary

Each failure says what failed, where (seed, turn, actor, variable) and the likely fix. The one
list of invariants lives here (``INVARIANTS``, ``violations``): the property tests and the
shipped-scenario tests check the same list.

What a fork can reproduce: ``engine.sim.futures.fork(snapshot, seed)`` starts new generators from
``seed`` (a snapshot keeps no generator state: every future is a new draw of the dice), so a
fork is not the game's own continuation. ``BrinkModel(scenario, game=model.game_state())`` is:
the game state keeps the generators' states. The fork check tests both: the continuation
against the game, and the fork given the game's random streams (``model.streams``, the
policies' included) against the game, which proves that the snapshot carries everything
else the game needs and that a lean (``record=False``) game plays as a recorded one.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import json
import math
import os
import pickle
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from engine.core.ladder import TOP_RUNG
from engine.core.state import WorldState
from engine.core.streams import Streams, StreamStates
from engine.sim.runfiles import move_log_json, read_move_log

DEFAULT_SEEDS = (7, 2024)
CHECKS = ("invariants", "determinism", "replay", "fork", "inert_actor")
TITLES = {
    "invariants": "invariants hold at every turn",
    "determinism": "a second process plays the same game",
    "replay": "replaying the move log plays the same game",
    "fork": "a fork continues the game exactly",
    "inert_actor": "an inert actor changes no outcome",
}
MAX_FINDINGS = 20  # findings kept per check; the message says how many there were
INERT_ID = "inert_actor"
ENGINE_BUG = ("a scenario file cannot cause this: it is an engine bug; report it with the file "
              "and the seed")

# --- the one list of invariants ----------------------------------------------------------------

TROOP_STOCKS = ("forces_home", "queued", "in_transit", "deployed", "front", "reserve", "killed",
                "wounded")
# Stocks that can never be negative. ``mobilised`` is not one: it is a flow, and an inject that
# removes troops from forces_home books a negative mobilisation.
NON_NEGATIVE = (*TROOP_STOCKS, "munitions", "munitions_production", "reserves")
SHARES = ("strain", "stability", "readiness", "reserve_readiness", "resolve", "credibility",
          "repression", "intel_quality", "concealment")

_STOCK_FIX = {
    "forces_home": "more troops leave home than there are: check the inject effects on "
                   "forces_home and the troops the scenario's moves send, rotate or mobilise",
    "queued": "a move or inject removes more troops than are waiting for transport; check the "
              "inject effects on forces_home and the troop moves of that turn",
    "in_transit": "more troops arrive or return than are on the way: the logistics rule lost "
                  "a cohort (engine/rules/logistics.py); " + ENGINE_BUG,
    "deployed": "more troops leave the theatre (casualties, rotation, withdrawal) than are "
                "there; check the withdraw and rotate moves of that turn",
    "front": "more troops leave the front than fight there; check the withdraw and rotate "
             "moves of that turn",
    "reserve": "more troops return to the front than rest off the line; check the "
               "return_to_front moves of that turn",
    "killed": "casualties went down: " + ENGINE_BUG,
    "wounded": "casualties went down: " + ENGINE_BUG,
    "munitions": "more shells are fired or shipped than held: check transfer_munitions and "
                 "military_aid amounts and the inject effects on munitions",
    "munitions_production": "check the inject effects on munitions_production",
    "reserves": "more is paid than held: check pay_support amounts and the inject effects on "
                "reserves against reserves_bn",
}


@dataclass(frozen=True)
class Violation:
    """One broken invariant: which, where (``detail`` names the actor and variable and gives
    the value) and the likely fix."""

    invariant: str
    detail: str
    fix: str

    def __str__(self) -> str:
        return f"{self.detail}: {self.fix}"


@dataclass(frozen=True)
class Invariant:
    """A property of every state of every game. ``find(state)`` yields ``(detail, fix)`` for
    each place it fails (``fix`` None: the invariant's own ``fix``)."""

    name: str
    rule: str
    fix: str
    find: Callable[[WorldState], Iterable[tuple[str, str | None]]]

    def __call__(self, state: WorldState) -> list[Violation]:
        return [Violation(self.name, detail, fix or self.fix)
                for detail, fix in self.find(state)]


def _outside(value: float, low: float, high: float) -> bool:
    return not low <= value <= high  # NaN is outside too


def _escalation(s: WorldState):
    if _outside(s.escalation_level, 0.0, TOP_RUNG):
        yield f"world.escalation_level = {s.escalation_level!r} outside [0, {TOP_RUNG}]", None


def _risk(s: WorldState):
    if _outside(s.wider_war_risk, 0.0, 1.0):
        yield f"world.wider_war_risk = {s.wider_war_risk!r} outside [0, 1]", None


def _toll(s: WorldState):
    for var in ("civilian_casualties", "displaced"):
        if not getattr(s, var) >= 0:
            yield f"world.{var} = {getattr(s, var)!r} < 0", None


def _stocks(s: WorldState):
    for a in s.actors.values():
        for var in NON_NEGATIVE:
            value = getattr(a, var)
            if not value >= 0:
                yield f"{a.id}.{var} = {value!r} < 0", _STOCK_FIX[var]


def _shares(s: WorldState):
    for a in s.actors.values():
        for var in SHARES:
            value = getattr(a, var)
            if _outside(value, 0.0, 1.0):
                yield f"{a.id}.{var} = {value!r} outside [0, 1]", None


def _gdp(s: WorldState):
    for a in s.actors.values():
        if not (a.gdp > 0 and math.isfinite(a.gdp)):
            yield f"{a.id}.gdp = {a.gdp!r}", None


def _front(s: WorldState):
    for a in s.actors.values():
        if a.front + a.reserve > a.deployed:
            yield (f"{a.id}: front {a.front} + reserve {a.reserve} > deployed "
                   f"{a.deployed}"), None


def _conserved(s: WorldState):
    for a in s.actors.values():
        accounted = a.forces_home + a.queued + a.in_transit + a.deployed + a.killed + a.wounded
        if accounted != a.initial_forces + a.mobilised:
            yield (f"{a.id}: troops not conserved: home {a.forces_home} + queued {a.queued} + "
                   f"transit {a.in_transit} + deployed {a.deployed} + killed {a.killed} + "
                   f"wounded {a.wounded} = {accounted} != initial {a.initial_forces} + "
                   f"mobilised {a.mobilised} = {a.initial_forces + a.mobilised} "
                   f"(off by {accounted - a.initial_forces - a.mobilised:+})"), None


def _pipeline(s: WorldState):
    for a in s.actors.values():
        moving = sum(c.troops for c in a.pipeline)
        training = a.deployed - a.front - a.reserve
        expected = a.queued + a.in_transit + training
        if moving != expected:
            yield (f"{a.id}: the troop pipeline holds {moving} troops, but queued {a.queued} + "
                   f"transit {a.in_transit} + training {training} = {expected}"), None
        queued = sum(c.troops for c in a.pipeline if c.stage == "queued")
        if queued != a.queued:
            yield (f"{a.id}: queued cohorts hold {queued} troops, but queued = {a.queued}"), None


def _abroad(s: WorldState):
    for a in s.actors.values():
        if a.troops_abroad != a.in_transit + a.deployed:
            yield (f"{a.id}.troops_abroad = {a.troops_abroad} != transit {a.in_transit} + "
                   f"deployed {a.deployed}"), None


def _theatres(s: WorldState):
    for th in s.theatres.values():
        if _outside(th.front_pressure, -1.0, 1.0):
            yield f"theatre:{th.id}.front_pressure = {th.front_pressure!r} outside [-1, 1]", None
        for var in ("intensity", "base_intensity"):
            value = getattr(th, var)
            if _outside(value, 0.0, 1.0):
                yield f"theatre:{th.id}.{var} = {value!r} outside [0, 1]", None


def _enforcement(s: WorldState):
    for t in s.sanctions:
        if _outside(t.enforcement, 0.0, 1.0):
            yield (f"sanction {t.sender} -> {t.target} ({t.package}): enforcement "
                   f"{t.enforcement!r} outside [0, 1]"), None


def _not_finite(value) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and not math.isfinite(value))


def _finite(s: WorldState):
    owners = [("world", s), *((a.id, a) for a in s.actors.values()),
              *((f"theatre:{t.id}", t) for t in s.theatres.values())]
    for name, obj in owners:
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if _not_finite(value):
                yield f"{name}.{f.name} = {value!r}", None
    beliefs = [("public", s.public_beliefs), *((a.id, a.beliefs) for a in s.actors.values())]
    for holder, table in beliefs:
        for (about, quantity), b in table.items():
            if not (math.isfinite(b.mean) and math.isfinite(b.var) and b.var >= 0):
                yield (f"{holder}'s belief about {about}.{quantity}: mean {b.mean!r}, "
                       f"variance {b.var!r}"), None


INVARIANTS: tuple[Invariant, ...] = (
    Invariant("escalation_on_the_ladder", f"0 <= world.escalation_level <= {TOP_RUNG}",
              "inject effects on escalation_level are clipped to the ladder, so a rule moved "
              "it off (engine/rules/escalation.py): " + ENGINE_BUG, _escalation),
    Invariant("risk_is_a_probability", "0 <= world.wider_war_risk <= 1",
              "the risk is a logistic of the level: look for a non-finite level or an "
              "override of wider_war_slope, wider_war_midpoint or wider_war_per_actor", _risk),
    Invariant("toll_not_negative", "civilian casualties and displaced >= 0",
              "inject effects on the toll are floored at 0, so the military rule lowered it "
              "(engine/rules/military.py): " + ENGINE_BUG, _toll),
    Invariant("stocks_not_negative", "troops, munitions and reserves >= 0",
              "a move or inject removes more than there is", _stocks),
    Invariant("shares_in_unit_interval", "every share (strain, stability, ...) in [0, 1]",
              "inject effects on shares are clipped to [0, 1], so a rule pushed it out (the "
              "rules of the phase that last changed it: brink run --explain TURN): "
              + ENGINE_BUG, _shares),
    Invariant("gdp_positive", "every actor's gdp > 0 and finite",
              "check the inject effects on gdp (op: set or mul to 0 leaves an economy of "
              "nothing) and the economy's gdp_bn", _gdp),
    Invariant("front_within_deployed", "front + reserve <= deployed",
              "more troops fight or rest off the line than are in theatre: check the withdraw, "
              "rotate and pull_back_troops moves of that turn and the actor's "
              "military.deployed", _front),
    Invariant("troops_conserved",
              "home + queued + transit + deployed (training + reserve + front) + killed + "
              "wounded = initial + mobilised",
              "a move or rule creates or loses troops without booking them as mobilised; an "
              "inject on forces_home books its change as mobilisation, so look at the moves "
              "of that turn (brink run --explain TURN)", _conserved),
    Invariant("pipeline_adds_up",
              "the troop pipeline's cohorts = queued + in transit + in training",
              "the logistics rule or a troop move changed a stock without its cohort "
              "(engine/rules/logistics.py, engine/moves/catalogue.py): " + ENGINE_BUG, _pipeline),
    Invariant("troops_abroad_adds_up", "troops_abroad = in_transit + deployed",
              "troops_abroad must be derived from the stocks: " + ENGINE_BUG, _abroad),
    Invariant("theatre_bounds", "front_pressure in [-1, 1], intensity in [0, 1]",
              "check the theatre's inject effects and its intensity and front_pressure; "
              "otherwise the military rule pushed it out: " + ENGINE_BUG, _theatres),
    Invariant("enforcement_in_unit_interval", "every sanction's enforcement in [0, 1]",
              "check the sanctions in force and enforce_sanctions moves: enforcement is a "
              "share", _enforcement),
    Invariant("values_finite", "every number of the world, actors, theatres and beliefs finite",
              "a division by zero or an overflow: look for a zero gdp_bn, forces_home, "
              "capacity or an extreme parameter override", _finite),
)


def violations(state: WorldState) -> list[Violation]:
    """Every invariant ``state`` breaks (empty when all hold)."""
    return [v for invariant in INVARIANTS for v in invariant(state)]


# --- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    """One check's verdict. ``status``: pass, fail or skip. ``message``: one line; on failure
    what failed, where and the likely fix. ``findings``: every finding, one line each (at most
    MAX_FINDINGS)."""

    name: str
    status: str
    message: str
    findings: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return TITLES.get(self.name, self.name)

    @property
    def ok(self) -> bool:
        return self.status != "fail"

    def line(self) -> str:
        status = "FAIL" if self.status == "fail" else self.status
        return f"{status} {self.name}: {self.message}"


@dataclass(frozen=True)
class CheckReport:
    source: str
    scenario_id: str
    seeds: tuple[int, ...]
    turns: int
    results: tuple[CheckResult, ...]
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def failures(self) -> list[CheckResult]:
        return [r for r in self.results if not r.ok]

    def __getitem__(self, name: str) -> CheckResult:
        for r in self.results:
            if r.name == name:
                return r
        raise KeyError(name)

    def summary(self) -> str:
        seeds = ", ".join(str(s) for s in self.seeds)
        passed = sum(r.status == "pass" for r in self.results)
        text = (f"seed{'s' if len(self.seeds) > 1 else ''} {seeds}, {self.turns} turns: "
                f"{passed} of {len(self.results)} checks pass")
        if self.failures:
            text += f"; failed: {', '.join(r.name for r in self.failures)}"
        skipped = [r.name for r in self.results if r.status == "skip"]
        if skipped:
            text += f"; skipped: {', '.join(skipped)}"
        return text

    def text(self) -> str:
        return "\n".join([f"{self.source}: {self.summary()}",
                          *(f"  {r.line()}" for r in self.results)])

    def raise_if_failed(self) -> None:
        if not self.ok:
            raise ConformanceError(self)


class ConformanceError(AssertionError):
    """A scenario failed a conformance check; ``report`` has every result."""

    def __init__(self, report: CheckReport):
        self.report = report
        super().__init__("\n".join([f"{report.source}: {report.summary()}",
                                    *(f"  {r.line()}" for r in report.failures)]))


# --- playing and comparing games ---------------------------------------------------------------


@dataclass
class Trace:
    """What a user sees of a game: per-turn frame, causal log, event feed, move log, summary."""

    frame: pd.DataFrame
    log: pd.DataFrame
    events: list[dict]
    moves: list[dict]
    summary: dict


def trace(model) -> Trace:
    return Trace(model.frame(), model.log_frame(), [dict(e) for e in model.events],
                 move_log_json(model.move_log), model.summary())


def engine_policies(scenario) -> dict:
    """The policies the engine plays every actor with, as futures do: its YAML policy, or for
    an actor a human team plays, that policy's stand-in (a team that submits nothing would
    leave the actor idle, and a fork would hand it to the stand-in anyway)."""
    from engine.sim.futures import engine_policy

    return {a.id: engine_policy(scenario, a.id) for a in scenario.actors}


def _remote_trace(text: str, source: str, seed: int, turns: int) -> Trace:
    """Play a game (in the other process: the determinism check's second game)."""
    from engine.scenario.loader import parse_scenario
    from engine.sim.model import BrinkModel

    scenario = parse_scenario(text, source)
    return trace(BrinkModel(scenario, rng=seed, turns=turns,
                            policies=engine_policies(scenario)).run())


class OtherProcess:
    """A second Python process (``sys.executable``, started on first use) that plays games on
    request, for the determinism check. It is a plain subprocess talking pickles over its
    stdin and stdout, not multiprocessing: it works from any script, without the
    ``if __name__ == "__main__"`` guard a spawned pool needs. It imports the engine this
    process runs (its folder first on PYTHONPATH) with this process's environment. Jobs are
    written and results read by threads of their own, so this process plays on meanwhile.

    Use it as a context manager, or call ``close``; one instance can serve many checks.
    """

    def __init__(self) -> None:
        self._proc: subprocess.Popen | None = None
        self._jobs: queue.SimpleQueue | None = None
        self._pending: dict[int, Future] = {}
        self._next = 0
        self._lock = threading.Lock()

    def __enter__(self) -> OtherProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _start(self) -> None:
        # the folder that holds engine/: a checkout, or site-packages when installed; either
        # way the second process imports this engine, not another one on the path
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
        errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the reader thread)
        self._proc = subprocess.Popen(
            [sys.executable, "-c", "from engine.sim.conformance import _serve; _serve()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, env=env)
        self._jobs = queue.SimpleQueue()
        self._pending = {}  # this process's jobs not answered yet
        threading.Thread(target=self._write, args=(self._proc, self._jobs),
                         daemon=True).start()
        threading.Thread(target=self._read, args=(self._proc, errors, self._pending),
                         daemon=True).start()

    def _write(self, proc: subprocess.Popen, jobs: queue.SimpleQueue) -> None:
        while (job := jobs.get()) is not None:
            try:
                pickle.dump(job, proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                proc.stdin.flush()
            except OSError:  # the process ended: the reader fails what is pending
                break
        with contextlib.suppress(OSError):
            proc.stdin.close()

    def _read(self, proc: subprocess.Popen, errors, pending: dict[int, Future]) -> None:
        try:
            while True:
                job, ok, value = pickle.load(proc.stdout)
                with self._lock:
                    future = pending.pop(job)
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(RuntimeError(value))
        except (EOFError, OSError, pickle.UnpicklingError):
            pass
        status = proc.wait()
        tail = ""
        with contextlib.suppress(OSError, ValueError):
            errors.seek(0)
            tail = " ".join(errors.read().decode("utf-8", "replace").split())[-300:]
        errors.close()
        with self._lock:
            left = list(pending.values())
            pending.clear()
        for future in left:
            future.set_exception(RuntimeError(
                f"the other process ended (exit status {status})"
                + (f": {tail}" if tail else "")))

    def submit(self, text: str, source: str, seed: int, turns: int) -> Future:
        """Play ``seed`` of the scenario ``text`` for ``turns`` turns there; a Future of its
        Trace."""
        future: Future = Future()
        with self._lock:
            if self._proc is None:
                self._start()
            job = self._next
            self._next += 1
            self._pending[job] = future
            self._jobs.put((job, text, source, seed, turns))
        return future

    def close(self) -> None:
        """Let the process finish what it was given, then end it (killed after 30 s)."""
        with self._lock:
            proc, jobs, self._proc, self._jobs = self._proc, self._jobs, None, None
        if proc is None:
            return
        jobs.put(None)  # the writer closes stdin: the process ends after its last job
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _serve() -> None:
    """The other process's loop: read jobs from stdin, write results to stdout. Anything the
    engine prints goes to stderr, so it cannot corrupt the results."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    jobs = sys.stdin.buffer
    while True:
        try:
            job, text, source, seed, turns = pickle.load(jobs)
        except EOFError:
            return
        try:
            result = (job, True, _remote_trace(text, source, seed, turns))
        except Exception as exc:
            result = (job, False, _exception(exc))
        pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    try:
        return bool(a == b) and type(a) is type(b)
    except (TypeError, ValueError):
        return False


def _show(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _frame_rows(a: pd.DataFrame, b: pd.DataFrame):
    """The first pair of rows where two per-turn frames differ (None for a missing row), or
    None when they are equal."""
    for x, y in zip(a.itertuples(index=False), b.itertuples(index=False), strict=False):
        if not all(_same(u, v) for u, v in zip(x, y, strict=True)):
            return x, y
    if len(a) != len(b):
        return ((a.iloc[len(b)], None) if len(a) > len(b) else (None, b.iloc[len(a)]))
    return None


def frame_difference(a: pd.DataFrame, b: pd.DataFrame, here: str = "here",
                     there: str = "there") -> str | None:
    """The first row where two per-turn frames differ, in words, or None."""
    if list(a.columns) != list(b.columns):
        return f"columns {list(a.columns)} {here}, {list(b.columns)} {there}"
    rows = _frame_rows(a, b)
    if rows is None:
        return None
    x, y = rows
    if x is None or y is None:
        row, name = (x, here) if y is None else (y, there)
        return (f"{len(a)} rows {here}, {len(b)} {there}; the first extra one ({name}): turn "
                f"{row.turn}, {row.actor}.{row.variable}")
    if (x.turn, x.actor, x.variable) == (y.turn, y.actor, y.variable):
        return (f"turn {x.turn}, {x.actor}.{x.variable}: {_show(x.value)} {here}, "
                f"{_show(y.value)} {there}")
    return f"turn {x.turn}: {_show(tuple(x))} {here}, {_show(tuple(y))} {there}"


def _log_entry(row) -> str:
    return (f"turn {row.turn} ({row.phase}): {row.target}.{row.var} {row.before} -> "
            f"{row.after} [{row.kind} {row.ref}]")


def log_difference(a: pd.DataFrame, b: pd.DataFrame, here: str = "here",
                   there: str = "there") -> str | None:
    """The first entry where two causal logs differ, in words, or None."""
    for x, y in zip(a.itertuples(index=False), b.itertuples(index=False), strict=False):
        if not all(_same(u, v) for u, v in zip(x, y, strict=True)):
            return f"{_log_entry(x)} {here}; {_log_entry(y)} {there}"
    if len(a) != len(b):
        longer, name = (a, here) if len(a) > len(b) else (b, there)
        extra = longer.iloc[min(len(a), len(b))]
        return (f"{len(a)} entries {here}, {len(b)} {there}; the first extra one ({name}): "
                f"{_log_entry(extra)}")
    return None


def _event_text(e: dict) -> str:
    text = str(e.get("text", ""))
    return (f"turn {e.get('turn')} {e.get('kind')} ({e.get('actor')}): "
            f"{text if len(text) <= 100 else text[:97] + '...'}")


def _move_text(m: dict) -> str:
    return f"{m.get('id')} {m.get('actor')} {m.get('move')} {_show(m.get('params'))}"


def _list_difference(a: list, b: list, what: str, here: str, there: str,
                     show: Callable = _show) -> str | None:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if not _same(x, y):
            return f"{what} {i}: {show(x)} {here}, {show(y)} {there}"
    if len(a) != len(b):
        extra, name = (a[len(b)], here) if len(a) > len(b) else (b[len(a)], there)
        return (f"{len(a)} {what}s {here}, {len(b)} {there}; the first extra one ({name}): "
                f"{show(extra)}")
    return None


def summary_differences(a: dict, b: dict, here: str = "here", there: str = "there",
                        keys: Iterable[str] | None = None) -> list[str]:
    """Each summary figure that differs (``keys``: only these), in words."""
    out = []
    for key in (keys if keys is not None else sorted(set(a) | set(b))):
        if key not in b:
            out.append(f"{key}: {_show(a[key])} {here}, missing {there}")
        elif key not in a:
            out.append(f"{key}: missing {here}, {_show(b[key])} {there}")
        elif not _same(a[key], b[key]):
            out.append(f"{key}: {_show(a[key])} {here}, {_show(b[key])} {there}")
    return out


def trace_differences(a: Trace, b: Trace, here: str = "here", there: str = "there",
                      ignore_move_fields: tuple[str, ...] = ()) -> list[str]:
    """Where two games differ: the first difference of each table, and the summary's."""
    out = []
    if (d := frame_difference(a.frame, b.frame, here, there)) is not None:
        out.append(f"per-turn frame, first at {d}")
    if (d := log_difference(a.log, b.log, here, there)) is not None:
        out.append(f"causal log, first at {d}")
    if (d := _list_difference(a.events, b.events, "event", here, there,
                              _event_text)) is not None:
        out.append(f"event feed, {d}")
    moves_a = [{k: v for k, v in m.items() if k not in ignore_move_fields} for m in a.moves]
    moves_b = [{k: v for k, v in m.items() if k not in ignore_move_fields} for m in b.moves]
    if (d := _list_difference(moves_a, moves_b, "move", here, there, _move_text)) is not None:
        out.append(f"move log, {d}")
    diffs = summary_differences(a.summary, b.summary, here, there)
    if diffs:
        out.append(f"summary, {len(diffs)} figure{'s' if len(diffs) > 1 else ''} "
                   f"({'; '.join(diffs[:3])}{'; ...' if len(diffs) > 3 else ''})")
    return out


def state_difference(a: WorldState, b: WorldState, here: str = "here",
                     there: str = "there") -> str | None:
    """The first field where two world states differ, in words, or None."""
    for f in dataclasses.fields(a):
        if not f.compare:
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        if f.name in ("actors", "theatres", "routes"):
            if list(x) != list(y):
                return f"{f.name}: {list(x)} {here}, {list(y)} {there}"
            for key, obj in x.items():
                prefix = key if f.name == "actors" else f"{f.name[:-1]}:{key}"
                for g in dataclasses.fields(obj):
                    u, v = getattr(obj, g.name), getattr(y[key], g.name)
                    if not _same(u, v):
                        return f"{prefix}.{g.name}: {_show(u)} {here}, {_show(v)} {there}"
        elif not _same(x, y):
            return f"world.{f.name}: {_show(x)} {here}, {_show(y)} {there}"
    return None


def _set_generators(model, states: StreamStates) -> None:
    """Give ``model`` these random streams (the seed and each stream's state, as
    ``GameState.generators`` holds them), its policies' included."""
    model.streams = Streams(states=states)
    for agent in model.agents:
        agent.policy_rng = model.streams.of(f"policy:{agent.actor_id}")


def _after_turn(t: Trace, turn: int) -> Trace:
    """The part of a game's trace after ``turn`` (what a continuation of it records)."""
    frame, log = t.frame, t.log
    return Trace(frame[frame["turn"] > turn].reset_index(drop=True),
                 log[log["turn"] > turn].reset_index(drop=True),
                 [e for e in t.events if e["turn"] > turn],
                 [m for m in t.moves if int(str(m["id"]).split(".")[0][1:]) > turn],
                 t.summary)


@dataclass
class _Game:
    """The reference game of one seed, with what the other checks compare against."""

    seed: int
    model: object = None
    trace: Trace | None = None
    violations: list[str] = dataclasses.field(default_factory=list)
    crash: str = ""
    snap0: object = None  # snapshot of turn 0
    snap: object = None  # snapshot of the fork turn
    game_k: object = None  # the game at the fork turn (a GameState, generators kept)
    generators: StreamStates | None = None  # the random streams at the fork turn
    states: dict[int, WorldState] = dataclasses.field(default_factory=dict)  # after the fork


def _play(scenario, text: str, source: str, seed: int, turns: int, fork_turn: int,
          want_fork: bool) -> _Game:
    from engine.sim.futures import snapshot
    from engine.sim.model import BrinkModel

    game = _Game(seed)
    turn = 0
    try:
        model = BrinkModel(scenario, rng=seed, turns=turns, policies=engine_policies(scenario))
        game.model = model
        game.violations += [f"seed {seed}, turn 0: {v}" for v in violations(model.state)]
        while model.running:
            turn = model.state.turn
            if want_fork and turn == 0:
                game.snap0 = snapshot(model, text, source, seed)
            if want_fork and turn == fork_turn:
                game.snap = snapshot(model, text, source, seed)
                game.game_k = model.game_state()
                game.generators = copy.deepcopy(game.game_k.generators)
            model.step()
            turn = model.state.turn
            game.violations += [f"seed {seed}, turn {turn}: {v}" for v in violations(model.state)]
            if want_fork and turn > fork_turn:
                game.states[turn] = model.state.copy()
        if model.state.turn != turns:
            game.violations.append(f"seed {seed}: the game stopped at turn {model.state.turn}, "
                                   f"not its last turn {turns}: " + ENGINE_BUG)
        game.trace = trace(model)
    except Exception as exc:  # a crash is a finding, not the checker's end
        game.crash = f"seed {seed}, turn {turn + 1}: the game crashed: {_exception(exc)}"
        if game.model is not None:  # what was already wrong when it crashed names the fix
            broken = violations(game.model.state)
            if broken:
                game.crash += f"; the state as it crashed: {broken[0]}"
    return game


def _exception(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}" + (f": {text[:300]}" if text else "")


# --- the checks --------------------------------------------------------------------------------


def _result(name: str, findings: list[str], passed: str, fix: str) -> CheckResult:
    """A verdict from findings: pass with ``passed``, or fail with the first finding, how many
    there were, and ``fix``."""
    if not findings:
        return CheckResult(name, "pass", passed)
    more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
    return CheckResult(name, "fail", f"{findings[0]}{more}. Likely fix: {fix}",
                       tuple(findings[:MAX_FINDINGS]))


def _check_invariants(games: list[_Game], turns: int) -> CheckResult:
    findings = [g.crash for g in games if g.crash]
    for g in games:
        findings += g.violations
    if not findings:
        return CheckResult("invariants", "pass",
                           f"{len(INVARIANTS)} invariants hold at every turn 0..{turns}")
    first = findings[0]
    more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
    if any(g.crash for g in games) and "; the state as it crashed: " not in first:
        return CheckResult("invariants", "fail",
                           f"{first}{more}. Likely fix: if `brink validate` accepts the file, "
                           "the engine should play it: " + ENGINE_BUG + " (BRINK_TRACEBACK=1 "
                           "brink run FILE --seed N shows where)", tuple(findings[:MAX_FINDINGS]))
    # The invariant's fix is already in each finding ("detail: fix")
    return CheckResult("invariants", "fail", f"{first}{more}", tuple(findings[:MAX_FINDINGS]))


def _check_determinism(games: list[_Game], remote: dict[int, object]) -> CheckResult:
    findings = []
    for g in games:
        try:
            other = remote[g.seed].result()
        except Exception as exc:
            findings.append(f"seed {g.seed}: the second process failed: {_exception(exc)}")
            continue
        diffs = trace_differences(g.trace, other, "in this process", "in the other")
        if diffs:
            findings.append(f"seed {g.seed}: the game in another process differs: "
                            f"{'; '.join(diffs)}")
    return _result(
        "determinism", findings,
        "a second process plays every seed to the same frame, causal log, events, moves "
        "and summary, bit for bit",
        "something in the engine draws from global randomness (random, np.random) or "
        "depends on the process (the iteration order of a set, hash(), id(), the clock, "
        "the environment); every draw must come from the model's generator. " + ENGINE_BUG)


def _refused(events: list[dict]) -> list[dict]:
    return [e for e in events if e.get("kind") == "rejected"]


def _check_replay(games: list[_Game], scenario, turns: int) -> CheckResult:
    from engine.sim.model import BrinkModel, replay_policies

    findings = []
    refusals = None  # (seed, the game's first refusal the replay does not have)
    for g in games:
        try:
            with tempfile.TemporaryDirectory(prefix="brink-check-") as folder:
                path = Path(folder) / "moves.json"
                path.write_text(json.dumps(move_log_json(g.model.move_log, g.model.refused),
                                           indent=1))
                moves = read_move_log(path, scenario)
            replayed = BrinkModel(scenario, rng=g.seed, turns=turns,
                                  policies=replay_policies(scenario, moves)).run()
        except Exception as exc:
            findings.append(f"seed {g.seed}: the replay failed: {_exception(exc)}")
            continue
        other = trace(replayed)
        # a replayed move says where it came from ("replay"); everything else must match
        diffs = trace_differences(g.trace, other, "in the game", "in the replay",
                                  ignore_move_fields=("source",))
        if not diffs:
            continue
        findings.append(f"seed {g.seed}: the replay differs from the game: {'; '.join(diffs)}")
        lost = [e for e in _refused(g.trace.events) if e not in _refused(other.events)]
        if lost and refusals is None:
            refusals = (g.seed, lost[0], len(lost))
    fix = ("a result depends on something the move log does not record: the policy that "
           "chose a move (its source or memory), a move's parameter lost on the way through "
           "moves.json, or a rule that draws from global randomness rather than the model's "
           "generator. " + ENGINE_BUG)
    if refusals is not None:
        seed, first, n = refusals
        fix = (f"the game refused {n} move{'s' if n > 1 else ''} (seed {seed}, the first: "
               f"{_event_text(first)}) and moves.json keeps only the moves "
               "that were made, so the replay refuses nothing: its event feed lacks the "
               "refusals and it numbers the later moves of that turn differently. In the "
               "engine, keep refused moves in the move log, marked refused, and replay them so "
               "that they are refused again; or number only accepted moves and record "
               "refusals apart (engine/sim/model.py _adjudicate and replay_policies, "
               "engine/sim/runfiles.py move_log_json). In the scenario, a doctrine rule that "
               "fires a move its actor may not make at that point (brink run --explain TURN "
               "shows the refusal) is the trigger")
    return _result(
        "replay", findings,
        "replaying each seed's moves.json gives the same frame, causal log, events, moves "
        "and summary", fix)


def _check_fork(games: list[_Game], scenario, fork_turn: int) -> CheckResult:
    from engine.sim.futures import fork, future_seeds, run_future
    from engine.sim.model import BrinkModel

    k = fork_turn
    findings = []
    for g in games:
        s = g.seed
        try:
            # 1. the game taken at turn k (model.game_state(), generators kept) and continued
            #    records exactly what the game recorded after turn k
            cont = BrinkModel(scenario, game=g.game_k).run()
            diffs = trace_differences(_after_turn(g.trace, k), trace(cont), "in the game",
                                      "in the continuation")
            if diffs:
                findings.append(
                    f"seed {s}: the game taken at turn {k} (game_state()) and continued with "
                    f"its generators differs from the game: {'; '.join(diffs)}; GameState "
                    "leaves out part of the game (the world, the policies and their memory, "
                    "extremes, outcomes, injects, the generators) or BrinkModel(game=...) "
                    "restores it differently")
            # 2. the futures' fork of turn k, given the game's generators, is the game's
            #    continuation (a lean game, the snapshot's pickled copy)
            model = fork(g.snap, seed=s)
            _set_generators(model, g.generators)
            while model.running:
                model.step()
                d = state_difference(g.states[model.state.turn], model.state, "in the game",
                                     "in the fork")
                if d is not None:
                    findings.append(
                        f"seed {s}: a fork of turn {k} given the game's generator states "
                        f"differs from the game at turn {model.state.turn}: {d}; the snapshot "
                        "leaves out part of the game (engine/sim/futures.py snapshot, fork) or a "
                        "lean game (record=False) plays differently")
                    break
            else:
                diffs = summary_differences(g.trace.summary, model.summary(), "in the game",
                                            "in the fork")
                if diffs:
                    findings.append(
                        f"seed {s}: a fork of turn {k} ends with a different summary "
                        f"({'; '.join(diffs[:3])}): the snapshot leaves out run-long "
                        "bookkeeping (extremes, outcomes met before the fork)")
            # 3. two futures with the same seed are equal
            seed = future_seeds(g.snap, 1)[0]
            a, b = run_future(g.snap, 0, seed), run_future(g.snap, 0, seed)
            diffs = summary_differences(a[0], b[0], "in one", "in the other")
            if diffs or not np.array_equal(a[1], b[1], equal_nan=True):
                findings.append(
                    f"seed {s}: two futures of turn {k} with seed {seed} differ "
                    f"({'; '.join(diffs[:3]) or 'their per-turn headlines'}): a future "
                    "shares mutable state with the snapshot or an earlier future (its "
                    "policies, memo or injects), or draws from global randomness")
            # 4. a fork of turn 0 is the fresh game of the same seed
            zero = fork(g.snap0, seed=s)
            while zero.running:
                zero.step()
            d = state_difference(g.model.state, zero.state, "in the game", "in the fork")
            diffs = summary_differences(g.trace.summary, zero.summary(), "in the game",
                                        "in the fork")
            if d is not None or diffs:
                findings.append(
                    f"seed {s}: a fork of turn 0 with seed {s} differs from the game with "
                    f"seed {s} ({d or '; '.join(diffs[:3])}): fork() must seed its model as "
                    "a new game is seeded, and a lean game play as a recorded one")
        except Exception as exc:
            findings.append(f"seed {s}: forking failed: {_exception(exc)}")
    return _result(
        "fork", findings,
        f"the game taken at turn {k} and continued, and a fork of turn {k} given the game's "
        "generators, play on exactly as the game did; two futures with one seed are equal; "
        "a fork of turn 0 is the fresh game",
        "see engine/sim/futures.py (snapshot, fork) and BrinkModel.game_state: " + ENGINE_BUG)


def inert_scenario(text: str, source: str):
    """The scenario of ``text`` with one more actor that does nothing: no trade, no doctrine
    rules, no theatre, no capabilities, no relations. Returns (scenario, the actor's id)."""
    from engine.scenario.loader import parse_scenario

    document = yaml.safe_load(text)
    taken = {a.get("id") for a in document["actors"]}
    actor_id = INERT_ID
    n = 1
    while actor_id in taken:
        n += 1
        actor_id = f"{INERT_ID}_{n}"
    document["actors"].append({
        "id": actor_id, "name": "An inert actor",
        "description": "added by the conformance check: no trade, no doctrine, no theatre",
        "capabilities": [],
        "economy": {"gdp_bn": 1.0, "trend_growth_pct": 0.0},
        "military": {"forces_home": 0},
        "policy": {"kind": "doctrine", "rules": []},
    })
    return parse_scenario(yaml.safe_dump(document, sort_keys=False, allow_unicode=True),
                          f"{source} (with an inert actor)"), actor_id


def _divergence(a: pd.DataFrame, b: pd.DataFrame, inert: str) -> tuple[int, list]:
    """The first turn where two causal logs differ (the inert actor's own entries left out),
    and the first differing pair of entries of each phase in it, with the kind of cause."""
    b = b[b["target"] != inert]
    columns = ["turn", "phase", "target", "var", "before", "after", "kind"]
    for turn in sorted(set(a["turn"]) | set(b["turn"])):
        x, y = a[a["turn"] == turn], b[b["turn"] == turn]
        pairs = []
        for phase in dict.fromkeys([*x["phase"], *y["phase"]]):
            xs = list(x.loc[x["phase"] == phase, columns].itertuples(index=False))
            ys = list(y.loc[y["phase"] == phase, columns].itertuples(index=False))
            for i in range(max(len(xs), len(ys))):
                u = xs[i] if i < len(xs) else None
                v = ys[i] if i < len(ys) else None
                if u is None or v is None or tuple(u)[:-1] != tuple(v)[:-1]:
                    kinds = {w.kind for w in (u, v) if w is not None}
                    pairs.append((phase, u, v, "random" if "random" in kinds else ""))
                    break
        if pairs:
            return int(turn), pairs
    return -1, []


DILUTION, RANDOM_STREAM = "dilution", "random stream"


def _random_cause(turn: int, phase: str, where: str) -> str:
    return (f"the inert actor draws from the model's one random stream (its intelligence "
            f"looks), so every later draw is dealt differently for the same seed (first seen "
            f"at turn {turn}, {phase} phase: {where}); the spread of outcomes over many seeds "
            "is unchanged, but two variants of a scenario cannot be compared seed by seed; "
            "likely fix: in the engine, draw each observer's looks (and each rule's draws) "
            "from its own generator spawned from the seed")


def _causes(turn: int, pairs: list, n: int) -> dict[str, str]:
    """The likely causes of an inert actor's effect, by kind, from where the games first part
    (``pairs``: the first differing entries of each phase, in the order the phases run). Once
    a random draw has parted the games, what differs in later phases may follow from it, so
    only the escalation score's exact dilution is still told apart."""
    causes: dict[str, str] = {}
    random_seen = False
    for phase, u, v, kind in pairs:
        if phase == "escalation" and u is not None and v is not None \
                and u.var == v.var == "escalation_score":
            old, new = float(u.after), float(v.after)
            if math.isclose(new * (n + 1), old * n, rel_tol=1e-9, abs_tol=1e-12):
                causes.setdefault(DILUTION, (
                    f"the escalation score is averaged over all actors, so an inert actor "
                    f"dilutes it: at turn {turn} it is {old:g} points with {n} actors and "
                    f"{new:g} with {n + 1} (= {old:g} x {n}/{n + 1}); likely fix: in the "
                    "engine (engine/rules/escalation.py) score the points per pair of actors "
                    "(the most escalated pair's), so an actor nobody moves against adds no "
                    "pair and does not lower the score; "
                    "in the scenario, until then, recompute escalation.baseline_score whenever "
                    "you add or remove an actor"))
                continue
        w = v if v is not None else u
        if kind == "random":
            random_seen = True
            causes.setdefault(RANDOM_STREAM, _random_cause(turn, phase, f"{w.target}.{w.var}"))
        elif not random_seen:
            causes.setdefault(phase, (
                f"the {phase} phase reads the inert actor: {w.target}.{w.var} differs at turn "
                f"{turn} ({u.before if u is not None else '-'} -> "
                f"{u.after if u is not None else '-'} without it, "
                f"{v.before if v is not None else '-'} -> {v.after if v is not None else '-'} "
                f"with it); likely fix: make the rules of the {phase} phase count or average "
                "only the actors that take part"))
    return causes


def _check_inert(games: list[_Game], scenario, text: str, source: str,
                 turns: int) -> CheckResult:
    from engine.scenario.loader import ScenarioError
    from engine.sim.model import BrinkModel

    try:
        augmented, inert = inert_scenario(text, source)
    except ScenarioError as exc:
        return CheckResult("inert_actor", "skip",
                           f"cannot add an inert actor to this scenario: "
                           f"{' '.join(exc.render().split())[:300]}")
    n = len(scenario.actors)
    findings, failed = [], []
    causes: dict[str, str] = {}
    for g in games:
        try:
            other = BrinkModel(augmented, rng=g.seed, turns=turns,
                               policies=engine_policies(augmented)).run()
        except Exception as exc:
            findings.append(f"seed {g.seed}: the game with an inert actor crashed: "
                            f"{_exception(exc)}")
            continue
        diffs = summary_differences(g.trace.summary, other.summary(), "without it",
                                    "with it", keys=list(g.trace.summary))
        if not diffs:
            continue
        failed.append(g.seed)
        outcomes = [d for d in diffs if d.startswith("outcome.")]
        shown = (outcomes + [d for d in diffs if not d.startswith("outcome.")])[:3]
        frame = other.frame()
        frame = frame[frame["actor"] != inert].reset_index(drop=True)
        parted = frame_difference(g.trace.frame, frame, "without it", "with it")
        turn, pairs = _divergence(g.trace.log, other.log_frame(), inert)
        found = _causes(turn, pairs, n)
        rows = _frame_rows(g.trace.frame, frame)
        if rows is not None and rows[0] is not None and rows[1] is not None \
                and str(rows[0].variable).startswith("belief") and RANDOM_STREAM not in found:
            # estimates are drawn first in a turn; the causal log writes them rounded
            found = {RANDOM_STREAM: _random_cause(rows[0].turn, "intelligence",
                                                  f"{rows[0].actor}.{rows[0].variable}"),
                     **found}
        for kind, text in found.items():
            causes.setdefault(kind, text)
        findings.append(
            f"seed {g.seed}: adding an inert actor changes {len(diffs)} summary "
            f"figure{'s' if len(diffs) > 1 else ''}, {len(outcomes)} of them named outcome"
            f"{'' if len(outcomes) == 1 else 's'} ({'; '.join(shown)}"
            f"{'; ...' if len(diffs) > 3 else ''})"
            + (f"; the games first part at {parted}" if parted else ""))
    if not findings:
        return CheckResult("inert_actor", "pass",
                           "an actor with no trade, no doctrine, no theatre and no "
                           "capabilities changes no named outcome and no summary figure")
    message = findings[0]
    if len(failed) > 1:
        message += f" (seed{'s' if len(failed) > 2 else ''} "
        message += f"{', '.join(str(s) for s in failed[1:])} too)"
    if causes:
        message += (". Cause" + ("s" if len(causes) > 1 else "") + " found: "
                    + " ".join(f"({i}) {c}." for i, c in enumerate(causes.values(), 1)))
    else:
        message += (". Likely fix: a rule counts or averages over all actors; find which "
                    "with brink run --explain TURN on both games")
    return CheckResult("inert_actor", "fail", message,
                       tuple([*findings, *causes.values()][:MAX_FINDINGS]))


# --- the checker -------------------------------------------------------------------------------


def check_scenario(path: str | Path, seeds: Iterable[int] = DEFAULT_SEEDS,
                   turns: int | None = None, *, checks: Iterable[str] | None = None,
                   process: OtherProcess | None = None) -> CheckReport:
    """Play the scenario at ``path`` with each seed and run the conformance checks on it.

    ``turns``: play the first ``turns`` turns (default: the scenario's clock). ``checks``: a
    subset of CHECKS (default: all). ``process``: the OtherProcess where the determinism check
    plays its second games (default: a new one, which costs an import of the engine, about a
    second; pass one to share it between calls, as ``check_scenarios`` does). A file ``brink
    validate`` refuses raises ``ScenarioError``; ``seeds`` or ``turns`` out of range raise
    ValueError; everything else, a crash of the game included, is a result.
    """
    from engine.scenario.loader import load_scenario

    started = time.perf_counter()
    seeds = tuple(int(s) for s in seeds)
    if not seeds or any(s < 0 for s in seeds):
        raise ValueError(f"seeds must be one or more whole numbers from 0, got {seeds}")
    wanted = tuple(CHECKS if checks is None else checks)
    unknown = sorted(set(wanted) - set(CHECKS))
    if unknown:
        raise ValueError(f"unknown check {unknown[0]!r} (checks: {', '.join(CHECKS)})")
    scenario = load_scenario(path)
    source = str(path)
    text = Path(path).read_text(encoding="utf-8")
    turns = scenario.clock.turns if turns is None else int(turns)
    if not 1 <= turns <= scenario.clock.turns:
        raise ValueError(f"turns must be between 1 and {scenario.clock.turns}, got {turns}")
    fork_turn = turns // 2

    own = None
    remote = {}
    if "determinism" in wanted:  # started first: the other process plays while this one does
        if process is None:
            process = own = OtherProcess()
        remote = {s: process.submit(text, source, s, turns) for s in seeds}
    try:
        games = [_play(scenario, text, source, s, turns, fork_turn, "fork" in wanted)
                 for s in seeds]
        crashed = next((g for g in games if g.crash), None)
        # a crash is reported by the invariants check, asked for or not
        results = ([_check_invariants(games, turns)]
                   if "invariants" in wanted or crashed is not None else [])
        for name in CHECKS[1:]:
            if name not in wanted:
                continue
            if crashed is not None:
                results.append(CheckResult(name, "skip", f"not run: the game crashed "
                                           f"(seed {crashed.seed}; see invariants)"))
            elif name == "determinism":
                results.append(_check_determinism(games, remote))
            elif name == "replay":
                results.append(_check_replay(games, scenario, turns))
            elif name == "fork":
                results.append(_check_fork(games, scenario, fork_turn))
            else:
                results.append(_check_inert(games, scenario, text, source, turns))
    finally:
        if own is not None:
            own.close()
    return CheckReport(source, scenario.id, seeds, turns, tuple(results),
                       time.perf_counter() - started)


def check_scenarios(paths: Iterable[str | Path], seeds: Iterable[int] = DEFAULT_SEEDS,
                    turns: int | None = None, **kwargs) -> Iterator[CheckReport]:
    """``check_scenario`` for each path, sharing one other process among them."""
    with OtherProcess() as process:
        for path in paths:
            yield check_scenario(path, seeds, turns, process=process, **kwargs)


__all__ = [
    "CHECKS",
    "DEFAULT_SEEDS",
    "INVARIANTS",
    "CheckReport",
    "CheckResult",
    "ConformanceError",
    "Invariant",
    "OtherProcess",
    "Trace",
    "Violation",
    "check_scenario",
    "check_scenarios",
    "engine_policies",
    "inert_scenario",
    "violations",
]

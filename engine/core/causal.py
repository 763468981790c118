"""Changes with causes: the only way state is modified.

Rules are pure: they read state and return changes, ``(target, var, value, cause)`` tuples. The
model applies them here, and every applied change that alters a value is written to the causal
log with its cause and the value before and after. The UI's "why?", ``brink run --explain`` and
the after-action report all read this log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

MOVE, INJECT, RANDOM, RULE = "move", "inject", "random", "rule"


class Ref(NamedTuple):
    """A typed reference from a change to what it came from: ``Ref("var", "russia.lost_trade")``
    (the value a rule read: the latest change of that variable before this one), ``Ref("move",
    "t2.west.1")``, ``Ref("inject", "inj_07")``. Following them from any change leads back,
    through the rules that read other values, to the decisions and events behind it
    (``engine.narrate.explain.chain``)."""

    kind: str  # var | move | inject
    id: str  # "<target>.<var>" (target an actor id, world, theatre:<id> or route:<id>), or an id


class Cause(NamedTuple):
    """Why a value changed: a move, an inject, a random draw, or a rule driven by the state;
    ``refs``: what else it came from (the values a rule read, the moves it counted)."""

    kind: str  # move | inject | random | rule
    ref: str  # move id, inject id, draw name or rule name
    why: str  # one plain sentence with the numbers that drove it
    refs: tuple[Ref, ...] = ()


def reads(*paths: str) -> tuple[Ref, ...]:
    """``Ref("var", path)`` for each ``"<target>.<var>"`` path a rule read. The same few
    tuples are asked for every turn, so each is built once (a recording run asks ~25,000
    times; building them each time cost a tenth of the run)."""
    refs = _READS.get(paths)
    if refs is None:
        refs = tuple(Ref("var", p) for p in paths)
        if len(_READS) < 10_000:
            _READS[paths] = refs
    return refs


_READS: dict[tuple[str, ...], tuple[Ref, ...]] = {}  # immutable values: shared safely


# A change sets ``target.var`` to ``value`` because of ``cause``; ``target`` is an actor id,
# "world", "theatre:<id>" or "route:<id>". It is a plain tuple rather than a named tuple: a lean
# turn builds ~85 of them, and building a named tuple costs ~0.4 µs on CPython 3.12 against a few
# ns for a tuple, about 15% of a lean run (docs/reference/performance.md).
Change = tuple[str, str, Any, Cause]


class LogEntry(NamedTuple):
    turn: int
    phase: str
    target: str
    var: str
    before: Any
    after: Any
    kind: str
    ref: str
    why: str
    refs: tuple[Ref, ...] = ()


LOG_COLUMNS = list(LogEntry._fields)


@dataclass(slots=True)
class CausalLog:
    """Append-only list of applied changes."""

    entries: list[LogEntry]

    def __init__(self) -> None:
        self.entries = []

    def for_turn(self, turn: int) -> list[LogEntry]:
        return [e for e in self.entries if e.turn == turn]


def apply_changes(state, changes, log: CausalLog | None, turn: int, phase: str) -> None:
    """Apply ``changes`` to ``state`` in order, logging each one that alters a value.

    With ``log=None`` (lean batch runs) the same values are applied and nothing is logged.
    """
    resolve = state.resolve
    actors = state.actors  # most changes name an actor: look it up without a call
    if log is None:
        for target, var, value, _cause in changes:
            setattr(actors.get(target) or resolve(target), var, value)
        return
    append = log.entries.append
    for target, var, value, cause in changes:
        obj = actors.get(target) or resolve(target)
        before = getattr(obj, var)
        if before == value:
            continue
        setattr(obj, var, value)
        append(LogEntry(turn, phase, target, var, before, value, cause.kind, cause.ref,
                        cause.why, cause.refs))

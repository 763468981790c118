"""Changes with causes: the only way state is modified.

Rules are pure: they read state and return changes, ``(target, var, value, cause)`` tuples. The
model applies them here, and every applied change that alters a value is written to the causal
log with its cause and the value before and after. The UI's "why?", ``brink run --explain`` and
the after-action report all read this log.

Rules and moves return data, never sentences: a cause carries a ``Note`` (what drove the change,
as figures and ids), and the log words it when it records the change, with the function the
model hands it (``engine.narrate.notes.sentence``: the analyst's register).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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


class Note(NamedTuple):
    """What drove a change, as data: ``key`` names the sentence that tells it (one entry of
    ``engine.narrate.notes.SENTENCES``) and ``facts`` holds what that sentence needs: figures,
    and ids rather than names (each register names actors its own way). A fact may itself be a
    ``Note`` or a tuple of them (a sum of terms, the reports of one look)."""

    key: str
    facts: Mapping[str, Any]


def note(key: str, **facts: Any) -> Note:
    return Note(key, facts)


class Cause(NamedTuple):
    """Why a value changed: a move, an inject, a random draw, or a rule driven by the state;
    ``refs``: what else it came from (the values a rule read, the moves it counted)."""

    kind: str  # move | inject | random | rule
    ref: str  # move id, inject id, draw name or rule name
    note: Note | None  # what drove it (None in lean runs, which log nothing)
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
    why: str  # the cause's note in words (the analyst's register)
    refs: tuple[Ref, ...] = ()


LOG_COLUMNS = list(LogEntry._fields)


# Words a cause's note for the log, given the state (for names): engine.narrate.notes.sentence.
Teller = Callable[[Note | None, Any], str]


def _untold(note: Note | None, state: Any) -> str:
    return ""


@dataclass(slots=True)
class CausalLog:
    """Append-only list of applied changes; ``tell`` words each cause's note as it is logged."""

    entries: list[LogEntry]
    tell: Teller

    def __init__(self, tell: Teller = _untold) -> None:
        self.entries = []
        self.tell = tell

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
    append, tell = log.entries.append, log.tell
    told, why = None, ""  # changes that share a cause come together: word it once
    for target, var, value, cause in changes:
        obj = actors.get(target) or resolve(target)
        before = getattr(obj, var)
        if before == value:
            continue
        if cause is not told:
            told, why = cause, tell(cause.note, state)
        setattr(obj, var, value)
        append(LogEntry(turn, phase, target, var, before, value, cause.kind, cause.ref,
                        why, cause.refs))

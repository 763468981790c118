"""The exercise file: its schema, its limits and every reference in it checked.

An exercise file (what the app exports and imports, and what the store holds row by row) is
checked as strictly as a scenario file: a schema with bounded numbers and strings, every
reference resolved (teams to the scenario's actors, actions to branches, branches to parents,
moves to the catalogue, decisions to scheduled injects), sequences in order, and the turns
within the scenario's clock. A file that fails is refused with a message that names the field
(``actions[3].data.text: ...``); nothing is stored. What passes replays without surprises, so no
page meets a KeyError later (issue 14: a ``view`` action with empty data had broken every page).

The limits are in ``LIMITS`` and in docs/reference/limits.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.moves.catalogue import Refs, check_static
from engine.scenario.loader import check_references
from engine.scenario.schema import Inject

FORMAT = "brink-exercise"
FORMAT_VERSION = 1
SEED_MAX = 2**63 - 1


@dataclass(frozen=True)
class Limits:
    """What an exercise file may hold. Generous for any real exercise (a two-day game with
    a dozen branches holds a few thousand actions), small enough that checking and replaying
    a file is quick and cannot exhaust memory."""

    file_bytes: int = 20 * 1024 * 1024
    depth: int = 32  # nesting of JSON objects and arrays; a file needs about eight
    branches: int = 200
    actions: int = 50_000
    moves_per_submission: int = 50
    text_chars: int = 20_000  # a note, a rationale, an inject's text, an edited inject
    name_chars: int = 200  # titles, branch names, ids, actor names
    source_chars: int = 4096  # the scenario's file name, as the app or command line gave it
    seq: int = 2**53  # sequence numbers stay exact in every JSON reader


LIMITS = Limits()


class ExerciseFileError(ValueError):
    """An exercise file that cannot be taken, with the field at fault."""

    def __init__(self, where: str, message: str):
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


# --- the schema ----------------------------------------------------------------------------------

Name = Annotated[str, Field(max_length=LIMITS.name_chars)]
Text = Annotated[str, Field(max_length=LIMITS.text_chars)]
Turn = Annotated[int, Field(ge=0, le=10_000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)


class _Header(_Strict):
    id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
    title: Name
    source: Annotated[str, Field(max_length=LIMITS.source_chars)]
    seed: Annotated[int, Field(ge=0, le=SEED_MAX)]
    teams: dict[Name, Literal["human", "engine"]]
    turns: Annotated[int, Field(ge=1, le=10_000)]
    levers: dict[Name, str | int | float] = Field(default_factory=dict)
    created: Name = ""
    engine_version: Name = ""
    current: Annotated[int, Field(ge=1)] = 1
    scenario_text: str


class _Branch(_Strict):
    id: Annotated[int, Field(ge=1, le=LIMITS.branches)]
    name: Annotated[str, Field(min_length=1, max_length=LIMITS.name_chars)]
    parent: int | None = None
    fork_turn: Turn | None = None
    created: Name = ""


class _Action(_Strict):
    seq: Annotated[int, Field(ge=1, le=LIMITS.seq)]
    branch: int
    at: Annotated[int, Field(ge=1, le=10_001)]
    kind: Literal["moves", "inject", "inject_decision", "note", "adjudicate", "view"]
    data: dict[str, Any]
    time: Name = ""


class _Order(_Strict):
    move: Name
    params: dict[Name, Any] = Field(default_factory=dict)


class _Moves(_Strict):
    actor: Name
    turn: Annotated[int, Field(ge=1)]
    moves: Annotated[list[_Order], Field(max_length=LIMITS.moves_per_submission)]
    rationale: Text = ""


class _InjectAction(_Strict):
    inject: dict[str, Any]


class _Decision(_Strict):
    id: Name
    approve: bool
    text: Text = ""


class _Note(_Strict):
    turn: Turn
    text: Annotated[str, Field(min_length=1, max_length=LIMITS.text_chars)]
    question: Text | None = None


class _Figures(_Strict):
    strain: float
    stability: float
    troops_abroad: float
    casualties: float


class _Seen(BaseModel):  # what an adjudicated turn looked like; later engines may add figures
    model_config = ConfigDict(extra="allow", strict=True, allow_inf_nan=False, frozen=True)
    engine: Annotated[str, Field(max_length=128)] = ""
    escalation_level: float | None = None
    wider_war_risk: float | None = None
    actors: dict[Name, _Figures] = Field(default_factory=dict)


class _Adjudicate(_Strict):
    turn: Annotated[int, Field(ge=1)]
    seen: _Seen | None = None


class _View(_Strict):
    classroom: bool


DATA = {"moves": _Moves, "inject": _InjectAction, "inject_decision": _Decision,
        "note": _Note, "adjudicate": _Adjudicate, "view": _View}


# --- reading -------------------------------------------------------------------------------------

def _reject_constant(name: str):
    raise ExerciseFileError("", f"the file contains {name}, which is not a number in JSON")


def parse_json(text: str | bytes) -> Any:
    """The JSON document of an exercise file, refused above the size and depth limits before
    anything large is built."""
    size = len(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
    if size > LIMITS.file_bytes:
        raise ExerciseFileError("", f"the file is {size / 2**20:.1f} MB; an exercise file may be "
                                    f"at most {LIMITS.file_bytes // 2**20} MB")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ExerciseFileError("", f"not a text file in UTF-8 ({exc.reason} at byte "
                                        f"{exc.start})") from None
    _check_depth(text)
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ExerciseFileError("", f"not a JSON file: {exc.msg} (line {exc.lineno}, "
                                    f"column {exc.colno})") from None
    except RecursionError:  # _check_depth makes this unreachable; kept as the last guard
        raise ExerciseFileError("", "the file is nested too deeply") from None


def _check_depth(text: str) -> None:
    """Refuse JSON nested deeper than the limit in one pass over the text (brackets inside
    strings do not count), before json.loads recurses into it."""
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > LIMITS.depth:
                raise ExerciseFileError("", f"objects and arrays are nested more than "
                                            f"{LIMITS.depth} levels deep; an exercise file "
                                            "needs about eight")
        elif ch in "]}":
            depth -= 1


def _where(loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _first(exc: ValidationError, prefix: str = "") -> ExerciseFileError:
    e = exc.errors(include_url=False)[0]
    where = _where(e["loc"])
    path = f"{prefix}.{where}" if prefix and where else (prefix or where)
    message = e["msg"]
    if e["type"] == "extra_forbidden":
        message = "not a field of an exercise file here"
    elif e["type"] == "missing":
        message = "this field is required"
    return ExerciseFileError(path, message)


@dataclass(frozen=True)
class Checked:
    """A structurally sound exercise document, its parts typed."""

    header: _Header
    branches: list[_Branch]
    actions: list[_Action]


def check_structure(doc: Any) -> Checked:
    """The schema: types, bounds, sequences in order, branches that exist. References into the
    scenario are checked by ``check_references`` once the scenario is parsed."""
    if not isinstance(doc, dict):
        raise ExerciseFileError("", "not a Brink exercise file (expected a JSON object)")
    if doc.get("format") != FORMAT:
        found = f"its format is {doc['format']!r}" if "format" in doc else \
            "it has no 'format' field"
        raise ExerciseFileError("", f"not a Brink exercise file ({found}; an exercise file says "
                                    f"'format': {FORMAT!r})")
    version = doc.get("format_version", 1)
    if type(version) is not int or not 1 <= version <= FORMAT_VERSION:
        if type(version) is int and version > FORMAT_VERSION:
            raise ExerciseFileError("format_version", f"exercise file format {version} is newer "
                                                      f"than this Brink understands "
                                                      f"({FORMAT_VERSION})")
        raise ExerciseFileError("format_version", f"expected {FORMAT_VERSION}, got {version!r}")
    extra = sorted(set(doc) - {"format", "format_version", "exercise", "branches", "actions"})
    if extra:
        raise ExerciseFileError(str(extra[0])[:60], "not a field of an exercise file")
    for key, kind in (("exercise", dict), ("branches", list), ("actions", list)):
        if key not in doc:
            raise ExerciseFileError(key, "this field is required")
        if not isinstance(doc[key], kind):
            raise ExerciseFileError(key, f"expected {'an object' if kind is dict else 'a list'}")
    if len(doc["branches"]) > LIMITS.branches:
        raise ExerciseFileError("branches", f"{len(doc['branches']):,} branches; the limit is "
                                            f"{LIMITS.branches}")
    if len(doc["actions"]) > LIMITS.actions:
        raise ExerciseFileError("actions", f"{len(doc['actions']):,} actions; the limit is "
                                           f"{LIMITS.actions:,}")
    try:
        header = _Header.model_validate(doc["exercise"])
    except ValidationError as exc:
        raise _first(exc, "exercise") from None
    branches = []
    for i, raw in enumerate(doc["branches"]):
        try:
            branches.append(_Branch.model_validate(raw))
        except ValidationError as exc:
            raise _first(exc, f"branches[{i}]") from None
    actions = []
    for i, raw in enumerate(doc["actions"]):
        try:
            act = _Action.model_validate(raw)
        except ValidationError as exc:
            raise _first(exc, f"actions[{i}]") from None
        try:
            DATA[act.kind].model_validate(act.data)
        except ValidationError as exc:
            raise _first(exc, f"actions[{i}].data") from None
        actions.append(act)
    _check_branches(header, branches)
    _check_actions(header, branches, actions)
    return Checked(header, branches, actions)


def _check_branches(header: _Header, branches: list[_Branch]) -> None:
    if not branches:
        raise ExerciseFileError("branches", "an exercise has at least one branch (the main line)")
    ids: set[int] = set()
    for i, b in enumerate(branches):
        where = f"branches[{i}]"
        if b.id in ids:
            raise ExerciseFileError(f"{where}.id", f"branch {b.id} is defined twice")
        if (b.parent is None) != (b.fork_turn is None):
            raise ExerciseFileError(where, "a branch has both a parent and a fork turn, or "
                                           "neither (the main line)")
        if b.parent is not None and b.parent not in ids:
            # parents come first: a branch is always made from one that exists (no cycles)
            raise ExerciseFileError(f"{where}.parent", f"branch {b.parent} is not defined "
                                                       "before this branch")
        if b.fork_turn is not None and b.fork_turn > header.turns:
            raise ExerciseFileError(f"{where}.fork_turn", f"{b.fork_turn} is after the "
                                                          f"exercise's last turn "
                                                          f"({header.turns})")
        ids.add(b.id)
    if header.current not in ids:
        raise ExerciseFileError("exercise.current", f"branch {header.current} is not defined")
    names = [b.name for b in branches]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise ExerciseFileError("branches", f"two branches are called {dup!r}")


def _check_actions(header: _Header, branches: list[_Branch], actions: list[_Action]) -> None:
    known = {b.id for b in branches}
    last_seq = 0
    played: dict[int, int] = {}
    for i, a in enumerate(actions):
        where = f"actions[{i}]"
        if a.seq <= last_seq:
            raise ExerciseFileError(f"{where}.seq", f"{a.seq} does not follow the previous "
                                                    f"action's {last_seq}: actions are listed in "
                                                    "the order they were taken, each with a "
                                                    "larger seq")
        last_seq = a.seq
        if a.branch not in known:
            raise ExerciseFileError(f"{where}.branch", f"branch {a.branch} is not defined")
        if a.at > header.turns + 1:
            raise ExerciseFileError(f"{where}.at", f"turn {a.at} is after the exercise's last "
                                                   f"turn ({header.turns})")
        d = a.data
        if a.kind == "adjudicate":
            expected = played.get(a.branch, 0) + 1
            if d["turn"] != expected:
                raise ExerciseFileError(f"{where}.data.turn",
                                        f"turn {d['turn']} adjudicated where turn {expected} of "
                                        f"branch {a.branch} comes next")
            if expected > header.turns:
                raise ExerciseFileError(f"{where}.data.turn",
                                        f"turn {expected} is after the exercise's last turn "
                                        f"({header.turns})")
            played[a.branch] = expected
        elif a.kind in ("moves", "note") and d["turn"] > header.turns:
            raise ExerciseFileError(f"{where}.data.turn", f"turn {d['turn']} is after the "
                                                          f"exercise's last turn "
                                                          f"({header.turns})")
        elif a.kind == "note" and not str(d["text"]).strip():
            raise ExerciseFileError(f"{where}.data.text", "a note needs some text")


__all__ = ["FORMAT", "FORMAT_VERSION", "LIMITS", "SEED_MAX", "Checked", "ExerciseFileError",
           "Limits", "check_structure", "parse_json"]


def check_against(checked: Checked, scenario) -> None:
    """Every reference into the exercise's scenario resolves: teams name its actors, the turns
    fit its clock, submitted moves are catalogue moves a human team may make, ad-hoc injects
    are valid injects of this scenario, decisions name its scheduled injects."""
    header = checked.header
    ids = [a.id for a in scenario.actors]
    unknown = next((t for t in header.teams if t not in ids), None)
    if unknown is not None:
        raise ExerciseFileError(f"exercise.teams.{unknown[:60]}",
                                f"the scenario has no actor {unknown!r} (its actors: "
                                f"{', '.join(ids)})")
    if header.turns > scenario.clock.turns:
        raise ExerciseFileError("exercise.turns", f"{header.turns} turns; the scenario's clock "
                                                  f"has {scenario.clock.turns}")
    humans = {a for a, t in header.teams.items() if t == "human"}
    refs = Refs.from_scenario(scenario)
    scheduled = {i.id for i in scenario.injects}
    for i, a in enumerate(checked.actions):
        where, d = f"actions[{i}].data", a.data
        if a.kind == "moves":
            if d["actor"] not in humans:
                raise ExerciseFileError(f"{where}.actor", f"{d['actor']!r} is not played by a "
                                                          "human team in this exercise")
            for k, order in enumerate(d["moves"]):
                problem = _order_problem(refs, d["actor"], order)
                if problem:
                    raise ExerciseFileError(f"{where}.moves[{k}].{problem[0] or 'move'}",
                                            problem[1])
                problem = check_static(refs, d["actor"], order["move"], order.get("params") or {})
                if problem:
                    raise ExerciseFileError(f"{where}.moves[{k}].{problem[0] or 'move'}",
                                            problem[1])
        elif a.kind == "inject":
            raw = d["inject"]
            try:
                inject = Inject.model_validate(raw)
            except ValidationError as exc:
                raise _first(exc, f"{where}.inject") from None
            if inject.turn > header.turns:
                raise ExerciseFileError(f"{where}.inject.turn",
                                        f"turn {inject.turn} is after the exercise's last turn "
                                        f"({header.turns})")
            problems = check_references(scenario.model_copy(
                update={"injects": [*scenario.injects, inject]}))
            k = len(scenario.injects)
            mine = [(p, msg) for p, msg in problems if p[:2] == ("injects", k)]
            if mine:
                path, msg = mine[0]
                raise ExerciseFileError(".".join([f"{where}.inject",
                                                  *(str(x) for x in path[2:])]), msg)
        elif a.kind == "inject_decision" and d["id"] not in scheduled:
            raise ExerciseFileError(f"{where}.id", f"the scenario has no scheduled inject "
                                                   f"{d['id']!r}")


def _order_problem(refs, actor: str, order: dict) -> tuple[str, str] | None:
    """What check_static does not look at: parameter values that are not plain JSON scalars
    (a hostile file may put objects where numbers go) and numbers out of any range."""
    for name, value in (order.get("params") or {}).items():
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float | str):
            if isinstance(value, int) and abs(value) > 2**53:
                return name, f"{value} is out of range"
            continue
        return name, f"expected a number, a word or true/false, got {type(value).__name__}"
    return None

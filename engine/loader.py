"""Load scenario files safely, and explain every problem with file, field path and line.

Defences, in order: size limit (5 MB), strict UTF-8, empty file, YAML syntax, a single document,
no tags beyond YAML's core types (python-object tags are refused), alias-expansion limit (the
"billion laughs" bomb), duplicate mapping keys, a mapping at the top, the typed model (pydantic)
and finally cross references (actors, theatres, routes, moves, parameters, variables).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from engine import moves as catalogue
from engine.parameters import PARAMETERS
from engine.scenario import REST_OF_WORLD, Scenario
from engine.variables import check_variable_path

MAX_BYTES = 5 * 1024 * 1024
MAX_NODES = 100_000  # nodes visited with aliases expanded
_CORE_TAGS = {
    "tag:yaml.org,2002:" + t
    for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")
}
_POLICY_TAGS = {"scripted", "doctrine", "logit", "human"}


@dataclass(frozen=True)
class Problem:
    path: str  # field path, e.g. actors[1].economy.gdp_bn ("" for the whole file)
    message: str
    line: int | None = None


class ScenarioError(Exception):
    """A scenario file could not be loaded. ``str()`` gives one line per problem."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        super().__init__(self.render())

    def render(self) -> str:
        lines = []
        for p in self.problems:
            where = f"{self.source}:{p.line}" if p.line else self.source
            field = f" {p.path}:" if p.path else ""
            lines.append(f"{where}:{field} {p.message}")
        return "\n".join(lines)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file. Raises ScenarioError, never anything else."""
    source = str(path)
    p = Path(path)
    try:
        if not p.exists():
            raise ScenarioError(source, [Problem("", "file not found")])
        if p.is_dir():
            raise ScenarioError(source, [Problem("", "is a folder, expected a YAML file")])
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise ScenarioError(source, [Problem(
                "", f"file is {size / 1e6:.1f} MB; scenario files are limited to 5 MB")])
        data = p.read_bytes()
    except OSError as exc:
        raise ScenarioError(source, [Problem("", f"cannot read file: {exc.strerror}")]) from None
    return parse_scenario(data, source)


def parse_scenario(data: bytes | str, source: str = "<scenario>") -> Scenario:
    """Validate scenario text or bytes (as uploaded in the UI). Raises ScenarioError."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise ScenarioError(source, [Problem(
                "", f"file is {len(data) / 1e6:.1f} MB; scenario files are limited to 5 MB")])
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise ScenarioError(source, [Problem(
                "", f"not valid UTF-8 text (byte {exc.start}: {data[exc.start]:#04x}); "
                "save the file as UTF-8", line)]) from None
    else:
        text = data
    if not text.strip():
        raise ScenarioError(source, [Problem("", "file is empty; expected a scenario mapping")])

    document, lines = _read_yaml(text, source)
    if not isinstance(document, dict):
        kind = type(document).__name__ if document is not None else "nothing"
        raise ScenarioError(source, [Problem(
            "", f"expected a mapping of scenario fields at the top level, found {kind}", 1)])
    try:
        scenario = Scenario.model_validate(document)
    except ValidationError as exc:
        raise ScenarioError(source, _pydantic_problems(exc, lines)) from None
    problems = check_references(scenario)
    if problems:
        raise ScenarioError(source, [
            Problem(_render_path(path), msg, _line_for(path, lines)) for path, msg in problems
        ])
    return scenario


# --- YAML -------------------------------------------------------------------------------------


def _read_yaml(text: str, source: str):
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        msg = f"malformed YAML: {problem}" + (f" ({context})" if context else "")
        raise ScenarioError(source, [Problem("", msg, line)]) from None
    if node is None:
        raise ScenarioError(source, [Problem("", "file holds no YAML document")])
    lines: dict[tuple, int] = {}
    _walk(node, (), lines, [0], source)
    try:
        document = yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:  # e.g. a timestamp that is not a date
        mark = getattr(exc, "problem_mark", None)
        raise ScenarioError(source, [Problem(
            "", f"malformed YAML: {getattr(exc, 'problem', exc)}",
            mark.line + 1 if mark else None)]) from None
    return document, lines


def _walk(node, path: tuple, lines: dict, visited: list, source: str) -> None:
    visited[0] += 1
    if visited[0] > MAX_NODES:
        raise ScenarioError(source, [Problem(
            "", f"YAML expands to more than {MAX_NODES:,} nodes through anchors and aliases "
            "(an alias bomb?); scenario files do not need that", node.start_mark.line + 1)])
    lines.setdefault(path, node.start_mark.line + 1)
    if node.tag not in _CORE_TAGS:
        kind = "python-object tags are" if "python/" in node.tag else f"tag '{node.tag}' is"
        raise ScenarioError(source, [Problem(
            _render_path(path), f"{kind} not allowed in scenario files (plain YAML only)",
            node.start_mark.line + 1)])
    if isinstance(node, yaml.MappingNode):
        seen: dict = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                raise ScenarioError(source, [Problem(
                    _render_path((*path, key)),
                    f"duplicate key '{key}' (first at line {seen[key]})",
                    key_node.start_mark.line + 1)])
            seen[key] = key_node.start_mark.line + 1
            lines.setdefault((*path, key), key_node.start_mark.line + 1)
            _walk(value_node, (*path, key), lines, visited, source)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines, visited, source)


# --- error formatting ---------------------------------------------------------------------------


def _render_path(path) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _clean_loc(loc) -> tuple:
    """Drop pydantic's internal loc entries (union tags, validator names)."""
    return tuple(p for p in loc
                 if not (isinstance(p, str) and (p in _POLICY_TAGS or "[" in p or "-" in p)))


def _line_for(path, lines) -> int | None:
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def _pydantic_problems(exc: ValidationError, lines) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = _clean_loc(err["loc"])
        kind = err["type"]
        if kind == "extra_forbidden":
            msg = f"unknown field '{loc[-1]}'" if loc else "unknown field"
            loc_for_line = loc
        elif kind == "missing":
            msg = "required field is missing"
            loc_for_line = loc[:-1]
        else:
            got = err.get("input")
            shown = repr(got)
            if len(shown) > 60:
                shown = shown[:57] + "..."
            msg = f"{err['msg']} (got {shown})" if not isinstance(got, dict | list) else err["msg"]
            loc_for_line = loc
        msg = msg.replace("Value error, ", "")
        problems.append(Problem(_render_path(loc), msg, _line_for(loc_for_line, lines)))
    return problems


# --- cross references ---------------------------------------------------------------------------


def check_references(s: Scenario) -> list[tuple[tuple, str]]:
    """Every reference in the scenario points at something that exists; ids are unique."""
    problems: list[tuple[tuple, str]] = []

    def dupes(items, name):
        seen = set()
        for i, item in enumerate(items):
            if item.id in seen:
                problems.append(((name, i, "id"), f"duplicate id '{item.id}'"))
            seen.add(item.id)

    dupes(s.actors, "actors")
    dupes(s.theatres, "theatres")
    dupes(s.routes, "routes")
    dupes(s.injects, "injects")
    dupes(s.outcomes, "outcomes")
    actors = set(s.actor_ids)
    theatres = {t.id for t in s.theatres}

    def need_actor(path, value):
        if value not in actors:
            problems.append((path, f"unknown actor '{value}' (known: {', '.join(sorted(actors))})"))

    for i, alliance in enumerate(s.relations.alliances):
        for j, member in enumerate(alliance.members):
            need_actor(("relations", "alliances", i, "members", j), member)
    for group in ("trade", "hostility"):
        for i, link in enumerate(getattr(s.relations, group)):
            for j, member in enumerate(link.between):
                if not (group == "trade" and member == REST_OF_WORLD):
                    need_actor(("relations", group, i, "between", j), member)
            if link.between[0] == link.between[1]:
                problems.append((("relations", group, i, "between"),
                                 "a link needs two different actors"))
    for i, theatre in enumerate(s.theatres):
        for k, side in enumerate(theatre.sides):
            for j, member in enumerate(side):
                need_actor(("theatres", i, "sides", k, j), member)
    for i, route in enumerate(s.routes):
        need_actor(("routes", i, "actor"), route.actor)
        if route.theatre not in theatres:
            problems.append((("routes", i, "theatre"), f"unknown theatre '{route.theatre}'"))
    for i, sanction in enumerate(s.sanctions):
        need_actor(("sanctions", i, "sender"), sanction.sender)
        need_actor(("sanctions", i, "target"), sanction.target)
    for i, transfer in enumerate(s.transfers):
        need_actor(("transfers", i, "payer"), transfer.payer)
        need_actor(("transfers", i, "recipient"), transfer.recipient)
        bounds = catalogue.SUPPORT_KINDS.get(transfer.kind)
        if bounds and not bounds[0] <= transfer.amount <= bounds[1]:
            problems.append((("transfers", i, "amount"), f"{transfer.amount:g} is out of bounds "
                             f"{bounds[0]:g}..{bounds[1]:g} {bounds[2]}"))
    for i, actor in enumerate(s.actors):
        t = actor.military.theatre
        if t is not None and t not in theatres:
            problems.append((("actors", i, "military", "theatre"), f"unknown theatre '{t}'"))
    for name, pv in s.parameters.items():
        path = ("parameters", name)
        if name not in PARAMETERS:
            problems.append((path, f"unknown parameter '{name}'; see docs/model.md"))
            continue
        spec = PARAMETERS[name]
        if not spec.low <= pv.value <= spec.high:
            problems.append(((*path, "value"), f"{pv.value:g} is out of the plausible range "
                             f"{spec.low:g}..{spec.high:g} {spec.unit}"))
        if pv.uncertainty and not pv.uncertainty.low <= pv.value <= pv.uncertainty.high:
            problems.append(((*path, "uncertainty"),
                             f"value {pv.value:g} lies outside its uncertainty bounds "
                             f"{pv.uncertainty.low:g}..{pv.uncertainty.high:g}"))

    refs = catalogue.Refs(
        actors, {a.id: {str(c) for c in a.capabilities} for a in s.actors}, theatres,
        {r.id for r in s.routes}, {r.id: r.actor for r in s.routes})

    def check_order(path, actor, order):
        problem = catalogue.check_static(refs, actor, order.move, order.params)
        if problem:
            field, msg = problem
            problems.append(((*path, field) if field not in ("", "actor") else path, msg))

    for i, actor in enumerate(s.actors):
        base = ("actors", i, "policy")
        policy = actor.policy
        if policy.kind == "scripted":
            for k, turn in enumerate(policy.schedule):
                for m, order in enumerate(turn.moves):
                    check_order((*base, "schedule", k, "moves", m), actor.id, order)
        elif policy.kind == "doctrine":
            for k, rule in enumerate(policy.rules):
                for c, cond in enumerate(rule.when):
                    msg = check_variable_path(cond.var, actors, theatres, allow_self=True,
                                              observer=actor.id)
                    if msg:
                        problems.append(((*base, "rules", k, "when", c, "var"), msg))
                for m, order in enumerate(rule.then):
                    check_order((*base, "rules", k, "then", m), actor.id, order)
            for m, order in enumerate(policy.every_turn):
                check_order((*base, "every_turn", m), actor.id, order)
        elif policy.kind == "logit":
            for m, order in enumerate(policy.candidates):
                check_order((*base, "candidates", m), actor.id, order)
    for i, inject in enumerate(s.injects):
        if inject.turn > s.clock.turns:
            problems.append((("injects", i, "turn"),
                             f"turn {inject.turn} is after the last turn ({s.clock.turns})"))
        for j, to in enumerate(inject.to):
            if to != "all":
                need_actor(("injects", i, "to", j), to)
        for j, eff in enumerate(inject.effects):
            msg = check_variable_path(f"{eff.target}.{eff.var}", actors, theatres,
                                      writable=True)
            if msg:
                problems.append((("injects", i, "effects", j), msg))
        for j, order in enumerate(inject.moves):
            if order.actor is None:
                problems.append((("injects", i, "moves", j, "actor"),
                                 "an inject's move must name the actor that makes it"))
            else:
                need_actor(("injects", i, "moves", j, "actor"), order.actor)
                if order.actor in actors:
                    check_order(("injects", i, "moves", j), order.actor, order)
    for i, outcome in enumerate(s.outcomes):
        msg = check_variable_path(outcome.metric, actors, theatres)
        if msg:
            problems.append((("outcomes", i, "metric"), msg))
    return problems

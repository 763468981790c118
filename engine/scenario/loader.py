"""Load scenario files safely, and explain every problem with file, field path and line.

Defences, in order: size limit (5 MB), strict UTF-8, empty file, then one pass over the YAML
event stream that checks syntax and the structural limits of ``engine.scenario.schema.LIMITS``
(nesting
depth, items per list, keys per mapping, characters per text and key, values in the file as
written and with aliases expanded - the "billion laughs" bomb) and stops at the first one passed,
before any node is built; then a single document, no tags beyond YAML's core types
(python-object tags are refused), scalars that match a core pattern but cannot be built
(2024-13-45), the same limits again on the built nodes (an alias cannot smuggle a longer list
in), duplicate and non-scalar mapping keys, a mapping at the top, the typed model (pydantic) and
finally cross references (actors, theatres, routes, moves, parameters, variables), again for
every other option of every lever the file refers to.

The cost of loading stays in proportion to the file: no step does more than constant work per
value, except the lever options, which are bounded by ``LIMITS.lever_options_total`` and each
cost one pass. libyaml parses when PyYAML has it; PyYAML's own parser words the syntax errors.
"""

from __future__ import annotations

import difflib
import math
import types
import typing
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from engine.core.parameters import PARAMETERS
from engine.core.variables import check_variable_path, effect_problem
from engine.moves import catalogue as catalogue
from engine.policies import POLICIES, PolicyRefs
from engine.scenario.levers import lever_values, put, references, substitute
from engine.scenario.schema import LIMITS, REST_OF_WORLD, Scenario

MOVE_NAMES_SEEN = frozenset(m.value for m in catalogue.MoveType)  # what news.<move> may count

MAX_BYTES = LIMITS.bytes
MAX_NODES = LIMITS.nodes  # nodes in the file, with aliases expanded
MAX_DEPTH = LIMITS.depth  # nesting of mappings and sequences; a scenario needs about ten
MAX_PROBLEMS = 50  # problems shown in one error; the rest are counted
_LIMITS_DOC = "docs/reference/limits.md"
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)  # libyaml: some twenty times faster
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE  # what PyYAML's reader refuses
_REWORD_WITHIN = 200_000  # characters PyYAML parses again to word a syntax error (~0.2 s)
_CORE_TAGS = {
    "tag:yaml.org,2002:" + t
    for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")
}
_KEY_TAGS = _CORE_TAGS | {"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"}
_CHECKED_SCALARS = {  # scalars whose construction can fail after they match YAML's patterns
    "tag:yaml.org,2002:timestamp": "a date such as 2024-11-18",
    "tag:yaml.org,2002:int": "a whole number",
    "tag:yaml.org,2002:float": "a number",
}


@dataclass(frozen=True)
class Problem:
    path: str  # field path, e.g. actors[1].economy.gdp_bn ("" for the whole file)
    message: str
    line: int | None = None


class ScenarioError(Exception):
    """A scenario file could not be loaded. ``str()`` gives one line per problem."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        if len(problems) > MAX_PROBLEMS:  # 20,000 bad items would bury the first one
            more = len(problems) - MAX_PROBLEMS
            problems = [*problems[:MAX_PROBLEMS], Problem(
                "", f"... and {more:,} more problems like these; fix the ones above first")]
        self.problems = problems
        super().__init__(self.render())

    def render(self) -> str:
        lines = []
        for p in self.problems:
            where = f"{self.source}:{p.line}" if p.line else self.source
            field = f" {p.path}:" if p.path else ""
            lines.append(_printable(f"{where}:{field} {p.message}"))
        return "\n".join(lines)


def _printable(text: str) -> str:
    """Escape control characters from the file (a key "a\\nb") so that each problem is one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file. Raises ScenarioError, never anything else."""
    source = str(path)
    p = Path(path)
    try:
        if not p.exists():
            raise ScenarioError(source, [Problem("", "file not found")])
        if p.is_dir():
            raise ScenarioError(source, [Problem("", "is a folder, expected a YAML file")])
        if not p.is_file():  # a device or a pipe: /dev/zero would never end
            raise ScenarioError(source, [Problem(
                "", "is not a regular file, expected a YAML file")])
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise ScenarioError(source, [Problem(
                "", f"file is {size / 1e6:.1f} MB; scenario files are limited to 5 MB")])
        with p.open("rb") as f:
            data = f.read(MAX_BYTES + 1)  # the file may grow after stat(); parse_scenario checks
    except OSError as exc:
        raise ScenarioError(source, [Problem("", f"cannot read file: {exc.strerror}")]) from None
    return parse_scenario(data, source)


def parse_scenario(data: bytes | str, source: str = "<scenario>",
                   levers: dict | None = None) -> Scenario:
    """Validate scenario text or bytes (as uploaded in the UI). Raises ScenarioError.

    ``levers`` chooses lever options (``{id: value}``); the others take their defaults. Without
    it, every option of every lever is checked as well, so a batch cannot meet a bad one.
    """
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
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > MAX_BYTES:
            raise ScenarioError(source, [Problem(
                "", f"text is {size / 1e6:.1f} MB; scenario files are limited to 5 MB")])
    if not text.strip():
        raise ScenarioError(source, [Problem("", "file is empty; expected a scenario mapping")])

    document, lines = _read_yaml(text, source)
    if not isinstance(document, dict):
        kind = type(document).__name__ if document is not None else "nothing"
        raise ScenarioError(source, [Problem(
            "", f"expected a mapping of scenario fields at the top level, found {kind}", 1)])
    scenario = _validate(document, lines, source, lever_values(document, levers))
    if levers is None:
        _validate_options(document, lines, source, scenario)
    else:
        unknown = sorted(set(levers) - set(scenario.levers))
        if unknown:
            raise ScenarioError(source, [Problem("levers", f"unknown lever '{unknown[0]}' "
                                                 f"(levers: {', '.join(scenario.levers)})")])
    return scenario


def _validate_options(document: dict, lines, source: str, scenario: Scenario) -> None:
    """Validate the scenario again with each other option of each lever the file refers to.

    Each option is put where the file refers to its lever, in the document with the defaults
    substituted once; only the sections it lands in are validated again, beside the models
    already built for the others (pydantic does not validate a model instance twice) - above
    all the levers themselves, so an option no longer costs a pass over all the other options.
    The cross references are checked in full: an option may name an actor or a turn.
    """
    sites = references(document)
    if not any(name in sites for name in scenario.levers):
        return  # an option nothing refers to changes nothing
    defaults = lever_values(document)
    data, _ = substitute(document, defaults)  # the unknown ones were reported already
    for name, lever in scenario.levers.items():
        paths = sites.get(name)
        if not paths:
            continue
        used = {path[0] for path in paths}
        kept = {field: getattr(scenario, field) for field in Scenario.model_fields
                if field not in used}
        base = {k: data[k] for k in used}
        for option in lever.options:
            if option != lever.default:
                _check({**kept, **put(base, paths, option)}, lines, source,
                       context=f" (with lever {name} = {option!r})")


def _validate(document: dict, lines, source: str, values: dict) -> Scenario:
    """Substitute lever values, then validate the model and its cross references."""
    data, lever_problems = substitute(document, values)
    if lever_problems:
        raise ScenarioError(source, [Problem(_render_path(path), msg, _line_for(path, lines))
                                     for path, msg in lever_problems])
    return _check(data, lines, source)


def _check(data: dict, lines, source: str, context: str = "") -> Scenario:
    """Validate the model, then its cross references; ``context`` ends every message."""
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = _pydantic_problems(exc, lines)
        raise ScenarioError(source, [Problem(p.path, p.message + context, p.line)
                                     for p in problems]) from None
    problems = check_references(scenario)
    if problems:
        raise ScenarioError(source, [
            Problem(_render_path(path), msg + context, _line_for(path, lines))
            for path, msg in problems
        ])
    return scenario


# --- YAML -------------------------------------------------------------------------------------


def _read_yaml(text: str, source: str):
    # libyaml when PyYAML has it and PyYAML's reader would accept the characters; PyYAML's own
    # parser for the rest, and to word a syntax error near the start as the guides show it: a
    # second pass that stops where libyaml stopped, so only if that is not far in.
    fast = _FAST_LOADER is not None and not _NON_PRINTABLE.search(text)
    try:
        try:
            loader = _FAST_LOADER if fast else yaml.SafeLoader
            _check_structure(text, source, loader)  # before compose(), which recurses per level
            node = yaml.compose(text, Loader=loader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            if not fast or (mark is not None and mark.index > _REWORD_WITHIN):
                raise
            _check_structure(text, source, yaml.SafeLoader)
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        start = getattr(exc, "context_mark", None)
        if context and context.startswith("while") and start and line != start.line + 1:
            context += f" from line {start.line + 1}"  # e.g. where an unclosed bracket opened
        msg = f"malformed YAML: {problem}" + (f" ({context})" if context else "")
        raise ScenarioError(source, [Problem("", msg, line)]) from None
    if node is None:
        raise ScenarioError(source, [Problem(
            "", "file holds no YAML document (only comments?); expected a scenario mapping")])
    lines: dict[tuple, int] = {}
    constructor = yaml.constructor.SafeConstructor()
    _walk(node, (), lines, [0, 0], source, constructor)
    try:
        document = constructor.construct_document(node)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:  # _walk should catch these first
        mark = getattr(exc, "problem_mark", None)
        raise ScenarioError(source, [Problem(
            "", f"malformed YAML: {getattr(exc, 'problem', exc)}",
            mark.line + 1 if mark else None)]) from None
    return document, lines


# --- limits -------------------------------------------------------------------------------------


def _collection_limit(path: tuple, mapping: bool) -> tuple[int, str, str]:
    """(limit, what it counts, per what) for the mapping or list at ``path``."""
    if path == ("actors",) and not mapping:
        return LIMITS.actors, "actors", ""
    if path == ("levers",) and mapping:
        return LIMITS.levers, "levers", ""
    if _is_options(path) and not mapping:
        return LIMITS.lever_options, "options", " per lever"
    if mapping:
        return LIMITS.mapping_keys, "keys", " per mapping"
    return LIMITS.list_items, "items", " per list"


def _is_options(path: tuple) -> bool:
    return len(path) == 3 and path[0] == "levers" and path[2] == "options"


def _over(source: str, path: tuple, found: str, limit: int, per: str, line: int | None):
    """The one-line refusal for input above a limit: the field, what it holds, the limit and
    where to read more. ``found``: "20,000 options", "more than 1,000 items", ..."""
    prefix = "" if path else "the top level has "
    return ScenarioError(source, [Problem(
        _render_path(path), f"{prefix}{found}; the limit is {limit:,}{per} (see {_LIMITS_DOC})",
        line)])


def _long_text(source: str, path: tuple, value: str, key: bool, line: int | None):
    if key:
        return _over(source, path, f"a key of {len(value):,} characters ('{value[:20]}...')",
                     LIMITS.key_chars, " per key", line)
    return _over(source, path, f"a text of {len(value):,} characters", LIMITS.text_chars,
                 " per text", line)


def _too_long(source: str, frame: _Open, events, start, line: int, budget: int):
    """The refusal for a list or mapping that has just passed its limit, with its length if
    its end is within ``budget`` events of the stream (a few hundredths of a second)."""
    seen, exact = _count_rest(events, frame.mapping, frame.count, start, budget)
    found = f"{seen:,} {frame.what}" if exact else f"more than {frame.limit:,} {frame.what}"
    return _over(source, frame.path, found, frame.limit, frame.per, line)


def _count_rest(events, mapping: bool, count: int, start, budget: int) -> tuple[int, bool]:
    """Count the items (keys) of the list (mapping) whose item (key) ``start`` was number
    ``count``, reading on to its end: (count, whether that end was reached)."""
    depth = 1 if isinstance(start, yaml.CollectionStartEvent) else 0
    direct = 0  # the events directly inside after ``start``: values and keys in turn
    try:
        for _, event in zip(range(budget), events, strict=False):
            if isinstance(event, yaml.CollectionEndEvent):
                if depth == 0:
                    return count + (direct // 2 if mapping else direct), True
                depth -= 1
            elif isinstance(event, yaml.NodeEvent):
                if depth == 0:
                    direct += 1
                if isinstance(event, yaml.CollectionStartEvent):
                    depth += 1
    except yaml.YAMLError:
        pass  # reported once the file is within the limit
    return count + (direct // 2 if mapping else direct), False


def _too_many_nodes(source: str, written: int, line: int) -> ScenarioError:
    if written > MAX_NODES:
        msg = (f"the file holds more than {MAX_NODES:,} values (keys, values and list items); "
               f"the limit is {MAX_NODES:,} (see {_LIMITS_DOC})")
    else:
        msg = (f"anchors and aliases expand the file to more than {MAX_NODES:,} nodes "
               f"(an alias bomb); the limit is {MAX_NODES:,} (see {_LIMITS_DOC})")
    return ScenarioError(source, [Problem("", msg, line)])


class _Open:
    """A mapping or list the event stream is inside of."""

    __slots__ = ("anchor", "count", "expect_key", "key", "limit", "mapping", "nodes_before",
                 "path", "per", "what")

    def __init__(self, path, mapping, anchor, nodes_before):
        self.path = path
        self.mapping = mapping
        self.count = 0  # items of a list, keys of a mapping
        self.limit, self.what, self.per = _collection_limit(path, mapping)
        self.expect_key = True
        self.key = "?"  # the key of the value to come (a mapping)
        self.anchor = anchor
        self.nodes_before = nodes_before


def _check_structure(text: str, source: str, loader) -> None:
    """Refuse input above the structural limits from the YAML event stream, before any node
    is built, with the field path and the line where the limit is passed.

    One pass with constant work per event and no recursion: nesting depth, items per list and
    keys per mapping (actors, levers and lever options have their own limits), characters per
    text and per key, and nodes in the file - counted as written and with every alias expanded
    to the size of its anchor, so that a file too big as written and an alias bomb are told
    apart. The first limit passed stops the parse: a 5 MB file costs no more than the first few
    thousand values it holds.
    """
    stack: list[_Open] = []
    written = expanded = options = 0
    sizes: dict[str, int] = {}  # anchor -> the nodes it stands for
    events = iter(yaml.parse(text, Loader=loader))
    budget = 50_000 if loader is _FAST_LOADER else 5_000  # events to count a long list to its end
    for event in events:
        if isinstance(event, yaml.CollectionEndEvent):
            done = stack.pop()
            if done.anchor is not None:
                sizes[done.anchor] = expanded - done.nodes_before
            continue
        if not isinstance(event, yaml.NodeEvent):
            if isinstance(event, yaml.DocumentStartEvent):
                sizes.clear()  # anchors belong to their document
            continue
        line = event.start_mark.line + 1
        parent = stack[-1] if stack else None
        key = False
        if parent is None:
            path: tuple = ()
        elif parent.mapping:
            key = parent.expect_key
            parent.expect_key = not key
            if key:
                parent.count += 1
                if parent.count > parent.limit:
                    raise _too_long(source, parent, events, event, line, budget)
                path = parent.path
                parent.key = "?"
            else:
                path = (*parent.path, parent.key)
        else:
            parent.count += 1
            if parent.count > parent.limit:
                raise _too_long(source, parent, events, event, line, budget)
            path = (*parent.path, parent.count - 1)
            if _is_options(parent.path):
                options += 1
                if options > LIMITS.lever_options_total:
                    raise _over(source, ("levers",), f"more than {LIMITS.lever_options_total:,} "
                                "options in all", LIMITS.lever_options_total,
                                " for all levers together", line)
        written += 1
        expanded += sizes.get(event.anchor, 1) if isinstance(event, yaml.AliasEvent) else 1
        if expanded > MAX_NODES:  # an alias to a mapping still open counts as one node
            raise _too_many_nodes(source, written, line)
        if isinstance(event, yaml.ScalarEvent):
            if len(event.value) > (LIMITS.key_chars if key else LIMITS.text_chars):
                raise _long_text(source, path, event.value, key, line)
            if key:
                parent.key = event.value
            if event.anchor is not None:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.CollectionStartEvent):
            if len(stack) >= MAX_DEPTH:
                raise ScenarioError(source, [Problem(
                    "", f"mappings and lists are nested more than {MAX_DEPTH} levels deep; "
                    "scenario files do not need that", line)])
            stack.append(_Open(path if not key else (*path, "?"),
                               isinstance(event, yaml.MappingStartEvent), event.anchor,
                               expanded - 1))


def _walk(node, path: tuple, lines: dict, visited: list, source: str, constructor) -> None:
    """Check the built nodes, aliases expanded: tags, scalars, keys and the limits again.

    ``visited``: [nodes so far, lever options so far].
    """
    visited[0] += 1
    if visited[0] > MAX_NODES:  # _check_structure counts these first; this is a second guard
        raise _too_many_nodes(source, 0, node.start_mark.line + 1)
    if len(path) > MAX_DEPTH:  # only reachable through an alias that contains itself
        raise ScenarioError(source, [Problem(
            _render_path(path[:3]), f"an alias refers to itself or nests more than {MAX_DEPTH} "
            "levels deep; scenario files do not need that", node.start_mark.line + 1)])
    lines.setdefault(path, node.start_mark.line + 1)
    if node.tag not in _CORE_TAGS:
        kind = "python-object tags are" if "python/" in node.tag else f"tag '{node.tag}' is"
        raise ScenarioError(source, [Problem(
            _render_path(path), f"{kind} not allowed in scenario files (plain YAML only)",
            node.start_mark.line + 1)])
    if isinstance(node, yaml.ScalarNode) and len(node.value) > LIMITS.text_chars:
        raise _long_text(source, path, node.value, False, node.start_mark.line + 1)
    if node.tag in _CHECKED_SCALARS:
        try:
            constructor.construct_object(node)  # cached for construct_document
        except (ValueError, OverflowError) as exc:  # 2024-13-45 matches the timestamp pattern
            shown = node.value if len(node.value) <= 40 else node.value[:37] + "..."
            raise ScenarioError(source, [Problem(
                _render_path(path), f"'{shown}' is not valid ({exc}); expected "
                f"{_CHECKED_SCALARS[node.tag]}", node.start_mark.line + 1)]) from None
    if isinstance(node, yaml.CollectionNode):
        mapping = isinstance(node, yaml.MappingNode)
        limit, what, per = _collection_limit(path, mapping)
        if len(node.value) > limit:  # e.g. options: *a_long_list, written once elsewhere
            item = node.value[limit][0] if mapping else node.value[limit]
            raise _over(source, path, f"{len(node.value):,} {what}", limit, per,
                        item.start_mark.line + 1)
        if _is_options(path) and not mapping:
            visited[1] += len(node.value)
            if visited[1] > LIMITS.lever_options_total:
                raise _over(source, ("levers",), f"more than {LIMITS.lever_options_total:,} "
                            "options in all", LIMITS.lever_options_total,
                            " for all levers together", node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag not in _KEY_TAGS:
                kind = ("python-object tags are" if "python/" in key_node.tag
                        else f"tag '{key_node.tag}' is")
                raise ScenarioError(source, [Problem(
                    _render_path(path), f"{kind} not allowed in scenario files (plain YAML only)",
                    key_node.start_mark.line + 1)])
            if not isinstance(key_node, yaml.ScalarNode):
                kind = "list" if isinstance(key_node, yaml.SequenceNode) else "mapping"
                raise ScenarioError(source, [Problem(
                    _render_path(path), f"a {kind} is used as a key; expected a plain field name",
                    key_node.start_mark.line + 1)])
            key = key_node.value
            if len(key) > LIMITS.key_chars:
                raise _long_text(source, path, key, True, key_node.start_mark.line + 1)
            if key in seen:
                raise ScenarioError(source, [Problem(
                    _render_path((*path, key)),
                    f"duplicate key '{key}' (first at line {seen[key]})",
                    key_node.start_mark.line + 1)])
            seen[key] = key_node.start_mark.line + 1
            lines.setdefault((*path, key), key_node.start_mark.line + 1)
            _walk(value_node, (*path, key), lines, visited, source, constructor)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines, visited, source, constructor)


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
                 if not (isinstance(p, str) and (p in POLICIES or "[" in p or "-" in p)))


def _line_for(path, lines) -> int | None:
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def _known_fields(loc) -> list[str]:
    """The field names allowed beside the unknown one at ``loc`` (a raw pydantic loc)."""
    tp = Scenario
    parts = list(loc[:-1])
    while True:
        while typing.get_origin(tp) is typing.Annotated:
            tp = typing.get_args(tp)[0]
        if typing.get_origin(tp) in (typing.Union, types.UnionType):
            members = [m for m in typing.get_args(tp) if m is not type(None)]
            if len(members) > 1:  # a discriminated union: pydantic puts the tag in loc
                tag = parts.pop(0) if parts else None
                members = [m for m in members if isinstance(m, type)
                           and issubclass(m, BaseModel) and "kind" in m.model_fields
                           and tag in typing.get_args(m.model_fields["kind"].annotation)]
            if len(members) != 1:
                return []
            tp = members[0]
            continue
        if not parts:
            break
        part = parts.pop(0)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = next((f for name, f in tp.model_fields.items()
                          if part in (name, f.alias)), None)
            if field is None:
                return []
            tp = field.annotation
        elif typing.get_origin(tp) is list:
            tp = typing.get_args(tp)[0]
        elif typing.get_origin(tp) is dict:
            tp = typing.get_args(tp)[1]
        else:
            return []
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [f.alias or name for name, f in tp.model_fields.items()]
    return []


def _pydantic_problems(exc: ValidationError, lines) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = _clean_loc(err["loc"])
        kind = err["type"]
        field = (err.get("ctx") or {}).get("field")
        if isinstance(field, str):  # a model's check that blames one of its fields (Clock)
            loc = (*loc, field)
        if len(problems) >= MAX_PROBLEMS:  # not shown (ScenarioError counts them): no difflib
            problems.append(Problem(_render_path(loc), err["msg"]))
            continue
        if kind == "extra_forbidden":
            msg = f"unknown field '{loc[-1]}'" if loc else "unknown field"
            known = _known_fields(err["loc"])
            close = difflib.get_close_matches(str(loc[-1]), known, n=1) if loc else []
            if close:
                msg += f"; did you mean '{close[0]}'?"
            elif known:
                msg += f"; expected one of: {', '.join(known)}"
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
        if pv.owner is not None and pv.owner not in actors:
            problems.append(((*path, "owner"), f"unknown actor '{pv.owner}'"))
        if name in PARAMETERS:
            spec = PARAMETERS[name]
            low, high, unit = spec.low, spec.high, spec.unit
            if pv.owner is not None:
                problems.append(((*path, "owner"), f"'{name}' is a model parameter: it belongs "
                                 "to no actor"))
            if pv.low is not None or pv.high is not None:
                problems.append((path, f"'{name}' is a model parameter: its plausible range is "
                                 f"{low:g}..{high:g} {unit} (docs/reference/model.md); give "
                                 "low and high only for a parameter of the scenario's own"))
        elif pv.low is None or pv.high is None or not pv.low <= pv.high:
            problems.append((path, f"unknown parameter '{name}'; see docs/reference/model.md "
                             "(a parameter of the scenario's own, such as a decision "
                             "threshold or an appetite, gives its plausible range: low and "
                             "high, low <= high)"))
            continue
        else:
            low, high, unit = pv.low, pv.high, pv.unit or ""
        if not low <= pv.value <= high:
            problems.append(((*path, "value"), f"{pv.value:g} is out of the plausible range "
                             f"{low:g}..{high:g} {unit}".rstrip()))
        if pv.uncertainty and not pv.uncertainty.low <= pv.value <= pv.uncertainty.high:
            problems.append(((*path, "uncertainty"),
                             f"value {pv.value:g} lies outside its uncertainty bounds "
                             f"{pv.uncertainty.low:g}..{pv.uncertainty.high:g}"))
        # Sampled values must be as plausible as the point value: the rules rely on the
        # ranges (e.g. the accident ramp divides by 21 - accident_onset_rung).
        if pv.uncertainty and not low <= pv.uncertainty.low <= pv.uncertainty.high <= high:
            problems.append(((*path, "uncertainty"),
                             f"bounds {pv.uncertainty.low:g}..{pv.uncertainty.high:g} leave "
                             f"the plausible range {low:g}..{high:g} {unit}".rstrip()))

    refs = catalogue.Refs.from_scenario(s)
    def parameter_problem(name: str, actor: str) -> str | None:
        """Why ``actor``'s policy may not read parameter ``name``: undeclared, or another
        actor's own (its appetite is its private judgement), or None."""
        own = s.parameters.get(name)
        if own is None and name not in PARAMETERS:
            return (f"unknown parameter '{name}' (declare it in the scenario's parameters, "
                    "with its plausible range)")
        if own is not None and own.owner not in (None, actor):
            return f"'{name}' is {own.owner}'s own parameter, hidden from {actor}"
        return None

    def order_problems(path, actor, order) -> list[tuple[tuple, str]]:
        for name, value in order.params.items():  # check_static fails on nan and inf
            if isinstance(value, float) and not math.isfinite(value):
                return [((*path, name), f"'{name}' must be a finite number, got {value}")]
        problem = catalogue.check_static(refs, actor, order.move, order.params)
        if problem:
            field, msg = problem
            return [((*path, field) if field not in ("", "actor") else path, msg)]
        return []

    def check_order(path, actor, order):
        problems.extend(order_problems(path, actor, order))

    for i, actor in enumerate(s.actors):  # each policy class checks its own spec
        policy_refs = PolicyRefs(
            actor.id,
            order=lambda path, order, a=actor.id: order_problems(path, a, order),
            variable=lambda var, a=actor.id: (
                parameter_problem(var.removeprefix("param."), a) if var.startswith("param.")
                else check_variable_path(var, actors, theatres, allow_self=True, observer=a,
                                         moves=MOVE_NAMES_SEEN)),
            parameter=lambda name, a=actor.id: parameter_problem(name, a))
        for path, msg in POLICIES[actor.policy.kind].check(actor.policy, policy_refs):
            problems.append((("actors", i, "policy", *path), msg))
    for i, inject in enumerate(s.injects):
        if inject.turn > s.clock.turns:
            problems.append((("injects", i, "turn"),
                             f"turn {inject.turn} is after the last turn ({s.clock.turns})"))
        for j, to in enumerate(inject.to):
            if to != "all":
                need_actor(("injects", i, "to", j), to)
        for j, eff in enumerate(inject.effects):
            msg = (check_variable_path(f"{eff.target}.{eff.var}", actors, theatres,
                                       writable=True)
                   or effect_problem(eff.var, eff.op, eff.value))
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
    for i, question in enumerate(s.discussion):
        if question.turn is not None and question.turn > s.clock.turns:
            problems.append((("discussion", i, "turn"),
                             f"turn {question.turn} is after the last turn ({s.clock.turns})"))
    labels: set[tuple[str, str]] = set()
    for i, choice in enumerate(s.lesson.choices if s.lesson else []):
        path = ("lesson", "choices", i)
        if (choice.actor, choice.label) in labels:  # two choices a class could not tell apart
            problems.append(((*path, "label"), f"duplicate label '{choice.label}' for "
                             f"{choice.actor}"))
        labels.add((choice.actor, choice.label))
        need_actor((*path, "actor"), choice.actor)
        if choice.move.actor is not None and choice.move.actor != choice.actor:
            problems.append(((*path, "move", "actor"), f"the move names actor "
                             f"'{choice.move.actor}' but the choice is for '{choice.actor}'"))
        elif choice.actor in actors:
            check_order((*path, "move"), choice.actor, choice.move)
    return problems

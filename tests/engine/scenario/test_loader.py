"""The bad-input guarantee for scenario files.

Every invalid file is refused with a ``ScenarioError`` whose message names the file, the field path
(and the line where the YAML has one) and what was expected - through ``parse_scenario``,
``load_scenario`` and ``brink validate`` (exit status 2, no traceback). The invalid files are
built by mutating the default scenario, so these tests follow the format as it evolves.
"""

from __future__ import annotations

import copy
import os
import re
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.main import main
from engine.core.parameters import PARAMETERS
from engine.moves.catalogue import CATALOGUE, MoveType
from engine.scenario.loader import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    ScenarioError,
    check_references,
    load_scenario,
    parse_scenario,
)
from engine.scenario.schema import Scenario
from tests.conftest import DEFAULT_SCENARIO

TEXT = DEFAULT_SCENARIO.read_text(encoding="utf-8")
BASE = yaml.safe_load(TEXT)
UNKNOWN = "narnia"  # an actor id no scenario defines


# --- helpers -------------------------------------------------------------------------------------


def dump(doc) -> str:
    """Block-style YAML, one field per line, so a field's line can be found by its text."""
    return yaml.safe_dump(doc, sort_keys=False, width=10_000)


def mutated(change) -> str:
    """The default scenario as YAML text after ``change(doc)``."""
    doc = copy.deepcopy(BASE)
    change(doc)
    return dump(doc)


def line_of(text: str, needle: str, nth: int = 0) -> int:
    """1-based number of the ``nth`` line containing ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) > nth, f"{needle!r} occurs {len(hits)} times"
    return hits[nth]


def insert_after(text: str, line: int, new: str) -> str:
    """``text`` with the line ``new`` inserted after line number ``line``."""
    lines = text.splitlines(keepends=True)
    return "".join([*lines[:line], new + "\n", *lines[line:]])


def set_in(doc, keys, value) -> None:
    for key in keys[:-1]:
        doc = doc[key]
    doc[keys[-1]] = value


def doctrine_orders(doc):
    """(field path, order dict) for every move written in a doctrine policy."""
    for i, actor in enumerate(doc["actors"]):
        policy = actor.get("policy") or {}
        if policy.get("kind") != "doctrine":
            continue
        for m, order in enumerate(policy.get("every_turn", [])):
            yield f"actors[{i}].policy.every_turn[{m}]", order
        for k, rule in enumerate(policy.get("rules", [])):
            for m, order in enumerate(rule["then"]):
                yield f"actors[{i}].policy.rules[{k}].then[{m}]", order


def numeric_param(order):
    """The first numeric catalogue parameter written in ``order``, or None."""
    spec = CATALOGUE[MoveType(order["move"])]
    return next((p for p in spec.params if p.kind in ("int", "float") and p.name in order), None)


def assert_refused(tmp_path, capsys, content: str | bytes, field: str, *expected: str,
                   line: int | None = None, name: str = "bad.yaml") -> str:
    """``content`` is refused by parse_scenario, load_scenario and ``brink validate``.

    Each names the file on every line, ``field`` (the whole file when "") with ``line`` when
    given, and every ``expected`` fragment. Returns the rendered message.
    """
    path = tmp_path / name
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.write_bytes(data)
    source = str(path)

    with pytest.raises(ScenarioError) as parsed:
        parse_scenario(content, source)
    with pytest.raises(ScenarioError) as loaded:
        load_scenario(path)
    for err in (parsed.value, loaded.value):
        rendered = err.render()
        assert err.problems
        assert all(row.startswith(source + ":") for row in rendered.splitlines()), rendered
        assert any(p.path == field and (line is None or p.line == line)
                   for p in err.problems), rendered
        if line is not None:
            where = f"{source}:{line}: {field}: " if field else f"{source}:{line}: "
            assert where in rendered, rendered
        elif field:
            assert f" {field}: " in rendered, rendered
        for fragment in expected:
            assert fragment in rendered, f"{fragment!r} not in:\n{rendered}"

    capsys.readouterr()
    assert main(["validate", source]) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert out == ""
    assert loaded.value.render() in err
    return loaded.value.render()


def test_round_tripped_default_is_valid(default_scenario):
    """The mutations start from a valid file: the default, dumped again, still loads."""
    assert parse_scenario(dump(BASE), "default.yaml") == default_scenario


# --- 1. wrong type -------------------------------------------------------------------------------


@pytest.mark.parametrize(("keys", "value", "field", "expected"), [
    (("actors", 0, "economy", "gdp_bn"), "lots", "actors[0].economy.gdp_bn", "valid number"),
    (("clock", "turns"), "many", "clock.turns", "valid integer"),
    (("actors", 1, "military", "engaged"), "perhaps", "actors[1].military.engaged",
     "valid boolean"),
    (("clock",), [1, 2], "clock", "valid dictionary"),
    (("actors",), "everyone", "actors", "valid list"),
], ids=["gdp_bn", "turns", "engaged", "clock", "actors"])
def test_wrong_type_names_field_line_and_expected_type(tmp_path, capsys, keys, value, field,
                                                       expected):
    """A value of the wrong type is reported at its field and line with the type expected."""
    text = mutated(lambda d: set_in(d, keys, value))
    needle = f"{keys[-1]}: {value}" if isinstance(value, str) else f"{keys[-1]}:"
    rendered = assert_refused(tmp_path, capsys, text, field, expected,
                              line=line_of(text, needle))
    if isinstance(value, str):
        assert f"(got '{value}')" in rendered


# --- 2. unknown field ----------------------------------------------------------------------------


@pytest.mark.parametrize(("parent", "key", "typo", "hint"), [
    (("actors", 0, "military"), "readiness", "readines", "did you mean 'readiness'?"),
    (("actors", 2, "politics"), "stability", "stabilty", "did you mean 'stability'?"),
    (("clock",), "turns", "turnz", "did you mean 'turns'?"),
    ((), "title", "titel", "did you mean 'title'?"),
    (("actors", 0, "economy"), "strain", "zzz_unheard_of",
     "expected one of: gdp_bn, trend_growth_pct, reserves_bn, strain"),
], ids=["military", "politics", "clock", "top-level", "no-close-match"])
def test_unknown_field_names_path_line_and_suggestion(tmp_path, capsys, parent, key, typo, hint):
    """A misspelt field in a nested mapping is refused with its path, line and the right name."""
    def rename(doc):
        for k in parent:
            doc = doc[k]
        doc[typo] = doc.pop(key)

    text = mutated(rename)
    field = ".".join(f"[{k}]" if isinstance(k, int) else k for k in (*parent, typo))
    field = field.replace(".[", "[")
    assert_refused(tmp_path, capsys, text, field, f"unknown field '{typo}'", hint,
                   line=line_of(text, f"{typo}:"))


def test_unknown_field_inside_a_doctrine_rule_is_located(tmp_path, capsys):
    """Typos inside a policy (a tagged union) still get the clean path and a suggestion."""
    doc = copy.deepcopy(BASE)
    i = next(i for i, a in enumerate(doc["actors"])
             if (a.get("policy") or {}).get("kind") == "doctrine" and a["policy"].get("rules"))
    rule = doc["actors"][i]["policy"]["rules"][0]
    rule["whenn"] = rule.pop("when")
    text = dump(doc)
    assert_refused(tmp_path, capsys, text, f"actors[{i}].policy.rules[0].whenn",
                   "unknown field 'whenn'", "did you mean 'when'?", line=line_of(text, "whenn:"))


# --- 3. unknown actor ----------------------------------------------------------------------------


def known_actors() -> str:
    return "known: " + ", ".join(sorted(a["id"] for a in BASE["actors"]))


@pytest.mark.parametrize("keys", [
    ("routes", 0, "actor"),
    ("sanctions", 0, "target"),
    ("transfers", 0, "payer"),
    ("theatres", 0, "sides", 1, 0),
    ("relations", "hostility", 0, "between", 1),
], ids=lambda keys: ".".join(map(str, keys)))
def test_unknown_actor_reference_is_refused(tmp_path, capsys, keys):
    """An actor id that no actor has is refused where it is written, listing the known ids."""
    text = mutated(lambda d: set_in(d, keys, UNKNOWN))
    field = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in keys).lstrip(".")
    assert_refused(tmp_path, capsys, text, field, f"unknown actor '{UNKNOWN}'", known_actors(),
                   line=line_of(text, UNKNOWN))


def test_unknown_alliance_member_is_refused(tmp_path, capsys):
    """relations.alliances members must be actors of the scenario."""
    def ally(doc):
        doc["relations"]["alliances"] = [
            {"name": "Pact of test", "members": [doc["actors"][0]["id"], UNKNOWN]}]

    text = mutated(ally)
    assert_refused(tmp_path, capsys, text, "relations.alliances[0].members[1]",
                   f"unknown actor '{UNKNOWN}'", known_actors(), line=line_of(text, UNKNOWN))


def test_unknown_actor_as_a_doctrine_move_target_is_refused(tmp_path, capsys):
    """A doctrine rule's move may only target actors of the scenario."""
    doc = copy.deepcopy(BASE)
    path, order = next((p, o) for p, o in doctrine_orders(doc) if "target" in o)
    order["target"] = UNKNOWN
    text = dump(doc)
    assert_refused(tmp_path, capsys, text, f"{path}.target",
                   f"unknown actor '{UNKNOWN}' in 'target'", line=line_of(text, UNKNOWN))


@pytest.mark.parametrize(("inject", "field"), [
    ({"to": [UNKNOWN]}, "to[0]"),
    ({"moves": [{"actor": UNKNOWN, "move": "hold"}]}, "moves[0].actor"),
], ids=["to", "move-actor"])
def test_unknown_actor_in_an_inject_is_refused(tmp_path, capsys, inject, field):
    """An inject can only be addressed to, or make moves for, actors of the scenario."""
    n = len(BASE.get("injects", []))
    text = mutated(lambda d: d.setdefault("injects", []).append(
        {"id": "test_inject", "turn": 1, "text": "A test inject.", **inject}))
    assert_refused(tmp_path, capsys, text, f"injects[{n}].{field}", f"unknown actor '{UNKNOWN}'",
                   line=line_of(text, UNKNOWN))


# --- 4. out of range -----------------------------------------------------------------------------


@pytest.mark.parametrize(("keys", "value", "field", "expected"), [
    (("actors", 0, "economy", "strain"), 1.5, "actors[0].economy.strain",
     "less than or equal to 1"),
    (("actors", 1, "politics", "stability"), -0.25, "actors[1].politics.stability",
     "greater than or equal to 0"),
    (("clock", "turns"), 0, "clock.turns", "greater than or equal to 1"),
    (("actors", 0, "economy", "gdp_bn"), -28.5, "actors[0].economy.gdp_bn", "greater than 0"),
], ids=["strain", "stability", "turns", "gdp_bn"])
def test_out_of_range_value_names_the_bound(tmp_path, capsys, keys, value, field, expected):
    """A value outside the model's bounds is refused with the bound and the value given."""
    text = mutated(lambda d: set_in(d, keys, value))
    assert_refused(tmp_path, capsys, text, field, expected, f"(got {value})",
                   line=line_of(text, f"{keys[-1]}: {value}"))


def test_parameter_override_outside_its_plausible_range_is_refused(tmp_path, capsys):
    """A parameter override must lie in the parameter's plausible range, given with its unit."""
    name = sorted(PARAMETERS)[0]
    spec = PARAMETERS[name]
    value = spec.high * 2 + 1
    text = mutated(lambda d: d.setdefault("parameters", {}).__setitem__(
        name, {"value": value, "source": "a test"}))
    assert_refused(tmp_path, capsys, text, f"parameters.{name}.value", "plausible range",
                   f"{spec.low:g}..{spec.high:g}", line=line_of(text, f"value: {value}"))


def test_uncertainty_reaching_past_the_plausible_range_is_refused(tmp_path, capsys):
    """Sampled values must be as plausible as point values: onset 21 would divide by zero."""
    spec = PARAMETERS["accident_onset_rung"]
    text = mutated(lambda d: d.setdefault("parameters", {}).__setitem__(
        "accident_onset_rung", {"value": 14, "source": "a test", "uncertainty": {
            "distribution": "uniform", "low": 10, "high": 21}}))
    assert_refused(tmp_path, capsys, text, "parameters.accident_onset_rung.uncertainty",
                   "bounds 10..21 leave the plausible range", f"{spec.low:g}..{spec.high:g}")


def test_unknown_parameter_override_is_refused(tmp_path, capsys):
    """Only parameters of the model's table may be overridden."""
    text = mutated(lambda d: d.setdefault("parameters", {}).__setitem__(
        "warp_factor", {"value": 9, "source": "a test"}))
    assert_refused(tmp_path, capsys, text, "parameters.warp_factor",
                   "unknown parameter 'warp_factor'", line=line_of(text, "warp_factor:"))


@pytest.mark.parametrize(("bad", "expected"), [
    ("above", "must be between"),
    (float("nan"), "must be a finite number"),
    (float("inf"), "must be a finite number"),
    ("plenty", "must be a number"),
], ids=["above", "nan", "inf", "text"])
def test_move_parameter_outside_catalogue_bounds_is_refused(tmp_path, capsys, bad, expected):
    """A doctrine move's numeric parameter must be a finite number in the catalogue's bounds."""
    doc = copy.deepcopy(BASE)
    path, order, p = next((path, o, p) for path, o in doctrine_orders(doc)
                          if (p := numeric_param(o)) is not None)
    value = int(p.high * 10 + 1) if bad == "above" else bad
    order[p.name] = value
    text = dump(doc)
    fragments = [expected]
    if bad == "above":
        fragments.append(f"between {p.low:,.0f} and {p.high:,.0f}, got {value:,}")
    written = yaml.safe_dump({p.name: value}).strip()  # how the dump spells nan and inf
    assert_refused(tmp_path, capsys, text, f"{path}.{p.name}", *fragments,
                   line=line_of(text, written))


# --- 5. bad date ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "expected"), [
    ("2024-13-45", "expected a date"),
    ("2024-02-30", "expected a date"),
    ("yesterday", "valid date"),
    ("'2024-13-45'", "valid date"),
], ids=["month-13", "feb-30", "word", "quoted"])
def test_bad_start_date_names_clock_start(tmp_path, capsys, written, expected):
    """clock.start must be a real calendar date; the message shows the text and its line."""
    text = dump(BASE)
    good = f"start: {BASE['clock']['start'].isoformat()}"
    assert text.count(good) == 1
    text = text.replace(good, f"start: {written}")
    assert_refused(tmp_path, capsys, text, "clock.start", expected, written.strip("'"),
                   line=line_of(text, f"start: {written}"))


# --- 6. duplicate id and duplicate key ------------------------------------------------------------


@pytest.mark.parametrize("section", ["actors", "theatres", "routes", "injects", "outcomes"])
def test_duplicate_id_is_refused_at_the_second_use(tmp_path, capsys, section):
    """Two items of a section with the same id are refused at the second one."""
    n = len(BASE[section])
    dup = BASE[section][0]["id"]
    text = mutated(lambda d: d[section].append(copy.deepcopy(d[section][0])))
    assert_refused(tmp_path, capsys, text, f"{section}[{n}].id", f"duplicate id '{dup}'",
                   line=line_of(text, f"- id: {dup}", nth=1))


def test_duplicate_yaml_key_is_refused_with_both_lines(tmp_path, capsys):
    """A key written twice in one mapping is an error (YAML would silently keep the last)."""
    text = dump(BASE)
    first = line_of(text, "clock:") + 1
    key_line = text.splitlines()[first - 1]
    key = key_line.split(":")[0].strip()
    text = insert_after(text, first, key_line)
    assert_refused(tmp_path, capsys, text, f"clock.{key}",
                   f"duplicate key '{key}' (first at line {first})", line=first + 1)


# --- 7. malformed YAML ---------------------------------------------------------------------------


def reported_line(rendered: str, source: str) -> int:
    match = re.match(re.escape(source) + r":(\d+):", rendered)
    assert match, rendered
    return int(match.group(1))


def test_unclosed_bracket_is_malformed_yaml_with_a_line(tmp_path, capsys):
    """An unclosed flow list is reported as malformed YAML at (or just after) its line."""
    text = insert_after(dump(BASE), 1, "tags: [alpha, beta")
    rendered = assert_refused(tmp_path, capsys, text, "", "malformed YAML", "expected ',' or ']'",
                              "flow sequence from line 2")
    assert reported_line(rendered, str(tmp_path / "bad.yaml")) in (2, 3)


@pytest.mark.parametrize(("indent", "expected"), [
    ("     ", "mapping values are not allowed here"),
    ("\t", "found character '\\t'"),
], ids=["over-indented", "tab"])
def test_bad_indentation_is_malformed_yaml_at_its_line(tmp_path, capsys, indent, expected):
    """A mis-indented line inside a mapping is reported at that line."""
    lines = dump(BASE).splitlines(keepends=True)
    n = line_of("".join(lines), "clock:") + 2  # the second field of clock
    lines[n - 1] = indent + lines[n - 1].lstrip()
    assert_refused(tmp_path, capsys, "".join(lines), "", "malformed YAML", expected, line=n)


def test_unterminated_quote_is_malformed_yaml(tmp_path, capsys):
    """A string whose quote never closes is malformed YAML, with the line where it opened."""
    text = dump(BASE) + 'subtitle: "never closed\n'
    opened = line_of(text, "subtitle:")
    assert_refused(tmp_path, capsys, text, "", "malformed YAML", "end of stream",
                   f"quoted scalar from line {opened}")


# --- 8. empty file -------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"   \n\t\n  \n", b"\n\n\n"],
                         ids=["empty", "whitespace", "newlines"])
def test_empty_file_is_refused(tmp_path, capsys, content):
    """An empty or whitespace-only file says so and what it should hold."""
    assert_refused(tmp_path, capsys, content, "", "file is empty",
                   "expected a scenario mapping")


def test_file_of_only_comments_is_refused(tmp_path, capsys):
    """The default scenario with every line commented out holds no document."""
    text = "".join(f"# {line}\n" for line in TEXT.splitlines())
    assert_refused(tmp_path, capsys, text, "", "holds no YAML document",
                   "expected a scenario mapping")


# --- 9. not a mapping ----------------------------------------------------------------------------


@pytest.mark.parametrize(("content", "found"), [
    (dump([BASE]), "found list"),
    (dump(BASE["actors"]), "found list"),
    ("42\n", "found int"),
    ("a scenario, honest\n", "found str"),
    ("---\n", "found nothing"),
    ("~\n", "found nothing"),
], ids=["scenario-in-a-list", "actors-only", "int", "str", "marker-only", "null"])
def test_non_mapping_document_is_refused(tmp_path, capsys, content, found):
    """The top level must be a mapping of scenario fields."""
    assert_refused(tmp_path, capsys, content, "",
                   "expected a mapping of scenario fields at the top level", found, line=1)


# --- 10. python-object tags ----------------------------------------------------------------------


@pytest.mark.parametrize(("template", "field", "expected"), [
    ('!!python/object/apply:os.system ["touch {marker}"]', "", "python-object tags"),
    ('title: !!python/object/apply:os.system ["touch {marker}"]', "title", "python-object tags"),
    ('title: !!python/object/new:os.system ["touch {marker}"]', "title", "python-object tags"),
    ("title: !!python/name:os.system ''", "title", "python-object tags"),
    ('? !!python/object/apply:os.system ["touch {marker}"]\n: 1', "", "python-object tags"),
    ("title: !shell touch {marker}", "title", "tag '!shell'"),
], ids=["document", "value", "new", "name", "key", "custom-tag"])
def test_python_object_tags_are_refused_and_never_run(tmp_path, capsys, template, field,
                                                      expected):
    """Tags that would build Python objects are refused, and the command is never executed."""
    marker = tmp_path / "pwned"
    tagged = template.format(marker=marker)
    if field or tagged.startswith("?"):  # placed inside the default scenario
        text = dump(BASE)
        title = line_of(text, "title:")
        lines = text.splitlines(keepends=True)
        if field:
            lines[title - 1] = tagged + "\n"
        else:
            lines.insert(title, tagged + "\n")
            title += 1
        text, line = "".join(lines), title
    else:
        text, line = tagged + "\n", 1
    assert_refused(tmp_path, capsys, text, field, expected, "not allowed", line=line)
    assert not marker.exists()


# --- 11. alias bomb, self-reference and deep nesting --------------------------------------------


BILLION_LAUGHS = """\
lol_a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
lol_b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
lol_c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
lol_d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
lol_e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
lol_f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
lol_g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
lol_h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
lol_i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_alias_bomb_is_refused_quickly(tmp_path, capsys):
    """The billion-laughs bomb is stopped after a bounded number of nodes, in moments."""
    text = dump(BASE) + BILLION_LAUGHS
    start = time.perf_counter()
    rendered = assert_refused(tmp_path, capsys, text, "", "alias bomb", f"{MAX_NODES:,} nodes")
    assert time.perf_counter() - start < 5
    assert reported_line(rendered, str(tmp_path / "bad.yaml")) > 1


def test_alias_that_contains_itself_is_refused(tmp_path, capsys):
    """A recursive alias (``&a [*a]``) is refused instead of recursing for ever."""
    text = dump(BASE)
    line = line_of(text, "title:")
    lines = text.splitlines(keepends=True)
    lines[line - 1] = "title: &loop [*loop]\n"
    assert_refused(tmp_path, capsys, "".join(lines), "title[0][0]", "refers to itself",
                   line=line)


@pytest.mark.parametrize(("opening", "closing"), [("[", "]"), ("{a: ", "}")],
                         ids=["lists", "mappings"])
def test_deep_nesting_is_refused_without_recursion_error(tmp_path, capsys, opening, closing):
    """Thousands of nested brackets are refused at their line, not with a RecursionError."""
    depth = max(2000, sys.getrecursionlimit())
    text = dump(BASE)
    line = line_of(text, "title:")
    lines = text.splitlines(keepends=True)
    lines[line - 1] = "title: " + opening * depth + "x" + closing * depth + "\n"
    assert_refused(tmp_path, capsys, "".join(lines), "",
                   f"nested more than {MAX_DEPTH} levels", line=line)


# --- 12. too big ---------------------------------------------------------------------------------


def test_file_over_5_mb_is_refused_before_parsing(tmp_path, capsys):
    """A file over 5 MB is refused by its size alone."""
    text = dump(BASE)
    padding = "#" * (MAX_BYTES + 1 - len(text.encode()))
    assert_refused(tmp_path, capsys, text + padding, "", "limited to 5 MB")


def test_text_over_5_mb_is_refused_too():
    """parse_scenario applies the same limit to text as to bytes."""
    text = dump(BASE) + "#" * MAX_BYTES
    with pytest.raises(ScenarioError, match="limited to 5 MB"):
        parse_scenario(text, "upload.yaml")


# --- 13. not UTF-8 -------------------------------------------------------------------------------


@pytest.mark.parametrize(("encoding", "expected_line"), [("latin-1", None), ("utf-16", 1)],
                         ids=["latin-1", "utf-16"])
def test_bytes_that_are_not_utf8_are_refused_with_the_line(tmp_path, capsys, encoding,
                                                           expected_line):
    """A file saved in another encoding is refused at the first bad byte's line."""
    lines = dump(BASE).splitlines(keepends=True)
    title = line_of("".join(lines), "title:")
    lines[title - 1] = "title: Caf\u00e9 crisis\n"
    text = "".join(lines)
    line = expected_line or title
    assert_refused(tmp_path, capsys, text.encode(encoding), "", "not valid UTF-8",
                   "save the file as UTF-8", line=line)


# --- files that cannot be read, multiple documents, odd keys -----------------------------------


def assert_cli_refuses(capsys, path, *expected: str) -> None:
    capsys.readouterr()
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    for fragment in (f"{path}:", *expected):
        assert fragment in err


def test_missing_file_is_refused(tmp_path, capsys):
    """A path that does not exist is reported as not found."""
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(ScenarioError, match="file not found") as exc:
        load_scenario(path)
    assert str(path) in exc.value.render()
    assert_cli_refuses(capsys, path, "file not found")


def test_directory_is_refused(tmp_path, capsys):
    """A folder is not a scenario file."""
    with pytest.raises(ScenarioError, match="is a folder, expected a YAML file"):
        load_scenario(tmp_path)
    assert_cli_refuses(capsys, tmp_path, "is a folder")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_refused_without_blocking(tmp_path, capsys):
    """A pipe (or a device such as /dev/zero) is refused instead of read for ever."""
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    with pytest.raises(ScenarioError, match="not a regular file"):
        load_scenario(pipe)
    assert_cli_refuses(capsys, pipe, "not a regular file")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_device_is_refused():
    """/dev/zero reports size 0 but never ends; it is refused without reading."""
    with pytest.raises(ScenarioError, match="not a regular file"):
        load_scenario("/dev/zero")


def test_multiple_documents_are_refused_at_the_second(tmp_path, capsys):
    """A file holding two YAML documents is refused at the second '---'."""
    text = dump(BASE) + "---\n" + dump(BASE)
    second = line_of(text, "---")
    assert_refused(tmp_path, capsys, text, "", "malformed YAML", "single document", line=second)


@pytest.mark.parametrize(("key", "kind"), [("[alpha, beta]", "list"), ("{a: 1}", "mapping")])
def test_collection_used_as_a_key_is_refused(tmp_path, capsys, key, kind):
    """Only plain names may be keys; a list or mapping key is refused, not a TypeError."""
    text = insert_after(dump(BASE), 1, f"? {key}\n: 1")
    assert_refused(tmp_path, capsys, text, "", f"a {kind} is used as a key", line=2)


def test_number_too_long_to_build_is_refused(tmp_path, capsys):
    """A huge integer literal (beyond Python's int parsing limit) is refused at its field."""
    text = mutated(lambda d: set_in(d, ("clock", "turns"), "__BIG__"))
    text = text.replace("__BIG__", "9" * 5000)
    assert_refused(tmp_path, capsys, text, "clock.turns", "expected a whole number",
                   line=line_of(text, "turns: 999"))


# --- property: nothing but ScenarioError ---------------------------------------------------------


def assert_only_scenario_error(data) -> None:
    """parse_scenario returns a Scenario or raises ScenarioError, one line per problem."""
    error = None
    try:
        result = parse_scenario(data, "fuzz.yaml")
    except ScenarioError as exc:
        error = exc
    if error is None:
        assert isinstance(result, Scenario)
        return
    rendered = error.render().splitlines()
    assert len(rendered) == len(error.problems) > 0
    assert all(row.startswith("fuzz.yaml") for row in rendered)


YAMLISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
    | st.dates() | st.sampled_from(["north_korea", "hold", "doctrine", "2024-13-45", "~"]),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
YAML_CHARS = st.text(alphabet=":-[]{}&*!|>'\"#%@`?,. \n\t~abcxyz019", max_size=300)
FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
FUZZ_DEFAULT = settings(max_examples=60, deadline=None,
                        suppress_health_check=[HealthCheck.too_slow])


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


DEFAULT_PATHS = [p for p in _paths(BASE) if p]
DEFAULT_LINES = TEXT.splitlines(keepends=True)


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_only_scenario_error(data):
    """Any bytes at all are either a scenario or a ScenarioError."""
    assert_only_scenario_error(data)


@FUZZ
@given(st.text(max_size=2000) | YAML_CHARS)
def test_arbitrary_text_gives_only_scenario_error(text):
    """Any text at all, including YAML punctuation soup, is a scenario or a ScenarioError."""
    assert_only_scenario_error(text)


@FUZZ
@given(YAMLISH)
def test_arbitrary_yaml_structures_give_only_scenario_error(value):
    """Any small YAML document is a scenario or a ScenarioError."""
    assert_only_scenario_error(yaml.safe_dump(value))


@FUZZ_DEFAULT
@given(st.sampled_from(DEFAULT_PATHS), YAMLISH)
def test_default_with_any_field_replaced_gives_only_scenario_error(keys, value):
    """Replacing any field of the default with any value gives a scenario or a ScenarioError."""
    doc = copy.deepcopy(BASE)
    set_in(doc, keys, value)
    assert_only_scenario_error(dump(doc))


@FUZZ_DEFAULT
@given(st.integers(0, len(DEFAULT_LINES) - 1), st.text(max_size=40) | YAML_CHARS)
def test_default_with_any_line_replaced_gives_only_scenario_error(n, line):
    """Replacing any line of the default file with any text gives a scenario or a ScenarioError."""
    lines = list(DEFAULT_LINES)
    lines[n] = line
    assert_only_scenario_error("".join(lines))


@pytest.mark.parametrize(("effect", "message"), [
    ({"var": "stability", "op": "set", "value": 1.5}, "stability runs from 0 to 1; it cannot be "
                                                       "set to 1.5"),
    ({"var": "strain", "op": "add", "value": 3}, "adding 3 is more than its whole range"),
    ({"var": "gdp", "op": "mul", "value": -1}, "negative number"),
])
def test_an_inject_effect_that_cannot_be_meant_is_refused(effect, message):
    """A scenario's inject that would set a share outside 0..1, add more than a variable's
    whole range or multiply by a negative number is a typo: refused with the reason."""
    data = copy.deepcopy(BASE)
    data["injects"] = [{"id": "typo", "turn": 1, "text": "A typo",
                        "effects": [{"target": "russia", **effect}]}]
    problems = check_references(Scenario.model_validate(data))
    assert [msg for path, msg in problems if path[:1] == ("injects",) and message in msg]

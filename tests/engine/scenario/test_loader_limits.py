"""The scenario loader's limits (issue 14, items 5 and 10).

Input above a limit of ``engine.scenario.schema.LIMITS`` is refused at once, with one line that
names
the field and the limit, through ``parse_scenario``, ``load_scenario``, ``brink validate`` (exit
status 2) and the app's upload (``ui.core.read_scenario``). The inputs are built up to the 5 MB
upload limit, so a refusal that came only after building them would make this file crawl: most
are refused from the YAML event stream before a single node is built, which
``test_refused_before_any_node_is_built`` checks directly. A clock whose last turn would have no
date is refused at ``clock.start``; one that just fits runs to its last day.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from cli.main import main
from engine.scenario import loader
from engine.scenario.loader import MAX_PROBLEMS, ScenarioError, load_scenario, parse_scenario
from engine.scenario.schema import LIMITS, Clock, Lever
from engine.sim.model import BrinkModel
from tests.conftest import DEFAULT_SCENARIO, ROOT, SCENARIOS

TEXT = DEFAULT_SCENARIO.read_text(encoding="utf-8")
BASE = yaml.safe_load(TEXT)
FIVE_MB = LIMITS.bytes - 64 * 1024  # a little under the upload limit, so the size check passes
SOURCE = "big.yaml"


# --- helpers -------------------------------------------------------------------------------------


def dump(doc) -> str:
    return yaml.safe_dump(doc, sort_keys=False, width=10_000)


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def set_at(doc, path: tuple, value) -> None:
    for part in path[:-1]:
        doc = doc[part]
    doc[path[-1]] = value


def doctrine_actor() -> int:
    return next(i for i, a in enumerate(BASE["actors"]) if a["policy"].get("rules"))


def with_flow_list(path: tuple, item: str, size: int = FIVE_MB) -> tuple[str, int]:
    """The default scenario with the list at ``path`` replaced by ``size`` bytes of ``item``
    (YAML flow text) on one line; and that line."""
    doc = copy.deepcopy(BASE)
    set_at(doc, path, "__BIG__")
    text = dump(doc)
    n = (size - len(text)) // (len(item) + 2)
    return text.replace("__BIG__", "[" + ", ".join([item] * n) + "]"), line_of(text, "__BIG__")


def refused(content: str | bytes, field: str, *fragments: str, line: int | None = None,
            source: str = SOURCE) -> ScenarioError:
    """``content`` is refused with exactly one problem at ``field`` that says ``fragments``."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data, source)
    rendered = err.value.render()
    assert len(err.value.problems) == 1, rendered
    assert len(rendered.splitlines()) == 1, rendered
    problem = err.value.problems[0]
    assert problem.path == field, rendered
    if line is not None:
        assert problem.line == line, rendered
    for fragment in fragments:
        assert fragment in rendered, f"{fragment!r} not in {rendered}"
    return err.value


def over(limit: int, what: str, count: int | None = None) -> tuple[str, str]:
    """The two fragments every limit message has: what the file holds (``count`` when the loader
    could find it quickly, else "more than" the limit), and the limit."""
    found = f"more than {limit:,} {what}" if count is None else f" {count:,} {what};"
    return found, f"the limit is {limit:,}"


# --- 1. long lists, wherever they are ------------------------------------------------------------


ACTOR = json.dumps(BASE["actors"][0])
INJECT = json.dumps({**BASE["injects"][0], "id": "same"})
EFFECT = json.dumps(BASE["injects"][1]["effects"][0])
TRADE = json.dumps(BASE["relations"]["trade"][0])
RULE = json.dumps(BASE["actors"][doctrine_actor()]["policy"]["rules"][0])

LONG_LISTS = {
    "actors": (("actors",), ACTOR, LIMITS.actors, "actors"),
    "injects": (("injects",), INJECT, LIMITS.list_items, "items"),
    "effects": (("injects", 1, "effects"), EFFECT, LIMITS.list_items, "items"),
    "trade": (("relations", "trade"), TRADE, LIMITS.list_items, "items"),
    "doctrine-rules": (("actors", doctrine_actor(), "policy", "rules"), RULE,
                       LIMITS.list_items, "items"),
    "expected-actions": (("injects", 0, "expected_actions"), '"brief allies"',
                         LIMITS.list_items, "items"),
    "numbers": (("relations", "alliances"), "1", LIMITS.list_items, "items"),
}


@pytest.mark.parametrize("case", LONG_LISTS, ids=list(LONG_LISTS))
def test_a_5_mb_list_is_refused_at_its_field(case):
    """A list of 5 MB anywhere in the file is refused at its field, with the limit, not as an
    alias bomb."""
    path, item, limit, what = LONG_LISTS[case]
    text, line = with_flow_list(path, item)
    assert len(text.encode()) > LIMITS.bytes - 128 * 1024
    field = loader._render_path(path)
    err = refused(text, field, *over(limit, what), line=line)
    assert "alias" not in str(err)


def test_a_list_one_over_its_limit_is_refused_and_one_at_it_is_not():
    """The limits are exact: 40 actors load, 41 are refused (by the same table)."""
    actors = [{**BASE["actors"][0], "id": f"a{k}"} for k in range(LIMITS.actors + 1)]
    at = {**copy.deepcopy(BASE), "actors": actors[:-1]}
    with pytest.raises(ScenarioError) as err:  # 40 copies of one actor: other problems only
        parse_scenario(dump(at), SOURCE)
    assert "more than" not in str(err.value)
    refused(dump({**BASE, "actors": actors}), "actors",
            *over(LIMITS.actors, "actors", LIMITS.actors + 1))


def test_a_5_mb_block_list_is_refused_at_the_first_item_over():
    """The same for a block-style list (one item per line) and for a list as the document."""
    inject = dump([{**BASE["injects"][0], "id": "i"}])
    inject = "".join("  " + line + "\n" for line in inject.splitlines())
    head = dump({k: v for k, v in BASE.items() if k != "injects"}) + "injects:\n"
    n = (FIVE_MB - len(head)) // len(inject)
    text = head + inject * n
    first = len(head.splitlines()) + 1
    refused(text, "injects", *over(LIMITS.list_items, "items"),
            line=first + LIMITS.list_items * len(inject.splitlines()))

    refused("- x\n" * (FIVE_MB // 4), "", "the top level has", *over(LIMITS.list_items, "items"),
            line=LIMITS.list_items + 1)


def test_a_list_or_mapping_a_little_over_says_how_long_it_is():
    """Counted to its end when that is near: items that are mappings, keys whose values are
    lists, as the stream has them."""
    injects = [{**BASE["injects"][0], "id": f"i{k}"} for k in range(LIMITS.list_items + 200)]
    refused(dump({**BASE, "injects": injects}), "injects",
            *over(LIMITS.list_items, "items", LIMITS.list_items + 200))
    doc = {**BASE, **{f"extra{k}": {"a": [1, {"b": 2}]} for k in range(LIMITS.mapping_keys)}}
    refused(dump(doc), "", "the top level has", *over(LIMITS.mapping_keys, "keys", len(doc)))
    refused(json.dumps(doc, default=str), "", *over(LIMITS.mapping_keys, "keys", len(doc)))


# --- 2. many keys, at the top and nested ---------------------------------------------------------


def test_5_mb_of_top_level_keys_is_refused():
    """5 MB of top-level keys, alone or after a valid scenario, are refused at the first key
    over the limit."""
    keys = "".join(f"k{k:07d}: 1\n" for k in range(FIVE_MB // 12))
    refused(keys, "", "the top level has", *over(LIMITS.mapping_keys, "keys"),
            line=LIMITS.mapping_keys + 1)
    text = TEXT + "\n" + keys[: FIVE_MB - len(TEXT)]
    err = refused(text, "", *over(LIMITS.mapping_keys, "keys"))
    assert "alias" not in str(err)


@pytest.mark.parametrize("path", [("parameters",), ("actors", 0, "economy"),
                                  ("levers", "west_package")],
                         ids=["parameters", "actor-economy", "a-lever"])
def test_5_mb_of_nested_keys_is_refused_at_their_mapping(path):
    """A nested mapping with 5 MB of keys is refused at its own path."""
    doc = copy.deepcopy(BASE)
    set_at(doc, path, "__BIG__")
    text = dump(doc)
    keys = ", ".join(f"k{k:07d}: 1" for k in range(FIVE_MB // 14))
    refused(text.replace("__BIG__", "{" + keys + "}"), loader._render_path(path),
            *over(LIMITS.mapping_keys, "keys"), line=line_of(text, "__BIG__"))


def test_many_small_lists_are_refused_by_the_count_of_values():
    """Lists and mappings each inside their limits, but too many values in all: refused by the
    file's count of values, and not called an alias bomb."""
    row = "[" + ", ".join(["1"] * (LIMITS.list_items - 1)) + "]"
    big = "[" + ", ".join([row] * (LIMITS.list_items - 1)) + "]"
    err = refused(TEXT.replace("injects:", f"junk: {big}\ninjects:", 1), "",
                  f"more than {LIMITS.nodes:,} values", f"the limit is {LIMITS.nodes:,}")
    assert "alias" not in str(err)

    wide = {f"k{k}": k for k in range(LIMITS.mapping_keys - 1)}
    doc = {**BASE, "injects": [{**wide, "id": f"i{k}"} for k in range(LIMITS.list_items - 1)]}
    refused(json.dumps(doc, default=str), "", f"more than {LIMITS.nodes:,} values")


# --- 3. aliases: a bomb is called a bomb ---------------------------------------------------------


def test_an_alias_bomb_in_mappings_is_called_an_alias_bomb():
    """A small file that expands past the limit through aliases says so, at an alias."""
    keys = ", ".join(f"k{k}: x" for k in range(9))
    bomb = f"b0: &b0 {{{keys}}}\n"
    for level in range(1, 7):
        refs = ", ".join(f"k{k}: *b{level - 1}" for k in range(9))
        bomb += f"b{level}: &b{level} {{{refs}}}\n"
    text = TEXT + bomb
    assert len(text) < 30_000
    err = refused(text, "", "alias bomb", f"{LIMITS.nodes:,} nodes")
    assert err.problems[0].line > line_of(text, "b0:")


def test_an_alias_cannot_smuggle_a_longer_list_past_its_limit():
    """A list written once within the general limit and used where a tighter one applies."""
    options = json.dumps(list(range(LIMITS.lever_options * 4)))
    text = TEXT.replace("levers:", f"spare: &opts {options}\nlevers:\n  extra: "
                        "{options: *opts, default: 0}", 1)
    refused(text, "levers.extra.options", *over(LIMITS.lever_options, "options",
                                                LIMITS.lever_options * 4))

    actors = json.dumps([{**BASE["actors"][0], "id": f"a{k}"} for k in range(LIMITS.actors + 5)])
    doc = copy.deepcopy(BASE)
    doc["actors"] = "__ACTORS__"
    text = "spare: &many " + actors + "\n" + dump(doc).replace("__ACTORS__", "*many")
    refused(text, "actors", *over(LIMITS.actors, "actors", LIMITS.actors + 5))


# --- 4. deep nesting and long texts --------------------------------------------------------------


def test_deep_block_nesting_is_refused_at_the_line_it_goes_too_deep():
    """Indentation, not brackets: a block mapping 200 levels deep and a line of nested lists."""
    line = line_of(TEXT, "title:")
    lines = TEXT.splitlines(keepends=True)
    nested = "".join("  " * d + "a:\n" for d in range(200)) + "  " * 200 + "x\n"
    text = "".join([*lines[: line - 1], "title:\n", "".join("  " + n for n in nested.splitlines(
        keepends=True)), *lines[line:]])
    # the top level is depth 1 and title's mapping depth 2, on the line after 'title:'
    refused(text, "", f"nested more than {LIMITS.depth} levels", line=line + LIMITS.depth)

    lines[line - 1] = "title:\n  " + "- " * 200 + "x\n"  # lists in lists, on one line
    refused("".join(lines), "", f"nested more than {LIMITS.depth} levels", line=line + 1)


@pytest.mark.parametrize("style", ["plain", "double-quoted", "single-quoted", "literal"])
def test_a_5_mb_text_is_refused_at_its_field(style):
    """A briefing of 5 MB in any of YAML's scalar styles."""
    body = "word " * (FIVE_MB // 5 - 2000)
    verse = ("\n  " + "word " * 15) * (FIVE_MB // 80 - 1000)
    value = {"plain": body.strip(), "double-quoted": f'"{body}"', "single-quoted": f"'{body}'",
             "literal": "|" + verse}[style]
    doc = copy.deepcopy(BASE)
    doc["briefing"] = "__BIG__"
    text = dump(doc)
    refused(text.replace("__BIG__", value), "briefing",
            "a text of", f"the limit is {LIMITS.text_chars:,} per text",
            line=line_of(text, "__BIG__"))


def test_a_long_key_is_refused_at_its_mapping():
    """A 5 MB key (and one just over the key limit) is refused without being repeated whole.
    (A plain key over 1,024 characters is not even YAML: only an explicit ``?`` key can be.)"""
    key = "k" * (FIVE_MB - len(TEXT))
    err = refused(TEXT + f"\n? {key}\n: 1\n", "", f"a key of {len(key):,} characters",
                  f"the limit is {LIMITS.key_chars:,} per key")
    assert len(str(err)) < 300
    text = TEXT.replace("  gdp_bn:", "  " + "g" * (LIMITS.key_chars + 1) + ": 1\n  gdp_bn:", 1)
    refused(text, "actors[0].economy", f"a key of {LIMITS.key_chars + 1:,} characters",
            f"the limit is {LIMITS.key_chars:,} per key")


# --- 5. levers and their options -----------------------------------------------------------------


def lever_text(options, name="extra", default=None, refer=False) -> str:
    doc = copy.deepcopy(BASE)
    doc["levers"][name] = {"options": options, "default": options[0] if default is None
                           else default}
    if refer:  # the West's first rule waits on a share the lever sets
        doc["relations"]["hostility"][0]["level"] = f"${name}"
    return dump(doc)


@pytest.mark.parametrize("refer", [False, True], ids=["unreferenced", "referenced"])
def test_a_lever_with_20000_options_is_refused_at_once(refer):
    """The issue's example: 20,000 options took minutes, each validated against all the others."""
    options = [round(k / 20_000, 6) for k in range(20_000)]
    text = lever_text(options, refer=refer)
    first = line_of(text, "  extra:") + 2  # extra:, options:, then one option per line
    refused(text, "levers.extra.options", *over(LIMITS.lever_options, "options", 20_000),
            "per lever", line=first + LIMITS.lever_options)


def test_a_lever_at_its_option_limit_loads_and_one_over_does_not():
    options = [round(k / 100, 2) for k in range(LIMITS.lever_options)]
    scenario = parse_scenario(lever_text(options, refer=True), SOURCE)
    assert len(scenario.levers["extra"].options) == LIMITS.lever_options
    refused(lever_text([*options, 0.99]), "levers.extra.options",
            *over(LIMITS.lever_options, "options", LIMITS.lever_options + 1))


def test_too_many_levers_or_options_in_all_are_refused():
    doc = copy.deepcopy(BASE)
    for k in range(LIMITS.levers):
        doc["levers"][f"l{k}"] = {"options": [1, 2], "default": 1}
    refused(dump(doc), "levers", *over(LIMITS.levers, "levers", LIMITS.levers + 1))

    per = LIMITS.lever_options - 1
    refused(many_levers(LIMITS.lever_options_total // per + 1, per), "levers",
            *over(LIMITS.lever_options_total, "options in all"))


def test_options_are_checked_without_validating_the_other_sections_again(monkeypatch):
    """One check for the default, one per other option of a lever the file refers to; an
    option's check reuses the models already built (the levers above all), so that it does
    not cost a pass over every other option."""
    calls = []
    original = loader._check

    def spy(data, *args, **kwargs):
        calls.append(data)
        return original(data, *args, **kwargs)

    monkeypatch.setattr(loader, "_check", spy)
    options = list(range(LIMITS.lever_options))
    doc = yaml.safe_load(lever_text(options))  # 'extra' is referred to nowhere
    scenario = parse_scenario(dump(doc), SOURCE)
    west = scenario.levers["west_package"]
    assert len(calls) == len(west.options)
    for data in calls[1:]:
        assert isinstance(data["levers"]["extra"], Lever)
        assert isinstance(data["clock"], Clock)
        assert isinstance(data["actors"], list)  # the section that refers to west_package
        assert all(isinstance(a, dict) for a in data["actors"])


def test_every_option_is_still_checked_where_it_lands():
    """An option that breaks the section it lands in, or one elsewhere (the clock), is named."""
    text = lever_text([0.5, 1.5], refer=True)
    refused(text, "relations.hostility[0].level", "(with lever extra = 1.5)")

    doc = yaml.safe_load(TEXT)
    doc["clock"] = {"start": date(9999, 1, 1), "days_per_turn": 7, "turns": "$horizon"}
    doc["levers"]["horizon"] = {"options": [52, 53], "default": 52}
    refused(dump(doc), "clock.start", "(with lever horizon = 53)")


# --- 6. the clock: turns, days per turn, and dates that exist ------------------------------------


def with_clock(**clock) -> str:
    doc = copy.deepcopy(BASE)
    doc["clock"] = {**doc["clock"], **clock}
    return dump(doc)


@pytest.mark.parametrize("turns", [LIMITS.turns + 1, 10**9, 10**30, 1e300, -1, 0, "many"])
def test_turns_beyond_the_limit_are_refused(turns):
    refused(with_clock(turns=turns), "clock.turns")


def test_a_huge_literal_for_turns_is_refused():
    text = with_clock(turns="__N__").replace("__N__", "9" * 5000)
    refused(text, "clock.turns", "expected a whole number")


@pytest.mark.parametrize("days", [LIMITS.days_per_turn + 1, 10**18, 1e308, 0, -7, 7.5])
def test_days_per_turn_beyond_the_limit_are_refused(days):
    refused(with_clock(days_per_turn=days), "clock.days_per_turn")


LAST = date.max


@pytest.mark.parametrize(("start", "days", "turns"), [
    ("9999-12-01", 7, 52),  # the example
    ("'9999-12-01'", 7, 52),  # a quoted date
    ("9999-12-01T00:00:00", 7, 52),  # a timestamp at midnight
    ("9999-12-31", 1, 1),
    ((LAST - timedelta(days=52 * 7 - 1)).isoformat(), 7, 52),  # one day too late
    ("9956-01-01", LIMITS.days_per_turn, LIMITS.turns),  # the longest clock there is
    ("'9970-06-30'", 31, 520),
])
def test_a_clock_whose_last_turn_has_no_date_is_refused(start, days, turns):
    """start + days_per_turn x turns must exist, or a run would overflow at its last turn."""
    text = with_clock(start="__START__", days_per_turn=days, turns=turns)
    text = text.replace("__START__", start)
    err = refused(text, "clock.start", "leaves no room", "9999-12-31", "or earlier",
                  line=line_of(text, "start:"))
    latest = re.search(r"start on (\S+) or earlier", str(err)).group(1)
    assert date.fromisoformat(latest) + timedelta(days=days * turns) == LAST


def test_a_clock_that_just_fits_runs_to_its_last_day():
    """The latest start the check allows plays every turn, the last on 9999-12-31."""
    fixture = ROOT / "tests" / "scenarios" / "fixtures" / "two-actors.yaml"
    doc = yaml.safe_load(fixture.read_text())
    clock = doc["clock"]
    clock["start"] = LAST - timedelta(days=clock["days_per_turn"] * clock["turns"])
    model = BrinkModel(parse_scenario(dump(doc), "fits.yaml"), rng=1).run()
    assert model.state.date == LAST
    assert model.frame()["date"].max().date() == LAST
    clock["start"] += timedelta(days=1)
    refused(dump(doc), "clock.start", "leaves no room")


# --- 7. the same refusal everywhere, and before anything is built --------------------------------


def many_levers(levers: int, options: int) -> str:
    doc = copy.deepcopy(BASE)
    for k in range(levers):
        doc["levers"][f"l{k}"] = {"options": list(range(options)), "default": 0}
    return dump(doc)


def five_mb_cases() -> dict[str, str]:
    return {
        "list": with_flow_list(("injects",), INJECT)[0],
        "top-keys": "".join(f"k{k:07d}: 1\n" for k in range(FIVE_MB // 12)),
        "options": lever_text(list(range(20_000))),
        "text": TEXT.replace("title:", "teaching_notes2: " + "x" * (FIVE_MB - len(TEXT))
                             + "\ntitle:", 1),
        "values": TEXT + "\njunk: [" + ", ".join(["[" + "1, " * 900 + "1]"] * 1100) + "]\n",
        "options-in-all": many_levers(LIMITS.levers - 1, LIMITS.lever_options),
    }


CASES = five_mb_cases()


@pytest.mark.parametrize("name", CASES)
def test_refused_before_any_node_is_built(name, monkeypatch):
    """The event stream is enough to refuse these: nothing is composed, let alone validated."""
    def compose(*args, **kwargs):
        raise AssertionError("composed a file above the limits")

    monkeypatch.setattr(yaml, "compose", compose)
    with pytest.raises(ScenarioError, match="the limit is"):
        parse_scenario(CASES[name], SOURCE)


@pytest.mark.parametrize("name", CASES)
def test_brink_validate_exits_2_with_one_line(name, tmp_path, capsys):
    path = tmp_path / f"{name}.yaml"
    path.write_text(CASES[name], encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert main(["validate", str(path)]) == 2
    out, stderr = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in stderr
    assert stderr.splitlines() == [err.value.render()]
    assert stderr.startswith(f"{path}:")
    assert "the limit is" in stderr


@pytest.mark.parametrize("name", CASES)
def test_the_app_refuses_an_upload_the_same_way(name):
    from ui.core import read_scenario

    data = CASES[name].encode("utf-8")
    loaded = read_scenario(data, "upload.yaml")
    assert loaded.scenario is None
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data, "upload.yaml")
    assert loaded.error == err.value.render()
    assert len(loaded.error.splitlines()) == 1


def test_thousands_of_problems_are_counted_not_listed():
    """1,000 injects with a misspelt field: the first problems, then how many more."""
    doc = copy.deepcopy(BASE)
    doc["injects"] = [{**BASE["injects"][0], "id": f"i{k}", "colour": "red"}
                      for k in range(LIMITS.list_items)]
    with pytest.raises(ScenarioError) as err:
        parse_scenario(dump(doc), SOURCE)
    rows = err.value.render().splitlines()
    assert len(rows) == MAX_PROBLEMS + 1
    assert all(row.startswith(SOURCE + ":") for row in rows)
    assert "unknown field 'colour'" in rows[0]
    assert f"{LIMITS.list_items - MAX_PROBLEMS:,} more problems" in rows[-1]


# --- 8. the shipped scenarios stay well inside ---------------------------------------------------


def shipped() -> list[Path]:
    return sorted([*SCENARIOS.rglob("*.yaml"), *ROOT.glob("tests/*/fixtures/*.yaml")])


def measure(node, depth=1, sizes=None) -> dict:
    """Nodes, depth, longest list, most keys, longest text and key in a composed YAML tree."""
    sizes = sizes if sizes is not None else dict(nodes=0, depth=0, items=0, keys=0, text=0,
                                                 key=0)
    sizes["nodes"] += 1
    sizes["depth"] = max(sizes["depth"], depth)
    if isinstance(node, yaml.MappingNode):
        sizes["keys"] = max(sizes["keys"], len(node.value))
        for key, value in node.value:
            sizes["nodes"] += 1
            sizes["key"] = max(sizes["key"], len(key.value))
            measure(value, depth + 1, sizes)
    elif isinstance(node, yaml.SequenceNode):
        sizes["items"] = max(sizes["items"], len(node.value))
        for item in node.value:
            measure(item, depth + 1, sizes)
    else:
        sizes["text"] = max(sizes["text"], len(node.value))
    return sizes


@pytest.mark.parametrize("path", shipped(), ids=lambda p: p.name)
def test_shipped_scenarios_use_at_most_a_third_of_each_limit(path):
    """The limits are generous: every shipped file could triple in every direction."""
    text = path.read_text(encoding="utf-8")
    sizes = measure(yaml.compose(text, Loader=yaml.SafeLoader))
    doc = yaml.safe_load(text)
    options = [len(lever["options"]) for lever in doc.get("levers", {}).values()]
    used = {
        "bytes": (len(text.encode()), LIMITS.bytes),
        "nodes": (sizes["nodes"], LIMITS.nodes),
        "depth": (sizes["depth"], LIMITS.depth),
        "items": (sizes["items"], LIMITS.list_items),
        "keys": (sizes["keys"], LIMITS.mapping_keys),
        "text": (sizes["text"], LIMITS.text_chars),
        "key": (sizes["key"], LIMITS.key_chars),
        "actors": (len(doc["actors"]), LIMITS.actors),
        "levers": (len(options), LIMITS.levers),
        "options": (max(options, default=0), LIMITS.lever_options),
        "options in all": (sum(options), LIMITS.lever_options_total),
        "turns": (doc["clock"]["turns"], LIMITS.turns),
    }
    for name, (value, limit) in used.items():
        assert 3 * value <= limit, f"{path.name}: {name} {value} of {limit}"
    parse_scenario(text, path.name)  # and it loads


# --- 9. the guides show the table and the real messages ------------------------------------------


GUIDE = ROOT / "docs" / "how-to" / "write-a-scenario.md"
REFERENCE = ROOT / "docs" / "reference" / "limits.md"
ROWS = {  # LIMITS field -> how the tables in the guides begin its row
    "bytes": "the file", "nodes": "values in the file", "depth": "nesting of mappings and lists",
    "list_items": "items in any one list", "mapping_keys": "keys in any one mapping",
    "text_chars": "characters in any one text", "key_chars": "characters in any one key",
    "actors": "`actors`", "levers": "`levers`", "lever_options": "options of one lever",
    "lever_options_total": "options of all levers together", "turns": "`clock.turns`",
    "days_per_turn": "`clock.days_per_turn`",
}


def section(text: str, heading: str) -> str:
    start = text.index(heading + "\n")
    end = text.find("\n## ", start + len(heading))
    return text[start:end if end != -1 else None]


@pytest.mark.parametrize(("page", "heading"), [(GUIDE, "## Limits"),
                                               (REFERENCE, "## Scenario files")],
                         ids=["guide", "reference"])
def test_the_guides_list_every_limit_with_its_value(page, heading):
    assert set(ROWS) == set(LIMITS.__dataclass_fields__)
    table = section(page.read_text(encoding="utf-8"), heading)
    for name, label in ROWS.items():
        row = next((r for r in table.splitlines() if r.startswith(f"| {label}")), None)
        assert row, f"{page.name}: no row for {name} ({label})"
        value = getattr(LIMITS, name)
        cell = row.split("|")[2]
        shown = f"{value / 2**20:g} MB" if name == "bytes" else f"{value:,}"
        assert shown in cell, f"{page.name}: {name} is {shown}, the table says {cell.strip()}"


def test_the_guide_shows_what_brink_prints():
    """The two refusals in the guide's Limits section are the loader's real output."""
    guide = GUIDE.read_text(encoding="utf-8")
    example = re.search(r"<!-- complete example -->\n```yaml\n(.*?)```", guide, re.S).group(1)
    options = ", ".join(str(1000 + 5 * k) for k in range(400))
    for text in (example + f"\nlevers:\n  pay:\n    options: [{options}]\n    default: 1000\n",
                 example.replace("start: 2025-01-06", "start: 9999-12-20")):
        with pytest.raises(ScenarioError) as err:
            parse_scenario(text, "scenarios/border-surge.yaml")
        assert err.value.render() in section(guide, "## Limits")

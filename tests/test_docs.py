"""The documentation matches the code: generated tables are fresh, examples load and play."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

import pytest
import yaml

from engine.core.parameters import PARAMETERS
from engine.core.variables import ACTOR_VARS, THEATRE_VARS, WORLD_VARS
from engine.moves.catalogue import MoveType
from engine.narrate import docgen
from engine.policies import POLICIES
from engine.scenario.loader import ScenarioError, parse_scenario
from engine.scenario.schema import Capability, Scenario
from engine.sim.model import BrinkModel
from tests.conftest import ROOT

MODEL_MD = ROOT / "docs" / "reference" / "model.md"
SCENARIOS_MD = ROOT / "docs" / "how-to" / "write-a-scenario.md"
STALE = "docs/reference/model.md is stale: run `.venv/bin/brink docs model`"


@pytest.fixture(scope="module")
def model_md() -> str:
    return MODEL_MD.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def scenarios_md() -> str:
    return SCENARIOS_MD.read_text(encoding="utf-8")


def _prose(text: str) -> str:
    """The hand-written part of a document: everything outside the generated sections."""
    for body in docgen.sections_in(text).values():
        text = text.replace(body, "")
    return text


# --- docs/reference/model.md ---------------------------------------------------------------


@pytest.mark.parametrize("name", list(docgen.SECTIONS))
def test_generated_section_is_current(model_md, name):
    """Each generated table in docs/reference/model.md equals a fresh render from the engine's
    data."""
    sections = docgen.sections_in(model_md)
    assert name in sections, f"docs/reference/model.md lacks the generated section '{name}'"
    assert sections[name] == docgen.SECTIONS[name](), STALE


def test_model_md_is_a_fixed_point_of_docgen(model_md):
    """Rewriting docs/reference/model.md changes nothing (no stray or duplicated sections)."""
    assert docgen.update_text(model_md) == model_md, STALE


def test_every_parameter_is_explained_in_prose(model_md):
    """Every parameter appears in a hand-written equation or note, not only in a table."""
    prose = _prose(model_md)
    missing = [name for name in PARAMETERS if f"`{name}`" not in prose and name not in prose]
    assert not missing, f"docs/reference/model.md does not explain: {', '.join(missing)}"


def test_every_parameter_belongs_to_one_mechanism():
    """The per-mechanism parameter tables cover the whole parameter table, once each."""
    listed = [n for names in docgen.MECHANISM_PARAMETERS.values() for n in names]
    assert sorted(listed) == sorted(PARAMETERS), (
        "update MECHANISM_PARAMETERS in engine/narrate/docgen.py")


def test_every_move_type_appears(model_md):
    """Every move in the catalogue appears in the generated table and in the prose."""
    prose = _prose(model_md)
    for move in MoveType:
        assert f"`{move.value}`" in model_md
        assert f"`{move.value}`" in prose, \
            f"docs/reference/model.md prose does not mention {move.value}"


def test_model_md_describes_every_mechanism(model_md):
    """The sections the design asks for are all there."""
    for heading in ("Turn order", "Randomness", "Logistics", "Sanctions economics", "Transfers",
                    "Military", "Domestic stability", "Escalation", "Intelligence", "Decisions",
                    "Parameters", "Calibration status", "Limitations"):
        assert re.search(rf"^## {heading}$", model_md, re.MULTILINE), heading


def test_update_text_rejects_missing_and_unknown_sections():
    """A mangled marker is an error, not a silently stale table."""
    with pytest.raises(ValueError, match="missing generated section"):
        docgen.update_text("no markers here\n")
    text = "".join(f"<!-- BEGIN GENERATED: {n} -->\n<!-- END GENERATED: {n} -->\n"
                   for n in docgen.SECTIONS)
    assert docgen.update_text(text) != text
    with pytest.raises(ValueError, match="unknown generated section"):
        docgen.update_text(
            text + "<!-- BEGIN GENERATED: nope -->\nx\n<!-- END GENERATED: nope -->\n")


def test_docgen_check_mode_reports_fresh_docs():
    """`brink docs model --check` exits 0 on the committed docs."""
    result = subprocess.run([sys.executable, "-m", "cli", "docs", "model", "--check"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_docgen_depends_on_engine_only():
    """engine/narrate/docgen.py imports nothing from ui/ or analysis/."""
    tree = ast.parse((ROOT / "engine" / "narrate" / "docgen.py").read_text(encoding="utf-8"))
    modules = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
               for alias in node.names]
    modules += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [m for m in modules if m.split(".")[0] in ("ui", "analysis")]


# --- docs/how-to/write-a-scenario.md -------------------------------------------------------


def _complete_example(text: str) -> str:
    match = re.search(r"<!-- complete example -->\n```yaml\n(.*?)```", text, re.DOTALL)
    assert match, "docs/how-to/write-a-scenario.md lost its marked complete example"
    return match.group(1)


def test_complete_example_loads_and_plays(scenarios_md):
    """The complete example in docs/how-to/write-a-scenario.md is a valid scenario that plays to
    the end."""
    scenario = parse_scenario(_complete_example(scenarios_md), "border-surge.yaml")
    model = BrinkModel(scenario, rng=1).run()
    assert model.state.turn == scenario.clock.turns
    assert model.state.actors["northland"].troops_abroad == 5000 - model.state.actors[
        "northland"].casualties


def test_yaml_snippets_are_valid_yaml(scenarios_md):
    """Every YAML snippet in docs/how-to/write-a-scenario.md parses."""
    blocks = re.findall(r"```yaml\n(.*?)```", scenarios_md, re.DOTALL)
    assert len(blocks) > 5
    for block in blocks:
        yaml.safe_load(block)


# The broken copies of the example that docs/how-to/write-a-scenario.md shows errors for.
_BROKEN = {
    "typo": [
        ("{gdp_bn: 20, trend_growth_pct: 1.0,", "{gdp_bn: 20, trend_growth: 1.0,"),
        ("politics: {stability: 0.8,", "politics: {stability: 1.8,"),
    ],
    "references": [
        ("{var: belief.northland.troops_abroad, op: \">\", value: 2000, confidence: probable}",
         "{var: northland.troops_abroad, op: \">\", value: 2000}"),
        ("{sender: alliance, target: eastland,", "{sender: alliance, target: eastlnd,"),
        ("    value: 2000\n", "    value: 20000\n"),
    ],
}


@pytest.mark.parametrize("case", list(_BROKEN))
def test_error_examples_are_what_brink_prints(scenarios_md, case):
    """The error messages shown in docs/how-to/write-a-scenario.md are the loader's real output."""
    text = _complete_example(scenarios_md)
    for old, new in _BROKEN[case]:
        assert old in text, old
        text = text.replace(old, new)
    source = "scenarios/border-surge.yaml"
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, source)
    shown = err.value.render()
    assert shown in scenarios_md, (
        f"update the '{case}' error example in docs/how-to/write-a-scenario.md to:\n{shown}")


def test_scenarios_md_covers_the_format(scenarios_md):
    """Every top-level section, capability, policy kind and readable variable is documented."""
    for field, info in Scenario.model_fields.items():
        assert f"`{info.alias or field}`" in scenarios_md, field
    for capability in Capability:
        assert f"`{capability.value}`" in scenarios_md, capability
    for kind in POLICIES:
        assert f"`{kind}`" in scenarios_md, kind
    for var in (*ACTOR_VARS, *WORLD_VARS, *THEATRE_VARS):
        assert f"`{var}`" in scenarios_md, var
    assert "brink validate" in scenarios_md
    assert "brink schema" in scenarios_md
    assert "yaml-language-server: $schema=" in scenarios_md

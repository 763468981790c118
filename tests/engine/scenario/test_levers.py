"""Levers: $references substituted, every option validated at load, clear errors."""

import pytest

from engine.scenario.loader import ScenarioError, parse_scenario
from tests.conftest import DEFAULT_SCENARIO

TEXT = DEFAULT_SCENARIO.read_text()


def test_default_option_is_used_when_loading():
    """Loading substitutes the lever's default."""
    scenario = parse_scenario(TEXT, "nk.yaml")
    west = scenario.actor("west")
    packages = [o.params.get("package") for r in west.policy.rules for o in r.then]
    assert "secondary" in packages
    assert not any(str(p).startswith("$") for p in packages if p)


def test_choosing_an_option():
    """A batch (or a caller) picks another option."""
    scenario = parse_scenario(TEXT, "nk.yaml", levers={"west_package": "targeted"})
    rule = next(r for r in scenario.actor("west").policy.rules if "trigger" in r.name)
    assert rule.then[1].params["package"] == "targeted"


def test_unknown_reference_is_reported_with_its_path():
    """A $name that no lever declares is an error naming the field and the line."""
    bad = TEXT.replace("package: $west_package", "package: $west_pakage")
    with pytest.raises(ScenarioError) as err:
        parse_scenario(bad, "nk.yaml")
    text = err.value.render()
    assert "unknown lever '$west_pakage'" in text
    assert "actors[3].policy.rules" in text
    assert "nk.yaml:" in text


def test_every_option_is_validated_at_load():
    """An option that would break the scenario is caught before any batch plays it."""
    bad = TEXT.replace("options: [targeted, comprehensive, secondary]",
                       "options: [targeted, comprehensive, secondary, total]")
    with pytest.raises(ScenarioError) as err:
        parse_scenario(bad, "nk.yaml")
    assert "(with lever west_package = 'total')" in err.value.render()


def test_default_must_be_an_option():
    """A default outside the options is refused."""
    bad = TEXT.replace("default: secondary\n", "default: embargo\n")
    with pytest.raises(ScenarioError, match="not one of the options"):
        parse_scenario(bad, "nk.yaml")


def test_choosing_an_undeclared_lever_is_refused():
    """levers={...} may only name declared levers."""
    with pytest.raises(ScenarioError, match="unknown lever 'east_package'"):
        parse_scenario(TEXT, "nk.yaml", levers={"east_package": "targeted"})

"""engine.scenario.shipped: the shipped scenarios, named as the repository names them.
(tests/test_installed_package.py checks the same from an installed wheel.)"""

from __future__ import annotations

import pytest

from engine.scenario.shipped import shipped_dir, shipped_path
from tests.conftest import DEFAULT_SCENARIO, SCENARIOS


def test_in_a_checkout_the_shipped_folder_is_scenarios():
    assert shipped_dir() == SCENARIOS
    assert shipped_path("scenarios/nk-100k.yaml") == DEFAULT_SCENARIO
    assert shipped_path("scenarios/lessons") == SCENARIOS / "lessons"
    assert shipped_path("scenarios") == SCENARIOS


@pytest.mark.parametrize("name", ["nk-100k.yaml", "", "engine/__init__.py",
                                  "scenarios/../engine/__init__.py", "/scenarios/x.yaml"])
def test_a_name_outside_scenarios_is_refused(name):
    with pytest.raises(ValueError, match="is not a path under scenarios/"):
        shipped_path(name)

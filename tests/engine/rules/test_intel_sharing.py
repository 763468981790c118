"""Allies share what they see (engine/rules/intelligence.py): an ally's look counts in an
observer's belief with its variance divided by ally_intel_sharing."""

from __future__ import annotations

import copy

from engine.core.beliefs import QUANTITY
from engine.scenario.schema import Scenario
from engine.sim.model import BrinkModel
from tests.engine.builders import BASE


def world(allied: bool) -> Scenario:
    """The builders' world with Cyan, a sharp-eyed watcher, allied to Blue or not."""
    data = copy.deepcopy(BASE)
    cyan = copy.deepcopy(data["actors"][1])
    cyan.update(id="cyan", name="Cyan", capabilities=[], military={"forces_home": 1000},
                intelligence={"quality": 0.95, "concealment": 0.3})
    data["actors"].append(cyan)
    if allied:
        data["relations"]["alliances"].append({"name": "watchers", "members": ["blue", "cyan"]})
    return Scenario.model_validate(data)


def blue_belief(allied: bool, sharing: float, seed: int, turns: int = 6):
    model = BrinkModel(world(allied), rng=seed, turns=turns,
                       parameters={"ally_intel_sharing": sharing})
    for _ in range(turns):
        model.submit("green", [])
        model.step()
    return model.state.actors["blue"].beliefs[("green", QUANTITY)]


def test_an_allys_looks_sharpen_the_belief():
    shared = [blue_belief(True, 0.5, s).var for s in range(20)]
    alone = [blue_belief(False, 0.5, s).var for s in range(20)]
    assert sum(shared) < 0.9 * sum(alone)


def test_nothing_shared_is_the_same_as_no_ally():
    """With ally_intel_sharing 0 the alliance changes nothing Blue believes: Cyan's looks come
    from its own stream and are not fused."""
    for seed in range(5):
        assert blue_belief(True, 0.0, seed) == blue_belief(False, 0.0, seed)

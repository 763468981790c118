"""Caches change nothing (issue 15): the golden comparison's games, played with every cache
bypassed (engine/core/caching.py), give the fixture's outputs bit for bit."""

from __future__ import annotations

import importlib

from engine.core import caching
from tests.golden import golden

economy = importlib.import_module("engine.rules.economy")  # the module, not the rule


def test_the_golden_games_give_the_same_outputs_with_every_cache_off():
    with caching.caches_off():
        found = golden.differences()
    assert not found, "\n".join(found)


def test_caches_off_really_bypasses_them(monkeypatch):
    """The switch bites: with caches off, the per-process trade table is neither read nor
    written, and the game's memo keeps nothing."""
    planted = {}
    monkeypatch.setattr(economy, "_BLOCKED", planted)
    from engine.scenario.loader import load_scenario
    from engine.sim.model import BrinkModel
    from tests.conftest import DEFAULT_SCENARIO

    with caching.caches_off():
        model = BrinkModel(load_scenario(DEFAULT_SCENARIO), rng=1, turns=3)
        model.run()
    assert planted == {}
    assert model.state.memo == {}
    model = BrinkModel(load_scenario(DEFAULT_SCENARIO), rng=1, turns=3)
    model.run()
    assert planted
    assert model.state.memo

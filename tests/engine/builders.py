"""Test doubles: small scenarios built in code, so rule tests control every number."""

from __future__ import annotations

import copy

from engine.scenario.loader import check_references
from engine.scenario.schema import Scenario
from engine.sim.model import BrinkModel

BASE = {
    "id": "mini",
    "title": "Mini",
    "briefing": "A small test world.",
    "clock": {"start": "2025-01-06", "days_per_turn": 7, "turns": 20},
    "escalation": {"initial_rung": 12, "baseline_score": 0},
    "actors": [
        {"id": "red", "name": "Red", "capabilities": ["belligerent", "patron", "sanctioner"],
         "economy": {"gdp_bn": 1000, "trend_growth_pct": 2.0, "reserves_bn": 100},
         "military": {"forces_home": 100000, "deployed": 50000, "theatre": "front",
                      "munitions": 1e6, "munitions_production": 10000, "engaged": True},
         "policy": {"kind": "human"}},
        {"id": "blue", "name": "Blue", "capabilities": ["belligerent", "sanctioner", "naval"],
         "economy": {"gdp_bn": 500, "trend_growth_pct": 2.0, "reserves_bn": 50},
         "military": {"forces_home": 100000, "deployed": 50000, "theatre": "front",
                      "munitions": 1e6, "munitions_production": 10000, "engaged": True},
         "intelligence": {"quality": 0.9, "concealment": 0.3},
         "policy": {"kind": "human"}},
        {"id": "green", "name": "Green", "capabilities": ["expeditionary"],
         "economy": {"gdp_bn": 20, "trend_growth_pct": 2.0, "reserves_bn": 1},
         "military": {"forces_home": 200000, "theatre": "front"},
         "intelligence": {"quality": 0.3, "concealment": 0.8},
         "policy": {"kind": "human"}},
    ],
    "relations": {
        "alliances": [{"name": "pact", "members": ["red", "green"]}],
        "hostility": [{"between": ["red", "blue"], "level": 1.0}],
        "trade": [
            {"between": ["green", "blue"], "volume_bn": 4,
             "sectors": {"energy": 0.4, "manufactures": 0.4, "finance": 0.2}},
            {"between": ["green", "rest_of_world"], "volume_bn": 4,
             "sectors": {"energy": 0.5, "manufactures": 0.5}},
        ],
    },
    "theatres": [{"id": "front", "name": "Front", "sides": [["red", "green"], ["blue"]],
                  "intensity": 0.5}],
    "routes": [{"id": "rail", "name": "Rail", "actor": "green", "theatre": "front",
                "mode": "rail", "capacity_per_turn": 3000, "transit_turns": 2,
                "training_turns": 3}],
}


def mini(**changes) -> Scenario:
    """The BASE scenario with top-level keys replaced."""
    data = copy.deepcopy(BASE)
    data.update(changes)
    scenario = Scenario.model_validate(data)
    problems = check_references(scenario)
    assert not problems, problems
    return scenario


def mini_model(seed: int = 1, **changes) -> BrinkModel:
    return BrinkModel(mini(**changes), rng=seed)

"""Escalation scored per pair of actors, and third parties drawn in (issue 16).

The world's score is its most escalated pair's: (what i does to j + what j does to i) / 2. A
move counts against the actor it names, or, when it names nobody (or an ally), against the
opponents of the mover (or of that ally). Third parties join the fighting when struck, when a
bound ally is struck, or with the risk of a wider war if they have a stake in it.
"""

from __future__ import annotations

import copy

import pytest

from engine.moves.catalogue import make_move
from engine.narrate import notes
from engine.rules.escalation import move_opponents
from engine.scenario.loader import check_references
from engine.scenario.schema import Scenario
from engine.sim.model import BrinkModel

_ACTOR = {"economy": {"gdp_bn": 500, "trend_growth_pct": 2.0, "reserves_bn": 50},
          "policy": {"kind": "human"}}
WORLD = {
    "id": "pairs", "title": "Pairs", "briefing": "Two at war, a third bound to one of them.",
    "clock": {"start": "2025-01-06", "days_per_turn": 7, "turns": 10},
    "escalation": {"initial_rung": 12, "baseline_score": 0},
    "actors": [
        {**_ACTOR, "id": "red", "name": "Red", "capabilities": ["belligerent", "arms_supplier"],
         "military": {"forces_home": 100000, "deployed": 50000, "theatre": "front",
                      "munitions": 1e6, "munitions_production": 10000, "engaged": True}},
        {**_ACTOR, "id": "blue", "name": "Blue", "capabilities": ["belligerent"],
         "military": {"forces_home": 100000, "deployed": 50000, "theatre": "front",
                      "munitions": 1e6, "munitions_production": 10000, "engaged": True}},
        {**_ACTOR, "id": "yellow", "name": "Yellow", "capabilities": ["belligerent"],
         "military": {"forces_home": 100000}},
        {**_ACTOR, "id": "grey", "name": "Grey", "capabilities": ["arms_supplier", "belligerent"],
         "military": {"forces_home": 1000, "munitions": 1e6}},
    ],
    "relations": {
        "alliances": [{"name": "pact", "members": ["blue", "yellow"], "commitment": 1.0},
                      {"name": "supply", "members": ["red", "grey"], "commitment": 0.0}],
        "hostility": [{"between": ["red", "blue"], "level": 1.0}],
    },
    "theatres": [{"id": "front", "name": "Front", "sides": [["red"], ["blue"]],
                  "intensity": 0.0}],
}


def world(commitment: float = 1.0, hostile_yellow: bool = False) -> Scenario:
    data = copy.deepcopy(WORLD)
    data["relations"]["alliances"][0]["commitment"] = commitment
    if hostile_yellow:
        data["relations"]["hostility"].append({"between": ["red", "yellow"], "level": 0.5})
    scenario = Scenario.model_validate(data)
    assert not check_references(scenario)
    return scenario


def turn(scenario, moves, seed=1, parameters=None) -> BrinkModel:
    model = BrinkModel(scenario, rng=seed, parameters=parameters)
    by_actor: dict[str, list] = {}
    for actor, kind, params in moves:
        by_actor.setdefault(actor, []).append(make_move(actor, kind, params, source="human"))
    for actor, queued in by_actor.items():
        model.submit(actor, queued)
    model.step()
    return model


def test_a_move_counts_against_whom_it_names_or_the_movers_opponents():
    model = BrinkModel(world(), rng=1)
    s = model.state
    assert move_opponents(s, make_move("red", "deep_strike", {"target": "yellow"})) == (
        "yellow",)
    assert move_opponents(s, make_move("red", "mobilise", {"troops": 1000})) == ("blue",)
    # arms for an ally escalate against the ally's enemies, not against the ally
    assert move_opponents(s, make_move("grey", "transfer_munitions",
                                       {"recipient": "red", "shells": 1000})) == ("blue",)
    assert move_opponents(s, make_move("grey", "mobilise", {"troops": 100})) == ()


def test_the_world_scores_its_most_escalated_pair():
    """Red strikes Blue (28) and mobilises (4): the Red-Blue pair scores (28 + 4) / 2 = 16,
    whatever Grey and Yellow (who are in no pair) do or do not do."""
    model = turn(world(), [("red", "deep_strike", {"target": "blue"}),
                           ("red", "mobilise", {"troops": 1000})])
    assert model.state.escalation_score == pytest.approx(16.0)
    # a second pair (Grey strikes Yellow: 14) does not add to the first: the world is as
    # escalated as its most escalated pair
    model = turn(world(), [("red", "deep_strike", {"target": "blue"}),
                           ("red", "mobilise", {"troops": 1000}),
                           ("grey", "deep_strike", {"target": "yellow"})])
    assert model.state.escalation_score == pytest.approx(16.0)
    # Blue striking back adds to the same pair: (32 + 28) / 2
    model = turn(world(), [("red", "deep_strike", {"target": "blue"}),
                           ("red", "mobilise", {"troops": 1000}),
                           ("blue", "deep_strike", {"target": "red"})])
    assert model.state.escalation_score == pytest.approx(30.0)


def test_a_move_nobody_is_against_scores_in_no_pair():
    model = turn(world(), [("grey", "mobilise", {"troops": 100})])
    assert model.state.escalation_score == 0.0
    assert model.state.actors["grey"].escalation_points == 4  # its own points still show


def test_an_actor_struck_is_drawn_in_and_the_log_says_why():
    model = turn(world(), [("red", "deep_strike", {"target": "yellow"})],
                 parameters={"draw_in_attacked": 1.0})
    assert model.state.actors["yellow"].drawn_in
    entry = next(e for e in model.log.for_turn(1)
                 if e.target == "yellow" and e.var == "drawn_in")
    assert (entry.kind, entry.ref) == ("random", "draw_in")
    assert entry.why.startswith("Yellow is drawn into the conflict (100.0% chance this turn: "
                                "it was struck")
    assert any(r.kind == "move" for r in entry.refs)
    assert "drawn_in" in {e["kind"] for e in model.events}


def test_an_ally_bound_by_a_treaty_is_drawn_in_when_its_ally_is_struck():
    strike = [("red", "deep_strike", {"target": "blue"})]
    bound = turn(world(1.0), strike, parameters={"draw_in_alliance": 1.0})
    assert bound.state.actors["yellow"].drawn_in
    entry = next(e for e in bound.log.for_turn(1)
                 if e.target == "yellow" and e.var == "drawn_in")
    assert "its ally Blue was struck" in entry.why
    # a support group (commitment 0) arms its member but is never pulled in by it
    for seed in range(20):
        free = turn(world(0.0), strike, seed=seed, parameters={"draw_in_alliance": 1.0})
        assert not free.state.actors["yellow"].drawn_in


def test_the_draw_in_chance_grows_with_the_alliance_commitment():
    strike = [("red", "deep_strike", {"target": "blue"})]
    joined = {c: sum(turn(world(c), strike, seed=s).state.actors["yellow"].drawn_in
                     for s in range(200)) for c in (0.2, 1.0)}
    # draw_in_alliance 0.3 a week: about 6% and 30% of 200 runs
    assert joined[0.2] < joined[1.0]
    assert 35 <= joined[1.0] <= 85
    assert joined[0.2] <= 25


def test_the_wider_war_risk_draws_in_those_with_a_stake_only():
    """A high rung makes the risk of a wider war high; Yellow, hostile to Red (a stake), is
    drawn in over the turns; Grey, allied to Red but not in the fighting... has a stake too;
    an actor with no relation at all never is (the inert actor)."""
    data = copy.deepcopy(WORLD)
    data["escalation"]["initial_rung"] = 30
    data["relations"]["alliances"] = []
    data["relations"]["hostility"].append({"between": ["red", "yellow"], "level": 0.5})
    scenario = Scenario.model_validate(data)
    drawn = {"yellow": 0, "grey": 0}
    for seed in range(30):
        model = BrinkModel(scenario, rng=seed, parameters={"draw_in_wider_war": 0.1}, turns=12)
        model.run()
        for a in drawn:
            drawn[a] += model.state.actors[a].drawn_in
    assert drawn["yellow"] >= 15  # a stake and a risk near 1: 1 - 0.9^12, 72% of runs
    assert drawn["grey"] == 0  # no relation to anyone in the fighting


def test_the_sentence_names_every_reason():
    from engine.sim.model import BrinkModel as Model
    s = Model(world(), rng=1).state
    text = notes.SENTENCES["escalation.drawn_in"](s, actor="yellow", chance=0.25, struck=True,
                                                  allies_struck=("blue",), risk=0.4)
    assert text == ("Yellow is drawn into the conflict (25.0% chance this turn: it was struck, "
                    "and its ally Blue was struck, and the risk of a wider war stood at 40%)")


def test_the_why_of_the_level_names_the_moves_of_the_most_escalated_pair_only():
    """Grey's strike on Yellow forms a lesser pair: it is not among the moves the level came
    from (a review found moves of other pairs listed as its causes)."""
    model = turn(world(), [("red", "deep_strike", {"target": "blue"}),
                           ("red", "mobilise", {"troops": 1000}),
                           ("grey", "deep_strike", {"target": "yellow"})])
    level = next(e for e in model.log.for_turn(1) if e.var == "escalation_level")
    movers = {ref.id.split(".")[1] for ref in level.refs if ref.kind == "move"}
    assert movers == {"red"}
    assert "between Blue and Red, the most escalated pair" in level.why

"""Troops off the line and interdicted routes (issue 16).

Reserve: troops pulled back off the front stay in the theatre (deployed, abroad, paid and seen
as abroad) but take no combat losses, and their readiness recovers reserve_recovery_weekly a
week until they return. Interdiction: the queue an interdicted route cannot board moves to the
actor's open routes to the same theatre, at their capacity, transit time and cost.

Green is the mini world's expeditionary actor (tests/engine/builders.py); its only route is
"rail" (3,000 a turn, two turns' transit, three of training). Some tests give it a sea route
(1,000 a turn, three turns' transit, $100 a soldier) and an airlift (500 a turn, no transit,
$1,200 a soldier).
"""

from __future__ import annotations

import copy

import pytest

from engine.moves.catalogue import make_move
from engine.scenario.loader import check_references
from engine.scenario.schema import Scenario
from engine.sim.conformance import violations
from engine.sim.model import BrinkModel
from tests.engine.builders import BASE, mini_model

AT_THE_FRONT = {"deployed": 10_000, "front": 10_000, "readiness": 0.4}
OFF_THE_LINE = {"deployed": 10_000, "front": 0, "reserve": 10_000, "readiness": 0.4,
                "reserve_readiness": 0.4}


def _given(model: BrinkModel, **values) -> BrinkModel:
    for var, value in values.items():
        setattr(model.state.actors["green"], var, value)
    return model


def _played(model: BrinkModel, *moves, turns: int = 1) -> BrinkModel:
    for turn in range(turns):
        if turn == 0 and moves:
            by_actor: dict[str, list] = {}
            for m in moves:
                by_actor.setdefault(m.actor, []).append(m)
            for actor, submitted in by_actor.items():
                model.submit(actor, submitted)
        model.step()
    return model


# --- the reserve -------------------------------------------------------------------------------


def test_troops_off_the_line_take_no_combat_losses():
    """The same 10,000 Green troops, at the front and off the line, over four turns of the same
    war with the same luck: at the front they lose some every turn; off the line, none."""
    fighting = _played(_given(mini_model(), **AT_THE_FRONT), turns=4).state.actors["green"]
    resting = _played(_given(mini_model(), **OFF_THE_LINE), turns=4).state.actors["green"]
    assert fighting.casualties > 100
    assert fighting.front_losses > 0
    assert resting.casualties == 0
    assert resting.front_losses == 0
    assert (resting.deployed, resting.reserve, resting.front) == (10_000, 10_000, 0)
    half = _played(_given(mini_model(), **{**AT_THE_FRONT, "front": 5_000, "reserve": 5_000,
                                           "reserve_readiness": 0.4}), turns=4)
    halved = half.state.actors["green"]
    assert 0 < halved.casualties < 0.7 * fighting.casualties  # only the half in the line
    assert halved.reserve == 5_000


def test_readiness_recovers_off_the_line_at_the_weekly_rate():
    """Off the line, the reserve's readiness rises reserve_recovery_weekly a week (0.05 by
    default, so 0.4 -> 0.45 after a week, 0.5 after a two-week turn) up to 1; the front's
    readiness does not."""
    rate = mini_model().state.params["reserve_recovery_weekly"]
    assert rate == pytest.approx(0.05)
    weekly = _played(_given(mini_model(), **OFF_THE_LINE)).state.actors["green"]
    assert weekly.reserve_readiness == pytest.approx(0.4 + rate)
    assert weekly.readiness == pytest.approx(0.4)
    clock = {**BASE["clock"], "days_per_turn": 14}
    fortnightly = _played(_given(mini_model(clock=clock), **OFF_THE_LINE)).state.actors["green"]
    assert fortnightly.reserve_readiness == pytest.approx(0.4 + 2 * rate)
    rested = _played(_given(mini_model(), **OFF_THE_LINE), turns=20).state.actors["green"]
    assert rested.reserve_readiness == 1.0


def test_pulling_back_stops_the_losses_and_returning_brings_back_rested_troops():
    """Green fights a turn, pulls everyone back, rests six weeks, and returns: no losses while
    off the line, and the front comes back fitter than it left (0.05 a week for six weeks)."""
    model = _played(_given(mini_model(), **AT_THE_FRONT))
    green = model.state.actors["green"]
    worn = green.readiness
    _played(model, make_move("green", "pull_back_troops"))
    lost = green.casualties
    assert (green.front, green.reserve) == (0, green.deployed)
    _played(model, turns=5)
    assert green.casualties == lost
    _played(model, make_move("green", "return_to_front"))
    assert green.reserve == 0
    assert green.front == green.deployed  # all back in the line (and fighting again)
    assert green.casualties > lost
    assert green.readiness > worn + 0.25


def test_troops_are_conserved_and_counted_abroad_through_a_pull_back_and_a_return():
    """Through deployment, pulling back half the front and sending it back, every invariant
    holds each turn (troops conserved: home + queued + transit + deployed, the reserve within
    it, + killed + wounded; the pipeline = queued + transit + training), and the troops off the
    line count as abroad and committed, as the intelligence rule sees them."""
    model = mini_model()
    _played(model, make_move("green", "deploy_troops", {"troops": 9_000}), turns=8)
    green = model.state.actors["green"]
    assert green.front > 5_000
    _played(model, make_move("green", "pull_back_troops", {"troops": 4_000}))
    assert green.reserve == 4_000
    assert violations(model.state) == []
    assert green.troops_abroad == green.in_transit + green.deployed >= green.reserve + green.front
    assert green.troops_committed == green.troops_abroad + green.queued
    for _ in range(3):
        _played(model)
        assert violations(model.state) == []
    _played(model, make_move("green", "return_to_front", {"troops": 4_000}))
    assert green.reserve == 0
    assert violations(model.state) == []
    assert green.forces_home + green.queued + green.troops_abroad + green.casualties == 200_000


def test_the_conservation_invariant_sees_troops_in_reserve():
    """A reserve that is not part of what is deployed (troops created off the line) breaks the
    invariants: the reserve is counted, not ignored."""
    model = _played(_given(mini_model(), **AT_THE_FRONT))
    green = model.state.actors["green"]
    green.reserve = 500
    assert {v.invariant for v in violations(model.state)} >= {"pipeline_adds_up"}
    green.reserve, green.front = green.deployed, green.deployed
    assert "front_within_deployed" in {v.invariant for v in violations(model.state)}


def test_the_why_of_the_reserve_is_told():
    """The causal log words the pull back and the recovery off the line."""
    model = _played(_given(mini_model(), **AT_THE_FRONT), make_move("green", "pull_back_troops"),
                    turns=2)
    texts = [e.why for e in model.log.entries if e.target == "green"
             and e.var in ("reserve", "reserve_readiness")]
    assert any("pulls 10,000 troops back off the line" in t for t in texts)
    assert any("in reserve off the line recover" in t for t in texts)


# --- interdicted routes --------------------------------------------------------------------------


def _three_routes() -> Scenario:
    data = copy.deepcopy(BASE)
    data["routes"] += [
        {"id": "sea", "name": "Sea", "actor": "green", "theatre": "front", "mode": "sea",
         "capacity_per_turn": 1000, "transit_turns": 3, "training_turns": 3,
         "cost_usd_per_soldier": 100},
        {"id": "air", "name": "Air", "actor": "green", "theatre": "front", "mode": "air",
         "capacity_per_turn": 500, "transit_turns": 0, "training_turns": 3,
         "cost_usd_per_soldier": 1200},
    ]
    scenario = Scenario.model_validate(data)
    assert not check_references(scenario)
    return scenario


def _queued_on_the_rail(interdiction: float) -> BrinkModel:
    """Green has 9,000 troops waiting for the rail (3,000 boarded already) when the rail is
    interdicted to ``interdiction``; the next turn is played."""
    model = BrinkModel(_three_routes(), rng=1)
    _played(model, make_move("green", "deploy_troops", {"troops": 12_000, "route": "rail"}))
    model.state.routes["rail"].interdiction = interdiction
    _played(model)
    return model


def test_an_interdicted_route_pushes_its_queue_to_the_other_routes_at_their_cost():
    """The rail interdicted at 60% boards 1,200 of the 9,000 waiting; the sea route takes
    1,000 and the airlift 500 more (their capacity), the rest wait for the rail. Those
    re-routed travel as their route does (the airlift straight into training, the sea three
    turns) and Green pays for them: 1,000 x $100 + 500 x $1,200 = $0.7 M from its reserves."""
    open_rail = _queued_on_the_rail(0.0)
    cut_rail = _queued_on_the_rail(0.6)
    g_open, g_cut = open_rail.state.actors["green"], cut_rail.state.actors["green"]
    assert g_open.queued == 6_000  # an open rail: 3,000 board, nobody re-routed, no cost
    assert g_cut.queued == 9_000 - 1_200 - 1_000 - 500
    boarding = {(c.route, c.stage): c.troops for c in g_cut.pipeline if c.stage != "queued"}
    assert boarding[("sea", "transit")] == 1_000
    assert boarding[("air", "training")] == 500
    assert [c.route for c in g_cut.pipeline if c.stage == "queued"] == ["rail"]
    assert g_open.reserves == pytest.approx(1.0)
    assert g_cut.reserves == pytest.approx(1.0 - 0.7e-3)
    why = next(e.why for e in cut_rail.log.entries if (e.target, e.var) == ("green", "queued")
               and e.turn == 2)
    assert "1,500 of them re-routed off an interdicted route" in why


def test_new_orders_avoid_an_interdicted_route_by_the_actors_choice():
    """A reinforcement along the interdicted rail is refused; an aim that lists its routes in
    order of preference sends the troops by the first open one (the sea)."""
    data = copy.deepcopy(_three_routes().model_dump(by_alias=True, mode="json"))
    green = next(a for a in data["actors"] if a["id"] == "green")
    green["military"].update(deployed=5_000)
    green["policy"] = {"kind": "doctrine", "aims": [{
        "name": "more troops", "steer": "self.troops_committed", "appetite": 8_000,
        "step": 3_000, "raise_with": [{"move": "reinforce_troops", "route": r}
                                      for r in ("rail", "sea", "air")]}]}
    scenario = Scenario.model_validate(data)
    model = BrinkModel(scenario, rng=1)
    model.state.routes["rail"].interdiction = 0.3
    model.step()
    (order,) = [m for m in model.move_log if m.actor == "green"]
    assert order.params["route"] == "sea"
    free = BrinkModel(scenario, rng=1)
    free.step()
    assert [m.params["route"] for m in free.move_log if m.actor == "green"] == ["rail"]


def test_a_lean_run_re_routes_as_a_recorded_one():
    """Lean runs build no notes, but re-route and charge the same: the same world after."""
    def play(record: bool) -> BrinkModel:
        model = BrinkModel(_three_routes(), rng=1, record=record)
        _played(model, make_move("green", "deploy_troops", {"troops": 12_000, "route": "rail"}))
        model.state.routes["rail"].interdiction = 0.6
        return _played(model)

    lean, recorded = play(False), play(True)
    assert lean.state.actors["green"].queued == 9_000 - 2_700
    assert lean.state == recorded.state

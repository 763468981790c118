"""Per-move contracts: for every move in the catalogue, the state before, the move, the changes.

Each contract plays one real turn in a small world (tests/engine/moves/contracts.py) and reads
what the move phase wrote to the causal log: exactly which targets and variables changed and to
what (the documented rule's arithmetic where the effect is deterministic, direction and bounds
where it depends on a random observation), the standing orders it added or altered, and the
escalation points it scored. Each refused move leaves the turn exactly as if it had not been
submitted.

The meta-tests at the bottom break one move at a time (its effect made a no-op, its numeric
changes reversed, its changes aimed at the wrong actor, its points taken away, the military
rule made blind to it, its refusal bypassed) and require some contract of that move to fail:
the contracts bite (issue 15, item 6).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import pytest

import engine.sim.model
from engine import rules
from engine.core.state import Belief, Cohort, Sanction, Transfer
from engine.moves.catalogue import CATALOGUE, Category, MoveType, _no_effect, validate
from engine.rules.intelligence import QUANTITY
from tests.engine.moves.contracts import (
    does_nothing,
    does_something,
    misdirected,
    move,
    play,
    reversed_changes,
    start,
)

GREEN_ABROAD = {"deployed": 10_000, "front": 10_000}  # Green already has troops at the front


# --- troops --------------------------------------------------------------------------------------


def test_hold_changes_nothing():
    """Red holds: the move is accepted, changes nothing, scores nothing, and the turn ends as
    if Red had submitted no move at all."""
    held, idle = play(move("red", "hold")), play()
    assert [m.type for m in held.made] == [MoveType.HOLD]
    assert held.changes == {}
    assert held.points("red") == 0
    assert held.state == idle.state
    assert held.model.log.entries == idle.model.log.entries


def test_deploy_troops_queues_troops_at_home_for_the_route():
    """Green orders 5,000 troops abroad: they leave the forces at home and queue for the rail
    route as one cohort; 12 points, weighted as a covert move."""
    turn = play(move("green", "deploy_troops", troops=5_000))
    assert turn.changes == {
        ("green", "forces_home"): 195_000,
        ("green", "queued"): 5_000,
        ("green", "pipeline"): (Cohort("rail", "queued", 5_000, 0),),
    }
    assert turn.points("green") == 12 * turn.covert_weight


def test_reinforce_troops_queues_more_troops_for_a_deployment_under_way():
    """Green, with 10,000 at the front, sends 2,000 more: they queue at home for the rail
    route; 4 points, weighted as a covert move."""
    turn = play(move("green", "reinforce_troops", troops=2_000), given={"green": GREEN_ABROAD})
    assert turn.changes == {
        ("green", "forces_home"): 198_000,
        ("green", "queued"): 2_000,
        ("green", "pipeline"): (Cohort("rail", "queued", 2_000, 0),),
    }
    assert turn.points("green") == 4 * turn.covert_weight


def test_rotate_troops_sends_fresh_troops_out_and_brings_tired_ones_home():
    """Green rotates 2,000: 2,000 leave the front for home (two turns on the rail route),
    2,000 queue at home to replace them, and readiness rises by 0.1; no points."""
    turn = play(move("green", "rotate_troops", troops=2_000),
                given={"green": {**GREEN_ABROAD, "readiness": 0.5}})
    assert turn.changes == {
        ("green", "front"): 8_000,
        ("green", "deployed"): 8_000,
        ("green", "forces_home"): 198_000,
        ("green", "queued"): 2_000,
        ("green", "in_transit"): 2_000,
        ("green", "pipeline"): (Cohort("rail", "returning", 2_000, 2),
                                Cohort("rail", "queued", 2_000, 0)),
        ("green", "readiness"): pytest.approx(0.6),
    }
    assert turn.points("green") == 0


def test_withdraw_troops_sends_troops_home_from_the_front():
    """Green withdraws 4,000 of its 10,000 at the front: they travel home as a returning cohort
    (two turns on the rail route); -2 points."""
    turn = play(move("green", "withdraw_troops", troops=4_000), given={"green": GREEN_ABROAD})
    assert turn.changes == {
        ("green", "front"): 6_000,
        ("green", "deployed"): 6_000,
        ("green", "in_transit"): 4_000,
        ("green", "pipeline"): (Cohort("rail", "returning", 4_000, 2),),
    }
    assert turn.points("green") == -2


# Green with 10,000 at the front (readiness 0.5) and 2,000 resting off the line (0.8)
GREEN_RESTING = {"deployed": 12_000, "front": 10_000, "readiness": 0.5, "reserve": 2_000,
                 "reserve_readiness": 0.8}


def test_pull_back_troops_takes_troops_off_the_line_into_the_reserve():
    """Green pulls 4,000 of its 10,000 at the front back to the reserve, which holds 2,000:
    front 6,000, reserve 6,000, still deployed; the reserve's readiness is the troop-weighted
    mean (2,000 x 0.8 + 4,000 x 0.5) / 6,000 = 0.6; no points."""
    turn = play(move("green", "pull_back_troops", troops=4_000), given={"green": GREEN_RESTING})
    assert turn.changes == {
        ("green", "front"): 6_000,
        ("green", "reserve"): 6_000,
        ("green", "reserve_readiness"): pytest.approx(0.6),
    }
    assert turn.points("green") == 0


def test_pull_back_troops_without_a_number_pulls_back_the_whole_front():
    """Green pulls back with no number: all 10,000 at the front join the reserve."""
    turn = play(move("green", "pull_back_troops"), given={"green": GREEN_RESTING})
    assert turn.changes == {
        ("green", "front"): 0,
        ("green", "reserve"): 12_000,
        ("green", "reserve_readiness"): pytest.approx((2_000 * 0.8 + 10_000 * 0.5) / 12_000),
    }


def test_return_to_front_sends_rested_troops_back_and_lifts_the_fronts_readiness():
    """Green sends 1,500 of its 2,000 rested troops back: front 11,500, reserve 500; the
    front's readiness becomes (10,000 x 0.5 + 1,500 x 0.8) / 11,500; no points."""
    turn = play(move("green", "return_to_front", troops=1_500), given={"green": GREEN_RESTING})
    assert turn.changes == {
        ("green", "front"): 11_500,
        ("green", "reserve"): 500,
        ("green", "readiness"): pytest.approx((10_000 * 0.5 + 1_500 * 0.8) / 11_500),
    }
    assert turn.points("green") == 0


def test_return_to_front_without_a_number_returns_the_whole_reserve():
    """Green returns with no number: all 2,000 in reserve go back to the front."""
    turn = play(move("green", "return_to_front"), given={"green": GREEN_RESTING})
    assert turn.changes == {
        ("green", "front"): 12_000,
        ("green", "reserve"): 0,
        ("green", "readiness"): pytest.approx((10_000 * 0.5 + 2_000 * 0.8) / 12_000),
    }


def test_mobilise_adds_troops_at_home_and_costs_stability_and_strain():
    """Red mobilises 15,000, a tenth of its initial 150,000: forces at home +15,000,
    stability -0.1 x 0.1, strain +0.05 x 0.1; 4 points."""
    turn = play(move("red", "mobilise", troops=15_000), given={"red": {"strain": 0.2}})
    assert turn.changes == {
        ("red", "forces_home"): 115_000,
        ("red", "mobilised"): 15_000,
        ("red", "stability"): pytest.approx(0.7 - 0.1 * 0.1),
        ("red", "strain"): pytest.approx(0.2 + 0.05 * 0.1),
    }
    assert turn.points("red") == 4


# --- transfers -----------------------------------------------------------------------------------


def test_transfer_munitions_moves_shells_from_the_sender_to_the_recipient():
    """Red ships 100,000 shells to Green: Red's stock falls and Green's rises by as many;
    4 points, weighted as a covert move."""
    turn = play(move("red", "transfer_munitions", recipient="green", shells=100_000))
    assert turn.changes == {
        ("red", "munitions"): 900_000,
        ("green", "munitions"): 100_000,
    }
    assert turn.points("red") == 4 * turn.covert_weight


def test_pay_support_replaces_the_standing_transfer_of_that_kind():
    """Red, paying Green 200 cash and 60 oil a turn, now pays 500 cash: the cash transfer is
    replaced (from this turn), the oil one kept; 4 points, weighted as a covert move."""
    turn = play(move("red", "pay_support", recipient="green", kind="cash", amount=500),
                given={"world": {"transfers": (Transfer("red", "green", "cash", 200.0, 0),
                                               Transfer("red", "green", "oil", 60.0, 0))}})
    assert turn.changes == {
        ("world", "transfers"): (Transfer("red", "green", "oil", 60.0, 0),
                                 Transfer("red", "green", "cash", 500.0, 1)),
    }
    assert turn.points("red") == 4 * turn.covert_weight


def test_pay_support_of_nothing_stops_the_standing_transfer():
    """Red pays Green 0 cash: the standing cash transfer stops; the oil one goes on."""
    turn = play(move("red", "pay_support", recipient="green", kind="cash", amount=0),
                given={"world": {"transfers": (Transfer("red", "green", "cash", 200.0, 0),
                                               Transfer("red", "green", "oil", 60.0, 0))}})
    assert turn.changes == {
        ("world", "transfers"): (Transfer("red", "green", "oil", 60.0, 0),),
    }


def test_military_aid_sets_a_standing_aid_package():
    """Red gives Green 300 USD M of military aid a turn: a standing transfer from this turn;
    4 points (public)."""
    turn = play(move("red", "military_aid", recipient="green", amount=300))
    assert turn.changes == {
        ("world", "transfers"): (Transfer("red", "green", "military_aid", 300.0, 1),),
    }
    assert turn.points("red") == 4


# --- sanctions -----------------------------------------------------------------------------------


def test_impose_sanctions_adds_the_package_at_initial_enforcement():
    """Blue imposes sectoral sanctions on Green: the package joins those in force at
    enforcement 0.6 from this turn, and the economy rule blocks Green's trade at once;
    12 points."""
    in_force = (Sanction("red", "blue", "targeted", 0.6, 0),)
    given = {"world": {"sanctions": in_force}}
    turn = play(move("blue", "impose_sanctions", target="green", package="sectoral"),
                given=given)
    assert turn.changes == {
        ("world", "sanctions"): (*in_force, Sanction("blue", "green", "sectoral", 0.6, 1)),
    }
    assert turn.points("blue") == 12
    untouched = play(given=given)
    assert turn.state.actors["green"].lost_trade > untouched.state.actors["green"].lost_trade


def test_tighten_sanctions_upgrades_the_strongest_package_and_keeps_its_enforcement():
    """Blue has targeted and sectoral packages on Green: the sectoral one becomes
    comprehensive at its enforcement of 0.75; the targeted one and White's are untouched;
    12 points."""
    turn = play(move("blue", "tighten_sanctions", target="green"), given={"world": {
        "sanctions": (Sanction("blue", "green", "targeted", 0.6, 0),
                      Sanction("blue", "green", "sectoral", 0.75, 0),
                      Sanction("white", "green", "targeted", 0.6, 0))}})
    assert turn.changes == {
        ("world", "sanctions"): (Sanction("blue", "green", "targeted", 0.6, 0),
                                 Sanction("blue", "green", "comprehensive", 0.75, 0),
                                 Sanction("white", "green", "targeted", 0.6, 0)),
    }
    assert turn.points("blue") == 12


def test_lift_sanctions_removes_only_the_senders_package():
    """Blue lifts its targeted package on Green: its sectoral one and White's targeted one stay;
    -2 points."""
    turn = play(move("blue", "lift_sanctions", target="green", package="targeted"),
                given={"world": {"sanctions": (
                    Sanction("blue", "green", "targeted", 0.6, 0),
                    Sanction("blue", "green", "sectoral", 0.6, 0),
                    Sanction("white", "green", "targeted", 0.6, 0))}})
    assert turn.changes == {
        ("world", "sanctions"): (Sanction("blue", "green", "sectoral", 0.6, 0),
                                 Sanction("white", "green", "targeted", 0.6, 0)),
    }
    assert turn.points("blue") == -2


def test_enforce_sanctions_raises_enforcement_of_the_packages_in_force():
    """Blue steps up enforcement on Green: each of its packages on Green gains 0.15 (capped at
    1); White's package on Green and Blue's on Red are untouched; 4 points."""
    turn = play(move("blue", "enforce_sanctions", target="green"), given={"world": {
        "sanctions": (Sanction("blue", "green", "targeted", 0.6, 0),
                      Sanction("blue", "green", "sectoral", 0.9, 0),
                      Sanction("white", "green", "targeted", 0.6, 0),
                      Sanction("blue", "red", "targeted", 0.6, 0))}})
    assert turn.changes == {
        ("world", "sanctions"): (Sanction("blue", "green", "targeted", 0.6 + 0.15, 0),
                                 Sanction("blue", "green", "sectoral", 1.0, 0),
                                 Sanction("white", "green", "targeted", 0.6, 0),
                                 Sanction("blue", "red", "targeted", 0.6, 0)),
    }
    assert turn.points("blue") == 4


def test_interdict_denies_thirty_more_points_of_the_routes_capacity():
    """Blue interdicts Green's rail route, already 20% denied: 50% is denied; 12 points."""
    turn = play(move("blue", "interdict", route="rail"),
                given={"route:rail": {"interdiction": 0.2}})
    assert turn.changes == {("route:rail", "interdiction"): pytest.approx(0.5)}
    assert turn.points("blue") == 12


def test_interdict_denies_at_most_ninety_percent_of_a_route():
    """Blue interdicts the rail route, already 80% denied: 90% is denied, not 110%."""
    turn = play(move("blue", "interdict", route="rail"),
                given={"route:rail": {"interdiction": 0.8}})
    assert turn.changes == {("route:rail", "interdiction"): 0.9}


# --- signals -------------------------------------------------------------------------------------


def test_diplomatic_protest_lowers_the_targets_credibility():
    """Blue protests against Red: Red's credibility falls by 0.02, from 0.5 to 0.48; nothing
    else moves; 12 points."""
    turn = play(move("blue", "diplomatic_protest", target="red"))
    assert turn.changes == {("red", "credibility"): pytest.approx(0.48)}
    assert turn.points("blue") == 12


def test_un_action_without_a_veto_raises_enforcement_on_the_target_and_costs_it_credibility():
    """Blue takes Green to the UN and no veto holder protects Green: every package on Green,
    whoever sent it, gains 0.1 enforcement, the package on Red does not, and Green's
    credibility falls by 0.05; 4 points."""
    turn = play(move("blue", "un_action", target="green"), given={"world": {
        "sanctions": (Sanction("blue", "green", "targeted", 0.6, 0),
                      Sanction("white", "green", "sectoral", 0.75, 0),
                      Sanction("blue", "red", "targeted", 0.6, 0))}})
    assert turn.changes == {
        ("world", "sanctions"): (Sanction("blue", "green", "targeted", 0.6 + 0.1, 0),
                                 Sanction("white", "green", "sectoral", 0.75 + 0.1, 0),
                                 Sanction("blue", "red", "targeted", 0.6, 0)),
        ("green", "credibility"): pytest.approx(0.45),
    }
    assert turn.points("blue") == 4


def test_un_action_against_an_ally_of_a_veto_holder_is_vetoed():
    """Red, Green's ally, holds a UN veto: Blue's UN action against Green changes nothing,
    the news says it was vetoed, and it still scores its 4 points."""
    turn = play(move("blue", "un_action", target="green"), given={
        "red": {"capabilities": frozenset({"belligerent", "nuclear", "un_veto"})},
        "world": {"sanctions": (Sanction("blue", "green", "targeted", 0.6, 0),)}})
    assert turn.changes == {}
    assert any("vetoed" in text for text in turn.events("move"))
    assert turn.points("blue") == 4


def test_nuclear_signalling_raises_the_signallers_resolve():
    """Red signals nuclear readiness: its resolve rises by 0.05, from 0.5 to 0.55; 12 points."""
    turn = play(move("red", "nuclear_signalling"))
    assert turn.changes == {("red", "resolve"): pytest.approx(0.55)}
    assert turn.points("red") == 12


def test_offer_talks_changes_nothing_but_scores_de_escalation_points():
    """Blue offers Red talks: a signal only, reported in the news; -2 points."""
    turn = play(move("blue", "offer_talks", target="red"))
    assert turn.changes == {}
    assert any("Offer talks" in text for text in turn.events("move"))
    assert turn.points("blue") == -2


# --- intelligence --------------------------------------------------------------------------------


def test_disclose_intelligence_pulls_allies_and_the_public_towards_the_disclosers_estimate():
    """Blue, confident Green has ~20,000 troops abroad, discloses it: its ally White's estimate
    and the public's each move part of the way towards Blue's (strictly between what they
    believed and what Blue believes), one observation more; Red's and Green's beliefs are
    untouched; 4 points."""
    blue_estimate = Belief(math.log1p(20_000), 0.01, 5)
    turn = play(move("blue", "disclose_intelligence", about="green"), given={
        "green": {"deployed": 20_000, "front": 20_000},
        "blue": {"beliefs": {("green", QUANTITY): blue_estimate}}})
    assert set(turn.changes) == {("white", "beliefs"), ("world", "public_beliefs")}
    disclosed = turn.state.actors["blue"].beliefs[("green", QUANTITY)].mean
    for target, var in turn.changes:
        before = turn.before(target, var)[("green", QUANTITY)]
        after = turn.changes[(target, var)][("green", QUANTITY)]
        assert before.mean != disclosed, target
        assert min(before.mean, disclosed) < after.mean < max(before.mean, disclosed), target
        assert after.observations == before.observations + 1, target
    assert turn.points("blue") == 4


def test_deny_conceal_hides_the_denier_and_sows_public_doubt():
    """Green (credibility 0.5) denies its troops abroad: concealment is boosted for 4 turns, it
    has now denied, and the public's log-estimate is pulled down by 0.2 x 0.5 and its variance
    widened by 0.5 x (1 - 0.5); no points."""
    turn = play(move("green", "deny_conceal"), given={
        "green": {"deployed": 20_000, "front": 20_000},
        "world": {"public_beliefs": {("green", QUANTITY): Belief(math.log1p(20_000), 0.04, 3)}}})
    assert set(turn.changes) == {("green", "concealment_boost_turns"), ("green", "denied"),
                                 ("world", "public_beliefs")}
    assert turn.changes[("green", "concealment_boost_turns")] == 4
    assert turn.changes[("green", "denied")] is True
    before = turn.before("world", "public_beliefs")[("green", QUANTITY)]
    after = turn.changes[("world", "public_beliefs")][("green", QUANTITY)]
    assert after.mean == pytest.approx(before.mean * (1 - 0.2 * 0.5))
    assert after.var == pytest.approx(before.var + 0.5 * (1 - 0.5))
    assert turn.points("green") == 0


def test_deny_conceal_for_an_ally_hides_the_ally_on_the_deniers_credibility():
    """Red (credibility 0.9) denies for its ally Green: Green's concealment is boosted, Red has
    now denied, and the public's log-estimate falls by 0.2 x 0.9, widened by 0.5 x 0.1."""
    turn = play(move("red", "deny_conceal", about="green"), given={
        "red": {"credibility": 0.9},
        "green": {"deployed": 20_000, "front": 20_000},
        "world": {"public_beliefs": {("green", QUANTITY): Belief(math.log1p(20_000), 0.04, 3)}}})
    assert set(turn.changes) == {("green", "concealment_boost_turns"), ("red", "denied"),
                                 ("world", "public_beliefs")}
    assert turn.changes[("green", "concealment_boost_turns")] == 4
    before = turn.before("world", "public_beliefs")[("green", QUANTITY)]
    after = turn.changes[("world", "public_beliefs")][("green", QUANTITY)]
    assert after.mean == pytest.approx(before.mean * (1 - 0.2 * 0.9))
    assert after.var == pytest.approx(before.var + 0.5 * (1 - 0.9))


def test_acknowledge_deployment_confirms_the_figure_to_everyone_and_ends_the_cover():
    """Green, with 20,000 troops abroad and a concealment effort under way, acknowledges them:
    Red, Blue, White and the public each fuse the true figure (closer to it, one observation
    more, narrower), the concealment effort ends, and Green, which had not denied, gains 0.02
    credibility; 4 points."""
    truth = math.log1p(20_000)
    low = Belief(math.log1p(5_000), 0.5, 2)
    turn = play(move("green", "acknowledge_deployment"), given={
        "green": {"deployed": 20_000, "front": 20_000, "concealment_boost_turns": 3},
        "blue": {"beliefs": {("green", QUANTITY): low}},
        "world": {"public_beliefs": {("green", QUANTITY): low}}})
    assert {("green", "credibility"), ("green", "concealment_boost_turns"), ("blue", "beliefs"),
            ("world", "public_beliefs")} <= set(turn.changes)
    assert turn.changes[("green", "credibility")] == pytest.approx(0.52)
    assert turn.changes[("green", "concealment_boost_turns")] == 0
    for target, var in (("blue", "beliefs"), ("world", "public_beliefs")):
        before = turn.before(target, var)[("green", QUANTITY)]
        after = turn.changes[(target, var)][("green", QUANTITY)]
        assert abs(after.mean - truth) < abs(before.mean - truth) / 4, target
        assert after.var < before.var / 4, target
        assert after.observations == before.observations + 1, target
    assert ("green", "beliefs") not in turn.changes  # not about itself
    assert turn.points("green") == 4


def test_acknowledge_deployment_after_a_denial_costs_credibility_and_ends_the_denial():
    """Red denied for its ally Green, then acknowledges Green's deployment: Red is on record
    contradicting itself (credibility 0.9 -> 0.85) and its denial, like Green's, is over."""
    turn = play(move("red", "acknowledge_deployment", about="green"), given={
        "red": {"credibility": 0.9, "denied": True},
        "green": {"deployed": 20_000, "front": 20_000, "denied": True}})
    assert {("red", "credibility"), ("red", "denied"), ("green", "denied")} <= set(turn.changes)
    assert turn.changes[("red", "credibility")] == pytest.approx(0.85)
    assert turn.changes[("red", "denied")] is False
    assert turn.changes[("green", "denied")] is False
    assert ("world", "public_beliefs") in turn.changes


# --- military ------------------------------------------------------------------------------------


def test_offensive_operation_breaks_the_ceasefire_and_sets_the_intensity():
    """Red attacks at intensity 0.9 during a ceasefire: nothing changes when the move is made;
    the military rule breaks the ceasefire and fights at 0.9 instead of the baseline 0.5;
    28 points."""
    turn = play(move("red", "offensive_operation", intensity=0.9),
                given={"theatre:front": {"ceasefire": True}})
    assert turn.changes == {}
    fought = turn.logged("military")
    assert fought.get(("theatre:front", "ceasefire")) is False
    assert fought.get(("theatre:front", "intensity")) == 0.9
    assert turn.points("red") == 28


def test_defensive_operation_gives_the_defender_half_as_much_combat_power_again():
    """Blue (side B) defends: nothing changes when the move is made; the military rule counts
    its combat power x1.5, so the front moves front_gain x weeks x intensity x ln 1.5 further
    its way than in the same turn without the move; no points."""
    defended, undefended = play(move("blue", "defensive_operation")), play()
    assert defended.changes == {}
    shift = (defended.state.theatres["front"].front_pressure
             - undefended.state.theatres["front"].front_pressure)
    weeks, intensity = 7 / 7, 0.5
    assert shift == pytest.approx(
        -defended.state.params["front_gain"] * weeks * intensity * math.log(1.5))
    assert defended.points("blue") == 0


def test_deep_strike_strains_the_target_cuts_its_production_and_harms_civilians():
    """Red strikes deep into Blue: Blue's strain +0.01, its shell production -3%, and
    civilian_harm_per_strike more civilian casualties; 28 points."""
    turn = play(move("red", "deep_strike", target="blue"))
    harm = turn.state.params["civilian_harm_per_strike"]
    assert harm > 0
    assert turn.changes == {
        ("blue", "strain"): pytest.approx(0.01),
        ("blue", "munitions_production"): pytest.approx(10_000 * 0.97),
        ("world", "civilian_casualties"): harm,
    }
    assert turn.points("red") == 28


def test_nuclear_use_shifts_the_front_half_a_point_to_the_user_and_kills_civilians():
    """Red (side A) uses a nuclear weapon at rung 16: front pressure +0.5 in Red's favour and
    10,000 civilian casualties; 60 points."""
    turn = play(move("red", "nuclear_use"), given={"world": {"escalation_level": 16.0}})
    assert turn.changes == {
        ("theatre:front", "front_pressure"): 0.5,
        ("world", "civilian_casualties"): 10_000,
    }
    assert turn.points("red") == 60


def test_nuclear_use_by_side_b_shifts_the_front_its_way():
    """Blue (side B, made nuclear) uses a nuclear weapon: front pressure -0.5, Blue's way."""
    turn = play(move("blue", "nuclear_use"), given={
        "world": {"escalation_level": 16.0},
        "blue": {"capabilities": frozenset({"belligerent", "nuclear"})}})
    assert turn.changes == {
        ("theatre:front", "front_pressure"): -0.5,
        ("world", "civilian_casualties"): 10_000,
    }


def test_offer_ceasefire_records_the_offer():
    """Red offers a ceasefire on the front: the offer is recorded with this turn; no ceasefire
    yet, as Blue has not offered; -2 points."""
    turn = play(move("red", "offer_ceasefire"))
    assert turn.changes == {("world", "ceasefire_offers"): (("red", "front", 1),)}
    assert turn.points("red") == -2


def test_offer_ceasefire_answering_the_other_sides_offer_makes_a_ceasefire():
    """Blue offered a ceasefire last turn; Red offers now: the ceasefire holds."""
    turn = play(move("red", "offer_ceasefire"),
                given={"world": {"ceasefire_offers": (("blue", "front", 0),)}})
    assert turn.changes == {
        ("world", "ceasefire_offers"): (("blue", "front", 0), ("red", "front", 1)),
        ("theatre:front", "ceasefire"): True,
    }


# --- refused moves change nothing ----------------------------------------------------------------

# A row: the move, the state edits that make it refused, and the reason validate gives.
REFUSALS = {
    "hold with a parameter it does not take":
        (move("red", "hold", speed=2), None, "unknown parameter 'speed' for 'hold'"),
    "deploy troops when troops are already abroad":
        (move("green", "deploy_troops", troops=2_000), {"green": GREEN_ABROAD},
         "already sent troops abroad"),
    "reinforce troops before any are abroad":
        (move("green", "reinforce_troops", troops=2_000), None, "sent no troops abroad yet"),
    "rotate more troops than wait at home":
        (move("green", "rotate_troops", troops=2_000),
         {"green": {**GREEN_ABROAD, "forces_home": 1_000}}, "not enough troops at home"),
    "withdraw more troops than are at the front":
        (move("green", "withdraw_troops", troops=20_000), {"green": GREEN_ABROAD},
         "not enough troops at the front"),
    "reinforce troops along an interdicted route":
        (move("green", "reinforce_troops", troops=2_000),
         {"green": GREEN_ABROAD, "route:rail": {"interdiction": 0.3}},
         "that route is interdicted"),
    "pull back more troops than are at the front":
        (move("green", "pull_back_troops", troops=20_000), {"green": GREEN_ABROAD},
         "not enough troops at the front"),
    "pull back the whole front when nobody is there":
        (move("green", "pull_back_troops"), None, "not enough troops at the front"),
    "return more troops than rest off the line":
        (move("green", "return_to_front", troops=3_000), {"green": GREEN_RESTING},
         "not enough troops in reserve off the line"),
    "return the whole reserve when nobody rests off the line":
        (move("green", "return_to_front"), {"green": GREEN_ABROAD},
         "not enough troops in reserve off the line"),
    "mobilise beyond the parameter's bounds":
        (move("red", "mobilise", troops=250_000), None, "between 100 and 200,000"),
    "ship more shells than the stock holds":
        (move("red", "transfer_munitions", recipient="green", shells=2_000_000), None,
         "not enough shells in stock"),
    "pay more cash than the reserves hold":
        (move("red", "pay_support", recipient="green", kind="cash", amount=500),
         {"red": {"reserves": 0.1}}, "reserves do not cover a turn of that cash"),
    "give military aid to itself":
        (move("red", "military_aid", recipient="red", amount=300), None,
         "the recipient is the actor itself"),
    "impose a package already in force":
        (move("blue", "impose_sanctions", target="green", package="sectoral"),
         {"world": {"sanctions": (Sanction("blue", "green", "sectoral", 0.6, 0),)}},
         "already in force"),
    "tighten a comprehensive package":
        (move("blue", "tighten_sanctions", target="green"),
         {"world": {"sanctions": (Sanction("blue", "green", "comprehensive", 0.6, 0),)}},
         "no package below comprehensive"),
    "tighten when a comprehensive package is in force beside a sectoral one":
        (move("blue", "tighten_sanctions", target="green"),
         {"world": {"sanctions": (Sanction("blue", "green", "sectoral", 0.6, 0),
                                  Sanction("blue", "green", "comprehensive", 0.6, 0))}},
         "no package below comprehensive"),
    "lift a package not in force":
        (move("blue", "lift_sanctions", target="green", package="targeted"),
         {"world": {"sanctions": (Sanction("blue", "green", "sectoral", 0.6, 0),)}},
         "it has no targeted package in force on Green"),
    "enforce sanctions when none is in force":
        (move("blue", "enforce_sanctions", target="green"),
         {"world": {"sanctions": (Sanction("white", "green", "sectoral", 0.6, 0),)}},
         "it has no sanctions in force on Green"),
    "interdict its own route":
        (move("green", "interdict", route="rail"),
         {"green": {"capabilities": frozenset({"expeditionary", "naval"})}},
         "that route is its own"),
    "protest against itself":
        (move("blue", "diplomatic_protest", target="blue"), None,
         "the target is the actor itself"),
    "seek UN action against itself":
        (move("blue", "un_action", target="blue"), None, "the target is the actor itself"),
    "disclose an estimate it does not have":
        (move("blue", "disclose_intelligence", about="red"), None,
         "no estimate about that actor"),
    "acknowledge a deployment that is not its own or an ally's":
        (move("blue", "acknowledge_deployment", about="green"),
         {"green": {"deployed": 20_000, "front": 20_000}}, "only its own deployment or an ally"),
    "acknowledge troops abroad when there are none":
        (move("green", "acknowledge_deployment"), None, "no troops abroad to acknowledge"),
    "deny for an actor that is not an ally":
        (move("blue", "deny_conceal", about="green"), None,
         "deny only for itself or an ally"),
    "attack with no forces at the front":
        (move("red", "offensive_operation"), {"red": {"deployed": 0, "front": 0}},
         "no forces at the front"),
    "defend with no forces at the front":
        (move("blue", "defensive_operation"), {"blue": {"deployed": 0, "front": 0}},
         "no forces at the front"),
    "strike itself":
        (move("red", "deep_strike", target="red"), None, "the target is the actor itself"),
    "signal without nuclear weapons":
        (move("blue", "nuclear_signalling"), None, "needs the 'nuclear' capability"),
    "use a nuclear weapon below rung 15":
        (move("red", "nuclear_use"), None, "escalation is below rung 15"),
    "offer talks to itself":
        (move("blue", "offer_talks", target="blue"), None, "the target is the actor itself"),
    "offer a ceasefire in a theatre it is not party to":
        (move("white", "offer_ceasefire", theatre="front"), None,
         "not a party to that theatre"),
}


def check_refusal(description: str) -> None:
    """The row's move is refused with its reason, reported as rejected, and the turn ends
    exactly as the same turn without it: same state, same causal log, same news otherwise."""
    submitted, given, reason = REFUSALS[description]
    why = validate(start(given).state, submitted)
    assert why is not None
    assert reason in why
    refused, untouched = play(submitted, given=given), play(given=given)
    rejected = refused.events("rejected")
    assert len(rejected) == 1
    assert CATALOGUE[submitted.type].label in rejected[0]
    assert why in rejected[0]
    assert refused.made == []
    assert refused.state == untouched.state
    assert refused.model.log.entries == untouched.model.log.entries
    assert [e for e in refused.model.events if e["kind"] != "rejected"] == untouched.model.events


@pytest.mark.parametrize("description", list(REFUSALS))
def test_a_refused_move_changes_nothing(description):
    """A move refused (a precondition unmet, a parameter out of bounds) has no effect at all."""
    check_refusal(description)


def test_every_move_has_a_refusal():
    """The refusal table holds a refused move of every type in the catalogue."""
    assert {row[0].type for row in REFUSALS.values()} == set(MoveType)


# --- the meta-tests: the contracts bite ----------------------------------------------------------

Contract = Callable[[], None]


def contracts_of(move_type: MoveType) -> list[Contract]:
    """The contract tests of ``move_type``: the functions in this module named after it."""
    prefix = f"test_{move_type.value}_"
    return [f for name, f in sorted(globals().items())
            if name.startswith(prefix) and callable(f)]


def failing(contracts: list[Contract]) -> list[str]:
    """The names of the contracts that fail (an AssertionError: the contract noticed)."""
    out = []
    for contract in contracts:
        try:
            contract()
        except AssertionError:
            out.append(contract.__name__)
    return out


def test_every_move_has_a_contract():
    """Every move type in the catalogue has at least one contract test in this module."""
    assert [t.value for t in MoveType if not contracts_of(t)] == []


def _replace_spec(mp: pytest.MonkeyPatch, move_type: MoveType, **fields) -> None:
    mp.setitem(CATALOGUE, move_type, replace(CATALOGUE[move_type], **fields))


def _blind_military_rule(mp: pytest.MonkeyPatch, move_type: MoveType) -> None:
    real = rules.military

    def military(state, params, rng):
        seen = state.orders
        state.orders = tuple(m for m in seen if m.type is not move_type)
        try:
            return real(state, params, rng)
        finally:
            state.orders = seen
    mp.setattr(rules, "military", military)


# Moves whose immediate effect is a no-op by design, and why making it one proves nothing.
NO_OP_BY_DESIGN = {
    MoveType.HOLD: "hold does nothing by design: replacing a no-op with a no-op cannot fail "
                   "(its mutant is a hold that does something)",
    MoveType.OFFENSIVE_OPERATION: "read by the military rule, not applied when made (its mutants "
                                  "are a blind military rule and no points)",
    MoveType.DEFENSIVE_OPERATION: "read by the military rule, not applied when made (its mutant "
                                  "is a blind military rule)",
    MoveType.OFFER_TALKS: "de-escalation points only (its mutant scores no points)",
}
# Moves whose effect sets numbers (REVERSIBLE: the mutant flips each change's sign), and moves
# whose effect changes actors, sanctions or transfers (MISDIRECTABLE: the mutant puts the change
# on another actor).
REVERSIBLE = {
    MoveType.DEPLOY_TROOPS, MoveType.REINFORCE_TROOPS, MoveType.ROTATE_TROOPS,
    MoveType.WITHDRAW_TROOPS, MoveType.PULL_BACK_TROOPS, MoveType.RETURN_TO_FRONT,
    MoveType.MOBILISE, MoveType.TRANSFER_MUNITIONS, MoveType.INTERDICT,
    MoveType.DIPLOMATIC_PROTEST, MoveType.UN_ACTION, MoveType.DEEP_STRIKE,
    MoveType.NUCLEAR_SIGNALLING, MoveType.NUCLEAR_USE, MoveType.DENY_CONCEAL,
    MoveType.ACKNOWLEDGE_DEPLOYMENT,
}
MISDIRECTABLE = {
    MoveType.DEPLOY_TROOPS, MoveType.REINFORCE_TROOPS, MoveType.ROTATE_TROOPS,
    MoveType.WITHDRAW_TROOPS, MoveType.PULL_BACK_TROOPS, MoveType.RETURN_TO_FRONT,
    MoveType.MOBILISE, MoveType.TRANSFER_MUNITIONS,
    MoveType.PAY_SUPPORT, MoveType.MILITARY_AID, MoveType.IMPOSE_SANCTIONS,
    MoveType.TIGHTEN_SANCTIONS, MoveType.ENFORCE_SANCTIONS, MoveType.DIPLOMATIC_PROTEST,
    MoveType.UN_ACTION, MoveType.DISCLOSE_INTELLIGENCE, MoveType.DENY_CONCEAL,
    MoveType.DEEP_STRIKE, MoveType.NUCLEAR_SIGNALLING, MoveType.ACKNOWLEDGE_DEPLOYMENT,
}
READ_BY_THE_MILITARY_RULE = {MoveType.OFFENSIVE_OPERATION, MoveType.DEFENSIVE_OPERATION}

MUTATIONS: dict[str, Callable[[pytest.MonkeyPatch, MoveType], None]] = {
    "does nothing": lambda mp, t: _replace_spec(mp, t, effect=does_nothing),
    "reverses its changes": lambda mp, t: _replace_spec(
        mp, t, effect=reversed_changes(CATALOGUE[t].effect)),
    "aims at the wrong actor": lambda mp, t: _replace_spec(
        mp, t, effect=misdirected(CATALOGUE[t].effect)),
    "scores no points": lambda mp, t: _replace_spec(mp, t, category=Category.STATUS_QUO),
    "goes unseen by the military rule": _blind_military_rule,
    "does something": lambda mp, t: _replace_spec(mp, t, effect=does_something),
}
MUTANTS = (
    [(t, "does nothing") for t in MoveType if t not in NO_OP_BY_DESIGN]
    + [(t, "reverses its changes") for t in MoveType if t in REVERSIBLE]
    + [(t, "aims at the wrong actor") for t in MoveType if t in MISDIRECTABLE]
    + [(t, "scores no points") for t in MoveType
       if CATALOGUE[t].category is not Category.STATUS_QUO]
    + [(t, "goes unseen by the military rule") for t in MoveType
       if t in READ_BY_THE_MILITARY_RULE]
    + [(MoveType.HOLD, "does something")]
)


@pytest.mark.parametrize(("move_type", "mutation"), MUTANTS,
                         ids=[f"{t.value} {m}" for t, m in MUTANTS])
def test_a_broken_move_fails_its_contract(move_type, mutation, monkeypatch):
    """With one move broken (say, enforce_sanctions made to do nothing), some contract of that
    move fails; unbroken, all of them pass."""
    contracts = contracts_of(move_type)
    assert failing(contracts) == []
    with monkeypatch.context() as mp:
        MUTATIONS[mutation](mp, move_type)
        assert failing(contracts), f"no contract noticed that {move_type.value} {mutation}"


def test_the_moves_spared_the_no_op_mutant_have_no_immediate_effect():
    """The moves left out of the no-op mutant are exactly those whose effect is already a
    no-op, and each of them has another mutant that its contract must catch."""
    assert {t for t in MoveType if CATALOGUE[t].effect is _no_effect} == set(NO_OP_BY_DESIGN)
    otherwise_mutated = {t for t, mutation in MUTANTS if mutation != "does nothing"}
    assert set(NO_OP_BY_DESIGN) <= otherwise_mutated


@pytest.mark.parametrize("description", list(REFUSALS))
def test_a_refused_move_let_through_fails_its_refusal_contract(description, monkeypatch):
    """With the model's check bypassed for one move type, that move's refusal contract fails:
    the model would have applied it. Forcing a move its preconditions refuse may also crash
    its effect (disclosing an estimate that does not exist): that fails the test as surely."""
    move_type = REFUSALS[description][0].type
    check_refusal(description)
    real = engine.sim.model.validate
    monkeypatch.setattr(engine.sim.model, "validate",
                        lambda state, m: None if m.type is move_type else real(state, m))
    with pytest.raises(Exception):  # noqa: B017, PT011 -- any failure is the point
        check_refusal(description)

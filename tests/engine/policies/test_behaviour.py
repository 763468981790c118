"""Policy behaviour as move tables. The contract every registered policy keeps (determinism,
reset, pickling, what it reads) is in test_contract.py."""

import math

from engine.core.state import Belief
from engine.moves.catalogue import MoveType, make_move
from engine.policies import (
    POLICIES,
    DoctrinePolicy,
    LogitPolicy,
    Observation,
    ScriptedPolicy,
    build_policy,
)
from engine.scenario.schema import UtilityWeights
from engine.sim.model import BrinkModel
from tests.engine.builders import mini_model


def _policy(model, actor: str, spec: dict):
    """The policy ``spec`` (YAML as a dict) asks for, for ``actor`` of ``model``'s scenario."""
    kind = POLICIES[spec["kind"]]
    actor_spec = model.spec.actor(actor).model_copy(
        update={"policy": kind.spec.model_validate(spec)})
    return build_policy(actor_spec)


def _scripted(actor="red"):
    return ScriptedPolicy(actor, {1: [make_move(actor, "hold")],
                                  2: [make_move(actor, "offer_talks", {"target": "blue"})]})


def _doctrine(model, actor="red"):
    return _policy(model, actor, {
        "kind": "doctrine",
        "every_turn": [{"move": "defensive_operation"}],
        "rules": [{"name": "talk when strained",
                   "when": [{"var": "self.strain", "op": ">=", "value": 0.0}],
                   "then": [{"move": "offer_talks", "target": "blue"}]}]})


def test_scripted_plays_its_schedule():
    """A move table: hold, then offer talks, then nothing."""
    model = mini_model()
    policy = _scripted()
    plays = []
    for turn in (1, 2, 3):
        model.state.turn = turn
        plays.append([m.type for m in policy.decide(Observation(model.state, "red"), None)])
    assert plays == [[MoveType.HOLD], [MoveType.OFFER_TALKS], []]


def test_doctrine_fires_once_rules_once():
    """A once-rule fires the first time its condition holds, every_turn moves always."""
    model = mini_model()
    model.state.turn = 1
    policy = _doctrine(model)
    first = [m.type for m in policy.decide(Observation(model.state, "red"), None)]
    second = [m.type for m in policy.decide(Observation(model.state, "red"), None)]
    assert first == [MoveType.DEFENSIVE_OPERATION, MoveType.OFFER_TALKS]
    assert second == [MoveType.DEFENSIVE_OPERATION]


def test_doctrine_waits_for_the_required_confidence():
    """'if confirmed troops > 5,000': an unverified estimate does not trigger the rule."""
    model = mini_model()
    policy = _policy(model, "blue", {
        "kind": "doctrine",
        "rules": [{"name": "secondary sanctions",
                   "when": [{"var": "belief.green.troops_abroad", "op": ">", "value": 5000,
                             "confidence": "confirmed"}],
                   "then": [{"move": "impose_sanctions", "target": "green",
                             "package": "secondary"}]}]})
    assert isinstance(policy, DoctrinePolicy)
    beliefs = model.state.actors["blue"].beliefs
    beliefs[("green", "troops_abroad")] = Belief(math.log1p(20_000), 1.0, 1)  # unverified
    assert policy.decide(Observation(model.state, "blue"), None) == []
    beliefs[("green", "troops_abroad")] = Belief(math.log1p(20_000), 0.01, 9)  # confirmed
    assert [m.type for m in policy.decide(Observation(model.state, "blue"), None)] == [
        MoveType.IMPOSE_SANCTIONS]


def test_doctrine_reads_beliefs_not_the_truth():
    """Changing the hidden truth without changing beliefs changes no decision."""
    model = mini_model()
    policy = _policy(model, "blue", {
        "kind": "doctrine",
        "rules": [{"name": "react", "once": False,
                   "when": [{"var": "belief.green.troops_abroad", "op": ">", "value": 5000}],
                   "then": [{"move": "diplomatic_protest", "target": "green"}]}]})
    before = policy.decide(Observation(model.state, "blue"), None)
    model.state.actors["green"].deployed = 90_000  # the truth moves, beliefs do not
    assert policy.decide(Observation(model.state, "blue"), None) == before


def test_logit_rationality_sharpens_choice():
    """lambda = 0 is uniform; a large lambda concentrates on the best move."""
    model = mini_model()
    obs = Observation(model.state, "red")
    flat = LogitPolicy("red", 0.0, UtilityWeights(), []).choice_probabilities(obs)
    policy = LogitPolicy("red", 50.0, UtilityWeights(), [])
    sharp = policy.choice_probabilities(obs)
    probs = [p for _, p in flat]
    assert max(probs) - min(probs) < 1e-12
    best = max(policy.utility(obs, m) for m, _ in sharp)
    on_best = sum(p for m, p in sharp if policy.utility(obs, m) > best - 1e-9)
    assert on_best > 0.99
    assert all(obs.why_not(m) is None for m, _ in sharp)


def test_logit_escalation_aversion_prefers_milder_moves():
    """A very escalation-averse actor rarely picks violent moves."""
    model = mini_model()
    obs = Observation(model.state, "red")
    averse = LogitPolicy("red", 5.0, UtilityWeights(escalation_aversion=10), [])
    violent = sum(p for m, p in averse.choice_probabilities(obs)
                  if m.type in (MoveType.OFFENSIVE_OPERATION, MoveType.DEEP_STRIKE))
    assert violent < 0.01


def test_logit_policy_plays_a_whole_game(default_scenario):
    """Any actor can be switched to logit play and the game still runs deterministically."""
    policies = {a: LogitPolicy(a, 2.0, default_scenario.actor(a).utility, [])
                for a in default_scenario.actor_ids}
    a = BrinkModel(default_scenario, rng=4, turns=10, policies=policies).run()
    policies = {a_: LogitPolicy(a_, 2.0, default_scenario.actor(a_).utility, [])
                for a_ in default_scenario.actor_ids}
    b = BrinkModel(default_scenario, rng=4, turns=10, policies=policies).run()
    assert a.rows == b.rows
    assert len({m.type for m in a.move_log}) > 3


def _problems(policy: dict) -> list[tuple[tuple, str]]:
    """The loader's cross-reference problems when red plays ``policy`` in the mini scenario."""
    from engine.scenario.loader import check_references
    from tests.engine.builders import mini

    spec = POLICIES[policy["kind"]].spec.model_validate(policy)
    scenario = mini()
    return check_references(scenario.model_copy(update={"actors": [
        a.model_copy(update={"policy": spec}) if a.id == "red" else a
        for a in scenario.actors]}))


def test_each_policy_checks_its_own_references():
    """The loader hands each policy's spec to its class's check, and places what it finds."""
    bad_move = {"move": "impose_sanctions", "target": "nobody", "package": "targeted"}
    assert [p for p, _ in _problems({"kind": "scripted", "schedule": [
        {"turn": 1, "moves": [{"move": "hold"}, bad_move]}]})] == [
        ("actors", 0, "policy", "schedule", 0, "moves", 1, "target")]
    assert [p for p, _ in _problems({"kind": "logit", "candidates": [bad_move]})] == [
        ("actors", 0, "policy", "candidates", 0, "target")]
    doctrine = _problems({"kind": "doctrine", "every_turn": [bad_move], "rules": [
        {"name": "a", "when": [{"var": "self.strain", "op": ">", "value": 0,
                                "confidence": "probable"}], "then": [{"move": "hold"}]},
        {"name": "a", "when": [{"var": "blue.deployed", "op": ">", "value": 0}],
         "then": [bad_move]}]})
    assert [p for p, _ in doctrine] == [
        ("actors", 0, "policy", "rules", 0, "when", 0, "confidence"),
        ("actors", 0, "policy", "rules", 1, "name"),
        ("actors", 0, "policy", "rules", 1, "when", 0, "var"),
        ("actors", 0, "policy", "rules", 1, "then", 0, "target"),
        ("actors", 0, "policy", "every_turn", 0, "target")]
    assert "hidden from red" in doctrine[2][1]
    assert _problems({"kind": "human"}) == []


def test_a_human_team_is_played_by_its_stand_in():
    """The engine plays a human team's actor with the stand-in its class declares (futures)."""
    from engine.policies import HumanPolicy
    from engine.sim.futures import engine_policy
    from tests.engine.builders import mini

    scenario = mini()
    policy = engine_policy(scenario, "red")
    assert isinstance(policy, POLICIES[HumanPolicy.stand_in.kind])
    assert policy.rationality == HumanPolicy.stand_in.rationality
    assert policy.weights == scenario.actor("red").utility
    assert isinstance(build_policy(scenario.actor("red")), HumanPolicy)

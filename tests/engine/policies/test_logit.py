"""The logit policy charges every move what it takes from the actor (issue 16): its utility is
benefit minus cost, term by term (engine/policies/utility.py), so de-escalation is not free,
money weighs more on a strained actor, and Russia's pay moves North Korea's deployment."""

from __future__ import annotations

import pytest
from scipy import stats

from engine.moves.catalogue import CATALOGUE, MoveType, make_move
from engine.policies import LogitPolicy, Observation
from engine.policies.utility import COSTS, RESOURCES, Situation, utility, utility_terms
from engine.policies.utility import trade as trade_cut
from engine.scenario.loader import load_scenario
from engine.scenario.schema import UtilityWeights
from engine.sim.model import BrinkModel
from tests.engine.builders import mini
from tests.engine.policies.logit_world import measure
from tests.golden.golden import ROOT

WEST_LIKE = UtilityWeights(security=1.0, economy=1.2, regime=0.5, reputation=1.0,
                           escalation_aversion=1.5)


def nk_world(seed: int = 1) -> BrinkModel:
    """nk-100k at its first decision."""
    model = BrinkModel(load_scenario(ROOT / "scenarios" / "nk-100k.yaml"), rng=seed)
    model.state.turn = 1
    return model


def logit(model, actor: str, candidates=()) -> LogitPolicy:
    return LogitPolicy(actor, 2.0, model.spec.actor(actor).utility, list(candidates))


def test_every_move_type_has_a_cost_row():
    """The cost table names every move in the catalogue (a new move type without a row fails
    here), and each row spends a resource that has a price."""
    assert set(COSTS) == set(MoveType) == set(CATALOGUE)
    for move_type, costs in COSTS.items():
        for cost in costs:
            assert cost.resource in RESOURCES, (move_type, cost)
            assert cost.source, (move_type, cost.term)


def test_the_utility_is_the_sum_of_its_terms():
    """``utility_terms`` are the whole of U(m): the policy's choice reads their sum."""
    model = nk_world()
    obs = Observation(model.state, "north_korea")
    policy = logit(model, "north_korea")
    for move, _ in policy.choice_probabilities(obs):
        terms = policy.utility_terms(obs, move)
        assert {"appeal", "escalation"} <= set(terms)
        assert policy.utility(obs, move) == pytest.approx(sum(terms.values()))


def _offer_turns(actor: str, weights, seeds=range(10)) -> float:
    """The share of turns in which ``actor`` of the mini world, alone on logit (λ = 2, its
    default candidates), offers talks or a ceasefire."""
    offered = played = 0
    for seed in seeds:
        model = BrinkModel(mini(), rng=seed,
                           policies={actor: LogitPolicy(actor, 2.0, weights, [])})
        model.run()
        offered += len({m.id.split(".")[0] for m in model.move_log if m.actor == actor
                        and m.type in (MoveType.OFFER_TALKS, MoveType.OFFER_CEASEFIRE)})
        played += model.state.turn
    return offered / played


def test_a_calm_actor_does_not_offer_talks_most_turns():
    """Blue, under no pressure (threat 0) and as averse to escalation as the West, offered
    talks or a ceasefire in most turns when offers were free; now an offer stakes credibility
    and an unanswered one makes the next worth less, so it offers in well under half."""
    model = BrinkModel(mini(), rng=1)
    model.state.turn = 1
    assert Observation(model.state, "blue").threat() == 0
    assert _offer_turns("blue", WEST_LIKE) < 0.4


def test_an_unanswered_offer_makes_the_next_worth_less_until_answered():
    """After an offer of talks nobody answered, the same offer is worth less (more credibility
    at stake, less benefit); an offer of talks to the actor answers it."""
    model = nk_world()
    state = model.state
    talks = make_move("west", "offer_talks", {"target": "russia"})
    policy = logit(model, "west")
    fresh = policy.utility(Observation(state, "west"), talks)
    policy.remember(Observation(state, "west"), talks)
    state.turn = 2
    terms = policy.utility_terms(Observation(state, "west"), talks)
    assert terms["repeat"] < 0
    assert policy.utility(Observation(state, "west"), talks) < fresh
    state.news = {"west": {"offer_talks": 1}}
    assert policy.utility(Observation(state, "west"), talks) == pytest.approx(fresh)


def test_talks_concede_security_in_proportion_to_threat_and_resolve():
    """An offer of talks costs a pressed actor security (talks_concession x threat x resolve):
    nothing when calm, more under pressure, more for a resolute actor."""
    model = nk_world()
    state = model.state
    talks = make_move("ukraine", "offer_talks", {"target": "russia"})
    weights = model.spec.actor("ukraine").utility

    def concession() -> float:
        return utility_terms(Situation.of(Observation(state, "ukraine")), talks,
                             weights)["concession"]

    state.theatres["ukraine_front"].front_pressure = 0.0
    state.actors["ukraine"].beliefs.clear()
    assert concession() == 0
    state.theatres["ukraine_front"].front_pressure = 0.5  # side A (Russia) presses
    pressed = concession()
    assert pressed < 0
    state.actors["ukraine"].resolve /= 2
    assert concession() == pytest.approx(pressed / 2)


def test_a_richer_pay_raises_the_chance_north_korea_reinforces():
    """Same state, two values of Russia's pay per soldier: reinforcing earns the payroll, so
    North Korea is likelier to reinforce when Russia pays more."""
    model = nk_world()

    def p_reinforce(pay: float) -> float:
        model.state.params["pay_usd_per_soldier_month"] = pay
        probs = logit(model, "north_korea").choice_probabilities(
            Observation(model.state, "north_korea"))
        return sum(p for m, p in probs if m.type == MoveType.REINFORCE_TROOPS)

    assert p_reinforce(2500) > p_reinforce(1000) * 1.2


def test_money_costs_a_strained_actor_more():
    """The same payment is less attractive to Russia under strain than to an unstrained
    Russia: money weighs 0.5 + strain."""
    model = nk_world()
    state = model.state
    cash = make_move("russia", "pay_support",
                     {"recipient": "north_korea", "kind": "cash", "amount": 500.0})
    policy = logit(model, "russia")

    def worth(strain: float) -> tuple[float, float]:
        state.actors["russia"].strain = strain
        obs = Observation(state, "russia")
        return policy.utility(obs, cash), policy.utility_terms(obs, cash)["spend"]

    calm_u, calm_spend = worth(0.0)
    strained_u, strained_spend = worth(0.6)
    assert calm_spend < 0
    assert strained_spend < calm_spend
    assert strained_u < calm_u


def test_sanctions_cost_the_sender_its_own_trade():
    """Imposing a package costs the sender its share of the trade it cuts, as the economy rule
    reckons it: more with a higher sender_cost_share, nothing with no trade to cut."""
    model = nk_world()
    state = model.state
    on_russia = make_move("west", "impose_sanctions",
                          {"target": "russia", "package": "comprehensive"})
    on_korea = make_move("west", "impose_sanctions",
                         {"target": "north_korea", "package": "sectoral"})
    policy = logit(model, "west")

    def trade(move) -> tuple[float, float]:
        """(bn USD of its own trade the move cuts over the horizon, the term of U)"""
        obs = Observation(state, "west")
        return (trade_cut(Situation.of(obs), move),
                policy.utility_terms(obs, move)["trade"])

    cut, term = trade(on_russia)
    assert cut > 0
    assert term < 0
    assert trade(on_korea) == (0, 0)  # the West does not trade with North Korea
    state.params["sender_cost_share"] *= 2
    assert trade(on_russia)[0] == pytest.approx(2 * cut)


def test_troops_abroad_cost_their_expected_losses():
    """Reinforcing costs North Korea the stability its expected losses take, more when the
    casualty rate is higher; withdrawing the same troops spares it."""
    model = nk_world()
    state = model.state
    obs = Observation(state, "north_korea")
    reinforce = make_move("north_korea", "reinforce_troops", {"troops": 5000})
    withdraw = make_move("north_korea", "withdraw_troops", {"troops": 5000})
    weights = model.spec.actor("north_korea").utility
    low = utility_terms(Situation.of(obs), reinforce, weights)["losses"]
    assert low < 0
    assert utility_terms(Situation.of(obs), withdraw, weights)["losses"] > 0
    state.params["casualty_rate_weekly"] *= 2
    assert utility_terms(Situation.of(obs), reinforce, weights)["losses"] == pytest.approx(
        2 * low)
    assert utility(Situation.of(obs), reinforce, weights) < utility(
        Situation.of(Observation(nk_world().state, "north_korea")), reinforce, weights)


def test_in_logit_play_north_koreas_deployment_rises_with_russias_pay():
    """nk-100k with every actor on logit, parameters sampled: North Korea's troops abroad at
    the end rise with Russia's pay (rank correlation, one-sided), and no actor offers talks in
    most of its turns."""
    out = measure(200, seed=1)
    rho, p_value = stats.spearmanr(out["pay"], out["abroad"])
    assert rho > 0
    assert p_value / 2 < 0.01, (rho, p_value)
    for actor in out["actors"]:
        assert out["talks"].get(actor, 0) / (out["runs"] * out["turns"]) < 0.5, actor

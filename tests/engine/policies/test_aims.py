"""Actors that decide (issue 16): a doctrine's aims steer a stock each turn towards what the
actor wants now, and decision thresholds and appetites are parameters of the scenario that a
batch samples.

Green (the mini world's expeditionary actor, its rail carrying 3,000 troops a turn) aims at an
appetite, weighed by what it reads.
"""

from __future__ import annotations

import copy

import pytest
from scipy import stats

from engine.batch.sampling import sample, uncertainties
from engine.scenario.loader import check_references, load_scenario
from engine.scenario.schema import Scenario
from engine.sim.model import BrinkModel
from tests.engine.builders import BASE
from tests.golden.golden import ROOT


def aiming(appetite=20_000, terms=(), step=5_000, parameters=None, lower=True) -> Scenario:
    data = copy.deepcopy(BASE)
    green = next(a for a in data["actors"] if a["id"] == "green")
    aim = {"name": "the deployment Green wants", "steer": "self.troops_committed",
           "appetite": appetite, "step": step, "terms": list(terms),
           "raise_with": [{"move": "deploy_troops", "route": "rail"},
                          {"move": "reinforce_troops", "route": "rail"}]}
    if lower:
        aim["lower_with"] = [{"move": "withdraw_troops", "route": "rail"}]
    green["policy"] = {"kind": "doctrine", "aims": [aim]}
    if parameters:
        data["parameters"] = parameters
    scenario = Scenario.model_validate(data)
    problems = check_references(scenario)
    if problems:
        raise ValueError("; ".join(f"{'.'.join(map(str, path))}: {msg}"
                                   for path, msg in problems))
    return scenario


def played(scenario: Scenario, turns: int, **kwargs) -> BrinkModel:
    model = BrinkModel(scenario, rng=1, **kwargs)
    for _ in range(turns):
        model.step()
    return model


def test_an_aim_commits_up_to_the_appetite_counting_the_troops_still_waiting():
    """The rail carries 3,000 a turn, the aim orders 5,000: troops queue at home. They count
    as committed, so Green orders 20,000 in all, not 5,000 every turn for ever."""
    model = played(aiming(), 12)
    green = model.state.actors["green"]
    ordered = sum(int(m.params["troops"]) for m in model.move_log if m.actor == "green")
    assert ordered == 20_000
    assert green.troops_committed + green.casualties == 20_000
    first = next(m for m in model.move_log if m.actor == "green")
    assert first.params["troops"] == 5_000  # a step at most


def test_an_aim_weighs_what_it_reads():
    """A term that reads the turn lowers the share wanted as time goes on (by a tenth a turn
    after turn 2): Green commits less, and pulls troops back once it wants fewer than it has."""
    wanes = [{"var": "turn", "ref": 2, "weight": -0.1}]
    model = played(aiming(terms=wanes), 14)
    assert [m.type.value for m in model.move_log if m.actor == "green"].count(
        "withdraw_troops") >= 1
    steady = played(aiming(), 14)
    assert (model.state.actors["green"].troops_committed
            < steady.state.actors["green"].troops_committed)


def test_an_appetite_and_a_threshold_can_be_parameters_of_the_scenario():
    """The appetite names a parameter of the scenario's own: the game reads its value, and a
    batch's value for it (``parameters=``) changes what Green commits."""
    own = {"green_appetite": {"value": 9_000, "unit": "troops", "low": 0, "high": 60_000,
                              "source": "assumed",
                              "uncertainty": {"distribution": "uniform", "low": 0,
                                              "high": 60_000}}}
    scenario = aiming(appetite="green_appetite", parameters=own)
    assert played(scenario, 10).state.actors["green"].troops_committed <= 9_000
    more = played(scenario, 10, parameters={"green_appetite": 30_000})
    assert more.state.actors["green"].troops_committed > 9_000
    assert [u.name for u in uncertainties(scenario)] == ["green_appetite"]


@pytest.mark.parametrize(("parameters", "appetite", "message"), [
    ({"green_appetite": {"value": 9_000, "source": "assumed"}}, "green_appetite",
     "gives its plausible range: low and high"),
    ({"green_appetite": {"value": 90_000, "low": 0, "high": 60_000, "source": "assumed"}},
     "green_appetite", "90000 is out of the plausible range 0..60000"),
    ({"casualty_rate_weekly": {"value": 0.02, "low": 0, "high": 1, "source": "x"}}, 20_000,
     "is a model parameter: its plausible range is"),
    (None, "no_such_parameter", "unknown parameter 'no_such_parameter'"),
])
def test_a_parameter_of_the_scenarios_own_is_checked(parameters, appetite, message):
    with pytest.raises(ValueError, match=message):
        aiming(appetite=appetite, parameters=parameters)


def test_a_parameter_an_actor_owns_is_hidden_from_the_others():
    """Green's appetite is Green's private judgement: Green's aim reads it; Blue's doctrine
    may not (as a condition's value or as param.<name>)."""
    own = {"green_appetite": {"value": 9_000, "low": 0, "high": 60_000, "source": "assumed",
                              "owner": "green"}}
    assert aiming(appetite="green_appetite", parameters=own)
    data = copy.deepcopy(BASE)
    blue = next(a for a in data["actors"] if a["id"] == "blue")
    blue["policy"] = {"kind": "doctrine", "rules": [
        {"name": "peek", "when": [{"var": "param.green_appetite", "op": ">", "value": 0},
                                  {"var": "turn", "op": ">", "value": "green_appetite"}],
         "then": [{"move": "hold"}]}]}
    data["parameters"] = own
    problems = [msg for _path, msg in check_references(Scenario.model_validate(data))]
    assert problems.count("'green_appetite' is green's own parameter, hidden from blue") == 2
    data["parameters"]["green_appetite"]["owner"] = "nobody"
    problems = [msg for _path, msg in check_references(Scenario.model_validate(data))]
    assert "unknown actor 'nobody'" in problems


def test_an_aims_paths_and_moves_are_checked():
    with pytest.raises(ValueError, match="unknown actor variable 'no_such_stock'"):
        aiming(terms=[{"var": "self.no_such_stock", "weight": 1}])
    with pytest.raises(ValueError, match=r"blue\.troops_committed' is hidden from green"):
        aiming(terms=[{"var": "blue.troops_committed", "weight": 1}])
    with pytest.raises(ValueError, match="between 100 and 200,000"):
        aiming(step=300_000)


def test_a_doctrine_threshold_can_be_a_parameter():
    """The condition's value names a parameter: the rule fires from the turn the parameter
    says, and a batch's value moves it."""
    data = copy.deepcopy(BASE)
    blue = next(a for a in data["actors"] if a["id"] == "blue")
    blue["policy"] = {"kind": "doctrine", "rules": [
        {"name": "sanction Green late", "when": [{"var": "turn", "op": ">=",
                                                   "value": "blue_patience"}],
         "then": [{"move": "impose_sanctions", "target": "green", "package": "targeted"}]}]}
    data["parameters"] = {"blue_patience": {"value": 5, "low": 1, "high": 20,
                                            "source": "assumed"}}
    scenario = Scenario.model_validate(data)
    assert check_references(scenario) == []

    def first_sanction(**kwargs):
        model = played(scenario, 12, **kwargs)
        return next(int(m.id.split(".")[0][1:]) for m in model.move_log
                    if m.type.value == "impose_sanctions")

    assert first_sanction() == 5
    assert first_sanction(parameters={"blue_patience": 9}) == 9


def test_north_koreas_deployment_is_a_real_probability_that_rises_with_russias_pay():
    """Issue 16, measure 2: over runs that sample nk-100k's uncertain parameters, P(North
    Korean troops abroad >= 50,000 at the end) is neither ~0 nor ~1, and the deployment rises
    with Russia's pay per soldier (rank correlation, one-sided)."""
    scenario = load_scenario(ROOT / "scenarios" / "nk-100k.yaml")
    params = uncertainties(scenario)
    design = sample("lhs", params, 240, seed=11)
    abroad, pay = [], []
    for i in range(240):
        values = {p.name: float(design[p.name][i]) for p in params}
        model = BrinkModel(scenario, rng=i, parameters=values, record=False).run()
        abroad.append(model.state.actors["north_korea"].troops_abroad)
        pay.append(values["pay_usd_per_soldier_month"])
    share = sum(a >= 50_000 for a in abroad) / len(abroad)
    assert 0.05 < share < 0.95, share
    rho, p_value = stats.spearmanr(pay, abroad)
    assert rho > 0
    assert p_value / 2 < 0.01, (rho, p_value)

"""Actors that react to each other (issue 16): what was done to an actor last turn is news it
can read (``news.<move>``), and a doctrine rule may fire with a chance (a reaction's strength,
a parameter a batch samples), so reactions differ from run to run."""

from __future__ import annotations

import copy
from collections import Counter

import pytest

from engine.batch.sampling import sample, uncertainties
from engine.scenario.loader import check_references, load_scenario
from engine.scenario.schema import Scenario
from engine.sim.model import BrinkModel
from tests.engine.builders import BASE
from tests.engine.moves.contracts import move, start
from tests.golden.golden import ROOT


def test_news_counts_the_moves_that_named_an_actor_last_turn():
    """Blue sanctions Green and interdicts Green's rail; Red ships shells to Green (covert, but
    Green is party to it); Green's news next turn counts each once, and nobody's news counts
    its own moves."""
    model = start()
    model.submit("blue", [move("blue", "impose_sanctions", target="green", package="targeted"),
                          move("blue", "interdict", route="rail")])
    model.submit("red", [move("red", "transfer_munitions", recipient="green", shells=1000)])
    model.step()
    assert model.state.news["green"] == {"impose_sanctions": 1, "interdict": 1,
                                         "transfer_munitions": 1}
    assert "blue" not in model.state.news
    model.step()  # a turn with no moves: the news is the last turn's only
    assert model.state.news == {}


def test_a_move_that_names_nobody_is_nobodys_news():
    model = start()
    model.submit("green", [move("green", "deploy_troops", troops=5_000)])  # covert, no target
    model.step()
    assert model.state.news == {}


def reacting(chance) -> Scenario:
    """Blue sanctions Green in turn 1; Green answers by protesting, with ``chance``, in every
    turn it has news of sanctions... and Blue protests Green every turn, so there is news."""
    data = copy.deepcopy(BASE)
    blue = next(a for a in data["actors"] if a["id"] == "blue")
    green = next(a for a in data["actors"] if a["id"] == "green")
    blue["policy"] = {"kind": "doctrine", "every_turn": [
        {"move": "diplomatic_protest", "target": "green"}]}
    green["policy"] = {"kind": "doctrine", "rules": [
        {"name": "answer a protest", "once": False, "chance": chance,
         "when": [{"var": "news.diplomatic_protest", "op": ">", "value": 0}],
         "then": [{"move": "diplomatic_protest", "target": "blue"}]}]}
    data["parameters"] = {"green_temper": {"value": 0.5, "low": 0, "high": 1,
                                           "source": "assumed"}}
    scenario = Scenario.model_validate(data)
    assert check_references(scenario) == []
    return scenario


def answers(scenario, seed=1, turns=20, **kwargs) -> list[int]:
    model = BrinkModel(scenario, rng=seed, **kwargs)
    for _ in range(turns):
        model.step()
    return [int(m.id.split(".")[0][1:]) for m in model.move_log if m.actor == "green"]


@pytest.mark.parametrize(("chance", "low", "high"), [
    (0.0, 0, 0), (1.0, 19, 19), ("green_temper", 5, 15)])
def test_a_reaction_fires_with_its_chance(chance, low, high):
    """Turn 1 brings the first news, so Green can answer in turns 2..20 (19 turns): never,
    always, or about half the time (binomial, 19 x 0.5, well inside 5..15)."""
    fired = answers(reacting(chance))
    assert low <= len(fired) <= high, fired
    assert all(t >= 2 for t in fired)


def test_a_reactions_chance_is_deterministic_and_a_batch_can_change_it():
    scenario = reacting("green_temper")
    assert answers(scenario, seed=4) == answers(scenario, seed=4)
    assert len(answers(scenario, parameters={"green_temper": 0.95})) > len(
        answers(scenario, parameters={"green_temper": 0.05}))


def test_a_reaction_reads_only_known_moves_and_parameters():
    data = copy.deepcopy(BASE)
    green = next(a for a in data["actors"] if a["id"] == "green")
    green["policy"] = {"kind": "doctrine", "rules": [
        {"name": "r", "chance": "no_such_parameter",
         "when": [{"var": "news.no_such_move", "op": ">", "value": 0}],
         "then": [{"move": "hold"}]}]}
    problems = [msg for _path, msg in check_references(Scenario.model_validate(data))]
    assert any("unknown move 'no_such_move'" in m for m in problems), problems
    assert any("unknown parameter 'no_such_parameter'" in m for m in problems), problems
    bad = copy.deepcopy(data)
    bad["actors"][2]["policy"]["rules"][0]["chance"] = 1.5
    with pytest.raises(ValueError, match="chance must be between 0 and 1"):
        Scenario.model_validate(bad)


def test_in_nk_100k_the_actors_no_longer_follow_one_script():
    """Issue 16 found 15 of 18 actor-move pairs in every run of nk-100k. Over 30 runs that
    sample its uncertain parameters, Russia answers the West's sanctions in some runs and not
    in others, Ukraine's deep strikes come in some runs and not in others, and a smaller share
    of the pairs than the review's 15 of 18 happens in every run (the rest are moves the
    scenario makes every turn by design: the war's offensives, mobilisation)."""
    scenario = load_scenario(ROOT / "scenarios" / "nk-100k.yaml")
    params = uncertainties(scenario)
    design = sample("lhs", params, 30, seed=5)
    seen = Counter()
    for i in range(30):
        model = BrinkModel(scenario, rng=i, record=False,
                           parameters={p.name: float(design[p.name][i]) for p in params}).run()
        seen.update({(m.actor, m.type.value) for m in model.move_log})
    assert 0 < seen[("russia", "impose_sanctions")] < 30
    assert 0 < seen[("ukraine", "deep_strike")] < 30
    always = [pair for pair, n in seen.items() if n == 30]
    assert len(always) / len(seen) < 15 / 18, always

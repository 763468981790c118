"""One game state (issue 15): everything needed to continue a game is one value, and a game
built from it goes on exactly as the original would have."""

from __future__ import annotations

import pickle

import pytest

from engine.core.state import GameState
from engine.sim.model import BrinkModel
from tests.conftest import SCENARIOS

CASES = ["nk-100k.yaml", "lessons/do-sanctions-work.yaml", "sanctions-china-channel.yaml"]


def _later_rows(model: BrinkModel, after: int) -> list[tuple]:
    return [r for r in model.rows if r[0] > after]


@pytest.mark.parametrize("name", CASES)
def test_a_game_continued_from_its_state_goes_on_exactly_as_the_original(name):
    from engine.scenario.loader import load_scenario

    scenario = load_scenario(SCENARIOS / name)
    original = BrinkModel(scenario, rng=11)
    for _ in range(6):
        original.step()
    game = pickle.loads(pickle.dumps(original.game_state()))  # a value: it survives pickling
    assert isinstance(game, GameState)
    continued = BrinkModel(scenario, game=game)
    original.run()
    continued.run()
    assert continued.state == original.state
    assert continued.summary() == original.summary()
    assert continued.rows == _later_rows(original, 6)
    assert [(m.id, m.params) for m in continued.move_log] == [
        (m.id, m.params) for m in original.move_log if int(m.id.split(".")[0][1:]) > 6]
    fired = {a.actor_id: getattr(a.policy, "fired", None) for a in original.agents}
    assert {a.actor_id: getattr(a.policy, "fired", None) for a in continued.agents} == fired


def test_the_state_taken_from_a_model_shares_nothing_with_it():
    from engine.scenario.loader import load_scenario

    scenario = load_scenario(SCENARIOS / "nk-100k.yaml")
    model = BrinkModel(scenario, rng=3, turns=8)
    model.step()
    game = model.game_state()
    before = pickle.dumps(game)
    model.run()
    assert pickle.dumps(game) == before
    assert game.world.memo == {}


def test_a_new_seed_makes_a_new_future_from_the_same_state():
    from engine.scenario.loader import load_scenario

    scenario = load_scenario(SCENARIOS / "nk-100k.yaml")
    model = BrinkModel(scenario, rng=3)
    for _ in range(4):
        model.step()
    game = model.game_state()
    a = BrinkModel(scenario, rng=100, game=pickle.loads(pickle.dumps(game))).run()
    b = BrinkModel(scenario, rng=100, game=pickle.loads(pickle.dumps(game))).run()
    c = BrinkModel(scenario, rng=101, game=pickle.loads(pickle.dumps(game))).run()
    assert a.state == b.state
    assert a.state != c.state

"""The default scenario plays end to end."""

from engine.sim.model import BrinkModel


def test_default_scenario_plays_all_turns(default_scenario):
    """A full run reaches the last turn and records every turn."""
    model = BrinkModel(default_scenario, rng=7).run()
    assert model.state.turn == default_scenario.clock.turns
    assert sorted(model.frame()["turn"].unique()) == list(range(default_scenario.clock.turns + 1))

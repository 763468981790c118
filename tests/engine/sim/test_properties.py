"""Invariants under random parameters, seeds and moves (hypothesis)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.policies import HumanPolicy
from engine.scenario.loader import load_scenario
from engine.sim.conformance import violations
from engine.sim.model import BrinkModel
from tests.conftest import DEFAULT_SCENARIO
from tests.engine.builders import mini
from tests.engine.strategies import moves_for, parameter_overrides

SCENARIOS = {"mini": mini(), "default": load_scenario(DEFAULT_SCENARIO)}


def check_invariants(model) -> None:
    """The one list of invariants (engine/sim/conformance.py INVARIANTS) holds."""
    broken = violations(model.state)
    assert not broken, "\n".join(f"turn {model.state.turn}: {v}" for v in broken)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), which=st.sampled_from(sorted(SCENARIOS)), seed=st.integers(0, 2**32),
       params=parameter_overrides())
def test_invariants_hold_under_random_play(data, which, seed, params):
    """No negative stocks, bounded indices, escalation on the ladder, troops conserved."""
    scenario = SCENARIOS[which]
    human = data.draw(st.sampled_from(scenario.actor_ids))
    model = BrinkModel(scenario, rng=seed, parameters=params, turns=8,
                       policies={human: HumanPolicy(human)})
    check_invariants(model)
    for _ in range(8):
        moves = data.draw(st.lists(moves_for(model.state, human), max_size=3))
        model.submit(human, moves)
        model.step()
        check_invariants(model)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_same_seed_same_result_for_any_seed(seed):
    """Determinism holds for every seed, not just the ones in other tests."""
    a = BrinkModel(SCENARIOS["default"], rng=seed, turns=6).run()
    b = BrinkModel(SCENARIOS["default"], rng=seed, turns=6).run()
    assert a.rows == b.rows
    assert a.log.entries == b.log.entries

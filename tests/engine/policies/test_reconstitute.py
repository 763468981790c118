"""North Korea pulls battered units off the line and sends them back once rested (issue 16).

The rules are nk-100k's own, read from the shipped file, played by Green in the mini world
(tests/engine/builders.py): 10,000 troops at the front, worn down (readiness 0.45), in a war
whose weekly casualty rate the test sets, with North Korea's threshold of heavy losses
(nk_heavy_losses) made Green's own parameter.
"""

from __future__ import annotations

import copy
from functools import cache

from engine.moves.catalogue import MoveType
from engine.scenario.loader import check_references, load_scenario
from engine.scenario.schema import Scenario
from engine.sim.model import BrinkModel
from tests.engine.builders import BASE
from tests.golden.golden import ROOT

RULES = ("pull battered units off the line", "send rested units back to the front")


@cache
def nk_100k() -> Scenario:
    return load_scenario(ROOT / "scenarios" / "nk-100k.yaml")


def battered(heavy_losses: float, casualty_rate: float = 0.04, readiness: float = 0.45,
             turns: int = 20) -> BrinkModel:
    """The mini world with Green playing North Korea's reconstitution rules, ``turns`` played."""
    nk = nk_100k()
    rules = [r.model_dump(mode="json", exclude_none=True) for r in nk.actor("north_korea")
             .policy.rules if r.name in RULES]
    assert [r["name"] for r in rules] == list(RULES)
    threshold = nk.parameters["nk_heavy_losses"].model_dump(mode="json", exclude_none=True)
    data = copy.deepcopy(BASE)
    green = next(a for a in data["actors"] if a["id"] == "green")
    green["military"].update(deployed=10_000, readiness=readiness)
    green["policy"] = {"kind": "doctrine", "rules": rules}
    data["parameters"] = {
        "nk_heavy_losses": {**threshold, "owner": "green", "value": heavy_losses},
        "casualty_rate_weekly": {"value": casualty_rate, "source": "test"},
    }
    scenario = Scenario.model_validate(data)
    assert not check_references(scenario)
    model = BrinkModel(scenario, rng=1)
    for _ in range(turns):
        model.step()
    return model


def _turns(model: BrinkModel, move: MoveType) -> list[int]:
    return [int(m.id[1:].split(".")[0]) for m in model.move_log
            if m.actor == "green" and m.type is move]


def test_heavy_losses_pull_the_worn_down_contingent_off_the_line_until_it_is_rested():
    """Losses above the threshold in turn 1 (about 1.8% of the front a week, against 1%): in
    turn 2 Green pulls all its troops back; off the line they lose nobody while their
    readiness climbs 0.05 a week from 0.45 to 0.8; then they go back, in turn 9."""
    model = battered(heavy_losses=0.01)
    assert _turns(model, MoveType.PULL_BACK_TROOPS)[0] == 2
    assert _turns(model, MoveType.RETURN_TO_FRONT)[0] == 9
    log = [(e.turn, e.var, e.after) for e in model.log.entries if e.target == "green"]
    assert not [t for t, var, _ in log if var == "killed" and 2 < t < 9]
    rested = [after for t, var, after in log if var == "reserve_readiness" and t == 8]
    assert rested
    assert rested[-1] >= 0.8


def test_losses_below_north_koreas_threshold_keep_the_troops_in_the_line():
    """The same war, but North Korea would call only 3% a week heavy: nobody is pulled back."""
    model = battered(heavy_losses=0.03)
    assert _turns(model, MoveType.PULL_BACK_TROOPS) == []
    assert model.state.actors["green"].reserve == 0


def test_fresh_troops_stay_in_the_line_whatever_the_losses():
    """Troops not yet worn down (readiness 0.7) stay in the line even when losses are heavy."""
    model = battered(heavy_losses=0.01, readiness=0.7, turns=5)
    assert _turns(model, MoveType.PULL_BACK_TROOPS) == []


def test_in_nk_100k_heavy_losses_are_north_koreas_uncertain_judgement():
    """The threshold belongs to North Korea (no other actor's doctrine may read it) and a batch
    draws it."""
    p = nk_100k().parameters["nk_heavy_losses"]
    assert p.owner == "north_korea"
    assert p.uncertainty is not None
    assert p.uncertainty.low < p.value < p.uncertainty.high

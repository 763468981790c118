"""The move catalogue: one table, complete, and every invalid move refused with a reason."""

import pytest

from engine.moves.catalogue import CATALOGUE, Category, MoveType, Visibility, make_move, validate
from engine.sim.model import BrinkModel

DESIGN_MOVES = {
    "deploy_troops", "reinforce_troops", "rotate_troops", "withdraw_troops",
    "transfer_munitions", "pay_support", "impose_sanctions", "tighten_sanctions",
    "lift_sanctions", "enforce_sanctions", "interdict", "military_aid", "diplomatic_protest",
    "un_action", "disclose_intelligence", "deny_conceal", "offensive_operation",
    "defensive_operation", "deep_strike", "nuclear_signalling", "offer_talks",
    "offer_ceasefire", "hold",
}


@pytest.fixture
def state(default_scenario):
    return BrinkModel(default_scenario, rng=1).state


def test_catalogue_holds_every_design_move():
    """Every move type the design names is in the one table."""
    assert {t.value for t in MoveType} >= DESIGN_MOVES
    assert set(CATALOGUE) == set(MoveType)


@pytest.mark.parametrize("move_type", list(MoveType), ids=lambda t: t.value)
def test_each_row_is_complete(move_type):
    """Each row has a label, visibility, category with Rivera points, and an effect."""
    spec = CATALOGUE[move_type]
    assert spec.label
    assert spec.effect_text
    assert isinstance(spec.visibility, Visibility)
    assert spec.points == int(spec.category)
    assert spec.category in Category
    assert callable(spec.effect)
    for p in spec.params:
        if p.kind in ("int", "float"):
            assert p.low is not None
            assert p.high is not None
            assert p.low <= p.high


def test_category_points_follow_rivera():
    """The escalation points are Rivera et al.'s exponential classes."""
    assert [c.value for c in Category] == [-2, 0, 4, 12, 28, 60]


@pytest.mark.parametrize(("actor", "name", "params", "reason"), [
    ("ukraine", "impose_sanctions", {"target": "russia", "package": "sectoral"},
     "needs the 'sanctioner' capability"),
    ("west", "deploy_troops", {"troops": 1000}, "capability"),
    ("west", "impose_sanctions", {"target": "russia", "package": "total"}, "must be one of"),
    ("west", "impose_sanctions", {"target": "mars", "package": "sectoral"}, "unknown actor"),
    ("north_korea", "reinforce_troops", {"troops": 5_000_000},
     "between 100 and 200,000, got 5,000,000"),
    ("north_korea", "reinforce_troops", {"troops": "many"}, "must be a number"),
    ("north_korea", "reinforce_troops", {"troops": 1500.5}, "whole number"),
    ("north_korea", "reinforce_troops", {"troops": 1000, "speed": 2}, "unknown parameter"),
    ("north_korea", "transfer_munitions", {"recipient": "russia"}, "needs parameter 'shells'"),
    ("north_korea", "withdraw_troops", {"troops": 50_000}, "not enough troops at the front"),
    ("north_korea", "deploy_troops", {"troops": 1000}, "already sent troops abroad"),
    ("west", "impose_sanctions", {"target": "russia", "package": "sectoral"},
     "already in force (tighten or enforce it instead)"),
    ("west", "lift_sanctions", {"target": "ukraine", "package": "targeted"},
     "no sanctions in force on Ukraine"),
    ("west", "lift_sanctions", {"target": "russia", "package": "targeted"},
     "no targeted package in force on Russia"),
    ("west", "impose_sanctions", {"target": "west", "package": "targeted"}, "the actor itself"),
    ("russia", "nuclear_use", {}, "below rung 15"),
    ("russia", "pay_support", {"recipient": "north_korea", "kind": "food", "amount": 1500},
     "outside the range for food support (cash: 0 to 2,000; oil: 0 to 2,000; food: 0 to 200;"),
    ("russia", "pay_support", {"recipient": "north_korea", "kind": "cash", "amount": 2500},
     "between 0 and 2,000"),
    ("russia", "interdict", {"route": "russia_rail"}, "that route is its own"),
    ("north_korea", "reinforce_troops", {"troops": 1000, "route": "russia_rail"},
     "does not belong"),
    ("west", "disclose_intelligence", {"about": "ukraine"}, "no estimate about"),
])
def test_invalid_moves_are_refused_with_a_reason(state, actor, name, params, reason):
    """Wrong actor, out of bounds, unaffordable or precondition unmet: a reason, no effect."""
    move = make_move(actor, name, params)
    why = validate(state, move)
    assert why is not None
    assert reason in why


def test_unaffordable_cash_is_refused(state):
    """Paying more cash per turn than the reserves hold is refused."""
    state.actors["russia"].reserves = 0.1  # bn USD
    why = validate(state, make_move("russia", "pay_support", {
        "recipient": "north_korea", "kind": "cash", "amount": 500}))
    assert "reserves do not cover a turn of that cash" in why


def test_valid_moves_pass(state):
    """A sample of legal moves validates."""
    for move in (make_move("west", "tighten_sanctions", {"target": "russia"}),
                 make_move("north_korea", "reinforce_troops", {"troops": 5000}),
                 make_move("russia", "offensive_operation", {"intensity": 0.9}),
                 make_move("ukraine", "offer_ceasefire"),
                 make_move("west", "disclose_intelligence", {"about": "north_korea"}),
                 make_move("west", "interdict", {"route": "sea_rajin_vladivostok"})):
        assert validate(state, move) is None, move


def test_rejected_move_changes_nothing(default_scenario):
    """A refused move is never silently applied, even in part."""
    model = BrinkModel(default_scenario, rng=1)
    before = model.state.copy()
    assert model.check(make_move("north_korea", "withdraw_troops", {"troops": 90_000}))
    assert model.state.actors["north_korea"] == before.actors["north_korea"]

"""Helpers for the per-move contract tests (tests/engine/moves/test_contracts.py).

A contract is a short transcript: the state before (the contract world plus a few explicit
edits), the move, and the changes the move phase of the turn must log. ``play`` runs one real
turn of ``BrinkModel`` (validation, the catalogue's effect, the rules, the causal log), so a
contract checks the path every game takes, not a copy of it.

The mutations at the bottom break one move at a time, for the meta-tests that make sure the
contracts bite.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from typing import Any

from engine.core.causal import MOVE, Cause, Change
from engine.core.state import WorldState
from engine.moves.catalogue import Effect, Move, make_move
from engine.scenario.loader import check_references
from engine.scenario.schema import Scenario
from engine.sim.model import BrinkModel
from tests.engine.builders import BASE


@cache
def contract_scenario() -> Scenario:
    """The builders' mini world, with every capability some move needs and a fourth actor.

    Red (belligerent, patron, sanctioner, arms supplier, nuclear) and Green (expeditionary, with
    the only route, "rail") are allies on side A of the theatre "front"; Blue (belligerent,
    sanctioner, naval) holds side B; White (a sanctioner, no forces abroad, no theatre) is
    Blue's ally. Every actor is played by a human, so nothing moves unless a test submits it.
    """
    data = copy.deepcopy(BASE)
    data["id"] = "contracts"
    red = next(a for a in data["actors"] if a["id"] == "red")
    red["capabilities"] += ["arms_supplier", "nuclear"]
    data["actors"].append(
        {"id": "white", "name": "White", "capabilities": ["sanctioner"],
         "economy": {"gdp_bn": 50, "trend_growth_pct": 2.0, "reserves_bn": 5},
         "military": {"forces_home": 10000},
         "policy": {"kind": "human"}})
    data["relations"]["alliances"].append({"name": "club", "members": ["blue", "white"]})
    scenario = Scenario.model_validate(data)
    problems = check_references(scenario)
    assert not problems, problems
    return scenario


Given = dict[str, dict[str, Any]]  # target ("red", "world", "theatre:front", ...) -> var -> value


def start(given: Given | None = None, seed: int = 1) -> BrinkModel:
    """A fresh contract world at turn 0 with the ``given`` edits made to its state."""
    model = BrinkModel(contract_scenario(), rng=seed)
    for target, values in (given or {}).items():
        obj = model.state.resolve(target)
        for var, value in values.items():
            setattr(obj, var, value)
    return model


def move(actor: str, name: str, **params) -> Move:
    """A move as a team would submit it, with the catalogue's defaults filled in."""
    return make_move(actor, name, params, source="human")


@dataclass(frozen=True)
class Turn:
    """One turn played in the contract world, read back from the model's own records."""

    model: BrinkModel

    @property
    def state(self) -> WorldState:
        return self.model.state

    def logged(self, phase: str) -> dict[tuple[str, str], Any]:
        """``(target, var) -> value after`` for every change the causal log holds for
        ``phase`` this turn (a change that alters nothing is not logged)."""
        return {(e.target, e.var): e.after for e in self.model.log.entries
                if e.turn == self.state.turn and e.phase == phase}

    @property
    def changes(self) -> dict[tuple[str, str], Any]:
        """What the moves changed: the move phase of the causal log."""
        return self.logged("moves")

    def before(self, target: str, var: str) -> Any:
        """The value ``target.var`` had when the move phase first changed it."""
        return next(e.before for e in self.model.log.entries
                    if e.turn == self.state.turn and e.phase == "moves"
                    and (e.target, e.var) == (target, var))

    def points(self, actor: str) -> float:
        """The escalation points ``actor``'s moves scored this turn."""
        return self.state.actors[actor].escalation_points

    @property
    def covert_weight(self) -> float:
        return self.state.params["covert_points_weight"]

    @property
    def made(self) -> list[Move]:
        """The moves the model accepted this turn."""
        return [m for m in self.model.move_log if m.id.startswith(f"t{self.state.turn}.")]

    def events(self, kind: str) -> list[str]:
        return [e["text"] for e in self.model.events
                if e["turn"] == self.state.turn and e["kind"] == kind]


def play(*moves: Move, given: Given | None = None, seed: int = 1) -> Turn:
    """Submit ``moves`` in the contract world (edited by ``given``) and play one turn."""
    model = start(given, seed)
    by_actor: dict[str, list[Move]] = {}
    for m in moves:
        by_actor.setdefault(m.actor, []).append(m)
    for actor, submitted in by_actor.items():
        model.submit(actor, submitted)
    model.step()
    return Turn(model)


# --- mutations: ways to break one move, for the meta-tests --------------------------------------


def does_nothing(state: WorldState, move: Move) -> list[Change]:
    """The effect made a no-op: what the issue did to enforce_sanctions and diplomatic_protest."""
    return []


def reversed_changes(effect: Effect) -> Effect:
    """The effect with the sign of every numeric change flipped: ``before + d`` becomes
    ``before - d`` (standing orders, flags and beliefs are left as they are)."""
    def mutant(state: WorldState, move: Move) -> list[Change]:
        out = []
        for target, var, value, cause in effect(state, move):
            if isinstance(value, int | float) and not isinstance(value, bool):
                value = 2 * getattr(state.resolve(target), var) - value
            out.append((target, var, value, cause))
        return out
    return mutant


def misdirected(effect: Effect) -> Effect:
    """The effect aimed at the wrong actor: a change to an actor lands on another one (the first
    that is neither it nor the mover), and a sanction or transfer the move adds or alters names
    another target or recipient."""
    def mutant(state: WorldState, move: Move) -> list[Change]:
        def other(actor_id: str) -> str:
            return next(a for a in state.actors if a not in (actor_id, move.actor))

        out = []
        for target, var, value, cause in effect(state, move):
            if target in state.actors:
                target = other(target)
            elif var in ("sanctions", "transfers"):
                field = "target" if var == "sanctions" else "recipient"
                old = set(getattr(state, var))
                value = tuple(x if x in old else x._replace(**{field: other(getattr(x, field))})
                              for x in value)
            out.append((target, var, value, cause))
        return out
    return mutant


def does_something(state: WorldState, move: Move) -> list[Change]:
    """For hold, the one move whose contract is to change nothing: an effect that does
    something (the mover's credibility falls by 0.02, as a protest against itself would)."""
    me = state.actors[move.actor]
    return [(me.id, "credibility", me.credibility - 0.02, Cause(MOVE, move.id, None))]

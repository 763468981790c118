"""The scripted policy (``kind: scripted``): a move schedule from YAML, turn -> moves. It is
also what replays a recorded move log (engine/sim/model.py ``replay_policies``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from engine.moves.catalogue import Move
from engine.policies.base import Classifier, Policy, PolicySpec, order_to_move
from engine.scenario.spec_base import MoveOrder, Strict


class ScriptedTurn(Strict):
    turn: int = Field(ge=1)
    moves: list[MoveOrder]


class ScriptedSpec(PolicySpec):
    """A fixed schedule: turn -> moves."""

    kind: Literal["scripted"]
    schedule: list[ScriptedTurn] = Field(default_factory=list)


class ScriptedPolicy(Policy):
    spec = ScriptedSpec
    classifier = Classifier(stochastic=False, reads_state=False, reads_beliefs=False,
                            uses_utilities=False, memory_depth=0)

    def __init__(self, actor_id: str, schedule: dict[int, list[Move]]):
        super().__init__(actor_id)
        self.schedule = schedule

    @classmethod
    def from_spec(cls, actor_spec) -> ScriptedPolicy:
        schedule: dict[int, list[Move]] = {}
        for turn in actor_spec.policy.schedule:
            schedule.setdefault(turn.turn, []).extend(
                order_to_move(actor_spec.id, o, "policy") for o in turn.moves)
        return cls(actor_spec.id, schedule)

    @classmethod
    def check(cls, spec, refs):
        return [problem for k, turn in enumerate(spec.schedule)
                for m, order in enumerate(turn.moves)
                for problem in refs.order(("schedule", k, "moves", m), order)]

    def decide(self, obs, rng):
        return list(self.schedule.get(obs.turn, []))

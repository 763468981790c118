"""The human policy (``kind: human``): a team plays the actor, and its moves are supplied from
outside, one turn at a time (the tabletop app, tests). The engine plays a logit choice in its
place where it must play every actor (``stand_in``)."""

from __future__ import annotations

from typing import Literal

from engine.moves.catalogue import Move
from engine.policies.base import Classifier, Policy, PolicySpec
from engine.policies.logit import LogitSpec


class HumanSpec(PolicySpec):
    """A team plays this actor: its moves are submitted from outside, turn by turn."""

    kind: Literal["human"]


class HumanPolicy(Policy):
    spec = HumanSpec
    classifier = Classifier(stochastic=False, reads_state=False, reads_beliefs=False,
                            uses_utilities=False, memory_depth=0, external=True)
    # The engine must be able to play every actor (the futures of "What happens from here?"):
    # for a team it plays a bounded-rational choice over the default candidate moves, with the
    # actor's own utility weights.
    stand_in = LogitSpec(kind="logit", rationality=2.0)

    def __init__(self, actor_id: str):
        super().__init__(actor_id)
        self.pending: list[Move] = []

    @classmethod
    def from_spec(cls, actor_spec) -> HumanPolicy:
        return cls(actor_spec.id)

    def submit(self, moves: list[Move]) -> None:
        self.pending = list(moves)

    def reset(self):
        self.pending = []

    def decide(self, obs, rng):
        moves, self.pending = self.pending, []
        return moves

"""The logit policy (``kind: logit``): a bounded-rational choice of one move per turn over
candidate moves (McKelvey & Palfrey 1995), by the actor's utility weights:

    P(m) = exp(lambda U(m)) / sum_k exp(lambda U(k)),
    U(m) = sum_d w_d x appeal_{m,d} x context_d
           - escalation_aversion x points_m / 12 x (1 + level / 12)

context: security 0.5 + threat, economy 0.5 + strain, regime 1.5 - stability, reputation 1;
threat = pressure against the actor's side + believed hostile troops abroad / 20,000 (capped
at 1; ``Observation.threat``). The candidates are the scenario's, or a default set: every move
the actor may use, aimed at each hostile actor or ally as it needs.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field

from engine.moves.catalogue import (
    CATALOGUE,
    SANCTION_PACKAGES,
    Move,
    MoveType,
    make_move,
    may_use,
)
from engine.policies.base import Classifier, Observation, Policy, PolicySpec, order_to_move
from engine.scenario.spec_base import MoveOrder


class LogitSpec(PolicySpec):
    """A bounded-rational (logit) choice of one move per turn, by the actor's utility weights."""

    kind: Literal["logit"]
    rationality: float = Field(2.0, ge=0, le=100, description="Logit lambda; 0 = uniform")
    candidates: list[MoveOrder] = Field(
        default_factory=list, description="Moves to choose among; empty = a default set"
    )


class LogitPolicy(Policy):
    spec = LogitSpec
    classifier = Classifier(stochastic=True, reads_state=True, reads_beliefs=True,
                            uses_utilities=True, memory_depth=0)

    def __init__(self, actor_id: str, rationality: float, weights, candidates: list[Move]):
        super().__init__(actor_id)
        self.rationality = rationality
        self.weights = weights
        self.candidates = candidates

    @classmethod
    def from_spec(cls, actor_spec) -> LogitPolicy:
        spec = actor_spec.policy
        return cls(actor_spec.id, spec.rationality, actor_spec.utility,
                   [order_to_move(actor_spec.id, o, "policy") for o in spec.candidates])

    @classmethod
    def check(cls, spec, refs):
        return [problem for m, order in enumerate(spec.candidates)
                for problem in refs.order(("candidates", m), order)]

    def default_candidates(self, obs: Observation) -> list[Move]:
        me = obs.me
        hostile = obs.hostile_to_me()
        allies = obs.allies()
        out = [make_move(me.id, "hold")]
        for spec in CATALOGUE.values():
            if spec.type == MoveType.HOLD:
                continue
            if not may_use(spec, me.capabilities):
                continue
            names = {p.name for p in spec.params}
            base: dict = {}
            if "troops" in names:
                base["troops"] = 5000
            if "shells" in names:
                base["shells"] = 100_000
            if "amount" in names:
                base["amount"] = 500.0
            variants = [base]
            if "target" in names:
                variants = [{**v, "target": t} for v in variants for t in hostile]
            if "recipient" in names:
                variants = [{**v, "recipient": r} for v in variants for r in allies]
            if "about" in names:
                variants = [{**v, "about": t} for v in variants for t in hostile]
            if "package" in names:
                variants = [{**v, "package": k} for v in variants for k in SANCTION_PACKAGES]
            if "kind" in names:
                variants = [{**v, "kind": "payroll", "amount": 1.0} for v in variants]
            if "route" in names and spec.type == MoveType.INTERDICT:
                continue  # needs a named route; list it in the scenario's candidates
            out += [make_move(me.id, spec.type.value, v) for v in variants]
        return out

    def utility(self, obs: Observation, move: Move) -> float:
        spec = CATALOGUE[move.type]
        me = obs.me
        context = {"security": 0.5 + obs.threat(), "economy": 0.5 + me.strain,
                   "regime": 1.5 - me.stability, "reputation": 1.0}
        w = self.weights
        gain = sum(getattr(w, dim) * value * context[dim] for dim, value in spec.appeal.items())
        cost = w.escalation_aversion * spec.points / 12 * (1 + obs.escalation_level / 12)
        return gain - cost

    def choice_probabilities(self, obs: Observation) -> list[tuple[Move, float]]:
        moves = [m for m in (self.candidates or self.default_candidates(obs))
                 if obs.why_not(m) is None] or [make_move(self.actor_id, "hold")]
        scores = [self.rationality * self.utility(obs, m) for m in moves]
        top = max(scores)
        weights = [math.exp(s - top) for s in scores]
        total = sum(weights)
        return [(m, wgt / total) for m, wgt in zip(moves, weights, strict=True)]

    def decide(self, obs, rng):
        options = self.choice_probabilities(obs)
        u = rng.random()
        acc = 0.0
        for move, prob in options:
            acc += prob
            if u < acc:
                return [move]
        return [options[-1][0]]

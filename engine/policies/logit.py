"""The logit policy (``kind: logit``): a bounded-rational choice of one move per turn over
candidate moves (McKelvey & Palfrey 1995), by the actor's utility weights:

    P(m) = exp(lambda U(m)) / sum_k exp(lambda U(k))

U(m) is benefit minus cost, term by term (engine/policies/utility.py): the move's appeal in
the actor's situation, less what it takes from the actor (money, trade, troops' losses,
forces and shells, credibility, security conceded, escalation), each read from the numbers
the rules use. The candidates are the scenario's, or a default set: every move the actor may
use, aimed at each hostile actor or ally as it needs.

Memory: the offers of talks (per target) and of a ceasefire (per theatre) the actor made
within the decision horizon that nobody answered; an offer of talks to it (``news``) answers
its offers of talks, a ceasefire in its theatre its offers of one. Unanswered offers make the
next one cost more credibility, and earn less if made to the same party.
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
from engine.policies.utility import OFFERS, Situation, offer_key, utility, utility_terms
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
                            uses_utilities=True, memory_depth=math.inf)

    def __init__(self, actor_id: str, rationality: float, weights, candidates: list[Move]):
        super().__init__(actor_id)
        self.rationality = rationality
        self.weights = weights
        self.candidates = candidates
        self.offers: dict[tuple[str, str], tuple[int, ...]] = {}  # offer_key -> turns made

    def reset(self) -> None:
        self.offers = {}

    def unanswered(self, obs: Observation) -> dict[tuple[str, str], int]:
        """The offers made within the decision horizon and not answered since, by offer_key."""
        horizon = obs.read("param.decision_horizon_weeks") / obs.weeks_per_turn
        talks_answered = obs.read("news.offer_talks") > 0
        theatre = obs.me.theatre
        truce = bool(theatre) and obs.read(f"theatre.{theatre}.ceasefire") > 0
        out = {}
        for key, turns in self.offers.items():
            if (talks_answered and key[0] == MoveType.OFFER_TALKS.value) or (
                    truce and key[0] == MoveType.OFFER_CEASEFIRE.value):
                continue
            recent = sum(1 for t in turns if obs.turn - t <= horizon)
            if recent:
                out[key] = recent
        return out

    def situation(self, obs: Observation) -> Situation:
        return Situation.of(obs, self.unanswered(obs))

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

    def utility_terms(self, obs: Observation, move: Move) -> dict[str, float]:
        """The terms of U(move), by name (engine/policies/utility.py)."""
        return utility_terms(self.situation(obs), move, self.weights)

    def utility(self, obs: Observation, move: Move) -> float:
        return utility(self.situation(obs), move, self.weights)

    def choice_probabilities(self, obs: Observation) -> list[tuple[Move, float]]:
        moves = [m for m in (self.candidates or self.default_candidates(obs))
                 if obs.why_not(m) is None] or [make_move(self.actor_id, "hold")]
        situation = self.situation(obs)
        scores = [self.rationality * utility(situation, m, self.weights) for m in moves]
        top = max(scores)
        weights = [math.exp(s - top) for s in scores]
        total = sum(weights)
        return [(m, wgt / total) for m, wgt in zip(moves, weights, strict=True)]

    def decide(self, obs, rng):
        options = self.choice_probabilities(obs)
        u = rng.random()
        acc = 0.0
        chosen = options[-1][0]
        for move, prob in options:
            acc += prob
            if u < acc:
                chosen = move
                break
        self.remember(obs, chosen)
        return [chosen]

    def remember(self, obs: Observation, move: Move) -> None:
        """Keep the offers still unanswered, and this one if it is an offer."""
        live = self.unanswered(obs)
        self.offers = {key: turns[-live[key]:] for key, turns in self.offers.items()
                       if key in live}
        if move.type in OFFERS:
            key = offer_key(move)
            self.offers[key] = (*self.offers.get(key, ()), obs.turn)

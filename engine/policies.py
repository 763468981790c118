"""Policies: how an actor chooses its moves each turn, from what it believes.

One class per policy kind, registered in ``POLICIES`` with a classifier (after Axelrod):
    scripted  a move schedule from YAML (also used to replay a recorded move log)
    doctrine  condition -> move rules from YAML, plus moves made every turn
    logit     bounded-rational choice over candidate moves (McKelvey & Palfrey 1995):
              P(m) = exp(lambda U(m)) / sum_k exp(lambda U(k)),
              U(m) = sum_d w_d x appeal_{m,d} x context_d
                     - escalation_aversion x points_m / 12 x (1 + level / 12)
              context: security 0.5 + threat, economy 0.5 + strain, regime 1.5 - stability,
              reputation 1; threat = pressure against the actor's side + believed hostile
              troops abroad / 20,000 (capped at 1)
    human     moves supplied from outside, one turn at a time (tabletop app, tests)

Policies see an ``Observation``: their own state, public world variables and their own beliefs.
Reading another actor's hidden variables through it raises ``HiddenVariable``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import ClassVar, NamedTuple

from engine.moves import (
    CATALOGUE,
    SANCTION_PACKAGES,
    Move,
    MoveType,
    make_move,
    may_use,
    validate,
)
from engine.state import Belief, WorldState
from engine.variables import (
    COMPUTED_ACTOR_VARS,
    CONFIDENCE_ORDER,
    PUBLIC_ACTOR_VARS,
    belief_estimate,
    confidence_label,
    read,
    split_path,
)


class HiddenVariable(Exception):
    """A policy tried to read the truth about another actor."""


class Observation:
    """What one actor knows at decision time."""

    __slots__ = ("_state", "actor_id", "beliefs", "turn")

    def __init__(self, state: WorldState, actor_id: str):
        self._state = state
        self.actor_id = actor_id
        self.turn = state.turn  # the turn being decided (the model advances the clock first)
        self.beliefs: dict[tuple[str, str], Belief] = state.actors[actor_id].beliefs

    @property
    def me(self):
        return self._state.actors[self.actor_id]

    @property
    def escalation_level(self) -> float:
        return self._state.escalation_level

    def read(self, path: str) -> float:
        try:
            own = _ACCESS[(self.actor_id, path)]
        except KeyError:
            own = _ACCESS[(self.actor_id, path)] = _access(self.actor_id, path)
        if own is None:
            raise HiddenVariable(f"{self.actor_id} cannot see {path}")
        if own:  # own state, read directly
            return float(getattr(self._state.actors[self.actor_id], own))
        return read(self._state, path, self.actor_id, self.beliefs)

    def confidence(self, about: str, quantity: str) -> str | None:
        belief = self.beliefs.get((about, quantity))
        if belief is None:
            return None
        p = self._state.params
        return confidence_label(belief, p["probable_sd"], p["confirmed_sd"])

    def why_not(self, move: Move) -> str | None:
        """Why ``move`` would be rejected now (None if it is valid)."""
        return validate(self._state, move)

    def hostile_to_me(self) -> list[str]:
        return [b for (a, b), level in self._state.hostility.items()
                if a == self.actor_id and level >= 0.5]

    def allies(self) -> list[str]:
        return sorted(self._state.alliances.get(self.actor_id, ()))

    def threat(self) -> float:
        me = self.me
        threat = 0.0
        if me.theatre:
            theatre = self._state.theatres[me.theatre]
            sign = 1.0 if me.id in theatre.side_a else -1.0
            threat += max(0.0, -sign * theatre.front_pressure)
        believed = sum(belief_estimate(b) for (about, _), b in self.beliefs.items()
                       if about in self.hostile_to_me())
        return threat + min(1.0, believed / 20_000)


def _access(actor_id: str, path: str) -> str | None:
    """How ``actor_id`` may read ``path``: None (hidden from it), the name of one of its own
    stored variables (read directly), or "" (read through engine/variables.py)."""
    head, _, var = path.partition(".")
    if (head not in ("self", "world", "theatre", "belief", "belief_sd", "confidence",
                     "turn", actor_id)
            and not head.startswith("theatre:")
            and var not in PUBLIC_ACTOR_VARS):
        return None
    return var if head == "self" and var not in COMPUTED_ACTOR_VARS else ""


_ACCESS: dict[tuple[str, str], str | None] = {}  # (actor, path) -> _access(actor, path)


def _order_to_move(actor: str, order, source: str) -> Move:
    return make_move(actor, order.move, order.params, source=source)


class Policy:
    """Base class. Subclasses set ``name`` and ``classifier`` and implement ``decide``."""

    name: ClassVar[str] = ""
    classifier: ClassVar[dict] = {}

    def __init__(self, actor_id: str):
        self.actor_id = actor_id

    def decide(self, obs: Observation, rng) -> list[Move]:
        raise NotImplementedError

    def reset(self) -> None:
        """Forget any memory (fired rules, pending moves)."""


class ScriptedPolicy(Policy):
    name = "scripted"
    classifier: ClassVar[dict] = {"stochastic": False, "uses_beliefs": False, "memory": 0}

    def __init__(self, actor_id: str, schedule: dict[int, list[Move]]):
        super().__init__(actor_id)
        self.schedule = schedule

    @classmethod
    def from_spec(cls, actor_id: str, spec) -> ScriptedPolicy:
        schedule: dict[int, list[Move]] = {}
        for turn in spec.schedule:
            schedule.setdefault(turn.turn, []).extend(
                _order_to_move(actor_id, o, "policy") for o in turn.moves)
        return cls(actor_id, schedule)

    def decide(self, obs, rng):
        return list(self.schedule.get(obs.turn, []))


_OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
        "==": operator.eq, "!=": operator.ne}


class _Rule(NamedTuple):
    """A doctrine rule compiled once: parsed paths, comparison functions, ready moves."""

    name: str
    once: bool
    # path, comparison, value, minimum confidence rank (-1: none), (actor, quantity) for it
    conditions: tuple[tuple[str, Callable, float, int, tuple[str, ...]], ...]
    moves: tuple[Move, ...]


class DoctrinePolicy(Policy):
    name = "doctrine"
    classifier: ClassVar[dict] = {"stochastic": False, "uses_beliefs": True, "memory": 1}

    def __init__(self, actor_id: str, rules, every_turn: list[Move]):
        super().__init__(actor_id)
        self.rules = [_Rule(
            r.name, r.once,
            tuple((c.var, _OPS[c.op], c.value,
                   CONFIDENCE_ORDER.index(c.confidence) if c.confidence else -1,
                   split_path(c.var)[1:3] if c.confidence else ())
                  for c in r.when),
            tuple(_order_to_move(actor_id, o, "policy") for o in r.then)) for r in rules]
        self.every_turn = every_turn
        self.fired: set[str] = set()

    @classmethod
    def from_spec(cls, actor_id: str, spec) -> DoctrinePolicy:
        return cls(actor_id, list(spec.rules),
                   [_order_to_move(actor_id, o, "policy") for o in spec.every_turn])

    def reset(self):
        self.fired = set()

    @staticmethod
    def holds(obs: Observation, condition) -> bool:
        var, op, value, min_rank, about = condition
        if min_rank >= 0:
            label = obs.confidence(*about)
            if label is None or CONFIDENCE_ORDER.index(label) < min_rank:
                return False
        return op(obs.read(var), value)

    def decide(self, obs, rng):
        moves = list(self.every_turn)
        holds = self.holds
        for rule in self.rules:
            if rule.once and rule.name in self.fired:
                continue
            for condition in rule.conditions:  # all of them, stopping at the first that fails
                if not holds(obs, condition):
                    break
            else:
                self.fired.add(rule.name)
                moves += rule.moves
        return moves


class LogitPolicy(Policy):
    name = "logit"
    classifier: ClassVar[dict] = {"stochastic": True, "uses_beliefs": True, "memory": 0}

    def __init__(self, actor_id: str, rationality: float, weights, candidates: list[Move]):
        super().__init__(actor_id)
        self.rationality = rationality
        self.weights = weights
        self.candidates = candidates

    @classmethod
    def from_spec(cls, actor_id: str, spec, weights) -> LogitPolicy:
        return cls(actor_id, spec.rationality, weights,
                   [_order_to_move(actor_id, o, "policy") for o in spec.candidates])

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


class HumanPolicy(Policy):
    name = "human"
    classifier: ClassVar[dict] = {"stochastic": False, "uses_beliefs": True, "memory": 0}

    def __init__(self, actor_id: str):
        super().__init__(actor_id)
        self.pending: list[Move] = []

    def submit(self, moves: list[Move]) -> None:
        self.pending = list(moves)

    def reset(self):
        self.pending = []

    def decide(self, obs, rng):
        moves, self.pending = self.pending, []
        return moves


POLICIES: dict[str, type[Policy]] = {
    cls.name: cls for cls in (ScriptedPolicy, DoctrinePolicy, LogitPolicy, HumanPolicy)
}


def build_policy(actor_spec) -> Policy:
    """The policy an actor's YAML asks for."""
    spec = actor_spec.policy
    if spec.kind == "scripted":
        return ScriptedPolicy.from_spec(actor_spec.id, spec)
    if spec.kind == "doctrine":
        return DoctrinePolicy.from_spec(actor_spec.id, spec)
    if spec.kind == "logit":
        return LogitPolicy.from_spec(actor_spec.id, spec, actor_spec.utility)
    return HumanPolicy(actor_spec.id)


__all__ = ["POLICIES", "HiddenVariable", "Observation", "Policy", "build_policy"]

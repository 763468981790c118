"""The doctrine policy (``kind: doctrine``): condition -> move rules from YAML, plus moves made
every turn. A rule fires when all its conditions hold (``var op value``, a belief's condition
optionally asking for a least confidence); a ``once`` rule fires only the first time, which is
why a doctrine's memory is unbounded. An actor whose YAML gives no policy plays a doctrine with
no rules (``default_policy_spec``): it does nothing."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Literal, NamedTuple

from pydantic import Field

from engine.core.variables import CONFIDENCE_ORDER, split_path
from engine.moves.catalogue import Move
from engine.policies.base import Classifier, Observation, Policy, PolicySpec, order_to_move
from engine.scenario.spec_base import MoveOrder, Strict

Op = Literal[">", ">=", "<", "<=", "==", "!="]
ConfidenceLabel = Literal["unverified", "probable", "confirmed"]
_OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
        "==": operator.eq, "!=": operator.ne}


class Condition(Strict):
    """``var op value``. ``var`` paths: ``self.strain``, ``world.escalation_rung``,
    ``theatre.kursk.front_pressure``, ``belief.north_korea.troops_abroad``, ``turn``."""

    var: str
    op: Op
    value: float
    confidence: ConfidenceLabel | None = Field(
        None, description="For belief.* variables: the least confidence required"
    )


class DoctrineRule(Strict):
    name: str
    when: list[Condition] = Field(min_length=1)
    then: list[MoveOrder] = Field(min_length=1)
    once: bool = Field(True, description="Fire only the first time the condition holds")


class DoctrineSpec(PolicySpec):
    """Condition -> move rules, and moves made every turn."""

    kind: Literal["doctrine"]
    rules: list[DoctrineRule] = Field(default_factory=list)
    every_turn: list[MoveOrder] = Field(
        default_factory=list, description="Moves made every turn, besides any rule that fires"
    )


class _Rule(NamedTuple):
    """A doctrine rule compiled once: parsed paths, comparison functions, ready moves."""

    name: str
    once: bool
    # path, comparison, value, minimum confidence rank (-1: none), (actor, quantity) for it
    conditions: tuple[tuple[str, Callable, float, int, tuple[str, ...]], ...]
    moves: tuple[Move, ...]


class DoctrinePolicy(Policy):
    spec = DoctrineSpec
    classifier = Classifier(stochastic=False, reads_state=True, reads_beliefs=True,
                            uses_utilities=False, memory_depth=math.inf)

    def __init__(self, actor_id: str, rules, every_turn: list[Move]):
        super().__init__(actor_id)
        self.rules = [_Rule(
            r.name, r.once,
            tuple((c.var, _OPS[c.op], c.value,
                   CONFIDENCE_ORDER.index(c.confidence) if c.confidence else -1,
                   split_path(c.var)[1:3] if c.confidence else ())
                  for c in r.when),
            tuple(order_to_move(actor_id, o, "policy") for o in r.then)) for r in rules]
        self.every_turn = every_turn
        self.fired: set[str] = set()

    @classmethod
    def from_spec(cls, actor_spec) -> DoctrinePolicy:
        spec = actor_spec.policy
        return cls(actor_spec.id, list(spec.rules),
                   [order_to_move(actor_spec.id, o, "policy") for o in spec.every_turn])

    @classmethod
    def check(cls, spec, refs):
        problems: list[tuple[tuple, str]] = []
        names: set[str] = set()
        for k, rule in enumerate(spec.rules):
            if rule.name in names:
                problems.append((("rules", k, "name"), f"duplicate rule name '{rule.name}' "
                                 "(names tell 'once' rules apart)"))
            names.add(rule.name)
            for c, cond in enumerate(rule.when):
                if cond.confidence and not cond.var.startswith("belief."):
                    problems.append((("rules", k, "when", c, "confidence"),
                                     "'confidence' applies only to belief.<actor>.<quantity>"
                                     f" variables, not '{cond.var}'"))
                msg = refs.variable(cond.var)
                if msg:
                    problems.append((("rules", k, "when", c, "var"), msg))
            for m, order in enumerate(rule.then):
                problems += refs.order(("rules", k, "then", m), order)
        for m, order in enumerate(spec.every_turn):
            problems += refs.order(("every_turn", m), order)
        return problems

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

"""The doctrine policy (``kind: doctrine``): condition -> move rules from YAML, aims, and moves
made every turn.

A rule fires when all its conditions hold (``var op value``, a belief's condition optionally
asking for a least confidence); a ``once`` rule fires only the first time, which is why a
doctrine's memory is unbounded. A condition's value is a number or the name of a parameter of
the scenario (a decision threshold that batches sample like any uncertain parameter).

Amounts and chances are written per turn of the scenario's clock.rate_days (a week unless it
says otherwise) and converted to the turn played (``Observation.rate_scale``, s): a rule's
chance p becomes 1 - (1 - p)^s; an aim's step, the troops and shells of the moves made every
turn and any standing transfer's amount are multiplied by s (``at_turn_length``).

An aim steers a stock the actor controls (troops committed abroad, say) each turn towards what
it wants now, weighing what it reads::

    share = clip(1 + sum over terms of weight x (var - ref), 0, 1)
    want  = appetite x share
    gap   = want - steer
    gap >= deadband x step:   the first move of raise_with the actor may make now,
                              amount min(step, gap)
    gap <= -deadband x step:  the same from lower_with (if any), amount min(step, -gap)

``appetite`` (what the actor would commit at most: a token force, a corps, everything) is a
number or a parameter of the scenario, so a batch draws it per run. An actor whose YAML gives no
policy plays a doctrine with no rules (``default_policy_spec``): it does nothing."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import replace
from typing import Literal, NamedTuple

from pydantic import Field, field_validator

from engine.core.numbers import per_turn
from engine.core.variables import CONFIDENCE_ORDER, split_path
from engine.moves.catalogue import Move, at_turn_length, make_move
from engine.policies.base import Classifier, Observation, Policy, PolicySpec, order_to_move
from engine.scenario.spec_base import Id, MoveOrder, Strict

Op = Literal[">", ">=", "<", "<=", "==", "!="]
ConfidenceLabel = Literal["unverified", "probable", "confirmed"]
_OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
        "==": operator.eq, "!=": operator.ne}


class Condition(Strict):
    """``var op value``. ``var`` paths: ``self.strain``, ``world.escalation_rung``,
    ``theatre.kursk.front_pressure``, ``belief.north_korea.troops_abroad``, ``turn``,
    ``param.<name>``. ``value``: a number, or the name of a parameter of the scenario."""

    var: str
    op: Op
    value: float | Id
    confidence: ConfidenceLabel | None = Field(
        None, description="For belief.* variables: the least confidence required"
    )


class DoctrineRule(Strict):
    name: str
    when: list[Condition] = Field(min_length=1)
    then: list[MoveOrder] = Field(min_length=1)
    once: bool = Field(True, description="Fire only the first time the condition holds")
    chance: float | Id | None = Field(
        None, description="The probability that the rule fires in a turn (of clock.rate_days) "
        "its conditions hold (a reaction's strength): a number in 0..1 or a parameter of the "
        "scenario; none: always. Over a turn s such periods long it is 1 - (1 - chance)^s")

    @field_validator("chance")
    @classmethod
    def _a_probability(cls, value):
        if isinstance(value, float) and not 0.0 <= value <= 1.0:
            raise ValueError(f"chance must be between 0 and 1, got {value:g}")
        return value


class AimTerm(Strict):
    """One thing an aim weighs: ``weight x (var - ref)`` added to the share wanted."""

    var: str
    weight: float = Field(ge=-1000, le=1000)
    ref: float = 0.0


class Aim(Strict):
    """Steer ``steer`` (a stock of the actor's own) towards ``appetite x share`` each turn."""

    name: str
    steer: str = Field(description="The stock steered, e.g. self.troops_committed")
    appetite: float | Id = Field(description="The most the actor wants: a number or a "
                                 "parameter of the scenario")
    terms: list[AimTerm] = Field(default_factory=list)
    raise_with: list[MoveOrder] = Field(min_length=1, description="The moves that add to the "
                                        "stock; the first one the actor may make is made "
                                        "(deploy, then reinforce)")
    lower_with: list[MoveOrder] = Field(default_factory=list, description="The moves that "
                                        "take from it, likewise")
    amount: str = Field("troops", description="The parameter of those moves that takes the "
                        "amount")
    step: float = Field(gt=0, description="The most one turn (of clock.rate_days) adds or "
                        "takes")
    deadband: float = Field(0.25, ge=0, le=1, description="No move for a gap below this share "
                            "of a step")
    from_turn: int = Field(1, ge=0)


class DoctrineSpec(PolicySpec):
    """Condition -> move rules, aims, and moves made every turn."""

    kind: Literal["doctrine"]
    rules: list[DoctrineRule] = Field(default_factory=list)
    aims: list[Aim] = Field(default_factory=list)
    every_turn: list[MoveOrder] = Field(
        default_factory=list, description="Moves made every turn, besides any rule that fires; "
        "their troops, shells and transfer amounts are per turn of clock.rate_days"
    )


class _Rule(NamedTuple):
    """A doctrine rule compiled once: parsed paths, comparison functions, ready moves."""

    name: str
    once: bool
    # path, comparison, value (a number or a parameter's name), minimum confidence rank (-1:
    # none), (actor, quantity) for it
    conditions: tuple[tuple[str, Callable, float | str, int, tuple[str, ...]], ...]
    moves: tuple[Move, ...]
    chance: float | str | None  # None: always; else a probability or a parameter's name


class DoctrinePolicy(Policy):
    spec = DoctrineSpec
    # stochastic: a rule with a chance draws from the generator (only when its conditions hold)
    classifier = Classifier(stochastic=True, reads_state=True, reads_beliefs=True,
                            uses_utilities=False, memory_depth=math.inf)

    def __init__(self, actor_id: str, rules, every_turn: list[Move], aims=()):
        super().__init__(actor_id)
        self.aims = tuple(aims)
        self.rules = [_Rule(
            r.name, r.once,
            tuple((c.var, _OPS[c.op], c.value,
                   CONFIDENCE_ORDER.index(c.confidence) if c.confidence else -1,
                   split_path(c.var)[1:3] if c.confidence else ())
                  for c in r.when),
            tuple(order_to_move(actor_id, o, "policy", r.name) for o in r.then), r.chance)
            for r in rules]
        self.every_turn = every_turn
        self.fired: set[str] = set()
        self._scaled: dict[float, tuple] = {}  # rate scale -> (every_turn, rules) at that scale

    @classmethod
    def from_spec(cls, actor_spec) -> DoctrinePolicy:
        spec = actor_spec.policy
        return cls(actor_spec.id, list(spec.rules),
                   [order_to_move(actor_spec.id, o, "policy") for o in spec.every_turn],
                   spec.aims)

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
                if isinstance(cond.value, str):
                    msg = refs.parameter(cond.value)
                    if msg:
                        problems.append((("rules", k, "when", c, "value"), msg))
            if isinstance(rule.chance, str):
                msg = refs.parameter(rule.chance)
                if msg:
                    problems.append((("rules", k, "chance"), msg))
            for m, order in enumerate(rule.then):
                problems += refs.order(("rules", k, "then", m), order)
        for m, order in enumerate(spec.every_turn):
            problems += refs.order(("every_turn", m), order)
        for k, aim in enumerate(spec.aims):
            problems += _aim_problems(("aims", k), aim, refs)
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
        if value.__class__ is str:  # a parameter of the scenario
            value = obs.read("param." + value)
        return op(obs.read(var), value)

    def at_scale(self, scale: float) -> tuple[list[Move], list[_Rule]]:
        """The moves made every turn and the rules, their amounts for a turn of ``scale`` of
        the scenario's rate periods (as written when it is 1)."""
        if scale == 1:
            return self.every_turn, self.rules
        scaled = self._scaled.get(scale)
        if scaled is None:
            scaled = self._scaled[scale] = (
                [_rescaled(m, scale, standing=True) for m in self.every_turn],
                [r._replace(moves=tuple(_rescaled(m, scale, standing=False) for m in r.moves))
                 for r in self.rules])
        return scaled

    def decide(self, obs, rng):
        scale = obs.rate_scale
        every_turn, rules = self.at_scale(scale)
        moves = list(every_turn)
        holds = self.holds
        for rule in rules:
            if rule.once and rule.name in self.fired:
                continue
            for condition in rule.conditions:  # all of them, stopping at the first that fails
                if not holds(obs, condition):
                    break
            else:
                chance = rule.chance
                if chance is not None:
                    if chance.__class__ is str:
                        chance = obs.read("param." + chance)
                    if rng.random() >= per_turn(chance, scale):
                        continue  # not this time (and a `once` rule may still fire later)
                self.fired.add(rule.name)
                moves += rule.moves
        for aim in self.aims:
            moves += aimed(obs, aim)
        return moves


def aimed(obs: Observation, aim: Aim) -> list[Move]:
    """The move an aim makes this turn, if any (see the module docstring)."""
    if obs.turn < aim.from_turn:
        return []
    appetite = aim.appetite if aim.appetite.__class__ is not str else obs.read(
        "param." + aim.appetite)
    share = 1.0 + sum(t.weight * (obs.read(t.var) - t.ref) for t in aim.terms)
    want = appetite * min(1.0, max(0.0, share))
    gap = want - obs.read(aim.steer)
    step = aim.step * obs.rate_scale  # a step is per turn of the scenario's rate period
    if abs(gap) < aim.deadband * step:
        return []
    amount = int(min(step, abs(gap)))
    for order in aim.raise_with if gap > 0 else aim.lower_with:
        move = make_move(obs.actor_id, order.move, {**order.params, aim.amount: amount},
                         source="policy", rationale=aim.name)
        if obs.why_not(move) is None:
            return [move]
    return []


def _rescaled(move: Move, scale: float, standing: bool) -> Move:
    """``move`` with its amounts for a turn of ``scale`` rate periods (``at_turn_length``)."""
    params = at_turn_length(move.type, move.params, scale, standing)
    return move if params is move.params else replace(move, params=params)


def _aim_problems(path: tuple, aim: Aim, refs) -> list[tuple[tuple, str]]:
    problems = []
    for where, var in ((("steer",), aim.steer),
                       *((("terms", i, "var"), t.var) for i, t in enumerate(aim.terms))):
        msg = refs.variable(var)
        if msg:
            problems.append(((*path, *where), msg))
    if isinstance(aim.appetite, str):
        msg = refs.parameter(aim.appetite)
        if msg:
            problems.append(((*path, "appetite"), msg))
    for field in ("raise_with", "lower_with"):
        for m, order in enumerate(getattr(aim, field)):
            # as it will be made: a full step, and (the least amount) a deadband's worth
            for amount in sorted({int(aim.step), max(1, int(aim.deadband * aim.step))}):
                sized = order.model_copy(update={aim.amount: amount})
                problems += refs.order((*path, field, m), sized)
    return problems

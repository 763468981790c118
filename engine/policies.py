"""Policies: how an actor chooses its moves each turn, from what it believes.

One class per policy kind, after Axelrod's strategies. A policy is declared once, by its class:

    spec        the pydantic model of its YAML (``kind: <name>`` and its own fields); the
                scenario schema's ``policy`` field is the union of the registered classes' specs
                (``PolicySpec``), so the loader, ``brink schema`` and editors all read it here
    kind        the YAML name, read from ``spec``'s ``kind``
    classifier  what it is and what it reads (``Classifier``, below)
    from_spec   its constructor from an actor's YAML (``build_policy`` looks the kind up)
    check       its cross-reference checks at load time (its moves, its condition paths), with
                the loader's own checkers handed in (``PolicyRefs``)
    stand_in    for a policy whose moves come from outside the engine (a human team), the spec
                of the policy the engine plays in its place ("What happens from here?")
    reset, decide(obs, rng) -> list[Move]

``POLICIES`` (kind -> class) is the registry; ``classified(...)`` filters it by classifier. A
new policy is a new class added to ``POLICIES``: the schema, the loader, ``build_policy`` and
the contract tests (tests/engine/test_policy_contract.py, run over every registered class) take
it from there.

The kinds:
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
Reading another actor's hidden variables through it raises ``HiddenVariable``: no policy ever
reads another actor's hidden truth, whatever its classifier says. The classifier says which
parts of what it may see a policy does read, and is a promise where it says no (the contract
tests hold every policy to it):

    stochastic      draws from the generator it is given (else it never touches it)
    reads_state     reads its actor's own state, the world, the theatres or other actors'
                    public variables through the Observation (else only ``obs.turn``)
    reads_beliefs   reads its actor's beliefs: estimates of other actors' hidden quantities and
                    their confidence labels. They are private to its actor (no other actor's
                    policy can read them) but they are not the truth.
    uses_utilities  reads its actor's ``utility`` weights from the scenario
    memory_depth    how many of its own past turns can change a decision: 0 none, ``math.inf``
                    unbounded (a doctrine rule that fires once remembers it for good)
    external        its moves come from outside the engine (a human team); ``stand_in`` says
                    what the engine plays instead
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import reduce
from typing import Annotated, ClassVar, Literal, NamedTuple, get_args

from pydantic import Field

from engine.core import caching
from engine.core.state import Belief, WorldState
from engine.core.variables import (
    COMPUTED_ACTOR_VARS,
    CONFIDENCE_ORDER,
    PUBLIC_ACTOR_VARS,
    belief_estimate,
    confidence_label,
    read,
    split_path,
)
from engine.moves.catalogue import (
    CATALOGUE,
    SANCTION_PACKAGES,
    Move,
    MoveType,
    make_move,
    may_use,
    validate,
)
from engine.scenario.spec_base import MoveOrder, Strict


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
            if not caching.ENABLED:
                raise KeyError(path)
            own = _ACCESS[(self.actor_id, path)]
        except KeyError:
            own = _access(self.actor_id, path)
            if caching.ENABLED:
                _ACCESS[(self.actor_id, path)] = own
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
    stored variables (read directly), or "" (read through engine/core/variables.py)."""
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


# --- what every policy declares -------------------------------------------------------------


@dataclass(frozen=True)
class Classifier:
    """What a policy is and what it reads (after Axelrod's classifier); see the module docstring.

    A ``False`` (or a finite ``memory_depth``) is a promise the contract tests check; a ``True``
    says the policy may do it (a doctrine reads beliefs only if a rule's condition names one).
    """

    stochastic: bool
    reads_state: bool
    reads_beliefs: bool
    uses_utilities: bool
    memory_depth: float  # 0: none; math.inf: unbounded
    external: bool = False

    @property
    def has_memory(self) -> bool:
        return self.memory_depth > 0

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class PolicySpec(Strict):
    """A policy as written in YAML: ``kind`` names the policy class, the rest are its settings."""

    kind: str


@dataclass(frozen=True)
class PolicyRefs:
    """What a policy's ``check`` is handed by the loader: whose policy it is, and the loader's
    own checks, so that its moves and conditions are checked like every other in the file.

    ``order(path, order)``: the problems of one move order, as ``(path, message)`` pairs, the
    path extending ``path`` to the field at fault. ``variable(path)``: why this actor may not
    read a variable path in a condition (unknown, or another actor's hidden variable), or None.
    """

    actor: str
    order: Callable[[tuple, MoveOrder], list[tuple[tuple, str]]]
    variable: Callable[[str], str | None]


class Policy:
    """Base class. A subclass declares ``spec``, ``classifier`` and ``from_spec`` and implements
    ``decide``; one with memory implements ``reset``, one with cross references ``check``; an
    external one takes its moves from ``submit(moves)`` and names its ``stand_in``."""

    spec: ClassVar[type[PolicySpec]] = PolicySpec
    kind: ClassVar[str] = ""  # the YAML name: spec's kind (set for each subclass)
    name: ClassVar[str] = ""  # the same, under its older name
    classifier: ClassVar[Classifier]
    stand_in: ClassVar[PolicySpec | None] = None  # what the engine plays for an external one

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "spec" in cls.__dict__:  # a concrete policy kind: its name is its spec's tag
            (cls.kind,) = get_args(cls.spec.model_fields["kind"].annotation)
            cls.name = cls.kind

    def __init__(self, actor_id: str):
        self.actor_id = actor_id

    @classmethod
    def from_spec(cls, actor_spec) -> Policy:
        """The policy of an actor's YAML (``actor_spec``: engine.scenario.schema.Actor; its
        ``policy`` is an instance of ``cls.spec``)."""
        raise NotImplementedError

    @classmethod
    def check(cls, spec: PolicySpec, refs: PolicyRefs) -> list[tuple[tuple, str]]:
        """Problems with the cross references of ``spec`` (moves, variable paths), as
        ``(path within the policy, message)`` pairs; the loader adds where the policy is."""
        return []

    def decide(self, obs: Observation, rng) -> list[Move]:
        raise NotImplementedError

    def reset(self) -> None:
        """Forget any memory (fired rules, pending moves): decide as a new policy would."""


# --- the policies ---------------------------------------------------------------------------


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
                _order_to_move(actor_spec.id, o, "policy") for o in turn.moves)
        return cls(actor_spec.id, schedule)

    @classmethod
    def check(cls, spec, refs):
        return [problem for k, turn in enumerate(spec.schedule)
                for m, order in enumerate(turn.moves)
                for problem in refs.order(("schedule", k, "moves", m), order)]

    def decide(self, obs, rng):
        return list(self.schedule.get(obs.turn, []))


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
            tuple(_order_to_move(actor_id, o, "policy") for o in r.then)) for r in rules]
        self.every_turn = every_turn
        self.fired: set[str] = set()

    @classmethod
    def from_spec(cls, actor_spec) -> DoctrinePolicy:
        spec = actor_spec.policy
        return cls(actor_spec.id, list(spec.rules),
                   [_order_to_move(actor_spec.id, o, "policy") for o in spec.every_turn])

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
                   [_order_to_move(actor_spec.id, o, "policy") for o in spec.candidates])

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


# --- the registry ---------------------------------------------------------------------------


def _registry(*classes: type[Policy]) -> dict[str, type[Policy]]:
    registry: dict[str, type[Policy]] = {}
    for cls in classes:
        if not cls.kind or cls.kind in registry:
            raise TypeError(f"{cls.__name__}: a policy needs a spec with a kind of its own")
        registry[cls.kind] = cls
    return registry


POLICIES: dict[str, type[Policy]] = _registry(
    ScriptedPolicy, DoctrinePolicy, LogitPolicy, HumanPolicy)

# The scenario schema's ``policy`` field: one of the registered specs, told apart by ``kind``.
AnyPolicySpec = Annotated[reduce(operator.or_, (cls.spec for cls in POLICIES.values())),
                        Field(discriminator="kind")]


def default_policy_spec() -> PolicySpec:
    """The policy of an actor whose YAML gives none: a doctrine with no rules (it does
    nothing)."""
    return DoctrineSpec(kind="doctrine")


def classified(**criteria) -> list[type[Policy]]:
    """The registered policy classes whose classifier has every value given, e.g.
    ``classified(stochastic=False)``."""
    return [cls for cls in POLICIES.values()
            if all(getattr(cls.classifier, k) == v for k, v in criteria.items())]


def build_policy(actor_spec) -> Policy:
    """The policy an actor's YAML asks for."""
    return POLICIES[actor_spec.policy.kind].from_spec(actor_spec)


def build_engine_policy(actor_spec) -> Policy:
    """The policy the engine plays for an actor: the one its YAML asks for, or, if that one's
    moves come from outside the engine (a human team), the stand-in its class declares."""
    stand_in = POLICIES[actor_spec.policy.kind].stand_in
    if stand_in is None:
        return build_policy(actor_spec)
    return build_policy(actor_spec.model_copy(update={"policy": stand_in}))


def classifier_table() -> str:
    """The registry as a Markdown table (docs/reference/model.md, "Decisions")."""
    names = [f.name for f in fields(Classifier)]
    rows = ["| kind | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for kind, cls in POLICIES.items():
        values = ["∞" if v == math.inf else ("yes" if v is True else "no" if v is False
                                                else f"{v:g}")
                  for v in cls.classifier.as_dict().values()]
        rows.append(f"| `{kind}` | " + " | ".join(values) + " |")
    return "\n".join(rows) + "\n"


__all__ = [
    "POLICIES",
    "AnyPolicySpec",
    "Classifier",
    "HiddenVariable",
    "Observation",
    "Policy",
    "PolicyRefs",
    "PolicySpec",
    "build_engine_policy",
    "build_policy",
    "classified",
    "classifier_table",
    "default_policy_spec",
]

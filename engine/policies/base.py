"""The policy framework: what a policy sees, what it declares, and the class every policy
derives from. The kinds, one module each, and their registry are in engine/policies/__init__.py.

A policy is declared once, by its class (a subclass of ``Policy``, below):

    spec        the pydantic model of its YAML (``kind: <name>`` and its own fields); the
                scenario schema's ``policy`` field is the union of the registered classes' specs
                (``PolicySpec``), so the loader, ``brink schema`` and editors all read it there
    kind        the YAML name, read from ``spec``'s ``kind``
    classifier  what it is and what it reads (``Classifier``, below)
    from_spec   its constructor from an actor's YAML (``build_policy`` looks the kind up)
    check       its cross-reference checks at load time (its moves, its condition paths), with
                the loader's own checkers handed in (``PolicyRefs``)
    stand_in    for a policy whose moves come from outside the engine (a human team), the spec
                of the policy the engine plays in its place ("What happens from here?")
    reset, decide(obs, rng) -> list[Move]

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

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import ClassVar, NamedTuple, get_args

from engine.core import caching
from engine.core.state import Belief, WorldState
from engine.core.variables import (
    COMPUTED_ACTOR_VARS,
    PUBLIC_ACTOR_VARS,
    belief_estimate,
    confidence_label,
    read,
)
from engine.moves.catalogue import CATALOGUE, Move, make_move, validate
from engine.rules.economy import blocked_trade
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
    def rate_scale(self) -> float:
        """How many of the scenario's rate periods (clock.rate_days) a turn lasts: a policy
        scales the amounts and chances its YAML writes per turn by it."""
        return self._state.rate_scale

    @property
    def weeks_per_turn(self) -> float:
        return self._state.days_per_turn / 7

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
        return confidence_label(belief)

    def transfers(self) -> tuple:
        """The standing transfers this actor pays or receives (it is party to them, covert or
        not)."""
        me = self.actor_id
        return tuple(t for t in self._state.transfers if me in (t.payer, t.recipient))

    def trade_loss(self, move: Move | None = None) -> float:
        """The trade this actor loses to sanctions, as a target and as a sender, bn USD a year:
        with the sanctions in force, or with those ``move``'s own effect would leave in force
        (its catalogue effect, applied to nothing). Sanctions and trade are public; the
        arithmetic is the economy rule's (``engine.rules.economy.blocked_trade``)."""
        state = self._state
        sanctions = state.sanctions
        if move is not None:
            for target, var, value, _cause in CATALOGUE[move.type].effect(state, move):
                if target == "world" and var == "sanctions":
                    sanctions = value
        lost_target, lost_sender, _ = blocked_trade(_Sanctioned(
            sanctions, state.trade, state.params, False, {}))
        return lost_target.get(self.actor_id, 0.0) + lost_sender.get(self.actor_id, 0.0)

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


class _Sanctioned(NamedTuple):
    """What the economy rule's trade arithmetic reads of a world, with other sanctions in
    force (``Observation.trade_loss``)."""

    sanctions: tuple
    trade: tuple
    params: dict
    explain: bool
    memo: dict


def _access(actor_id: str, path: str) -> str | None:
    """How ``actor_id`` may read ``path``: None (hidden from it), the name of one of its own
    stored variables (read directly), or "" (read through engine/core/variables.py)."""
    head, _, var = path.partition(".")
    if (head not in ("self", "world", "theatre", "belief", "belief_sd", "confidence",
                     "turn", "param", "news", actor_id)
            and not head.startswith("theatre:")
            and var not in PUBLIC_ACTOR_VARS):
        return None
    return var if head == "self" and var not in COMPUTED_ACTOR_VARS else ""


_ACCESS: dict[tuple[str, str], str | None] = {}  # (actor, path) -> _access(actor, path)


def order_to_move(actor: str, order, source: str, rationale: str = "") -> Move:
    """The move a move order of a policy's YAML (``MoveOrder``) asks ``actor`` to make;
    ``rationale``: why (a doctrine rule's or aim's name), as a team gives its reason."""
    return make_move(actor, order.move, order.params, source=source, rationale=rationale)


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
    ``parameter(name)``: why a value may not name this parameter (not declared), or None.
    """

    actor: str
    order: Callable[[tuple, MoveOrder], list[tuple[tuple, str]]]
    variable: Callable[[str], str | None]
    parameter: Callable[[str], str | None] = lambda name: None


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

"""Explicit world state: actors, theatres, routes and the world's public variables.

State objects are plain mutable dataclasses so that the model can apply changes to them; the
rules never mutate them (they return changes, see engine/core/causal.py). Standing orders
(sanctions in force, transfers, troop cohorts) are immutable tuples replaced as a whole.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from engine.core.streams import StreamStates

# --- standing orders and pipelines -------------------------------------------------------------


class Sanction(NamedTuple):
    """A sanctions package in force: ``sender`` against ``target``."""

    sender: str
    target: str
    package: str  # targeted | sectoral | comprehensive | secondary
    enforcement: float  # 0..1, raised by enforce moves
    since: int


class Transfer(NamedTuple):
    """A standing per-turn transfer from ``payer`` to ``recipient``."""

    payer: str
    recipient: str
    kind: str  # cash | oil | food | technology | payroll | military_aid
    amount: float  # per turn played, in the kind's unit (see engine/moves/catalogue.py)
    since: int


class Cohort(NamedTuple):
    """Troops moving along a route. ``stage``: queued, transit, training, returning."""

    route: str
    stage: str
    troops: int
    turns_left: int


class TradeFlow(NamedTuple):
    """Two-way trade between ``a`` and ``b``, bn USD per year, with sector shares."""

    a: str
    b: str
    volume: float
    sectors: tuple[tuple[str, float], ...]


class BeforeRules(NamedTuple):
    """What the turn's rules compare with: each actor's casualties and who was drawn in when
    the moves had been applied and the rules began (the model takes this snapshot)."""

    casualties: dict[str, int]
    drawn: tuple[str, ...]


class Belief(NamedTuple):
    """A Gaussian belief over log(1 + quantity), with the number of observations fused, and
    over how fast the quantity changes per turn (``rate``, in the same log-units): the level
    and the rate are jointly Gaussian (``cov`` is their covariance), so that an observer who
    watches a deployment grow expects it to go on growing (engine/core/beliefs.py)."""

    mean: float
    var: float
    observations: int
    rate: float = 0.0
    rate_var: float = 0.0
    cov: float = 0.0


# --- actors, theatres, routes ------------------------------------------------------------------


@dataclass(slots=True)
class ActorState:
    id: str
    name: str
    capabilities: frozenset[str]
    theatre: str | None
    # economy
    gdp: float  # bn USD / yr
    trend_growth: float  # % / yr
    growth: float  # % / yr, this turn
    reserves: float  # bn USD
    strain: float  # 0..1
    lost_trade: float  # bn USD / yr, this turn
    transfer_relief: float  # bn USD / yr, this turn (received minus paid)
    regime_income: float  # bn USD / yr, this turn: hard currency the regime captures
    payroll_income: float  # bn USD / yr, this turn: troop pay received, before the regime's cut
    # military
    forces_home: int
    queued: int  # ordered abroad, still at home waiting for transport capacity
    in_transit: int
    deployed: int  # in theatre: training + reserve + front
    front: int  # of deployed, in combat
    reserve: int  # of deployed, off the front line to reconstitute (no combat losses)
    reserve_readiness: float  # 0..1, readiness of the troops in reserve (recovers weekly)
    front_losses: float  # share of the troops at the front killed or wounded this turn, a week
    killed: int
    wounded: int
    mobilised: int
    initial_forces: int
    munitions: float  # shells
    munitions_production: float  # shells / turn
    readiness: float  # 0..1
    effectiveness: float  # combat effectiveness per soldier, 1 = the theatre's norm
    pipeline: tuple[Cohort, ...]
    # politics
    stability: float  # regime stability or public support, 0..1
    stability_baseline: float
    resolve: float
    credibility: float
    repression: float
    # intelligence
    intel_quality: float
    concealment: float
    concealment_boost_turns: int
    denied: bool  # has publicly denied its covert moves (credibility is at stake)
    beliefs: dict[tuple[str, str], Belief]
    # status
    drawn_in: bool
    escalation_points: float  # this turn

    @property
    def casualties(self) -> int:
        return self.killed + self.wounded

    @property
    def troops_abroad(self) -> int:
        """Troops that have left home: in transit, training, in reserve off the line or at the
        front (not those still queued at home for transport)."""
        return self.in_transit + self.deployed

    @property
    def troops_committed(self) -> int:
        """Troops abroad and those waiting at home for transport: what counts against a cap on
        a deployment (an order already given is a commitment)."""
        return self.in_transit + self.deployed + self.queued

    @property
    def casualty_share(self) -> float:
        """The share of the troops sent that were killed or wounded."""
        lost = self.killed + self.wounded
        return lost / (self.in_transit + self.deployed + lost) if lost else 0.0


@dataclass(slots=True)
class TheatreState:
    id: str
    name: str
    side_a: tuple[str, ...]
    side_b: tuple[str, ...]
    front_pressure: float  # -1..1, positive favours side A
    base_intensity: float  # 0..1, the intensity of fighting without new orders
    intensity: float  # 0..1, this turn
    ceasefire: bool


@dataclass(slots=True)
class RouteState:
    id: str
    name: str
    actor: str
    theatre: str
    mode: str
    capacity: float  # troops per turn played, before interdiction
    transit_turns: int
    training_turns: int
    interdiction: float  # 0..1 share of capacity denied this turn
    cost_usd_per_soldier: float = 0.0  # money the actor pays for each soldier who boards


@dataclass(slots=True)
class WorldState:
    turn: int
    date: date
    escalation_level: float  # continuous position on Kahn's ladder, 0..44
    escalation_score: float  # this turn's score: the most escalated pair's (Rivera et al.)
    heat: float  # smoothed excess of score over the baseline
    baseline_score: float
    reference_rung: float  # the rung the ongoing situation sits at when score = baseline
    wider_war_risk: float  # 0..1
    civilian_casualties: int
    displaced: int
    sanctions: tuple[Sanction, ...]
    transfers: tuple[Transfer, ...]
    ceasefire_offers: tuple[tuple[str, str, int], ...]  # (from, theatre, turn)
    public_beliefs: dict[tuple[str, str], Belief]
    # what each actor saw done to it in the last turn adjudicated: actor -> move -> count of
    # the moves by others that named it or one of its routes (engine.moves.catalogue.news).
    # Doctrine rules react to it (``news.<move>``).
    news: dict[str, dict[str, int]] = field(default_factory=dict)
    # who made which kind of scoring move in the last turn adjudicated, (actor, move type); None
    # before the first. The escalation rule counts a move repeated from it as an activity that
    # goes on through the turn (engine/rules/escalation.py).
    last_orders: frozenset | None = None
    # this turn's inputs to the rules, set by the model while they run and cleared after: the
    # moves adjudicated (accepted) and the snapshot taken when the rules began. Not needed to
    # continue a game, so not compared.
    orders: tuple = field(default=(), compare=False)
    before_rules: BeforeRules = field(default_factory=lambda: BeforeRules({}, ()),
                                      compare=False)
    # fixed for the run: how many actors were drawn in at the start, whom each one's unaimed
    # moves escalate against (engine/rules/escalation.py), parameters, relations and the
    # clock step
    initially_drawn: int = 0
    opponents: dict[str, tuple[str, ...]] = field(default_factory=dict)
    params: dict[str, float] = field(default_factory=dict)
    alliances: dict[str, frozenset[str]] = field(default_factory=dict)  # actor -> allies
    # (actor, ally) -> how strongly the actor is bound to fight for the ally, 0..1
    commitments: dict[tuple[str, str], float] = field(default_factory=dict)
    hostility: dict[tuple[str, str], float] = field(default_factory=dict)  # both orders
    trade: tuple[TradeFlow, ...] = ()
    days_per_turn: int = 7
    # the scenario's amounts per turn are written per clock.rate_days: a turn lasts this many
    # of those periods (engine/scenario/schema.py, Clock.rate_scale); rules read weeks instead
    rate_scale: float = 1.0
    actors: dict[str, ActorState] = field(default_factory=dict)
    theatres: dict[str, TheatreState] = field(default_factory=dict)
    routes: dict[str, RouteState] = field(default_factory=dict)
    # memo of results that depend only on fixed data and standing orders (move references,
    # trade blocked by a given set of sanctions); never part of the game's state
    memo: dict = field(default_factory=dict, compare=False, repr=False)
    # False in lean batch runs: rules skip composing the sentences of the causal log
    explain: bool = field(default=True, compare=False, repr=False)

    @property
    def escalation_rung(self) -> int:
        return int(self.escalation_level)

    def resolve(self, target: str):
        """Return the object a ``Change.target`` names: an actor id, "world",
        "theatre:<id>" or "route:<id>"."""
        obj = self.actors.get(target)
        if obj is not None:
            return obj
        if target == "world":
            return self
        if target.startswith("theatre:"):
            return self.theatres[target[8:]]
        return self.routes[target[6:]]

    def name_of(self, actor_id: str) -> str:
        """An actor's name for sentences people read; for a party that is not an actor (a
        trade partner only) its id in words: "rest_of_world" reads "rest of world"."""
        a = self.actors.get(actor_id)
        return a.name if a is not None else actor_id.replace("_", " ")

    def possessive_of(self, actor_id: str) -> str:
        """ "Russia's", "the United States'": an actor's name in the possessive."""
        return possessive(self.name_of(actor_id))

    def copy(self) -> WorldState:
        return copy.deepcopy(self)

    @property
    def drawn_in(self) -> tuple[str, ...]:
        return tuple([a.id for a in self.actors.values() if a.drawn_in])


@dataclass
class GameState:
    """Everything needed to continue a game, as one value: the world, the game's length, each
    actor's policy with its memory, the run's bookkeeping (extremes and named outcomes so
    far), the injects still to come beyond the scenario's own and those skipped, and
    (optionally) the generators' states. ``BrinkModel(scenario, game=...)`` continues it: with
    the generators' states exactly as it would have gone on, with a new ``rng`` as a new
    future (the futures, a fork). ``BrinkModel.game_state()`` takes one from a model."""

    world: WorldState
    turns: int  # the game's last turn
    policies: dict  # actor id -> engine.policies.Policy
    extremes: dict[str, float] = field(default_factory=dict)
    outcomes_hit: dict[str, bool] = field(default_factory=dict)
    extra_injects: dict[int, list] = field(default_factory=dict)  # turn -> [Inject, ...]
    skipped_injects: set[str] = field(default_factory=set)
    # the seed and the state of each named random stream (engine/core/streams.py); None: not kept
    generators: StreamStates | None = None


def source_name(source: str, names: dict[str, str]) -> str:
    """Who an inject is from, as people read it: an actor by its name, anything else by its
    id with spaces ("white_cell" -> "White cell", "press" -> "Press")."""
    if source in names:
        return names[source]
    text = str(source).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def in_sentence(name: str) -> str:
    """A name inside a sentence: "The West (...)" reads "the West (...)" there."""
    return "the" + name[3:] if name.startswith("The ") else name


def short_name(name: str) -> str:
    """A name without what its brackets add, for the classroom: "The West (US, EU, UK, South
    Korea, Japan)" reads "The West"."""
    cut = name.find(" (")
    return name[:cut] if cut > 0 and name.endswith(")") else name


def possessive(name: str) -> str:
    """A name in the possessive for sentences: "Russia's", "United States'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"

"""The scenario format: a validated, typed model of a scenario YAML file.

Field names carry their units (``gdp_bn``: billions of USD per year). ``extra="forbid"``
everywhere, so a misspelt field is an error rather than a silently ignored default. Cross
references (actor ids, theatres, routes, moves) are checked by ``check_references`` in
engine/scenario/loader.py, which can name the exact field path of the culprit.

The schema of an actor's ``policy`` is not declared here: each policy class in
engine/policies/ declares its own (``Policy.spec``), and ``AnyPolicySpec`` is the union of
those of the registered policies, told apart by ``kind``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from engine.policies import AnyPolicySpec, default_policy_spec
from engine.scenario.spec_base import Id, MoveOrder, Strict


@dataclass(frozen=True)
class ScenarioLimits:
    """Every limit on what a scenario file may hold: one table, documented in
    docs/reference/limits.md ("Scenario files") and docs/how-to/write-a-scenario.md ("Limits").

    The loader checks the structural limits while the YAML streams past, before anything is
    built, so input above them is refused at once, and the cost of loading stays in proportion
    to the file. The largest shipped scenario holds about 930 values, nests 9 levels deep, has
    no list longer than 14 items, no text longer than 2,500 characters and 3 options per lever;
    the limits leave it room many times over.
    """

    bytes: int = 5 * 1024 * 1024  # the file
    nodes: int = 50_000  # keys, values and list items in the file, anchors and aliases expanded
    depth: int = 100  # nesting of mappings and lists; a scenario needs about ten
    list_items: int = 1_000  # items in any one list (injects, trade links, rules, ...)
    mapping_keys: int = 100  # keys in any one mapping (the top level, parameters, ...)
    text_chars: int = 20_000  # characters in any one text (a briefing, an inject's text, ...)
    key_chars: int = 100  # characters in any one key (a field, parameter or lever name)
    actors: int = 40
    levers: int = 20
    lever_options: int = 50  # options of one lever
    lever_options_total: int = 100  # options of all levers together; each is checked at load
    turns: int = 520  # clock.turns: ten years of weeks
    days_per_turn: int = 31  # clock.days_per_turn
    # clock.start + turns x days_per_turn must not pass date.max (9999-12-31)


LIMITS = ScenarioLimits()

Share = Annotated[float, Field(ge=0.0, le=1.0)]


class Capability(StrEnum):
    """What an actor may do; each move in the catalogue requires one (or none)."""

    BELLIGERENT = "belligerent"  # fights in a theatre: operations, deep strikes, mobilisation
    EXPEDITIONARY = "expeditionary"  # sends troops abroad along its routes
    SANCTIONER = "sanctioner"  # imposes and enforces sanctions
    PATRON = "patron"  # pays for support and gives military aid
    ARMS_SUPPLIER = "arms_supplier"  # ships munitions to others
    NAVAL = "naval"  # can interdict routes at sea
    NUCLEAR = "nuclear"  # nuclear signalling and use
    UN_VETO = "un_veto"  # permanent member of the UN Security Council


class Clock(Strict):
    start: date
    days_per_turn: int = Field(7, ge=1, le=LIMITS.days_per_turn)
    turns: int = Field(52, ge=1, le=LIMITS.turns)
    rate_days: int = Field(
        7, ge=1, le=LIMITS.days_per_turn,
        description="The days the file's amounts per turn are written for (route capacities "
        "and lags, munitions production, standing transfers and the amounts of moves made every "
        "turn, rule chances, aim steps): 7, a week, unless the file says otherwise. The engine "
        "converts them to the turn played, so changing days_per_turn alone keeps their meaning")

    @property
    def rate_scale(self) -> float:
        """How many of the file's rate periods (``rate_days``) one turn lasts: the engine
        multiplies the file's amounts per turn by it (1: the turn is the period they are for)."""
        return self.days_per_turn / self.rate_days

    @model_validator(mode="after")
    def _last_turn_has_a_date(self):
        """The date of every turn (start + turn x days_per_turn) exists: a run never overflows."""
        days = self.turns * self.days_per_turn
        if (date.max - self.start).days < days:
            latest = date.fromordinal(date.max.toordinal() - days)
            raise PydanticCustomError(
                "date_out_of_range",
                f"start {self.start.isoformat()} leaves no room for {self.turns} turns of "
                f"{self.days_per_turn} days: the last turn would fall after "
                f"{date.max.isoformat()}, the last date the engine can represent; start on "
                f"{latest.isoformat()} or earlier, or play fewer turns",
                {"field": "start"})  # the loader reports it at clock.start
        return self


class Economy(Strict):
    gdp_bn: float = Field(gt=0, description="GDP, billions of USD per year")
    trend_growth_pct: float = Field(ge=-20, le=20, description="Trend real growth, % per year")
    reserves_bn: float = Field(0.0, ge=0, description="Usable foreign reserves, bn USD")
    strain: Share = Field(0.0, description="Initial economic strain, 0..1")


class Military(Strict):
    forces_home: int = Field(ge=0, le=5_000_000, description="Active troops at home")
    deployed: int = Field(0, ge=0, le=5_000_000, description="Troops already in the theatre")
    theatre: Id | None = Field(None, description="Theatre where this actor's forces fight")
    munitions: float = Field(0.0, ge=0, description="Artillery shells in stock")
    munitions_production: float = Field(0.0, ge=0, description="Shells produced per turn "
                                        "(of clock.rate_days)")
    readiness: Share = 0.7
    effectiveness: float = Field(1.0, ge=0.0, le=3.0, description="1 = theatre norm")
    engaged: bool = Field(False, description="Already a party to the conflict at the start")


class Politics(Strict):
    stability: Share = Field(0.7, description="Regime stability or public support")
    resolve: Share = 0.5
    credibility: Share = 0.5
    repression: Share = Field(0.0, description="Capacity to suppress dissent")


class Intelligence(Strict):
    quality: Share = Field(0.5, description="How well this actor observes others")
    concealment: Share = Field(0.3, description="How well this actor hides its own moves")


class UtilityWeights(Strict):
    security: float = Field(1.0, ge=0, le=10)
    economy: float = Field(1.0, ge=0, le=10)
    regime: float = Field(1.0, ge=0, le=10)
    reputation: float = Field(0.5, ge=0, le=10)
    escalation_aversion: float = Field(1.0, ge=0, le=10)


class Actor(Strict):
    id: Id
    name: str = Field(min_length=1)
    description: str = ""
    capabilities: list[Capability] = Field(default_factory=list)
    economy: Economy
    military: Military
    politics: Politics = Politics()
    intelligence: Intelligence = Intelligence()
    utility: UtilityWeights = UtilityWeights()
    policy: AnyPolicySpec = Field(default_factory=default_policy_spec)


class Alliance(Strict):
    name: str
    members: list[Id] = Field(min_length=2)
    commitment: float = Field(
        1.0, ge=0, le=1,
        description="How strongly the members are bound to fight for each other when one is "
                    "attacked: 1 a mutual-defence treaty (NATO's Article 5, the 2024 Russia-North "
                    "Korea treaty's Article 4), 0 a group that arms and pays but does not fight")


class Sector(StrEnum):
    ENERGY = "energy"
    FOOD = "food"
    ARMS = "arms"
    MANUFACTURES = "manufactures"
    RAW_MATERIALS = "raw_materials"
    FINANCE = "finance"
    OTHER = "other"


REST_OF_WORLD = "rest_of_world"  # an implicit trade partner that never sanctions anyone


class TradeLink(Strict):
    between: list[Id] = Field(
        min_length=2, max_length=2,
        description=f"Two actor ids; '{REST_OF_WORLD}' stands for every partner not modelled",
    )
    volume_bn: float = Field(gt=0, le=10_000, description="Two-way trade, bn USD per year")
    sectors: dict[Sector, Share] = Field(
        default_factory=lambda: {Sector.OTHER: 1.0}, description="Share of volume by sector"
    )

    @model_validator(mode="after")
    def _shares_sum_to_one(self):
        total = sum(self.sectors.values())
        if abs(total - 1.0) > 0.01:
            raise ValueError(f"sector shares must sum to 1 (they sum to {total:.3f})")
        return self


class Hostility(Strict):
    between: list[Id] = Field(min_length=2, max_length=2)
    level: Share


class SanctionInForce(Strict):
    sender: Id
    target: Id
    package: Literal["targeted", "sectoral", "comprehensive", "secondary"]
    enforcement: Share = 0.6


class TransferInForce(Strict):
    payer: Id
    recipient: Id
    kind: Literal["cash", "oil", "food", "technology", "payroll", "military_aid"]
    amount: float = Field(ge=0, description="Per turn (of clock.rate_days), in the unit of "
                          "its kind (brink moves)")


class Relations(Strict):
    alliances: list[Alliance] = Field(default_factory=list)
    trade: list[TradeLink] = Field(default_factory=list)
    hostility: list[Hostility] = Field(default_factory=list)


class Theatre(Strict):
    id: Id
    name: str
    sides: list[list[Id]] = Field(min_length=2, max_length=2)
    front_pressure: float = Field(0.0, ge=-1, le=1, description="Positive favours sides[0]")
    intensity: Share = Field(0.5, description="Intensity of fighting with no new orders")


class Route(Strict):
    id: Id
    name: str
    actor: Id = Field(description="The actor whose troops use the route")
    theatre: Id
    mode: Literal["rail", "sea", "air", "road", "mixed"]
    capacity_per_turn: float = Field(gt=0, le=1_000_000, description="Troops per turn (of "
                                     "clock.rate_days)")
    transit_turns: int = Field(ge=0, le=52, description="Turns (of clock.rate_days) in transit")
    training_turns: int | None = Field(None, ge=0, le=52, description="Turns (of "
                                       "clock.rate_days) of training; default: training_weeks")
    cost_usd_per_soldier: float = Field(
        0.0, ge=0, le=100_000, description="Money the actor pays to carry one soldier along the "
        "route (USD), when the soldier boards; 0: carried at no cost to it")


class Uncertainty(Strict):
    distribution: Literal["uniform", "triangular", "normal", "lognormal"]
    low: float
    high: float
    mode: float | None = None

    @model_validator(mode="after")
    def _ordered(self):
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be less than high ({self.high})")
        if self.mode is not None and not self.low <= self.mode <= self.high:
            raise ValueError(f"mode ({self.mode}) must lie between low and high")
        return self


class ParameterValue(Strict):
    """A model parameter set for this scenario, or a parameter of the scenario's own: a
    decision threshold, a reaction strength or an appetite of one of its actors, read by its
    policies as ``param.<name>`` (or by name where a rule takes a value). A parameter of its own
    gives its plausible range (``low``, ``high``); batches sample it like any other when it
    has an ``uncertainty``."""

    value: float
    unit: str | None = None
    source: str = Field(min_length=1, description="Where the value comes from")
    uncertainty: Uncertainty | None = None
    low: float | None = Field(None, description="A parameter of the scenario's own: its "
                              "plausible least value")
    high: float | None = Field(None, description="A parameter of the scenario's own: its "
                               "plausible greatest value")
    description: str | None = Field(None, max_length=500,
                                    description="What a parameter of the scenario's own decides")
    owner: Id | None = Field(None, description="A parameter of the scenario's own that is one "
                             "actor's private judgement (its appetite, its threshold): only "
                             "that actor's policy may read it")


class InjectEffect(Strict):
    target: str = Field(description="An actor id, 'world' or 'theatre:<id>'")
    var: str
    op: Literal["set", "add", "mul"] = "add"
    value: float


class Inject(Strict):
    id: Id
    turn: int = Field(ge=1)
    from_: str = Field("white_cell", alias="from")
    to: list[str] = Field(default_factory=lambda: ["all"])
    text: str = Field(min_length=1)
    effects: list[InjectEffect] = Field(default_factory=list)
    moves: list[MoveOrder] = Field(default_factory=list, description="Moves made for actors")
    expected_actions: list[str] = Field(default_factory=list)


class Outcome(Strict):
    id: Id
    name: str
    metric: str = Field(description="e.g. world.escalation_rung, north_korea.deployed")
    direction: Literal["above", "below"]
    threshold: float
    when: Literal["end", "ever"] = Field("ever", description="At the last turn, or at any turn")
    turn: int | None = Field(None, ge=0, description="Evaluate at this turn only (overrides "
                             "'when'); a shorter run that never reaches it counts as not met")


LeverValue = str | int | float


class Lever(Strict):
    """A policy option referred to as ``$<id>`` in the file; see engine/scenario/levers.py."""

    label: str = Field("", description="A short name for reports and the app, e.g. "
                       "\"West's added sanctions\" (default: the id with spaces)")
    description: str = ""
    options: list[LeverValue] = Field(min_length=1)
    default: LeverValue

    @model_validator(mode="after")
    def _default_is_an_option(self):
        if self.default not in self.options:
            raise ValueError(f"default {self.default!r} is not one of the options "
                             f"{self.options}")
        if len(set(map(str, self.options))) != len(self.options):
            raise ValueError("options must be distinct")
        return self


class DiscussionQuestion(Strict):
    """A question for the room: after a turn, or (``turn: null``) in the hotwash after play."""

    turn: int | None = Field(None, ge=0, description="Ask it after this turn (0 = before the "
                             "first turn); null = in the hotwash after play")
    question: str = Field(min_length=1)


class Debrief(Strict):
    """The honest end of a lesson: what the model shows, what it leaves out, what happened."""

    model_shows: str = Field(min_length=1, description="What this run of the model shows")
    left_out: str = Field(min_length=1, description="What the model leaves out or simplifies")
    what_happened: str = Field(min_length=1, description="How the real events went, with sources")


class TeacherStep(Strict):
    minutes: int = Field(ge=1, le=120, description="How long this part of the class takes")
    activity: str = Field(min_length=1)


class LessonChoice(Strict):
    """A plain-language option for the class, mapped to one catalogue move of one actor."""

    label: str = Field(min_length=1, description="What students read, e.g. 'Cut off its banks'")
    actor: Id = Field(description="The actor the class plays when it makes this choice")
    move: MoveOrder = Field(description="The move, written as in a doctrine or an inject")


class Lesson(Strict):
    """Classroom material that ships with a scenario (a lesson pack)."""

    objectives: list[str] = Field(min_length=1, description="What students should learn")
    student_briefing: str = Field(min_length=1, description="What students read first")
    debrief: Debrief
    teacher_notes: list[TeacherStep] = Field(
        min_length=1, description="The class plan, step by step, with minutes")
    choices: list[LessonChoice] = Field(
        default_factory=list, description="A menu of moves in plain words for the class")


class EscalationSetup(Strict):
    initial_rung: float = Field(0.0, ge=0, le=44)
    baseline_score: float = Field(
        0.0, ge=-10, le=100, description="Score per turn of the ongoing war (no change): the "
        "points of the moves made every turn, averaged over the parties"
    )


class Scenario(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True,
                              allow_inf_nan=False)

    id: Id
    title: str = Field(min_length=1)
    version: int = Field(1, ge=1)
    briefing: str = Field(min_length=1)
    teaching_notes: str = ""
    clock: Clock
    escalation: EscalationSetup = EscalationSetup()
    actors: list[Actor] = Field(min_length=2, max_length=LIMITS.actors)
    relations: Relations = Relations()
    theatres: list[Theatre] = Field(default_factory=list)
    routes: list[Route] = Field(default_factory=list)
    sanctions: list[SanctionInForce] = Field(
        default_factory=list, description="Sanctions already in force at the start")
    transfers: list[TransferInForce] = Field(
        default_factory=list, description="Standing transfers already flowing at the start")
    parameters: dict[str, ParameterValue] = Field(default_factory=dict)
    injects: list[Inject] = Field(default_factory=list, description="The MSEL")
    outcomes: list[Outcome] = Field(default_factory=list)
    levers: dict[Id, Lever] = Field(
        default_factory=dict, description="Policy options, referred to as $<id> in the file")
    discussion: list[DiscussionQuestion] = Field(
        default_factory=list, description="Questions per turn for the class or the hotwash")
    lesson: Lesson | None = Field(None, description="Lesson material: objectives, briefing, "
                                  "debrief, teacher notes, plain-language choices")

    def actor(self, actor_id: str) -> Actor:
        return next(a for a in self.actors if a.id == actor_id)

    @property
    def actor_ids(self) -> list[str]:
        return [a.id for a in self.actors]

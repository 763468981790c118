"""The Mesa shell: one agent per actor, turn phases in the turn order of
docs/explanation/how-brink-works.md.

    1. events        scheduled MSEL injects (and any the facilitator added)
    2. intelligence  noisy observations update beliefs and produce labelled reports
    3. decisions     each agent's policy chooses moves from what it believes
    4. adjudication  moves are validated and applied, then logistics, economy, military,
                     politics, escalation, each a pure rule in engine/rules/
    5. recording     tidy per-turn rows, the causal log, the event feed

Randomness: every draw comes from a stream named for what it decides (``model.streams``,
engine/core/streams.py): each observer's looks at each actor, each actor's losses, accidents,
each policy. A stream depends on the seed and its name only, so an actor that does nothing
changes nobody's luck, two variants on one seed share their luck wherever they agree, and
replaying a recorded move log with scripted policies reproduces the adjudication draws exactly.
(Mesa's ``model.rng`` is seeded too, but nothing in a game draws from it.)
"""

from __future__ import annotations

import copy
import math
from dataclasses import replace
from datetime import timedelta

import mesa
import pandas as pd

from engine import rules
from engine.core.causal import INJECT, LOG_COLUMNS, CausalLog, Cause, Change, apply_changes, note
from engine.core.ladder import RUNG_NAMES
from engine.core.parameters import resolve
from engine.core.state import (
    ActorState,
    BeforeRules,
    Belief,
    Cohort,
    GameState,
    RouteState,
    Sanction,
    TheatreState,
    TradeFlow,
    Transfer,
    WorldState,
    source_name,
)
from engine.core.streams import Streams
from engine.core.variables import RANGES, RECORDED, belief_estimate, read
from engine.moves.catalogue import (
    CATALOGUE,
    FLOW_KINDS,
    Move,
    MoveType,
    Visibility,
    at_turn_length,
    make_move,
    news,
    validate,
    with_id,
)
from engine.narrate.notes import move_params, sentence, unlabelled
from engine.policies import HumanPolicy, Observation, Policy, ScriptedPolicy, build_policy
from engine.rules.escalation import escalation_opponents
from engine.rules.intelligence import QUANTITY, label, observation_reports, watched
from engine.scenario.schema import Inject, Scenario

# What the per-turn frame records, in order: the table of variables' ``recorded`` rows.
RECORDED_ACTOR_VARS = RECORDED["actor"]
RECORDED_WORLD_VARS = RECORDED["world"]
RECORDED_THEATRE_VARS = RECORDED["theatre"]
FRAME_COLUMNS = ["turn", "date", "actor", "variable", "value"]
# The adjudication rules in the turn order (docs/explanation/how-brink-works.md), each
# ``engine.rules.<phase>(state, params, rng) -> changes`` (intelligence runs earlier, before
# decisions). Looked up by name each turn, so that a test can replace one.
RULE_ORDER = ("logistics", "economy", "military", "politics", "escalation")
INITIAL_BELIEF_SD = 0.2  # the status quo at the start is known with confidence


def initial_state(spec: Scenario, params: dict[str, float]) -> WorldState:
    """The world at turn 0, from a validated scenario."""
    actors = {}
    expeditionary = [a.id for a in spec.actors if "expeditionary" in a.capabilities]
    # the file's amounts per turn are per clock.rate_days; a turn lasts `scale` of those
    scale = spec.clock.rate_scale
    for a in spec.actors:
        e, m, pol, intel = a.economy, a.military, a.politics, a.intelligence
        beliefs = {(t, QUANTITY): Belief(0.0, INITIAL_BELIEF_SD ** 2, 0)
                   for t in expeditionary if t != a.id}
        actors[a.id] = ActorState(
            id=a.id, name=a.name, capabilities=frozenset(str(c) for c in a.capabilities),
            theatre=m.theatre, gdp=e.gdp_bn, trend_growth=e.trend_growth_pct,
            growth=e.trend_growth_pct, reserves=e.reserves_bn, strain=e.strain, lost_trade=0.0,
            transfer_relief=0.0, regime_income=0.0, payroll_income=0.0, forces_home=m.forces_home,
            queued=0, in_transit=0,
            deployed=m.deployed, front=m.deployed, reserve=0, reserve_readiness=m.readiness,
            front_losses=0.0, killed=0, wounded=0, mobilised=0,
            initial_forces=m.forces_home + m.deployed, munitions=m.munitions,
            munitions_production=m.munitions_production * scale, readiness=m.readiness,
            effectiveness=m.effectiveness, pipeline=(), stability=pol.stability,
            stability_baseline=pol.stability, resolve=pol.resolve, credibility=pol.credibility,
            repression=pol.repression, intel_quality=intel.quality,
            concealment=intel.concealment, concealment_boost_turns=0, denied=False,
            beliefs=beliefs, drawn_in=m.engaged, escalation_points=0.0,
        )
    # What everyone knows at the start: troops already abroad are common knowledge.
    for a in actors.values():
        a.beliefs = {(t, q): Belief(math.log1p(actors[t].troops_abroad), b.var, 0)
                     for (t, q), b in a.beliefs.items()}
    public = {(t, QUANTITY): Belief(math.log1p(actors[t].troops_abroad),
                                    INITIAL_BELIEF_SD ** 2, 0) for t in expeditionary}
    alliances: dict[str, set[str]] = {a: set() for a in actors}
    commitments: dict[tuple[str, str], float] = {}
    for alliance in spec.relations.alliances:
        for member in alliance.members:
            alliances[member] |= set(alliance.members) - {member}
            for other in alliance.members:
                if other != member:  # the strongest bond when two alliances overlap
                    commitments[(member, other)] = max(
                        commitments.get((member, other), 0.0), alliance.commitment)
    hostility = {}
    for h in spec.relations.hostility:
        a, b = h.between
        hostility[(a, b)] = hostility[(b, a)] = h.level
    trade = tuple(TradeFlow(t.between[0], t.between[1], t.volume_bn,
                            tuple((str(k), v) for k, v in t.sectors.items()))
                  for t in spec.relations.trade)
    theatres = {t.id: TheatreState(t.id, t.name, tuple(t.sides[0]), tuple(t.sides[1]),
                                   t.front_pressure, t.intensity, t.intensity, False)
                for t in spec.theatres}
    weeks = spec.clock.days_per_turn / 7
    routes = {r.id: RouteState(
        r.id, r.name, r.actor, r.theatre, r.mode, r.capacity_per_turn * scale,
        _turns(r.transit_turns, scale),
        _turns(r.training_turns, scale) if r.training_turns is not None
        else max(0, round(params["training_weeks"] / weeks)), 0.0, r.cost_usd_per_soldier)
        for r in spec.routes}
    return WorldState(
        turn=0, date=spec.clock.start, escalation_level=spec.escalation.initial_rung,
        escalation_score=0.0, heat=0.0, baseline_score=spec.escalation.baseline_score,
        reference_rung=spec.escalation.initial_rung, wider_war_risk=0.0,
        civilian_casualties=0, displaced=0,
        sanctions=tuple(Sanction(x.sender, x.target, x.package, x.enforcement, 0)
                        for x in spec.sanctions),
        transfers=tuple(Transfer(x.payer, x.recipient, x.kind,
                                 x.amount * scale if x.kind in FLOW_KINDS else x.amount, 0)
                        for x in spec.transfers),
        ceasefire_offers=(),
        public_beliefs=public, params=params,
        alliances={k: frozenset(v) for k, v in alliances.items()}, commitments=commitments,
        hostility=hostility,
        trade=trade, days_per_turn=spec.clock.days_per_turn, rate_scale=scale, actors=actors,
        theatres=theatres,
        routes=routes,
    )


def _turns(periods: int, scale: float) -> int:
    """A lag of ``periods`` of the file's rate periods, in whole turns of ``scale`` periods
    (to the nearest, halves up: a one-week transit in a two-week turn takes a turn)."""
    return periods if scale == 1 else math.floor(periods / scale + 0.5)


class StateAgent(mesa.Agent):
    """A state actor: its policy and the policy's own random stream. State lives in the world."""

    def __init__(self, model: BrinkModel, actor_id: str, policy: Policy, rng):
        super().__init__(model)
        self.actor_id = actor_id
        self.policy = policy
        self.policy_rng = rng

    def decide(self, into: dict[str, list[Move]]) -> None:
        obs = Observation(self.model.state, self.actor_id)
        into[self.actor_id] = self.policy.decide(obs, self.policy_rng)


class GameOver(Exception):
    """Raised when stepping a model that has played all its turns."""


class BrinkModel(mesa.Model):
    """A game of one scenario. ``rng`` is the seed (int or SeedSequence)."""

    def __init__(self, scenario: Scenario, rng=None, parameters: dict[str, float] | None = None,
                 policies: dict[str, Policy] | None = None, turns: int | None = None,
                 record: bool = True, frame: bool | None = None,
                 frame_vars: frozenset[str] | None = None, game: GameState | None = None):
        """A new game of ``scenario`` at turn 0, or, with ``game``, that game continued (it is
        taken over, not copied): with a new ``rng`` as a new future; with ``rng=None`` and the
        generators' states the game holds, exactly as it would have gone on."""
        super().__init__(rng=rng)
        self.spec = scenario  # Mesa reserves `scenario`
        fresh = game is None
        if fresh:
            overrides = {k: v.value for k, v in scenario.parameters.items()}
            overrides.update(parameters or {})
            world = initial_state(scenario, resolve(overrides, own=scenario.parameters))
            world.initially_drawn = len(world.drawn_in)
            world.opponents = escalation_opponents(world)
            chosen = policies or {}
            game = GameState(
                world, turns if turns is not None else scenario.clock.turns,
                {a.id: chosen.get(a.id) or build_policy(a) for a in scenario.actors},
                outcomes_hit={o.id: False for o in scenario.outcomes})
        self.game = game
        self.state.explain = record
        self.record = record  # causal log, event feed and their sentences
        self.keep_frame = record if frame is None else frame  # the per-turn rows
        # which variables the per-turn rows keep (every estimate is always kept): a batch with
        # --per-turn wants the headline figures only, and recording no more is cheaper
        self._frame_vars = tuple(
            names if frame_vars is None else tuple(n for n in names if n in frame_vars)
            for names in (RECORDED_ACTOR_VARS, RECORDED_WORLD_VARS, RECORDED_THEATRE_VARS))
        self.log = CausalLog(tell=sentence)
        self.move_log: list[Move] = []
        self.refused: list[tuple[Move, str]] = []  # (move, why the engine refused it)
        self.events: list[dict] = []
        # the intelligence reports as data (the feed's "report" events carry them as text)
        self.reports: list[dict] = []
        self.rows: list[tuple] = []
        if rng is None and game.generators is not None:  # continue the game's own streams
            self.streams = Streams(states=game.generators)
        else:
            self.streams = Streams(rng)
        for actor_spec in scenario.actors:
            StateAgent(self, actor_spec.id, game.policies[actor_spec.id],
                       self.streams.of(f"policy:{actor_spec.id}"))
        self._extreme_keys = [(a, f"max.{a}.strain", f"min.{a}.stability",
                               f"max.{a}.troops_abroad") for a in self.state.actors]
        self.running = self.state.turn < self.turns
        if fresh:
            self._record()

    # --- the game's state: one value (GameState), read through these names ----------------

    @property
    def state(self) -> WorldState:
        return self.game.world

    @property
    def params(self) -> dict[str, float]:
        return self.game.world.params

    @property
    def turns(self) -> int:
        return self.game.turns

    @property
    def extremes(self) -> dict[str, float]:
        return self.game.extremes

    @property
    def outcomes_hit(self) -> dict[str, bool]:
        return self.game.outcomes_hit

    @property
    def extra_injects(self) -> dict[int, list[Inject]]:
        return self.game.extra_injects

    @property
    def skipped_injects(self) -> set[str]:
        return self.game.skipped_injects

    def game_state(self) -> GameState:
        """This game as one value, a copy that shares nothing with the model: what
        ``BrinkModel(scenario, game=...)`` continues, exactly (the generators' states are
        kept) or as a new future (with a new ``rng``). The world's cache is left behind."""
        memo, self.state.memo = self.state.memo, {}
        try:
            game = copy.deepcopy(self.game)
        finally:
            self.state.memo = memo
        game.generators = self.streams.states()
        return game

    # --- public API -----------------------------------------------------------------------

    @property
    def agents_by_actor(self) -> dict[str, StateAgent]:
        return {a.actor_id: a for a in self.agents}

    def submit(self, actor_id: str, moves: list[Move]) -> None:
        """Queue a human team's moves for the next turn (the actor must play ``human``)."""
        policy = self.agents_by_actor[actor_id].policy
        if not isinstance(policy, HumanPolicy):
            raise ValueError(f"{actor_id} is played by the '{policy.name}' policy, not a human")
        policy.submit(moves)

    def check(self, move: Move) -> str | None:
        """Why ``move`` would be refused now, or None."""
        return validate(self.state, move)

    def add_inject(self, inject: Inject) -> None:
        """An ad-hoc inject from the facilitator, applied at the start of its turn."""
        self.extra_injects.setdefault(inject.turn, []).append(inject)

    def run(self) -> BrinkModel:
        while self.running:
            self.step()
        return self

    def step(self) -> None:
        if self.state.turn >= self.turns:
            self.running = False
            raise GameOver(f"all {self.turns} turns have been played")
        s = self.state
        s.turn += 1
        s.date = self.spec.clock.start + timedelta(days=s.turn * s.days_per_turn)
        inject_moves = self._events_phase()
        self._intelligence_phase()
        decided: dict[str, list[Move]] = {}
        self.agents.do(StateAgent.decide, decided)
        self._adjudicate(inject_moves, decided)
        self._record()
        if s.turn >= self.turns:
            self.running = False

    # --- phases ---------------------------------------------------------------------------

    def _apply(self, changes: list[Change], phase: str) -> None:
        world = self.game.world
        apply_changes(world, changes, self.log if self.record else None, world.turn, phase)

    def _event(self, kind: str, text: str, actor: str = "", visibility: str = "public") -> None:
        if self.record:
            self.events.append({"turn": self.state.turn, "kind": kind, "actor": actor,
                                "text": text, "visibility": visibility})

    def _events_phase(self) -> list[Move]:
        turn = self.state.turn
        moves: list[Move] = []
        scheduled = [i for i in self.spec.injects if i.turn == turn]
        for inject in scheduled + self.extra_injects.get(turn, []):
            if inject.id in self.skipped_injects:
                continue
            sender = source_name(inject.from_, {a: s.name for a, s in self.state.actors.items()})
            self._event("inject", f"Inject from {sender}: {inject.text}", inject.from_)
            cause = Cause(INJECT, inject.id, note("inject", text=inject.text))
            changes = []
            for eff in inject.effects:
                changes += self._inject_effect(eff, cause)
            self._apply(changes, "events")
            moves += [make_move(o.actor, o.move, at_turn_length(
                o.move, o.params, self.state.rate_scale, standing=False), source="inject")
                for o in inject.moves]
        return moves

    def _inject_effect(self, eff, cause: Cause) -> list[Change]:
        target = eff.target
        obj = self.state.resolve(target)
        before = getattr(obj, eff.var)
        value = {"set": eff.value, "add": before + eff.value, "mul": before * eff.value}[eff.op]
        if isinstance(before, bool):
            value = bool(value)
        elif isinstance(before, int):
            value = max(0, round(value))
        elif eff.var in RANGES:
            low, high = RANGES[eff.var]
            value = min(high, max(low, value))
        else:
            value = max(0.0, value) if before >= 0 else value
        changes = [(target, eff.var, value, cause)]
        if eff.var == "forces_home":  # troops appear or vanish at home: book as mobilisation
            changes.append((target, "mobilised", obj.mobilised + value - before, cause))
        return changes

    def _intelligence_phase(self) -> None:
        changes = rules.intelligence(self.state, self.state.params, self.streams)
        reports = observation_reports(self.state, changes) if self.record else []
        self._apply(changes, "intelligence")
        for r in reports:
            report = r.pop("note")
            self._event("report", sentence(report, self.state), r["observer"], "private")
            self.reports.append({**r, "text": sentence(unlabelled(report), self.state)})

    def _adjudicate(self, inject_moves: list[Move], decided: dict[str, list[Move]]
                    ) -> list[Move]:
        s = self.state
        queue = list(inject_moves)
        for actor_id in s.actors:
            queue += decided.get(actor_id, [])
        orders: list[Move] = []
        for k, move in enumerate(queue, start=1):
            move = with_id(move, f"t{s.turn}.{move.actor}.{k}")
            reason = validate(s, move)
            spec = CATALOGUE[move.type]
            if reason:
                self.refused.append((move, reason))
                if self.record:
                    self._event("rejected", f"{s.possessive_of(move.actor)} move "
                                f"'{spec.label}' refused: {reason}", move.actor, "private")
                continue
            effects = spec.effect(s, move)
            self._apply(effects, "moves")
            orders.append(move)
            self.move_log.append(move)
            if self.record and move.type is not MoveType.HOLD:
                self._event("move", f"{s.actors[move.actor].name}: {spec.label}"
                            + (f" ({move_params(move, s)})" if move.params else ""),
                            move.actor, spec.visibility.value)
            if move.type is MoveType.UN_ACTION and not effects:
                self._event("move", f"UN action against "
                            f"{s.actors[move.params['target']].name} is vetoed",
                            move.actor)
        # the rules' inputs from this turn: the orders adjudicated and where the rules began
        s.orders = tuple(orders)
        s.before_rules = BeforeRules({a.id: a.casualties for a in s.actors.values()},
                                     s.drawn_in)
        level_before = s.escalation_rung
        params, rng = s.params, self.streams
        for phase in RULE_ORDER:
            self._apply(getattr(rules, phase)(s, params, rng), phase)
        for a in s.drawn_in:
            if a not in s.before_rules.drawn:
                self._event("drawn_in", f"{s.actors[a].name} is drawn into the conflict", a)
        s.news = news(s, orders)  # what the next turn's decisions react to
        # the moves that scored, for the escalation rule's next turn (a hold is no move at all)
        s.last_orders = frozenset([(m.actor, m.type) for m in orders
                                   if CATALOGUE[m.type].points])
        s.orders, s.before_rules = (), BeforeRules({}, ())
        for entry in self.log.entries[-3:]:
            if entry.kind == "random" and entry.ref == "accident":
                self._event("accident", entry.why)
        if s.escalation_rung != level_before:
            direction = "rises" if s.escalation_rung > level_before else "falls"
            self._event("rung", f"Escalation {direction} to rung {s.escalation_rung}: "
                        f"{RUNG_NAMES[s.escalation_rung]}")
        return orders

    # --- recording ------------------------------------------------------------------------

    def _record(self) -> None:
        s = self.state
        for outcome in self.spec.outcomes:
            if outcome.turn is not None and outcome.turn != s.turn:
                continue
            value = read(s, outcome.metric)
            hit = value > outcome.threshold if outcome.direction == "above" else (
                value < outcome.threshold)
            if outcome.turn is not None:
                self.outcomes_hit[outcome.id] = hit
            elif outcome.when == "ever":
                self.outcomes_hit[outcome.id] = self.outcomes_hit[outcome.id] or hit
            else:
                self.outcomes_hit[outcome.id] = hit
        ext = self.extremes
        _extreme(ext, "max.world.escalation_level", s.escalation_level, True)
        _extreme(ext, "max.world.wider_war_risk", s.wider_war_risk, True)
        actors = s.actors
        for actor_id, strain, stability, abroad in self._extreme_keys:
            a = actors[actor_id]
            _extreme(ext, strain, a.strain, True)
            _extreme(ext, stability, a.stability, False)
            _extreme(ext, abroad, a.troops_abroad, True)
        if not self.keep_frame:
            return
        turn, date = s.turn, s.date
        add = self.rows.append
        actor_vars, world_vars, theatre_vars = self._frame_vars
        for a in s.actors.values():
            for var in actor_vars:
                add((turn, date, a.id, var, float(getattr(a, var))))
            for (t, q), b in a.beliefs.items():
                add((turn, date, a.id, f"belief.{t}.{q}", belief_estimate(b)))
                add((turn, date, a.id, f"belief_sd.{t}.{q}", math.sqrt(b.var)))
        for (t, q), b in s.public_beliefs.items():
            add((turn, date, "public", f"belief.{t}.{q}", belief_estimate(b)))
            add((turn, date, "public", f"belief_sd.{t}.{q}", math.sqrt(b.var)))
        for var in world_vars:
            add((turn, date, "world", var, float(read(s, f"world.{var}"))))
        for th in s.theatres.values():
            for var in theatre_vars:
                add((turn, date, f"theatre:{th.id}", var, float(getattr(th, var))))

    def frame(self) -> pd.DataFrame:
        """The tidy per-turn frame: turn x actor x variable."""
        df = pd.DataFrame(self.rows, columns=FRAME_COLUMNS)
        # millisecond resolution: what Parquet stores, so frames round-trip exactly
        df["date"] = pd.to_datetime(df["date"]).astype("datetime64[ms]")
        return df

    def log_frame(self) -> pd.DataFrame:
        """The causal log; non-numeric before/after values become short text."""
        rows = [e._replace(before=_show(e.before), after=_show(e.after),
                           refs="; ".join(f"{r.kind}:{r.id}" for r in e.refs))
                for e in self.log.entries]
        return pd.DataFrame(rows, columns=LOG_COLUMNS)

    def events_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.events, columns=["turn", "kind", "actor", "text", "visibility"])

    def reports_frame(self) -> pd.DataFrame:
        """The intelligence reports: who observed whom, the estimate, its confidence label
        and the report in words (without the label)."""
        return pd.DataFrame(self.reports, columns=["turn", "observer", "about", "quantity",
                                                   "estimate", "label", "text"])

    def summary(self) -> dict:
        """One row per run: final headline values, extremes over the run, named outcomes."""
        s = self.state
        out = {"turns": s.turn, "world.escalation_rung": s.escalation_rung,
               "world.escalation_level": s.escalation_level,
               "world.wider_war_risk": s.wider_war_risk,
               "world.humanitarian_toll": int(read(s, "world.humanitarian_toll")),
               "world.n_drawn_in": len(s.drawn_in)}
        for a in s.actors.values():
            out[f"{a.id}.strain"] = a.strain
            out[f"{a.id}.growth"] = a.growth
            out[f"{a.id}.stability"] = a.stability
            out[f"{a.id}.troops_abroad"] = a.troops_abroad
            out[f"{a.id}.casualties"] = a.casualties
            out[f"{a.id}.killed"] = a.killed
        out.update(self.extremes)
        out.update({f"outcome.{k}": bool(v) for k, v in self.outcomes_hit.items()})
        return out

    def public_confidence(self, about: str) -> str:
        return label(self.state, self.state.public_beliefs[(about, QUANTITY)])


def _extreme(store: dict, key: str, value: float, highest: bool) -> None:
    """Keep the highest (or lowest) value seen under ``key``: max(old, value), min(old, value)."""
    value = float(value)
    old = store.get(key)
    if old is None or (value > old if highest else value < old):
        store[key] = value


def replay_policies(scenario: Scenario, move_log: list[Move]) -> dict[str, Policy]:
    """Scripted policies that make exactly the recorded moves (injects excluded)."""
    schedules: dict[str, dict[int, list[Move]]] = {a.id: {} for a in scenario.actors}
    for move in move_log:
        if move.source == "inject":
            continue
        turn = int(move.id.split(".")[0][1:])
        schedules[move.actor].setdefault(turn, []).append(replace(move, id="", source="replay"))
    return {a: ScriptedPolicy(a, sched) for a, sched in schedules.items()}


def _show(value):
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, tuple) and value and isinstance(value[0], Cohort):
        return f"{len(value)} cohorts, {sum(c.troops for c in value):,} troops"
    if isinstance(value, tuple):
        return "; ".join(str(tuple(v)) for v in value) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{k[0]}.{k[1]}~{belief_estimate(b):,.0f}" for k, b in value.items())
    return str(value)


__all__ = [
    "BrinkModel",
    "GameOver",
    "StateAgent",
    "Visibility",
    "initial_state",
    "replay_policies",
    "watched",
]

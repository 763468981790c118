"""Logistics: troops move along routes at capacity, with a transit lag and training time.

Per route and turn: capacity_eff = capacity_per_turn x (1 - interdiction). Cohorts advance one
stage at a time: queued -> (boarding, up to capacity_eff) -> transit (transit_turns) -> training
(training_turns) -> front. Returning cohorts arrive home after transit_turns. A deployment larger
than capacity therefore leaves over many turns: the troops not yet boarded are ``queued``, still
at home (not abroad: nobody pays, sustains or sees them abroad), and leave first come, first
served. Interdiction decays by 0.1 a week (0.1 x days_per_turn / 7 a turn). Capacities and lags
are per turn played: the scenario's, converted to the turn's length when the world is built
(engine/sim/model.py, initial_state).

An interdicted route pushes its traffic to the others: the troops queued on a route whose
interdiction is above 0 that it cannot board this turn board instead on the actor's other routes
to the same theatre that are not interdicted, in the scenario's order, up to the capacity each
has left this turn; the rest wait on their route. They travel as the route they board on does
(its transit and training time). Choosing the route for new orders is the actor's decision: a
deploy or reinforce along an interdicted route is refused (engine/moves/catalogue.py), so a
doctrine lists its routes in order of preference and uses the first open one. Every soldier who
boards a route pays its cost_usd_per_soldier from the actor's reserves (floored at 0):
    cost = sum over routes of boarded_r x cost_usd_per_soldier_r / 1e9   (bn USD)
"""

from __future__ import annotations

from engine.core import caching
from engine.core.causal import RULE, Cause, Change, note, reads
from engine.core.numbers import smaller
from engine.core.state import Cohort, WorldState

INTERDICTION_DECAY = 0.1  # a week
QUIET = Cause(RULE, "logistics", None)  # the cause of lean runs, which log nothing


def logistics(state: WorldState, params, rng) -> list[Change]:
    """Troops board, travel, train and return along their routes. Reads no parameter and draws
    nothing (route capacities and lags are the scenario's)."""
    changes: list[Change] = []
    for actor in state.actors.values():
        if not actor.pipeline:
            continue
        home, queued, transit, deployed, front = (actor.forces_home, actor.queued,
                                                  actor.in_transit, actor.deployed, actor.front)
        boarded = arrived = trained = returned = 0
        pipeline: list[Cohort] = []
        capacity_left = {}
        for cohort in actor.pipeline:
            if cohort.stage == "queued":
                pipeline.append(cohort)  # boards below, after the moving cohorts advance
                continue
            left = cohort.turns_left - 1
            if left > 0:
                pipeline.append(Cohort(cohort.route, cohort.stage, cohort.troops, left))
            elif cohort.stage == "transit":
                route = state.routes[cohort.route]
                transit -= cohort.troops
                deployed += cohort.troops
                arrived += cohort.troops
                if route.training_turns > 0:
                    pipeline.append(Cohort(route.id, "training", cohort.troops,
                                           route.training_turns))
                else:
                    front += cohort.troops
                    trained += cohort.troops
            elif cohort.stage == "training":
                front += cohort.troops
                trained += cohort.troops
            elif cohort.stage == "returning":
                transit -= cohort.troops
                home += cohort.troops
                returned += cohort.troops
        boarding: list[Cohort] = []
        waiting: list[Cohort] = []
        rerouted = 0
        cost = 0.0  # USD
        for cohort in pipeline:
            if cohort.stage != "queued":
                continue
            route = state.routes[cohort.route]
            rest = cohort.troops
            # its own route first; when that one is interdicted, the open ones to the theatre
            for way in (_alternatives(state, route) if route.interdiction > 0 else (route,)):
                cap = capacity_left.get(way.id)
                if cap is None:
                    cap = capacity_left[way.id] = int(way.capacity * (1.0 - way.interdiction))
                n = smaller(cap, rest)
                if n <= 0:
                    continue
                capacity_left[way.id] = cap - n
                rest -= n
                boarded += n
                queued -= n
                cost += n * way.cost_usd_per_soldier
                if way is not route:
                    rerouted += n
                boarding.append(_board(way, n))
            if rest > 0:
                same = next((i for i, w in enumerate(waiting) if w.route == cohort.route), None)
                if same is None:
                    waiting.append(cohort._replace(troops=rest))
                else:  # one queue per route: first come, first served either way
                    waiting[same] = waiting[same]._replace(troops=waiting[same].troops + rest)
        moving = [c for c in pipeline if c.stage != "queued"]
        for c in boarding:
            if c.stage == "transit":
                transit += c.troops
                continue
            # no transit time: straight into training (or the front)
            deployed += c.troops
            arrived += c.troops
            if c.stage == "front":
                front += c.troops
                trained += c.troops
        new_pipeline = tuple(moving + [c for c in boarding if c.stage in ("transit", "training")]
                             + waiting)
        cause = (Cause(RULE, "logistics", note(
            "logistics.pipeline", actor=actor.id, boarded=boarded, arrived=arrived,
            trained=trained, returned=returned, waiting=sum(c.troops for c in waiting),
            rerouted=rerouted, cost_usd=cost),
            reads(f"{actor.id}.pipeline")) if state.explain else QUIET)
        if cost > 0 and actor.reserves > 0:
            changes.append((actor.id, "reserves", max(0.0, actor.reserves - cost / 1e9), cause))
        # only the stocks that moved (most turns, nobody comes home)
        if home != actor.forces_home:
            changes.append((actor.id, "forces_home", home, cause))
        if queued != actor.queued:
            changes.append((actor.id, "queued", queued, cause))
        if transit != actor.in_transit:
            changes.append((actor.id, "in_transit", transit, cause))
        if deployed != actor.deployed:
            changes.append((actor.id, "deployed", deployed, cause))
        if front != actor.front:
            changes.append((actor.id, "front", front, cause))
        changes.append((actor.id, "pipeline", new_pipeline, cause))
    weeks = state.days_per_turn / 7
    for route in state.routes.values():
        if route.interdiction > 0:
            level = max(0.0, round(route.interdiction - INTERDICTION_DECAY * weeks, 6))
            changes.append((f"route:{route.id}", "interdiction", level, Cause(
                RULE, "logistics", note("logistics.interdiction_eases", route=route.id,
                                        level=level))))
    return changes


def _alternatives(state: WorldState, route) -> tuple:
    """The ways a queue on the interdicted ``route`` can leave: its own (what interdiction
    leaves of it), then the actor's other routes to the same theatre that are open."""
    cache = caching.memo(state)
    key = ("alternatives", route.id)
    memo = cache.get(key)
    if memo is None:  # the routes are fixed for the run; only which ones are open changes
        memo = cache[key] = tuple(r.id for r in state.routes.values()
                                       if r.id != route.id and r.actor == route.actor
                                       and r.theatre == route.theatre)
    return (route, *(state.routes[r] for r in memo if state.routes[r].interdiction <= 0))


def _board(route, troops: int) -> Cohort:
    if route.transit_turns > 0:
        return Cohort(route.id, "transit", troops, route.transit_turns)
    if route.training_turns > 0:
        return Cohort(route.id, "training", troops, route.training_turns)
    return Cohort(route.id, "front", troops, 0)

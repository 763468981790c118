"""Logistics: troops move along routes at capacity, with a transit lag and training time.

Per route and turn: capacity_eff = capacity_per_turn x (1 - interdiction). Cohorts advance one
stage at a time: queued -> (boarding, up to capacity_eff) -> transit (transit_turns) -> training
(training_turns) -> front. Returning cohorts arrive home after transit_turns. A deployment larger
than capacity therefore leaves over many turns: the troops not yet boarded are ``queued``, still
at home (not abroad: nobody pays, sustains or sees them abroad), and leave first come, first
served. Interdiction decays by 0.1 a week (0.1 x days_per_turn / 7 a turn). Capacities and lags
are per turn played: the scenario's, converted to the turn's length when the world is built
(engine/sim/model.py, initial_state).
"""

from __future__ import annotations

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
        for cohort in pipeline:
            if cohort.stage != "queued":
                continue
            route = state.routes[cohort.route]
            cap = capacity_left.setdefault(
                route.id, int(route.capacity * (1.0 - route.interdiction)))
            n = smaller(cap, cohort.troops)
            capacity_left[route.id] = cap - n
            if n > 0:
                boarded += n
                queued -= n
                boarding.append(_board(route, n))
            if cohort.troops - n > 0:
                rest = cohort.troops - n
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
            trained=trained, returned=returned, waiting=sum(c.troops for c in waiting)),
            reads(f"{actor.id}.pipeline")) if state.explain else QUIET)
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


def _board(route, troops: int) -> Cohort:
    if route.transit_turns > 0:
        return Cohort(route.id, "transit", troops, route.transit_turns)
    if route.training_turns > 0:
        return Cohort(route.id, "training", troops, route.training_turns)
    return Cohort(route.id, "front", troops, 0)

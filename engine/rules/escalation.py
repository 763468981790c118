"""Escalation: per-move points, momentum, a Kahn ladder with thresholds, friction, accidents.

    score      ES_t = sum over moves of points x w / N_parties   (Rivera et al. 2024;
                 w = covert_points_weight for covert moves, 1 otherwise; N_parties: the
                 actors able to escalate, those with a capability or a front, counted at the
                 start. An actor with neither cannot make a move that scores, so counting it
                 would only dilute the others' moves: adding one changes nothing)
    heat       H_t = rho x H_{t-1} + (ES_t - GO_t) + g x (GO_t - baseline_score)
                     + horizontal_points x (actors newly drawn in)
               rho = heat_persistence^weeks (weeks = days_per_turn / 7; the persistence is
               weekly); GO_t: the part of ES_t from moves going on, those an actor repeats
               from its last turn (in the first turn, the score up to the baseline: the war
               as it was), whose
               points stand for every week of the turn, as the baseline's do:
               g = (1 - rho) / (1 - heat_persistence) = 1 + heat_persistence + ... (weeks
               terms), the heat a week's points leave over the turn. A new move is an event,
               counted once. In weekly turns g = 1 and H_t = rho H_{t-1} + ES_t - baseline.
    target     T_t = reference_rung + H_t / points_per_rung
    level      rising:  L_t = T_t, but stopped just below a Kahn threshold unless a move of at
                        least that threshold's barrier points was made this turn;
               falling: L_t = L_{t-1} - f x (L_{t-1} - T_t), f = 1 - (1 - descent_friction)^weeks
                        (descent_friction is the share of the gap closed in a week), but never below
                        the scenario's initial rung while fighting goes on in a theatre
                        (intensity above 0, no ceasefire): a quiet week in a war that goes on is
                        not de-escalation
    accident   with probability p_turn x clip((L - onset)/(21 - onset), 0, 1) the level
               jumps 1-3 rungs (Payne), never across a threshold that needs nuclear use
               (rungs 21, 26, 32, 39); p_turn = 1 - (1 - accident_p_max)^weeks, since
               accident_p_max is weekly
    wider war  risk = logistic(wider_war_slope x (L - wider_war_midpoint)
                                + wider_war_per_actor x actors drawn in beyond the start)

Heat persistence and descent friction are weekly, so the length of a turn is a modelling choice:
nk-100k played in 14-day turns sits where it does in 7-day turns (tests/engine/sim/
test_turn_length.py; docs/reference/model.md, "Time units").
"""

from __future__ import annotations

import math

from engine.core.causal import RANDOM, RULE, Cause, Change, Ref, note, reads
from engine.core.ladder import (
    THRESHOLD_BARRIERS,
    THRESHOLD_RUNGS,
    TOP_RUNG,
    next_threshold_above,
)
from engine.core.numbers import clip, larger, per_turn
from engine.core.state import WorldState
from engine.moves.catalogue import CATALOGUE, Category, Visibility

NUCLEAR_THRESHOLD = 21
NUCLEAR_POINTS = int(Category.NUCLEAR)
QUIET = Cause(RULE, "escalation", None)  # the cause of lean runs, which log nothing


def move_points(state: WorldState, move) -> float:
    spec = CATALOGUE[move.type]
    weight = state.params["covert_points_weight"] if spec.visibility == Visibility.COVERT else 1.0
    return spec.points * weight


def escalation(state: WorldState, params, rng) -> list[Change]:
    p = params
    orders = state.orders
    drawn_before = state.before_rules.drawn
    newly_drawn = [a for a in state.drawn_in if a not in drawn_before]
    initially_drawn = state.initially_drawn
    explain = state.explain
    n = state.parties
    by_actor: dict[str, float] = dict.fromkeys(state.actors, 0.0)
    strongest = 0
    covert_weight = p["covert_points_weight"]
    weeks = state.days_per_turn / 7
    last = state.last_orders
    going_on = 0.0  # the points of moves repeated from the last turn
    for move in orders:
        spec = CATALOGUE[move.type]
        points = spec.points  # as move_points, without a call per move
        weighted = points * (covert_weight if spec.visibility == Visibility.COVERT else 1.0)
        by_actor[move.actor] += weighted
        if weeks != 1 and last is not None and (move.actor, move.type) in last:
            going_on += weighted
        strongest = larger(strongest, points)
    score = sum(by_actor.values()) / n
    changes: list[Change] = []
    actors = state.actors
    for actor_id, points in by_actor.items():
        if actors[actor_id].escalation_points == points:
            continue  # unchanged: no record needed (the log keeps changes only)
        changes.append((actor_id, "escalation_points", points, Cause(
            RULE, "escalation", note("escalation.points", actor=actor_id, points=points),
            tuple(Ref("move", m.id) for m in orders if m.actor == actor_id))
            if explain else QUIET))
    horizontal = p["horizontal_points"] * len(newly_drawn)
    if weeks == 1:
        heat = p["heat_persistence"] * state.heat + (score - state.baseline_score) + horizontal
    else:
        persistence = p["heat_persistence"] ** weeks
        # in the first turn, the war as it was: the score up to the baseline goes on
        going_on = going_on / n if last is not None else min(score, state.baseline_score)
        weeks_of_heat = (1 - persistence) / (1 - p["heat_persistence"])
        heat = (persistence * state.heat + (score - going_on)
                + weeks_of_heat * (going_on - state.baseline_score) + horizontal)
    target = state.reference_rung + heat / p["points_per_rung"]
    level = state.escalation_level
    held_below = easing = war_hold = None  # what held the level back, for the log
    if target > level:
        new_level = target
        while True:
            threshold = next_threshold_above(level)
            if threshold is None or new_level < threshold:
                break
            if strongest >= THRESHOLD_BARRIERS[threshold]:
                level = threshold  # crossed; look for the next one
                continue
            new_level = threshold - 0.01
            held_below = threshold
            break
    else:
        friction = per_turn(p["descent_friction"], weeks)
        new_level = state.escalation_level - friction * (state.escalation_level - target)
        if target < state.escalation_level:
            easing = friction
        war = _war_going_on(state)
        if war is not None and new_level < state.reference_rung:
            # A quiet week in a war that goes on is not de-escalation: the level cannot fall
            # below the rung the scenario's war started at until the fighting stops.
            new_level = max(new_level, min(state.escalation_level, state.reference_rung))
            war_hold = (int(new_level), war.id)
    new_level = clip(new_level, 0.0, float(TOP_RUNG))
    # the level comes from this turn's moves (their points) and who was drawn in
    cause = Cause(RULE, "escalation", note(
        "escalation.level", score=score, usual=state.baseline_score, heat_before=state.heat,
        heat=heat, aim=target, drawn=tuple(newly_drawn), horizontal=horizontal,
        held_below=held_below, easing=easing, war_hold=war_hold),
        tuple(Ref("move", m.id) for m in orders if CATALOGUE[m.type].points)
        + reads(*(f"{a}.drawn_in" for a in newly_drawn))) if explain else QUIET
    changes.append(("world", "escalation_score", score, cause))
    changes.append(("world", "heat", heat, cause))
    changes.append(("world", "escalation_level", new_level, cause))

    # Accident risk near the top (Payne): drawn every turn so the stream does not depend on it.
    onset = p["accident_onset_rung"]
    risk = per_turn(p["accident_p_max"], weeks) * clip(
        (new_level - onset) / (NUCLEAR_THRESHOLD - onset), 0.0, 1.0)
    accident = rng.of("accident")
    draw = accident.random()
    jump = int(accident.integers(1, 4))
    if draw < risk:
        # Accidents never cross a nuclear threshold (those need a deliberate nuclear move)
        # and never lower the level.
        ceiling = next((t - 0.01 for t in THRESHOLD_RUNGS
                        if t > new_level and THRESHOLD_BARRIERS[t] >= NUCLEAR_POINTS), TOP_RUNG)
        accident_level = max(new_level, min(ceiling, new_level + jump))
        changes.append(("world", "escalation_level", accident_level, Cause(
            RANDOM, "accident", note("escalation.accident", risk=risk, rung=int(new_level),
                                     rise=accident_level - new_level,
                                     to_rung=int(accident_level)) if explain else None)))
        new_level = accident_level

    drawn = len([a for a in state.actors.values() if a.drawn_in])
    logit = (p["wider_war_slope"] * (new_level - p["wider_war_midpoint"])
             + p["wider_war_per_actor"] * max(0, drawn - initially_drawn))
    risk_war = 1.0 / (1.0 + math.exp(-logit))
    changes.append(("world", "wider_war_risk", risk_war, Cause(
        RULE, "escalation", note("escalation.wider_war", level=new_level,
                                 more_drawn=drawn - initially_drawn, risk=risk_war),
        reads("world.escalation_level")) if explain else QUIET))
    return changes


def escalation_parties(state: WorldState) -> int:
    """How many actors the escalation score is averaged over: those able to escalate, with a
    capability or a place on a side of a theatre (at least 1)."""
    fronts = {a for th in state.theatres.values() for a in (*th.side_a, *th.side_b)}
    return max(1, sum(1 for a in state.actors.values() if a.capabilities or a.id in fronts))


def _war_going_on(state: WorldState):
    """The first theatre where fighting goes on (intensity above 0 and no ceasefire), or
    None: while one does, the level stays at or above the rung the scenario started at."""
    return next((th for th in state.theatres.values()
                 if th.intensity > 0 and not th.ceasefire), None)

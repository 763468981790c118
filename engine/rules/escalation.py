"""Escalation: per-move points, momentum, a Kahn ladder with thresholds, friction, accidents.

    pairs      a move's points x w count against each actor it escalates against: the actor
                 it names (target, about, route owner) unless that is the mover or its ally;
                 otherwise, the opponents of the mover (or of the ally it names: arms for
                 Russia escalate against Ukraine) - the other side of its theatres, or, with
                 no theatre, the actors hostile to it (w = covert_points_weight for covert
                 moves, 1 otherwise)
               S_ij = (P_i->j + P_j->i) / 2   (Rivera et al. 2024 average per nation, for the
                 two nations of the pair)
    score      ES_t = max over pairs S_ij: the world is as escalated as its most escalated
                 pair, so an actor nobody moves against adds no pair and dilutes nothing
    heat       H_t = rho x H_{t-1} + (ES_t - GO_t) + g x (GO_t - baseline_score)
                     + horizontal_points x (actors newly drawn in)
               rho = heat_persistence^weeks (weeks = days_per_turn / 7; the persistence is
               weekly); GO_t: the part of ES_t from moves going on, those an actor repeats
               from its last turn (in the first turn, the score up to the baseline: the war
               as it was), in the pair that sets ES_t, whose
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
    drawn in   an actor outside the fighting joins with a weekly probability from being
               struck, an ally it is bound to being struck, and (with a stake) the wider-war
               risk of the turn before (third_parties)
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
VIOLENT_POINTS = int(Category.VIOLENT)
QUIET = Cause(RULE, "escalation", None)  # the cause of lean runs, which log nothing


def move_points(state: WorldState, move) -> float:
    spec = CATALOGUE[move.type]
    weight = state.params["covert_points_weight"] if spec.visibility == Visibility.COVERT else 1.0
    return spec.points * weight


def escalation(state: WorldState, params, rng) -> list[Change]:
    p = params
    orders = state.orders
    drawn_before = state.before_rules.drawn
    initially_drawn = state.initially_drawn
    explain = state.explain
    by_actor: dict[str, float] = dict.fromkeys(state.actors, 0.0)
    directed: dict[tuple[str, str], float] = {}  # (mover, opponent) -> points
    attacks: dict[str, list[str]] = {}  # actor struck this turn -> the violent moves' ids
    strongest = 0
    covert_weight = p["covert_points_weight"]
    weeks = state.days_per_turn / 7
    last = state.last_orders
    going: dict[tuple[str, str], float] = {}  # (mover, opponent) -> points of repeated moves
    in_pair: dict[frozenset, list[str]] = {}  # pair -> the moves scored in it (explain only)
    for move in orders:
        spec = CATALOGUE[move.type]
        points = spec.points  # as move_points, without a call per move
        if not points:
            continue
        weighted = points * (covert_weight if spec.visibility == Visibility.COVERT else 1.0)
        by_actor[move.actor] += weighted
        violent = points >= VIOLENT_POINTS
        repeated = weeks != 1 and last is not None and (move.actor, move.type) in last
        for opponent in move_opponents(state, move):
            key = (move.actor, opponent)
            directed[key] = directed.get(key, 0.0) + weighted
            if explain:  # which moves made each pair's score, for the "why?"
                in_pair.setdefault(frozenset(key), []).append(move.id)
            if repeated:
                going[key] = going.get(key, 0.0) + weighted
            if violent:
                attacks.setdefault(opponent, []).append(move.id)
        strongest = larger(strongest, points)
    score, pair = world_score(pair_scores(directed))
    changes: list[Change] = third_parties(state, p, rng, attacks)
    third = [target for target, _, _, _ in changes]
    newly_drawn = [a for a in state.drawn_in if a not in drawn_before] + third
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
        going_on = (0.0 if pair is None else pair_scores(going).get(pair, 0.0)) \
            if last is not None else min(score, state.baseline_score)
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
        "escalation.level", score=score, pair=pair, usual=state.baseline_score,
        heat_before=state.heat,
        heat=heat, aim=target, drawn=tuple(newly_drawn), horizontal=horizontal,
        held_below=held_below, easing=easing, war_hold=war_hold),
        # the moves that made the score: those scored in the most escalated pair
        tuple(Ref("move", m) for m in dict.fromkeys(in_pair.get(frozenset(pair or ()), ())))
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

    drawn = len(state.drawn_in) + len(third)
    logit = (p["wider_war_slope"] * (new_level - p["wider_war_midpoint"])
             + p["wider_war_per_actor"] * max(0, drawn - initially_drawn))
    risk_war = 1.0 / (1.0 + math.exp(-logit))
    changes.append(("world", "wider_war_risk", risk_war, Cause(
        RULE, "escalation", note("escalation.wider_war", level=new_level,
                                 more_drawn=drawn - initially_drawn, risk=risk_war),
        reads("world.escalation_level")) if explain else QUIET))
    return changes


def third_parties(state: WorldState, p, rng, attacks: dict[str, list[str]]) -> list[Change]:
    """Actors not yet in the conflict drawn in this turn, each by a draw from its own stream
    (``draw_in:<actor>``, one draw a turn whether or not it can be drawn, so nobody's luck
    depends on anybody else's situation). Its weekly probability combines three channels:

        q = 1 - (1 - draw_in_attacked x [struck this turn])
              x (1 - draw_in_alliance x max commitment to an ally struck this turn)
              x (1 - draw_in_wider_war x wider_war_risk x [a stake in the conflict])
        P(drawn in this turn) = 1 - (1 - q)^weeks

    A stake: hostile to, or allied with, an actor already in the fighting. The wider-war risk
    is last turn's. An actor with no relations and nobody striking it is never drawn in."""
    weeks = state.days_per_turn / 7
    drawn = {a.id for a in state.actors.values() if a.drawn_in}
    risk = state.wider_war_risk
    changes: list[Change] = []
    for actor in state.actors.values():
        draw = rng.of(f"draw_in:{actor.id}").random()
        if actor.drawn_in:
            continue
        struck = attacks.get(actor.id, ())
        ally_struck = max((state.commitments.get((actor.id, ally), 0.0)
                           for ally in state.alliances.get(actor.id, ()) if ally in attacks),
                          default=0.0)
        stake = any(state.hostility.get((actor.id, other), 0.0) > 0
                    or other in state.alliances.get(actor.id, ()) for other in drawn)
        stays_out = ((1.0 - p["draw_in_attacked"] * bool(struck))
                     * (1.0 - p["draw_in_alliance"] * ally_struck)
                     * (1.0 - p["draw_in_wider_war"] * risk * stake))
        chance = per_turn(1.0 - stays_out, weeks)
        if draw >= chance:
            continue
        allies_struck = tuple(sorted(a for a in state.alliances.get(actor.id, ())
                                     if a in attacks))
        changes.append((actor.id, "drawn_in", True, Cause(
            RANDOM, "draw_in", note("escalation.drawn_in", actor=actor.id, chance=chance,
                                    struck=bool(struck), allies_struck=allies_struck,
                                    risk=risk if stake else 0.0) if state.explain else None,
            tuple(Ref("move", m) for m in struck)
            + tuple(Ref("move", m) for a in allies_struck for m in attacks[a])
            + (reads("world.wider_war_risk") if stake else ()))))
    return changes


def pair_scores(directed: dict[tuple[str, str], float]) -> dict[tuple[str, str], float]:
    """Each pair's score, S_ij = (P_i->j + P_j->i) / 2, keyed by the pair in id order."""
    pairs: dict[tuple[str, str], float] = {}
    for (mover, opponent), points in directed.items():
        key = (mover, opponent) if mover < opponent else (opponent, mover)
        pairs[key] = pairs.get(key, 0.0) + points / 2
    return pairs


def world_score(pairs: dict[tuple[str, str], float]) -> tuple[float, tuple[str, str] | None]:
    """The world's score and the pair it comes from: the most escalated pair's (0, and no
    pair, when no move escalates against anyone). Ties go to the first pair in id order, so
    the log names the same pair in every run."""
    if not pairs:
        return 0.0, None
    pair = max(sorted(pairs), key=pairs.__getitem__)
    return pairs[pair], pair


def move_opponents(state: WorldState, move) -> tuple[str, ...]:
    """The actors a move escalates against: the actor it names (its target, the subject it is
    about, or the owner of the route it names) when that is neither the mover nor an ally;
    otherwise the opponents of whom it names (support for an ally escalates against the
    ally's enemies) or of the mover."""
    params = move.params
    named = params.get("target") or params.get("about") or params.get("recipient")
    if named is None and "route" in params:
        route = state.routes.get(params["route"])
        named = route.actor if route is not None else None
    mover = move.actor
    if named is None or named == mover or named not in state.opponents:
        return state.opponents.get(mover, ())
    if named in state.alliances.get(mover, ()):
        return tuple(a for a in state.opponents[named] if a != mover)
    return (named,)


def escalation_opponents(state: WorldState) -> dict[str, tuple[str, ...]]:
    """Whom each actor's unaimed moves (mobilising, reinforcing, an offensive) escalate
    against, fixed for the run: the other side of every theatre it fights in; with no
    theatre, the actors hostile to it; nobody otherwise. In id order."""
    out: dict[str, tuple[str, ...]] = {}
    for actor in state.actors:
        enemies: set[str] = set()
        for th in state.theatres.values():
            if actor in th.side_a:
                enemies |= set(th.side_b)
            elif actor in th.side_b:
                enemies |= set(th.side_a)
        if not enemies:
            enemies = {b for (a, b), level in state.hostility.items() if a == actor and level > 0}
        out[actor] = tuple(sorted(enemies - {actor}))
    return out


def _war_going_on(state: WorldState):
    """The first theatre where fighting goes on (intensity above 0 and no ceasefire), or
    None: while one does, the level stays at or above the rung the scenario started at."""
    return next((th for th in state.theatres.values()
                 if th.intensity > 0 and not th.ceasefire), None)

"""Military: fire, attrition, front-line pressure, munitions flows, and who is drawn in.

Per theatre and turn (weeks = days_per_turn / 7):
    intensity  = base_intensity, raised to the strongest offensive ordered this turn;
                 0.05 under a ceasefire (an offensive breaks it)
    need_x     = front_x x shells_per_soldier_week x weeks x intensity
    fire_x     = min(1, munitions_x / need_x)                   (munitions feed fire)
    power_x    = front_x x effectiveness_x x readiness_x x (0.5 + 0.5 fire_x) x posture_x
                 posture = 1.5 when defending, 1 otherwise
    P_side     = sum of power_x on the side
    casualties_x ~ Binomial(front_x, rate),
                 rate = casualty_rate_weekly x weeks x intensity x clip(sqrt(P_enemy/P_own), .5, 2)
    killed_x   ~ Binomial(casualties_x, kia_share)
    pressure'  = clip((1 - decay) x pressure + front_gain x weeks x intensity x ln(P_a/P_b), -1, 1)
                 decay = 1 - (1 - front_decay)^weeks   (front_decay and front_gain are weekly)
    munitions' = munitions - min(munitions, need) + production
    displaced += displaced_per_pressure x |pressure' - pressure|
Readiness: readiness' = clip(readiness + (0.02 - 0.04 x intensity) x weeks, 0.2, 1) for troops
at the front (it recovers 0.02 a week and fighting wears it, 0.04 a week at full intensity).
Losses: front_losses = casualties_x / front_x / weeks, the share of the front lost this turn, a
week (0 when it does not fight). Troops in reserve (pulled back off the line, still in theatre)
take no combat losses and recover: reserve_readiness' = min(1, reserve_readiness +
reserve_recovery_weekly x weeks).
Front pressure only moves when both sides have combat power in the theatre.
An actor is drawn in when its troops first face an enemy outside a ceasefire, or when it first
makes a violent move.
"""

from __future__ import annotations

import math

from engine.core.causal import RANDOM, RULE, Cause, Change, Ref, note, reads
from engine.core.numbers import clip, per_turn, smaller
from engine.core.state import WorldState
from engine.moves.catalogue import CATALOGUE, Category, MoveType

QUIET = Cause(RULE, "military", None)  # the causes of lean runs, which log nothing
QUIET_ATTRITION = Cause(RANDOM, "attrition", None)


def military(state: WorldState, params, rng) -> list[Change]:
    p = params
    orders = state.orders
    weeks = state.days_per_turn / 7
    explain = state.explain
    shells_per_soldier = p["shells_per_soldier_week"]
    casualty_rate, kia_share = p["casualty_rate_weekly"], p["kia_share"]
    recovery = p["reserve_recovery_weekly"] * weeks
    changes: list[Change] = []
    offensive = {}
    defending = set()
    violent = set()
    for move in orders:
        if move.type == MoveType.OFFENSIVE_OPERATION:
            offensive[move.actor] = max(offensive.get(move.actor, 0.0),
                                        float(move.params.get("intensity", 0.7)))
        elif move.type == MoveType.DEFENSIVE_OPERATION:
            defending.add(move.actor)
        if CATALOGUE[move.type].category >= Category.VIOLENT:
            violent.add(move.actor)

    consumed: dict[str, float] = {}
    fighting: set[str] = set()  # actors whose troops faced an enemy this turn
    for th in state.theatres.values():
        members = [state.actors[a] for a in (*th.side_a, *th.side_b)
                   if state.actors[a].front > 0]
        attackers = [a for a in (*th.side_a, *th.side_b) if a in offensive]
        ceasefire = th.ceasefire and not attackers
        if th.ceasefire and attackers:
            changes.append((f"theatre:{th.id}", "ceasefire", False, Cause(
                RULE, "military", note("military.ceasefire_broken", theatre=th.id,
                                       attackers=tuple(attackers)),
                _moves_of(orders, attackers))))
        intensity = th.base_intensity
        if attackers:
            intensity = max(intensity, max([offensive[a] for a in attackers]))
        if ceasefire:
            intensity = 0.05
        if intensity != th.intensity:
            changes.append((f"theatre:{th.id}", "intensity", intensity, Cause(
                RULE, "military", note("military.intensity", theatre=th.id,
                                       intensity=intensity, attackers=tuple(attackers),
                                       ceasefire=ceasefire),
                _moves_of(orders, attackers)) if explain else QUIET))
        power = {}
        fire = {}
        for a in members:
            need = a.front * shells_per_soldier * weeks * intensity
            fire[a.id] = 1.0 if need <= 0 else smaller(1.0, a.munitions / need)
            consumed[a.id] = smaller(a.munitions, need)
            posture = 1.5 if a.id in defending else 1.0
            power[a.id] = (a.front * a.effectiveness * a.readiness
                           * (0.5 + 0.5 * fire[a.id]) * posture)
        side_a = sum([power.get(x, 0.0) for x in th.side_a])
        side_b = sum([power.get(x, 0.0) for x in th.side_b])
        for a in members:
            own, enemy = (side_a, side_b) if a.id in th.side_a else (side_b, side_a)
            ratio = math.sqrt(enemy / own) if own > 0 and enemy > 0 else (0.5 if enemy == 0
                                                                          else 2.0)
            rate = smaller(1.0, casualty_rate * weeks * intensity * clip(ratio, 0.5, 2.0))
            binomial = rng.of(f"attrition:{a.id}").binomial  # each actor's own luck
            casualties = int(binomial(a.front, rate)) if enemy > 0 else 0
            if enemy > 0 and not ceasefire:
                fighting.add(a.id)
            killed = int(binomial(casualties, kia_share)) if casualties else 0
            wounded = casualties - killed
            losses = casualties / a.front / weeks
            if casualties:
                cause = Cause(RANDOM, "attrition", note(
                    "military.attrition", actor=a.id, theatre=th.id, casualties=casualties,
                    killed=killed, wounded=wounded, rate=rate, intensity=intensity,
                    power_ratio=ratio ** 2),
                    reads(f"theatre:{th.id}.intensity", f"{a.id}.front")
                    ) if explain else QUIET_ATTRITION
                changes += [
                    (a.id, "front", a.front - casualties, cause),
                    (a.id, "deployed", a.deployed - casualties, cause),
                    (a.id, "killed", a.killed + killed, cause),
                    (a.id, "wounded", a.wounded + wounded, cause),
                ]
                if losses != a.front_losses:
                    changes.append((a.id, "front_losses", losses, cause))
            elif a.front_losses:
                changes.append(_no_losses(a, explain))
            # the same sum as (0.02 - 0.04 x intensity) x weeks, bit for bit in weekly turns
            readiness = clip(a.readiness + 0.02 * weeks - 0.04 * intensity * weeks, 0.2, 1.0)
            if readiness != a.readiness:
                changes.append((a.id, "readiness", readiness, Cause(
                    RULE, "military", note("military.readiness", actor=a.id,
                                           readiness=readiness, intensity=intensity))
                    if explain else QUIET))
        if side_a > 0 and side_b > 0:
            balance = math.log(side_a / side_b)
            pressure = max(-1.0, min(1.0, (1 - per_turn(p["front_decay"], weeks))
                                     * th.front_pressure
                                     + p["front_gain"] * weeks * intensity * balance))
            cause = Cause(RULE, "military", note(
                "military.front", theatre=th.id, power_a=side_a, power_b=side_b,
                intensity=intensity, pressure_before=th.front_pressure, pressure=pressure),
                          reads(*(f"{m.id}.front" for m in members))
                          + _moves_of(orders, defending)) if explain else QUIET
            changes.append((f"theatre:{th.id}", "front_pressure", pressure, cause))
            moved = abs(pressure - th.front_pressure)
            if moved > 0:
                changes.append(("world", "displaced", state.displaced + int(
                    p["displaced_per_pressure"] * moved), cause))
    on_the_line = {a for th in state.theatres.values() for a in (*th.side_a, *th.side_b)
                   if state.actors[a].front > 0}
    for a in state.actors.values():
        if a.front_losses and a.id not in on_the_line:  # nobody left at the front to lose
            changes.append(_no_losses(a, explain))
        if a.reserve > 0 and a.reserve_readiness < 1.0:
            rested = smaller(1.0, a.reserve_readiness + recovery)
            changes.append((a.id, "reserve_readiness", rested, Cause(
                RULE, "military", note("military.reserve_recovery", actor=a.id,
                                       reserve=a.reserve, readiness=rested,
                                       before=a.reserve_readiness))
                if explain else QUIET))
        stock = a.munitions - consumed.get(a.id, 0.0) + a.munitions_production
        if stock != a.munitions:
            changes.append((a.id, "munitions", stock, Cause(
                RULE, "military", note("military.munitions", actor=a.id,
                                       fired=consumed.get(a.id, 0.0),
                                       produced=a.munitions_production))
                if explain else QUIET))
        if a.drawn_in:
            continue
        if a.id in fighting:
            changes.append((a.id, "drawn_in", True, Cause(
                RULE, "military", note("military.drawn_in_fighting", actor=a.id))))
        elif a.id in violent:
            changes.append((a.id, "drawn_in", True, Cause(
                RULE, "military", note("military.drawn_in_violent", actor=a.id),
                tuple(Ref("move", m.id) for m in orders if m.actor == a.id
                      and CATALOGUE[m.type].category >= Category.VIOLENT))))
    return changes


def _no_losses(actor, explain: bool) -> Change:
    """An actor that lost nobody at the front this turn (none there, or no enemy fighting)."""
    return (actor.id, "front_losses", 0.0, Cause(
        RULE, "military", note("military.no_front_losses", actor=actor.id, front=actor.front))
        if explain else QUIET)


def _moves_of(orders, actors) -> tuple[Ref, ...]:
    """References to the moves of ``actors`` among this turn's orders that a rule acted on."""
    return tuple(Ref("move", m.id) for m in orders if m.actor in actors
                 and m.type in (MoveType.OFFENSIVE_OPERATION, MoveType.DEFENSIVE_OPERATION))

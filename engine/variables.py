"""Named state variables: the vocabulary of doctrine conditions, inject effects and outcomes.

Paths:
    turn                              the current turn
    world.<var>                       WORLD_VARS
    <actor>.<var>  /  self.<var>      ACTOR_VARS (self = the deciding actor, in doctrine)
    theatre.<id>.<var>  /  theatre:<id>.<var>    THEATRE_VARS
    belief.<actor>.<quantity>         an estimate held by the deciding actor (the public's in
                                      outcomes); quantities in BELIEF_QUANTITIES
"""

from __future__ import annotations

import math

ACTOR_VARS = (
    "gdp", "growth", "trend_growth", "reserves", "strain", "lost_trade", "transfer_relief",
    "regime_income",
    "forces_home", "in_transit", "deployed", "front", "killed", "wounded", "casualties",
    "troops_abroad", "mobilised", "munitions", "munitions_production", "readiness",
    "effectiveness", "stability", "resolve", "credibility", "repression", "intel_quality",
    "concealment", "escalation_points", "drawn_in",
)
# Variables an inject may change. Troop stocks other than forces_home would break conservation;
# forces_home changes are booked as mobilisation (see engine/model.py).
WRITABLE_ACTOR_VARS = (
    "gdp", "trend_growth", "reserves", "strain", "forces_home", "munitions",
    "munitions_production", "readiness", "effectiveness", "stability", "resolve", "credibility",
    "repression", "intel_quality", "concealment",
)
WORLD_VARS = (
    "escalation_rung", "escalation_level", "escalation_score", "heat", "wider_war_risk",
    "civilian_casualties", "displaced", "humanitarian_toll", "n_drawn_in", "sanctions_in_force",
)
WRITABLE_WORLD_VARS = ("escalation_level", "heat", "civilian_casualties", "displaced")
THEATRE_VARS = ("front_pressure", "intensity", "base_intensity", "ceasefire")
WRITABLE_THEATRE_VARS = ("front_pressure", "base_intensity", "ceasefire")
BELIEF_QUANTITIES = ("troops_abroad",)
# What one actor can see of another without intelligence. Everything else about another actor
# (troops, munitions, transfers, reserves) must be read through belief.<actor>.<quantity>.
PUBLIC_ACTOR_VARS = (
    "gdp", "growth", "trend_growth", "strain", "stability", "resolve", "credibility",
    "drawn_in", "escalation_points",
)
CONFIDENCE_ORDER = ("unverified", "probable", "confirmed")


def split_path(path: str) -> tuple[str, ...]:
    """``theatre:kursk.front_pressure`` and ``theatre.kursk.front_pressure`` are the same."""
    if path.startswith("theatre:"):
        path = "theatre." + path[len("theatre:"):]
    return tuple(path.split("."))


def check_variable_path(path: str, actors, theatres, allow_self=False, writable=False,
                        observer: str | None = None):
    """Return why ``path`` names no variable, or None if it is fine.

    With ``observer`` (a deciding actor), another actor's hidden variables are refused:
    policies decide from beliefs, not from the truth.
    """
    parts = split_path(path)
    actor_vars = WRITABLE_ACTOR_VARS if writable else ACTOR_VARS
    world_vars = WRITABLE_WORLD_VARS if writable else WORLD_VARS
    theatre_vars = WRITABLE_THEATRE_VARS if writable else THEATRE_VARS
    what = "writable " if writable else ""
    if parts == ("turn",) and not writable:
        return None
    if len(parts) == 2 and parts[0] == "world":
        return None if parts[1] in world_vars else (
            f"unknown {what}world variable '{parts[1]}' (known: {', '.join(world_vars)})")
    if len(parts) == 3 and parts[0] == "theatre":
        if parts[1] not in theatres:
            return f"unknown theatre '{parts[1]}'"
        return None if parts[2] in theatre_vars else (
            f"unknown {what}theatre variable '{parts[2]}' (known: {', '.join(theatre_vars)})")
    if len(parts) == 3 and parts[0] == "belief" and not writable:
        if parts[1] not in actors:
            return f"unknown actor '{parts[1]}'"
        return None if parts[2] in BELIEF_QUANTITIES else (
            f"unknown belief quantity '{parts[2]}' (known: {', '.join(BELIEF_QUANTITIES)})")
    if len(parts) == 2 and (parts[0] in actors or (allow_self and parts[0] == "self")):
        if parts[1] not in actor_vars:
            return f"unknown {what}actor variable '{parts[1]}' (known: {', '.join(actor_vars)})"
        if observer and parts[0] not in ("self", observer) and parts[1] not in PUBLIC_ACTOR_VARS:
            return (f"'{path}' is hidden from {observer}; decide from an estimate such as "
                    f"belief.{parts[0]}.troops_abroad, or a public variable "
                    f"({', '.join(PUBLIC_ACTOR_VARS)})")
        return None
    if len(parts) == 2:
        return f"unknown actor '{parts[0]}' in '{path}'"
    return (f"cannot read '{path}': expected turn, world.<var>, <actor>.<var>, "
            "theatre.<id>.<var> or belief.<actor>.<quantity>")


def world_value(state, var: str) -> float:
    if var == "escalation_rung":
        return state.escalation_rung
    if var == "n_drawn_in":
        return len(state.drawn_in)
    if var == "sanctions_in_force":
        return len(state.sanctions)
    if var == "humanitarian_toll":
        return humanitarian_toll(state)
    return getattr(state, var)


def humanitarian_toll(state) -> int:
    """Civilian casualties + displaced + military casualties of every actor (people)."""
    military = sum(a.killed + a.wounded for a in state.actors.values())
    return state.civilian_casualties + state.displaced + military


def read(state, path: str, self_id: str | None = None, beliefs=None) -> float:
    """The numeric value at ``path``. Beliefs read from ``beliefs`` (the observer's)."""
    parts = split_path(path)
    if parts == ("turn",):
        return state.turn
    head = parts[0]
    if head == "world":
        return float(world_value(state, parts[1]))
    if head == "theatre":
        return float(getattr(state.theatres[parts[1]], parts[2]))
    if head == "belief":
        belief = (beliefs if beliefs is not None else state.public_beliefs).get(
            (parts[1], parts[2]))
        return belief_estimate(belief) if belief else 0.0
    actor = state.actors[self_id if head == "self" else head]
    return float(getattr(actor, parts[1]))


def belief_estimate(belief) -> float:
    """Median estimate of the quantity (beliefs are Gaussian in log(1 + x))."""
    return max(0.0, math.expm1(belief.mean))


def confidence_label(belief, probable_sd: float, confirmed_sd: float) -> str:
    sd = math.sqrt(belief.var)
    if sd <= confirmed_sd:
        return "confirmed"
    if sd <= probable_sd:
        return "probable"
    return "unverified"

"""Named state variables: the vocabulary of doctrine conditions, inject effects and outcomes.

Paths:
    turn                              the current turn
    world.<var>                       WORLD_VARS
    <actor>.<var>  /  self.<var>      ACTOR_VARS (self = the deciding actor, in doctrine)
    theatre.<id>.<var>  /  theatre:<id>.<var>    THEATRE_VARS
    belief.<actor>.<quantity>         an estimate held by the deciding actor (the public's in
                                      outcomes); quantities in BELIEF_QUANTITIES
    belief_sd.<actor>.<quantity>      its spread (log-units)
    confidence.<actor>.<quantity>     its label as a number: 0 unverified, 1 probable,
                                      2 confirmed
"""

from __future__ import annotations

import math

ACTOR_VARS = (
    "gdp", "growth", "trend_growth", "reserves", "strain", "lost_trade", "transfer_relief",
    "regime_income", "payroll_income",
    "forces_home", "queued", "in_transit", "deployed", "front", "killed", "wounded", "casualties",
    "troops_abroad", "mobilised", "munitions", "munitions_production", "readiness",
    "effectiveness", "stability", "resolve", "credibility", "repression", "intel_quality",
    "concealment", "escalation_points", "drawn_in", "sanctions_against", "sanctions_imposed",
)
COMPUTED_ACTOR_VARS = ("sanctions_against", "sanctions_imposed")  # read from the world
BELIEF_HEADS = ("belief", "belief_sd", "confidence")
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
# The range of each writable variable that has one. An inject's effect is clipped to it
# (engine/model.py), and an effect that cannot be meant - a "set" outside the range, an "add"
# larger than the whole range, a negative "mul" - is refused when a scenario or an ad-hoc
# inject is checked (``effect_problem``): "stability add -5" is a typo for -0.5.
RANGES: dict[str, tuple[float, float]] = {
    **dict.fromkeys(("strain", "stability", "resolve", "credibility", "readiness", "repression",
                     "intel_quality", "concealment", "base_intensity"), (0.0, 1.0)),
    "front_pressure": (-1.0, 1.0),
    "escalation_level": (0.0, 44.0),
}
WRITABLE_THEATRE_VARS = ("front_pressure", "base_intensity", "ceasefire")
BELIEF_QUANTITIES = ("troops_abroad",)
# What one actor can see of another without intelligence. Everything else about another actor
# (troops, munitions, transfers, reserves) must be read through belief.<actor>.<quantity>.
PUBLIC_ACTOR_VARS = (
    "gdp", "growth", "trend_growth", "strain", "stability", "resolve", "credibility",
    "drawn_in", "escalation_points", "sanctions_against", "sanctions_imposed",
)
CONFIDENCE_ORDER = ("unverified", "probable", "confirmed")


def effect_problem(var: str, op: str, value: float) -> str | None:
    """Why an inject's effect on ``var`` cannot be meant, or None (see RANGES)."""
    if op == "mul" and value < 0:
        return f"multiplying {var} by a negative number ({value:g}) is never meaningful"
    if var not in RANGES:
        return None
    low, high = RANGES[var]
    span = f"{var} runs from {low:g} to {high:g}"
    if op == "set" and not low <= value <= high:
        return f"{span}; it cannot be set to {value:g}"
    if op == "add" and abs(value) > high - low:
        return (f"{span}; adding {value:g} is more than its whole range (did you mean "
                f"{value / 10:g}?)")
    return None


def split_path(path: str) -> tuple[str, ...]:
    """``theatre:kursk.front_pressure`` and ``theatre.kursk.front_pressure`` are the same."""
    parts = _SPLIT.get(path)
    if parts is None:  # a scenario names few paths, read many times a run: split each once
        if path.startswith("theatre:"):
            parts = tuple(("theatre." + path[len("theatre:"):]).split("."))
        else:
            parts = tuple(path.split("."))
        if len(_SPLIT) < 10_000:
            _SPLIT[path] = parts
    return parts


_SPLIT: dict[str, tuple[str, ...]] = {}


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
    if len(parts) == 3 and parts[0] in BELIEF_HEADS and not writable:
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
            "theatre.<id>.<var>, belief.<actor>.<quantity>, belief_sd.<actor>.<quantity> or "
            "confidence.<actor>.<quantity>")


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
    if head in BELIEF_HEADS:
        belief = (beliefs if beliefs is not None else state.public_beliefs).get(
            (parts[1], parts[2]))
        if belief is None:
            return 0.0
        if head == "belief":
            return belief_estimate(belief)
        if head == "belief_sd":
            return math.sqrt(belief.var)
        p = state.params
        return float(CONFIDENCE_ORDER.index(
            confidence_label(belief, p["probable_sd"], p["confirmed_sd"])))
    actor_id = self_id if head == "self" else head
    if parts[1] == "sanctions_against":
        return float(sum(1 for s in state.sanctions if s.target == actor_id))
    if parts[1] == "sanctions_imposed":
        return float(sum(1 for s in state.sanctions if s.sender == actor_id))
    return float(getattr(state.actors[actor_id], parts[1]))


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

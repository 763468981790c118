"""Herman Kahn's escalation ladder (On Escalation, 1965): 44 rungs in 7 units, 6 thresholds.

Source: docs/reference/calibration-sources.md §3.1. Rung 0 is pre-escalation ("Disagreement - Cold
War"). The ladder is data: the escalation rule reads thresholds from here and the UI reads names.
"""

from __future__ import annotations

TOP_RUNG = 44

RUNG_NAMES: tuple[str, ...] = (
    "Disagreement - Cold War",
    "Ostensible crisis",
    "Political, economic and diplomatic gestures",
    "Solemn and formal declarations",
    "Hardening of positions",
    "Show of force",
    "Significant mobilization",
    "'Legal' harassment - retortions",
    "Harassing acts of violence",
    "Dramatic military confrontations",
    "Provocative breaking off of diplomatic relations",
    "Super-ready status",
    "Large conventional war",
    "Large compound escalation",
    "Declaration of limited conventional war",
    "Barely nuclear war",
    "Nuclear 'ultimatums'",
    "Limited evacuation (~20%)",
    "Spectacular show or demonstration of force",
    "'Justifiable' counterforce attack",
    "'Peaceful' world-wide embargo or blockade",
    "Local nuclear war - exemplary",
    "Declaration of limited nuclear war",
    "Local nuclear war - military",
    "Unusual, provocative and significant countermeasures",
    "Evacuation (~70%)",
    "Demonstration attack on zone of interior",
    "Exemplary attack on military",
    "Exemplary attacks against property",
    "Exemplary attacks on population",
    "Complete evacuation (~95%)",
    "Reciprocal reprisals",
    "Formal declaration of 'general' war",
    "Slow-motion counter-'property' war",
    "Slow-motion counterforce war",
    "Constrained force-reduction salvo",
    "Constrained disarming attack",
    "Counterforce-with-avoidance attack",
    "Unmodified counterforce attack",
    "Slow-motion countercity war",
    "Countervalue salvo",
    "Augmented disarming attack",
    "Civilian devastation attack",
    "Some other kinds of controlled general war",
    "Spasm or insensate war",
)
assert len(RUNG_NAMES) == TOP_RUNG + 1

# (first rung of the unit, unit name, threshold crossed to enter it)
UNITS: tuple[tuple[int, str, str], ...] = (
    (1, "Subcrisis maneuvering", ""),
    (4, "Traditional crises", "Don't rock the boat"),
    (10, "Intense crises", "Nuclear war is unthinkable"),
    (21, "Bizarre crises", "No nuclear use"),
    (26, "Exemplary central attacks", "Central sanctuary"),
    (32, "Military central wars", "Central war"),
    (39, "Civilian central wars", "City targeting"),
)

# Rungs whose entry crosses a threshold (the firebreaks).
THRESHOLD_RUNGS: tuple[int, ...] = tuple(first for first, _, threshold in UNITS if threshold)

# Points of the strongest move that must be made in a turn for escalation to cross each
# threshold (Rivera et al. categories, calibration §3.3): posturing is not enough to leave
# subcrisis manoeuvring, only violence enters intense crises, only nuclear use goes beyond.
THRESHOLD_BARRIERS: dict[int, int] = {4: 12, 10: 28, 21: 60, 26: 60, 32: 60, 39: 60}
assert set(THRESHOLD_BARRIERS) == set(THRESHOLD_RUNGS)


def unit_of(rung: int) -> str:
    """Name of the Kahn unit holding ``rung`` (rung 0 is pre-escalation)."""
    name = "Pre-escalation"
    for first, unit, _ in UNITS:
        if rung >= first:
            name = unit
    return name


def next_threshold_above(level: float) -> int | None:
    """The first threshold rung strictly above ``level``, or None at the top."""
    for rung in THRESHOLD_RUNGS:
        if rung > level:
            return rung
    return None

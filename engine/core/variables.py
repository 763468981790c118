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
from dataclasses import dataclass

from engine.core import caching


@dataclass(frozen=True)
class Variable:
    """One row of the table of variables: everything Brink says about a variable, in one place.

    ``owner``: actor, world or theatre. ``label``: the analyst's words (the "why?", reports,
    run summaries, chart titles); ``plain``: the classroom's. ``unit``: what a value is counted
    in (``axis``: the short y-axis title, the unit unless given). ``format``: how every view
    writes a value (``show``). ``range``: the values it can take, where bounded (an inject's
    effect is clipped to it, and an effect that cannot be meant is refused). ``recorded``: a row
    per turn in the per-turn frame, in this table's order. ``chart``: the chart group it is drawn
    in. ``path``: named in doctrine conditions, inject effects and outcomes as ``<owner>.<name>``
    (the standing orders and estimates the causal log also reports are not). ``writable``: an
    inject may change it; ``public``: other actors see it without intelligence; ``computed``:
    derived from the world, never stored on the actor. ``explained``: the classroom's "why?"
    tells it by default; ``headline``: its place in the facilitator's "why?"; ``futures``: kept
    for every turn of every Monte Carlo future.
    """

    name: str
    owner: str
    label: str
    plain: str = ""
    unit: str = ""
    format: str = ".3g"
    range: tuple[float, float] | None = None
    recorded: bool = False
    chart: str = ""
    axis: str = ""
    path: bool = True
    writable: bool = False
    public: bool = False
    computed: bool = False
    explained: bool = False
    headline: int | None = None
    futures: bool = False

    @property
    def words(self) -> str:
        """The classroom's label, else the analyst's."""
        return self.plain or self.label


SHARE = (0.0, 1.0)
V = Variable
# The rows are in the order the per-turn frame records them (world, then each actor, then each
# theatre, in that order within each owner).
TABLE: tuple[Variable, ...] = (
    # --- the world ---
    V("escalation_rung", "world", "escalation rung", "escalation rung on Kahn's ladder",
      unit="rung", format="count", recorded=True, chart="escalation", futures=True),
    V("escalation_level", "world", "escalation level",
      "escalation level (rung on Kahn's ladder)", unit="rung", format=".2f", range=(0.0, 44.0),
      recorded=True, chart="escalation", writable=True, explained=True, headline=1,
      futures=True),
    V("escalation_score", "world", "escalation score", "escalation score (points a turn)",
      unit="points", format=".1f", recorded=True, chart="escalation", explained=True,
      headline=2),
    V("heat", "world", "escalation heat", "tension built up over earlier turns (points)",
      unit="points", format=".1f",
      recorded=True, writable=True, explained=True),
    V("wider_war_risk", "world", "risk of a wider war", "risk of a wider war", unit="risk",
      format="percent", range=SHARE, recorded=True, chart="escalation", explained=True,
      headline=3, futures=True),
    V("civilian_casualties", "world", "civilian casualties", "number of civilian casualties",
      unit="people", format="count", recorded=True, chart="humanitarian", writable=True,
      explained=True),
    V("displaced", "world", "people displaced", "number of people displaced", unit="people",
      format="count", recorded=True, chart="humanitarian", writable=True, explained=True),
    V("humanitarian_toll", "world",
      "humanitarian toll (military and civilian casualties and the displaced)",
      "humanitarian toll", unit="people", format="count", recorded=True, chart="humanitarian",
      computed=True, futures=True),
    V("n_drawn_in", "world", "actors drawn into the conflict", unit="actors", format="count",
      recorded=True, computed=True),
    V("sanctions_in_force", "world", "sanctions packages in force", unit="packages",
      format="count", recorded=True, computed=True),
    V("sanctions", "world", "sanctions in force", "number of sanctions packages in force",
      format="count_of", path=False, explained=True, headline=4),
    V("transfers", "world", "standing transfers", "number of standing transfers",
      format="count_of", path=False, explained=True, headline=5),
    V("public_beliefs", "world", "public estimates", "estimate", format="belief", path=False,
      explained=True, headline=18),
    # --- each actor ---
    V("gdp", "actor", "GDP (bn USD a year)", "the size of the economy (bn USD a year)",
      unit="bn USD a year", format=",.1f", recorded=True, chart="economy", writable=True,
      public=True),
    V("growth", "actor", "growth (%/yr)", "economic growth (% a year)", unit="% a year",
      format="+.2f", recorded=True, chart="economy", public=True, explained=True, headline=7),
    V("trend_growth", "actor", "trend growth (%/yr)", "growth without the war (% a year)",
      unit="% a year", format="+.2f", writable=True, public=True),
    V("strain", "actor", "economic strain", "economic strain", unit="0-1", axis="strain (0-1)",
      format=".3f", range=SHARE, recorded=True, chart="economy", writable=True, public=True,
      explained=True, headline=6, futures=True),
    V("reserves", "actor", "reserves (bn USD)", unit="bn USD", format=",.1f", recorded=True,
      chart="economy", writable=True),
    V("lost_trade", "actor", "trade lost to sanctions (bn USD a year)",
      "trade lost to sanctions (bn USD a year)", unit="bn USD a year", format=",.1f",
      recorded=True, chart="economy", explained=True),
    V("transfer_relief", "actor", "net help from others (bn USD a year)",
      "net help from others: received minus paid (bn USD a year)", unit="bn USD a year",
      format=",.1f", recorded=True, chart="economy", explained=True),
    V("regime_income", "actor", "hard currency the regime captures (bn USD a year)",
      unit="bn USD a year", format=",.1f", recorded=True, chart="economy"),
    V("payroll_income", "actor", "troop pay received (bn USD a year)", unit="bn USD a year",
      format=",.1f", recorded=True, chart="economy"),
    V("forces_home", "actor", "troops at home", "troops at home", unit="troops",
      format="count", recorded=True, chart="forces", writable=True, explained=True,
      headline=9),
    V("queued", "actor", "troops waiting for transport", "troops waiting to leave",
      unit="troops", format="count", recorded=True, chart="forces", explained=True,
      headline=10),
    V("in_transit", "actor", "troops in transit", "troops on the way", unit="troops",
      format="count", recorded=True, chart="forces", explained=True, headline=11),
    V("deployed", "actor", "troops deployed", "troops deployed abroad or at the front",
      unit="troops", format="count", recorded=True, chart="forces", explained=True,
      headline=12),
    V("front", "actor", "troops at the front", unit="troops", format="count", recorded=True,
      chart="forces"),
    V("reserve", "actor", "troops in reserve off the line", "troops resting behind the front",
      unit="troops", format="count", recorded=True, chart="forces"),
    V("reserve_readiness", "actor", "readiness of the troops in reserve",
      "how fit the resting troops are", unit="0-1", format=".2f", range=SHARE, recorded=True,
      chart="forces", writable=True),
    V("front_losses", "actor", "share of the front lost this turn, a week",
      unit="killed and wounded / troops at the front, a week", format=".2%"),
    V("killed", "actor", "soldiers killed", "soldiers killed", unit="troops", format="count",
      recorded=True, chart="forces", explained=True, headline=14),
    V("wounded", "actor", "soldiers wounded", "soldiers wounded", unit="troops",
      format="count", recorded=True, chart="forces", explained=True, headline=15),
    V("casualties", "actor", "military casualties", unit="killed and wounded", format="count",
      recorded=True, chart="forces", futures=True),
    V("troops_abroad", "actor", "troops abroad", unit="troops", format="count", chart="forces",
      futures=True),
    V("troops_committed", "actor", "troops committed abroad", unit="troops abroad and waiting to "
      "leave", format="count"),
    V("casualty_share", "actor", "share of the troops sent lost", unit="killed and wounded / "
      "(abroad + killed and wounded)", format="share"),
    V("mobilised", "actor", "troops mobilised", unit="troops", format="count"),
    V("munitions", "actor", "artillery shells in stock", "artillery shells in stock",
      unit="shells", format="count", recorded=True, chart="forces", writable=True,
      explained=True, headline=13),
    V("munitions_production", "actor", "shells produced a turn", unit="shells a turn",
      format="count", writable=True),
    V("readiness", "actor", "readiness", unit="0-1", format=".2f", range=SHARE, recorded=True,
      chart="forces", writable=True),
    V("effectiveness", "actor", "combat effectiveness", unit="1 = the theatre's norm",
      format=".2f", recorded=True, chart="forces", writable=True),
    V("stability", "actor", "stability", "stability", unit="0-1", format=".3f", range=SHARE,
      recorded=True, chart="politics", writable=True, public=True, explained=True,
      headline=8, futures=True),
    V("resolve", "actor", "resolve", "resolve", unit="0-1", format=".2f", range=SHARE,
      recorded=True, chart="politics", writable=True, public=True, explained=True),
    V("credibility", "actor", "credibility", "credibility", unit="0-1", format=".2f",
      range=SHARE, recorded=True, chart="politics", writable=True, public=True,
      explained=True),
    V("repression", "actor", "repression capacity", unit="0-1", format=".2f", range=SHARE,
      writable=True),
    V("intel_quality", "actor", "intelligence quality", unit="0-1", format=".2f", range=SHARE,
      writable=True),
    V("concealment", "actor", "concealment", unit="0-1", format=".2f", range=SHARE,
      writable=True),
    V("escalation_points", "actor", "escalation points this turn", unit="points",
      format=".1f", recorded=True, chart="escalation", public=True),
    V("drawn_in", "actor", "drawn into the conflict", "part of the fighting", format="bool",
      recorded=True, public=True, explained=True, headline=16),
    V("sanctions_against", "actor", "sanctions packages against it", unit="packages",
      format="count", public=True, computed=True),
    V("sanctions_imposed", "actor", "sanctions packages it imposes", unit="packages",
      format="count", public=True, computed=True),
    V("beliefs", "actor", "estimates", "estimate", format="belief", path=False,
      explained=True),
    # --- each theatre ---
    V("front_pressure", "theatre", "front-line pressure",
      "front-line pressure (positive favours the first side)", unit="-1 to 1",
      format="+.2f", range=(-1.0, 1.0), recorded=True, chart="front", writable=True,
      explained=True, headline=17),
    V("intensity", "theatre", "intensity of the fighting", unit="0-1", format=".2f",
      recorded=True, chart="front"),
    V("base_intensity", "theatre", "intensity without new orders", unit="0-1", format=".2f",
      range=SHARE, writable=True),
    V("ceasefire", "theatre", "ceasefire in force", "ceasefire in force", format="bool",
      recorded=True, chart="front", writable=True, explained=True),
)
del V

VARIABLES: dict[str, Variable] = {v.name: v for v in TABLE}


def _names(owner: str, **flags) -> tuple[str, ...]:
    return tuple(v.name for v in TABLE if v.owner == owner and v.path
                 and all(getattr(v, k) == want for k, want in flags.items()))


# The vocabulary of paths (doctrine conditions, inject effects, outcomes), read off the table.
ACTOR_VARS = _names("actor")
COMPUTED_ACTOR_VARS = _names("actor", computed=True)  # read from the world
BELIEF_HEADS = ("belief", "belief_sd", "confidence")
# Troop stocks other than forces_home would break conservation; forces_home changes are booked
# as mobilisation (see engine/sim/model.py).
WRITABLE_ACTOR_VARS = _names("actor", writable=True)
WORLD_VARS = _names("world")
WRITABLE_WORLD_VARS = _names("world", writable=True)
THEATRE_VARS = _names("theatre")
WRITABLE_THEATRE_VARS = _names("theatre", writable=True)
# What one actor can see of another without intelligence. Everything else about another actor
# (troops, munitions, transfers, reserves) must be read through belief.<actor>.<quantity>.
PUBLIC_ACTOR_VARS = _names("actor", public=True)
RECORDED = {owner: tuple(v.name for v in TABLE if v.owner == owner and v.recorded)
            for owner in ("actor", "world", "theatre")}
FUTURES = {owner: tuple(v.name for v in TABLE if v.owner == owner and v.futures)
           for owner in ("actor", "world")}
HEADLINES = tuple(sorted((v for v in TABLE if v.headline is not None),
                         key=lambda v: v.headline))
# An inject's effect is clipped to the range (engine/sim/model.py), and an effect that cannot be
# meant - a "set" outside the range, an "add" larger than the whole range, a negative "mul" - is
# refused when a scenario or an ad-hoc inject is checked (``effect_problem``): "stability add
# -5" is a typo for -0.5.
RANGES: dict[str, tuple[float, float]] = {v.name: v.range for v in TABLE
                                          if v.writable and v.range is not None}
BELIEF_QUANTITIES = ("troops_abroad",)
CONFIDENCE_ORDER = ("unverified", "probable", "confirmed")
# The one table of confidence labels and what each promises, strongest first: (label, error,
# probability) = the estimate is within +-error of the true figure with at least that
# probability. The probabilities are the lower ends of ICD 203's bands: "very likely" (80-95%)
# for confirmed, "likely" (55-80%) for probable. A label is given when the belief's own Gaussian
# keeps the promise (``confidence_label``); docs/reference/validation.md checks, over batches,
# that the promise is kept as often as stated. At +-50%, "confirmed" is a spread of at most
# ~0.40 log-units and "probable" of at most ~0.71.
CONFIDENCE_PROMISES = (("confirmed", 0.5, 0.8), ("probable", 0.5, 0.55))


def show(name: str, value) -> str:
    """A value of variable ``name`` as every view writes it (the table's ``format``): the
    "why?" of both registers, the app's tables, the replay check. Unknown names and values that
    are not numbers are written plainly."""
    var = VARIABLES.get(name)
    fmt = var.format if var is not None else ".3g"
    if isinstance(value, bool) or fmt == "bool":
        return "yes" if value else "no"
    if fmt == "count_of":
        return str(len(value))
    if not isinstance(value, int | float):
        return str(value)
    if fmt == "count":
        return f"{round(value):,}"
    if fmt == "percent":
        return f"{value:.1%}"
    if fmt == ".3g":
        return f"{round(value):,}" if abs(value) >= 100 or float(value).is_integer() \
            else f"{value:.3g}"
    return format(value, fmt)


D3_COUNT = ",~f"  # whole numbers with thousands separators (d3's "~s" prints "0k" at zero)


def d3_format(name: str) -> str | None:
    """The chart axis number format (d3) for variable ``name``: thousands separators for
    counts, per cent for shares shown as per cent, Vega-Lite's default otherwise."""
    var = VARIABLES.get(name)
    if var is None:
        return None
    return {"count": D3_COUNT, "percent": ".1~%"}.get(var.format)


def axis_title(name: str) -> str:
    """The short y-axis title of a chart of ``name``: the row's ``axis``, else its unit."""
    var = VARIABLES.get(name)
    if var is None:
        return name.replace("_", " ")
    return var.axis or var.unit or var.label


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
    parts = _SPLIT.get(path) if caching.ENABLED else None
    if parts is None:  # a scenario names few paths, read many times a run: split each once
        if path.startswith("theatre:"):
            parts = tuple(("theatre." + path[len("theatre:"):]).split("."))
        else:
            parts = tuple(path.split("."))
        if len(_SPLIT) < 10_000 and caching.ENABLED:
            _SPLIT[path] = parts
    return parts


_SPLIT: dict[str, tuple[str, ...]] = {}


def check_variable_path(path: str, actors, theatres, allow_self=False, writable=False,
                        observer: str | None = None, moves=()):
    """Return why ``path`` names no variable, or None if it is fine.

    With ``observer`` (a deciding actor), another actor's hidden variables are refused:
    policies decide from beliefs, not from the truth. ``moves``: the move names a doctrine's
    ``news.<move>`` may count (what was done to its actor last turn). A ``param.<name>`` path
    is a doctrine's alone, checked by the loader (who may read which parameter).
    """
    parts = split_path(path)
    actor_vars = WRITABLE_ACTOR_VARS if writable else ACTOR_VARS
    world_vars = WRITABLE_WORLD_VARS if writable else WORLD_VARS
    theatre_vars = WRITABLE_THEATRE_VARS if writable else THEATRE_VARS
    what = "writable " if writable else ""
    if parts == ("turn",) and not writable:
        return None
    if parts[0] == "param":
        return f"'{path}': a parameter is read only by a doctrine (param.<name>)"
    if len(parts) == 2 and parts[0] == "news" and not writable and allow_self:
        return None if parts[1] in moves else f"unknown move '{parts[1]}' in '{path}'"
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
            "theatre.<id>.<var>, belief.<actor>.<quantity>, belief_sd.<actor>.<quantity>, "
            "confidence.<actor>.<quantity>, param.<name> or (in a doctrine) news.<move>")


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
    if head == "param":
        return float(state.params[parts[1]])
    if head == "news":
        return float(state.news.get(self_id, {}).get(parts[1], 0))
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
        return float(CONFIDENCE_ORDER.index(confidence_label(belief)))
    actor_id = self_id if head == "self" else head
    if parts[1] == "sanctions_against":
        return float(sum(1 for s in state.sanctions if s.target == actor_id))
    if parts[1] == "sanctions_imposed":
        return float(sum(1 for s in state.sanctions if s.sender == actor_id))
    return float(getattr(state.actors[actor_id], parts[1]))


def belief_estimate(belief) -> float:
    """Median estimate of the quantity (beliefs are Gaussian in log(1 + x))."""
    return max(0.0, math.expm1(belief.mean))


def share_within(belief, error: float) -> float:
    """The probability, by the belief's own Gaussian, that its estimate is within ``error``
    (a share, 0.5 = +-50%) of the true figure (of 1 + the figure: the same for thousands of
    troops). With x = log(1 + truth) ~ N(m, v), the estimate e^m - 1 is within the error when
    x lies in [m - log(1 + error), m - log(1 - error)]."""
    sd = math.sqrt(belief.var)
    if sd == 0.0:
        return 1.0
    return _phi(-math.log1p(-error) / sd) - _phi(-math.log1p(error) / sd)


def _phi(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def confidence_label(belief) -> str:
    """The strongest label whose promise (CONFIDENCE_PROMISES) the belief's own uncertainty
    keeps, else "unverified"."""
    for name, error, probability in CONFIDENCE_PROMISES:
        if share_within(belief, error) >= probability:
            return name
    return "unverified"

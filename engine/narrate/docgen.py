"""Generated reference tables for docs/reference/model.md.

The tables are rendered from the engine's own data, so the documentation cannot drift from the
code: the parameter table (engine/core/parameters.py), the move catalogue and its escalation
categories (engine/moves/catalogue.py), the sanctions packages and support kinds, and Kahn's ladder
(engine/core/ladder.py).

Each table lives in docs/reference/model.md between two marker comments::

    <!-- BEGIN GENERATED: parameters -->
    ...
    <!-- END GENERATED: parameters -->

``update_text`` re-renders the text between every pair of markers; ``brink docs model``
(cli/docs.py) rewrites the file with it, and ``brink docs model --check`` only reports whether
the file is stale (exit status 1). tests/test_docs.py fails when the committed file differs
from a fresh render.

This module depends on engine/ only (never on ui/ or analysis/).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from engine.core.ladder import RUNG_NAMES, THRESHOLD_BARRIERS, UNITS, unit_of
from engine.core.parameters import PARAMETERS
from engine.core.variables import TABLE as VARIABLE_TABLE
from engine.moves.catalogue import (
    CATALOGUE,
    ENFORCE_STEP,
    INITIAL_ENFORCEMENT,
    SANCTION_PACKAGES,
    SUPPORT_KINDS,
    Category,
    MoveSpec,
    needs,
)
from engine.policies.utility import COSTS, RESOURCES
from engine.scenario.schema import Sector

# The checkout's model reference. Regenerating it is a maintainer's job in a checkout, so this
# path stays relative to the source tree: an installed package ships no docs/, and
# ``brink docs model`` then says so in one line (give the file's path instead).
MODEL_MD = Path(__file__).resolve().parents[2] / "docs" / "reference" / "model.md"
APPEAL_DIMENSIONS = ("security", "economy", "regime", "reputation")

# Which mechanism section of docs/reference/model.md explains each parameter. Every parameter
# belongs to
# exactly one (tests/test_docs.py checks it), so a new parameter cannot go undocumented.
MECHANISM_PARAMETERS: dict[str, tuple[str, ...]] = {
    "logistics": ("training_weeks", "sustainment_usd_per_soldier_month"),
    "economy": ("strain_gain", "strain_recovery", "growth_per_strain", "leakage_max",
                "secondary_leak_cut", "sender_cost_share", "war_cost_gdp_share"),
    "transfers": ("pay_usd_per_soldier_month", "regime_capture_share", "oil_usd_per_bbl",
                  "food_usd_per_tonne", "technology_effectiveness_gain", "aid_usd_per_shell"),
    "military": ("casualty_rate_weekly", "kia_share", "shells_per_soldier_week", "front_gain",
                 "front_decay", "civilian_harm_per_strike", "displaced_per_pressure",
                 "reserve_recovery_weekly"),
    "politics": ("stability_strain_weight", "stability_casualty_weight",
                 "stability_payment_weight", "stability_reversion"),
    "escalation": ("heat_persistence", "points_per_rung", "covert_points_weight",
                   "descent_friction", "accident_p_max", "accident_onset_rung",
                   "horizontal_points", "wider_war_midpoint", "wider_war_slope",
                   "wider_war_per_actor", "draw_in_attacked", "draw_in_alliance",
                   "draw_in_wider_war"),
    "intelligence": ("observation_noise", "belief_drift", "ally_intel_sharing",
                     "detection_troops", "public_osint_quality", "disclosure_noise",
                     "acknowledgement_noise"),
    "decisions": ("decision_horizon_weeks", "utility_per_gdp_share", "utility_per_index",
                  "talks_concession", "talks_repeat_discount", "diplomacy_credibility_cost"),
}

_MARKERS = re.compile(
    r"(<!-- BEGIN GENERATED: (?P<name>[a-z0-9-]+) -->\n)(?P<body>.*?)"
    r"(<!-- END GENERATED: (?P=name) -->)",
    re.DOTALL,
)


# --- formatting helpers ------------------------------------------------------------------------


def _cell(text: object) -> str:
    """Make ``text`` safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def _num(x: float) -> str:
    """Numbers as a reader writes them: 20,000 and 0.017, never 2e+04."""
    if float(x).is_integer() and abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:g}"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]], note: str) -> str:
    lines = [f"_{note}_", "", "| " + " | ".join(header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _who(spec: MoveSpec) -> str:
    return " or ".join(f"`{c}`" for c in needs(spec)) or "any actor"


def _params(spec: MoveSpec) -> str:
    parts = []
    for p in spec.params:
        if p.kind in ("int", "float"):
            text = f"`{p.name}`: {_num(p.low)} to {_num(p.high)} {p.unit}".rstrip()
        elif p.kind == "choice":
            text = f"`{p.name}`: one of " + ", ".join(p.choices)
        else:
            article = "an" if p.kind[0] in "aeiou" else "a"
            text = f"`{p.name}`: {article} {p.kind} id"
        if p.default is not None:
            text += f" (default {p.default})"
        elif p.optional:
            text += " (optional)"
        parts.append(text)
    return "; ".join(parts) or "none"


def _category(category: Category) -> str:
    return category.name.lower().replace("_", "-")


# --- the tables --------------------------------------------------------------------------------


def parameter_table() -> str:
    """Every entry of ``engine.core.parameters.PARAMETERS``, in table order, with its provenance:
    the calibration row it comes from, whether it was taken from a source, derived, fitted or
    assumed, the target that fits or checks it, and why its plausible range is what it is."""
    rows = [(f"`{p.name}`", _num(p.value), p.unit, p.kind, p.row,
             p.fit or "not checked against a target",
             f"{_num(p.low)} to {_num(p.high)}: {p.why_range}", p.note)
            for p in PARAMETERS.values()]
    return _table(("name", "value", "unit", "kind", "source row (calibration-sources.md)",
                   "fitted to / checked by", "plausible range and why", "note"), rows,
                  "Generated from engine/core/parameters.py by `brink docs model`; "
                  "do not edit by hand. Kinds: sourced (read from the row), derived "
                  "(arithmetic on it, see the note), fitted (chosen to reproduce a target), "
                  "assumed (a judgement).")


def mechanism_parameter_table(mechanism: str) -> str:
    """The parameters one mechanism uses (values from the canonical table)."""
    rows = []
    for name in MECHANISM_PARAMETERS[mechanism]:
        p = PARAMETERS[name]
        rows.append((f"`{p.name}`", _num(p.value), p.unit, p.kind,
                     f"{_num(p.low)} to {_num(p.high)}", p.source))
    return _table(("parameter", "value", "unit", "kind", "plausible range", "source"), rows,
                  "Generated from engine/core/parameters.py; notes on each value are in the full "
                  "table under Parameters.")


def category_table() -> str:
    """Escalation categories, their points and the moves in each."""
    rows = []
    for category in sorted(Category, key=int):
        members = [f"`{s.type.value}`" for s in CATALOGUE.values() if s.category == category]
        rows.append((_category(category), str(int(category)), ", ".join(members) or "none"))
    return _table(("category", "points", "moves"), rows,
                  "Generated from engine/moves/catalogue.py (Category, CATALOGUE).")


def move_table() -> str:
    """The move catalogue: who may use each move, its parameters, visibility and points."""
    rows = []
    for spec in CATALOGUE.values():
        pre = "; ".join(r.text for r in spec.preconditions) or "none"
        rows.append((f"`{spec.type.value}`", _who(spec), _params(spec), spec.visibility.value,
                     _category(spec.category), str(spec.points), pre, spec.effect_text))
    return _table(("id", "who may use it", "parameters and bounds", "visibility", "category",
                   "points", "preconditions", "effect"), rows,
                  "Generated from engine/moves/catalogue.py (CATALOGUE); `brink moves` prints the "
                  "same "
                  "catalogue.")


def appeal_table() -> str:
    """Each move's appeal to the logit policy along the four utility dimensions."""
    rows = []
    for spec in CATALOGUE.values():
        cells = tuple(f"{spec.appeal[d]:+g}" if d in spec.appeal else "0"
                      for d in APPEAL_DIMENSIONS)
        rows.append((f"`{spec.type.value}`", *cells, str(spec.points)))
    return _table(("move", *APPEAL_DIMENSIONS, "points"), rows,
                  "Generated from engine/moves/catalogue.py (MoveSpec.appeal).")


def cost_table() -> str:
    """What each move takes from the actor that makes it, as the logit policy reckons it, and
    the price of each resource."""
    rows = []
    for move_type, costs in COSTS.items():
        taken = "; ".join(f"`{c.term}`: {c.resource}, {c.source}" for c in costs)
        rows.append((f"`{move_type.value}`", taken or "nothing but its points"))
    moves = _table(("move", "what it takes (term: resource, amount from)"), rows,
                   "Generated from engine/policies/utility.py (COSTS). Every move also pays "
                   "its escalation points; withdrawing reverses the signs of the troop terms "
                   "(a saving, and pay lost).")
    prices = _table(("resource", "unit", "price in utility"),
                    [(f"`{name}`", r.unit, r.formula) for name, r in RESOURCES.items()],
                    "Generated from engine/policies/utility.py (RESOURCES).")
    return moves + "\n" + prices


def package_table() -> str:
    """Sector coverage of each sanctions package at full enforcement."""
    packages = tuple(SANCTION_PACKAGES)
    rows = [(f"`{sector.value}`", *(f"{SANCTION_PACKAGES[k].get(sector.value, 0.0):g}"
                                    for k in packages)) for sector in Sector]
    table = _table(("sector", *packages), rows,
                   "Generated from engine/moves/catalogue.py (SANCTION_PACKAGES): the share of "
                   "each "
                   "sector's trade a package blocks at full enforcement.")
    return table + (f"\nA package starts at enforcement {INITIAL_ENFORCEMENT:g}; each "
                    f"`enforce_sanctions` adds {ENFORCE_STEP:g} (up to 1).\n")


def support_table() -> str:
    """Bounds and units of ``pay_support`` amounts by kind."""
    rows = [(f"`{kind}`", f"{_num(low)} to {_num(high)}", unit)
            for kind, (low, high, unit) in SUPPORT_KINDS.items()]
    return _table(("kind", "amount per turn", "unit"), rows,
                  "Generated from engine/moves/catalogue.py (SUPPORT_KINDS).")


def ladder_table() -> str:
    """Kahn's 44 rungs with their units, thresholds and barrier points."""
    entry = {first: threshold for first, _, threshold in UNITS if threshold}
    rows = []
    for rung, name in enumerate(RUNG_NAMES):
        threshold = entry.get(rung, "")
        barrier = str(THRESHOLD_BARRIERS[rung]) if rung in THRESHOLD_BARRIERS else ""
        rows.append((str(rung), name, unit_of(rung), threshold, barrier))
    return _table(("rung", "name", "unit", "threshold crossed to enter", "barrier (points)"),
                  rows, "Generated from engine/core/ladder.py.")


def variable_table() -> str:
    """The table of variables (engine/core/variables.py), one row each."""
    def flags(v) -> str:
        return ", ".join(word for word, on in (
            ("recorded", v.recorded), ("writable", v.writable), ("public", v.public),
            ("computed", v.computed), ("not a path", not v.path)) if on)

    rows = [(f"`{v.owner}.{v.name}`" if v.path else f"`{v.name}`", v.label, v.plain or "",
             v.unit, f"{_num(v.range[0])} to {_num(v.range[1])}" if v.range else "",
             f"`{v.format}`", v.chart, flags(v)) for v in VARIABLE_TABLE]
    return _table(("variable", "label", "in class", "unit", "range", "format", "chart",
                   "flags"), rows,
                  "Generated from engine/core/variables.py: the one table every view reads. "
                  "recorded: a row per turn in the per-turn frame; writable: an inject may "
                  "change it; public: other actors see it without intelligence; computed: "
                  "derived from the world. Formats: count (whole, thousands separated), percent, "
                  "bool (yes/no), count_of (how many in force), belief (an estimate with its "
                  "confidence), otherwise a Python format.")


def _mechanism(name: str) -> Callable[[], str]:
    return lambda: mechanism_parameter_table(name)


SECTIONS: dict[str, Callable[[], str]] = {
    **{f"params-{m}": _mechanism(m) for m in MECHANISM_PARAMETERS},
    "parameters": parameter_table,
    "categories": category_table,
    "moves": move_table,
    "appeal": appeal_table,
    "logit-costs": cost_table,
    "sanction-packages": package_table,
    "support-kinds": support_table,
    "ladder": ladder_table,
    "variables": variable_table,
}


# --- rewriting the document --------------------------------------------------------------------


def sections_in(text: str) -> dict[str, str]:
    """The generated sections present in ``text``: ``{name: body}``."""
    return {m["name"]: m["body"] for m in _MARKERS.finditer(text)}


def update_text(text: str) -> str:
    """Return ``text`` with every generated section re-rendered.

    Raises ValueError if a section is missing, unknown or appears twice, so a mangled marker
    cannot silently leave a stale table behind.
    """
    found = [m["name"] for m in _MARKERS.finditer(text)]
    unknown = sorted(set(found) - set(SECTIONS))
    if unknown:
        raise ValueError(f"unknown generated section(s): {', '.join(unknown)} "
                         f"(known: {', '.join(SECTIONS)})")
    missing = [name for name in SECTIONS if name not in found]
    if missing:
        raise ValueError("missing generated section(s): " + ", ".join(
            f"<!-- BEGIN GENERATED: {n} --> ... <!-- END GENERATED: {n} -->" for n in missing))
    twice = sorted({n for n in found if found.count(n) > 1})
    if twice:
        raise ValueError(f"generated section(s) appear more than once: {', '.join(twice)}")
    return _MARKERS.sub(lambda m: m.group(1) + SECTIONS[m["name"]]() + m.group(4), text)

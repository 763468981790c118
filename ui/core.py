"""What the Streamlit page needs from the engine, as plain functions (no Streamlit here).

The page stays a thin script: it reads files and uploads through ``read_scenario``, plays a game
through ``play`` (which it wraps in ``st.cache_data``) and reshapes the tidy frame with the small
helpers below. Everything here can be unit-tested without a Streamlit runtime.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from analysis.probabilities import outcome_probabilities
from engine.core.state import source_name
from engine.core.variables import VARIABLES, show
from engine.moves.catalogue import (
    CATALOGUE,
    SUPPORT_KINDS,
    Category,
    MoveSpec,
    MoveType,
    ParamSpec,
)
from engine.narrate import safe_text
from engine.narrate.explain import NOTABLE_KINDS, explain_turn, turn_table
from engine.narrate.explain import lever_label as engine_lever_label
from engine.scenario.loader import ScenarioError, parse_scenario
from engine.scenario.schema import Scenario
from engine.scenario.shipped import shipped_dir, shipped_path
from engine.sim.model import BrinkModel
from ui.charts import keyed_colours

SCENARIO_DIR = shipped_dir()
DEFAULT_SCENARIO = shipped_path("scenarios/nk-100k.yaml")
LESSON_DIR = shipped_path("scenarios/lessons")
TROOP_LABELS = {"forces_home": "at home", "queued": "waiting to leave", "in_transit": "in transit",
                "deployed": "deployed", "reserve": "of them off the line"}


@dataclass(frozen=True)
class Loaded:
    """A scenario read from a file or an upload: either ``scenario`` and ``text``, or ``error``."""

    source: str
    scenario: Scenario | None = None
    text: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def read_scenario(data: bytes, source: str) -> Loaded:
    """Validate uploaded (or read) bytes. Never raises for bad input: the error is returned.

    ``error`` is the loader's rendered message (one line per problem, with file and line).
    """
    try:
        scenario = parse_scenario(data, source)
    except ScenarioError as exc:
        return Loaded(source, error=exc.render())
    # parse_scenario has already checked that the bytes are UTF-8.
    return Loaded(source, scenario=scenario, text=data.decode("utf-8"))


def read_scenario_file(path: Path) -> Loaded:
    """Read and validate a scenario file; a missing or unreadable file is an error, not a raise."""
    source = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Loaded(source, error=f"{source}: cannot read file: {exc.strerror}")
    return read_scenario(data, source)


def shipped_scenarios(folder: Path = SCENARIO_DIR) -> list[Path]:
    """The shipped scenario files, the default one first, then by name."""
    files = sorted(folder.glob("*.yaml"))
    return sorted(files, key=lambda p: p != DEFAULT_SCENARIO)


def lesson_scenarios(folder: Path = LESSON_DIR) -> list[Path]:
    """The lesson packs (scenarios with a ``lesson`` section) shipped for classes, by name."""
    return sorted(folder.glob("*.yaml"))


def class_actors(scenario: Scenario) -> list[str]:
    """The actors a class plays in a lesson pack (those its choices are for), in scenario
    order; none for a scenario without a lesson."""
    lesson = scenario.lesson
    wanted = {c.actor for c in lesson.choices} if lesson is not None else set()
    return [a.id for a in scenario.actors if a.id in wanted]


def actors_table(scenario: Scenario) -> pd.DataFrame:
    """A scenario's actors as people read them: names, the engine's policy for each and what
    they may do in words ("arms supplier, UN veto"), not ids."""
    return pd.DataFrame([{"actor": a.name, "policy": words(a.policy.kind),
                          "capabilities": ", ".join(words(c) for c in a.capabilities),
                          "description": a.description} for a in scenario.actors],
                        columns=["actor", "policy", "capabilities", "description"])


@dataclass(frozen=True)
class Played:
    """Everything the page shows about one played game (picklable, for ``st.cache_data``)."""

    turns: int
    names: dict[str, str]  # actor id -> display name, in scenario order
    frame: pd.DataFrame  # tidy: turn, date, actor, variable, value
    events: pd.DataFrame  # turn, kind, actor, text, visibility
    explanations: dict[int, str]  # turn -> explain_turn text
    table: str  # the plain-text turn table


def play(text: str, seed: int, turns: int, levers: tuple = ()) -> Played:
    """Play a scenario given as YAML text, with lever choices as ``((name, value), ...)``.

    Raises ScenarioError if the text is not valid.
    """
    scenario = parse_scenario(text, levers=dict(levers)) if levers else parse_scenario(text)
    model = BrinkModel(scenario, rng=seed, turns=turns).run()
    played = model.state.turn
    return Played(
        turns=played,
        names={a.id: a.name for a in scenario.actors},
        frame=model.frame(),
        events=model.events_frame(),
        explanations={t: explain_turn(model, t) for t in range(1, played + 1)},
        table=turn_table(model),
    )


# --- reshaping the tidy frame for charts -------------------------------------------------------


def _wide(frame: pd.DataFrame, actor_col: bool, **filters) -> pd.DataFrame:
    rows = frame
    for column, wanted in filters.items():
        rows = rows[rows[column].isin(wanted)]
    columns = "actor" if actor_col else "variable"
    wide = rows.pivot(index="turn", columns=columns, values="value")
    wide.columns.name = None
    return wide


def escalation(frame: pd.DataFrame) -> pd.DataFrame:
    """Escalation rung (whole rungs) and level (continuous) per turn."""
    wide = _wide(frame, False, actor=["world"], variable=["escalation_rung", "escalation_level"])
    return wide.rename(columns={"escalation_rung": "rung", "escalation_level": "level"})[
        ["rung", "level"]
    ]


def per_actor(
    frame: pd.DataFrame, variable: str, names: dict[str, str], only: list[str] | None = None
) -> pd.DataFrame:
    """One column per actor (display names, scenario order) of ``variable`` per turn."""
    ids = only if only is not None else list(names)
    wide = _wide(frame, True, actor=ids, variable=[variable])
    return wide[ids].rename(columns=names)


def deployers(frame: pd.DataFrame, names: dict[str, str]) -> list[str]:
    """Actors with troops in transit or deployed at some turn, in scenario order."""
    moving = frame[frame["variable"].isin(["in_transit", "deployed"]) & (frame["value"] > 0)]
    present = set(moving["actor"])
    return [a for a in names if a in present]


def with_casualties(frame: pd.DataFrame, names: dict[str, str]) -> list[str]:
    """Actors that suffered casualties, in scenario order."""
    hit = frame[(frame["variable"] == "casualties") & (frame["value"] > 0)]
    present = set(hit["actor"])
    return [a for a in names if a in present]


def troops(frame: pd.DataFrame, actor: str) -> pd.DataFrame:
    """Troops at home, in transit and deployed (and how many of those rest off the line) per
    turn for one actor."""
    wide = _wide(frame, False, actor=[actor], variable=list(TROOP_LABELS))
    return wide[list(TROOP_LABELS)].rename(columns=TROOP_LABELS)


def estimated(frame: pd.DataFrame, names: dict[str, str]) -> list[str]:
    """Actors whose troops abroad the public estimates, in scenario order, where the estimate
    or the true number is above zero at some turn (a chart of two flat zeros says nothing)."""
    out = []
    for a in names:
        public = frame[(frame["actor"] == "public")
                       & (frame["variable"] == f"belief.{a}.troops_abroad")]
        if public.empty:
            continue
        true = frame[(frame["actor"] == a) & frame["variable"].isin(["in_transit", "deployed"])]
        if (public["value"] > 0).any() or (true["value"] > 0).any():
            out.append(a)
    return out


def estimate_series(frame: pd.DataFrame, about: str) -> pd.DataFrame:
    """The public's estimate of ``about``'s troops abroad beside the true number, per turn
    (what ``engine.narrate.plain.chart_caption("estimate", ...)`` describes)."""
    public = _wide(frame, False, actor=["public"], variable=[f"belief.{about}.troops_abroad"])
    true = _wide(frame, False, actor=[about], variable=["in_transit", "deployed"]).sum(axis=1)
    return pd.DataFrame({"public estimate": public.iloc[:, 0], "true number": true})


def nonzero_actors(frame: pd.DataFrame, variable: str, names: dict[str, str]) -> list[str]:
    """Actors whose ``variable`` is not zero at some turn, in scenario order."""
    rows = frame[(frame["variable"] == variable) & (frame["value"].abs() > 1e-9)]
    present = set(rows["actor"])
    return [a for a in names if a in present]


def first_last(frame: pd.DataFrame, actor: str, variable: str) -> tuple[float, float]:
    """A variable's value at the first and the last recorded turn."""
    rows = frame[(frame["actor"] == actor) & (frame["variable"] == variable)].sort_values("turn")
    return float(rows["value"].iloc[0]), float(rows["value"].iloc[-1])


def peak(frame: pd.DataFrame, actor: str, variable: str) -> float:
    rows = frame[(frame["actor"] == actor) & (frame["variable"] == variable)]
    return float(rows["value"].max())


EVENT_VIEWS = {
    "notable": "Notable (injects, rung changes, actors drawn in, accidents, refusals)",
    "public": "Everything public",
    "all": "All, including covert moves and private intelligence reports",
}


def event_table(events: pd.DataFrame, names: dict[str, str], view: str = "notable") -> pd.DataFrame:
    """The event feed with actor names, filtered to one of ``EVENT_VIEWS``."""
    if view == "notable":
        rows = events[events["kind"].isin(NOTABLE_KINDS)]
    elif view == "public":
        rows = events[events["visibility"] == "public"]
    elif view == "all":
        rows = events
    else:
        raise ValueError(f"unknown event view {view!r}; expected one of {', '.join(EVENT_VIEWS)}")
    rows = rows.assign(actor=rows["actor"].map(lambda a: names.get(a, a)))
    return rows.reset_index(drop=True)


def as_markdown_text(text: str) -> str:
    """Text for anything Streamlit reads as Markdown (st.markdown, captions, messages, widget
    labels, help, st.table cells): shown as written, light formatting aside, and loading
    nothing: no image, link, raw HTML or LaTeX (``engine.narrate.safe_text.markdown``). Every piece
    of
    user text on a page goes through it."""
    return safe_text.markdown(text)


def code_block(text: str, language: str = "text") -> str:
    """``text`` as a fenced Markdown code block (shown verbatim) that no line of it can close:
    the fence is longer than any run of backticks in the text."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text}\n{fence}"


def markdown_cells(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` for st.table, which reads every cell and heading as Markdown: each text cell
    and heading through ``as_markdown_text`` (numbers are left as they are)."""
    out = table.copy()
    for column in out.columns:
        if pd.api.types.is_object_dtype(out[column]) or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: as_markdown_text(v) if isinstance(v, str)
                                          else v)
    out.columns = [as_markdown_text(c) if isinstance(c, str) else c for c in out.columns]
    return out


# --- the tabletop dashboard --------------------------------------------------------------------

def intelligence_reports(reports: pd.DataFrame, names: dict[str, str], turn: int
                         ) -> pd.DataFrame:
    """The turn's intelligence reports (``BrinkModel.reports_frame``): who observed, the
    confidence label, the estimate."""
    rows = reports[reports["turn"] == turn]
    return pd.DataFrame({
        "observer": rows["observer"].map(lambda a: "open sources" if a == "public"
                                         else names.get(a, a)),
        "confidence": rows["label"],
        "report": rows["text"],
    }).reset_index(drop=True)


def news_feed(events: pd.DataFrame, names: dict[str, str], last: int | None = None,
              turns: int = 3) -> pd.DataFrame:
    """What the press would print: public moves, injects, rung changes, actors drawn in and
    accidents, newest turn first (covert moves and private reports stay out)."""
    rows = events[(events["visibility"] == "public") & (events["kind"] != "report")]
    if last is not None:
        rows = rows[rows["turn"] > last - turns]
    rows = rows.iloc[::-1]
    return pd.DataFrame({"turn": rows["turn"], "headline": rows["text"],
                         "kind": rows["kind"]}).reset_index(drop=True)


def sanctions_table(model) -> pd.DataFrame:
    names = {a.id: a.name for a in model.state.actors.values()}
    return pd.DataFrame(
        [{"sender": names.get(s.sender, s.sender), "target": names.get(s.target, s.target),
          "package": s.package, "enforcement": f"{s.enforcement:.0%}", "since turn": s.since}
         for s in model.state.sanctions],
        columns=["sender", "target", "package", "enforcement", "since turn"])


def decision_log(ex, branch: int | None = None) -> pd.DataFrame:
    """Every team decision on a branch's line: turn, team, moves, rationale (the last
    submission of each team for each played turn; a team that submitted nothing held)."""
    rows = []
    played = ex.played(branch)
    latest = {}
    for act in ex.branch_actions(branch, ("moves",)):
        latest[(act.data["turn"], act.data["actor"])] = act
    for (turn, actor), act in sorted(latest.items()):
        moves = "; ".join(describe_move(m, ex.scenario) for m in act.data["moves"])
        moves = moves or "hold"
        rows.append({"turn": turn, "team": ex.names.get(actor, actor), "moves": moves,
                     "rationale": act.data.get("rationale", ""),
                     "status": "adjudicated" if turn <= played else "pending"})
    return pd.DataFrame(rows, columns=["turn", "team", "moves", "rationale", "status"])


def id_names(scenario: Scenario | None) -> dict[str, dict[str, str]]:
    """Display names of the ids a move's parameters refer to, by parameter kind."""
    if scenario is None:
        return {}
    return {"actor": {a.id: a.name for a in scenario.actors},
            "theatre": {t.id: t.name for t in scenario.theatres},
            "route": {r.id: r.name for r in scenario.routes}}


def number(value: float) -> str:
    """A number as people read it: thousands separators, no trailing zeros."""
    value = float(value)
    if value.is_integer():
        return f"{value:,.0f}"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4g}"


def param_label(spec: ParamSpec) -> str:
    """A parameter's field label: "troops", "amount (USD M per turn)"."""
    name = spec.name.replace("_", " ")
    return f"{name} ({spec.unit})" if spec.unit and spec.unit != spec.name else name


def param_format(spec: ParamSpec) -> str:
    """How a number field shows its value: whole numbers for an ``int`` parameter, and for a
    ``float`` one only the digits it has ("500000", "0.7"; not "500000.00")."""
    return "%d" if spec.kind == "int" else "%g"


def param_step(spec: ParamSpec) -> int | float:
    """The +/- step of a number field: 1 for an ``int`` parameter; for a ``float`` one a
    tenth of the order of magnitude of its range (0.01 for 0.1-1, 100 for 0-5,000)."""
    if spec.kind == "int":
        return 1
    span = float(spec.high) - float(spec.low)
    return float(10 ** (math.floor(math.log10(span)) - 1)) if span > 0 else 1.0


def words(ident: str) -> str:
    """An id as people read it: underscores to spaces, "un" as "UN" ("un_veto" -> "UN
    veto", "arms_supplier" -> "arms supplier")."""
    return " ".join("UN" if w == "un" else w for w in str(ident).split("_"))


def _param_value(spec: ParamSpec | None, value, params: dict, names: dict) -> str:
    if spec is None:
        return str(value)
    if spec.kind in ("int", "float") and isinstance(value, int | float) \
            and not isinstance(value, bool):
        if spec.name == "amount" and params.get("kind") == "payroll":
            return f"{value:.0%} of the going rate"
        unit = spec.unit
        if spec.name == "amount" and params.get("kind") in SUPPORT_KINDS:
            unit = SUPPORT_KINDS[params["kind"]][2]
        if unit.startswith("share"):
            return f"{value:.0%} {unit.removeprefix('share ')}".rstrip()
        return f"{number(value)} {unit}" if unit and unit != spec.name else number(value)
    if spec.kind in ("actor", "theatre", "route"):
        return names.get(spec.kind, {}).get(value, str(value))
    return str(value).replace("_", " ")


def describe_move(move: dict, scenario: Scenario | None = None) -> str:
    """``{"move": ..., "params": {...}}`` as the catalogue's label with its parameters, as
    people read them: "Impose a sanctions package (target: Russia, package: comprehensive)".
    Ids are shown by the names the ``scenario`` gives them."""
    spec = CATALOGUE[MoveType(move["move"])]
    specs = {p.name: p for p in spec.params}
    params = move.get("params") or {}
    names = id_names(scenario)
    args = ", ".join(f"{k.replace('_', ' ')}: {_param_value(specs.get(k), v, params, names)}"
                     for k, v in params.items())
    return f"{spec.label} ({args})" if args else spec.label


CATEGORY_LABELS = {
    Category.DE_ESCALATION: "de-escalation",
    Category.STATUS_QUO: "status quo",
    Category.POSTURING: "posturing",
    Category.NON_VIOLENT: "non-violent",
    Category.VIOLENT: "violent",
    Category.NUCLEAR: "nuclear",
}


def move_summary(spec: MoveSpec) -> str:
    """What a move does, who sees it and its escalation category, for the order sheet."""
    effect = ("The team makes no new move this turn; sanctions and transfers already in "
              "force carry on." if spec.type == MoveType.HOLD else spec.effect_text)
    return (f"{effect} Visibility: {spec.visibility.value}. Escalation category: "
            f"{CATEGORY_LABELS[spec.category]} ({spec.points:+d} points).")


WHITE_CELL = "white_cell"  # who an inject is from when no one else is named


def source_id(text: str, names: dict[str, str], known: tuple[str, ...] = ()) -> str:
    """What the facilitator typed in an inject's "From" field as the id it is stored under:
    a source's shown name ("White cell", an actor's name) maps back to its id ("white_cell",
    the actor's id); anything else is kept as typed (blank: the white cell)."""
    text = " ".join(str(text).split())
    if not text:
        return WHITE_CELL
    for ident in (WHITE_CELL, *names, *known):
        if text.casefold() in (ident.casefold(), source_name(ident, names).casefold()):
            return ident
    return text


def var_label(var: str) -> str:
    """A state variable as people read it ("forces_home" -> "Troops at home"): its words in
    the table of variables (engine/core/variables.py), else its id with spaces."""
    label = _words(var)
    return label[:1].upper() + label[1:]


def _words(var: str) -> str:
    row = VARIABLES.get(var)
    return row.words if row is not None else var.replace("_", " ")


def effect_text(effect: dict, names: dict[str, str]) -> str:
    """An inject's effect in words: "North Korea: troops at home -100", "the world: escalation
    level set to 14", "Ukraine: stability x 0.9"."""
    target = effect["target"]
    if target == "world":
        who = "the world"
    elif target.startswith("theatre:"):
        who = target.split(":", 1)[1].replace("_", " ")
    else:
        who = names.get(target, target.replace("_", " "))
    what = _words(effect["var"])
    value = float(effect["value"])
    shown = f"{value:,.0f}" if value.is_integer() else f"{value:,.4g}"
    change = {"set": f"set to {shown}", "add": f"{value:+,.4g}" if not value.is_integer()
              else f"{value:+,.0f}", "mul": f"x {shown}"}[effect.get("op", "add")]
    return f"{who}: {what} {change}"


@dataclass(frozen=True)
class InjectDecision:
    """How the app shows the facilitator's decision on an inject: its badge while the inject is
    due (colour, icon, what will happen), the mark after its title, and what became of it once
    its turn was played."""

    colour: str
    icon: str
    coming: str
    mark: str
    played: str


INJECT_DECISIONS = {
    "approved": InjectDecision("blue", "check", "Will be played as written", "",
                               "played as written"),
    "edited": InjectDecision("green", "edit", "Will be played with your edit", " (edited)",
                             "played with an edit"),
    "skipped": InjectDecision("orange", "block", "Skipped: will not be played", " (skipped)",
                              "skipped"),
    "added": InjectDecision("blue", "add", "Ad hoc: will be played as written", " (ad hoc)",
                            "added during the game"),
}


def inject_log(ex, branch: int | None = None) -> pd.DataFrame:
    """Injects as played on a branch: the scenario's MSEL with the facilitator's decisions,
    plus ad-hoc ones, up to the last played turn; each by its text, who it is from and what
    became of it ("played as written", "skipped", ...)."""
    rows = []
    for turn in range(1, ex.played(branch) + 1):
        for inj in ex.injects_for(turn, branch):
            rows.append({"turn": turn, "inject": inj["text"],
                         "from": source_name(inj["from"], ex.names),
                         "status": INJECT_DECISIONS[inj["status"]].played})
    return pd.DataFrame(rows, columns=["turn", "inject", "from", "status"])


def msel_table(scenario: Scenario, expected: bool = False) -> pd.DataFrame:
    """A scenario's scheduled injects (its MSEL) by turn, text and who they are from (and,
    with ``expected``, the actions the designers expect)."""
    names = {a.id: a.name for a in scenario.actors}
    rows = [{"turn": i.turn, "inject": i.text, "from": source_name(i.from_, names),
             **({"expected actions": "; ".join(i.expected_actions)} if expected else {})}
            for i in scenario.injects]
    return pd.DataFrame(rows, columns=["turn", "inject", "from",
                                       *(["expected actions"] if expected else [])])


def lever_label(name: str, scenario: Scenario | None = None) -> str:
    """A lever as people read it: its ``label`` where the scenario gives one, else its id
    with spaces ("west_package" -> "West package")."""
    lever = scenario.levers.get(name) if scenario is not None else None
    return engine_lever_label(name, lever) if lever is not None else source_name(name, {})


def levers_text(levers: dict, scenario: Scenario | None = None) -> str:
    """Lever choices in a sentence: "West's added sanctions on Russia: secondary"."""
    return "; ".join(f"{lever_label(k, scenario)}: {str(v).replace('_', ' ')}"
                     for k, v in levers.items())


# What the branch comparison shows: these world figures, then these figures of each actor.
COMPARED_WORLD = ("escalation_rung", "escalation_score", "wider_war_risk", "humanitarian_toll",
                  "sanctions_in_force", "n_drawn_in")
COMPARED_ACTOR = ("strain", "casualties")


def common_turn(ex, branches: list[int]) -> int:
    """The latest turn every one of ``branches`` has played (where they can be compared)."""
    return min(ex.played(b) for b in branches)


def branch_comparison(ex, branches: list[int], turn: int | None = None) -> pd.DataFrame:
    """Headline figures of each branch at ``turn`` (default: ``common_turn``, the latest one
    they have all played), one column per branch; "turns played" is each branch's own."""
    turn = common_turn(ex, branches) if turn is None else turn
    columns = {}
    for b in branches:
        model = ex.model(b)
        frame = model.frame()
        at = frame[frame["turn"] == turn].set_index(["actor", "variable"])["value"]
        values = {"turns played": float(model.state.turn)}
        shown = {"turns played": "turns"}
        for var in COMPARED_WORLD:
            values[VARIABLES[var].label] = float(at[("world", var)])
            shown[VARIABLES[var].label] = var
        for a in model.state.actors.values():
            for var in COMPARED_ACTOR:
                values[f"{a.name}: {VARIABLES[var].label}"] = float(at[(a.id, var)])
                shown[f"{a.name}: {VARIABLES[var].label}"] = var
        columns[ex.branches[b].name] = values
    table = pd.DataFrame(columns)
    table.attrs["variables"] = shown  # each row's variable, for its format (comparison_text)
    return table


def comparison_note(ex, branches: list[int]) -> str:
    """The sentence that says at which turn the branches are compared."""
    turn = common_turn(ex, branches)
    played = {ex.played(b) for b in branches}
    if len(played) == 1:
        return f"Figures at turn {turn}, the last turn played on each branch."
    return (f"Figures at turn {turn}, the latest turn every branch compared has reached "
            "(\"turns played\" is each branch's own).")


def comparison_text(table: pd.DataFrame) -> pd.DataFrame:
    """``branch_comparison`` as people read it, each row in its variable's format (the table
    of variables: counts with thousands separators, the risk in per cent, ...)."""
    shown = table.attrs.get("variables", {})

    def fmt(label, value: float) -> str:
        var = shown.get(label, "")
        return show(var, value) if var in VARIABLES else f"{value:,.0f}"

    return pd.DataFrame({c: [fmt(label, v) for label, v in table[c].items()]
                         for c in table.columns}, index=table.index)


def compare_default(ex, most: int = 3) -> list[int]:
    """The branches to compare at first: the one in play and the line it branched from
    (nearest first), then the newest others, at most ``most``, in the order they were made."""
    line = [b.id for b in reversed(ex.lineage())]
    others = sorted((b for b in ex.branches if b not in line), reverse=True)
    return sorted([*line, *others][:most])


def branch_series(ex, branches: list[int], actor: str, variable: str) -> pd.DataFrame:
    """One column per branch of ``actor.variable`` per turn (for a side-by-side chart)."""
    series = {}
    for b in branches:
        frame = ex.model(b).frame()
        rows = frame[(frame["actor"] == actor) & (frame["variable"] == variable)]
        series[ex.branches[b].name] = rows.set_index("turn")["value"]
    return pd.DataFrame(series)


def branch_colours(ex) -> dict[str, str]:
    """Each branch's line colour by its name, fixed by the order the branches were made: the
    same in every comparison, whichever branches are compared."""
    return keyed_colours(b.name for b in ex.branches.values())


def path_values(frame: pd.DataFrame, actor: str, variable: str) -> pd.DataFrame:
    rows = frame[(frame["actor"] == actor) & (frame["variable"] == variable)]
    return rows[["turn", "value"]].reset_index(drop=True)


def outcome_table(futures, scenario, model=None) -> pd.DataFrame:
    """Outcome probabilities over the futures (Wilson intervals, analysis.probabilities) with
    each outcome's name and, given the path taken so far, whether it has happened."""
    table = outcome_probabilities(futures.runs, by=[])
    names = {o.id: o.name for o in scenario.outcomes}
    table["label"] = table["outcome"].map(lambda o: names.get(o, o))
    if model is not None:
        table["so far"] = table["outcome"].map(
            lambda o: "met" if model.outcomes_hit.get(o) else "not yet")
    return table


def replay_notice(differences: list[str], most: int = 3) -> list[str]:
    """What to tell the room about turns that no longer replay as they were played
    (``Exercise.replay_differences``): the first ``most`` sentences and, when there are more,
    how many more turns; empty when every turn replays as it was played."""
    shown = list(differences[:most])
    more = len(differences) - len(shown)
    if more == 1:
        shown.append("And 1 more turn no longer replays as it was played.")
    elif more > 1:
        shown.append(f"And {more} more turns no longer replay as they were played.")
    return shown


def anchored(bands: pd.DataFrame, path: pd.DataFrame) -> pd.DataFrame:
    """Fan bands that start from the last point of the path taken (every future starts there),
    so that the fan visibly grows out of the path instead of floating one turn after it."""
    if not len(path) or not len(bands):
        return bands
    turn, value = int(path["turn"].iloc[-1]), float(path["value"].iloc[-1])
    if int(bands["turn"].min()) != turn + 1:
        return bands
    start = {c: value for c in ("q05", "q25", "median", "q75", "q95")}
    row = pd.DataFrame([{"turn": turn, **start, "runs": bands["runs"].iloc[0]}])
    return pd.concat([row, bands[row.columns]], ignore_index=True)


def readable_time(stamp: str) -> str:
    """A stored ISO timestamp as "28 Nov 2026 00:44 UTC" (unchanged if it does not parse)."""
    try:
        when = datetime.fromisoformat(str(stamp))
    except ValueError:
        return str(stamp)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%d %b %Y %H:%M UTC")


def question_text(question: str, heading: str = "") -> str:
    """A discussion question as shown under ``heading``: without a lead-in that only repeats
    the heading ("Before the first turn: how many ..." under "Before the first turn" reads
    "How many ...")."""
    lead = heading.strip().rstrip(":").casefold()
    text = question.strip()
    if lead and text.casefold().startswith(lead):
        rest = text[len(lead):].lstrip(" :,.-")
        if rest and rest != text:
            return rest[:1].upper() + rest[1:]
    return text


def import_problem(filename: str, reason: str) -> str:
    """What to tell the room when an uploaded exercise file is refused (``reason`` is the
    session's message)."""
    how = ("Import a file written by **Export the open exercise (JSON)** on this page "
           "(named like brink-exercise-1a2b3c4d5e6f.json).")
    if reason.startswith("not a JSON file"):
        return f"{filename} is not a JSON file, so it cannot be an exported exercise. {how}"
    if reason.startswith("not a Brink exercise file"):
        return (f"{filename} is not a Brink exercise file: it is JSON, but not an exercise "
                f"exported from Brink. {how}")
    return f"Cannot import {filename}: {reason}"

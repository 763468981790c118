"""What the Streamlit page needs from the engine, as plain functions (no Streamlit here).

The page stays a thin script: it reads files and uploads through ``read_scenario``, plays a game
through ``play`` (which it wraps in ``st.cache_data``) and reshapes the tidy frame with the small
helpers below. Everything here can be unit-tested without a Streamlit runtime.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.probabilities import outcome_probabilities
from engine.explain import NOTABLE_KINDS, explain_turn, turn_table
from engine.loader import ScenarioError, parse_scenario
from engine.model import BrinkModel
from engine.moves import CATALOGUE, MoveType
from engine.scenario import Scenario

REPO_ROOT = Path(__file__).resolve().parents[1]
SCENARIO_DIR = REPO_ROOT / "scenarios"
DEFAULT_SCENARIO = SCENARIO_DIR / "nk-100k.yaml"
LESSON_DIR = SCENARIO_DIR / "lessons"
TROOP_LABELS = {"forces_home": "at home", "in_transit": "in transit", "deployed": "deployed"}


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


def escalation_and_score(frame: pd.DataFrame) -> pd.DataFrame:
    """Rung, level and the turn's escalation score per turn (the dashboard's first chart)."""
    score = _wide(frame, False, actor=["world"], variable=["escalation_score"])
    return escalation(frame).join(score.rename(columns={"escalation_score": "score"}))


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
    """Troops at home, in transit and deployed per turn for one actor."""
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
    (what ``engine.plain.chart_caption("estimate", ...)`` describes)."""
    public = _wide(frame, False, actor=["public"], variable=[f"belief.{about}.troops_abroad"])
    true = _wide(frame, False, actor=[about], variable=["in_transit", "deployed"]).sum(axis=1)
    return pd.DataFrame({"public estimate": public.iloc[:, 0], "true number": true})


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
    """Plain prose for ``st.markdown``: dollar signs would otherwise start LaTeX."""
    return text.replace("$", r"\$")


# --- the tabletop dashboard --------------------------------------------------------------------

CONFIDENCE = re.compile(r"^\[(unverified|probable|confirmed)\]\s*")


def headline_changes(model, turn: int) -> list[tuple[str, list[str]]]:
    """Each headline figure that changed in ``turn`` with the causes the causal log gives,
    as ``(headline, [cause, ...])``: the "why?" of the dashboard (engine.explain's grouping)."""
    text = explain_turn(model, turn).splitlines()[2:]
    out: list[tuple[str, list[str]]] = []
    for line in text:
        if line.startswith("* "):
            out.append((line[2:], []))
        elif line.strip().startswith("- ") and out:
            out[-1][1].append(line.strip()[2:])
    return out


def intelligence_reports(events: pd.DataFrame, names: dict[str, str], turn: int) -> pd.DataFrame:
    """The turn's intelligence reports: who observed, the confidence label, the estimate."""
    rows = events[(events["turn"] == turn) & (events["kind"] == "report")]
    labels = rows["text"].str.extract(CONFIDENCE, expand=False).fillna("")
    return pd.DataFrame({
        "observer": rows["actor"].map(lambda a: "open sources" if a == "public"
                                      else names.get(a, a)),
        "confidence": labels,
        "report": rows["text"].str.replace(CONFIDENCE, "", regex=True),
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
        moves = "; ".join(describe_move(m) for m in act.data["moves"]) or "hold"
        rows.append({"turn": turn, "team": ex.names.get(actor, actor), "moves": moves,
                     "rationale": act.data.get("rationale", ""),
                     "status": "adjudicated" if turn <= played else "pending"})
    return pd.DataFrame(rows, columns=["turn", "team", "moves", "rationale", "status"])


def describe_move(move: dict) -> str:
    """``{"move": ..., "params": {...}}`` as the catalogue's label with its parameters."""
    label = CATALOGUE[MoveType(move["move"])].label
    args = ", ".join(f"{k}={v:,}" if isinstance(v, int | float) and not isinstance(v, bool)
                     else f"{k}={v}" for k, v in move.get("params", {}).items())
    return f"{label} ({args})" if args else label


def inject_log(ex, branch: int | None = None) -> pd.DataFrame:
    """Injects as played on a branch: the scenario's MSEL with the facilitator's decisions,
    plus ad-hoc ones, up to the last played turn."""
    rows = []
    for turn in range(1, ex.played(branch) + 1):
        for inj in ex.injects_for(turn, branch):
            rows.append({"turn": turn, "id": inj["id"], "from": inj["from"],
                         "text": inj["text"], "status": inj["status"]})
    return pd.DataFrame(rows, columns=["turn", "id", "from", "text", "status"])


HEADLINE_FIGURES = {
    "escalation rung": ("world", "escalation_rung"),
    "escalation score": ("world", "escalation_score"),
    "risk of a wider war": ("world", "wider_war_risk"),
    "humanitarian toll": ("world", "humanitarian_toll"),
    "sanctions in force": ("world", "sanctions_in_force"),
    "actors drawn in": ("world", "n_drawn_in"),
}


def branch_comparison(ex, branches: list[int]) -> pd.DataFrame:
    """Headline figures at each branch's last played turn, one column per branch."""
    columns = {}
    for b in branches:
        model = ex.model(b)
        frame = model.frame()
        last = frame[frame["turn"] == frame["turn"].max()].set_index(["actor", "variable"])
        values = {"turns played": float(model.state.turn)}
        for label, key in HEADLINE_FIGURES.items():
            values[label] = float(last.loc[key, "value"])
        for a in model.state.actors.values():
            values[f"{a.name}: strain"] = a.strain
            values[f"{a.name}: casualties"] = float(a.casualties)
        columns[ex.branches[b].name] = values
    return pd.DataFrame(columns)


def branch_series(ex, branches: list[int], actor: str, variable: str) -> pd.DataFrame:
    """One column per branch of ``actor.variable`` per turn (for a side-by-side chart)."""
    series = {}
    for b in branches:
        frame = ex.model(b).frame()
        rows = frame[(frame["actor"] == actor) & (frame["variable"] == variable)]
        series[ex.branches[b].name] = rows.set_index("turn")["value"]
    return pd.DataFrame(series)


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

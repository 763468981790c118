"""What the Streamlit page needs from the engine, as plain functions (no Streamlit here).

The page stays a thin script: it reads files and uploads through ``read_scenario``, plays a game
through ``play`` (which it wraps in ``st.cache_data``) and reshapes the tidy frame with the small
helpers below. Everything here can be unit-tested without a Streamlit runtime.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from engine.explain import NOTABLE_KINDS, explain_turn, turn_table
from engine.loader import ScenarioError, parse_scenario
from engine.model import BrinkModel
from engine.scenario import Scenario

REPO_ROOT = Path(__file__).resolve().parents[1]
SCENARIO_DIR = REPO_ROOT / "scenarios"
DEFAULT_SCENARIO = SCENARIO_DIR / "nk-100k.yaml"
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
    """Troops at home, in transit and deployed per turn for one actor."""
    wide = _wide(frame, False, actor=[actor], variable=list(TROOP_LABELS))
    return wide[list(TROOP_LABELS)].rename(columns=TROOP_LABELS)


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

"""Brink's interim page: pick or upload a scenario, play it, see what happened and why.

Served by ``make run`` (``streamlit run ui/app.py``) until the full tabletop app lands. The page
is thin: loading, playing and explaining come from ``engine/`` through ``ui/core.py``.
"""

from __future__ import annotations

import streamlit as st

from engine.ladder import RUNG_NAMES
from ui import core

st.set_page_config(page_title="Brink", layout="wide")


@st.cache_data(max_entries=64, show_spinner=False)
def read_scenario(data: bytes, source: str) -> core.Loaded:
    """Validate scenario bytes once per distinct file content."""
    return core.read_scenario(data, source)


@st.cache_data(max_entries=32, show_spinner="Playing the scenario…")
def play(text: str, seed: int, turns: int, levers: tuple = ()) -> core.Played:
    """One game, cached by the scenario's YAML text, seed, number of turns and levers."""
    return core.play(text, seed, turns, levers)


def show_error(loaded: core.Loaded) -> None:
    st.error(f"```text\n{loaded.error}\n```", title=f"Could not load {loaded.source}")


def pick_scenario() -> core.Loaded | None:
    """Sidebar: a shipped scenario (listed by title) or an uploaded YAML file."""
    source = st.sidebar.radio("Source", ["Shipped", "Upload"], horizontal=True, key="source")
    if source == "Upload":
        upload = st.sidebar.file_uploader(
            "Scenario file (YAML)", type=["yaml", "yml"], key="upload"
        )
        if upload is None:
            st.info("Upload a scenario file in the sidebar, or choose a shipped one.")
            return None
        return read_scenario(upload.getvalue(), upload.name)

    files = core.shipped_scenarios()
    if not files:
        st.warning(f"No scenario files found in {core.SCENARIO_DIR}.")
        return None
    loaded = {}
    for path in files:
        try:
            loaded[path.name] = read_scenario(path.read_bytes(), path.name)
        except OSError:  # vanished between glob and read: read_scenario_file explains it
            loaded[path.name] = core.read_scenario_file(path)

    def title(name: str) -> str:
        item = loaded[name]
        return item.scenario.title if item.ok else f"{name} (invalid)"

    name = st.sidebar.selectbox("Scenario", list(loaded), format_func=title, key="scenario")
    return loaded[name]


def change(start: float, end: float) -> str | None:
    """A metric delta since the start, or None when nothing changed (no misleading arrow)."""
    return f"{end - start:+,.0f}" if round(end - start) else None


def show_results(result: core.Played) -> None:
    frame, names = result.frame, result.names

    first_rung, last_rung = core.first_last(frame, "world", "escalation_rung")
    casualties = sum(core.first_last(frame, a, "casualties")[1] for a in names)
    toll = core.first_last(frame, "world", "humanitarian_toll")[1]
    cols = st.columns(4)
    cols[0].metric(
        "Escalation rung",
        f"{last_rung:.0f}",
        delta=change(first_rung, last_rung),
        delta_color="inverse",
        help=f"{RUNG_NAMES[int(last_rung)]} (started at rung {first_rung:.0f})",
    )
    cols[1].metric("Peak risk of a wider war", f"{core.peak(frame, 'world', 'wider_war_risk'):.1%}")
    cols[2].metric("Military casualties", f"{casualties:,.0f}", help="killed and wounded")
    cols[3].metric(
        "Humanitarian toll",
        f"{toll:,.0f}",
        help="military and civilian casualties and people displaced",
    )

    left, right = st.columns(2)
    with left:
        st.subheader("Escalation")
        st.line_chart(core.escalation(frame), x_label="turn", y_label="rung on Kahn's ladder")
    with right:
        st.subheader("Economic strain")
        st.line_chart(
            core.per_actor(frame, "strain", names),
            x_label="turn",
            y_label="strain (0 = none, 1 = collapse)",
        )

    st.subheader("Troops")
    movers = core.deployers(frame, names)
    if not movers:
        st.caption("No actor has troops in transit or deployed.")
    for tab, actor in zip(st.tabs([names[a] for a in movers]), movers, strict=True):
        with tab:
            cols = st.columns(3)
            for col, (var, label) in zip(cols, core.TROOP_LABELS.items(), strict=True):
                start, end = core.first_last(frame, actor, var)
                col.metric(
                    f"Troops {label}", f"{end:,.0f}", delta=change(start, end), delta_color="off"
                )
            st.line_chart(
                core.troops(frame, actor)[["in transit", "deployed"]],
                x_label="turn",
                y_label="troops",
            )
            st.caption(
                "Troops at home are shown above, not on the chart: they would dwarf the lines."
            )

    st.subheader("Casualties")
    hit = core.with_casualties(frame, names)
    if hit:
        st.line_chart(
            core.per_actor(frame, "casualties", names, only=hit),
            x_label="turn",
            y_label="killed and wounded (cumulative)",
        )
    else:
        st.caption("No casualties.")

    st.subheader("Events")
    view = st.radio(
        "Show",
        list(core.EVENT_VIEWS),
        format_func=core.EVENT_VIEWS.get,
        horizontal=True,
        key="event_view",
        label_visibility="collapsed",
    )
    st.dataframe(
        core.event_table(result.events, names, view),
        hide_index=True,
        column_config={"turn": st.column_config.NumberColumn(width="small")},
    )

    with st.expander("Why? Explain a turn from the causal log"):
        turn = st.select_slider(
            "Turn", options=list(range(1, result.turns + 1)), key=f"why_turn@{result.turns}"
        )
        st.code(result.explanations[turn], language=None, wrap_lines=True)

    with st.expander("Turn table (text)"):
        st.code(result.table, language=None)


def main() -> None:
    st.title("Brink")
    st.caption(
        "Sanctions-and-escalation scenarios. Interim page: pick a scenario, play it, "
        "and see what happened and why."
    )

    st.sidebar.header("Scenario")
    loaded = pick_scenario()
    if loaded is None:
        return
    if not loaded.ok:
        show_error(loaded)
        return
    scenario, text = loaded.scenario, loaded.text

    clock = scenario.clock
    st.sidebar.header("Play")
    seed = st.sidebar.number_input(
        "Seed", min_value=0, max_value=2**32 - 1, value=0, step=1, key="seed"
    )
    turns = st.sidebar.number_input(
        "Turns",
        min_value=1,
        max_value=clock.turns,
        value=clock.turns,
        step=1,
        key=f"turns@{clock.turns}",
        help=f"up to {clock.turns} turns of {clock.days_per_turn} days",
    )
    levers = []
    if scenario.levers:
        st.sidebar.markdown("**Policy levers**")
    for name, lever in scenario.levers.items():
        choice = st.sidebar.selectbox(
            name.replace("_", " "), lever.options, index=lever.options.index(lever.default),
            key=f"lever:{name}", help=lever.description or None)
        levers.append((name, choice))
    levers = tuple(levers)
    if st.sidebar.button("Play", type="primary", key="play"):
        st.session_state["played"] = {"text": text, "seed": int(seed), "turns": int(turns),
                                      "levers": levers}

    st.header(scenario.title)
    st.caption(
        f"{len(scenario.actors)} actors: {', '.join(a.name for a in scenario.actors)}. "
        f"{clock.turns} turns of {clock.days_per_turn} days from {clock.start}."
    )
    with st.expander("Briefing", expanded=True):
        st.markdown(core.as_markdown_text(scenario.briefing))

    played = st.session_state.get("played")
    if not played or played["text"] != text:
        st.info("Set the seed and the number of turns in the sidebar, then press **Play**.")
        return
    if (played["seed"], played["turns"], played.get("levers", ())) != (seed, turns, levers):
        st.warning("The seed, the number of turns or a lever has changed: press **Play** to "
                   "run again.")
    chosen = ", ".join(f"{k} = {v}" for k, v in played.get("levers", ()))
    st.caption(f"Played with seed {played['seed']} for {played['turns']} turns"
               + (f"; {chosen}." if chosen else "."))
    result = play(played["text"], played["seed"], played["turns"], played.get("levers", ()))
    show_results(result)


main()

"""Set-up: who plays each actor, seed, turns, levers; review the injects; start."""

from __future__ import annotations

import streamlit as st

from engine.exercise.session import ENGINE, HUMAN, Exercise
from engine.sim.futures import warm_up
from ui import core, dashboard, state

state.page_header()
st.title("Set up an exercise")
chosen = st.session_state.get("chosen")
if chosen is None:
    loaded = state.read_scenario_file(core.DEFAULT_SCENARIO)
    st.caption("Using the default scenario; choose another in the **Library**.")
else:
    loaded = state.read_scenario(chosen["text"].encode("utf-8"), chosen["source"])
if not loaded.ok:
    st.error(core.code_block(loaded.error),
             title=f"Could not load {core.as_markdown_text(loaded.source)}")
    st.stop()
scenario = loaded.scenario
st.header(core.as_markdown_text(scenario.title))

with st.form("setup"):
    title = st.text_input("Exercise name", scenario.title, key="setup_title")
    classroom = st.toggle(
        "Classroom mode", value=scenario.lesson is not None, key="setup_classroom",
        help="Plain-language choices from the lesson, one sentence under each chart, \"why?\" "
             "in plain sentences and the lesson's questions. It can be switched in the sidebar "
             "during play.")
    st.markdown("**Who plays each actor?**")
    teams = {}
    in_class = core.class_actors(scenario)
    if in_class:
        st.caption("The lesson's choices are for " + ", ".join(
            core.as_markdown_text(a.name) for a in scenario.actors if a.id in in_class)
            + (": the class plays it." if len(in_class) == 1 else ": the class plays them."))
    for a in scenario.actors:
        default = 0 if a.policy.kind == "human" or a.id in in_class else 1
        teams[a.id] = st.radio(
            core.as_markdown_text(a.name), [HUMAN, ENGINE], index=default, horizontal=True,
            key=f"team:{a.id}",
            format_func=lambda t: "a human team" if t == HUMAN else "the engine",
            help=f"The engine plays the scenario's {a.policy.kind} policy.")
    c1, c2 = st.columns(2)
    seed = c1.number_input("Seed", min_value=0, max_value=2**31 - 1, value=0, step=1,
                           key="setup_seed", help="the same seed and moves replay exactly")
    turns = c2.number_input("Turns", min_value=1, max_value=scenario.clock.turns,
                            value=min(12, scenario.clock.turns), step=1, key="setup_turns",
                            help=f"up to {scenario.clock.turns} turns of "
                                 f"{scenario.clock.days_per_turn} days")
    levers = {}
    for name, lever in scenario.levers.items():
        levers[name] = st.selectbox(core.as_markdown_text(core.lever_label(name, scenario)),
                                    lever.options, index=lever.options.index(lever.default),
                                    format_func=lambda o: str(o).replace("_", " "),
                                    key=f"setup_lever:{name}",
                                    help=core.as_markdown_text(lever.description) or None)
    start = st.form_submit_button("Start the exercise", type="primary")

st.subheader("Injects (MSEL)")
st.caption("Scheduled injects can be approved, edited or skipped turn by turn during play.")
dashboard.text_table(core.msel_table(scenario, expected=True))  # texts in full

if start:
    s = state.store()
    if s is not None:
        ex = state.act(Exercise.start, loaded.text, loaded.source, int(seed), teams, int(turns),
                       levers, title, store=s, rerun=False)
        if ex is not None:
            # spawn the futures workers now, while the room reads the briefing
            warm_up(scenario_text=ex.scenario_text, source=ex.source, levers=ex.levers)
            ex.set_classroom(classroom)  # saved with the exercise, so a reload keeps it
            state.open_exercise(ex.id)
            state.flash("success", f"Exercise started and saved ({ex.id}).")
            st.switch_page(state.PAGES["play"])

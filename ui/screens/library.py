"""Library: choose a shipped scenario, a lesson pack or an upload, and read its briefing (for a
lesson: objectives, student briefing and printable handouts)."""

from __future__ import annotations

import streamlit as st

from ui import classroom, core, state

state.page_header()
st.title("Scenario library")
source = st.radio("Source", ["Shipped", "Lessons", "Upload"], horizontal=True, key="lib_source",
                  help="Lessons: scenarios with a class plan, plain-language choices and a "
                       "handout (scenarios/lessons/).")
if source == "Upload":
    upload = st.file_uploader("Scenario file (YAML)", type=["yaml", "yml"], key="lib_upload")
    if upload is None:
        st.info("Upload a scenario file, or choose a shipped one.")
        st.stop()
    loaded = state.read_scenario(upload.getvalue(), upload.name)
else:
    lessons = source == "Lessons"
    files = core.lesson_scenarios() if lessons else core.shipped_scenarios()
    if not files:
        folder = core.LESSON_DIR if lessons else core.SCENARIO_DIR
        st.warning(f"No scenario files found in {folder}.")
        st.stop()
    loaded_files = {p.name: state.read_scenario_file(p) for p in files}
    name = st.selectbox(
        "Lesson" if lessons else "Scenario", list(loaded_files),
        key="lib_lesson" if lessons else "lib_scenario",
        format_func=lambda n: loaded_files[n].scenario.title if loaded_files[n].ok
        else f"{n} (invalid)")
    loaded = loaded_files[name]

if not loaded.ok:
    st.error(core.code_block(loaded.error),
             title=f"Could not load {core.as_markdown_text(loaded.source)}")
    st.stop()

scenario = loaded.scenario
clock = scenario.clock
st.header(core.as_markdown_text(scenario.title))
st.caption(core.as_markdown_text(
    f"{len(scenario.actors)} actors: {', '.join(a.name for a in scenario.actors)}. "
    f"{clock.turns} turns of {clock.days_per_turn} days from {clock.start}. "
    f"File: {loaded.source}."))
use = ("Set up a class with this lesson" if scenario.lesson is not None
       else "Set up an exercise with this scenario")
if st.button(use, type="primary", key="lib_use"):
    st.session_state["chosen"] = {"text": loaded.text, "source": loaded.source}
    st.switch_page(state.PAGES["setup"])

classroom.lesson_overview(scenario, key="lib")
with st.expander("Briefing" if scenario.lesson is None else "Briefing (for the teacher)",
                 expanded=scenario.lesson is None):
    st.markdown(core.as_markdown_text(scenario.briefing))
if scenario.teaching_notes:
    with st.expander("Teaching notes"):
        st.markdown(core.as_markdown_text(scenario.teaching_notes))
with st.expander("Actors"):
    st.dataframe(core.actors_table(scenario), hide_index=True)
with st.expander(f"Master scenario events list ({len(scenario.injects)} injects)"):
    st.dataframe(core.msel_table(scenario), hide_index=True)

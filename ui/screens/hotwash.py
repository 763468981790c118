"""Hotwash and after-action report: discussion, notes, every decision, the HTML report."""

from __future__ import annotations

import streamlit as st

from ui import core, dashboard, report, state

ex = state.require_exercise()
st.title("Hotwash and after-action report")
st.caption(f"{core.as_markdown_text(ex.branches[ex.current].name)}, {ex.turn} of {ex.turns} "
           "turns played.")
dashboard.replay_warning(ex)

st.subheader("Discussion")
if dashboard.questions(ex, None):
    dashboard.discussion(ex, None, key="hotwash")
else:
    st.caption("The scenario ships no hotwash questions. Some to start with: What did each "
               "team expect the others to do, and were they right? Which inject changed the "
               "most? What would you do differently?")

st.subheader("Facilitator notes")
for n in ex.notes():
    prefix = f"Q: {n.data['question']} - " if n.data.get("question") else ""
    st.markdown(f"- turn {n.data['turn']}: {core.as_markdown_text(prefix + n.data['text'])}")
with st.form("hotwash_note"):
    st.text_area("Add a note", key="hotwash_note_text")
    st.form_submit_button("Save note", **state.action(
        "note", state.Entered("hotwash_note_text", ""), where="hotwash_note",
        done="Note saved.", after=state.cleared("hotwash_note_text")))
state.said("hotwash_note")

st.subheader("Decisions")
decisions = core.decision_log(ex)
if len(decisions):
    dashboard.text_table(decisions)  # moves and rationales in full, not cut to a column
else:
    st.caption("No team decisions were recorded on this line.")
st.subheader("Injects played")
injects = core.inject_log(ex)
if len(injects):
    dashboard.text_table(injects)
else:
    st.caption("No injects were played on this line.")

st.subheader("After-action report")
st.caption("One HTML file that opens offline: timeline, every decision with its rationale, "
           "injects, notes, charts, and the path taken compared with Monte Carlo futures "
           "played from the start.")
n = st.select_slider("Futures from turn 0 to compare with", [0, 50, 100, 200, 500], value=100,
                     key="aar_futures")
if st.button("Prepare the report", type="primary", key="aar_build"):
    with st.spinner("Writing the report..."):
        html = state.act(report.after_action_report, ex, futures=n, rerun=False)
    if html is not None:
        st.session_state["aar"] = {"key": (ex.id, ex.version), "html": html}
aar = st.session_state.get("aar")
if aar and aar["key"] == (ex.id, ex.version):
    st.download_button("Download the report (HTML)", aar["html"],
                       file_name=f"brink-aar-{ex.id}.html", mime="text/html", key="aar_download")

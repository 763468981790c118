"""Play: the teams' orders, the facilitator's injects, Adjudicate, and the dashboard."""

from __future__ import annotations

import streamlit as st

from ui import dashboard, state

ex = state.require_exercise()
st.title(ex.title)
branch = ex.branches[ex.current]
st.caption(f"{branch.name} · turn {ex.turn} of {ex.turns} played")

if ex.finished:
    st.success(f"All {ex.turns} turns have been played. Go to **Hotwash and report**, or "
               "rewind to branch off an earlier turn.")
else:
    st.subheader(f"Turn {ex.pending_turn}: orders")
    if ex.human_teams:
        tabs = st.tabs([ex.names[a] for a in ex.human_teams])
        for tab, actor in zip(tabs, ex.human_teams, strict=True):
            with tab:
                dashboard.order_sheet(ex, actor)
    else:
        st.caption("The engine plays every actor.")

    st.subheader(f"Turn {ex.pending_turn}: injects")
    dashboard.inject_review(ex)

    waiting = ex.waiting_for()
    if waiting:
        st.warning("No orders yet from " + ", ".join(ex.names[a] for a in waiting)
                   + ": adjudicating now means they hold.")
    if st.button(f"Adjudicate turn {ex.pending_turn}", type="primary", key="adjudicate"):
        state.act(ex.adjudicate, done=f"Turn {ex.pending_turn} adjudicated.")

st.divider()
st.subheader("Situation")
dashboard.dashboard(ex)

if ex.turn:
    questions = dashboard.questions(ex, ex.turn)
    if questions:
        st.subheader(f"Discussion after turn {ex.turn}")
        dashboard.discussion(ex, ex.turn, key=f"q{ex.turn}")
with st.expander("Facilitator note"), st.form("note", clear_on_submit=True):
    text = st.text_area("Note (saved with the exercise and printed in the report)",
                        key="note_text")
    if st.form_submit_button("Save note"):
        state.act(ex.note, text, done="Note saved.")

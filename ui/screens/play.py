"""Play: the teams' orders, the facilitator's injects, Adjudicate, and the dashboard.

In classroom mode a class picks one of the lesson's plain-language choices (the full order sheet
stays one click away), each chart carries its sentence and "why?" is told in plain sentences."""

from __future__ import annotations

import streamlit as st

from ui import classroom, dashboard, state

ex = state.require_exercise()
in_class = state.classroom(ex)
st.title(ex.title)
branch = ex.branches[ex.current]
st.caption(f"{branch.name} · turn {ex.turn} of {ex.turns} played")

# The questions before the first turn open the session: they come before the first orders.
# Later ones follow the situation they ask about.
if not ex.turn and dashboard.questions(ex, 0):
    st.subheader("Before the first turn")
    dashboard.discussion(ex, 0, key="q0")

if ex.finished:
    st.success(f"All {ex.turns} turns have been played. Go to **Hotwash and report**, or "
               "rewind to branch off an earlier turn.")
else:
    offered = {c.actor for c in ex.scenario.lesson.choices} if ex.scenario.lesson else set()
    menu = in_class and bool(offered & set(ex.human_teams))
    st.subheader(f"Turn {ex.pending_turn}: " + ("choices" if menu else "orders"))
    if ex.human_teams:
        tabs = st.tabs([ex.names[a] for a in ex.human_teams])
        for tab, actor in zip(tabs, ex.human_teams, strict=True):
            with tab:
                if in_class and actor in offered:
                    classroom.choice_sheet(ex, actor)
                    with st.expander("Another move (the full order sheet)"):
                        dashboard.order_sheet(ex, actor)
                else:
                    dashboard.order_sheet(ex, actor)
    else:
        st.caption("The engine plays every actor.")

    if in_class:
        with st.expander(f"Turn {ex.pending_turn}: injects (for the teacher)"):
            dashboard.inject_review(ex)
    else:
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
dashboard.dashboard(ex, classroom=in_class)

if ex.turn and dashboard.questions(ex, ex.turn):
    st.subheader(f"Discussion after turn {ex.turn}")
    dashboard.discussion(ex, ex.turn, key=f"q{ex.turn}")
with st.expander("Facilitator note"), st.form("note", clear_on_submit=True):
    text = st.text_area("Note (saved with the exercise and printed in the report)",
                        key="note_text")
    if st.form_submit_button("Save note"):
        state.act(ex.note, text, done="Note saved.")

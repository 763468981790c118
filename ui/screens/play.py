"""Play: the teams' orders, the facilitator's injects, Adjudicate, and the dashboard.

In classroom mode a class picks one of the lesson's plain-language choices (the full order sheet
stays one click away), each chart carries its sentence and "why?" is told in plain sentences."""

from __future__ import annotations

import streamlit as st

from ui import classroom, core, dashboard, state

ex = state.require_exercise()
in_class = state.classroom(ex)
st.title(core.as_markdown_text(ex.title))
branch = ex.branches[ex.current]
st.caption(core.as_markdown_text(f"{branch.name} · turn {ex.turn} of {ex.turns} played"))
dashboard.replay_warning(ex)

# The turn's questions come before the next orders: the room discusses, then decides (below
# the dashboard they sat under dozens of "why?" entries). The situation is further down.
if dashboard.questions(ex, ex.turn):
    heading = f"Discussion after turn {ex.turn}" if ex.turn else "Before the first turn"
    st.subheader(heading)
    if ex.turn:
        st.caption("The situation they ask about is further down the page."
                   if ex.finished else "The situation they ask about is below the orders.")
    dashboard.discussion(ex, ex.turn, key=f"q{ex.turn}", heading=heading)

if ex.finished:
    st.success(f"All {ex.turns} turns have been played. Go to **Hotwash and report**, or "
               "rewind to branch off an earlier turn.")
else:
    offered = {c.actor for c in ex.scenario.lesson.choices} if ex.scenario.lesson else set()
    menu = in_class and bool(offered & set(ex.human_teams))
    st.subheader(f"Turn {ex.pending_turn}: " + ("choices" if menu else "orders"))
    if ex.human_teams:
        # A keyed radio rather than st.tabs: tabs fall back to the first one whenever the page
        # above them changes (a "saved" message appearing or going), which sent the facilitator
        # back to the first team after every submission.
        actor = st.radio("Team", ex.human_teams,
                         format_func=lambda a: core.as_markdown_text(ex.names[a]),
                         horizontal=True, key=f"team:{ex.id}",
                         label_visibility="collapsed" if len(ex.human_teams) == 1 else "visible")
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
        state.show("warning", "No orders yet from " + ", ".join(ex.names[a] for a in waiting)
                   + ": adjudicating now means they hold.")
    drafts = dashboard.unsubmitted_drafts(ex)
    drop = True
    if drafts:  # a reviewer lost a team's move this way: drafted, never submitted, adjudicated
        state.show("warning", " ".join(f"{ex.names[a]} has {n} move{'s' if n > 1 else ''} "
                                       "drafted but not submitted." for a, n in drafts.items())
                   + " Submit the orders first, or adjudicate without the drafts.")
        drop = st.checkbox("Adjudicate without the drafted moves",
                           key=f"drop_drafts:{ex.id}:{ex.current}:{ex.pending_turn}")
    # bound to the turn on the button: a second click, or a click in a window that has not yet
    # seen another window play this turn, is refused instead of playing the next turn
    st.button(f"Adjudicate turn {ex.pending_turn}", type="primary", key="adjudicate",
              disabled=not drop,
              **state.action("adjudicate", turn=ex.pending_turn, where="adjudicate",
                             done=f"Turn {ex.pending_turn} adjudicated."))
    state.said("adjudicate")

st.divider()
st.subheader("Situation")
dashboard.dashboard(ex, classroom=in_class)

with st.expander("Facilitator note"), st.form("note"):
    st.text_area("Note (saved with the exercise and printed in the report)", key="note_text")
    st.form_submit_button("Save note", **state.action("note", state.Entered("note_text", ""),
                                                      where="note", done="Note saved.",
                                                      after=state.cleared("note_text")))
state.said("note")

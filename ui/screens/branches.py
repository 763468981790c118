"""Rewind and branch: return to any turn and branch off, keeping the original line; compare.

In classroom mode each comparison chart has its sentence
(``engine.narrate.plain.chart_caption``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from engine.narrate import plain
from ui import charts, core, state

COMPARE_HEIGHT = 360  # the charts' whole height: title, plot, axis and legend

ex = state.require_exercise()
st.title("Rewind and branch")

rows = [{"branch": b.id, "name": b.name,
         "from": (f"turn {b.fork_turn} of {ex.branches[b.parent].name}"
                  if b.parent is not None else "the start"),
         "turns played": ex.played(b.id), "current": "yes" if b.id == ex.current else ""}
        for b in ex.branches.values()]
st.dataframe(pd.DataFrame(rows), hide_index=True)

c1, c2 = st.columns(2)
with c1, st.form("rewind"):
    st.markdown(f"**Branch off {core.as_markdown_text(ex.branches[ex.current].name)}**")
    st.number_input("Rewind to the end of turn", min_value=0, max_value=ex.turn,
                    value=max(ex.turn - 1, 0), step=1, key="rewind_turn",
                    help="0 = before the first turn")
    st.text_input("Name of the new branch", key="rewind_name",
                  placeholder="e.g. No secondary sanctions")
    st.form_submit_button("Rewind and branch", type="primary", **state.action(
        "rewind", state.Entered("rewind_turn", 0), state.Entered("rewind_name", ""),
        where="rewind", done=lambda branch: f"New branch from turn {branch.fork_turn}; the "
                                            "original line is kept."))
    state.said("rewind")
with c2:
    st.markdown("**Switch branch**")
    target = st.selectbox("Branch", list(ex.branches), index=list(ex.branches).index(ex.current),
                          format_func=lambda b: ex.branches[b].name, key="switch_to")
    st.button("Continue on this branch", key="switch", disabled=target == ex.current,
              **state.action("switch", state.Entered("switch_to", target), where="switch",
                             done=lambda b: f"Now on {b.name}."))
    state.said("switch")

if len(ex.branches) > 1:
    st.subheader("Compare branches")
    picked = st.multiselect("Branches", list(ex.branches), default=core.compare_default(ex),
                            format_func=lambda b: ex.branches[b].name, key="compare",
                            help="At first: the branch in play and the line it came from.")
    if picked:
        st.caption(core.as_markdown_text(core.comparison_note(ex, picked)))
        st.dataframe(core.comparison_text(core.branch_comparison(ex, picked)), column_config={
            "_index": st.column_config.TextColumn("figure")})
        level = core.branch_series(ex, picked, "world", "escalation_level")
        risk = core.branch_series(ex, picked, "world", "wider_war_risk")
        colours = core.branch_colours(ex)
        c1, c2 = st.columns(2)
        # tall enough for the plot to survive Streamlit fitting title, axes and legend into
        # the height; the y axis spans the branches' values, not 0 to the top rung
        c1.altair_chart(charts.lines(level, "rung", "Escalation level", "branch",
                                     height=COMPARE_HEIGHT, fit=True, colours=colours),
                        width="stretch")
        c2.altair_chart(charts.lines(risk, "risk", "Risk of a wider war", "branch",
                                     y_format=charts.axis_for("wider_war_risk")[1],
                                     height=COMPARE_HEIGHT, fit=True, colours=colours),
                        width="stretch")
        if state.classroom(ex):  # branch names are typed in the room: no LaTeX from a "$"
            c1.caption(core.as_markdown_text(
                plain.chart_caption("branches", level, label="escalation level")))
            c2.caption(core.as_markdown_text(
                plain.chart_caption("branches", risk, label="risk of a wider war",
                                    as_percent=True)))
        for b in picked:
            log = core.decision_log(ex, b)
            with st.expander(f"Decisions on {core.as_markdown_text(ex.branches[b].name)} "
                             f"({len(log)})"):
                st.dataframe(log, hide_index=True)

"""What happens from here? Fork the current state into Monte Carlo futures."""

from __future__ import annotations

import time

import streamlit as st

from analysis.charts import probability_chart
from analysis.fans import fan
from engine.narrate import plain
from ui import charts, core, state

ex = state.require_exercise()
st.title("What happens from here?")
model = ex.model()
in_class = state.classroom(ex)
unknowns = [name.replace("_", " ") for name, p in ex.scenario.parameters.items()
            if p.uncertainty is not None]
st.caption(core.as_markdown_text(
    f"{ex.branches[ex.current].name}, after turn {ex.turn}. The engine plays every "
    "actor, human teams included, from this point to the last turn; each future has "
    "its own random draws"
    + (f" and its own draw of what nobody knows ({', '.join(unknowns)}, within the "
       "ranges the scenario gives)." if unknowns else ".")))
if ex.finished:
    st.info("No turns are left on this branch. Rewind to an earlier turn to look ahead.")
    st.stop()

n = st.select_slider("Futures", [100, 250, 500, 1000, 2000], value=1000, key="n_futures")
key = (ex.id, ex.current, ex.turn, len(ex.branch_actions()), n)
if st.button(f"Play {n:,} futures of turns {ex.pending_turn}-{ex.turns}", type="primary",
             key="run_futures"):
    started = time.perf_counter()
    with st.spinner("Playing the futures..."):
        result = state.act(ex.futures, n, rerun=False)
    if result is not None:
        st.session_state["futures"] = {"key": key, "result": result,
                                       "seconds": time.perf_counter() - started}

saved = st.session_state.get("futures")
if not saved or saved["key"][:3] != key[:3]:
    st.info("Press the button to play the futures.")
    st.stop()
futures = saved["result"]
st.caption(f"{len(futures.runs):,} futures played in {saved['seconds']:.1f} s.")

frame = model.frame()
st.subheader("Outcomes")
table = core.outcome_table(futures, ex.scenario, model)
if len(table):
    st.altair_chart(probability_chart(table), width="stretch")
    if in_class:
        st.caption(core.as_markdown_text(plain.chart_caption(
            "probabilities", table, names={o.id: o.name for o in ex.scenario.outcomes})))
    headings = {"label": "outcome", "p": "probability", "low": "95% low", "high": "95% high"}
    st.dataframe(table[["label", "p", "low", "high", "so far"]], hide_index=True,
                 column_config={
                     "label": st.column_config.TextColumn(headings["label"]),
                     **{c: st.column_config.NumberColumn(headings[c], format="percent")
                        for c in ("p", "low", "high")}})

st.subheader("Fan charts beside the path taken")
st.caption(charts.FAN_KEY)
choices = {"Escalation level": ("world", "escalation_level"),
           "Risk of a wider war": ("world", "wider_war_risk"),
           "Humanitarian toll": ("world", "humanitarian_toll"),
           **{f"{name}: strain": (a, "strain") for a, name in ex.names.items()},
           **{f"{name}: troops abroad": (a, "troops_abroad") for a, name in ex.names.items()}}
picked = st.multiselect("Show", list(choices), default=list(choices)[:2], key="fan_vars")
colours = charts.keyed_colours(ex.names.values())
for label in picked:
    actor, variable = choices[label]
    bands = fan(futures.per_turn(actor, variable), variable, actor)
    if variable == "troops_abroad":
        path = (core.path_values(frame, actor, "in_transit").set_index("turn")
                + core.path_values(frame, actor, "deployed").set_index("turn")).reset_index()
    else:
        path = core.path_values(frame, actor, variable)
    y_title, y_format = charts.axis_for(variable)
    colour = colours.get(ex.names.get(actor), charts.FUTURES_COLOUR)  # an actor's own
    st.altair_chart(charts.fan_with_path(core.anchored(bands, path), path, y_title,
                                         title=label, y_format=y_format, colour=colour),
                    width="stretch")
    if in_class and len(bands):  # engine.narrate.plain's sentence, numbers in the chart's units
        st.caption(core.as_markdown_text(charts.fan_caption(bands, label, variable)))

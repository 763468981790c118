"""Altair charts the tabletop app and its report share (no Streamlit here).

``fan_with_path`` draws the futures' 50% and 90% bands and median from analysis.fans beside the
path the exercise actually took: analysis/charts.py's fan chart has no layer for a realised
path, and layering its finished chart again would nest sized sub-charts, so the few marks are
drawn here.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

WIDTH = 560
TURNS = alt.Axis(tickMinStep=1, format="d")  # whole turns only


def fan_with_path(fans: pd.DataFrame, path: pd.DataFrame, y_title: str,
                  title: str = "") -> alt.LayerChart:
    """``fans``: turn, q05, q25, median, q75, q95 (analysis.fans.fan); ``path``: turn, value."""
    x = alt.X("turn:Q", title="turn", axis=TURNS)
    base = alt.Chart(fans).encode(x=x)
    band90 = base.mark_area(opacity=0.15, color="#4c78a8").encode(
        y=alt.Y("q05:Q", title=y_title, scale=alt.Scale(zero=False)), y2="q95:Q")
    band50 = base.mark_area(opacity=0.3, color="#4c78a8").encode(y="q25:Q", y2="q75:Q")
    median = base.mark_line(color="#4c78a8", strokeDash=[4, 3]).encode(
        y="median:Q",
        tooltip=[alt.Tooltip("turn:Q"), alt.Tooltip("median:Q", format=".3~g"),
                 alt.Tooltip("q05:Q", format=".3~g", title="5%"),
                 alt.Tooltip("q95:Q", format=".3~g", title="95%")])
    taken = alt.Chart(path.assign(line="path taken")).mark_line(
        color="#d62728", strokeWidth=2.5, point=True).encode(
        x=x, y="value:Q", tooltip=[alt.Tooltip("turn:Q"),
                                   alt.Tooltip("value:Q", format=".3~g", title="path taken")])
    return alt.layer(band90, band50, median, taken).properties(
        width=WIDTH, height=240, title=title)


def lines(wide: pd.DataFrame, y_title: str, title: str = "",
          colour_title: str = "") -> alt.Chart:
    """One line per column of a turn-indexed frame (branches, actors)."""
    long = wide.reset_index(names="turn").melt("turn", var_name="series", value_name="value")
    return alt.Chart(long).mark_line(point=len(wide) < 30).encode(
        x=alt.X("turn:Q", title="turn", axis=TURNS), y=alt.Y("value:Q", title=y_title),
        color=alt.Color("series:N", title=colour_title or None),
        tooltip=["turn:Q", "series:N", alt.Tooltip("value:Q", format=",.3~g")],
    ).properties(width=WIDTH, height=240, title=title)

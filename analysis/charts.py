"""Altair charts of batch analyses: one function per figure, summary tables in, a chart out.

The same chart objects serve the HTML report (embedded with the Vega bundle inlined), the
Markdown report (rendered to PNG by vl-convert) and the Streamlit app (``st.altair_chart``).
Every function takes an already summarised table (quantiles per turn, probabilities per
outcome, a subsample of runs), never a raw runs or per-turn table, so a chart's data stays a
few thousand rows whatever the size of the batch; altair's own 5,000-row limit is left on as a
guard.

Fields are data columns; what a person reads (axis, legend and tooltip titles) is passed in
as words: a lever's label is a legend title (``colour_title``), not a field name, since labels
such as "West's sanctions" are no safe Vega field names. Numbers in tooltips use the report's
rule (analysis.formatting): three significant digits, never scientific notation.

Interaction: tooltips everywhere; where a colour stands for a policy option, clicking its
legend entry highlights it; time axes zoom and pan with the mouse wheel and drag.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

WIDTH = 520
PERCENT = alt.Axis(format="%")
NUMBER = ",.3~r"  # d3: three significant digits in decimal notation (no "e-05")


def _legend_highlight(colour: str | None):
    """A selection bound to the legend of ``colour`` (None without a colour)."""
    if colour is None:
        return None
    return alt.selection_point(fields=[colour], bind="legend")


def _opacity(selection, on: float, off: float = 0.05):
    if selection is None:
        return alt.value(on)
    return alt.condition(selection, alt.value(on), alt.value(off))


def _colour(colour: str | None, title: str | None = None):
    # Opaque legend symbols: the marks' own opacity (faint bands) would make them unreadable.
    # A lever's label is longer than Vega's default 180-pixel title limit allows.
    return (alt.Color(f"{colour}:N", title=title or colour,
                      legend=alt.Legend(symbolOpacity=1, titleLimit=400))
            if colour else alt.value("#4c78a8"))


def _colour_tooltip(colour: str | None, title: str | None) -> list:
    return [alt.Tooltip(f"{colour}:N", title=title or colour)] if colour else []


def probability_chart(table: pd.DataFrame, colour: str | None = None,
                      title: str = "Outcome probabilities (95% Wilson intervals)",
                      colour_title: str | None = None) -> alt.Chart:
    """Point and interval per outcome; ``table`` has label, p, low, high, n (and ``colour``,
    whose legend is titled ``colour_title``)."""
    select = _legend_highlight(colour)
    base = alt.Chart(table).encode(
        y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
        color=_colour(colour, colour_title), opacity=_opacity(select, 1.0, 0.15),
        tooltip=[alt.Tooltip("label:N", title="outcome"),
                 *_colour_tooltip(colour, colour_title),
                 alt.Tooltip("p:Q", format=".1%", title="probability"),
                 alt.Tooltip("low:Q", format=".1%"), alt.Tooltip("high:Q", format=".1%"),
                 alt.Tooltip("n:Q", format=",", title="runs")])
    if colour:
        base = base.encode(yOffset=alt.YOffset(f"{colour}:N"))
    intervals = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("low:Q", scale=alt.Scale(domain=[0, 1]), axis=PERCENT, title="probability"),
        x2="high:Q")
    points = base.mark_point(filled=True, size=60).encode(x="p:Q")
    if select is not None:
        points = points.add_params(select)
    return alt.layer(intervals, points).properties(width=WIDTH, title=title)


def fan_chart(fans: pd.DataFrame, y_title: str, colour: str | None = None,
              facet: str | None = None, title: str = "",
              colour_title: str | None = None) -> alt.Chart:
    """Median line with 50% and 90% bands over turns; ``fans`` comes from analysis.fans.fan
    (turn, q05, q25, median, q75, q95, runs), plus a ``colour`` column (a policy option) and a
    ``facet`` column (e.g. the actor's name) when given; ``colour_title`` titles the legend."""
    select = _legend_highlight(colour)
    zoom = alt.selection_interval(bind="scales", encodings=["x"])
    x = alt.X("turn:Q", title="turn")
    base = alt.Chart(fans).encode(x=x, color=_colour(colour, colour_title))
    band90 = base.mark_area().encode(y=alt.Y("q05:Q", title=y_title, scale=alt.Scale(zero=False)),
                                     y2="q95:Q",
                                     opacity=_opacity(select, 0.15, 0.02))
    band50 = base.mark_area().encode(y="q25:Q", y2="q75:Q", opacity=_opacity(select, 0.3, 0.03))
    tooltip = [alt.Tooltip("turn:Q"), *_colour_tooltip(colour, colour_title),
               alt.Tooltip("median:Q", format=NUMBER),
               alt.Tooltip("q25:Q", format=NUMBER, title="25%"),
               alt.Tooltip("q75:Q", format=NUMBER, title="75%"),
               alt.Tooltip("q05:Q", format=NUMBER, title="5%"),
               alt.Tooltip("q95:Q", format=NUMBER, title="95%"),
               alt.Tooltip("runs:Q", format=",")]
    line = base.mark_line(strokeWidth=2).encode(y="median:Q", opacity=_opacity(select, 1.0, 0.1),
                                                 tooltip=tooltip)
    line = line.add_params(zoom, *([select] if select is not None else []))
    layer = alt.layer(band90, band50, line)
    if facet is None:
        return layer.properties(width=WIDTH, height=260, title=title)
    return (layer.properties(width=WIDTH // 2, height=180)
            .facet(facet=alt.Facet(f"{facet}:N", title=None), columns=2, title=title)
            .resolve_scale(y="independent"))


def difference_chart(table: pd.DataFrame,
                     title: str = "Difference from the baseline option (95% intervals)"
                     ) -> alt.Chart:
    """Difference and interval per option, one panel per measure; ``table`` comes from
    analysis.compare.compare_policies (value, baseline, measure, difference, low, high, ...),
    with measures and options already in words (analysis.report.labelled_comparison)."""
    base = alt.Chart().encode(
        y=alt.Y("value:N", title=None),
        tooltip=[alt.Tooltip("measure:N"), alt.Tooltip("value:N", title="option"),
                 alt.Tooltip("baseline:N"), alt.Tooltip("estimate:Q", format=NUMBER),
                 alt.Tooltip("baseline_estimate:Q", format=NUMBER, title="baseline estimate"),
                 alt.Tooltip("difference:Q", format=NUMBER),
                 alt.Tooltip("low:Q", format=NUMBER), alt.Tooltip("high:Q", format=NUMBER)])
    zero = alt.Chart().mark_rule(color="#888", strokeDash=[4, 3]).encode(x=alt.datum(0))
    intervals = base.mark_rule(strokeWidth=2).encode(x=alt.X("low:Q", title="difference"),
                                                     x2="high:Q")
    points = base.mark_point(filled=True, size=60).encode(x="difference:Q")
    return (alt.layer(zero, intervals, points, data=table).properties(width=WIDTH, height=60)
            .facet(row=alt.Row("measure:N", title=None, header=alt.Header(labelAngle=0,
                                                                          labelAlign="left")),
                   title=title)
            .resolve_scale(x="independent"))


def sensitivity_chart(table: pd.DataFrame, title: str) -> alt.Chart:
    """Bars with intervals per parameter and index, one panel per output; ``table`` has
    output, parameter, index, value, low, high (and optionally a ``context`` column naming the
    lever combination)."""
    columns = ["context"] if "context" in table.columns else []
    base = alt.Chart().encode(
        y=alt.Y("parameter:N", title=None, sort=None),
        yOffset=alt.YOffset("index:N"), color=alt.Color("index:N", title="index"),
        tooltip=[alt.Tooltip("output:N"), *[alt.Tooltip(f"{c}:N") for c in columns],
                 alt.Tooltip("parameter:N"), alt.Tooltip("index:N"),
                 alt.Tooltip("value:Q", format=".3f"), alt.Tooltip("low:Q", format=".3f"),
                 alt.Tooltip("high:Q", format=".3f")])
    bars = base.mark_bar().encode(x=alt.X("value:Q", title="share of output variance"))
    intervals = base.mark_rule(color="black").encode(x="low:Q", x2="high:Q")
    facet = {"row": alt.Row("output:N", title=None,
                            header=alt.Header(labelAngle=0, labelAlign="left"))}
    if columns:
        facet["column"] = alt.Column("context:N", title=None)
    return (alt.layer(bars, intervals, data=table).properties(width=WIDTH // 2)
            .facet(**facet, title=title))


def discovery_chart(sample: pd.DataFrame, x: str, y: str, hit: str,
                    box: dict[str, tuple[float, float]], title: str,
                    hit_title: str | None = None) -> alt.Chart:
    """Scatter of a subsample of runs over two parameters, coloured by whether the outcome
    happened (``hit``, a boolean column; ``hit_title`` names the outcome in tooltips), with the
    PRIM box drawn over it (its limits on ``x`` and ``y``; an unrestricted axis spans the
    data)."""
    limits = {}
    for column in (x, y):
        low, high = box.get(column, (sample[column].min(), sample[column].max()))
        limits[column] = (float(low), float(high))
    rect = pd.DataFrame([{x: limits[x][0], f"{x} ": limits[x][1],
                          y: limits[y][0], f"{y} ": limits[y][1]}])
    points = sample.assign(**{hit: sample[hit].map({True: "happened", False: "did not"})})
    zoom = alt.selection_interval(bind="scales")
    x_axis = alt.X(f"{x}:Q", title=x, scale=alt.Scale(zero=False))
    y_axis = alt.Y(f"{y}:Q", title=y, scale=alt.Scale(zero=False))
    dots = alt.Chart(points).mark_circle(size=16, opacity=0.7).encode(
        x=x_axis, y=y_axis,
        color=alt.Color(f"{hit}:N", title=None, scale=alt.Scale(
            domain=["happened", "did not"], range=["#e45756", "#9d9d9d"])),
        tooltip=[alt.Tooltip(f"{x}:Q", format=NUMBER), alt.Tooltip(f"{y}:Q", format=NUMBER),
                 alt.Tooltip(f"{hit}:N", title=hit_title or hit)]).add_params(zoom)
    # The box's corners share the axes' field names (the upper ones with a trailing space), so
    # the layered chart keeps one title per axis.
    outline = alt.Chart(rect).mark_rect(fillOpacity=0, stroke="black", strokeWidth=2).encode(
        x=x_axis, x2=f"{x} :Q", y=y_axis, y2=f"{y} :Q")
    return alt.layer(dots, outline).properties(width=WIDTH, height=320, title=title)


def convergence_chart(table: pd.DataFrame, colour: str | None = None,
                      title: str = "Convergence: estimate after the first n runs",
                      colour_title: str | None = None) -> alt.Chart:
    """Estimate and interval against the number of runs (log scale), one panel per outcome;
    ``table`` comes from analysis.compare.convergence plus an ``outcome`` column (the
    outcome's name; and ``colour``, whose legend is titled ``colour_title``)."""
    select = _legend_highlight(colour)
    base = alt.Chart().encode(
        x=alt.X("runs:Q", scale=alt.Scale(type="log", nice=False), title="runs"),
        color=_colour(colour, colour_title))
    band = base.mark_area().encode(y=alt.Y("low:Q", axis=PERCENT, title="probability"),
                                   y2="high:Q", opacity=_opacity(select, 0.2, 0.02))
    line = base.mark_line(point=True).encode(
        y="estimate:Q", opacity=_opacity(select, 1.0, 0.1),
        tooltip=[alt.Tooltip("outcome:N"), *_colour_tooltip(colour, colour_title),
                 alt.Tooltip("runs:Q", format=","),
                 alt.Tooltip("estimate:Q", format=".1%"), alt.Tooltip("low:Q", format=".1%"),
                 alt.Tooltip("high:Q", format=".1%"),
                 alt.Tooltip("width:Q", format=".1%", title="interval width")])
    if select is not None:
        line = line.add_params(select)
    return (alt.layer(band, line, data=table).properties(width=WIDTH // 2, height=160)
            .facet(facet=alt.Facet("outcome:N", title=None), columns=2, title=title))

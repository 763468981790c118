"""Altair charts the tabletop app and its report share (no Streamlit here).

``fan_with_path`` draws the futures' 50% and 90% bands and median from analysis.fans beside the
path the exercise actually took: analysis/charts.py's fan chart has no layer for a realised
path, and layering its finished chart again would nest sized sub-charts, so the few marks are
drawn here. ``lines`` draws one line per column of a turn-indexed frame (actors, branches): the
dashboard's small charts, the branch comparison and the report's charts.

Every chart has whole turns on its x axis, a short y-axis title (what is counted: "troops",
"risk") and, where the subject is longer, a chart title: long axis titles do not fit beside a
small chart and push the title out of the frame. Titles start at the plot's left edge (not at
the axis labels', which Streamlit's resized charts could put left of the canvas: "isk of a wider
war") and wrap onto a second line when long. A share (the risk) is labelled with as many
decimals as its range needs, so a small rising risk does not read "0%, 0%, 0%".
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import altair as alt
import pandas as pd

from engine.core.variables import D3_COUNT, axis_title, d3_format

WIDTH = 560
HEIGHT = 240
FAN_HEIGHT = 280
PATH_COLOUR = "#d62728"
FUTURES_COLOUR = "#56677a"  # slate: no actor's colour (an actor's fan takes its own)
# The colours of a chart's lines, in order: hues that neighbours never share (Streamlit's own
# palette puts a light blue next to its blue). An actor keeps its colour in every chart, fixed
# by its place in the scenario (``keyed_colours``); so does a branch, by its place among the
# exercise's branches. Red comes last: a fan chart's path taken is red.
PALETTE = ("#4c78a8", "#f58518", "#54a24b", "#b279a2", "#72b7b2", "#9d755d", "#ff9da6",
           "#eeca3b", "#79706e", "#e45756")
# Lines that are not actors (rung, level and score; troops in transit and deployed; estimate
# and true number) start from colours the first actors do not take, so that a "score" line
# does not look like the actor beside it in the strain chart.
OTHER_PALETTE = ("#3a3a3a", "#e45756", "#72b7b2", "#9d755d")
COUNT = D3_COUNT
MAX_TICKS = 13  # at most about this many labels on a whole-number axis

# What the red line, the dashed line and the bands of a fan chart are (shown under fan charts).
FAN_KEY = ("Red line: the exercise so far. Dashed line: the median future. Dark band: the "
           "middle 50% of the futures; light band: the middle 90%.")

def keyed_colours(labels: Iterable[str]) -> dict[str, str]:
    """A colour for each label by its place in ``labels`` (actors in scenario order, branches
    in the order they were made), the same in every chart that shows it, whichever others the
    chart shows beside it."""
    return {str(label): PALETTE[i % len(PALETTE)] for i, label in enumerate(labels)}


def axis_for(variable: str) -> tuple[str, str | None]:
    """The short y-axis title and number format for a variable of the tidy frame, from the
    table of variables (engine/core/variables.py)."""
    return axis_title(variable), d3_format(variable)


def whole_axis(numbers: Iterable) -> alt.Axis:
    """An axis of whole numbers (turns, rungs) as explicit tick values: every one, or every
    few when there are many. Left to Vega, a short game gets ticks at half turns, printed
    "0 1 1 2 2" under an integer format; and the "d" format makes Vega-Lite add
    ``tickMinStep``, with which Streamlit's Vega thins explicit values to "0 2": hence ".0f".
    """
    values = sorted({math.floor(n) for n in numbers} | {math.ceil(n) for n in numbers})
    if not values:
        return alt.Axis(format=".0f")
    step = max(1, math.ceil((values[-1] - values[0]) / MAX_TICKS))
    return alt.Axis(values=list(range(values[0], values[-1] + 1, step)), format=".0f")


TITLE_CHARS = 38  # a title line longer than this wraps (fits a chart in a half-width column)


def _y_axis(fmt: str | None) -> alt.Axis:
    return alt.Axis(format=fmt) if fmt else alt.Axis()


def title_lines(title: str, width: int = TITLE_CHARS) -> list[str]:
    """A chart title cut at spaces into lines of at most ``width`` characters (a longer word
    keeps its own line)."""
    lines: list[str] = []
    for word in title.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _title(title: str) -> alt.TitleParams | str:
    """Anchored at the start of the plot (``frame="group"``): never left of the canvas."""
    if not title:
        return ""
    lines = title_lines(title)
    return alt.TitleParams(lines if len(lines) > 1 else lines[0], anchor="start",
                           frame="group")


def _finite(values: Iterable) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(float(v))]


def percent_decimals(values: Iterable, most: int = 3) -> int:
    """Decimals of a per-cent label that tell apart ticks over the range of ``values``
    (shares): 1 for a range of a few points, more for a small one (0.02% to 0.06%)."""
    numbers = _finite(values)
    span = (max(numbers) - min(numbers)) if numbers else 0.0
    if not span:
        span = max((abs(n) for n in numbers), default=0.0)
    if not span:
        return 1
    step = span * 100 / 10  # about ten ticks, in percentage points
    return min(most, max(1, math.ceil(-math.log10(step) - 1e-9)))


def fitted_format(fmt: str | None, values: Iterable) -> str | None:
    """``fmt`` as given, except a per-cent format, which gets the decimals ``values`` need."""
    if not fmt or not fmt.endswith("%"):
        return fmt
    return f".{percent_decimals(values)}~%"


def fitted_domain(values: Iterable, pad: float = 0.08) -> list[float] | None:
    """The range of ``values`` widened by ``pad`` of it on each side (a flat series by a
    little around its value), so that lines close together are told apart; not below 0 for
    values that are never negative."""
    numbers = _finite(values)
    if not numbers:
        return None
    low, high = min(numbers), max(numbers)
    margin = (high - low) * pad or max(abs(high) * pad, 0.01)
    bottom = low - margin
    if low >= 0:
        bottom = max(0.0, bottom)
    return [bottom, high + margin]


def share_text(value: float, decimals: int) -> str:
    return f"{value:.{decimals}%}"


def fan_caption(fans: pd.DataFrame, label: str, variable: str) -> str:
    """The classroom sentence under a fan chart (as
    ``engine.narrate.plain.chart_caption("fan", ...)``
    words it), its numbers in the chart's own units: a share in per cent with the decimals it
    needs ("0.34%", not "0.00"), counts whole with thousands separators."""
    end = fans.sort_values("turn").iloc[-1]
    numbers = [float(end[c]) for c in ("median", "q05", "q95")]
    _, fmt = axis_for(variable)
    if fmt and fmt.endswith("%"):
        decimals = max(percent_decimals(numbers), *(
            percent_decimals([n]) for n in numbers if n))
        shown = [share_text(n, decimals) for n in numbers]
    elif fmt == COUNT:
        shown = [f"{round(n):,}" for n in numbers]
    else:
        shown = [f"{n:.2f}" for n in numbers]
    median, low, high = shown
    return (f"Across {int(end['runs']):,} runs, {label} at turn {int(end['turn'])} has a "
            f"median of {median}, and 9 runs in 10 lie between {low} and {high}.")


def fan_with_path(fans: pd.DataFrame, path: pd.DataFrame, y_title: str,
                  title: str = "", y_format: str | None = None,
                  colour: str = FUTURES_COLOUR) -> alt.LayerChart:
    """``fans``: turn, q05, q25, median, q75, q95 (analysis.fans.fan); ``path``: turn, value.
    ``y_title`` is short (what is counted); ``title`` names the subject (``FAN_KEY`` says
    what the marks are); ``colour``: the bands' and median's (an actor's own colour)."""
    turns = [*fans["turn"], *path["turn"]]
    x = alt.X("turn:Q", title="turn", axis=whole_axis(turns))
    y_format = fitted_format(y_format, [*fans[["q05", "q95"]].to_numpy().ravel(),
                                        *path["value"]])
    fmt = y_format or ".3~g"
    base = alt.Chart(fans).encode(x=x)
    band90 = base.mark_area(opacity=0.15, color=colour).encode(
        y=alt.Y("q05:Q", title=y_title, scale=alt.Scale(zero=False), axis=_y_axis(y_format)),
        y2="q95:Q")
    band50 = base.mark_area(opacity=0.3, color=colour).encode(y="q25:Q", y2="q75:Q")
    median = base.mark_line(color=colour, strokeDash=[4, 3]).encode(
        y="median:Q",
        tooltip=[alt.Tooltip("turn:Q"), alt.Tooltip("median:Q", format=fmt),
                 alt.Tooltip("q05:Q", format=fmt, title="5%"),
                 alt.Tooltip("q95:Q", format=fmt, title="95%")])
    taken = alt.Chart(path.assign(line="path taken")).mark_line(
        color=PATH_COLOUR, strokeWidth=2.5,
        point=alt.OverlayMarkDef(color=PATH_COLOUR)).encode(
        x=x, y="value:Q", tooltip=[alt.Tooltip("turn:Q"),
                                   alt.Tooltip("value:Q", format=fmt, title="exercise")])
    return alt.layer(band90, band50, median, taken).properties(
        width=WIDTH, height=FAN_HEIGHT, title=_title(title))


def line_colours(columns: Iterable, colours: dict[str, str] | None = None) -> list[str]:
    """The colour of each column: its own in ``colours`` (an actor's, a branch's), else the
    palette's next colour that no column has taken (without ``colours``: lines that are not
    actors, from ``OTHER_PALETTE`` first)."""
    names = [str(c) for c in columns]
    order = list(PALETTE) if colours else list(dict.fromkeys([*OTHER_PALETTE, *PALETTE]))
    colours = colours or {}
    taken = {colours[n] for n in names if n in colours}
    spare = iter([c for c in order if c not in taken] + order * (1 + len(names) // len(order)))
    return [colours[n] if n in colours else next(spare) for n in names]


def lines(wide: pd.DataFrame, y_title: str, title: str = "", colour_title: str = "",
          y_format: str | None = None, height: int = HEIGHT,
          whole: bool = False, fit: bool = False,
          colours: dict[str, str] | None = None) -> alt.Chart:
    """One line per column of a turn-indexed frame (branches, actors), the legend below;
    ``whole``: the values are whole numbers (rungs), ticked as such from 0; ``fit``: the y
    axis spans the data with a little padding instead of starting at 0 (branches that differ
    by a fraction of a rung); ``colours``: each column's colour by its name (``keyed_colours``:
    an actor or a branch the same in every chart), else the palette's in order."""
    long = wide.reset_index(names="turn").melt("turn", var_name="series", value_name="value")
    y_format = fitted_format(y_format, long["value"].dropna())
    y_axis = whole_axis([0, *long["value"].dropna()]) if whole else _y_axis(y_format)
    domain = fitted_domain(long["value"].dropna()) if fit else None
    y_scale = alt.Scale(domain=domain, zero=False, nice=False) if domain else alt.Undefined
    tip = y_format or ",.3~g"
    names = [str(c) for c in wide.columns]
    legend = alt.Legend(orient="bottom", direction="horizontal", labelLimit=260, offset=6,
                        columns=len(names) if sum(map(len, names)) <= 40 else 2,
                        title=colour_title or None)
    return alt.Chart(long).mark_line(point=len(wide) < 30).encode(
        x=alt.X("turn:Q", title="turn", axis=whole_axis(wide.index)),
        y=alt.Y("value:Q", title=y_title, axis=y_axis, scale=y_scale),
        color=alt.Color("series:N", legend=legend, sort=names,
                        scale=alt.Scale(domain=names, range=line_colours(names, colours))),
        tooltip=[alt.Tooltip("turn:Q"), alt.Tooltip("series:N", title=colour_title or "line"),
                 alt.Tooltip("value:Q", format=tip)],
    ).properties(width=WIDTH, height=height, title=_title(title))

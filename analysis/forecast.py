"""A registered forecast: a scenario's declared outcomes, played forward under its stated
uncertainty, written down before the facts are known so that it can be judged out of sample.

For each of the scenario's outcomes the page gives the probability that it happens (with a 90%
Wilson interval for the sampling error), and for its metric the median and the 90% band of the
runs at the end of each quarter of the forecast period. The batch samples every uncertain
parameter, the actors' own reaction strengths, thresholds and appetites included, exactly as
``brink batch`` does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from analysis.calibration import turn_ending_on_or_after
from analysis.probabilities import wilson_interval
from engine.batch.runner import run_batch
from engine.scenario.loader import load_scenario


class ForecastError(ValueError):
    """A forecast that cannot be made as asked (a bad date, a metric no batch records)."""


@dataclass(frozen=True)
class Forecast:
    scenario_id: str
    title: str
    runs: int
    seed: int
    start: date  # the first day forecast (for a replay, the calibration window's end)
    checkpoints: tuple[tuple[date, int], ...]  # (quarter end, the turn ending on or after it)
    probabilities: pd.DataFrame  # outcome, name, p, low, high
    bands: pd.DataFrame  # outcome, metric, checkpoint, median, low, high


def quarter_ends(first: date, last: date) -> list[date]:
    """The last days of the calendar quarters from ``first`` to ``last``, and ``last`` itself if
    it ends a part-quarter."""
    out = []
    year, quarter = first.year, (first.month - 1) // 3
    while True:
        month = 3 * (quarter + 1)  # the quarter's last month
        end = (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(1)
        if end > last:
            break
        if end >= first:
            out.append(end)
        quarter += 1
        if quarter == 4:
            year, quarter = year + 1, 0
    if not out or out[-1] < last:
        out.append(last)
    return out


def metric_table(per_turn: pd.DataFrame, metric: str) -> pd.DataFrame:
    """``run x turn`` values of an outcome's metric from a batch's per-turn table. An actor's
    troops abroad are those in transit and deployed; a belief with no observer is the
    public's."""
    head, _, rest = metric.partition(".")

    def wide(actor: str, variable: str) -> pd.DataFrame:
        rows = per_turn[(per_turn["actor"] == actor) & (per_turn["variable"] == variable)]
        if rows.empty:
            raise ForecastError(f"the batch records no per-turn {actor}.{variable} for the "
                                f"outcome metric {metric}")
        return rows.pivot(index="run", columns="turn", values="value").sort_index(axis=1)

    if head == "belief":
        return wide("public", metric)
    if rest == "troops_abroad":
        return wide(head, "in_transit") + wide(head, "deployed")
    return wide(head, rest)


def make_forecast(path, runs: int, seed: int, start: date | None = None,
                  workers: int | None = None, progress: bool = False) -> Forecast:
    """Play ``runs`` seeded runs of the scenario at ``path`` with every uncertain parameter
    sampled and summarise its outcomes from ``start`` (default: the scenario's start) to its
    last turn."""
    scenario = load_scenario(path)
    clock = scenario.clock
    last = clock.start + timedelta(days=clock.turns * clock.days_per_turn)
    start = start or clock.start
    if not clock.start <= start < last:
        raise ForecastError(f"--from {start} is outside the game ({clock.start} to {last})")
    result = run_batch(path, runs=runs, seed=seed, per_turn=True, workers=workers,
                       progress=progress)
    checkpoints = tuple((day, min(clock.turns, turn_ending_on_or_after(scenario, day)))
                        for day in quarter_ends(start, last))
    rows, bands = [], []
    done = result.runs
    for outcome in scenario.outcomes:
        hits = done[f"outcome.{outcome.id}"].astype(bool)
        low, high = (float(x) for x in wilson_interval(int(hits.sum()), len(hits), 0.90))
        rows.append((outcome.id, outcome.name, float(hits.mean()), low, high))
        table = metric_table(result.per_turn, outcome.metric)
        for day, turn in checkpoints:
            values = table[turn].dropna()
            bands.append((outcome.id, outcome.metric, day, float(values.median()),
                          float(values.quantile(0.05)), float(values.quantile(0.95))))
    return Forecast(
        scenario.id, scenario.title, runs, seed, start, checkpoints,
        pd.DataFrame(rows, columns=["outcome", "name", "p", "low", "high"]),
        pd.DataFrame(bands, columns=["outcome", "metric", "checkpoint", "median", "low",
                                     "high"]))


def _value(x: float) -> str:
    if math.isnan(x):
        return "-"
    if x == 0:
        return "0"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.2f}"


def render_forecast(forecast: Forecast, command: str) -> str:
    """The forecast as a Markdown page."""
    f = forecast
    lines = [
        f"# Forecast: {f.title}",
        "",
        f"Generated by `{command}` ({f.runs:,} runs, seed {f.seed}); do not edit by hand. "
        f"Every uncertain parameter of the scenario is sampled in every run, the actors' own "
        f"reaction strengths, thresholds and appetites included "
        f"(`scenarios/{f.scenario_id.replace('_', '-')}.yaml`, its `parameters`).",
        "",
        f"The forecast period starts on {f.start:%d %B %Y}. Nothing that happened after "
        "2024 was used to set the scenario; this page registers what the model expected so "
        "that it can be judged against what happened. An outcome that can happen at any turn "
        "counts from the game's start, before the forecast period too (the first "
        "contingent's combat, for one); the quarterly table is the forecast proper.",
        "",
        "## How likely each outcome is",
        "",
        "| outcome | probability | 90% interval (sampling error) |",
        "|---|---|---|",
    ]
    for r in f.probabilities.itertuples():
        lines.append(f"| {r.name} | {r.p:.0%} | {r.low:.0%} to {r.high:.0%} |")
    lines += ["", "## Each outcome's quantity at the end of each quarter",
              "", "Median of the runs, and the band that holds 90% of them.", ""]
    header = "| quantity | " + " | ".join(f"{day:%d %b %Y} (turn {turn})"
                                          for day, turn in f.checkpoints) + " |"
    lines += [header, "|---" * (len(f.checkpoints) + 1) + "|"]
    seen = set()
    for outcome_id, metric in f.bands[["outcome", "metric"]].itertuples(index=False):
        if metric in seen:
            continue
        seen.add(metric)
        b = f.bands[f.bands["outcome"] == outcome_id]
        cells = [f"{_value(r.median)} ({_value(r.low)} to {_value(r.high)})"
                 for r in b.itertuples()]
        lines.append(f"| `{metric}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"

"""The calibration suite: run the model against the record and say where it hits and misses.

``TARGETS`` is the one table of calibration targets. Each row names the fact it is checked
against (a row of docs/reference/calibration-sources.md, cited by its section and row text), the
scenario (or family of scenarios) that should reproduce it, the metric that reads the batch
results, and the observed value or range. ``run_suite`` plays every scenario once through the
batch engine (``engine.batch.runner.run_batch``), computes each target's metric per run and
compares the model's spread with the record:

* a **point** observation is *inside* when it lies within the model's 90% interval (5th to
  95th percentile of the runs), else a *miss*;
* a **range** observation is *inside* when the model's whole 90% interval lies within it,
  *overlap* when the two intervals share at least one value, else a *miss*. Inside and overlap
  count as hits;
* a hit that only the width of the model's band or of the target's range makes is reported as
  such and not counted (``TRIVIAL``): a *weak overlap* when the model's median lies outside the
  target's range and the shared part is less than a quarter of the model's band (or the target
  is one-sided: an overlap with "> 0" says nothing); *too wide* when the model's band is more
  than three times as wide as the target's range (a point: wider than twice its size).

For a **share** metric (the share of runs in which something happens, e.g. the target of a
sanctions episode concedes) the "median" is the share over all runs and the interval is its 90%
Wilson interval: how precisely the runs pin the share down, not a spread between runs.

``render_page`` writes docs/reference/validation.md. The page is date-free and carries a
fingerprint of
everything that decides its numbers (the engine source the batch engine imports, scenarios,
this module with its targets table, run settings), so a test can tell whether it is current
without rerunning the suite.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import intelligence
from engine.batch.runner import run_batch
from engine.core.parameters import PARAMETERS
from engine.core.provenance import engine_sources, hash_files
from engine.core.state import Belief
from engine.core.variables import confidence_label
from engine.scenario.loader import load_scenario
from engine.scenario.shipped import shipped_path

# The folder that holds engine/ and analysis/ (a checkout, or site-packages when installed): the
# engine source in the fingerprint is read there. The scenarios are the shipped ones
# (engine.scenario.shipped). VALIDATION_MD is the checkout's committed page, which only the
# tests read; an installed package has no docs/ and `brink check-model --out` names its file.
ROOT = Path(__file__).resolve().parent.parent
VALIDATION_MD = ROOT / "docs" / "reference" / "validation.md"
DEFAULT_RUNS = 1000
DEFAULT_SEED = 2024
COMMAND = "brink check-model --out docs/reference/validation.md"

NK = "scenarios/nk-historical-2024.yaml"
EPISODES = {
    "unilateral": "scenarios/calibration/episode-unilateral-targeted.yaml",
    "sectoral": "scenarios/calibration/episode-multilateral-sectoral.yaml",
    "comprehensive": "scenarios/calibration/episode-multilateral-comprehensive.yaml",
    "embargo": "scenarios/calibration/episode-full-embargo.yaml",
}
RUSSIA_2022 = "scenarios/calibration/episode-russia-2022.yaml"
# Who watches North Korea from the Western side in the historical scenario: the first of them
# to estimate more than 500 troops abroad (the NIS "goes public" threshold) marks detection.
WATCHERS = ("south_korea", "ukraine", "west")
DETECTION_TROOPS = 500
CONFIRMATION_TROOPS = 5000  # the scenario's "Pentagon and NATO confirm" rule


class SuiteError(ValueError):
    """A bad request to the suite (reported by the CLI with exit status 2)."""


@dataclass(frozen=True)
class Batch:
    """One scenario's batch results, as the metrics read them."""

    path: str
    runs: pd.DataFrame
    per_turn: pd.DataFrame | None
    scenario: object  # engine.scenario.schema.Scenario


@dataclass(frozen=True)
class Target:
    name: str
    source: str        # section and row of docs/reference/calibration-sources.md
    scenarios: tuple[str, ...]
    metric: str        # a key of METRICS
    observed: float | tuple[float, float]
    observed_text: str
    unit: str
    statistic: str = "distribution"  # distribution | share
    note: str = ""

    @property
    def kind(self) -> str:
        return "range" if isinstance(self.observed, tuple) else "point"

    @property
    def per_turn(self) -> bool:
        return METRICS[self.metric][1]


# --- metrics -----------------------------------------------------------------------------------
# Each takes the batches of a target's scenarios and returns one value per run (NaN when the run
# never reached the event the metric measures, e.g. no combat at all).


def _wide(batch: Batch, actor: str, variable: str) -> pd.DataFrame:
    """``run x turn`` table of one per-turn variable."""
    pt = batch.per_turn
    rows = pt[(pt["actor"] == actor) & (pt["variable"] == variable)]
    return rows.pivot(index="run", columns="turn", values="value").sort_index(axis=1)


def _param(batch: Batch, name: str) -> pd.Series:
    """The value each run used: sampled, else the scenario's, else the engine default."""
    column = f"param.{name}"
    runs = batch.runs.set_index("run")
    if column in runs:
        return runs[column].astype(float)
    spec = batch.scenario.parameters.get(name)
    value = spec.value if spec is not None else PARAMETERS[name].value
    return pd.Series(float(value), index=runs.index)


def _first_turn(mask: pd.DataFrame) -> pd.Series:
    """First turn (>= 1) at which ``mask`` holds, per run; NaN if never."""
    mask = mask.loc[:, [t for t in mask.columns if t >= 1]]
    first = mask.idxmax(axis=1).astype(float)
    return first.where(mask.any(axis=1))


def turn_ending_on_or_after(scenario, day: date) -> int:
    """The first turn whose last day is ``day`` or later (turn t ends at start + t x days)."""
    days = (day - scenario.clock.start).days
    return max(1, math.ceil(days / scenario.clock.days_per_turn))


def _detection_turn(batch: Batch) -> pd.Series:
    seen = None
    for watcher in WATCHERS:
        mask = _wide(batch, watcher, "belief.north_korea.troops_abroad") > DETECTION_TROOPS
        seen = mask if seen is None else seen | mask
    return _first_turn(seen)


def _confirmation_turn(batch: Batch) -> pd.Series:
    estimate = _wide(batch, "west", "belief.north_korea.troops_abroad")
    sd = _wide(batch, "west", "belief_sd.north_korea.troops_abroad")
    confirmed = sd.apply(lambda column: column.map(
        lambda s: confidence_label(Belief(0.0, s * s, 0)) == "confirmed"))
    return _first_turn((estimate > CONFIRMATION_TROOPS) & confirmed)


def _combat_turn(batch: Batch) -> pd.Series:
    return _first_turn(_wide(batch, "north_korea", "front") > 0)


def nk_contingent_december(batches: list[Batch]) -> pd.Series:
    """North Korean troops abroad (in transit, training or at the front) at the end of the
    first turn ending in December 2024."""
    (b,) = batches
    turn = turn_ending_on_or_after(b.scenario, date(2024, 12, 1))
    abroad = _wide(b, "north_korea", "in_transit") + _wide(b, "north_korea", "deployed")
    return abroad[turn]


# Dating detection like the record does. §1.1 dates "first NIS detection" to 8 Oct, the day the
# observed movement *began*; the NIS announced it on 18 Oct. The record dates the confirmation
# (23 Oct) by the announcement and first combat (4 Nov) by the engagement. In the model an
# intelligence look at the start of turn d reports the state at the end of turn d - 1, so the
# first estimate above 500 saw the movement of turn d - 1: that turn's first day is the
# detection date, the start of turn c (its look) the confirmation date, and the end of turn k
# the first-combat date. Dating detection by the look instead would put it one turn later than
# the record's convention and shorten both lags by one turn.


def _detection_day(b: Batch) -> pd.Series:
    """Day (from the start) on which the movement the first detection saw began."""
    days = b.scenario.clock.days_per_turn
    return ((_detection_turn(b) - 2) * days).clip(lower=0)


def detection_to_confirmation_days(batches: list[Batch]) -> pd.Series:
    """Days from the start of the movement the first Western-side estimate above 500 saw to the
    look (at the start of a turn) at which the West's estimate above 5,000 is labelled
    confirmed."""
    (b,) = batches
    return (_confirmation_turn(b) - 1) * b.scenario.clock.days_per_turn - _detection_day(b)


def detection_to_combat_days(batches: list[Batch]) -> pd.Series:
    """Days from the start of the movement the first detection saw to the end of the first turn
    in which North Korean troops are at the front (fighting happens during the turn)."""
    (b,) = batches
    return _combat_turn(b) * b.scenario.clock.days_per_turn - _detection_day(b)


def _six_weeks_after_combat(b: Batch, variable: str) -> pd.Series:
    table = _wide(b, "north_korea", variable)
    turns = _combat_turn(b) + math.ceil(42 / b.scenario.clock.days_per_turn)
    values = [table.at[run, int(t)] if not math.isnan(t) and int(t) in table.columns
              else math.nan for run, t in turns.items()]
    return pd.Series(values, index=turns.index, dtype=float)


def nk_casualties_six_weeks(batches: list[Batch]) -> pd.Series:
    """North Korean killed and wounded six weeks after their first turn in combat."""
    (b,) = batches
    return _six_weeks_after_combat(b, "casualties")


def nk_killed_six_weeks(batches: list[Batch]) -> pd.Series:
    """North Korean killed six weeks after their first turn in combat."""
    (b,) = batches
    return _six_weeks_after_combat(b, "killed")


def russian_payroll_usd_m_month(batches: list[Batch]) -> pd.Series:
    """Russia's troop payroll to North Korea in mid-December 2024 (the turn ending on or after
    16 December), USD M per month, as the engine records it (payroll_income)."""
    (b,) = batches
    turn = turn_ending_on_or_after(b.scenario, date(2024, 12, 16))
    return _wide(b, "north_korea", "payroll_income")[turn] * 1000 / 12  # bn USD a year in


# nk-historical-2024 plays on through 2025 as a forecast; the record it is calibrated to ends
# with its thirteenth turn, so targets about "the end" read that turn, never the forecast's.
WINDOW_END = date(2025, 1, 7)


def _at_window_end(actor: str, variable: str) -> Callable[[list[Batch]], pd.Series]:
    def metric(batches: list[Batch]) -> pd.Series:
        (b,) = batches
        return _wide(b, actor, variable)[turn_ending_on_or_after(b.scenario, WINDOW_END)]
    return metric


def russia_growth_2022(batches: list[Batch]) -> pd.Series:
    """Russia's growth averaged over the turns of 2022 (from 28 Feb), % a year: the model's
    analogue of the year's growth."""
    (b,) = batches
    growth = _wide(b, "russia", "growth")
    return growth.loc[:, [c for c in growth.columns if c >= 1]].mean(axis=1)


def _growth_deviation(batches: list[Batch]) -> pd.Series:
    """Target's growth at the end of the episode minus its trend growth (pp a year)."""
    (b,) = batches
    trend = b.scenario.actor("target").economy.trend_growth_pct
    return b.runs.set_index("run")["target.growth"].astype(float) - trend


def conceded_share(batches: list[Batch]) -> pd.Series:
    """1 for each run (over the whole family) in which the target conceded, else 0."""
    return pd.concat([b.runs["outcome.conceded"].astype(float) for b in batches],
                     ignore_index=True)


# name -> (function, needs the per-turn table)
METRICS: dict[str, tuple[Callable[[list[Batch]], pd.Series], bool]] = {
    "nk_contingent_december": (nk_contingent_december, True),
    "detection_to_confirmation_days": (detection_to_confirmation_days, True),
    "detection_to_combat_days": (detection_to_combat_days, True),
    "nk_casualties_six_weeks": (nk_casualties_six_weeks, True),
    "nk_killed_six_weeks": (nk_killed_six_weeks, True),
    "russian_payroll_usd_m_month": (russian_payroll_usd_m_month, True),
    "nk_growth_final": (_at_window_end("north_korea", "growth"), True),
    "russia_growth_final": (_at_window_end("russia", "growth"), True),
    "russia_growth_2022": (russia_growth_2022, True),
    "growth_deviation": (_growth_deviation, False),
    "conceded_share": (conceded_share, False),
}

# --- the targets table -------------------------------------------------------------------------

INF = math.inf
TARGETS: tuple[Target, ...] = (
    Target("North Korean contingent by December 2024",
           "§6 Initial NK combat contingent (Oct–Dec 2024): 10,000–12,000 (mode 11,000); "
           "§1.2 NIS 2024-10-23: 10,000 by Dec",
           (NK,), "nk_contingent_december", (10_000, 12_000), "10,000–12,000", "troops",
           note="Troops abroad at the end of the first turn ending in December (3 Dec 2024)."),
    Target("Detection → Western confirmation",
           "§6 Detection → Western confirmation lag: ~2–3 weeks; §1.1 derived lags: NIS "
           "detection (Oct 8) → US (Oct 23) ≈ 15 days, → NATO (Oct 28) ≈ 20 days",
           (NK,), "detection_to_confirmation_days", (14, 21), "14–21 (15 US, 20 NATO)", "days",
           note="From the start of the movement that the first Western-side estimate above "
                "500 troops (South Korea, Ukraine or the West) saw, which is how §1.1 dates "
                "detection (8 Oct, the movement's start; announced 18 Oct), to the look at "
                "which the West's estimate above 5,000 is labelled confirmed."),
    Target("Detection → first combat",
           "§1.1 derived lags: NIS detection (Oct 8) → first combat (Nov 4) ≈ 27 days; §1.1 "
           "2024-11-04/05 first combat engagement (US officials: Nov 4; Umerov: Nov 5)",
           (NK,), "detection_to_combat_days", (27, 28), "27–28 (about 4 weeks)", "days",
           note="From the start of the movement the first detection saw (dated as §1.1 dates "
                "it) to the end of the first turn with North Korean troops at the front."),
    Target("North Korean casualties six weeks after first combat",
           "§6 Early casualties: ~1,100 (≈100 KIA, ≈1,000 WIA) about six weeks after first "
           "combat; §1.4 2024-12-19 NIS via MP (D across sources by a factor ~1.5–2)",
           (NK,), "nk_casualties_six_weeks", 1100.0, "≈1,100", "killed + wounded"),
    Target("North Korean killed six weeks after first combat",
           "§1.4 2024-12-19 NIS via MP: ~100 killed, ~1,000 wounded (KIA:WIA ≈ 1:10)",
           (NK,), "nk_killed_six_weeks", 100.0, "≈100", "killed"),
    Target("Russian troop payroll, mid-December 2024",
           "§6 Russian payment: ~$2,000/soldier-month (~$22–26 M/month for 11–13k); §1.5 "
           "implied payroll ~$22M/month for 11,000",
           (NK,), "russian_payroll_usd_m_month", (22.0, 26.0), "22–26", "USD M/month"),
    Target("North Korean growth stays positive while Russia pays",
           "§6 NK GDP response: +3.1% (2023) despite sanctions; §2.4 BOK 2023 +3.1",
           (NK,), "nk_growth_final", (0.0, INF), "> 0 (2023: +3.1)", "% a year",
           note="Growth at the end of the calibration window (turn 13, 7 January 2025)."),
    Target("Russian growth resilient under sanctions",
           "§2.3 Russia under sanctions: −2.1% (2022; IMF Apr-22 forecast −8.5), +3.6 (2023), "
           "≈+4.1 (2024); §6 Russia 2022 forecast error",
           (NK,), "russia_growth_final", (-2.1, 4.1), "−2.1 to +4.1 (not −8.5)", "% a year",
           note="Growth at the end of the calibration window (turn 13, 7 January 2025); the "
                "April-2022 consensus collapse (−8.5) is the "
                "failure this row guards against."),
    Target("Russian growth in 2022, the first year of sanctions",
           "§2.3 Russia under sanctions, 2022: IMF Apr-22 forecast −8.5; outcome −2.1% "
           "(Rosstat first estimate; revision to ≈−1.2 not verified)",
           (RUSSIA_2022,), "russia_growth_2022", (-2.1, -1.2), "−2.1 (−1.2 revised)",
           "% a year", note="Mean growth over the turns from 28 Feb to the end of 2022, "
                            "2021 trade, the West's sectoral package; the war's own cost is "
                            "left out."),
    Target("Sanctions episodes ending in concession",
           "§6 Sanctions success prior: 34% (HSE) with plausible range 5% (Pape) – 50% "
           "(GSDB team / Drezner threats); §2.1",
           tuple(EPISODES.values()), "conceded_share", (5.0, 50.0), "5–50 (central 34)",
           "% of episodes", statistic="share",
           note="Pooled over the four generic episodes (unilateral targeted, multilateral "
                "sectoral, multilateral comprehensive, full embargo), each crossed with three "
                "trade exposures and three levels of repression; the target withdraws when its "
                "stability falls below 0.5."),
    Target("Growth deviation, comprehensive multilateral sanctions",
           "§6 GDP hit to a target of UN sanctions: −2 to −3.5 pp growth/yr for ~10 yr; §2.2 "
           "Neuenkirch & Neumeier (2015) −2.3 to −3.5",
           (EPISODES["comprehensive"],), "growth_deviation", (-3.5, -2.0), "−3.5 to −2",
           "pp a year", note="Growth minus trend after two years of sanctions."),
    Target("Growth deviation, full embargo",
           "§6 GDP hit … comprehensive > −5 pp; §2.2 comprehensive UN embargo > −5 pp",
           (EPISODES["embargo"],), "growth_deviation", (-INF, -5.0), "below −5", "pp a year",
           note="Growth minus trend after two years of a strict UN embargo."),
    Target("Growth deviation, unilateral sanctions",
           "§6 GDP hit … unilateral US −0.5 to −0.9 pp; §2.2 US sanctions −0.5 to −0.9 pp "
           "for ~7 yrs",
           (EPISODES["unilateral"],), "growth_deviation", (-0.9, -0.5), "−0.9 to −0.5",
           "pp a year", note="Growth minus trend after two years of one power's targeted "
                             "package."),
)


def _check_table() -> None:
    names = [t.name for t in TARGETS]
    if len(set(names)) != len(names):
        raise AssertionError("target names must be unique")
    for t in TARGETS:
        if t.metric not in METRICS:
            raise AssertionError(f"{t.name}: unknown metric {t.metric}")


_check_table()


# --- running the suite -------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    target: Target
    median: float
    low: float
    high: float
    runs: int
    missing: int  # runs in which the event never happened (NaN)
    verdict: str  # inside | overlap | miss | no data | weak overlap | too wide


def scenarios_used() -> list[str]:
    """The scenarios the page's numbers come from: the targets' and the intelligence table's."""
    return sorted({s for t in TARGETS for s in t.scenarios} | set(intelligence.SCENARIOS))


def _wilson(successes: float, n: int, z: float = 1.6449) -> tuple[float, float]:
    if n == 0:
        return math.nan, math.nan
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


# A band this many times the target's width hits by being wide, not by being right; an overlap
# sharing less than this share of the model's band, with the median outside, is a grazing one.
TOO_WIDE = 3.0
POINT_TOO_WIDE = 2.0  # a point target: a band wider than twice the value (1,100: 0 to 2,200)
WEAK_SHARE = 0.25
HITS = ("inside", "overlap")
TRIVIAL = ("weak overlap", "too wide")


def verdict(observed, low: float, high: float, median: float | None = None) -> str:
    """inside / overlap / miss, and the hits that do not count (weak overlap, too wide), as
    defined in the module docstring."""
    if math.isnan(low) or math.isnan(high):
        return "no data"
    band = high - low
    if isinstance(observed, tuple):
        lo, hi = observed
        if lo <= low and high <= hi:
            return "inside"
        if not (low <= hi and lo <= high):
            return "miss"
        if math.isinf(lo) or math.isinf(hi):
            return "weak overlap"  # a one-sided target straddled: only "inside" says something
        if band > TOO_WIDE * (hi - lo):
            return "too wide"
        shared = min(hi, high) - max(lo, low)
        median_in = median is not None and lo <= median <= hi
        if not median_in and shared < WEAK_SHARE * band:
            return "weak overlap"
        return "overlap"
    if not low <= observed <= high:
        return "miss"
    return "too wide" if band > POINT_TOO_WIDE * abs(observed) else "inside"


def summarise(target: Target, values: pd.Series) -> Result:
    values = values.astype(float)
    present = values.dropna()
    missing = int(values.isna().sum())
    if target.statistic == "share":
        n = len(present)
        share = float(present.mean()) * 100 if n else math.nan
        low, high = (x * 100 for x in _wilson(float(present.sum()), n))
        return Result(target, share, low, high, len(values), missing,
                      verdict(target.observed, low, high, share))
    if present.empty:
        # the record's event never happened in any run: a miss, not an absence of data
        verdict_ = "miss" if len(values) else "no data"
        return Result(target, math.nan, math.nan, math.nan, len(values), missing, verdict_)
    low, median, high = (float(x) for x in np.quantile(present, [0.05, 0.5, 0.95]))
    return Result(target, median, low, high, len(values), missing,
                  verdict(target.observed, low, high, median))


def _runs_per_combination(path: str, runs: int) -> int:
    """``runs`` is per target; a scenario with levers splits them over its combinations."""
    scenario = load_scenario(shipped_path(path))
    combos = math.prod(len(lever.options) for lever in scenario.levers.values())
    return max(1, math.ceil(runs / combos))


def run_suite(runs: int = DEFAULT_RUNS, seed: int = DEFAULT_SEED, workers: int | None = None,
              targets: tuple[Target, ...] = TARGETS, progress: bool = False) -> list[Result]:
    """Play every scenario the targets need (once each) and compare with the record."""
    if runs < 1:
        raise SuiteError(f"--runs must be at least 1, got {runs}")
    if seed < 0:
        raise SuiteError(f"--seed must be 0 or more, got {seed}")
    if workers is not None and workers < 1:
        raise SuiteError(f"--workers must be at least 1, got {workers}")
    needs_turns: dict[str, bool] = {}
    for t in targets:
        for s in t.scenarios:
            needs_turns[s] = needs_turns.get(s, False) or t.per_turn
    batches: dict[str, Batch] = {}
    for path, per_turn in sorted(needs_turns.items()):
        result = run_batch(shipped_path(path), runs=_runs_per_combination(path, runs), seed=seed,
                           workers=workers, per_turn=per_turn, progress=progress)
        if len(result.failures):
            first = result.failures.iloc[0]
            raise SuiteError(f"{path}: {len(result.failures)} run(s) failed, e.g. run "
                             f"{first['run']} (seed {first['seed']}): {first['error']}")
        batches[path] = Batch(path, result.runs.sort_values("run").reset_index(drop=True),
                              result.per_turn, load_scenario(shipped_path(path)))
    return [summarise(t, METRICS[t.metric][0]([batches[s] for s in t.scenarios]))
            for t in targets]


# --- fingerprint and the page ------------------------------------------------------------------

def fingerprint(runs: int, seed: int) -> str:
    """SHA-256 of what decides the page's numbers: the engine source the batch engine runs
    (parameters included), the scenarios used, this module (the targets table and metrics)
    and the run settings."""
    h = hashlib.sha256()
    files = [(name, ROOT / name) for name in engine_sources(ROOT)]
    files += [(s, shipped_path(s)) for s in scenarios_used()]
    files.append(("analysis/calibration.py", Path(__file__).resolve()))
    files.append(("analysis/intelligence.py", Path(intelligence.__file__).resolve()))
    hash_files(h, files)
    h.update(json.dumps({"runs": runs, "seed": seed}, sort_keys=True).encode())
    return h.hexdigest()


def _num(x: float) -> str:
    if math.isnan(x):
        return "–"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 100:
        return f"{x:.0f}"
    text = f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}"
    return text.replace("-", "−")


HEADER = ("target", "source (calibration-sources.md)", "scenario", "observed", "unit",
          "model median", "model 90% interval", "runs", "verdict")


def table_rows(results: list[Result]) -> list[tuple[str, ...]]:
    rows = []
    for r in results:
        t = r.target
        scenario = ", ".join(Path(s).stem for s in t.scenarios)
        runs = f"{r.runs:,}" + (f" ({r.missing:,} never)" if r.missing else "")
        rows.append((t.name, t.source, scenario, t.observed_text, t.unit, _num(r.median),
                     f"{_num(r.low)} to {_num(r.high)}", runs, r.verdict))
    return rows


def text_table(results: list[Result]) -> str:
    """A plain table for the terminal (long source cells are shortened)."""
    rows = [tuple(c if len(c) <= 60 else c[:57] + "..." for c in row)
            for row in table_rows(results)]
    rows.insert(0, HEADER)
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("\n" + hits_line(results))
    lines.append("\nSources (rows of docs/reference/calibration-sources.md):")
    lines += [f"  {r.target.name}: {r.target.source}" for r in results]
    return "\n".join(lines)


def hits_line(results: list[Result]) -> str:
    """How many targets are hit, and how many more only look hit (not counted)."""
    hits = sum(r.verdict in HITS for r in results)
    trivial = sum(r.verdict in TRIVIAL for r in results)
    more = (f" {trivial} more only by the width of a band or a range (weak overlap or too wide),"
            " not counted." if trivial else "")
    return f"{hits} of {len(results)} targets hit (inside or overlap).{more}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_page(results: list[Result], runs: int, seed: int,
                intelligence_rows: list | None = None) -> str:
    lines = [
        "# Validation: the model against the record",
        "",
        f"<!-- Generated by `{COMMAND}` (or `make validation`); do not edit by hand. -->",
        "",
        f"Fingerprint: `{fingerprint(runs, seed)}`",
        "",
        f"Settings: `--runs {runs} --seed {seed}`",
        "",
        "Each row is one calibration target from the project's sourced notes "
        "(`docs/reference/calibration-sources.md`, cited by section and row). The targets table is "
        "`TARGETS` in `analysis/calibration.py`; every scenario is played through the batch "
        "engine with the settings above (runs per target; a scenario with levers splits them "
        "over its lever combinations). The fingerprint hashes the engine source the batch "
        "engine runs, the scenarios, the targets table and the settings: "
        "`tests/analysis/test_calibration.py` fails when it no longer matches, and "
        "`make validation` regenerates this page.",
        "",
        "How to read the verdict:",
        "",
        "- **point** observation: *inside* when it lies within the model's 90% interval "
        "(5th to 95th percentile of the runs), else *miss*;",
        "- **range** observation: *inside* when the model's whole 90% interval lies within the "
        "range, *overlap* when they share at least one value, else *miss*;",
        "- a hit that only a wide band or a wide range makes does not count: *weak overlap* "
        "when the model's median lies outside the range and the shared part is less than a "
        f"quarter of the model's interval, or the range is one-sided (\"> 0\") and the "
        f"interval straddles its bound; *too wide* when the model's interval is more than "
        f"{TOO_WIDE:g} times as wide as the range, or, for a point, wider than "
        f"{POINT_TOO_WIDE:g} times the value;",
        "- a **share** (the episodes row): the model figure is the share of all runs, and its "
        "interval is the 90% Wilson interval of that share;",
        "- \"never\" counts runs in which the event measured did not happen (they are left out "
        "of the median and interval); when it happened in no run at all, the row is a *miss*.",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join("---" for _ in HEADER) + "|",
    ]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table_rows(results)]
    lines += ["", hits_line(results), "",
              "## How each metric is measured", ""]
    for r in results:
        t = r.target
        doc = " ".join((METRICS[t.metric][0].__doc__ or "").split())
        lines.append(f"- **{t.name}** (`{t.metric}`): {t.note or doc}".rstrip())
    lines += ["", "Why the misses miss, and what was fitted to which row, is in "
              "[model.md](model.md#calibration-status).", ""]
    if intelligence_rows is not None:
        lines += intelligence.render_section(intelligence_rows)
    return "\n".join(lines)


_FINGERPRINT = re.compile(r"^Fingerprint: `([0-9a-f]{64})`$", re.MULTILINE)
_SETTINGS = re.compile(r"^Settings: `--runs (\d+) --seed (\d+)`$", re.MULTILINE)


def read_page(text: str) -> tuple[str, int, int, list[list[str]]]:
    """The fingerprint, runs, seed and table rows (cells) of a generated page."""
    fp, settings = _FINGERPRINT.search(text), _SETTINGS.search(text)
    if not fp or not settings:
        raise ValueError("not a generated validation page (no fingerprint or settings line)")
    header = "| " + " | ".join(HEADER) + " |"
    lines = text.splitlines()
    start = lines.index(header) + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("| "):
            break
        rows.append([c.strip().replace("\\|", "|")
                     for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]])
    return fp.group(1), int(settings.group(1)), int(settings.group(2)), rows


def fit_scalar(target: Target, parameter: str, grid, runs: int = 200, seed: int = 0,
               workers: int | None = None) -> pd.DataFrame:
    """Grid search: the target's model median for each value of ``parameter`` (set as a
    scenario-level override with no uncertainty), so a fitted value can be read off and the
    fit reproduced. Used for the fitted values named in engine/core/parameters.py."""
    rows = []
    for value in grid:
        results = _run_with_override(target, parameter, float(value), runs, seed, workers)
        rows.append({"value": float(value), "median": results.median, "low": results.low,
                     "high": results.high})
    return pd.DataFrame(rows)


def _run_with_override(target: Target, parameter: str, value: float, runs: int, seed: int,
                       workers: int | None) -> Result:
    import tempfile

    import yaml

    batches = []
    with tempfile.TemporaryDirectory(prefix="brink-fit-") as tmp:
        for path in target.scenarios:
            doc = yaml.safe_load(shipped_path(path).read_text(encoding="utf-8"))
            params = doc.setdefault("parameters", {})
            # the fit holds every other uncertain parameter at its point value
            for spec in params.values():
                spec.pop("uncertainty", None)
            params[parameter] = {"value": value, "unit": PARAMETERS[parameter].unit,
                                 "source": "fit"}
            file = Path(tmp) / Path(path).name
            file.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
            result = run_batch(file, runs=_runs_per_combination(path, runs), seed=seed,
                               workers=workers, per_turn=target.per_turn)
            batches.append(Batch(path, result.runs.sort_values("run").reset_index(drop=True),
                                 result.per_turn, load_scenario(file)))
        return summarise(target, METRICS[target.metric][0](batches))


def target_named(name: str) -> Target:
    for t in TARGETS:
        if t.name == name:
            return t
    raise KeyError(name)

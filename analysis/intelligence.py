"""Is intelligence calibrated? Each observer's stated 90% range and confidence labels against the
truth, over batches of the shipped scenarios with troop deployments.

For every observer that holds a belief about a watched actor's troops abroad (each actor, and the
public) and every turn from 1 on, the belief recorded at the end of the turn (its estimate and
spread, the ``belief`` and ``belief_sd`` rows of the per-turn table) is compared with the true
figure at the same moment (the watched actor's troops in transit and deployed):

* **coverage**: the share of turns whose stated 90% range, ``e^(m +- 1.645 sd) - 1``, holds the
  true figure; it should be 90%;
* **within the stated error**: the share of turns whose estimate is within the label's error of
  the true figure (of 1 + the figure, as the label's promise is written); for a label this
  should be at least the promised probability (engine/core/variables.py
  ``CONFIDENCE_PROMISES``).

The turns of one run are not independent (a belief carries over), so the standard error of a
share treats the runs as the sample: the binomial standard error of a share over clusters,
``sqrt(R / (R - 1) x sum_r (k_r - p n_r)^2) / sum_r n_r`` for R runs with k_r of n_r turns.
A claim *holds* when the coverage is within two standard errors of 90%, and when a label's share
within its error is at least its promise less two standard errors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.batch.runner import run_batch
from engine.core.state import Belief
from engine.core.variables import CONFIDENCE_ORDER, CONFIDENCE_PROMISES, confidence_label
from engine.scenario.shipped import shipped_path

# The shipped scenarios in which a watched actor sends troops abroad during the game.
SCENARIOS = ("scenarios/nk-100k.yaml", "scenarios/nk-historical-2024.yaml")
RUNS = 200  # per scenario: ~2,600 to ~10,000 observer-turns, 200 clusters
NOMINAL = 0.90
Z90 = 1.6449
PROMISES = {name: (error, probability) for name, error, probability in CONFIDENCE_PROMISES}
ERROR = CONFIDENCE_PROMISES[0][1]  # the error every label is judged at (one for all labels)
ALL = "all"


@dataclass(frozen=True)
class Row:
    scenario: str
    observer: str
    label: str  # a label, or ALL
    turns: int
    share_of_turns: float
    coverage: float
    coverage_se: float
    within: float
    within_se: float
    promised: float | None  # the label's promised share within its error (None: no promise)

    @property
    def coverage_holds(self) -> bool:
        return abs(self.coverage - NOMINAL) <= 2 * self.coverage_se

    @property
    def promise_holds(self) -> bool | None:
        if self.promised is None:
            return None
        return self.within >= self.promised - 2 * self.within_se


def observer_turns(per_turn: pd.DataFrame) -> pd.DataFrame:
    """One row per (run, turn >= 1, observer, watched actor): the estimate's log value ``m``,
    its spread ``sd``, the true ``log1p`` figure, the label, whether the 90% range holds the
    truth and whether the estimate is within the labels' error."""
    pt = per_turn[per_turn["turn"] >= 1]
    beliefs = pt[pt["variable"].str.startswith("belief.")]
    if beliefs.empty:
        return pd.DataFrame()
    about = beliefs["variable"].str.split(".").str[1]
    frames = []
    for target in sorted(about.unique()):
        key = f"{target}.troops_abroad"
        est = pt[pt["variable"] == f"belief.{key}"].set_index(["run", "turn", "actor"])["value"]
        sd = pt[pt["variable"] == f"belief_sd.{key}"].set_index(["run", "turn", "actor"])["value"]
        own = pt[(pt["actor"] == target) & pt["variable"].isin(("in_transit", "deployed"))]
        truth = own.groupby(["run", "turn"])["value"].sum()
        df = pd.DataFrame({"m": np.log1p(est), "sd": sd.reindex(est.index)}).reset_index()
        df = df.rename(columns={"actor": "observer"})
        df["truth"] = np.log1p(truth.reindex(pd.MultiIndex.from_frame(df[["run", "turn"]]))
                               .to_numpy())
        df["about"] = target
        frames.append(df)
    df = pd.concat(frames, ignore_index=True).dropna()
    gap = df["truth"] - df["m"]
    df["covered"] = gap.abs() <= Z90 * df["sd"]
    # (1 + estimate) / (1 + truth) within [1 - error, 1 + error]
    df["within"] = (gap <= -math.log1p(-ERROR)) & (gap >= -math.log1p(ERROR))
    df["label"] = [confidence_label(Belief(0.0, s * s, 0)) for s in df["sd"]]
    return df


def cluster_share(hits: pd.Series, runs: pd.Series) -> tuple[float, float]:
    """The share of ``hits`` and its standard error with the runs as the sample."""
    k = hits.astype(float).groupby(runs).sum()
    n = hits.groupby(runs).size().astype(float)
    total = n.sum()
    if total == 0:
        return math.nan, math.nan
    p = k.sum() / total
    r = len(n)
    if r < 2:
        return p, math.nan
    return p, math.sqrt(r / (r - 1) * ((k - p * n) ** 2).sum()) / total


def table(scenario: str, turns: pd.DataFrame) -> list[Row]:
    """Rows per observer: all its turns, then each label it gave."""
    rows = []
    for observer, mine in turns.groupby("observer", sort=True):
        groups = [(ALL, mine)] + [(label, mine[mine["label"] == label])
                                  for label in reversed(CONFIDENCE_ORDER)]
        for label, part in groups:
            if part.empty:
                continue
            cov, cov_se = cluster_share(part["covered"], part["run"])
            within, within_se = cluster_share(part["within"], part["run"])
            promised = PROMISES.get(label, (None, None))[1]
            rows.append(Row(scenario, str(observer), label, len(part), len(part) / len(mine),
                            cov, cov_se, within, within_se, promised))
    return rows


def run(seed: int, workers: int | None = None, runs: int = RUNS,
        scenarios: tuple[str, ...] = SCENARIOS) -> list[Row]:
    """Play each scenario ``runs`` times (parameters sampled as a batch samples them) and
    tabulate its observers' calibration."""
    rows = []
    for path in scenarios:
        result = run_batch(shipped_path(path), runs=runs, seed=seed, workers=workers,
                           per_turn=True)
        if len(result.failures):
            first = result.failures.iloc[0]
            raise ValueError(f"{path}: {len(result.failures)} run(s) failed, e.g. run "
                             f"{first['run']} (seed {first['seed']}): {first['error']}")
        rows += table(path, observer_turns(result.per_turn))
    return rows


HEADER = ("scenario", "observer", "label", "turns", "share of turns", "90% range holds truth",
          f"within ±{ERROR:.0%}", "promised", "holds (2 SE)")


def _pct(p: float, se: float) -> str:
    if math.isnan(p):
        return "–"
    return f"{p:.1%} ± {se:.1%}" if not math.isnan(se) else f"{p:.1%}"


def table_rows(rows: list[Row]) -> list[tuple[str, ...]]:
    out = []
    for r in rows:
        if r.label == ALL:
            holds = "yes" if r.coverage_holds else "no"
        else:
            holds = "–" if r.promise_holds is None else ("yes" if r.promise_holds else "no")
        out.append((r.scenario.removeprefix("scenarios/").removesuffix(".yaml"), r.observer,
                    r.label, f"{r.turns:,}", f"{r.share_of_turns:.1%}",
                    _pct(r.coverage, r.coverage_se), _pct(r.within, r.within_se),
                    "–" if r.promised is None else f"≥ {r.promised:.0%}", holds))
    return out


def render_section(rows: list[Row], runs: int = RUNS) -> list[str]:
    """The page's section on intelligence calibration (lines of Markdown)."""
    promises = "; ".join(f'"{name}": within ±{error:.0%} with probability ≥ {p:.0%}'
                         for name, error, p in CONFIDENCE_PROMISES)
    lines = [
        "## Intelligence: are the stated ranges and labels honest?",
        "",
        f"Each shipped scenario with a troop deployment ({', '.join(SCENARIOS)}) is played "
        f"{runs} times with its parameters sampled as a batch samples them. For each observer "
        "(each actor holding a belief, and the public) and each turn from 1, the belief "
        "recorded at the end of the turn is compared with the true troops abroad at that "
        "moment (`analysis/intelligence.py`). The labels promise: " + promises + " "
        "(`CONFIDENCE_PROMISES` in `engine/core/variables.py`). On an observer's *all* row, "
        "*holds* says whether its 90% range holds the truth 90% of the time within two "
        "standard errors; on a label's row, whether the share within the label's error is at "
        "least the promise less two standard errors. Standard errors treat the runs as the "
        "sample (a run's turns are not independent).",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join("---" for _ in HEADER) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(rows)]
    lines.append("")
    return lines


def text_table(rows: list[Row]) -> str:
    body = [HEADER, *table_rows(rows)]
    widths = [max(len(r[i]) for r in body) for i in range(len(HEADER))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in body]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)

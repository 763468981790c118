"""Policy comparison and convergence, over a batch's runs table.

* ``compare_policies``: for each named outcome, the probability under each lever value and its
  difference from a baseline value, with Newcombe's hybrid-score interval for a difference of
  two proportions (Newcombe 1998, method 10), built from the Wilson intervals; plus the
  difference in the median of any numeric column. Options are ranked by the difference.
* ``convergence``: how an outcome's estimate and its interval move as runs accumulate, in run
  order, answering "have I run enough?".
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from analysis.probabilities import wilson_interval


def newcombe_difference(k1, n1, k2, n2, confidence: float = 0.95):
    """Interval for p1 - p2 (Newcombe's hybrid score method)."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_interval(k1, n1, confidence)
    l2, u2 = wilson_interval(k2, n2, confidence)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return float(low), float(high)


def compare_policies(runs: pd.DataFrame, lever: str, baseline=None,
                     medians: list[str] | None = None,
                     confidence: float = 0.95, means: list[str] | None = None) -> pd.DataFrame:
    """Each lever value against ``baseline`` (default: the first value), per outcome; the
    differences of the medians of ``medians`` and of the means of ``means`` (paired run by run
    when the two options ran the same seeds, as a batch's options do: ``paired_difference``)."""
    if lever not in runs.columns:
        raise KeyError(f"no column {lever!r} in the runs table")
    values = sorted(runs[lever].unique(), key=str)
    if len(values) < 2:
        raise ValueError(f"{lever} takes a single value in this batch: nothing to compare")
    baseline = values[0] if baseline is None else baseline
    if baseline not in values:
        raise ValueError(f"baseline {baseline!r} is not a value of {lever}")
    outcomes = [c for c in runs.columns if c.startswith("outcome.")]
    base = runs[runs[lever] == baseline]
    rows = []
    for value in values:
        if value == baseline:
            continue
        group = runs[runs[lever] == value]
        for column in outcomes:
            k1, n1 = int(group[column].sum()), len(group)
            k2, n2 = int(base[column].sum()), len(base)
            low, high = newcombe_difference(k1, n1, k2, n2, confidence)
            rows.append({"lever": lever, "value": value, "baseline": baseline,
                         "measure": f"P({column[len('outcome.'):]})", "estimate": k1 / n1,
                         "baseline_estimate": k2 / n2, "difference": k1 / n1 - k2 / n2,
                         "low": low, "high": high})
        for column in medians or []:
            if column not in runs.columns:
                raise KeyError(f"no column {column!r} in the runs table")
            diff, low, high = _median_difference(group[column].to_numpy(float),
                                                 base[column].to_numpy(float), confidence)
            rows.append({"lever": lever, "value": value, "baseline": baseline,
                         "measure": f"median({column})",
                         "estimate": float(np.median(group[column])),
                         "baseline_estimate": float(np.median(base[column])),
                         "difference": diff, "low": low, "high": high})
        for column in means or []:
            if column not in runs.columns:
                raise KeyError(f"no column {column!r} in the runs table")
            diff, low, high = paired_difference(group, base, column, confidence)
            rows.append({"lever": lever, "value": value, "baseline": baseline,
                         "measure": f"mean({column})",
                         "estimate": float(group[column].mean()),
                         "baseline_estimate": float(base[column].mean()),
                         "difference": diff, "low": low, "high": high})
    table = pd.DataFrame(rows)
    # measures in the scenario's order (outcomes as declared, then the medians asked for), not
    # alphabetically by id: the report and `brink compare` show them by name
    order = {m: i for i, m in enumerate(dict.fromkeys(table["measure"]))}
    table["_order"] = table["measure"].map(order)
    return (table.sort_values(["_order", "difference"], ascending=[True, False], kind="stable")
            .drop(columns="_order").reset_index(drop=True))


def paired_difference(group: pd.DataFrame, base: pd.DataFrame, column: str,
                      confidence: float = 0.95) -> tuple[float, float, float]:
    """The difference of the means of ``column`` between two sets of runs, with its normal
    interval. When both ran the same seeds once each (a batch's options do), the runs are
    paired by seed and the interval is that of the mean of the paired differences, which common
    random numbers make much narrower than that of two independent means; otherwise the
    two means' (Welch's) interval."""
    z = stats.norm.ppf(0.5 + confidence / 2)
    x, y = group[column].astype(float), base[column].astype(float)
    if "seed" in group.columns and "seed" in base.columns and len(group) == len(base) \
            and group["seed"].is_unique and set(group["seed"]) == set(base["seed"]):
        d = (x.set_axis(group["seed"]) - y.set_axis(base["seed"])).to_numpy()
        mean, se = float(d.mean()), float(d.std(ddof=1) / np.sqrt(len(d))) if len(d) > 1 else 0.0
    else:
        mean = float(x.mean() - y.mean())
        se = float(np.sqrt(x.var(ddof=1) / len(x) + y.var(ddof=1) / len(y))) \
            if min(len(x), len(y)) > 1 else 0.0
    return mean, mean - z * se, mean + z * se


def _median_difference(a: np.ndarray, b: np.ndarray, confidence: float, resamples: int = 1000):
    """Difference of medians with a percentile bootstrap interval (fixed seed: reproducible)."""
    rng = np.random.default_rng(0)
    boot = _bootstrap_medians(a, resamples, rng) - _bootstrap_medians(b, resamples, rng)
    alpha = (1 - confidence) / 2
    return (float(np.median(a) - np.median(b)), float(np.quantile(boot, alpha)),
            float(np.quantile(boot, 1 - alpha)))


def _bootstrap_medians(values: np.ndarray, resamples: int, rng: np.random.Generator,
                       cells: int = 2_000_000) -> np.ndarray:
    """Medians of ``resamples`` bootstrap resamples, drawn a block of rows at a time so that
    memory stays near ``cells`` values however many runs there are (1,000 resamples of 100,000
    runs at once took 800 MB). Drawing row blocks in order consumes the generator exactly as
    one big draw would, so the result does not depend on ``cells``."""
    rows = max(1, cells // max(1, len(values)))
    return np.concatenate([
        np.median(rng.choice(values, (min(rows, resamples - start), len(values))), axis=1)
        for start in range(0, resamples, rows)])


def convergence(runs: pd.DataFrame, outcome: str, points: int = 20,
                confidence: float = 0.95) -> pd.DataFrame:
    """Estimate and interval of ``outcome`` after the first n runs, for growing n."""
    column = outcome if outcome.startswith("outcome.") else f"outcome.{outcome}"
    if column not in runs.columns:
        raise KeyError(f"no outcome {outcome!r} in the runs table")
    hits = runs.sort_values("run")[column].astype(bool).to_numpy()
    total = len(hits)
    if total == 0:
        raise ValueError("the runs table is empty")
    ns = np.unique(np.geomspace(min(10, total), total, num=points).astype(int))
    k = np.cumsum(hits)[ns - 1]
    low, high = wilson_interval(k, ns, confidence)
    return pd.DataFrame({"runs": ns, "estimate": k / ns, "low": low, "high": high,
                         "width": high - low})

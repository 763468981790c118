"""Outcome probabilities with Wilson score intervals, from a batch's runs table.

Pure functions: tidy DataFrames in, DataFrames out. Nothing here touches Streamlit or files.

Wilson score interval for k successes in n trials at confidence level 1 - alpha
(z = the 1 - alpha/2 normal quantile):

    centre    = (p + z^2 / 2n) / (1 + z^2 / n),      p = k / n
    half      = z / (1 + z^2 / n) x sqrt(p (1 - p) / n + z^2 / 4n^2)
    interval  = [centre - half, centre + half]

It keeps its coverage near the nominal level for small n and for p near 0 or 1, where the
plain normal interval collapses (Wilson 1927; Brown, Cai & DasGupta 2001).
"""

from __future__ import annotations

import math
import operator

import numpy as np
import pandas as pd
from scipy import stats

OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


def wilson_interval(k, n, confidence: float = 0.95):
    """Wilson score interval for ``k`` successes in ``n`` trials (scalars or arrays)."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    if np.any(n <= 0):
        raise ValueError("n must be positive")
    if np.any((k < 0) | (k > n)):
        raise ValueError("k must lie between 0 and n")
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # At k = 0 (k = n) the bound is exactly 0 (1); floating point leaves 1e-17 residues that
    # would print as "8.7e-17%".
    low = np.where(k == 0, 0.0, np.clip(centre - half, 0, 1))
    high = np.where(k == n, 1.0, np.clip(centre + half, 0, 1))
    return (low[()], high[()])


def _summarise(hits: pd.Series, confidence: float) -> dict:
    n = int(hits.notna().sum())
    k = int(hits.fillna(False).astype(bool).sum())
    low, high = wilson_interval(k, n, confidence) if n else (math.nan, math.nan)
    return {"n": n, "k": k, "p": k / n if n else math.nan, "low": float(low),
            "high": float(high)}


def outcome_probabilities(runs: pd.DataFrame, by: list[str] | None = None,
                          confidence: float = 0.95) -> pd.DataFrame:
    """Probability of each named outcome (``outcome.<id>`` columns), with Wilson intervals.

    ``by`` groups the runs (e.g. ``["lever.west_package"]``); by default, by every lever.
    Returns one row per outcome (and group): outcome, [group columns], n, k, p, low, high.
    """
    outcomes = [c for c in runs.columns if c.startswith("outcome.")]
    if not outcomes:
        raise KeyError("no outcome.* columns: the scenario declares no named outcomes")
    by = [c for c in runs.columns if c.startswith("lever.")] if by is None else by
    missing = [c for c in by if c not in runs.columns]
    if missing:
        raise KeyError(f"no column {missing[0]!r} in the runs table")
    rows = []
    groups = runs.groupby(by, sort=True, dropna=False) if by else [((), runs)]
    for key, group in groups:
        key = key if isinstance(key, tuple) else (key,)
        for column in outcomes:
            rows.append({"outcome": column[len("outcome."):], **dict(zip(by, key, strict=True)),
                         **_summarise(group[column], confidence)})
    return pd.DataFrame(rows)


def threshold_probability(runs: pd.DataFrame, column: str, op: str, threshold: float,
                          by: list[str] | None = None, confidence: float = 0.95
                          ) -> pd.DataFrame:
    """Probability that ``column op threshold`` (an ad-hoc outcome), with Wilson intervals.

    Example: ``threshold_probability(runs, "max.north_korea.troops_abroad", ">=", 50_000)``.
    """
    if column not in runs.columns:
        raise KeyError(f"no column {column!r} in the runs table")
    if op not in OPS:
        raise ValueError(f"op must be one of {', '.join(OPS)}, got {op!r}")
    # the threshold as written, never in scientific notation ("1000000", not "1e+06")
    label = f"{column} {op} {np.format_float_positional(threshold, trim='-')}"
    hits = OPS[op](runs[column], threshold)
    frame = runs.assign(**{f"outcome.{label}": hits})[[*(by or []), f"outcome.{label}"]]
    return outcome_probabilities(frame, by=by or [], confidence=confidence)

"""Scenario discovery: readable rules for which parameter ranges lead to an outcome.

PRIM (Friedman & Fisher 1999), peeling only: starting from the whole sampled space, repeatedly
trim ``alpha`` of the remaining runs from the low or high end of one parameter, choosing the
trim that most raises the share of runs with the outcome, until fewer than ``min_support`` of
the runs remain. Each step of the peeling trajectory is a box with

    coverage = runs with the outcome inside the box / all runs with the outcome
    density  = runs with the outcome inside the box / runs inside the box

The box returned is the first one on the trajectory whose density comes within
``density_tolerance`` of the best density reachable with coverage of at least ``min_coverage``:
later peels only trade coverage for noise. Only the parameters it actually restricts appear in
its rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.formatting import significant


@dataclass
class Box:
    limits: dict[str, tuple[float, float]]  # restricted parameters only
    coverage: float
    density: float
    support: float  # share of all runs inside the box
    trajectory: pd.DataFrame  # coverage, density and support at every peeling step

    def rule(self) -> str:
        parts = []
        for name, (low, high) in self.limits.items():
            parts.append(f"{significant(low)} <= {name} <= {significant(high)}")
        return " and ".join(parts) or "(no restriction)"


def prim(runs: pd.DataFrame, outcome: str, alpha: float = 0.05, min_support: float = 0.05,
         min_coverage: float = 0.5, density_tolerance: float = 0.02) -> Box:
    """Find a box of ``param.*`` ranges where ``outcome`` (a boolean column) concentrates."""
    column = outcome if outcome in runs.columns else f"outcome.{outcome}"
    if column not in runs.columns:
        raise KeyError(f"no outcome {outcome!r} in the runs table")
    params = [c for c in runs.columns if c.startswith("param.")]
    if not params:
        raise ValueError("the batch sampled no parameters: nothing to discover")
    y = runs[column].astype(bool).to_numpy()
    if not y.any():
        raise ValueError(f"no run has {outcome!r}: nothing to discover")
    x = runs[params].to_numpy(dtype=float)
    n, total = len(y), y.sum()
    inside = np.ones(n, dtype=bool)
    low, high = x.min(axis=0), x.max(axis=0)
    full_low, full_high = low.copy(), high.copy()
    steps = [(low.copy(), high.copy(), inside.copy())]
    while inside.sum() > min_support * n:
        best = None
        for j in range(len(params)):
            values = x[inside, j]
            for side, cut in (("low", np.quantile(values, alpha)),
                              ("high", np.quantile(values, 1 - alpha))):
                keep = inside & ((x[:, j] >= cut) if side == "low" else (x[:, j] <= cut))
                if keep.sum() == inside.sum() or keep.sum() == 0:
                    continue
                density = y[keep].mean()
                if best is None or density > best[0]:
                    best = (density, j, side, cut, keep)
        if best is None:
            break
        _, j, side, cut, keep = best
        if side == "low":
            low[j] = cut
        else:
            high[j] = cut
        inside = keep
        steps.append((low.copy(), high.copy(), inside.copy()))
    trajectory = pd.DataFrame([{
        "step": i, "coverage": y[box].sum() / total, "density": y[box].mean(),
        "support": box.mean()} for i, (_, _, box) in enumerate(steps)])
    eligible = trajectory[trajectory["coverage"] >= min_coverage]
    good = eligible[eligible["density"] >= eligible["density"].max() - density_tolerance]
    pick = int(good["step"].iloc[0])
    b_low, b_high, _ = steps[pick]
    limits = {params[j][len("param."):]: (float(b_low[j]), float(b_high[j]))
              for j in range(len(params))
              if b_low[j] > full_low[j] or b_high[j] < full_high[j]}
    row = trajectory.iloc[pick]
    return Box(limits, float(row["coverage"]), float(row["density"]), float(row["support"]),
               trajectory)

"""Global sensitivity: which uncertain parameters drive an output.

* ``sobol_indices``: Sobol first-order (S1) and total (ST) indices with confidence intervals,
  from a batch sampled with ``--sampler sobol`` (Saltelli's scheme, SALib; Saltelli 2002,
  Jansen 1999 estimators). The runs must be in design order within each lever combination.
* ``importance``: a model-free ranking for any sampler: the correlation ratio (eta squared) of
  the output on each parameter binned into equal-count bins (about 200 runs a bin, 5 to 50
  bins), a first-order variance share that needs no special design. Coarse bins bias it down
  for outputs that oscillate with a parameter.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.batch.sampling import saltelli_problem


def sobol_indices(runs: pd.DataFrame, manifest: dict, output: str,
                  confidence: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """S1 and ST (with confidence half-widths) of ``output`` for each uncertain parameter.

    One block of rows per lever combination (``combination`` column of the design).
    """
    from SALib.analyze import sobol

    if manifest.get("sampler") != "sobol":
        raise ValueError(f"Sobol indices need a batch sampled with --sampler sobol; this one "
                         f"used {manifest.get('sampler')!r} (use importance() instead)")
    if output not in runs.columns:
        raise KeyError(f"no column {output!r} in the runs table")
    names = [u["name"] for u in manifest["uncertainties"]]
    problem = saltelli_problem(names)
    per_combination = manifest["runs_per_combination"]
    levers = [c for c in runs.columns if c.startswith("lever.")]
    rows = []
    ordered = runs.sort_values("run")
    for start in range(0, len(ordered), per_combination):
        block = ordered.iloc[start:start + per_combination]
        if len(block) != per_combination:
            raise ValueError("the runs table is incomplete (failed runs?): Sobol indices need "
                             "every run of the design")
        y = block[output].to_numpy(dtype=float)
        result = sobol.analyze(problem, y, calc_second_order=False, conf_level=confidence,
                               seed=seed)
        context = {c: block[c].iloc[0] for c in levers}
        for i, name in enumerate(names):
            rows.append({**context, "parameter": name, "S1": result["S1"][i],
                         "S1_conf": result["S1_conf"][i], "ST": result["ST"][i],
                         "ST_conf": result["ST_conf"][i]})
    return pd.DataFrame(rows).sort_values([*levers, "ST"], ascending=[True] * len(levers)
                                          + [False]).reset_index(drop=True)


def importance(runs: pd.DataFrame, output: str, bins: int | None = None) -> pd.DataFrame:
    """Model-free first-order importance: eta^2 of ``output`` on each sampled parameter."""
    if output not in runs.columns:
        raise KeyError(f"no column {output!r} in the runs table")
    params = [c for c in runs.columns if c.startswith("param.")]
    if not params:
        raise ValueError("the batch sampled no parameters (sampler 'fixed'?): nothing to rank")
    y = runs[output].astype(float)
    bins = bins or min(50, max(5, len(y) // 200))
    total = float(((y - y.mean()) ** 2).sum())
    rows = []
    for column in params:
        x = runs[column].astype(float)
        groups = pd.qcut(x.rank(method="first"), q=min(bins, len(x)), labels=False)
        means = y.groupby(groups).transform("mean")
        between = float(((means - y.mean()) ** 2).sum())
        rows.append({"parameter": column[len("param."):],
                     "eta2": between / total if total > 0 else 0.0,
                     "spearman": float(x.rank().corr(y.rank())) if total > 0 else 0.0})
    return pd.DataFrame(rows).sort_values("eta2", ascending=False).reset_index(drop=True)


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """The Ishigami test function (inputs on [-pi, pi]); analytic indices are known."""
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])

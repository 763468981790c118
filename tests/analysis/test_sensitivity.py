"""Sensitivity: Ishigami's analytic Sobol indices recovered; model-free ranking; errors."""

import math

import numpy as np
import pandas as pd
import pytest

from analysis.sensitivity import importance, ishigami, sobol_indices
from engine.batch.sampling import Uncertain, sample

# Analytic indices for a = 7, b = 0.1 (Ishigami & Homma 1990; Saltelli et al. 2008).
S1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
ST = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}


def _ishigami_batch(n_runs: int):
    params = [Uncertain(f"x{i}", "uniform", -math.pi, math.pi, None, 0.0) for i in (1, 2, 3)]
    design = sample("sobol", params, n_runs, seed=3)
    runs = design.add_prefix("param.")
    runs.insert(0, "run", range(len(runs)))
    runs["y"] = ishigami(design.to_numpy())
    manifest = {"sampler": "sobol", "runs_per_combination": len(runs),
                "uncertainties": [{"name": p.name} for p in params]}
    return runs, manifest


def test_sobol_recovers_ishigami():
    """Brink's Sobol design + SALib analysis recover the analytic indices."""
    runs, manifest = _ishigami_batch(2**13 * 5)
    table = sobol_indices(runs, manifest, "y").set_index("parameter")
    for name in S1:
        assert table.loc[name, "S1"] == pytest.approx(S1[name], abs=0.05)
        assert table.loc[name, "ST"] == pytest.approx(ST[name], abs=0.05)


def test_model_free_importance_ranks_ishigami():
    """eta^2 ranks x2 and x1 far above x3, whose first-order effect is nil."""
    rng = np.random.default_rng(0)
    x = rng.uniform(-math.pi, math.pi, size=(20_000, 3))
    runs = pd.DataFrame({"param.x1": x[:, 0], "param.x2": x[:, 1], "param.x3": x[:, 2],
                         "y": ishigami(x)})
    table = importance(runs, "y").set_index("parameter")
    assert table.loc["x2", "eta2"] == pytest.approx(S1["x2"], abs=0.03)
    assert table.loc["x1", "eta2"] == pytest.approx(S1["x1"], abs=0.03)
    assert table.loc["x3", "eta2"] < 0.01


def test_sobol_needs_a_sobol_batch():
    """Other samplers get a clear error pointing at importance()."""
    with pytest.raises(ValueError, match="--sampler sobol"):
        sobol_indices(pd.DataFrame({"run": [0], "y": [1.0]}), {"sampler": "mc"}, "y")
    with pytest.raises(ValueError, match="sampled no parameters"):
        importance(pd.DataFrame({"y": [1.0, 2.0]}), "y")


def test_sobol_on_a_real_batch():
    """A small Sobol batch of the test scenario yields indices for both uncertainties."""
    from engine.batch import run_batch
    from tests.batch.test_batch import BATCH

    result = run_batch(BATCH, runs=32, seed=1, workers=1, sampler="sobol", turns=4,
                       levers={"blue_package": ["sectoral"]})
    table = sobol_indices(result.runs, result.manifest, "red.casualties")
    assert set(table["parameter"]) == {"casualty_rate_weekly", "leakage_max"}
    top = table.iloc[0]
    assert top["parameter"] == "casualty_rate_weekly"  # casualties follow the casualty rate

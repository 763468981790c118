"""Policy comparison and convergence: known answers and errors."""

import numpy as np
import pandas as pd
import pytest

from analysis.compare import (
    _bootstrap_medians,
    compare_policies,
    convergence,
    newcombe_difference,
    paired_difference,
)
from tests.conftest import ROOT


def _runs(p_by_value, n=4000, seed=0):
    rng = np.random.default_rng(seed)
    frames = []
    for value, p in p_by_value.items():
        frames.append(pd.DataFrame({"lever.pkg": value, "outcome.war": rng.random(n) < p,
                                    "strain": rng.normal(p, 0.1, n)}))
    runs = pd.concat(frames, ignore_index=True)
    runs.insert(0, "run", range(len(runs)))
    return runs


def test_newcombe_known_value():
    """Newcombe (1998) example: 56/70 vs 48/80 gives about [0.0524, 0.3339]."""
    low, high = newcombe_difference(56, 70, 48, 80)
    assert low == pytest.approx(0.0524, abs=1e-3)
    assert high == pytest.approx(0.3339, abs=1e-3)


def test_policy_differences_are_recovered_and_ranked():
    """True differences +0.2 and -0.1 against the baseline fall inside their intervals."""
    table = compare_policies(_runs({"a": 0.3, "b": 0.5, "c": 0.2}), "lever.pkg",
                             medians=["strain"])
    war = table[table["measure"] == "P(war)"].set_index("value")
    assert war.loc["b", "low"] <= 0.2 <= war.loc["b", "high"]
    assert war.loc["c", "low"] <= -0.1 <= war.loc["c", "high"]
    assert list(war.index) == ["b", "c"]  # ranked by difference
    med = table[table["measure"] == "median(strain)"].set_index("value")
    assert med.loc["b", "low"] <= 0.2 <= med.loc["b", "high"]


def test_measures_keep_the_scenarios_order():
    """Outcomes as the scenario declares them (here "war" before "collapse"), then the medians
    asked for; not alphabetically by id, which the tables no longer show."""
    runs = _runs({"a": 0.3, "b": 0.5, "c": 0.2}, n=200)
    runs["outcome.collapse"] = runs["strain"] > 0.4
    table = compare_policies(runs, "lever.pkg", medians=["strain"])
    measures = list(dict.fromkeys(table["measure"]))
    assert measures == ["P(war)", "P(collapse)", "median(strain)"]
    # within a measure, the largest difference first
    for _, group in table.groupby("measure", sort=False):
        assert list(group["difference"]) == sorted(group["difference"], reverse=True)


def test_convergence_narrows():
    """The interval narrows as runs accumulate and ends near the truth."""
    table = convergence(_runs({"a": 0.3}), "war")
    assert table["width"].iloc[-1] < table["width"].iloc[0]
    assert table["low"].iloc[-1] <= 0.3 <= table["high"].iloc[-1]


def test_errors_are_clear():
    """Unknown lever, single value, unknown outcome."""
    runs = _runs({"a": 0.3}, n=10)
    with pytest.raises(KeyError, match="no column"):
        compare_policies(runs, "lever.none")
    with pytest.raises(ValueError, match="single value"):
        compare_policies(runs, "lever.pkg")
    with pytest.raises(KeyError, match="no outcome"):
        convergence(runs, "peace")


def test_bootstrap_medians_do_not_depend_on_the_block_size():
    """Drawing the resamples in row blocks (to bound memory) gives the one-big-draw answer."""
    values = np.random.default_rng(1).normal(size=3000)
    whole = np.median(np.random.default_rng(0).choice(values, (200, 3000)), axis=1)
    blocked = _bootstrap_medians(values, 200, np.random.default_rng(0), cells=7 * 3000 + 5)
    np.testing.assert_array_equal(blocked, whole)


def test_paired_differences_use_the_common_luck():
    """Two options that ran the same seeds: the paired interval is that of the mean of the
    run-by-run differences, much narrower than two independent means' when the luck is
    shared; without common seeds it falls back to Welch's."""
    rng = np.random.default_rng(3)
    luck = rng.normal(0, 1, 400)
    seeds = np.arange(400)
    a = pd.DataFrame({"seed": seeds, "x": luck + 0.10 + rng.normal(0, 0.01, 400)})
    b = pd.DataFrame({"seed": seeds[::-1], "x": (luck + rng.normal(0, 0.01, 400))[::-1]})
    d, low, high = paired_difference(a, b, "x")
    assert d == pytest.approx(0.10, abs=0.005)
    assert high - low < 0.01
    unpaired = b.assign(seed=seeds + 1000)
    _, low2, high2 = paired_difference(a, unpaired, "x")
    assert low2 < 0 < high2  # the shared luck is noise to Welch's interval


def test_a_sanctions_option_moves_the_targets_economy_beyond_three_standard_errors():
    """Issue 16, measure 1, for nk-100k's lever: each of the West's packages moves Russia's
    mean final strain by more than 3 standard errors of the paired comparison (100 runs per
    option on the same seeds; the same holds with 400, docs/reference/validation.md)."""
    from analysis.report import economic_outputs
    from engine.batch.runner import run_batch

    runs = run_batch(ROOT / "scenarios" / "nk-100k.yaml", runs=100, seed=2, workers=1).runs
    table = compare_policies(runs, "lever.west_package", baseline="comprehensive",
                             means=economic_outputs(runs))
    strain = table[table["measure"] == "mean(russia.strain)"]
    assert len(strain) == 2
    for _, row in strain.iterrows():
        se = (row["high"] - row["low"]) / (2 * 1.96)
        assert abs(row["difference"]) > 3 * se, row.to_dict()

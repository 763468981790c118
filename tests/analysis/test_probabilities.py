"""Outcome probabilities: known answers, coverage of the Wilson interval, bad input."""

import numpy as np
import pandas as pd
import pytest

from analysis.probabilities import outcome_probabilities, threshold_probability, wilson_interval


def test_wilson_matches_a_known_value():
    """k=4, n=10 at 95%: the textbook Wilson interval is [0.168, 0.687]."""
    low, high = wilson_interval(4, 10)
    assert low == pytest.approx(0.1682, abs=1e-3)
    assert high == pytest.approx(0.6873, abs=1e-3)


def test_wilson_edges_stay_inside_zero_one():
    """No successes or all successes still give a proper interval."""
    low, high = wilson_interval(0, 20)
    assert low == 0.0
    assert 0 < high < 0.2
    low, high = wilson_interval(20, 20)
    assert 0.8 < low < 1
    assert high == 1.0
    # n = 300 used to leave a 8.7e-17 residue that the report printed as "8.7e-17%".
    lows, highs = wilson_interval([0, 300], [300, 300])
    assert lows[0] == 0.0
    assert highs[1] == 1.0


@pytest.mark.parametrize("p", [0.05, 0.3, 0.5])
def test_intervals_cover_the_true_probability_at_the_stated_rate(p):
    """Synthetic batches with a known probability: about 95% of intervals contain it."""
    rng = np.random.default_rng(12345)
    n, trials = 200, 2000
    k = rng.binomial(n, p, size=trials)
    low, high = wilson_interval(k, np.full(trials, n))
    coverage = np.mean((low <= p) & (p <= high))
    assert 0.93 <= coverage <= 0.97, coverage


def test_outcome_probabilities_by_lever():
    """One row per outcome and lever value, with counts, estimate and interval."""
    runs = pd.DataFrame({
        "lever.package": ["a"] * 4 + ["b"] * 4,
        "outcome.war": [True, False, False, False, True, True, True, False],
    })
    table = outcome_probabilities(runs)
    a = table[table["lever.package"] == "a"].iloc[0]
    b = table[table["lever.package"] == "b"].iloc[0]
    assert (a["n"], a["k"], a["p"]) == (4, 1, 0.25)
    assert (b["n"], b["k"], b["p"]) == (4, 3, 0.75)
    assert a["low"] < a["p"] < a["high"]


def test_threshold_probability_is_an_ad_hoc_outcome():
    """P(deployed >= 50,000) from a numeric column."""
    runs = pd.DataFrame({"max.nk.troops_abroad": [10_000, 60_000, 80_000, 20_000]})
    table = threshold_probability(runs, "max.nk.troops_abroad", ">=", 50_000)
    assert table.iloc[0]["p"] == 0.5
    assert table.iloc[0]["outcome"] == "max.nk.troops_abroad >= 50000"
    big = threshold_probability(runs, "max.nk.troops_abroad", ">", 1e6)
    assert big.iloc[0]["outcome"] == "max.nk.troops_abroad > 1000000"  # not 1e+06
    small = threshold_probability(runs, "max.nk.troops_abroad", "<", 0.25)
    assert small.iloc[0]["outcome"] == "max.nk.troops_abroad < 0.25"


def test_bad_input_is_a_clear_error():
    """Missing outcomes, columns or operators name the problem."""
    with pytest.raises(KeyError, match="no outcome"):
        outcome_probabilities(pd.DataFrame({"run": [1]}))
    with pytest.raises(KeyError, match=r"lever\.x"):
        outcome_probabilities(pd.DataFrame({"outcome.a": [True]}), by=["lever.x"])
    with pytest.raises(KeyError, match="no column"):
        threshold_probability(pd.DataFrame({"a": [1]}), "b", ">", 0)
    with pytest.raises(ValueError, match="op must be"):
        threshold_probability(pd.DataFrame({"a": [1]}), "a", "=>", 0)
    with pytest.raises(ValueError, match="k must"):
        wilson_interval(5, 3)


def test_on_a_real_batch():
    """The probabilities of a small real batch, grouped by its lever."""
    from engine.batch import run_batch
    from tests.batch.test_batch import BATCH

    runs = run_batch(BATCH, runs=10, seed=2, workers=1).runs
    table = outcome_probabilities(runs)
    assert set(table["lever.blue_package"]) == {"targeted", "sectoral", "comprehensive"}
    assert (table["n"] == 10).all()
    assert table["p"].between(0, 1).all()

"""PRIM finds a planted box."""

import numpy as np
import pandas as pd
import pytest

from analysis.discovery import Box, prim


def test_prim_finds_a_planted_box():
    """Outcome when x0 > 0.6 and x1 < 0.3 (5% label noise): PRIM recovers both limits."""
    rng = np.random.default_rng(7)
    n = 5000
    x = rng.random((n, 4))
    planted = (x[:, 0] > 0.6) & (x[:, 1] < 0.3)
    noisy = planted ^ (rng.random(n) < 0.05)
    runs = pd.DataFrame(x, columns=[f"param.x{i}" for i in range(4)])
    runs["outcome.crisis"] = noisy
    box = prim(runs, "crisis")
    assert set(box.limits) == {"x0", "x1"}
    assert box.limits["x0"][0] == pytest.approx(0.6, abs=0.05)
    assert box.limits["x1"][1] == pytest.approx(0.3, abs=0.05)
    assert box.density > 0.8
    assert box.coverage > 0.6
    assert "x0" in box.rule()
    assert "x1" in box.rule()


def test_prim_errors():
    """No outcome, no parameters or no positive run: clear errors."""
    runs = pd.DataFrame({"param.a": [0.1, 0.2], "outcome.war": [False, False]})
    with pytest.raises(KeyError, match="no outcome"):
        prim(runs, "peace")
    with pytest.raises(ValueError, match="no run has"):
        prim(runs, "war")
    with pytest.raises(ValueError, match="sampled no parameters"):
        prim(pd.DataFrame({"outcome.war": [True]}), "war")


def test_box_rule_writes_limits_without_exponents():
    box = Box({"rate": (2.5e-05, 0.0299), "pay": (1591.2, 2307.0)},
              1.0, 1.0, 0.5, pd.DataFrame())
    assert box.rule() == "0.0000250 <= rate <= 0.0299 and 1,591 <= pay <= 2,307"

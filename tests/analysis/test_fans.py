"""Fan charts: quantiles per turn, grouped by lever."""

import numpy as np
import pandas as pd
import pytest

from analysis.fans import fan


def _per_turn(values_by_run):
    rows = [(run, turn, "world", "escalation_level", v)
            for run, values in enumerate(values_by_run) for turn, v in enumerate(values)]
    return pd.DataFrame(rows, columns=["run", "turn", "actor", "variable", "value"])


def test_quantiles_match_numpy():
    """Known answer: the bands are the empirical quantiles across runs, turn by turn."""
    rng = np.random.default_rng(1)
    values = rng.normal(size=(500, 4))
    table = fan(_per_turn(values), "escalation_level")
    for turn in range(4):
        row = table[table["turn"] == turn].iloc[0]
        assert row["median"] == pytest.approx(np.quantile(values[:, turn], 0.5))
        assert row["q05"] == pytest.approx(np.quantile(values[:, turn], 0.05))
        assert row["runs"] == 500


def test_grouped_by_lever():
    """Each lever value gets its own fan."""
    per_turn = _per_turn([[1, 2], [1, 4], [10, 20], [10, 40]])
    runs = pd.DataFrame({"run": [0, 1, 2, 3], "lever.x": ["a", "a", "b", "b"]})
    table = fan(per_turn, "escalation_level", runs=runs, by=["lever.x"])
    b1 = table[(table["lever.x"] == "b") & (table["turn"] == 1)].iloc[0]
    assert b1["median"] == 30


def test_unknown_variable_is_a_clear_error():
    """Asking for a variable the table does not hold names what it does hold."""
    with pytest.raises(KeyError, match=r"no per-turn values for world\.nope"):
        fan(_per_turn([[1]]), "nope")

"""The registered forecast (analysis/forecast.py, ``brink forecast``): quarter ends, the
outcomes' quantities from a batch's per-turn table, the page, and bad requests."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analysis.forecast import ForecastError, make_forecast, metric_table, quarter_ends
from tests.cli.test_cli import assert_usage_error, run_cli
from tests.conftest import ROOT

HISTORICAL = ROOT / "scenarios" / "nk-historical-2024.yaml"


def test_quarter_ends_from_the_start_to_the_last_day():
    assert quarter_ends(date(2025, 1, 7), date(2025, 12, 30)) == [
        date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 30)]
    assert quarter_ends(date(2024, 11, 18), date(2025, 6, 30)) == [
        date(2024, 12, 31), date(2025, 3, 31), date(2025, 6, 30)]
    assert quarter_ends(date(2025, 1, 1), date(2025, 2, 1)) == [date(2025, 2, 1)]


def _long(rows):
    return pd.DataFrame(rows, columns=["run", "turn", "actor", "variable", "value"])


def test_troops_abroad_are_in_transit_and_deployed_and_a_belief_is_the_publics():
    per_turn = _long([(0, 1, "x", "in_transit", 5.0), (0, 1, "x", "deployed", 7.0),
                      (0, 1, "public", "belief.x.troops_abroad", 9.0),
                      (0, 1, "west", "belief.x.troops_abroad", 1.0)])
    assert metric_table(per_turn, "x.troops_abroad").loc[0, 1] == 12.0
    assert metric_table(per_turn, "belief.x.troops_abroad").loc[0, 1] == 9.0
    with pytest.raises(ForecastError, match=r"no per-turn x\.stability"):
        metric_table(per_turn, "x.stability")


@pytest.fixture(scope="module")
def forecast():
    return make_forecast(HISTORICAL, runs=6, seed=3, start=date(2025, 1, 7), workers=1)


def test_every_outcome_has_a_probability_and_a_band_at_each_quarter(forecast):
    from engine.scenario.loader import load_scenario
    outcomes = load_scenario(HISTORICAL).outcomes
    assert list(forecast.probabilities["outcome"]) == [o.id for o in outcomes]
    p = forecast.probabilities
    assert ((p["low"] <= p["p"]) & (p["p"] <= p["high"])).all()
    assert [turn for _, turn in forecast.checkpoints] == [25, 38, 51, 64]
    bands = forecast.bands
    assert len(bands) == len(outcomes) * 4
    assert ((bands["low"] <= bands["median"]) & (bands["median"] <= bands["high"])).all()
    # the probability of an outcome at the end agrees with the runs' values at the last turn
    at_end = bands[(bands["outcome"] == "nk_contingent_10k_at_end")
                   & (bands["checkpoint"] == date(2025, 12, 30))]
    assert len(at_end) == 1


def test_the_page_names_every_outcome_and_the_command(capsys, tmp_path):
    out = tmp_path / "forecast.md"
    status, _out, _err = run_cli(capsys, "forecast", str(HISTORICAL), "--runs", "4",
                                   "--from", "2025-01-07", "--workers", "1", "--out", str(out))
    assert status == 0
    page = out.read_text()
    assert "--runs 4 --seed 2025 --from 2025-01-07" in page
    assert "| Contingent 10,000 or more at the end of 2025 |" in page
    assert "31 Mar 2025 (turn 25)" in page
    assert "30 Dec 2025 (turn 64)" in page


@pytest.mark.parametrize(("args", "expected"), [
    (("--from", "1999-01-01"), "--from 1999-01-01 is outside the game"),
    (("--from", "soon"), "--from expects a date as YYYY-MM-DD, got 'soon'"),
    (("--runs", "0"), "--runs must be at least 1, got 0"),
])
def test_bad_requests_are_one_line_errors(capsys, args, expected):
    assert_usage_error(capsys, "forecast", str(HISTORICAL), *args, expected=expected)

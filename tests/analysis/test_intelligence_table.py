"""The intelligence calibration table (analysis/intelligence.py) reads beliefs and truth right:
known frames give known coverage, shares within the error, labels and verdicts; the committed
validation page carries the table."""

from __future__ import annotations

import math

import pandas as pd

from analysis import intelligence
from analysis.calibration import VALIDATION_MD


def _frame(rows):
    """per-turn rows (run, turn, actor, variable, value), one observer 'west' about 'nk'."""
    out = []
    for run, turn, truth, estimate, sd in rows:
        out += [dict(run=run, turn=turn, actor="nk", variable="in_transit", value=0.0),
                dict(run=run, turn=turn, actor="nk", variable="deployed", value=float(truth)),
                dict(run=run, turn=turn, actor="west", variable="belief.nk.troops_abroad",
                     value=float(estimate)),
                dict(run=run, turn=turn, actor="west", variable="belief_sd.nk.troops_abroad",
                     value=float(sd))]
    return pd.DataFrame(out)


def test_coverage_within_and_labels_from_a_known_frame():
    # sd 0.1 -> confirmed; sd 1.0 -> unverified. Truth 10,000.
    frame = _frame([
        (0, 0, 10_000, 1, 0.1),       # turn 0 is left out
        (0, 1, 10_000, 10_000, 0.1),  # covered, within
        (0, 2, 10_000, 14_000, 0.1),  # log gap 0.34 > 0.16: not covered; within 50%
        (1, 1, 10_000, 4_000, 1.0),   # covered (gap 0.92 < 1.64); not within (-60%)
        (1, 2, 10_000, 16_000, 0.1),  # neither (+60%)
        (1, 3, 10_000, 12_500, 0.1),  # log gap 0.22: outside 1.645 sd, inside 2 x; within
    ])
    turns = intelligence.observer_turns(frame)
    assert len(turns) == 5
    assert turns["covered"].tolist() == [True, False, True, False, False]
    assert turns["within"].tolist() == [True, True, False, False, True]
    assert turns["label"].tolist() == ["confirmed", "confirmed", "unverified", "confirmed",
                                       "confirmed"]
    rows = {r.label: r for r in intelligence.table("x", turns)}
    assert math.isclose(rows["all"].coverage, 0.4)
    assert rows["all"].turns == 5
    assert math.isclose(rows["confirmed"].within, 3 / 4)
    assert math.isclose(rows["confirmed"].share_of_turns, 0.8)
    assert rows["confirmed"].promised == 0.8
    assert rows["unverified"].promised is None
    assert rows["unverified"].promise_holds is None


def test_the_standard_error_treats_runs_as_the_sample():
    # two runs, one always right, one always wrong: share 0.5, and the spread between the runs
    # (not the number of turns) sets the error
    hits = pd.Series([True] * 50 + [False] * 50)
    runs = pd.Series([0] * 50 + [1] * 50)
    share, se = intelligence.cluster_share(hits, runs)
    assert share == 0.5
    assert se > 0.4  # a binomial error over 100 independent turns would be 0.05


def test_verdicts():
    row = intelligence.Row("x", "west", "all", 1000, 1.0, 0.97, 0.01, 0.9, 0.01, None)
    assert not row.coverage_holds
    near = intelligence.Row("x", "west", "all", 1000, 1.0, 0.91, 0.01, 0.9, 0.01, None)
    assert near.coverage_holds
    kept = intelligence.Row("x", "west", "confirmed", 10, 0.1, 1.0, 0.0, 0.89, 0.01, 0.9)
    broken = intelligence.Row("x", "west", "confirmed", 10, 0.1, 1.0, 0.0, 0.85, 0.01, 0.9)
    assert kept.promise_holds
    assert not broken.promise_holds


def test_the_validation_page_has_the_table():
    text = VALIDATION_MD.read_text(encoding="utf-8")
    header = "| " + " | ".join(intelligence.HEADER) + " |"
    assert header in text
    for path in intelligence.SCENARIOS:
        name = path.removeprefix("scenarios/").removesuffix(".yaml")
        assert f"| {name} | west | all |" in text

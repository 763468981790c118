"""The calibration suite runs, covers every target, and the committed validation page is current.

The full suite is too slow for a test, so the page's staleness is checked through its
fingerprint (engine source, scenarios, targets table, run settings), which the test recomputes.
Nothing here asserts that the model hits its targets: a miss is a finding, not a failure.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import calibration, screening
from analysis.calibration import (
    TARGETS,
    VALIDATION_MD,
    Result,
    fingerprint,
    hits_line,
    read_page,
    render_page,
    run_suite,
    summarise,
    table_rows,
    verdict,
)
from cli.main import main as brink

STALE = ("docs/reference/validation.md is stale: run `make validation` (or `brink check-model "
         "--out docs/reference/validation.md`)")


@pytest.fixture(scope="module")
def small_suite():
    """A reduced suite: every target, few runs (about 20 s on two cores)."""
    return run_suite(runs=12, seed=3, workers=1)


def test_reduced_suite_has_every_target_with_numbers(small_suite):
    assert [r.target.name for r in small_suite] == [t.name for t in TARGETS]
    for r in small_suite:
        assert r.runs >= 12
        assert r.verdict in ("inside", "overlap", "miss", "weak overlap", "too wide"), (
            r.target.name, r.verdict)
        if r.missing == r.runs:  # the record's event happened in no run: a miss, no numbers
            assert r.verdict == "miss", r.target.name
            continue
        assert r.low <= r.median <= r.high, r.target.name


def test_an_event_that_never_happens_is_a_miss():
    target = calibration.target_named("Detection → Western confirmation")
    assert summarise(target, pd.Series([math.nan] * 5)).verdict == "miss"
    assert summarise(target, pd.Series([], dtype=float)).verdict == "no data"


def test_reduced_suite_page_round_trips(small_suite):
    page = render_page(small_suite, 12, 3)
    fp, runs, seed, rows = read_page(page)
    assert (fp, runs, seed) == (fingerprint(12, 3), 12, 3)
    assert rows == [list(r) for r in table_rows(small_suite)]


def test_suite_is_deterministic(small_suite):
    again = run_suite(runs=12, seed=3, workers=2,
                      targets=tuple(t for t in TARGETS if t.scenarios == TARGETS[0].scenarios))
    first = {r.target.name: r for r in small_suite}
    for r in again:
        assert (r.median, r.low, r.high) == (first[r.target.name].median,
                                              first[r.target.name].low,
                                              first[r.target.name].high)


def test_committed_page_is_current():
    """Same fingerprint as a fresh computation with the page's own settings, and the same
    targets (names, sources, observed values) as the table in analysis/calibration.py."""
    fp, runs, seed, rows = read_page(VALIDATION_MD.read_text(encoding="utf-8"))
    assert fp == fingerprint(runs, seed), STALE
    assert runs >= 300, "the committed page must come from the default-size suite"
    assert [row[0] for row in rows] == [t.name for t in TARGETS], STALE
    for row, t in zip(rows, TARGETS, strict=True):
        assert (row[1], row[3], row[4]) == (t.source, t.observed_text, t.unit), STALE
        assert row[-1] in ("inside", "overlap", "miss", "no data", "weak overlap", "too wide")


def test_fingerprint_changes_with_settings_and_sources(tmp_path, monkeypatch):
    base = fingerprint(1000, 2024)
    assert fingerprint(999, 2024) != base
    assert fingerprint(1000, 1) != base
    scenario = tmp_path / "scenarios" / "x.yaml"
    scenario.parent.mkdir()
    scenario.write_text("a: 1\n")
    (tmp_path / "engine" / "batch").mkdir(parents=True)
    (tmp_path / "engine" / "batch" / "runner.py").write_text("def f():\n    from engine import m\n")
    (tmp_path / "engine" / "m.py").write_text("x = 1\n")
    (tmp_path / "engine" / "docs_only.py").write_text("x = 1\n")
    monkeypatch.setattr(calibration, "ROOT", tmp_path)
    monkeypatch.setattr(calibration, "shipped_path", lambda name: tmp_path / name)
    monkeypatch.setattr(calibration, "scenarios_used", lambda: ["scenarios/x.yaml"])
    before = fingerprint(1000, 2024)
    (tmp_path / "engine" / "m.py").write_text("x = 2\n")  # imported (lazily) by the runner
    assert fingerprint(1000, 2024) != before
    (tmp_path / "engine" / "m.py").write_text("x = 1\n")
    assert fingerprint(1000, 2024) == before
    (tmp_path / "engine" / "docs_only.py").write_text("x = 2\n")  # not imported by it
    assert fingerprint(1000, 2024) == before
    scenario.write_text("a: 2\n")
    assert fingerprint(1000, 2024) != before


def test_engine_sources_follow_the_imports_of_the_batch_engine():
    sources = calibration.engine_sources()
    for needed in ("engine/sim/model.py", "engine/core/parameters.py", "engine/rules/military.py",
                   "engine/batch/worker.py", "engine/scenario/loader.py"):
        assert needed in sources
    assert "engine/narrate/docgen.py" not in sources
    assert "engine/sim/runfiles.py" not in sources


@pytest.mark.parametrize(("observed", "low", "high", "median", "expected"), [
    (5.0, 4.0, 6.0, 5.0, "inside"), (7.0, 4.0, 6.0, 5.0, "miss"),
    ((0.0, 10.0), 2.0, 3.0, 2.5, "inside"), ((0.0, 10.0), 8.0, 12.0, 11.0, "overlap"),
    ((0.0, 10.0), 11.0, 12.0, 11.5, "miss"),
    ((-math.inf, -5.0), -9.0, -6.0, -7.0, "inside"), (1.0, math.nan, math.nan, 1.0, "no data"),
    # hits only a wide band or a wide range makes (measure 6 of issue 16): not counted
    ((0.0, math.inf), -1.0, 2.0, 0.5, "weak overlap"),  # a one-sided target straddled
    ((14.0, 21.0), 21.0, 42.0, 28.0, "weak overlap"),  # grazes the range, median outside
    ((14.0, 21.0), 18.0, 30.0, 24.0, "overlap"),  # shares a quarter of the band
    ((22.0, 26.0), 18.0, 25.0, 23.0, "overlap"),  # median inside the range
    ((0.0, 10.0), -20.0, 20.0, 5.0, "too wide"),  # a band four times the range
    (1100.0, 0.0, 2500.0, 1100.0, "too wide"),  # a point: a band wider than twice its size
    (1100.0, 700.0, 1500.0, 1100.0, "inside"),
])
def test_verdict_definitions(observed, low, high, median, expected):
    assert verdict(observed, low, high, median) == expected


def test_trivial_hits_are_named_and_not_counted():
    results = [Result(TARGETS[0], 1.0, 0.0, 2.0, 10, 0, v)
               for v in ("inside", "overlap", "weak overlap", "too wide", "miss")]
    assert hits_line(results) == (
        "2 of 5 targets hit (inside or overlap). 2 more only by the width of a band or a "
        "range (weak overlap or too wide), not counted.")


def test_share_uses_pooled_share_and_wilson_interval():
    target = next(t for t in TARGETS if t.statistic == "share")
    result = summarise(target, pd.Series([1.0] * 30 + [0.0] * 70))
    assert result.median == pytest.approx(30.0)
    assert 22 < result.low < 30 < result.high < 38


def test_missing_events_are_counted_not_hidden():
    target = TARGETS[2]
    result = summarise(target, pd.Series([21.0, 28.0, np.nan, 28.0]))
    assert result.missing == 1
    assert result.runs == 4


def test_cli_bad_input_exits_2(capsys):
    assert brink(["check-model", "--runs", "0"]) == 2
    assert "--runs must be at least 1" in capsys.readouterr().err
    assert brink(["check-model", "--workers", "0"]) == 2
    assert brink(["check-model", "--model-doc", "x.md"]) == 2
    assert brink(["check-model", "--screening", "--trajectories", "1"]) == 2
    assert "trajectories" in capsys.readouterr().err


def test_cli_writes_the_page(tmp_path, capsys, monkeypatch):
    small = (TARGETS[-1],)  # one quick episode target keeps this fast
    monkeypatch.setattr(calibration, "TARGETS", small)
    real = calibration.run_suite
    monkeypatch.setattr(calibration, "run_suite",
                        lambda runs, seed, workers, progress=False: real(runs, seed, workers,
                                                                         targets=small))
    out = tmp_path / "validation.md"
    assert brink(["check-model", "--runs", "9", "--workers", "1", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert small[0].name in printed
    assert "Fingerprint:" in out.read_text()


def test_screening_ranks_every_parameter_for_every_output():
    """Two Morris trajectories of the short historical game: every parameter gets one rank per
    output; pay moves North Korean strain and civilian harm (a head count) does not."""
    table = screening.screen(trajectories=2, seeds=1, workers=1, seed=1,
                             scenario="scenarios/nk-historical-2024.yaml")
    names = set(screening.problem()["names"])
    for output in screening.OUTPUTS:
        part = table[table["output"] == output]
        assert set(part["parameter"]) == names
        assert sorted(part["rank"]) == list(range(1, len(names) + 1))
        assert (part["mu_star"] >= 0).all()
    strain = table[table["output"] == "north_korea.strain"].set_index("parameter")["mu_star"]
    assert strain["pay_usd_per_soldier_month"] > 0  # pay relieves North Korean strain
    assert strain["civilian_harm_per_strike"] == 0  # only counts people


def test_model_doc_section_is_replaced(tmp_path):
    doc = tmp_path / "model.md"
    doc.write_text(f"intro\n{screening.BEGIN}\nold\n{screening.END}\nrest\n")
    screening.update_model_doc(doc, "new table\n")
    assert doc.read_text() == f"intro\n{screening.BEGIN}\nnew table\n{screening.END}\nrest\n"
    doc.write_text("no markers\n")
    with pytest.raises(screening.ScreeningError):
        screening.update_model_doc(doc, "x\n")


def test_fit_scalar_reads_the_target_across_a_grid():
    """The grid search behind the fitted casualty rate: more attrition, more casualties."""
    casualties = calibration.target_named("North Korean casualties six weeks after first combat")
    table = calibration.fit_scalar(casualties, "casualty_rate_weekly", [0.015, 0.03], runs=8,
                                   workers=1)
    assert list(table["value"]) == [0.015, 0.03]
    low, high = table["median"]
    assert 1.5 < high / low < 2.5  # casualties roughly proportional to the rate


def test_detection_is_dated_by_the_movement_it_saw():
    """Calibration §1.1 dates detection by the start of the movement the NIS saw (8 Oct), the
    confirmation by its announcement and first combat by the engagement. One run: a lift in turn
    1, seen at the look of turn 2, confirmed at the look of turn 4, fighting in turn 4."""
    from types import SimpleNamespace

    rows = []
    for turn in range(0, 6):
        estimate = {0: 0, 1: 0, 2: 1500, 3: 3000, 4: 8000, 5: 11000}[turn]
        rows += [dict(run=0, turn=turn, actor=w, variable="belief.north_korea.troops_abroad",
                      value=float(estimate if w == "west" else 0)) for w in calibration.WATCHERS]
        rows.append(dict(run=0, turn=turn, actor="west",
                         variable="belief_sd.north_korea.troops_abroad",
                         value=0.1 if turn >= 4 else 1.0))
        rows.append(dict(run=0, turn=turn, actor="north_korea", variable="front",
                         value=500.0 if turn >= 4 else 0.0))
    scenario = SimpleNamespace(clock=SimpleNamespace(days_per_turn=7), parameters={})
    batch = calibration.Batch("x.yaml", pd.DataFrame({"run": [0]}),
                              pd.DataFrame(rows), scenario)
    # detection: day 0 (turn 1 began); confirmation: the look of turn 4, day 21; combat: end of
    # turn 4, day 28
    assert calibration.detection_to_confirmation_days([batch]).tolist() == [21.0]
    assert calibration.detection_to_combat_days([batch]).tolist() == [28.0]

"""Every shipped scenario, and every test fixture, is a playable, reproducible game.

Parametrised over ``scenarios/**/*.yaml`` (so lesson packs added under ``scenarios/lessons/``
are covered without touching this file; the JSON schema is not YAML and is not collected) and
over ``tests/scenarios/fixtures/*.yaml``. For each file: it validates (through ``brink
validate``), has a briefing, plays to its last turn for two seeds with the model's invariants
(engine/sim/conformance.py's one list) holding at every recorded turn, differs somewhere for
different seeds, and passes each check of the conformance checker (``check_scenario``: the
invariants, determinism across two processes, move-log replay, forks, an inert actor), one test
per file and check. The checks the model does not pass yet are strict expected failures that
must fail for the causes named: a fix makes them pass (XPASS), or changes their cause, and
either fails the suite until KNOWN_FAILURES is brought up to date.

The fixtures are pure data: a 2-actor and a 12-actor world (the West split into its parts,
China, South Korea and Japan added) prove that the number and kind of actors is a YAML matter.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import pandas as pd
import pytest

from cli.main import main as brink
from engine.scenario.loader import load_scenario
from engine.sim.conformance import CHECKS, CheckReport, OtherProcess, check_scenario, violations
from engine.sim.model import BrinkModel

ROOT = Path(__file__).resolve().parents[2]
SCENARIO_DIR = ROOT / "scenarios"
FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures"
SHIPPED = sorted([*SCENARIO_DIR.rglob("*.yaml"), *SCENARIO_DIR.rglob("*.yml")])
FIXTURES = sorted(FIXTURE_DIR.glob("*.yaml"))
ALL = SHIPPED + FIXTURES
SEEDS = (7, 2024)


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


@functools.cache
def play(path: Path, seed: int) -> tuple[BrinkModel, tuple[str, ...]]:
    """Play ``path`` to the end, one step at a time, checking the invariants after each."""
    model = BrinkModel(load_scenario(path), rng=seed)
    problems = [f"turn 0: {v}" for v in violations(model.state)]
    while model.running:
        model.step()
        problems += [f"turn {model.state.turn}: {v}" for v in violations(model.state)]
    return model, tuple(problems)


def test_the_shipped_scenarios_and_fixtures_are_collected():
    """The glob finds the three shipped scenarios and both fixtures, and no JSON."""
    shipped = {p.name for p in SHIPPED}
    assert {"nk-100k.yaml", "nk-historical-2024.yaml", "sanctions-china-channel.yaml"} <= shipped
    assert {p.name for p in FIXTURES} >= {"two-actors.yaml", "twelve-actors.yaml"}
    assert not any(p.suffix == ".json" for p in ALL)


@pytest.mark.parametrize("path", ALL, ids=_name)
def test_validates(path, capsys):
    """`brink validate FILE` accepts the file (exit status 0, an "ok" line)."""
    assert brink(["validate", str(path)]) == 0
    assert ": ok (" in capsys.readouterr().out


@pytest.mark.parametrize("path", ALL, ids=_name)
def test_has_a_briefing(path):
    """Every scenario tells its players where they are: a non-empty title and briefing."""
    scenario = load_scenario(path)
    assert scenario.title.strip()
    assert scenario.briefing.strip()


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("path", ALL, ids=_name)
def test_plays_to_the_end_with_invariants_at_every_turn(path, seed):
    """No negative troops or stocks, shares in [0, 1], rung in [0, 44], troops conserved."""
    model, problems = play(path, seed)
    turns = model.spec.clock.turns
    assert model.state.turn == turns
    frame = model.frame()
    assert sorted(frame["turn"].unique()) == list(range(turns + 1))
    assert frame["value"].map(math.isfinite).all(), "non-finite values in the frame"
    assert not problems, "\n".join(problems[:20])


# --- the conformance checker over every file (engine/sim/conformance.py)
# -----------------------------

# (file, check) -> phrases of the failure the checker is known to report for it. Empty: every
# shipped file passes every check.
KNOWN_FAILURES: dict[tuple[str, str], tuple[str, ...]] = {}
_REPORTS: dict[Path, CheckReport] = {}


@pytest.fixture(scope="module")
def other_process():
    """One second process for the determinism checks of every file."""
    with OtherProcess() as process:
        yield process


def _conformance_cases():
    for path in ALL:
        for check in CHECKS:
            causes = KNOWN_FAILURES.get((_name(path), check))
            marks = [pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
                f"known: {'; '.join(causes)}"))] if causes else []
            yield pytest.param(path, check, marks=marks, id=f"{_name(path)}-{check}")


def test_known_failures_name_files_and_checks_that_exist():
    names = {_name(p) for p in ALL}
    for name, check in KNOWN_FAILURES:
        assert name in names, name
        assert check in CHECKS, check


@pytest.mark.parametrize(("path", "check"), list(_conformance_cases()))
def test_conforms(path, check, other_process):
    """check_scenario(path, SEEDS): every check passes, or fails for exactly the known causes
    (an expected failure; any other failure, or a known one for other causes, fails)."""
    if path not in _REPORTS:
        _REPORTS[path] = check_scenario(path, SEEDS, process=other_process)
    result = _REPORTS[path][check]
    causes = KNOWN_FAILURES.get((_name(path), check), ())
    if result.status == "fail" and causes and not all(c in result.message for c in causes):
        pytest.fail(f"{check} fails for other causes than KNOWN_FAILURES says "
                    f"({'; '.join(causes)}): {result.message}")
    assert result.status == "pass", result.message


@pytest.mark.parametrize("path", ALL, ids=_name)
def test_different_seeds_differ_somewhere(path):
    """The seed matters: each scenario has at least one random draw that shows."""
    a, _ = play(path, SEEDS[0])
    b, _ = play(path, SEEDS[1])
    assert not (a.frame().equals(b.frame()) and a.log_frame().equals(b.log_frame()))


@pytest.mark.parametrize(("name", "count"), [("two-actors.yaml", 2), ("twelve-actors.yaml", 12)])
def test_fixture_actor_counts(name, count):
    """From 2 to 12 actors in data alone; the 12 split the West and add China, ROK, Japan."""
    scenario = load_scenario(FIXTURE_DIR / name)
    assert len(scenario.actors) == count
    if count == 12:
        ids = set(scenario.actor_ids)
        assert {"china", "south_korea", "japan"} <= ids
        assert {"united_states", "united_kingdom", "france", "germany", "poland", "eu"} <= ids


# --- the historical replay keeps close to the record (calibration-sources.md §1.1, §1.2, §6) ---


def _historical(seed: int) -> pd.DataFrame:
    model, _ = play(SCENARIO_DIR / "nk-historical-2024.yaml", seed)
    frame = model.frame()
    return frame[frame["actor"] == "north_korea"].pivot(
        index="date", columns="variable", values="value")


@pytest.mark.parametrize("seed", SEEDS)
def test_historical_contingent_and_first_combat_match_the_record(seed):
    """10,000-12,000 North Koreans in mid-December (§6), none in combat before November."""
    nk = _historical(seed)
    abroad = nk["in_transit"] + nk["deployed"]
    assert 10_000 <= abroad.loc["2024-12-10"] <= 12_500
    fighting = nk.index[nk["front"] > 0]
    assert pd.Timestamp("2024-10-29") < fighting[0] <= pd.Timestamp("2024-11-12")

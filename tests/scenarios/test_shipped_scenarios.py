"""Every shipped scenario, and every test fixture, is a playable, reproducible game.

Parametrised over ``scenarios/**/*.yaml`` (so lesson packs added under ``scenarios/lessons/``
are covered without touching this file; the JSON schema is not YAML and is not collected) and
over ``tests/scenarios/fixtures/*.yaml``. For each file: it validates (through ``brink
validate``), has a briefing, plays to its last turn for two seeds with the model's invariants
holding at every recorded turn, gives identical frames and causal logs for the same seed, and
differs somewhere for different seeds.

The fixtures are pure data: a 2-actor and a 12-actor world (the West split into its parts,
China, South Korea and Japan added) prove that the number and kind of actors is a YAML matter.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import pandas as pd
import pytest

from engine.cli import main as brink
from engine.loader import load_scenario
from engine.model import BrinkModel

ROOT = Path(__file__).resolve().parents[2]
SCENARIO_DIR = ROOT / "scenarios"
FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures"
SHIPPED = sorted([*SCENARIO_DIR.rglob("*.yaml"), *SCENARIO_DIR.rglob("*.yml")])
FIXTURES = sorted(FIXTURE_DIR.glob("*.yaml"))
ALL = SHIPPED + FIXTURES
SEEDS = (7, 2024)

# Troop and stock variables that can never be negative (mobilised is a flow and may be).
NON_NEGATIVE = ("forces_home", "queued", "in_transit", "deployed", "front", "killed", "wounded",
                "munitions", "munitions_production", "reserves")
SHARES = ("strain", "stability", "readiness", "resolve", "credibility")


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def violations(model: BrinkModel) -> list[str]:
    """Every invariant broken by the model's current state (empty when all hold)."""
    s = model.state
    out = []
    if not 0.0 <= s.escalation_level <= 44.0:
        out.append(f"escalation_level {s.escalation_level} outside [0, 44]")
    if not 0.0 <= s.wider_war_risk <= 1.0:
        out.append(f"wider_war_risk {s.wider_war_risk} outside [0, 1]")
    if s.civilian_casualties < 0 or s.displaced < 0:
        out.append(f"negative humanitarian toll ({s.civilian_casualties}, {s.displaced})")
    for a in s.actors.values():
        for var in NON_NEGATIVE:
            if getattr(a, var) < 0:
                out.append(f"{a.id}.{var} = {getattr(a, var)} < 0")
        for var in SHARES:
            value = getattr(a, var)
            if not 0.0 <= value <= 1.0:
                out.append(f"{a.id}.{var} = {value} outside [0, 1]")
        if not (a.gdp > 0 and math.isfinite(a.gdp)):
            out.append(f"{a.id}.gdp = {a.gdp}")
        if a.front > a.deployed:
            out.append(f"{a.id}: front {a.front} > deployed {a.deployed}")
        accounted = (a.forces_home + a.queued + a.in_transit + a.deployed + a.killed
                     + a.wounded)
        if accounted != a.initial_forces + a.mobilised:
            out.append(f"{a.id}: troops not conserved: home {a.forces_home} + queued "
                       f"{a.queued} + transit "
                       f"{a.in_transit} + deployed {a.deployed} + killed {a.killed} + wounded "
                       f"{a.wounded} = {accounted} != initial {a.initial_forces} + mobilised "
                       f"{a.mobilised}")
    for th in s.theatres.values():
        if not -1.0 <= th.front_pressure <= 1.0:
            out.append(f"theatre {th.id} front_pressure {th.front_pressure} outside [-1, 1]")
        if not 0.0 <= th.intensity <= 1.0:
            out.append(f"theatre {th.id} intensity {th.intensity} outside [0, 1]")
    return out


@functools.cache
def play(path: Path, seed: int) -> tuple[BrinkModel, tuple[str, ...]]:
    """Play ``path`` to the end, one step at a time, checking the invariants after each."""
    model = BrinkModel(load_scenario(path), rng=seed)
    problems = [f"turn 0: {v}" for v in violations(model)]
    while model.running:
        model.step()
        problems += [f"turn {model.state.turn}: {v}" for v in violations(model)]
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


@pytest.mark.parametrize("path", ALL, ids=_name)
def test_same_seed_gives_the_same_frame_and_causal_log(path):
    """A second, independent run with the same seed reproduces the first exactly."""
    first, _ = play(path, SEEDS[0])
    again = BrinkModel(load_scenario(path), rng=SEEDS[0]).run()
    pd.testing.assert_frame_equal(first.frame(), again.frame())
    pd.testing.assert_frame_equal(first.log_frame(), again.log_frame())
    assert first.events == again.events


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


# --- the historical replay keeps close to the record (calibration.md §1.1, §1.2, §6) ----------


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

"""The conformance checker (engine/sim/conformance.py) catches what it claims to catch.

Each check is shown to fail on a bad input, with a message that says where and what to do:
test doubles break one thing at a time (a rule that drives a stock negative or crashes, a rule
that draws from numpy's global generator or depends on the process, a replay that loses a move,
a snapshot that leaves out part of the state, scenarios whose escalation score an inert actor
dilutes or whose random stream it re-deals). Doubles that must act in the determinism check's
second process too are installed there by a ``sitecustomize`` module on PYTHONPATH.

The shipped scenarios go through the checker in tests/scenarios/test_shipped_scenarios.py.
"""

from __future__ import annotations

import copy
import itertools
import math
import re
import sys
import types
from pathlib import Path

import pytest
import yaml

import engine
import engine.rules
import engine.sim.conformance
import engine.sim.futures
import engine.sim.model
from cli.main import main as brink
from engine.core.state import Cohort, Sanction
from engine.core.streams import Streams
from engine.scenario.loader import ScenarioError, load_scenario
from engine.sim.conformance import (
    CHECKS,
    INVARIANTS,
    CheckReport,
    CheckResult,
    ConformanceError,
    Invariant,
    check_scenario,
    inert_scenario,
    violations,
)
from engine.sim.model import BrinkModel
from engine.sim.runfiles import move_log_json
from tests.engine.builders import mini_model

ROOT = Path(__file__).resolve().parents[3]
TWO_ACTORS = ROOT / "tests" / "scenarios" / "fixtures" / "two-actors.yaml"


# --- scenario doubles: the two-actor border war, varied ----------------------------------------


def _two_actors() -> dict:
    return yaml.safe_load(TWO_ACTORS.read_text())


def _write(tmp_path: Path, name: str, document: dict) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def quiet(tmp_path: Path) -> Path:
    """Nobody moves (no escalation points) and nobody is watched (no intelligence draws): an
    inert actor can change nothing."""
    doc = _two_actors()
    for actor in doc["actors"]:
        actor["policy"] = {"kind": "doctrine", "rules": []}
    doc["escalation"]["baseline_score"] = 0
    return _write(tmp_path, "quiet.yaml", doc)


def watched(tmp_path: Path) -> Path:
    """As quiet, but Red can send troops abroad, so every actor's intelligence watches it."""
    doc = yaml.safe_load(quiet(tmp_path).read_text())
    doc["actors"][0]["capabilities"].append("expeditionary")
    return _write(tmp_path, "watched.yaml", doc)


# --- the one list of invariants ----------------------------------------------------------------


def _actor(state, actor_id="red"):
    return state.actors[actor_id]


# One way to break each invariant; a new invariant needs one here (see the test below).
BREAKERS = {
    "escalation_on_the_ladder": lambda s: setattr(s, "escalation_level", 44.5),
    "risk_is_a_probability": lambda s: setattr(s, "wider_war_risk", 1.2),
    "toll_not_negative": lambda s: setattr(s, "displaced", -1),
    "stocks_not_negative": lambda s: setattr(_actor(s), "munitions", -5.0),
    "shares_in_unit_interval": lambda s: setattr(_actor(s), "stability", 1.3),
    "gdp_positive": lambda s: setattr(_actor(s), "gdp", 0.0),
    "front_within_deployed": lambda s: setattr(_actor(s), "front", _actor(s).deployed + 1),
    "troops_conserved": lambda s: setattr(_actor(s), "killed", _actor(s).killed + 5),
    "pipeline_adds_up": lambda s: setattr(_actor(s, "green"), "pipeline",
                                          (Cohort("rail", "transit", 700, 2),)),
    # troops_abroad is derived from the stocks on ActorState; a stand-in shows the check bites
    "troops_abroad_adds_up": lambda s: types.SimpleNamespace(actors={"green": types.SimpleNamespace(
        id="green", troops_abroad=9, in_transit=2, deployed=3)}),
    "theatre_bounds": lambda s: setattr(s.theatres["front"], "intensity", 1.5),
    "enforcement_in_unit_interval": lambda s: setattr(
        s, "sanctions", (Sanction("blue", "green", "sectoral", 1.4, 0),)),
    "values_finite": lambda s: setattr(_actor(s), "reserves", math.inf),
}


def test_every_invariant_has_a_breaker_and_a_fix():
    assert sorted(BREAKERS) == sorted(i.name for i in INVARIANTS)
    assert len({i.name for i in INVARIANTS}) == len(INVARIANTS)  # one list, no duplicates
    for invariant in INVARIANTS:
        assert isinstance(invariant, Invariant)
        assert invariant.rule
        assert invariant.fix


def test_a_fresh_and_a_played_world_break_no_invariant():
    model = mini_model()
    assert violations(model.state) == []
    for _ in range(4):
        model.step()
        assert violations(model.state) == []


@pytest.mark.parametrize("name", sorted(BREAKERS))
def test_each_invariant_catches_its_breach(name):
    state = mini_model().state
    state = BREAKERS[name](state) or state
    invariant = next(i for i in INVARIANTS if i.name == name)
    found = invariant(state)
    assert found, f"{name} did not notice"
    assert all(v.invariant == name for v in found)
    if not isinstance(state, types.SimpleNamespace):
        assert name in {v.invariant for v in violations(state)}


def test_a_negative_stock_names_the_actor_the_variable_and_the_fix():
    state = mini_model().state
    state.actors["green"].queued = -3
    found = {v.invariant: str(v) for v in violations(state)}
    assert found["stocks_not_negative"] == (
        "green.queued = -3 < 0: a move or inject removes more troops than are waiting for "
        "transport; check the inject effects on forces_home and the troop moves of that turn")


# --- the invariants check, through the checker --------------------------------------------------


def _after(rule, turn: int, extra):
    """``rule`` with ``extra(state)``'s changes appended from ``turn`` on."""
    def wrapped(state, *args, **kwargs):
        changes = list(rule(state, *args, **kwargs))
        return changes + extra(state) if state.turn >= turn else changes
    return wrapped


def test_invariants_check_names_seed_turn_place_and_fix(monkeypatch):
    """A rule (the last of a turn) that spends more shells than Red holds, from turn 2 on."""
    monkeypatch.setattr(engine.rules, "escalation", _after(
        engine.rules.escalation, 2,
        lambda s: [("red", "munitions", -5.0, conformance_cause())]))
    report = check_scenario(TWO_ACTORS, seeds=(7,), turns=4, checks=["invariants"])
    result = report["invariants"]
    assert result.status == "fail"
    assert not report.ok
    assert result.message.startswith(
        "seed 7, turn 2: red.munitions = -5.0 < 0: more shells are fired or shipped than held")
    assert "(and 2 more)" in result.message  # turns 3 and 4
    assert len(result.findings) == 3


def conformance_cause():
    from engine.core.causal import RULE, Cause

    return Cause(RULE, "test double", None)


def test_a_crash_is_a_failed_check_with_seed_and_turn(monkeypatch):
    def crash(state, *args, **kwargs):
        if state.turn == 3:
            raise ZeroDivisionError("float division by zero")
        return real(state, *args, **kwargs)

    real = engine.rules.politics
    monkeypatch.setattr(engine.rules, "politics", crash)
    report = check_scenario(TWO_ACTORS, seeds=(7,), turns=4,
                            checks=["invariants", "replay", "inert_actor"])
    assert report["invariants"].status == "fail"
    assert report["invariants"].message.startswith(
        "seed 7, turn 3: the game crashed: ZeroDivisionError: float division by zero")
    assert "report it with the file and the seed" in report["invariants"].message
    assert [r.status for r in report.results] == ["fail", "skip", "skip"]
    # asked for other checks only, the crash is still reported, by the invariants check
    report = check_scenario(TWO_ACTORS, seeds=(7,), turns=4, checks=["fork"])
    assert [(r.name, r.status) for r in report.results] == [("invariants", "fail"),
                                                            ("fork", "skip")]
    assert not report.ok


# --- determinism across processes, replay and forks: rules that break them ---------------------

# Rule doubles, installed in this process by monkeypatch and in the other process by a
# sitecustomize module (the checker's second process imports it at start-up).
DOUBLES = '''
import numpy as np


def global_random(rule):
    """The escalation rule, with heat nudged by numpy's global generator."""
    def escalation(state, *args, **kwargs):
        return [(t, v, x + np.random.normal(0.0, 1e-3) if v == "heat" else x, c)  # noqa: NPY002
                for t, v, x, c in rule(state, *args, **kwargs)]
    return escalation


def per_process(rule):
    """The escalation rule, with heat nudged by hash(): a different nudge in every process."""
    nudge = (hash("brink") % 997 + 1) * 1e-6
    def escalation(state, *args, **kwargs):
        return [(t, v, x + nudge if v == "heat" else x, c)
                for t, v, x, c in rule(state, *args, **kwargs)]
    return escalation
'''


def _install(tmp_path: Path, monkeypatch, double: str):
    """The ``double`` of DOUBLES on engine.rules.escalation, here and in the other process."""
    folder = tmp_path / "doubles"
    folder.mkdir()
    (folder / "brink_doubles.py").write_text(DOUBLES)
    (folder / "sitecustomize.py").write_text(
        "import engine.rules, brink_doubles\n"
        f"engine.rules.escalation = brink_doubles.{double}(engine.rules.escalation)\n")
    monkeypatch.setenv("PYTHONPATH", str(folder))
    monkeypatch.setenv("PYTHONHASHSEED", "random")
    monkeypatch.syspath_prepend(str(folder))
    module = types.ModuleType("brink_doubles")
    exec(compile(DOUBLES, "brink_doubles.py", "exec"), module.__dict__)
    monkeypatch.setattr(engine.rules, "escalation",
                        getattr(module, double)(engine.rules.escalation))


def test_global_randomness_fails_determinism_replay_and_fork(tmp_path, monkeypatch):
    _install(tmp_path, monkeypatch, "global_random")
    report = check_scenario(TWO_ACTORS, seeds=(7,), turns=4,
                            checks=["invariants", "determinism", "replay", "fork"])
    assert report["invariants"].status == "pass"
    for name in ("determinism", "replay", "fork"):
        assert report[name].status == "fail", name
    determinism = report["determinism"].message
    assert determinism.startswith("seed 7: the game in another process differs: per-turn "
                                  "frame, first at turn 1, world.heat: ")
    assert "draws from global randomness (random, np.random)" in determinism
    assert "report it with the file and the seed" in determinism
    assert report["replay"].message.startswith(
        "seed 7: the replay differs from the game: per-turn frame, first at turn 1, world.heat")
    assert "global randomness" in report["replay"].message
    fork = report["fork"].message
    assert fork.startswith("seed 7: the game taken at turn 2 (game_state()) and continued with "
                           "its generators differs from the game: per-turn frame, first at "
                           "turn 3, world.heat: ")
    assert "seed 7: a fork of turn 2 given the game's generator states differs from the game " \
        "at turn 3: world." in report["fork"].findings[1]


def test_a_rule_that_depends_on_the_process_fails_determinism_only(tmp_path, monkeypatch):
    """hash() of a string differs between processes, never within one: replay and forks,
    played in this process, agree; the second process does not."""
    _install(tmp_path, monkeypatch, "per_process")
    report = check_scenario(TWO_ACTORS, seeds=(7,), turns=3,
                            checks=["determinism", "replay", "fork"])
    assert report["determinism"].status == "fail"
    assert "world.heat" in report["determinism"].message
    assert report["replay"].status == "pass"
    assert report["fork"].status == "pass"


def test_a_second_process_that_dies_fails_determinism_and_says_how(tmp_path, monkeypatch):
    folder = tmp_path / "dying"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(
        "import os, sys\nsys.stderr.write('no engine today')\nos._exit(3)\n")
    monkeypatch.setenv("PYTHONPATH", str(folder))
    result = check_scenario(TWO_ACTORS, seeds=(7,), turns=2,
                            checks=["determinism"])["determinism"]
    assert result.status == "fail"
    assert result.message.startswith("seed 7: the second process failed: RuntimeError: the "
                                      "other process ended (exit status 3): no engine today")


def test_replay_fails_when_the_move_log_loses_a_move(monkeypatch):
    real = engine.sim.model.replay_policies

    def lossy(scenario, moves):
        return real(scenario, [m for m in moves if not m.id.startswith("t2.")])

    monkeypatch.setattr(engine.sim.model, "replay_policies", lossy)
    result = check_scenario(TWO_ACTORS, seeds=(7,), turns=4, checks=["replay"])["replay"]
    assert result.status == "fail"
    assert result.message.startswith("seed 7: the replay differs from the game: per-turn "
                                     "frame, first at turn 2")
    assert "move log, " in result.message
    assert "a result depends on something the move log does not record" in result.message


def test_fork_fails_when_the_snapshot_leaves_out_part_of_the_state(monkeypatch):
    """A fork that gets the escalation heat wrong (as if the snapshot had lost it)."""
    real = engine.sim.futures.fork

    def forgetful(*args, **kwargs):
        model = real(*args, **kwargs)
        model.state.heat += 1.0
        return model

    monkeypatch.setattr(engine.sim.futures, "fork", forgetful)
    result = check_scenario(TWO_ACTORS, seeds=(7,), turns=6, checks=["fork"])["fork"]
    assert result.status == "fail"
    assert result.message.startswith("seed 7: a fork of turn 3 given the game's generator "
                                     "states differs from the game at turn 4: world.")
    assert "the snapshot leaves out part of the game" in result.message
    assert not any("game_state()" in f for f in result.findings)  # the continuation is right


def test_fork_fails_when_the_game_state_leaves_out_part_of_the_game(monkeypatch):
    """model.game_state() that gets the escalation heat wrong."""
    real = engine.sim.model.BrinkModel.game_state

    def forgetful(self):
        game = real(self)
        game.world.heat += 1.0
        return game

    monkeypatch.setattr(engine.sim.model.BrinkModel, "game_state", forgetful)
    result = check_scenario(TWO_ACTORS, seeds=(7,), turns=6, checks=["fork"])["fork"]
    assert result.status == "fail"
    assert result.message.startswith(
        "seed 7: the game taken at turn 3 (game_state()) and continued with its generators "
        "differs from the game: per-turn frame, first at turn 4, world.")
    assert "GameState leaves out part of the game" in result.message


def test_fork_fails_when_two_futures_of_one_seed_differ(monkeypatch):
    """Futures that leak into each other: each one's level is raised by those before it."""
    real, calls = engine.sim.futures.run_future, itertools.count()

    def leaky(*args, **kwargs):
        summary, rows = real(*args, **kwargs)
        return ({**summary, "world.escalation_level": summary["world.escalation_level"]
                 + next(calls)}, rows)

    monkeypatch.setattr(engine.sim.futures, "run_future", leaky)
    result = check_scenario(TWO_ACTORS, seeds=(7,), turns=4, checks=["fork"])["fork"]
    assert result.status == "fail"
    assert re.match(r"seed 7: two futures of turn 2 with seed \d+ differ "
                    r"\(world\.escalation_level: [\d.]+ in one, [\d.]+ in the other\): a "
                    "future shares mutable state", result.message), result.message


def test_fork_fails_when_a_fork_of_turn_0_is_not_the_fresh_game(monkeypatch):
    """fork() that seeds its model from another seed than the one it is given."""
    real = engine.sim.futures.fork
    monkeypatch.setattr(engine.sim.futures, "fork",
                        lambda snap, seed, *args, **kwargs: real(snap, seed + 1, *args, **kwargs))
    result = check_scenario(TWO_ACTORS, seeds=(7,), turns=4, checks=["fork"])["fork"]
    assert result.status == "fail"
    assert result.message.startswith("seed 7: a fork of turn 0 with seed 7 differs from the "
                                      "game with seed 7 (")
    assert "fork() must seed its model as a new game is seeded" in result.message


def test_the_fork_check_passes_on_an_honest_engine():
    result = check_scenario(TWO_ACTORS, seeds=(7, 8), turns=6, checks=["fork"])["fork"]
    assert result.status == "pass", result.message


# --- the inert actor ----------------------------------------------------------------------------


def test_inert_scenario_adds_one_idle_actor():
    text = TWO_ACTORS.read_text()
    scenario, actor_id = inert_scenario(text, "two-actors.yaml")
    assert actor_id == "inert_actor"
    assert scenario.actor_ids == ["red", "blue", "inert_actor"]
    inert = scenario.actor("inert_actor")
    assert not inert.capabilities
    assert inert.military.theatre is None
    assert inert.policy.kind == "doctrine"
    assert not inert.policy.rules
    assert not any("inert_actor" in t.between for t in scenario.relations.trade)
    taken = re.sub(r"\bblue\b", "inert_actor", text)  # an actor already has the id
    scenario, again = inert_scenario(taken, "taken.yaml")
    assert again == "inert_actor_2"
    assert scenario.actor_ids == ["red", "inert_actor", "inert_actor_2"]


def test_an_inert_actor_that_changes_nothing_passes(tmp_path):
    result = check_scenario(quiet(tmp_path), seeds=(7,), checks=["inert_actor"])["inert_actor"]
    assert result.status == "pass", result.message


@pytest.fixture
def diluting(monkeypatch):
    """The engine as it was before issue 16: the escalation score averaged over every actor,
    so an actor that cannot move dilutes it (with two actors, the same as the most escalated
    pair's score; with a third, 2/3 of it)."""
    module = sys.modules["engine.rules.escalation"]  # engine.rules.escalation is the rule
    real_score, real_opponents = module.world_score, engine.sim.model.escalation_opponents
    actors = {}

    def opponents(world):  # called as each game is set up: how many actors it has
        actors["n"] = len(world.actors)
        return real_opponents(world)

    def averaged(pairs):
        score, pair = real_score(pairs)
        return score * 2 / actors["n"], pair

    monkeypatch.setattr(engine.sim.model, "escalation_opponents", opponents)
    monkeypatch.setattr(module, "world_score", averaged)


@pytest.fixture
def one_stream(monkeypatch):
    """The engine as it was before issue 16: every draw from one stream, so an added
    observer's looks deal every later draw differently."""
    def of(self, name):
        return real_of(self, "the one stream")

    real_of = Streams.of
    monkeypatch.setattr(Streams, "of", of)


def test_an_inert_actor_changes_nothing_in_any_shipped_file():
    """Named streams and a score over the actors able to escalate: the check passes (the
    tests below put each defect back and watch the check name it)."""
    for path in (TWO_ACTORS, ROOT / "scenarios" / "nk-100k.yaml"):
        result = check_scenario(path, seeds=(7,), turns=8, checks=["inert_actor"])
        assert result["inert_actor"].status == "pass", result["inert_actor"].message


def test_an_inert_actor_diluting_the_escalation_score_fails_naming_the_fix(diluting):
    result = check_scenario(TWO_ACTORS, seeds=(7,), checks=["inert_actor"])["inert_actor"]
    assert result.status == "fail"
    assert result.message.startswith(
        "seed 7: adding an inert actor changes 4 summary figures, 0 of them named outcomes "
        "(world.escalation_level: ")
    assert "the games first part at turn 1, world.escalation_score: 14.0 without it, " \
        "9.333333333333334 with it" in result.message
    assert ("Cause found: (1) the escalation score is averaged over all actors, so an inert "
            "actor dilutes it: at turn 1 it is 14 points with 2 actors and 9.33333 with 3 "
            "(= 14 x 2/3); likely fix: in the engine (engine/rules/escalation.py)"
            ) in result.message
    assert "recompute escalation.baseline_score" in result.message
    assert "random stream" not in result.message


def test_an_inert_actor_that_redeals_the_random_stream_fails_naming_it(tmp_path, one_stream):
    result = check_scenario(watched(tmp_path), seeds=(7,),
                            checks=["inert_actor"])["inert_actor"]
    assert result.status == "fail"
    assert "Cause found: (1) the inert actor draws from the model's one random stream" \
        in result.message
    assert "draw each observer's looks (and each rule's draws) from its own generator" \
        in result.message
    assert "averaged over all actors" not in result.message


def test_a_scenario_at_the_actor_limit_skips_the_inert_actor(tmp_path):
    doc = _two_actors()
    extra = copy.deepcopy(doc["actors"][1])
    extra.update(capabilities=[], military={"forces_home": 1000}, policy={"kind": "doctrine"})
    for i in range(38):
        doc["actors"].append({**extra, "id": f"filler_{i}", "name": f"Filler {i}"})
    result = check_scenario(_write(tmp_path, "forty.yaml", doc), seeds=(7,), turns=1,
                            checks=["inert_actor"])["inert_actor"]
    assert result.status == "skip"
    assert result.message.startswith("cannot add an inert actor to this scenario: ")


# --- the report and the API ---------------------------------------------------------------------


def test_report_verdicts_and_the_raising_variant(diluting):
    passed = CheckReport("a.yaml", "a", (7,), 4, (CheckResult("fork", "pass", "fine"),))
    assert passed.ok
    assert passed.failures == []
    passed.raise_if_failed()
    # the dilution shows in the summary once Blue's sanctions lift the score, in turn 5
    report = check_scenario(TWO_ACTORS, seeds=(7,), turns=5, checks=["invariants",
                                                                     "inert_actor"])
    assert not report.ok
    assert [r.name for r in report.failures] == ["inert_actor"]
    assert report.summary() == "seed 7, 5 turns: 1 of 2 checks pass; failed: inert_actor"
    assert report.text().splitlines()[1].startswith("  pass invariants: 13 invariants hold")
    with pytest.raises(ConformanceError) as caught:
        report.raise_if_failed()
    assert isinstance(caught.value, AssertionError)
    assert caught.value.report is report
    assert str(caught.value).splitlines()[1].startswith("  FAIL inert_actor: seed 7: ")
    with pytest.raises(KeyError):
        report["determinism"]


def test_check_scenario_refuses_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="unknown check 'speed'"):
        check_scenario(TWO_ACTORS, checks=["speed"])
    with pytest.raises(ValueError, match="seeds must be"):
        check_scenario(TWO_ACTORS, seeds=())
    with pytest.raises(ValueError, match="seeds must be"):
        check_scenario(TWO_ACTORS, seeds=(-1,))
    with pytest.raises(ValueError, match="turns must be between 1 and 8, got 9"):
        check_scenario(TWO_ACTORS, turns=9)
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n")
    with pytest.raises(ScenarioError):
        check_scenario(bad)


def test_the_engine_exports_the_checker():
    assert engine.check_scenario is check_scenario
    assert engine.INVARIANTS is INVARIANTS
    assert engine.ConformanceError is ConformanceError
    assert CHECKS == ("invariants", "determinism", "replay", "fork", "inert_actor")
    with pytest.raises(AttributeError):
        engine.no_such_thing  # noqa: B018


# --- brink validate --play ----------------------------------------------------------------------


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        status = brink(list(argv))
    except SystemExit as exc:  # argparse's own usage errors
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


def test_validate_play_exits_0_when_every_check_passes(capsys, tmp_path):
    path = quiet(tmp_path)
    status, out, err = _cli(capsys, "validate", "--play", "--seeds", "1,2", "--turns", "3",
                            str(path))
    assert status == 0, out + err
    assert out.splitlines() == [f"{path}: ok (two_actors, 2 actors, 8 turns)",
                                f"{path}: seeds 1, 2, 3 turns: 5 of 5 checks pass"]


def test_validate_play_exits_2_with_a_line_per_failed_check(capsys, tmp_path, diluting):
    status, out, err = _cli(capsys, "validate", "--play", "--seeds", "7", "--turns", "5",
                            str(TWO_ACTORS), str(quiet(tmp_path)))
    assert status == 2
    lines = out.splitlines()
    assert lines[0] == f"{TWO_ACTORS}: ok (two_actors, 2 actors, 8 turns)"
    assert lines[1].startswith(f"{TWO_ACTORS}: FAIL inert_actor: seed 7: adding an inert "
                               "actor changes ")
    assert "averaged over all actors" in lines[1]
    assert lines[2] == f"{TWO_ACTORS}: seed 7, 5 turns: 4 of 5 checks pass; failed: inert_actor"
    assert lines[4].endswith("quiet.yaml: seed 7, 5 turns: 5 of 5 checks pass")
    assert len(lines) == 5
    assert err == ""


def test_validate_without_play_is_unchanged(capsys, diluting):
    """The inert-actor check fails on this file (with the score diluted), but only --play
    plays it."""
    status, out, _ = _cli(capsys, "validate", str(TWO_ACTORS))
    assert status == 0
    assert out == f"{TWO_ACTORS}: ok (two_actors, 2 actors, 8 turns)\n"


@pytest.mark.parametrize(("argv", "message"), [
    (["--play", "--seeds", "7,x"], "expected whole numbers separated by commas"),
    (["--play", "--seeds", "-1"], "seeds must lie in 0.."),
    (["--play", "--seeds", ",".join(["1"] * 21)], "give 1 to 20 seeds, got 21"),
    (["--seeds", "7"], "--seeds and --turns go with --play"),
    (["--turns", "3"], "--seeds and --turns go with --play"),
    (["--play", "--turns", "9"], "--turns must be between 1 and 8, got 9"),
])
def test_validate_play_refuses_bad_arguments(capsys, argv, message):
    status, out, err = _cli(capsys, "validate", *argv, str(TWO_ACTORS))
    assert status == 2
    assert message in err
    assert "FAIL" not in out


def test_validate_play_checks_nothing_in_a_bad_file(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n")
    status, out, err = _cli(capsys, "validate", "--play", str(bad))
    assert status == 2
    assert out == ""
    assert "bad.yaml" in err


def test_load_scenario_of_the_doubles_is_valid(tmp_path):
    for path in (quiet(tmp_path), watched(tmp_path)):
        assert load_scenario(path).id == "two_actors"


def test_the_play_example_in_write_a_scenario_is_what_brink_prints(capsys, tmp_path,
                                                                   monkeypatch):
    """docs/how-to/write-a-scenario.md shows `brink validate --play` on its complete example;
    the lines are brink's own."""
    guide = (ROOT / "docs" / "how-to" / "write-a-scenario.md").read_text(encoding="utf-8")
    example = re.search(r"<!-- complete example -->\n```yaml\n(.*?)```", guide, re.DOTALL)
    shown = re.search(r"### Play it: `brink validate --play`.*?\n```\n(.*?)```\n.*?```\n"
                      r"(.*?)```", guide, re.DOTALL).group(2).splitlines()
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "border-surge.yaml").write_text(example.group(1))
    monkeypatch.chdir(tmp_path)
    status, out, _ = _cli(capsys, "validate", "--play", "scenarios/border-surge.yaml")
    assert status == 0
    assert out.splitlines() == shown


def test_a_replay_makes_the_games_refusals_again():
    """sanctions-china-channel's United States lifts sanctions on China it never imposed: the
    engine refuses it, moves.json keeps the move marked refused, and the replay refuses it
    again, so its event feed and its move numbers are the game's."""
    china = ROOT / "scenarios" / "sanctions-china-channel.yaml"
    model = BrinkModel(load_scenario(china), rng=7, turns=16).run()
    assert model.refused
    written = move_log_json(model.move_log, model.refused)
    marked = [m for m in written if "refused" in m]
    assert len(marked) == len(model.refused)
    assert marked[0]["refused"] == model.refused[0][1]
    assert [m["id"] for m in written] == sorted(
        (m["id"] for m in written), key=lambda i: (int(i.split(".")[0][1:]),
                                                  int(i.split(".")[2])))
    result = check_scenario(china, seeds=(7,), turns=16, checks=["replay"])["replay"]
    assert result.status == "pass", result.message


def test_a_replay_without_the_refusals_fails_naming_the_cause(monkeypatch):
    """The move log as it was before: only the moves that were made."""
    monkeypatch.setattr(engine.sim.conformance, "move_log_json",
                        lambda moves, refused=(): move_log_json(moves))
    china = ROOT / "scenarios" / "sanctions-china-channel.yaml"
    result = check_scenario(china, seeds=(7,), turns=16, checks=["replay"])["replay"]
    assert result.status == "fail"
    assert "moves.json keeps only the moves that were made" in result.message

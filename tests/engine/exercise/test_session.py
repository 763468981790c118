"""engine/exercise/session.py (the exercise as an event log) and engine/sim/futures.py (forked
futures)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from engine.exercise.session import Exercise, MoveRefused, SessionError, StaleExercise
from engine.exercise.store import ExerciseStore, default_db_path
from engine.scenario.loader import ScenarioError, load_scenario
from engine.sim import futures as F
from engine.sim.model import BrinkModel

ROOT = Path(__file__).resolve().parents[3]
DEFAULT = ROOT / "scenarios" / "nk-100k.yaml"
TEXT = DEFAULT.read_text(encoding="utf-8")
SANCTION = {"move": "impose_sanctions", "params": {"target": "russia", "package": "comprehensive"}}


@pytest.fixture
def store(tmp_path) -> ExerciseStore:
    return ExerciseStore(tmp_path / "ex.sqlite")


@pytest.fixture
def ex(store) -> Exercise:
    """West played by a human team, the rest by the engine, 6 turns, saved in ``store``."""
    return Exercise.start(TEXT, DEFAULT.name, seed=3, teams={"west": "human"}, turns=6,
                          store=store)


def _play(ex: Exercise, turns: int) -> None:
    for _ in range(turns):
        ex.adjudicate()


# --- starting ----------------------------------------------------------------------------------


def test_classroom_mode_is_saved_but_not_replayed(ex, store):
    """The view setting survives a reload; writing it again unchanged saves nothing; the game
    replays the same with it."""
    ex.adjudicate()
    before = ex.model().summary()
    assert ex.classroom is None
    assert ex.set_classroom(True) is not None
    assert ex.set_classroom(True) is None  # unchanged: no action, no save
    again = store.load(ex.id)
    assert again.classroom is True
    assert again.model().summary() == before
    again.set_classroom(False)
    assert store.load(ex.id).classroom is False


def test_start_rejects_bad_scenario_and_settings():
    with pytest.raises(ScenarioError, match="malformed YAML"):
        Exercise.start("id: x\ntitle: [unclosed\n", "bad.yaml")
    with pytest.raises(SessionError, match="'human' or 'engine'"):
        Exercise.start(TEXT, teams={"west": "robot"})
    with pytest.raises(SessionError, match="'human' or 'engine'"):
        Exercise.start(TEXT, teams={"atlantis": "human"})
    with pytest.raises(SessionError, match="turns must be between 1 and 52"):
        Exercise.start(TEXT, turns=53)
    with pytest.raises(SessionError, match="seed"):
        Exercise.start(TEXT, seed=-1)


def test_engine_only_exercise_matches_a_plain_run():
    """With no human team, an exercise is exactly `brink run` with the same seed."""
    ex = Exercise.start(TEXT, seed=11, turns=5)
    _play(ex, 5)
    plain = BrinkModel(load_scenario(DEFAULT), rng=11, turns=5).run()
    assert ex.model().frame().equals(plain.frame())
    assert ex.finished
    with pytest.raises(SessionError, match="all 5 turns have been played"):
        ex.adjudicate()


# --- moves -------------------------------------------------------------------------------------


def test_team_moves_are_adjudicated_with_their_rationale(ex):
    ex.submit("west", [SANCTION], rationale="  make Moscow pay  ", turn=ex.pending_turn)
    assert ex.waiting_for() == []
    model = ex.adjudicate()
    human = [m for m in model.move_log if m.source == "human"]
    assert [(m.actor, m.type.value, m.rationale) for m in human] == [
        ("west", "impose_sanctions", "make Moscow pay")]
    assert any(s.sender == "west" and s.target == "russia" and s.package == "comprehensive"
               for s in model.state.sanctions)
    assert ex.waiting_for() == ["west"]  # a new turn, a new submission


def test_resubmitting_replaces_the_earlier_submission(ex):
    ex.submit("west", [SANCTION], "first thoughts", turn=ex.pending_turn)
    ex.submit("west", [], "on reflection, hold", turn=ex.pending_turn)
    assert ex.submissions()["west"]["moves"] == []
    model = ex.adjudicate()
    assert not [m for m in model.move_log if m.source == "human"]


@pytest.mark.parametrize(
    ("move", "expected"),
    [
        ({"move": "impose_sanctions", "params": {"target": "russia", "package": "sectoral"}},
         "already in force"),
        ({"move": "deploy_troops", "params": {"troops": 5000}}, "needs the 'expeditionary'"),
        ({"move": "military_aid", "params": {"recipient": "ukraine", "amount": 9e9}},
         "'amount' must be between 0 and 5,000, got 9,000,000,000"),
        ({"move": "impose_sanctions", "params": {"target": "mars", "package": "targeted"}},
         "unknown actor 'mars'"),
        ({"move": "teleport", "params": {}}, "unknown move 'teleport'"),
    ],
    ids=["precondition", "capability", "out-of-bounds", "unknown-target", "unknown-move"],
)
def test_invalid_moves_are_refused_with_the_catalogue_reason(ex, move, expected):
    with pytest.raises(MoveRefused, match=expected):
        ex.submit("west", [move], turn=ex.pending_turn)
    assert ex.submissions() == {}  # nothing recorded


def test_only_human_teams_submit(ex):
    with pytest.raises(SessionError, match="played by the engine"):
        ex.submit("russia", [], turn=ex.pending_turn)


def test_move_options_follow_capabilities(ex):
    west = {s.type.value for s in ex.move_options("west")}
    nk = {s.type.value for s in ex.move_options("north_korea")}
    assert "impose_sanctions" in west
    assert "deploy_troops" not in west
    assert "deploy_troops" in nk
    assert ex.choices("west", "actor") == ["north_korea", "russia", "ukraine"]
    # the most hostile first for a target (Ukraine strikes Russia unless it chooses otherwise),
    # allies first for a recipient
    assert ex.choices("ukraine", "actor", "target") == ["russia", "north_korea", "west"]
    assert ex.choices("west", "actor", "recipient")[0] == "ukraine"


# --- injects -----------------------------------------------------------------------------------


def test_adhoc_inject_changes_state_at_its_turn(ex):
    ex.add_inject("Defectors report unrest", turn=2,
                  effects=[{"target": "north_korea", "var": "stability", "op": "add",
                            "value": -0.2}])
    model = ex.adjudicate()
    assert not [e for e in model.log.entries if e.kind == "inject" and e.ref.startswith("adhoc")]
    model = ex.adjudicate()
    hits = [e for e in model.log.entries if e.ref == "adhoc_1_1"]
    assert [(e.turn, e.target, e.var) for e in hits] == [(2, "north_korea", "stability")]
    assert hits[0].after == pytest.approx(hits[0].before - 0.2)


def test_bad_injects_get_the_loader_messages(ex):
    with pytest.raises(SessionError, match="unknown writable actor variable 'deployed'"):
        ex.add_inject("x", effects=[{"target": "north_korea", "var": "deployed", "value": 1}])
    with pytest.raises(SessionError, match="text"):
        ex.add_inject("   ")
    ex.adjudicate()
    with pytest.raises(SessionError, match=r"between 2 .* and 6, got 1"):
        ex.add_inject("too late", turn=1)


def test_scheduled_injects_can_be_skipped_or_edited():
    scenario = load_scenario(DEFAULT)
    first = next(i for i in scenario.injects if i.turn == 1)
    skip = Exercise.start(TEXT, seed=2, turns=2)
    skip.decide_inject(first.id, approve=False)
    assert skip.injects_for(1)[0]["status"] == "skipped"
    events = skip.adjudicate().events_frame()
    assert not events["text"].str.contains(first.id).any()

    edit = Exercise.start(TEXT, seed=2, turns=2)
    edit.decide_inject(first.id, text="Reports are now said to be exaggerated.")
    assert edit.injects_for(1)[0]["status"] == "edited"
    feed = edit.adjudicate().events_frame()
    injects = feed[feed["kind"] == "inject"]["text"].tolist()
    assert any("exaggerated" in t for t in injects)
    assert not any(first.text in t for t in injects)
    with pytest.raises(SessionError, match="already played"):
        edit.decide_inject(first.id, approve=False)


# --- rewind and branches -----------------------------------------------------------------------


def test_rewind_branches_and_keeps_the_original_line(ex):
    _play(ex, 2)
    ex.submit("west", [SANCTION], "turn 3 sanction", turn=ex.pending_turn)
    ex.adjudicate()
    original = ex.model(1).frame()
    branch = ex.rewind(2, "No sanction")
    assert (ex.current, ex.turn, branch.parent, branch.fork_turn) == (2, 2, 1, 2)
    same = ex.model().frame()
    assert same.equals(original[original["turn"] <= 2].reset_index(drop=True))
    ex.submit("west", [], "hold instead", turn=ex.pending_turn)
    ex.adjudicate()
    diverged = ex.model().frame()
    assert not diverged.equals(original)
    assert ex.model(1).frame().equals(original)  # the original line is untouched
    assert ex.played(1) == 3
    with pytest.raises(SessionError, match="from 0 to 3"):
        ex.rewind(4)
    with pytest.raises(SessionError, match="already a branch"):
        ex.rewind(0, "No sanction")
    assert [b.id for b in ex.lineage()] == [1, 2]


# --- persistence -------------------------------------------------------------------------------


def test_every_action_is_saved_and_reloads_identically(ex, store):
    ex.submit("west", [SANCTION], "why not", turn=ex.pending_turn)
    ex.add_inject("Storm closes the port")
    ex.adjudicate()
    ex.note("The room argued about leakage through China.")
    ex.rewind(0)
    ex.adjudicate()
    again = ExerciseStore(store.path).load(ex.id)  # a new process would do the same
    assert again.to_dict() == ex.to_dict()
    for b in ex.branches:
        assert again.model(b).frame().equals(ex.model(b).frame())
    assert [e["id"] for e in store.list()] == [ex.id]
    assert store.list()[0]["branches"] == 2


def test_two_tabs_cannot_overwrite_each_other(ex, store):
    other_tab = store.load(ex.id)
    ex.adjudicate()
    with pytest.raises(StaleExercise, match="changed elsewhere"):
        other_tab.note("late")
    fresh = store.load(ex.id)
    assert fresh.turn == 1
    assert not fresh.notes()


def test_json_export_round_trips_and_imports_as_new(ex, store):
    ex.submit("west", [SANCTION], "r", turn=ex.pending_turn)
    _play(ex, 2)
    doc = ex.to_json()
    back = Exercise.from_json(doc)
    assert back.model().frame().equals(ex.model().frame())
    imported = store.import_json(doc.encode("utf-8"))
    assert imported.id != ex.id
    assert len(store.list()) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("not json", "not a JSON file"),
        ("[1, 2]", "expected a JSON object"),
        ('{"format": "something-else"}', "not a Brink exercise file"),
        ('{"format": "brink-exercise"}', "exercise: this field is required"),
    ],
)
def test_bad_exercise_files_are_refused(text, expected):
    with pytest.raises(SessionError, match=expected):
        Exercise.from_json(text)


def test_a_tampered_log_does_not_import(ex):
    _play(ex, 1)
    doc = json.loads(ex.to_json())
    last = doc["actions"][-1]
    assert last["kind"] == "adjudicate"
    repeated = [{**last, "seq": last["seq"] + k} for k in range(1, 8)]
    with pytest.raises(SessionError, match=r"actions\[1\]\.data\.turn: turn 1 adjudicated where "
                                           "turn 2 of branch 1 comes next"):
        Exercise.from_json(json.dumps({**doc, "actions": doc["actions"] + repeated}))
    more = [{**last, "seq": last["seq"] + k, "data": {**last["data"], "turn": 1 + k}}
            for k in range(1, 8)]  # 8 turns of 6
    with pytest.raises(SessionError, match="turn 7 is after the exercise's last turn"):
        Exercise.from_json(json.dumps({**doc, "actions": doc["actions"] + more}))


def test_store_path_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("BRINK_DB", str(tmp_path / "x" / "db.sqlite"))
    assert default_db_path() == tmp_path / "x" / "db.sqlite"
    ExerciseStore()
    assert (tmp_path / "x" / "db.sqlite").exists()
    monkeypatch.delenv("BRINK_DB")
    assert default_db_path() == Path.home() / ".brink" / "exercises.sqlite"


def test_unopenable_store_is_a_session_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SessionError, match="cannot open the exercise store"):
        ExerciseStore(blocker / "db.sqlite")


def test_store_is_plain_sqlite(ex, store):
    ex.submit("west", [SANCTION], "because", turn=ex.pending_turn)
    with sqlite3.connect(store.path) as db:
        kinds = [r[0] for r in db.execute("SELECT kind FROM actions ORDER BY seq")]
        rationale = json.loads(db.execute("SELECT data FROM actions").fetchone()[0])["rationale"]
    assert kinds == ["moves"]
    assert rationale == "because"


# --- futures -----------------------------------------------------------------------------------


def test_a_future_forked_at_turn_zero_is_a_plain_lean_run():
    """Forking must carry the whole game: at turn 0 a future is exactly a fresh run."""
    scenario = load_scenario(DEFAULT)
    snap = F.snapshot(BrinkModel(scenario, rng=5, turns=10), TEXT, DEFAULT.name, 5)
    seed = F.future_seeds(snap, 1)[0]
    summary, rows = F.run_future(snap, 0, seed)
    plain = BrinkModel(scenario, rng=seed, turns=10, record=False).run().summary()
    assert {k: v for k, v in summary.items() if k not in ("run", "seed")} == plain
    assert rows.shape == (10, len(F.labels_for(list(snap.state.actors))))


def test_futures_are_deterministic_and_independent_of_chunking(ex, monkeypatch):
    ex.submit("west", [SANCTION], "", turn=ex.pending_turn)
    _play(ex, 2)
    a = ex.futures(6, workers=1)
    monkeypatch.setattr(F, "CHUNK", 4)
    b = ex.futures(6, workers=1)
    assert a.runs.equals(b.runs)
    assert (a.cube == b.cube).all()
    assert a.turns == (3, 4, 5, 6)
    assert a.cube.shape[:2] == (6, 4)
    assert a.runs["seed"].nunique() == 6
    fan = a.per_turn("world", "escalation_level")
    assert list(fan.columns) == ["run", "turn", "actor", "variable", "value"]
    assert len(fan) == 6 * 4


def test_futures_in_a_spawned_pool_match_in_process(ex, monkeypatch):
    _play(ex, 4)
    monkeypatch.setattr(F, "CHUNK", 2)
    here = ex.futures(4, workers=1)
    pooled = ex.futures(4, workers=2)
    assert here.runs.equals(pooled.runs)
    assert (here.cube == pooled.cube).all()


def test_futures_keep_outcomes_met_before_the_fork(ex):
    """An 'ever' outcome already met on the path taken stays met in every future."""
    _play(ex, 5)
    hit = {k for k, v in ex.model().outcomes_hit.items() if v}
    runs = ex.futures(3, workers=1).runs
    for outcome in hit:
        if next(o for o in ex.scenario.outcomes if o.id == outcome).when == "ever":
            assert runs[f"outcome.{outcome}"].all()


def test_human_teams_are_played_by_the_engine_in_futures(ex):
    """The human team's HumanPolicy would hold for ever; futures hand it to the YAML policy."""
    snap = F.snapshot(ex.model(), TEXT, DEFAULT.name, 3)
    assert snap.policies["west"].name == "doctrine"


def test_no_futures_after_the_last_turn(ex):
    _play(ex, 6)
    with pytest.raises(SessionError, match="no turns are left"):
        ex.futures(10)
    with pytest.raises(SessionError, match="between 1 and 100,000"):
        ex.futures(0)


# --- replaying an exercise saved by another engine -----------------------------------------------


def test_a_replay_that_matches_what_the_room_saw_reports_nothing(ex, store):
    """Each adjudicated turn records the headline figures it showed and the engine's code;
    reopening the exercise replays to exactly those figures."""
    ex.submit("west", [SANCTION], turn=ex.pending_turn)
    _play(ex, 3)
    seen = [a.data["seen"] for a in ex.branch_actions(kinds=("adjudicate",))]
    assert len(seen) == 3
    assert {"engine", "escalation_level", "actors"} <= set(seen[0])
    assert ex.replay_differences() == []
    again = store.load(ex.id)
    assert again.replay_differences() == []
    assert Exercise.from_json(ex.to_json()).replay_differences() == []


def test_a_replay_that_differs_says_which_turn_and_why(ex):
    """An exercise played with an earlier engine (simulated by editing the recorded figures
    and fingerprint) reopens, says which turn differs, by how much, and that the engine
    changed; with the same engine it says that this should not happen."""
    _play(ex, 3)
    doc = json.loads(ex.to_json())
    turns = [a for a in doc["actions"] if a["kind"] == "adjudicate"]
    turns[1]["data"]["seen"]["escalation_level"] += 0.5
    turns[1]["data"]["seen"]["actors"]["russia"]["strain"] += 0.01
    old_engine = dict(doc, actions=[dict(a) for a in doc["actions"]])
    for a in old_engine["actions"]:
        if a["kind"] == "adjudicate":
            a["data"] = dict(a["data"], seen=dict(a["data"]["seen"], engine="ab" * 32))
    (difference,) = Exercise.from_dict(old_engine).replay_differences()
    assert difference.startswith("Turn 2 no longer replays as it was played: escalation level")
    assert "Russia's economic strain" in difference
    assert "engine has changed" in difference
    assert "abababababab then" in difference
    (same_engine,) = Exercise.from_dict(doc).replay_differences()
    assert "should not happen" in same_engine


def test_an_adhoc_inject_effect_that_cannot_be_meant_is_refused_and_nothing_saved(ex, store):
    """Stability runs from 0 to 1: "add -5" is a typo for -0.5, refused with a suggestion
    before anything is saved; the corrected inject is accepted."""
    before = len(store.load(ex.id).actions)
    with pytest.raises(SessionError, match=r"effect 1: stability runs from 0 to 1; adding -5 "
                                           r"is more than its whole range \(did you mean -0.5\?\)"):
        ex.add_inject("Food riots", effects=[{"target": "north_korea", "var": "stability",
                                              "op": "add", "value": -5}])
    assert len(store.load(ex.id).actions) == before
    ex.add_inject("Food riots", effects=[{"target": "north_korea", "var": "stability",
                                          "op": "add", "value": -0.5}])
    assert len(store.load(ex.id).actions) == before + 1


def test_futures_draw_what_nobody_knows(ex):
    """By default each future draws the scenario's uncertain parameters from its own seed:
    inside their declared bounds, the same on a rerun, and a wider spread of casualties than
    futures that keep the exercise's values."""
    _play(ex, 2)
    drawn = ex.futures(40, workers=1)
    again = ex.futures(40, workers=1)
    fixed = ex.futures(40, workers=1, uncertain=False)
    pd.testing.assert_frame_equal(drawn.runs, again.runs)
    for name, spec in ex.scenario.parameters.items():
        if spec.uncertainty is None:
            continue
        values = drawn.runs[f"param.{name}"]
        assert values.between(spec.uncertainty.low, spec.uncertainty.high).all()
        assert values.nunique() == 40
    assert not [c for c in fixed.runs.columns if c.startswith("param.")]
    spread = drawn.runs["russia.casualties"].std()
    assert spread > 3 * fixed.runs["russia.casualties"].std()

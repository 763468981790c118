"""The exercise record is never lost, and nothing is played twice (issue 14, items 1 to 3).

Every action is stored before it exists in memory; a save that fails leaves the exercise exactly
as it was, so the next click does what it says once. An action names the turn and branch it was
written for, and is refused (``Overtaken``), not applied to the next turn, when another window
has moved the game on. What is acknowledged is what a fresh read of the store gives back.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from engine.exercise.session import (
    Exercise,
    Overtaken,
    SessionError,
    StaleExercise,
    StoreUnavailable,
)
from engine.exercise.store import ExerciseStore
from tests.engine.exercise.locks import held

ROOT = Path(__file__).resolve().parents[3]
SCENARIO = ROOT / "scenarios" / "nk-100k.yaml"
TEXT = SCENARIO.read_text(encoding="utf-8")
SANCTION = {"move": "impose_sanctions", "params": {"target": "russia", "package": "targeted"}}


@pytest.fixture
def path(tmp_path) -> Path:
    return tmp_path / "ex.sqlite"


@pytest.fixture
def store(path) -> ExerciseStore:
    return ExerciseStore(path, busy_timeout=0.2)


@pytest.fixture
def ex(store) -> Exercise:
    ex = Exercise.start(TEXT, SCENARIO.name, seed=5, teams={"west": "human", "russia": "human"},
                        turns=5, store=store)
    ex.adjudicate()
    return ex


def record(ex: Exercise) -> tuple:
    """What the exercise holds, as a value to compare."""
    return ([(a.seq, a.branch, a.at, a.kind, json.dumps(a.data, sort_keys=True))
             for a in ex.actions],
            sorted((b.id, b.name, b.parent, b.fork_turn) for b in ex.branches.values()),
            ex.current)


def assert_stored(ex: Exercise, store: ExerciseStore) -> None:
    """A fresh read of the store gives back exactly what this copy holds."""
    again = store.load(ex.id)
    assert record(again) == record(ex)
    assert again.version == ex.version


# Every kind of action the app can take, as (name, call). Each is valid on the fixture's game.
ACTIONS = {
    "adjudicate": lambda ex: ex.adjudicate(turn=ex.pending_turn),
    "submit": lambda ex: ex.submit("west", [SANCTION], "press Moscow", turn=ex.pending_turn),
    "submit a hold": lambda ex: ex.submit("russia", [], "", turn=ex.pending_turn),
    "note": lambda ex: ex.note("the room is split"),
    "ad-hoc inject": lambda ex: ex.add_inject("A ship is stopped at sea."),
    "inject decision": lambda ex: ex.decide_inject(
        next(i.id for i in ex.scenario.injects if i.turn >= ex.pending_turn), False),
    "rewind": lambda ex: ex.rewind(0, "From the start"),
    "switch": lambda ex: (ex.rewind(0, "Other"), ex.switch(1)),
    "classroom view": lambda ex: ex.set_classroom(True),
}


@pytest.mark.parametrize("name", list(ACTIONS))
def test_a_save_that_fails_leaves_the_exercise_as_it_was(name, ex, store, path):
    """Another program holds the store's write lock: the action fails with a sentence that says
    nothing was saved and what to do; this copy and the store are unchanged; once the lock is
    gone the same action succeeds once (the reviewer's second click played two turns)."""
    if name == "switch":
        ex.rewind(0, "Other")
        act = lambda ex: ex.switch(1)  # noqa: E731
    else:
        act = ACTIONS[name]
    before, version, turn = record(ex), ex.version, ex.turn
    with held(path, "write"):
        with pytest.raises(StoreUnavailable, match=r"locked by another program.*Nothing was saved"):
            act(ex)
        assert record(ex) == before
        assert (ex.version, ex.turn) == (version, turn)
    assert_stored(ex, store)
    act(ex)
    assert len(ex.actions) > len(before[0]) or ex.current != before[2]
    assert_stored(ex, store)
    if name == "adjudicate":
        assert ex.turn == turn + 1 == store.load(ex.id).turn


def test_a_reader_in_another_process_does_not_block_a_save(ex, store, path):
    """The issue's reproduction held a read transaction for 16 s; in write-ahead-log mode a
    reader never blocks a writer, so the save goes through while it is held."""
    with held(path, "read"):
        t0 = time.perf_counter()
        ex.adjudicate(turn=2)
        assert time.perf_counter() - t0 < 5
    assert store.load(ex.id).turn == 2


@pytest.mark.parametrize("error", [sqlite3.OperationalError("disk I/O error"),
                                   sqlite3.DatabaseError("database disk image is malformed"),
                                   OSError(28, "No space left on device")])
def test_any_store_failure_is_a_sentence_and_changes_nothing(error, ex, store, monkeypatch):
    def fail(*args, **kwargs):
        raise error

    before = record(ex)
    monkeypatch.setattr(ExerciseStore, "_insert", staticmethod(fail))
    with pytest.raises(StoreUnavailable, match=r"could not be written.*Nothing was saved"):
        ex.adjudicate()
    with pytest.raises(StoreUnavailable):
        ex.note("kept?")
    assert record(ex) == before
    monkeypatch.undo()
    assert_stored(ex, store)


# --- an action names what it was written for ------------------------------------------------


def two_windows(ex: Exercise, store: ExerciseStore) -> tuple[Exercise, Exercise]:
    return store.load(ex.id), store.load(ex.id)


def test_a_submission_for_a_turn_played_elsewhere_is_refused_not_filed_as_a_hold(ex, store):
    """Laptop A drafts the West's orders for turn 2 while laptop B adjudicates turn 2. A's
    submission names turn 2: refused, and nothing is filed for turn 3 on A's behalf."""
    a, b = two_windows(ex, store)
    b.adjudicate(turn=2)
    with pytest.raises(StaleExercise):  # A's copy is behind: its save is refused ...
        a.submit("west", [SANCTION], "press Moscow", turn=2)
    a = store.load(ex.id)  # ... the app reloads it and tries the same submission again
    for moves in ([SANCTION], []):  # a hold is refused just the same
        with pytest.raises(Overtaken, match=r"written for turn 2, which has since been "
                                            r"adjudicated.*next turn is now 3"):
            a.submit("west", moves, "press Moscow", turn=2)
    stored = store.load(ex.id)
    assert stored.submissions(3) == {}
    assert not [x for x in stored.actions if x.kind == "moves"]


def test_an_adjudication_for_a_turn_played_elsewhere_is_refused(ex, store):
    a, b = two_windows(ex, store)
    a.adjudicate(turn=2)
    b = store.load(ex.id)
    with pytest.raises(Overtaken, match="turn 2"):
        b.adjudicate(turn=2)
    assert store.load(ex.id).turn == 2


def test_an_action_written_before_a_rewind_or_a_switch_is_refused(ex, store):
    ex.adjudicate()
    a, b = two_windows(ex, store)
    b.rewind(1, "Again from turn 1")  # B is now on branch 2, turn 2 pending
    a = store.load(ex.id)
    with pytest.raises(Overtaken, match=r"written on Main line.*moved to Again from turn 1"):
        a.submit("west", [SANCTION], "", turn=3, branch=1)
    with pytest.raises(Overtaken, match="rewound"):
        a.submit("west", [SANCTION], "", turn=3)
    for act in (lambda: a.adjudicate(turn=3, branch=1), lambda: a.note("x", branch=1),
                lambda: a.add_inject("x", branch=1), lambda: a.rewind(0, branch=1),
                lambda: a.switch(1, branch=1)):
        with pytest.raises(Overtaken):
            act()
    assert_stored(a, store)
    assert store.load(ex.id).current == 2


def test_a_submission_must_name_its_turn(ex):
    with pytest.raises(TypeError, match="turn"):
        ex.submit("west", [SANCTION], "")  # no default: the turn is part of the submission


# --- sequences ---------------------------------------------------------------------------------


def test_every_acknowledged_action_reads_back_from_the_store(ex, store):
    """After each kind of action, a fresh read of the store gives back exactly this copy."""
    for name, act in ACTIONS.items():
        act(ex)
        assert_stored(ex, store)
        if name == "rewind":
            ex.switch(1)


def _exported_with_seqs(ex: Exercise, seqs: list[int]) -> str:
    doc = json.loads(ex.to_json())
    assert len(doc["actions"]) == len(seqs)
    for action, seq in zip(doc["actions"], seqs, strict=True):
        action["seq"] = seq
    return json.dumps(doc)


@pytest.fixture
def four_actions(ex) -> Exercise:
    ex.note("one")
    ex.submit("west", [SANCTION], "two", turn=2)
    ex.note("three")
    assert len(ex.actions) == 4
    return ex


@pytest.mark.parametrize(("seqs", "field"), [
    ([100, 2, 3, 4], "actions[1].seq: 2 does not follow the previous action's 100"),
    ([1, 2, 2, 3], "actions[2].seq: 2 does not follow the previous action's 2"),
    ([1, 3, 2, 4], "actions[2].seq: 2 does not follow the previous action's 3"),
    ([0, 1, 2, 3], "actions[0].seq"),
    ([-5, 1, 2, 3], "actions[0].seq"),
    ([1, 2, 3, 2**60], "actions[3].seq"),
])
def test_an_import_with_sequences_out_of_order_is_refused(seqs, field, four_actions, store):
    """The reviewer's file (seq 100, then 2 to 4) was taken, and the next note was acknowledged
    but never stored. Sequences out of order, repeated or out of range are refused, naming the
    action; nothing is stored."""
    before = store.list()
    with pytest.raises(SessionError) as refused:
        store.import_json(_exported_with_seqs(four_actions, seqs))
    assert field in str(refused.value)
    assert store.list() == before


def test_an_import_with_gaps_in_its_sequence_keeps_every_later_action(four_actions, store):
    imported = store.import_json(_exported_with_seqs(four_actions, [3, 10, 11, 40]))
    note = imported.note("after the import")
    assert note.seq == 41
    assert_stored(imported, store)
    assert [a.data["text"] for a in store.load(imported.id).notes()][-1] == "after the import"

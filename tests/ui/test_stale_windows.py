"""Two laptops, one exercise; a store another program has locked (issue 14, items 1 and 2).

A button is bound to the turn and branch its page showed. Another window playing that turn
first makes the click a refusal that keeps the team's draft, never a hold filed in its name or
a second turn played; a store that cannot be written leaves nothing half done.
"""

from __future__ import annotations

from engine.exercise.store import ExerciseStore
from tests.apptest import new_app, ok, texts
from tests.engine.exercise.locks import held
from tests.ui.apptest_helpers import open_exercise

SANCTION = ("impose_sanctions", {"target": "russia", "package": "targeted"})


def draft(at, move: str, **params):
    ok(at.selectbox(key="move:west").set_value(move).run())
    for name, value in params.items():
        widgets = at.get("selectbox") + at.get("number_input")
        next(w for w in widgets if w.key == f"param:west:{move}:{name}").set_value(value)
    return ok(at.button(key="add:west").click().run())


def submitted(at):
    return ok(at.button(key="submit:west").click().run())


def warnings(at) -> str:
    return " ".join(texts(at.warning))


def test_a_submission_after_another_laptop_played_the_turn_keeps_the_draft(db):
    """The reviewer's laptop A drafted the West's moves while laptop B adjudicated; A's Submit
    then filed "hold" for the next turn and the moves were gone."""
    laptop_a, ex = open_exercise(db, played=1)
    draft(laptop_a, *SANCTION[:1], **SANCTION[1])
    laptop_a.text_area(key="why:west:1:2").input("squeeze Moscow's revenue")
    ExerciseStore(db).load(ex.id).adjudicate(turn=2)  # laptop B plays turn 2

    submitted(laptop_a)
    said = warnings(laptop_a)
    assert "Not done: this was written for turn 2, which has since been adjudicated" in said
    assert "Your orders were: " in said
    assert "Russia" in said
    assert 'rationale: "squeeze Moscow\'s revenue"' in said
    assert "kept as the draft for turn 3" in said
    stored = ExerciseStore(db).load(ex.id)
    assert not [a for a in stored.actions if a.kind == "moves"]  # no hold in anyone's name
    assert stored.turn == 2
    # the draft and the rationale are on turn 3's order sheet, ready to submit
    assert any(m.startswith("1. ") for m in texts(laptop_a.markdown))
    assert laptop_a.text_area(key="why:west:1:3").value == "squeeze Moscow's revenue"
    submitted(laptop_a)
    orders = ExerciseStore(db).load(ex.id).submissions(3)["west"]
    assert [m["move"] for m in orders["moves"]] == ["impose_sanctions"]
    assert orders["rationale"] == "squeeze Moscow's revenue"


def test_a_hold_drafted_for_a_played_turn_is_not_filed(db):
    laptop_a, ex = open_exercise(db)
    ExerciseStore(db).load(ex.id).adjudicate(turn=1)
    submitted(laptop_a)  # nothing drafted: a hold, but for turn 1, which is gone
    assert "written for turn 1" in warnings(laptop_a)
    assert ExerciseStore(db).load(ex.id).submissions(2) == {}


def test_two_adjudicate_clicks_for_one_turn_play_it_once(db):
    """Both laptops show "Adjudicate turn 1"; both click."""
    laptop_a, ex = open_exercise(db)
    laptop_b = ok(new_app().run())
    laptop_b.query_params["exercise"] = ex.id
    laptop_b = ok(laptop_b.switch_page("screens/play.py").run())
    ok(laptop_a.button(key="adjudicate").click().run())
    ok(laptop_b.button(key="adjudicate").click().run())
    assert "Turn 1 adjudicated." in texts(laptop_a.success)
    assert "written for turn 1, which has since been adjudicated" in warnings(laptop_b)
    assert ExerciseStore(db).load(ex.id).turn == 1


def test_a_classroom_choice_for_a_played_turn_is_refused(db):
    from engine.exercise.session import Exercise
    from tests.conftest import SCENARIOS

    text = (SCENARIOS / "lessons" / "do-sanctions-work.yaml").read_text(encoding="utf-8")
    ex = Exercise.start(text, "do-sanctions-work.yaml", seed=1, teams={"west": "human"},
                        store=ExerciseStore(db))
    at = ok(new_app().run())
    at.query_params["exercise"] = ex.id
    at = ok(at.switch_page("screens/play.py").run())
    choice = next(b for b in at.button if (b.key or "").startswith("choice:west:")
                  and not b.disabled)
    ExerciseStore(db).load(ex.id).adjudicate(turn=1)
    ok(choice.click().run())
    assert "written for turn 1" in warnings(at)
    assert not [a for a in ExerciseStore(db).load(ex.id).actions if a.kind == "moves"]


def test_a_locked_store_plays_nothing_and_the_next_click_plays_one_turn(db):
    """The reviewer held the store for 16 s and clicked Adjudicate: the app said the database
    was locked, and the next click showed "Turn 3 adjudicated": two turns played."""
    at, ex = open_exercise(db, played=1)
    with held(db, "write"):  # a writer: saves wait their busy timeout, then give up
        ok(at.button(key="adjudicate").click().run())
        assert any("locked by another program" in e and "Nothing was saved" in e
                   for e in texts(at.error))
        assert ExerciseStore(db).load(ex.id).turn == 1
    ok(at.button(key="adjudicate").click().run())
    assert "Turn 2 adjudicated." in texts(at.success)
    assert ExerciseStore(db).load(ex.id).turn == 2
    assert "Main line · turn 2 of 6 played" in texts(at.caption)


def test_a_note_typed_before_a_branch_switch_is_refused_not_filed_elsewhere(db):
    at, ex = open_exercise(db, played=2)
    at.text_area(key="note_text").input("the West hesitates")
    other = ExerciseStore(db).load(ex.id)
    other.rewind(1, "Take two")
    at.button[[b.label for b in at.button].index("Save note")].click()
    ok(at.run())
    assert "written on Main line" in warnings(at)
    stored = ExerciseStore(db).load(ex.id)
    assert not stored.notes(1)
    assert not stored.notes(2)


def test_a_note_refused_by_a_locked_store_stays_in_its_box(db):
    """The reviewer's note vanished from its box when the save failed (the form cleared on
    submit): it stays until it is saved."""
    at, ex = open_exercise(db, played=1)
    at.text_area(key="note_text").input("the room wants talks")
    with held(db, "write"):
        at.button[[b.label for b in at.button].index("Save note")].click()
        ok(at.run())
        assert any("Nothing was saved" in e for e in texts(at.error))
    assert at.text_area(key="note_text").value == "the room wants talks"
    at.button[[b.label for b in at.button].index("Save note")].click()
    ok(at.run())
    assert "Note saved." in texts(at.success)
    assert at.text_area(key="note_text").value == ""
    assert [n.data["text"] for n in ExerciseStore(db).load(ex.id).notes()] == [
        "the room wants talks"]


def test_an_inject_edited_for_a_turn_played_elsewhere_is_refused_and_quoted(db):
    at, ex = open_exercise(db)
    due = ex.injects_for(1)
    scheduled = next(i for i in due if i["scheduled"])
    key = f"inject_text:{scheduled['id']}"
    at.text_area(key=key).input("An edited report that was never played.")
    ExerciseStore(db).load(ex.id).adjudicate(turn=1)
    ok(at.button(key=f"approve:{scheduled['id']}").click().run())
    said = warnings(at)
    assert "written for turn 1, which has since been adjudicated" in said
    assert '"An edited report that was never played."' in said
    stored = ExerciseStore(db).load(ex.id)
    assert not [a for a in stored.actions if a.kind == "inject_decision"]


def test_an_adhoc_inject_for_a_turn_played_elsewhere_is_refused_and_kept(db):
    at, ex = open_exercise(db)
    at.text_area(key="adhoc_text").input("A ferry is stopped.")
    ExerciseStore(db).load(ex.id).adjudicate(turn=1)
    at.button[[b.label for b in at.button].index("Add inject")].click()
    ok(at.run())
    assert "written for turn 1, which has since been adjudicated" in warnings(at)
    assert at.text_area(key="adhoc_text").value == "A ferry is stopped."
    assert not [a for a in ExerciseStore(db).load(ex.id).actions if a.kind == "inject"]

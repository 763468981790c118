"""Bad input in the ``discussion`` and ``lesson`` sections is refused with file, field and line.

Built like tests/engine/scenario/test_loader.py: a valid lesson pack is mutated one field at a
time and must be refused by parse_scenario, load_scenario and ``brink validate`` (status 2, no
traceback), naming the field path and the line where the mistake is.
"""

from __future__ import annotations

import copy

import pytest
import yaml

from engine.scenario.loader import parse_scenario
from engine.scenario.schema import Scenario
from tests.engine.scenario.test_loader import assert_refused, dump, line_of
from tests.lessons.test_lessons import LESSON_DIR

PACK = LESSON_DIR / "unverified-reports.yaml"
BASE = yaml.safe_load(PACK.read_text(encoding="utf-8"))
UNKNOWN = "narnia"


def mutated(change) -> str:
    doc = copy.deepcopy(BASE)
    change(doc)
    return dump(doc)


def test_base_pack_round_trips():
    """The mutations start from a valid file."""
    scenario = parse_scenario(dump(BASE), "pack.yaml")
    assert scenario.lesson is not None
    assert scenario.discussion


def test_scenarios_without_lesson_material_stay_valid():
    """Both sections are optional: the other scenarios need no change."""
    doc = copy.deepcopy(BASE)
    del doc["lesson"], doc["discussion"]
    scenario = parse_scenario(dump(doc), "plain.yaml")
    assert scenario.lesson is None
    assert scenario.discussion == []
    assert "lesson" in Scenario.model_fields
    assert "discussion" in Scenario.model_fields


def test_discussion_turn_after_the_last_turn(tmp_path, capsys):
    text = mutated(lambda d: d["discussion"].append({"turn": 99, "question": "Too late?"}))
    n = len(BASE["discussion"])
    assert_refused(tmp_path, capsys, text, f"discussion[{n}].turn",
                   "turn 99 is after the last turn (8)", line=line_of(text, "turn: 99"))


def test_discussion_negative_turn(tmp_path, capsys):
    text = mutated(lambda d: d["discussion"][0].update(turn=-1))
    assert_refused(tmp_path, capsys, text, "discussion[0].turn", "greater than or equal to 0",
                   line=line_of(text, "turn: -1"))


def test_discussion_empty_question(tmp_path, capsys):
    text = mutated(lambda d: d["discussion"][1].update(question=""))
    assert_refused(tmp_path, capsys, text, "discussion[1].question", "at least 1 character")


def test_choice_for_an_unknown_actor(tmp_path, capsys):
    text = mutated(lambda d: d["lesson"]["choices"][1].update(actor=UNKNOWN))
    assert_refused(tmp_path, capsys, text, "lesson.choices[1].actor",
                   f"unknown actor '{UNKNOWN}'", line=line_of(text, UNKNOWN))


def test_choice_with_an_unknown_move(tmp_path, capsys):
    text = mutated(lambda d: d["lesson"]["choices"][0].update(move={"move": "teleport"}))
    assert_refused(tmp_path, capsys, text, "lesson.choices[0].move.move",
                   "unknown move 'teleport'", line=line_of(text, "teleport"))


def test_choice_its_actor_may_not_make(tmp_path, capsys):
    """Ukraine has no 'sanctioner' capability."""
    def change(d):
        d["lesson"]["choices"][2] = {
            "label": "Sanction Russia", "actor": "ukraine",
            "move": {"move": "impose_sanctions", "target": "russia", "package": "targeted"}}
    text = mutated(change)
    assert_refused(tmp_path, capsys, text, "lesson.choices[2].move.move",
                   "ukraine may not use 'impose_sanctions'", "'sanctioner'",
                   line=line_of(text, "move: impose_sanctions"))


def test_choice_parameter_out_of_bounds(tmp_path, capsys):
    def change(d):
        d["lesson"]["choices"][3]["move"]["target"] = UNKNOWN
    text = mutated(change)
    assert_refused(tmp_path, capsys, text, "lesson.choices[3].move.target",
                   f"unknown actor '{UNKNOWN}' in 'target'", line=line_of(text, UNKNOWN))


def test_choice_move_naming_another_actor(tmp_path, capsys):
    text = mutated(lambda d: d["lesson"]["choices"][1]["move"].update(actor="russia"))
    assert_refused(tmp_path, capsys, text, "lesson.choices[1].move.actor",
                   "the move names actor 'russia' but the choice is for 'west'")


def test_duplicate_choice_label(tmp_path, capsys):
    label = BASE["lesson"]["choices"][0]["label"]
    text = mutated(lambda d: d["lesson"]["choices"][2].update(label=label))
    assert_refused(tmp_path, capsys, text, "lesson.choices[2].label",
                   f"duplicate label '{label}' for west", line=line_of(text, label, 1))


@pytest.mark.parametrize(("field", "path"), [
    ("debrief", "lesson.debrief"),
    ("objectives", "lesson.objectives"),
    ("teacher_notes", "lesson.teacher_notes"),
])
def test_required_lesson_parts(tmp_path, capsys, field, path):
    text = mutated(lambda d: d["lesson"].pop(field))
    assert_refused(tmp_path, capsys, text, path, "required field is missing")


def test_misspelt_lesson_field_gets_a_suggestion(tmp_path, capsys):
    def change(d):
        d["lesson"]["objective"] = d["lesson"].pop("objectives")
    text = mutated(change)
    assert_refused(tmp_path, capsys, text, "lesson.objective",
                   "unknown field 'objective'; did you mean 'objectives'?",
                   line=line_of(text, "objective:"))


def test_debrief_part_missing(tmp_path, capsys):
    text = mutated(lambda d: d["lesson"]["debrief"].pop("left_out"))
    assert_refused(tmp_path, capsys, text, "lesson.debrief.left_out", "required field is missing")


@pytest.mark.parametrize("minutes", [0, 500])
def test_teacher_step_minutes_out_of_range(tmp_path, capsys, minutes):
    text = mutated(lambda d: d["lesson"]["teacher_notes"][0].update(minutes=minutes))
    assert_refused(tmp_path, capsys, text, "lesson.teacher_notes[0].minutes",
                   "than or equal to", line=line_of(text, f"minutes: {minutes}"))

"""A game that no longer replays as it was played is said so wherever it is shown as "what
happened" (Play, hotwash, the report); the ad-hoc inject form reads in words ("White cell",
variables by label) while storing ids; small outcome probabilities are not rounded to 0%."""

from __future__ import annotations

import html
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from engine.exercise.session import Exercise
from engine.exercise.store import ExerciseStore
from engine.narrate.plain import percent
from tests.apptest import new_app, ok, texts
from tests.conftest import DEFAULT_SCENARIO
from tests.ui.apptest_helpers import TEXT, switch
from tests.ui.apptest_helpers import open_exercise as _open
from ui import core, report

pytestmark = pytest.mark.usefixtures("db")

REPLAYS_NOT = "no longer replays as it was played"


def _played(played: int = 3) -> Exercise:
    ex = Exercise.start(TEXT, DEFAULT_SCENARIO.name, seed=4, teams={"west": "human"}, turns=6)
    for _ in range(played):
        ex.adjudicate()
    return ex


def _as_if_older_engine(ex: Exercise, turns: tuple[int, ...] = (2,)) -> str:
    """The exercise exported as a file played with an earlier engine: the recorded figures of
    ``turns`` differ from today's replay, and so does the engine's code fingerprint."""
    doc = json.loads(ex.to_json())
    for a in doc["actions"]:
        if a["kind"] == "adjudicate" and a["data"]["turn"] in turns:
            a["data"]["seen"]["escalation_level"] += 0.5
            a["data"]["seen"]["engine"] = "ab" * 32
    return json.dumps(doc)


def _app_on(db, exercise_id: str, page: str) -> AppTest:
    at = new_app()
    at.query_params["exercise"] = exercise_id
    return switch(ok(at.run()), page)


def _report(at: AppTest) -> str:
    at.select_slider(key="aar_futures").set_value(0)
    ok(at.button(key="aar_build").click().run())
    return at.session_state["aar"]["html"]


def test_a_turn_that_no_longer_replays_is_warned_on_play_hotwash_and_report(db):
    imported = ExerciseStore(db).import_json(_as_if_older_engine(_played()))
    (difference,) = imported.replay_differences()
    assert difference.startswith(f"Turn 2 {REPLAYS_NOT}")

    at = _app_on(db, imported.id, "play")
    warned = [w for w in texts(at.warning) if REPLAYS_NOT in w]
    assert len(warned) == 1
    assert "Turn 2" in warned[0]
    assert "engine has changed" in warned[0]
    at = switch(at, "hotwash")
    assert [w for w in texts(at.warning) if REPLAYS_NOT in w] == warned
    page = _report(at)
    assert core.as_markdown_text(difference) in warned[0]
    assert '<p class="notice">Turn 2 no longer replays' in page
    assert f"{html.escape(difference)}</p>" in page
    # near the top: before the exercise's overview
    assert page.index(html.escape(difference)) < page.index('id="exercise"')
    assert report.REPLAY_TITLE in page


def test_an_exercise_that_replays_as_played_shows_no_warning(db):
    imported = ExerciseStore(db).import_json(_played().to_json())
    assert imported.replay_differences() == []
    at = _app_on(db, imported.id, "play")
    assert not [w for w in texts(at.warning) if REPLAYS_NOT in w]
    at = switch(at, "hotwash")
    assert not [w for w in texts(at.warning) if REPLAYS_NOT in w]
    page = _report(at)
    assert "class=\"notice\"" not in page
    assert report.REPLAY_TITLE not in page


def test_at_most_three_turns_are_listed_then_how_many_more(db):
    imported = ExerciseStore(db).import_json(
        _as_if_older_engine(_played(5), turns=(1, 2, 3, 4, 5)))
    assert len(imported.replay_differences()) == 5
    at = _app_on(db, imported.id, "play")
    (warned,) = [w for w in texts(at.warning) if REPLAYS_NOT in w]
    assert [f"Turn {t} " in warned for t in range(1, 6)] == [True] * 3 + [False] * 2
    assert warned.endswith("And 2 more turns no longer replay as they were played.")
    page = report.after_action_report(imported, futures=0)
    assert "And 2 more turns no longer replay as they were played.</p>" in page
    assert "Turn 4 " not in page.split("<script")[0]

    assert core.replay_notice([]) == []
    assert core.replay_notice(["a.", "b.", "c."]) == ["a.", "b.", "c."]
    assert core.replay_notice(["a.", "b.", "c.", "d."])[-1] == (
        "And 1 more turn no longer replays as it was played.")


# --- the ad-hoc inject form --------------------------------------------------------------------


def test_adhoc_inject_form_reads_in_words_and_stores_ids(db):
    at, ex = _open(db)
    assert at.text_input(key="adhoc_from").value == "White cell"
    variables = at.selectbox(key="adhoc_var")
    assert "Troops at home" in variables.options
    assert "Front-line pressure (positive favours the first side)" in variables.options
    assert not {"forces_home", "front_pressure", "strain"} & set(variables.options)
    assert "Readiness" in variables.options  # no label: the id in words

    at.text_area(key="adhoc_text").input("A convoy is stopped at the border")
    at.selectbox(key="adhoc_target").set_value("north_korea")
    variables.set_value("forces_home")
    at.number_input(key="adhoc_value").set_value(-100.0)
    ok(next(b for b in at.button if b.label == "Add inject").click().run())
    assert "Inject added." in texts(at.success)
    (added,) = [a.data["inject"] for a in ExerciseStore(db).load(ex.id).branch_actions(
        kinds=("inject",))]
    assert added["from"] == "white_cell"
    assert added["effects"] == [{"target": "north_korea", "var": "forces_home", "op": "add",
                                 "value": -100.0}]


def test_an_inject_source_typed_as_read_maps_back_to_its_id():
    names = {"west": "The West (US, EU, UK, ROK, Japan)", "north_korea": "North Korea"}
    assert core.source_id("White cell", names) == "white_cell"
    assert core.source_id("  white  CELL ", names) == "white_cell"
    assert core.source_id("", names) == "white_cell"
    assert core.source_id("north korea", names) == "north_korea"
    assert core.source_id("Press", names, known=("press",)) == "press"
    assert core.source_id("NATO Secretary General", names) == "NATO Secretary General"
    assert core.var_label("forces_home") == "Troops at home"
    assert core.var_label("no_such_var") == "No such var"


# --- small probabilities -----------------------------------------------------------------------


def test_percent_keeps_small_probabilities():
    assert [percent(p) for p in (0, 0.004, 0.0004, 0.25, 0.996, 1)] == [
        "0%", "0.4%", "0.04%", "25%", "99.6%", "100%"]


def test_the_reports_named_outcomes_show_small_probabilities(monkeypatch):
    ex = _played(1)
    table = pd.DataFrame({"outcome": ["rare", "never"], "label": ["A rare outcome", "Never"],
                          "p": [0.004, 0.0], "low": [0.0007, 0.0], "high": [0.022, 0.0038],
                          "so far": ["not yet", "not yet"]})
    monkeypatch.setattr(core, "outcome_table", lambda *a, **k: table)
    page = report.after_action_report(ex, futures=5)
    body = page.split("<caption>Named outcomes</caption>")[1].split("</table>")[0]
    cells = [c.split("</td>")[0] for c in body.split("<td>")[1:]]
    assert cells == ["A rare outcome", "0.4%", "0.07%-2%", "not yet",
                     "Never", "0%", "0%-0.4%", "not yet"]


def test_an_injects_effects_read_in_words():
    names = {"north_korea": "North Korea"}
    assert core.effect_text({"target": "north_korea", "var": "forces_home", "op": "add",
                             "value": -100.0}, names) == "North Korea: troops at home -100"
    assert core.effect_text({"target": "world", "var": "escalation_level", "op": "set",
                             "value": 14}, names) == (
        "the world: escalation level (rung on Kahn's ladder) set to 14")
    assert core.effect_text({"target": "ukraine", "var": "stability", "op": "mul",
                             "value": 0.9}, names) == "ukraine: stability x 0.9"

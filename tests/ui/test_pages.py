"""The tabletop app's pages under Streamlit's AppTest: each page, and the main flow (set up,
play three turns with one human team, inject, rewind, branch, export the report)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from engine.exercise.session import Exercise
from engine.exercise.store import ExerciseStore
from tests.apptest import new_app as _app
from tests.apptest import ok as _ok
from tests.apptest import texts as _texts
from tests.ui.apptest_helpers import open_exercise as _open
from tests.ui.apptest_helpers import switch as _page
from ui import core

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "scenarios" / "nk-100k.yaml"
TEXT = DEFAULT.read_text(encoding="utf-8")


pytestmark = pytest.mark.usefixtures("db")


def _submit(at: AppTest, label_part: str) -> AppTest:
    button = next(b for b in at.button if label_part in (b.label or ""))
    return _ok(button.click().run())


# --- library -----------------------------------------------------------------------------------


def test_library_shows_the_default_scenario_and_its_briefing():
    at = _ok(_app().run())
    assert _texts(at.title) == ["Scenario library"]
    title = core.read_scenario_file(DEFAULT).scenario.title
    assert at.header[0].value == title
    assert "100,000" in at.expander[0].markdown[0].value
    assert "No exercise open." in _texts(at.sidebar.caption)


def test_library_upload_errors_are_shown_not_raised(tmp_path, monkeypatch):
    bad = tmp_path / "broken.yaml"
    bad.write_text("id: x\ntitle: [unclosed\n", encoding="utf-8")
    monkeypatch.setattr(core, "shipped_scenarios", lambda folder=None: [bad])
    at = _ok(_app().run())
    assert at.selectbox(key="lib_scenario").options == ["broken.yaml (invalid)"]
    assert "malformed YAML" in at.error[0].value
    assert not at.button  # nothing to set up


def test_library_upload_waits_for_a_file():
    at = _ok(_app().run())
    _ok(at.radio(key="lib_source").set_value("Upload").run())
    assert "Upload a scenario file" in at.info[0].value


# --- set-up ------------------------------------------------------------------------------------


def test_setup_starts_and_saves_an_exercise(db):
    at = _ok(_app().run())
    _ok(at.button(key="lib_use").click().run())
    assert _texts(at.title) == ["Set up an exercise"]
    assert len(at.table[0].value) == len(core.read_scenario_file(DEFAULT).scenario.injects)
    at.radio(key="team:west").set_value("human")
    at.number_input(key="setup_turns").set_value(5)
    at.number_input(key="setup_seed").set_value(9)
    _submit(at, "Start the exercise")
    saved = ExerciseStore(db).list()
    assert len(saved) == 1
    ex = ExerciseStore(db).load(saved[0]["id"])
    assert (ex.seed, ex.turns, ex.human_teams) == (9, 5, ["west"])
    assert at.session_state["exercise_id"] == ex.id
    assert any("Exercise started and saved" in s for s in _texts(at.success))
    heads = [h.value for h in at.subheader]  # now on the Play page, questions first
    assert heads[:2] == ["Before the first turn", "Turn 1: orders"], heads


def test_pages_without_an_exercise_point_to_the_library():
    at = _ok(_app().run())
    for name in ("play", "futures", "branches", "hotwash"):
        _page(at, name)
        assert "No exercise is open" in at.info[0].value, name


# --- play --------------------------------------------------------------------------------------


def _draft(at: AppTest, move: str, **params) -> AppTest:
    _ok(at.selectbox(key="move:west").set_value(move).run())
    for name, value in params.items():
        widget = at.get("selectbox") + at.get("number_input")
        w = next(w for w in widget if w.key == f"param:west:{move}:{name}")
        w.set_value(value)
    return _ok(at.button(key="add:west").click().run())


def test_refused_move_says_why_and_is_not_drafted(db):
    at, ex = _open(db)
    _draft(at, "impose_sanctions", target="north_korea", package="comprehensive")
    reason = ex.check("west", "impose_sanctions",
                      {"target": "north_korea", "package": "comprehensive"})
    assert reason  # the engine's own check refuses it ...
    assert at.error[0].value == f"Refused: {reason}. Nothing was added."  # ... and says why
    assert "No moves drafted" in " ".join(_texts(at.caption))


def test_move_bounds_come_from_the_catalogue(db):
    at, _ = _open(db)
    _ok(at.selectbox(key="move:west").set_value("military_aid").run())
    amount = at.number_input(key="param:west:military_aid:amount")
    # the widget does not clamp (a clamped widget would submit another number than typed):
    # the bounds are the catalogue's, stated in the help and checked when the move is added
    assert (amount.min, amount.max) == (None, None)
    assert amount.help == "between 0 and 5,000 USD M per turn"
    assert amount.label == "amount (USD M per turn)"
    moves = at.selectbox(key="move:west").options
    assert "Deploy troops abroad" not in moves  # the West has no expeditionary capability
    assert "Impose a sanctions package" in moves


def test_main_flow_play_three_turns_inject_rewind_branch_report(db):
    at, ex = _open(db)
    rationales = ["cut Moscow's revenue", "hold and watch", "pressure Pyongyang's banks"]
    plans = [("impose_sanctions", {"target": "russia", "package": "comprehensive"}), None,
             ("enforce_sanctions", {"target": "north_korea"})]
    for turn, (plan, why) in enumerate(zip(plans, rationales, strict=True), start=1):
        if plan:
            _draft(at, plan[0], **plan[1])
            assert any(m.startswith("1. ") for m in _texts(at.markdown))
        if turn == 2:  # the facilitator adds an inject before adjudicating turn 2
            at.text_area(key="adhoc_text").input("A rail bridge is damaged")
            at.selectbox(key="adhoc_target").set_value("north_korea")
            at.selectbox(key="adhoc_var").set_value("readiness")
            at.number_input(key="adhoc_value").set_value(-0.1)
            _submit(at, "Add inject")
            assert "Inject added." in _texts(at.success)
        at.text_area(key=f"why:west:1:{turn}").input(why)
        _submit(at, f"Submit orders for turn {turn}")
        assert (f"The West (US, EU, UK, ROK, Japan): orders for turn {turn} are in."
                in _texts(at.success))
        _ok(at.button(key="adjudicate").click().run())
        assert f"Turn {turn} adjudicated." in _texts(at.success)
        assert f"Main line · turn {turn} of 6 played" in _texts(at.caption)

    stored = ExerciseStore(db).load(ex.id)  # everything is already saved
    assert stored.turn == 3
    log = core.decision_log(stored)
    assert log["rationale"].tolist() == rationales
    assert log["moves"].tolist()[1] == "hold"
    model = stored.model()
    assert [e.ref for e in model.log.entries if e.ref.startswith("adhoc")][:1] == ["adhoc_1_1"]
    # dashboard: metrics, intelligence, news, why?
    labels = [m.label for m in at.metric]
    assert {"Escalation rung", "Risk of a wider war", "Sanctions in force"} <= set(labels)
    assert any(e.label.startswith("sanctions in force") or "strain" in e.label
               for e in at.expander)

    # rewind to turn 1 and branch
    _page(at, "branches")
    at.number_input(key="rewind_turn").set_value(1)
    at.text_input(key="rewind_name").input("Softer line")
    _submit(at, "Rewind and branch")
    stored = ExerciseStore(db).load(ex.id)
    assert stored.current == 2
    assert stored.turn == 1
    assert stored.played(1) == 3  # the original line is kept
    table = at.dataframe[0].value
    assert table["name"].tolist() == ["Main line", "Softer line"]
    _page(at, "play")
    _ok(at.button(key="adjudicate").click().run())  # the branch plays on, the team holds
    _page(at, "branches")
    comparison = at.dataframe[1].value
    assert list(comparison.columns) == ["Main line", "Softer line"]
    assert comparison.loc["turns played"].tolist() == ["3", "2"]
    _ok(at.selectbox(key="switch_to").set_value(1).run())
    _ok(at.button(key="switch").click().run())
    assert "Now on Main line." in _texts(at.success)

    # hotwash and report
    _page(at, "hotwash")
    at.text_area(key="hotwash_note_text").input("Teams underestimated leakage via China.")
    _submit(at, "Save note")
    assert any("leakage via China" in m for m in _texts(at.markdown))
    at.select_slider(key="aar_futures").set_value(50)
    _ok(at.button(key="aar_build").click().run())
    html = at.session_state["aar"]["html"]
    assert at.get("download_button")
    for text in ("After-action report", "Softer line", "leakage via China",
                 "cut Moscow", "pressure Pyongyang", "Branches compared", "White cell",
                 "A rail bridge is damaged", "Compared with Monte Carlo futures"):
        assert text in html, text
    assert 'src="http' not in html
    assert 'href="http' not in html


def test_a_scheduled_inject_can_be_skipped(db):
    at, ex = _open(db)
    first = next(i for i in ex.scenario.injects if i.turn == 1)
    _ok(at.button(key=f"skip:{first.id}").click().run())
    assert f"Inject skipped (it will not be played): {first.text}" in _texts(at.success)
    assert ExerciseStore(db).load(ex.id).injects_for(1)[0]["status"] == "skipped"


def test_finished_exercise_offers_no_orders(db):
    at, _ = _open(db, turns=2, played=2)
    assert "All 2 turns have been played" in at.success[0].value
    assert not [b for b in at.button if b.key == "adjudicate"]


def test_another_tab_acting_first_reloads_instead_of_overwriting(db):
    at, ex = _open(db)
    other_tab = ExerciseStore(db).load(ex.id)
    other_tab.adjudicate()  # the other tab plays turn 1
    _ok(at.run())
    assert "Main line · turn 1 of 6 played" in _texts(at.caption)


def test_reload_resumes_from_the_url(db):
    _, ex = _open(db, played=2)
    fresh = _app()
    fresh.query_params["exercise"] = ex.id
    _page(_ok(fresh.run()), "play")
    assert "Main line · turn 2 of 6 played" in _texts(fresh.caption)


def test_unknown_exercise_in_the_url_is_a_message(db):
    at = _app()
    at.query_params["exercise"] = "nope"
    _ok(at.run())
    assert "not in the store" in at.warning[0].value


# --- futures -----------------------------------------------------------------------------------


def test_futures_page_shows_outcomes_and_fans(db):
    at, _ = _open(db, turns=6, played=3)
    _page(at, "futures")
    at.select_slider(key="n_futures").set_value(100)
    _ok(at.button(key="run_futures").click().run())
    assert any("100 futures played" in c for c in _texts(at.caption))
    assert any("its own draw of what nobody knows (pay usd per soldier month, casualty rate "
               "weekly, leakage max" in c for c in _texts(at.caption))
    table = at.dataframe[0].value
    assert {"label", "p", "low", "high", "so far"} <= set(table.columns)
    # (Wilson's lower end at p = 0 comes out as ~1e-18 in floating point, hence the slack)
    assert ((table["low"] <= table["p"] + 1e-12) & (table["p"] <= table["high"])).all()
    assert len(at.get("vega_lite_chart")) >= 3  # outcomes + two fans


def test_futures_page_when_no_turns_are_left(db):
    at, _ = _open(db, turns=1, played=1)
    _page(at, "futures")
    assert "No turns are left" in at.info[0].value


# --- saved exercises -----------------------------------------------------------------------------


def test_saved_exercises_resume_export_and_import(db):
    at, ex = _open(db, played=1)
    _page(at, "exercises")
    assert at.dataframe[0].value["id"].tolist() == [ex.id]
    exported = next(b for b in at.get("download_button") if b.key == "export")
    assert exported is not None
    _ok(at.button(key="resume").click().run())
    assert "Main line · turn 1 of 6 played" in _texts(at.caption)


def test_imported_exercise_is_listed_and_resumable(db):
    """An exported file imported into the store (what the page's Import button calls) is a new
    exercise that replays to the same turn."""
    at, ex = _open(db, played=2)
    ExerciseStore(db).import_json(ex.to_json())
    _page(at, "exercises")
    listed = at.dataframe[0].value
    assert len(listed) == 2
    assert set(listed["played"]) == {2}
    assert json.loads(ex.to_json())["format"] == "brink-exercise"


def test_a_stored_log_that_does_not_replay_is_a_message(db):
    """A damaged store (here: more adjudications than turns) is reported, not raised."""
    import sqlite3

    _, ex = _open(db, turns=2, played=2)
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO actions VALUES (?, 99, 1, 3, 'adjudicate', '{\"turn\": 3}', '')",
                     (ex.id,))
    fresh = _app()
    fresh.query_params["exercise"] = ex.id
    _ok(fresh.run())
    # checked like an imported file when it is read: the message names the action and field
    assert f"Cannot open exercise {ex.id}" in fresh.error[0].value
    assert "actions[2].data.turn: turn 3 is after the exercise's last turn (2)" \
        in fresh.error[0].value.replace("\\", "")  # as shown: Markdown escapes resolved
    assert "No exercise open." in _texts(fresh.sidebar.caption)


def test_futures_follow_the_exercise_levers():
    """Futures replay the scenario with the exercise's lever choices, not the defaults."""
    scenario = core.read_scenario_file(DEFAULT).scenario
    name, lever = next(iter(scenario.levers.items()))
    other = next(o for o in lever.options if o != lever.default)
    ex = Exercise.start(TEXT, DEFAULT.name, seed=2, turns=4, levers={name: other})
    ex.adjudicate()
    from engine.sim.futures import _scenario, snapshot

    snap = snapshot(ex.model(), ex.scenario_text, ex.source, ex.seed, ex.levers)
    assert snap.levers == ((name, other),)
    assert _scenario(snap.scenario_text, snap.source, snap.levers) == ex.scenario


def test_library_upload_of_a_bad_file_shows_the_cli_message():
    at = _ok(_app().run())
    _ok(at.radio(key="lib_source").set_value("Upload").run())
    at.file_uploader(key="lib_upload").set_value(("mine.yaml", b"id: x\nid: y\n", "text/yaml"))
    _ok(at.run())
    assert "mine.yaml" in at.error[0].value
    assert "duplicate key" in at.error[0].value


def test_library_upload_of_a_good_file_sets_it_up():
    at = _ok(_app().run())
    _ok(at.radio(key="lib_source").set_value("Upload").run())
    at.file_uploader(key="lib_upload").set_value(("mine.yaml", TEXT.encode(), "text/yaml"))
    _ok(at.run())
    _ok(at.button(key="lib_use").click().run())
    assert _texts(at.title) == ["Set up an exercise"]
    assert at.session_state["chosen"]["source"] == "mine.yaml"


@pytest.mark.parametrize(
    ("data", "expected"),
    [(b"{not json", "ex.json is not a JSON file"),
     (b'{"format": "x"}', "ex.json is not a Brink exercise file"),
     (b'{"title": "some other JSON"}', "ex.json is not a Brink exercise file")],
    ids=["not-json", "other-format", "no-format"],
)
def test_importing_a_bad_file_is_a_message(db, data, expected):
    at = _ok(_app().run())
    _page(at, "exercises")
    at.file_uploader(key="import_file").set_value(("ex.json", data, "application/json"))
    _ok(at.run())
    _ok(at.button(key="import").click().run())
    message = at.error[0].value
    assert expected in message
    assert "Export the open exercise" in message  # what to import instead
    assert "format None" not in message  # no internals
    assert "'x'" not in message
    assert ExerciseStore(db).list() == []


def test_importing_an_exported_file_opens_it(db):
    ex = Exercise.start(TEXT, DEFAULT.name, seed=1, turns=3)
    ex.adjudicate()
    at = _ok(_app().run())
    _page(at, "exercises")
    at.file_uploader(key="import_file").set_value(("ex.json", ex.to_json().encode(),
                                                   "application/json"))
    _ok(at.run())
    _ok(at.button(key="import").click().run())
    assert any(s.startswith("Imported as") for s in _texts(at.success))
    saved = ExerciseStore(db).list()
    assert [e["played"] for e in saved] == [1]
    assert at.session_state["exercise_id"] == saved[0]["id"]


def test_discussion_questions_are_asked_and_answers_recorded(db):
    """Questions after a turn appear under the dashboard; hotwash questions on the hotwash
    page; answers are saved as notes with their question."""
    import yaml

    doc = yaml.safe_load(TEXT)
    doc["discussion"] = [{"turn": 1, "question": "Who blinked first?"},
                         {"question": "What would you do differently?"}]
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    ex = Exercise.start(text, "q.yaml", seed=1, turns=3, store=ExerciseStore(db))
    ex.adjudicate()
    at = _app()
    at.query_params["exercise"] = ex.id
    _page(_ok(at.run()), "play")
    assert "Discussion after turn 1" in _texts(at.subheader)
    at.text_area(key="q1:answer:0").input("Moscow, on oil")
    _submit(at, "Record answer")
    _page(at, "hotwash")
    assert "**What would you do differently?**" in _texts(at.markdown)
    notes = ExerciseStore(db).load(ex.id).notes()
    assert [(n.data["question"], n.data["text"]) for n in notes] == [
        ("Who blinked first?", "Moscow, on oil")]

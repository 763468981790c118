"""Classroom mode in the app: the Library's Lessons group, set-up defaults for a lesson, the
Glossary page, and facilitator scenarios staying in facilitator mode. (Each lesson pack is
played end to end in tests/lessons/test_lessons_app.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analysis.fans import fan
from engine.exercise.session import Exercise
from engine.exercise.store import ExerciseStore
from engine.narrate.handout import terms_used
from engine.narrate.plain import GLOSSARY, chart_caption, explanations
from engine.scenario.loader import load_scenario
from engine.sim.model import BrinkModel
from tests.apptest import APP
from tests.apptest import ok as _ok
from tests.apptest import texts as _texts
from ui import charts, core

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "scenarios" / "nk-100k.yaml"
LESSON = ROOT / "scenarios" / "lessons" / "unverified-reports.yaml"


pytestmark = pytest.mark.usefixtures("db")


def test_library_lists_the_lesson_packs_as_their_own_group():
    at = _ok(AppTest.from_file(APP, default_timeout=60).run())
    assert at.radio(key="lib_source").options == ["Shipped", "Lessons", "Upload"]
    shipped = at.selectbox(key="lib_scenario").options
    _ok(at.radio(key="lib_source").set_value("Lessons").run())
    options = at.selectbox(key="lib_lesson").options
    lessons = [load_scenario(p) for p in core.lesson_scenarios()]
    assert options == [s.title for s in lessons]
    assert len(options) >= 3
    assert not set(options) & set(shipped)  # lessons are not mixed into the shipped list
    assert "Lesson" in _texts(at.subheader)
    assert [b.key for b in at.get("download_button")] == ["lib:handout_students",
                                                        "lib:handout_teacher"]


def test_a_plain_scenario_shows_no_lesson_block():
    at = _ok(AppTest.from_file(APP, default_timeout=60).run())
    assert "Lesson" not in _texts(at.subheader)
    assert not at.get("download_button")
    assert at.button(key="lib_use").label == "Set up an exercise with this scenario"


def test_setup_of_a_plain_scenario_keeps_facilitator_mode(db):
    at = _ok(AppTest.from_file(APP, default_timeout=60).run())
    _ok(at.button(key="lib_use").click().run())
    assert at.toggle(key="setup_classroom").value is False
    assert at.radio(key="team:west").value == "engine"


def test_classroom_mode_on_a_plain_scenario_shows_captions_but_keeps_the_order_form(db):
    """Switched on for a scenario without a lesson: no choices to offer, so the full order
    sheet stays; charts get their sentences and "why?" its plain sentences."""
    ex = Exercise.start(DEFAULT.read_text(encoding="utf-8"), DEFAULT.name, seed=4,
                        teams={"west": "human"}, turns=3, store=ExerciseStore(db))
    ex.adjudicate()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["exercise"] = ex.id
    _ok(at.run())
    _ok(at.switch_page("screens/play.py").run())
    assert at.sidebar.toggle(key=f"classroom:{ex.id}").value is False
    _ok(at.sidebar.toggle(key=f"classroom:{ex.id}").set_value(True).run())
    assert "Turn 2: orders" in [h.value for h in at.subheader]
    assert at.selectbox(key="move:west")
    assert not [b for b in at.button if (b.key or "").startswith("choice:")]
    frame = ex.model().frame()
    assert chart_caption("escalation", frame) in _texts(at.caption)
    assert chart_caption("strain", frame, names=ex.names) in _texts(at.caption)
    labels = [e.label for e in at.expander]
    for e in explanations(ex.model(), 1):
        if e.direction != "stayed":
            assert core.as_markdown_text(e.headline()) in labels


def test_glossary_page_lists_every_term():
    at = _ok(AppTest.from_file(APP, default_timeout=60).run())
    _ok(at.switch_page("screens/glossary.py").run())
    assert _texts(at.title) == ["Glossary"]
    body = "\n".join(_texts(at.markdown))
    for term, definition in GLOSSARY.items():
        assert f"- **{term}**: {core.as_markdown_text(definition)}" in body, term
    assert "Words this lesson uses" not in _texts(at.subheader)


def test_glossary_finds_a_word():
    at = _ok(AppTest.from_file(APP, default_timeout=60).run())
    _ok(at.switch_page("screens/glossary.py").run())
    _ok(at.text_input(key="glossary_find").input("leakage").run())
    body = "\n".join(_texts(at.markdown))
    assert f"- **leakage**: {GLOSSARY['leakage']}" in body
    assert "**hotwash**" not in body
    shown = [t for t in GLOSSARY if f"- **{t}**:" in body]
    assert shown == [t for t in GLOSSARY if "leakage" in t.lower() + GLOSSARY[t].lower()]


def test_glossary_puts_the_open_lessons_words_first(db):
    scenario = load_scenario(LESSON)
    ex = Exercise.start(LESSON.read_text(encoding="utf-8"), LESSON.name, seed=1,
                        teams={"west": "human"}, store=ExerciseStore(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["exercise"] = ex.id
    _ok(at.run())
    _ok(at.switch_page("screens/glossary.py").run())
    assert _texts(at.subheader)[:2] == ["Words this lesson uses", "All words"]
    first = next(m.value for m in at.markdown if m.value.startswith("- **"))
    used = terms_used(scenario)
    assert used
    assert [line.split("**")[1] for line in first.splitlines()] == used


def test_futures_charts_carry_their_sentence_in_classroom_mode(db):
    ex = Exercise.start(LESSON.read_text(encoding="utf-8"), LESSON.name, seed=1,
                        teams={"west": "human"}, turns=4, store=ExerciseStore(db))
    ex.adjudicate()
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["exercise"] = ex.id
    _ok(at.run())
    _ok(at.switch_page("screens/futures.py").run())
    at.select_slider(key="n_futures").set_value(100)
    _ok(at.button(key="run_futures").click().run())
    futures = at.session_state["futures"]["result"]
    captions = _texts(at.caption)
    table = core.outcome_table(futures, ex.scenario, ex.model())
    names = {o.id: o.name for o in ex.scenario.outcomes}
    assert chart_caption("probabilities", table, names=names) in captions
    fans = [c for c in captions if c.startswith("Across 100 runs, ")]
    assert at.multiselect(key="fan_vars").value == ["Escalation level", "Risk of a wider war"]
    bands = {var: fan(futures.per_turn("world", var), var, "world")
             for var in ("escalation_level", "wider_war_risk")}
    assert fans == [charts.fan_caption(bands["escalation_level"], "Escalation level",
                                       "escalation_level"),
                    charts.fan_caption(bands["wider_war_risk"], "Risk of a wider war",
                                       "wider_war_risk")]
    # engine.narrate.plain's sentence; the risk in per cent, not "a median of 0.10"
    assert fans[0] == chart_caption("fan", bands["escalation_level"], label="Escalation level")
    assert all(f" at turn {ex.turns} has a median of " in c for c in fans)
    assert re.search(r"median of \d+\.\d+%, .* between \d+\.\d+% and \d+\.\d+%\.$", fans[1])


def test_class_actors_are_those_the_choices_are_for():
    assert core.class_actors(load_scenario(DEFAULT)) == []
    for path in core.lesson_scenarios():
        s = load_scenario(path)
        assert core.class_actors(s) == list(dict.fromkeys(c.actor for c in s.lesson.choices))


def test_estimate_chart_plots_what_its_caption_says():
    s = load_scenario(LESSON)
    names = {a.id: a.name for a in s.actors}
    frame = BrinkModel(s, rng=1, turns=5).run().frame()
    assert core.estimated(frame, names) == ["north_korea"]
    series = core.estimate_series(frame, "north_korea")
    assert list(series.index) == list(range(6))
    last = series.iloc[-1]
    caption = chart_caption("estimate", frame, about="north_korea", names=names)
    public = round(last["public estimate"])
    assert caption.startswith(f"At the end the public estimated {public:,} ")
    assert f"against {round(last['true number']):,} in fact" in caption
    assert last["true number"] > 0

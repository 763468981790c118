"""The app shows hostile user text as written and loads nothing from it (issue 14, item 8):
briefings, teaching notes, injects (scheduled, edited, ad hoc, and their senders), notes,
discussion answers, rationales, branch names, outcome and lever labels, actor names, upload
names and the after-action report.

Every string Streamlit reads as Markdown on the page (text, captions, messages, headings,
widget labels and help, radio options, expander labels, st.table cells) is rendered by a
CommonMark parser (tests.hostile.markdown_check): no image, link or raw HTML may come out.
"""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from engine.exercise.session import Exercise
from engine.exercise.store import ExerciseStore
from tests import hostile
from tests.apptest import new_app, ok
from tests.conftest import DEFAULT_SCENARIO
from tests.ui.apptest_helpers import switch
from ui import core
from ui import report as aar

# the fields of each element Streamlit reads as Markdown (selectbox and multiselect options
# and text-field contents are plain text)
MARKDOWN_FIELDS = ("body", "label", "help", "title", "captions", "delta")
OPTIONS_AS_MARKDOWN = {"radio", "select_slider", "pills", "segmented_control"}


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    try:
        return [v for v in value if isinstance(v, str)]
    except TypeError:
        return []


def markdown_on_page(node) -> list[str]:
    """Every string under ``node`` that Streamlit renders as Markdown."""
    found = []
    if node.type == "table":
        frame: pd.DataFrame = node.value
        found += [str(c) for c in frame.columns]
        found += [v for v in frame.to_numpy().ravel() if isinstance(v, str)]
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "DESCRIPTOR"):
        names = {f.name for f in proto.DESCRIPTOR.fields}
        for name in MARKDOWN_FIELDS:
            if name in names:
                found += _strings(getattr(proto, name))
        if "options" in names and node.type in OPTIONS_AS_MARKDOWN:
            found += _strings(proto.options)
        if node.type in ("expandable", "expander", "tab"):
            found += _strings(getattr(node, "label", None))
    for child in getattr(node, "children", {}).values():
        found += markdown_on_page(child)
    return found


def check_page(at: AppTest, expect: str = hostile.EVIL_HOST) -> list[str]:
    """The page's main area loads nothing from user text; returns its Markdown strings. The
    hostile text must be on the page (``expect``), or the check proves nothing."""
    shown = markdown_on_page(at.main)
    problems = [(text[:80], hostile.markdown_check(text)) for text in shown
                if hostile.markdown_check(text)]
    assert problems == []
    assert any(expect in text for text in shown), "the hostile text is not on the page"
    return shown


@pytest.fixture
def hostile_file(tmp_path):
    path = tmp_path / "hostile.yaml"
    path.write_text(hostile.hostile_scenario_text(DEFAULT_SCENARIO), encoding="utf-8")
    return path


def test_library_shows_briefing_notes_names_and_title_inert(db, hostile_file, monkeypatch):
    monkeypatch.setattr(core, "shipped_scenarios", lambda: [hostile_file])
    at = ok(new_app().run())
    shown = check_page(at)
    briefing = next(t for t in shown if t.startswith("Briefing."))
    assert core.as_markdown_text(hostile.IMAGE_HTTP) in briefing  # shown, escaped
    assert any(core.as_markdown_text(hostile.REFERENCE_IMAGE.split("\n")[0]) in t for t in shown)


def test_setup_shows_names_levers_and_injects_inert(db, hostile_file):
    at = new_app()
    at.session_state["chosen"] = {"text": hostile_file.read_text(encoding="utf-8"),
                                  "source": f"{hostile.IMAGE_HTTPS}.yaml"}
    ok(at.run())
    shown = check_page(switch(at, "setup"))
    assert any("lever" in t and "evil.example" in t for t in shown)  # the lever's label
    assert any("expect" in t and "evil.example" in t for t in shown)  # the MSEL table


def test_an_upload_that_fails_cannot_break_out_of_its_code_block():
    text = core.code_block("bad field\n```\n![i](http://evil.example/i.png)\n````")
    assert hostile.markdown_check(text) == []
    assert text.splitlines()[0] == "`````text"


@pytest.fixture
def played(db):
    """The default scenario with hostile injects, outcomes, levers and questions (actor names
    kept: Play's own page script shows them and the exercise title), the West a human team;
    hostile rationale, notes, discussion answers, an edited and an ad-hoc inject, two turns
    played."""
    text = hostile.hostile_scenario_text(DEFAULT_SCENARIO, names=False)
    ex = Exercise.start(text, "hostile.yaml", seed=3, teams={"west": "human"}, turns=6,
                        title="Hostile text", store=ExerciseStore(db))
    payload = " ".join(hostile.ONE_LINE)
    ex.submit("west", [], f"rationale {payload}", turn=ex.pending_turn)
    ex.note(f"note {hostile.paragraph(*hostile.MARKUP)}", 0)
    for q in questions(ex, None):
        ex.note(f"answer {payload}", None, question=q)
    due = [i for i in ex.injects_for() if i["scheduled"]]
    if due:
        ex.decide_inject(due[0]["id"], True, f"edited {payload}")
    ex.add_inject(f"ad hoc {payload}", from_=f"sender {hostile.IMAGE_RELATIVE}")
    ex.adjudicate()
    for _ in range(3):  # to turn 4, which has a discussion question
        ex.submit("west", [], f"again {payload}", turn=ex.pending_turn)
        ex.adjudicate()
    ex.note(f"answer {payload}", 4, question=questions(ex, 4)[0])
    ex.add_inject(f"next {payload}", from_=f"sender {hostile.IMG_ONERROR}")
    return ex


def questions(ex: Exercise, turn: int | None) -> list[str]:
    return [q.question for q in ex.scenario.discussion if q.turn == turn]


def _open(ex: Exercise, page: str, classroom: bool = False) -> AppTest:
    ex.set_classroom(classroom)
    at = new_app()
    at.query_params["exercise"] = ex.id
    return switch(ok(at.run()), page)


@pytest.mark.parametrize("classroom", [False, True])
def test_play_shows_injects_news_answers_and_why_inert(played, classroom):
    at = _open(played, "play", classroom)
    shown = check_page(at)
    assert any(t.startswith("next") and "evil.example" in t for t in shown)  # inject review
    assert any(t.startswith("noted: answer") for t in shown)  # discussion answers
    news = [t for t in shown if "Inject from" in t and "evil.example" in t]
    assert news  # the news table


def test_hotwash_shows_notes_decisions_and_injects_inert(played):
    shown = check_page(_open(played, "hotwash"))
    assert any(t.startswith("rationale") and "evil.example" in t for t in shown)
    assert any("turn 0: note" in t for t in shown)


def test_branch_names_are_shown_inert(played):
    played.rewind(1, f"branch {hostile.IMAGE_HTTP} {hostile.SCRIPT}")
    played.rewind(0, f"other {hostile.JS_LINK} {hostile.IMAGE_RELATIVE}")
    at = _open(played, "branches")
    at.multiselect(key="compare").set_value(list(played.branches)).run()
    check_page(ok(at))
    check_page(_open(played, "hotwash"))


def test_futures_outcome_names_and_branch_are_shown_inert(played):
    played.rewind(played.turn, f"branch {hostile.IMAGE_HTTP}")
    at = _open(played, "futures", classroom=True)
    at.select_slider(key="n_futures").set_value(100)
    ok(at.button(key="run_futures").click().run())
    shown = check_page(at)
    assert any("after turn" in t and "evil.example" in t for t in shown)


def test_after_action_report_escapes_everything(played):
    played.rewind(1, f"branch {hostile.IMG_ONERROR}")
    played.adjudicate()
    page = aar.after_action_report(played, futures=10)
    assert "evil.example" in page
    assert hostile.html_check(page) == []


LESSON = DEFAULT_SCENARIO.parent / "lessons" / "do-sanctions-work.yaml"


def test_a_lesson_pack_is_shown_inert(db, tmp_path, monkeypatch):
    """Objectives, student briefing and the class's choices in the library; the choices as
    buttons in classroom mode; the printable handouts."""
    path = tmp_path / "lesson.yaml"
    path.write_text(hostile.hostile_scenario_text(LESSON, names=False), encoding="utf-8")
    monkeypatch.setattr(core, "lesson_scenarios", lambda: [path])
    at = ok(new_app().run())
    ok(at.radio(key="lib_source").set_value("Lessons").run())
    shown = check_page(at)
    assert any(t.startswith("Students.") for t in shown)

    ex = Exercise.start(path.read_text(encoding="utf-8"), "lesson.yaml", seed=1,
                        teams={"west": "human"}, title="Lesson", store=ExerciseStore(db))
    at = _open(ex, "play", classroom=True)
    labels = [b.label for b in at.button if b.key and b.key.startswith("choice:")]
    assert labels
    assert all("evil.example" in label for label in labels)
    check_page(at)

    from engine.narrate.handout import handout_html

    for teacher in (False, True):
        page = handout_html(ex.scenario, teacher=teacher)
        assert "evil.example" in page
        assert hostile.html_check(page, scripts=0) == []

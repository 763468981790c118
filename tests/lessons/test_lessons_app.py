"""Each lesson pack played end to end in the app (Streamlit's AppTest), in classroom mode.

For every pack under scenarios/lessons/: open it from the Library's "Lessons" group (objectives,
student briefing, handouts), set up a class (classroom mode on, the class's actor a human
team), and play every turn by picking one of the lesson's plain-language choices. Each turn the
page must show exactly what engine/narrate/plain.py computes from the exercise's own replayed model:
the chart captions, the "why?" sentences, the discussion questions, and which choices are
refused and why. At the end the hotwash asks the pack's closing questions.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import _calculate_file_id
from streamlit.testing.v1 import AppTest

from engine.exercise.store import ExerciseStore
from engine.narrate.handout import handout_html
from engine.narrate.plain import (
    available_choices,
    chart_caption,
    explanations,
    plain_why,
    questions_for,
)
from engine.scenario.loader import load_scenario
from tests.apptest import APP, ok
from tests.apptest import texts as _texts
from ui import core

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "scenarios" / "lessons").glob("*.yaml"))


pytestmark = pytest.mark.usefixtures("db")


def _ok(at: AppTest) -> AppTest:
    """A lesson played as a class would: no traceback and no error message either."""
    assert not ok(at).error, [e.value for e in at.error]
    return at



def _md(text: str) -> str:
    return core.as_markdown_text(text)


def _open_lesson(path: Path) -> AppTest:
    at = _ok(AppTest.from_file(APP, default_timeout=90).run())
    _ok(at.radio(key="lib_source").set_value("Lessons").run())
    return _ok(at.selectbox(key="lib_lesson").set_value(path.name).run())


def _check_screen(at: AppTest, ex, actor: str) -> int:
    """What the Play page shows after ``ex.turn`` turns equals what engine/narrate/plain.py computes
    from the exercise's model. Returns how many choices were shown refused."""
    model = ex.model()
    turn = model.state.turn
    frame = model.frame()
    names = ex.names
    captions = _texts(at.caption)

    # discussion questions for this turn (0: before play)
    asked = questions_for(ex.scenario, turn)
    assert asked, f"the pack has no question after turn {turn}"
    markdown = _texts(at.markdown)
    for q in asked:
        assert f"**{_md(q)}**" in markdown, q

    if turn:
        # every chart's sentence, computed from the same model's numbers
        expected = [chart_caption("escalation", frame),
                    chart_caption("strain", frame, names=names)]
        movers = core.deployers(frame, names)
        if movers:
            expected.append(chart_caption("troops", frame, actor=movers[0], names=names))
        for about in core.estimated(frame, names)[:1]:
            expected.append(chart_caption("estimate", frame, about=about, names=names))
        hit = core.with_casualties(frame, names)
        if hit:  # the casualties chart, as on the facilitator's dashboard
            expected.append(chart_caption("casualties", frame, names=names))
            assert "**Military casualties**" in markdown
        else:
            assert not [c for c in captions if "military casualties" in c.lower()]
        for sentence in expected:
            assert sentence in captions, sentence
        # ... and consistent with the headline figure above it
        last = re.search(r"(?:to rung|ended at rung) (\d+)", expected[0])
        assert last is not None, expected[0]
        assert at.metric[0].value == last.group(1) == str(model.state.escalation_rung)

        # "why?": one expander per figure that changed, its plain causes inside
        shown = [e for e in explanations(model, turn) if e.direction != "stayed"]
        assert shown, f"nothing changed in turn {turn}?"
        labels = [e.label for e in at.expander]
        sentences = plain_why(model, turn)
        for e in shown:
            assert _md(e.headline()) in labels, e.headline()
            assert e.headline() in sentences
            box = next(x for x in at.expander if x.label == _md(e.headline()))
            body = box.markdown[0].value
            assert body == "\n".join(f"- {_md(c)}" for c in e.causes)
            assert all(c in sentences for c in e.causes)
        # the facilitator's technical "why?" is not what the class sees
        assert "**Why? What changed in turn" in "".join(markdown)

    refused = 0
    if not ex.finished:
        # the lesson's choices: refused ones greyed out, with the engine's reason
        for i, (choice, reason) in enumerate(available_choices(model, actor)):
            button = at.button(key=f"choice:{actor}:{i}")
            assert button.label == choice.label
            assert button.disabled == (reason is not None), choice.label
            if reason is not None:
                assert f"Not possible now: {_md(reason)}" in captions
                refused += 1
    return refused


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_plays_end_to_end_in_classroom_mode(path, db):
    scenario = load_scenario(path)
    lesson = scenario.lesson

    # the Library's lesson view
    at = _open_lesson(path)
    assert at.header[0].value == scenario.title
    markdown = _texts(at.markdown)
    assert "\n".join(f"- {_md(o)}" for o in lesson.objectives) in markdown
    briefing = next(x for x in at.expander if x.label == "Student briefing")
    assert briefing.markdown[0].value == _md(lesson.student_briefing).strip()
    assert at.button(key="lib_use").label == "Set up a class with this lesson"

    # set-up: classroom mode on, the class's actor played by a human team
    _ok(at.button(key="lib_use").click().run())
    assert at.toggle(key="setup_classroom").value is True
    actor = lesson.choices[0].actor
    assert at.radio(key=f"team:{actor}").value == "human"
    start = next(b for b in at.button if b.label == "Start the exercise")
    _ok(start.click().run())
    store = ExerciseStore(db)
    ex_id = at.session_state["exercise_id"]
    ex = store.load(ex_id)
    assert ex.human_teams == [actor]
    assert ex.turns == scenario.clock.turns
    assert at.sidebar.toggle(key=f"classroom:{ex_id}").value is True
    assert "The charts appear after the first turn" in at.info[0].value

    chosen, refused = [], 0
    while not ex.finished:
        heads = [h.value for h in at.subheader]  # the turn's questions come first
        first = 1 if heads[0].startswith(("Before the first turn", "Discussion after")) else 0
        assert heads[first] == f"Turn {ex.pending_turn}: choices", heads
        refused += _check_screen(at, ex, actor)
        offered = available_choices(ex.model(), actor)
        enabled = [(i, c) for i, (c, reason) in enumerate(offered) if reason is None]
        assert enabled, f"no choice is possible in turn {ex.pending_turn}"
        i, choice = enabled[(ex.pending_turn - 1) % len(enabled)]
        _ok(at.button(key=f"choice:{actor}:{i}").click().run())
        assert f"{ex.names[actor]} chose: {choice.label}." in _texts(at.success)
        ex = store.load(ex_id)
        assert ex.submissions()[actor]["moves"] == [
            {"move": choice.move.move,
             "params": ex.submissions()[actor]["moves"][0]["params"]}]
        assert ex.submissions()[actor]["rationale"] == choice.label
        chosen.append(choice)
        _ok(at.button(key="adjudicate").click().run())
        ex = store.load(ex_id)

    assert len(chosen) == scenario.clock.turns
    if path.stem != "do-sanctions-work":  # the casualties chart and its sentence were shown
        frame = ex.model().frame()
        assert core.with_casualties(frame, ex.names)
        assert chart_caption("casualties", frame, names=ex.names).startswith(
            "Military casualties (killed and wounded) over ")
    if path.stem == "do-sanctions-work":  # a package in force cannot be imposed again
        assert refused, "no choice was ever shown refused"
    assert any(f"All {ex.turns} turns have been played" in s for s in _texts(at.success))
    _check_screen(at, ex, actor)
    # the class's choices were played as the catalogue moves they stand for
    made = [m for m in ex.model().move_log if m.actor == actor and m.source == "human"]
    assert {m.type.value for m in made} <= {c.move.move for c in chosen}
    assert made, "none of the class's choices was played"

    # the hotwash asks the pack's closing questions
    _ok(at.switch_page("screens/hotwash.py").run())
    for q in questions_for(scenario, None):
        assert f"**{_md(q)}**" in _texts(at.markdown)
    log = core.decision_log(ex)
    assert log["rationale"].tolist() == [c.label for c in chosen]


def test_classroom_mode_can_be_switched_off_in_the_sidebar(db):
    path = next(p for p in LESSONS if p.name == "do-sanctions-work.yaml")
    at = _open_lesson(path)
    _ok(at.button(key="lib_use").click().run())
    _ok(next(b for b in at.button if b.label == "Start the exercise").click().run())
    ex_id = at.session_state["exercise_id"]
    ExerciseStore(db).load(ex_id).adjudicate()
    _ok(at.run())
    assert at.button(key="choice:west:0")
    assert [c for c in _texts(at.caption) if c.startswith("Escalation ")]
    assert "**Casualties and sanctions**" not in [m.value for m in at.markdown]
    _ok(at.sidebar.toggle(key=f"classroom:{ex_id}").set_value(False).run())
    assert "Turn 2: orders" in [h.value for h in at.subheader]
    assert not [b for b in at.button if (b.key or "").startswith("choice:")]
    assert at.selectbox(key="move:west")  # the full move form instead
    # the facilitator's dashboard instead of the classroom's
    assert "**Casualties and sanctions**" in [m.value for m in at.markdown]
    _ok(at.switch_page("screens/glossary.py").run())  # the choice holds across pages
    _ok(at.switch_page("screens/play.py").run())
    assert "Turn 2: orders" in [h.value for h in at.subheader]
    assert ExerciseStore(db).load(ex_id).classroom is False  # saved with the exercise ...
    reloaded = AppTest.from_file(APP, default_timeout=60)  # ... so a new browser session
    reloaded.query_params["exercise"] = ex_id  # (a reload, another tab) keeps it off
    _ok(_ok(reloaded.run()).switch_page("screens/play.py").run())
    assert reloaded.sidebar.toggle(key=f"classroom:{ex_id}").value is False
    assert reloaded.selectbox(key="move:west")


def test_branch_comparison_charts_carry_their_sentences_in_classroom_mode(db):
    """Rewind a class's game on the Rewind page: each comparison chart gets the sentence
    engine/narrate/plain.py computes from the branches' own series; switched off, none."""
    path = next(p for p in LESSONS if p.name == "escalation-ladders.yaml")
    at = _open_lesson(path)
    _ok(at.button(key="lib_use").click().run())
    _ok(next(b for b in at.button if b.label == "Start the exercise").click().run())
    ex_id = at.session_state["exercise_id"]
    store = ExerciseStore(db)
    ex = store.load(ex_id)
    for _ in range(4):
        ex.adjudicate()
    _ok(at.switch_page("screens/branches.py").run())
    at.number_input(key="rewind_turn").set_value(2)
    at.text_input(key="rewind_name").input("A different turn 3")
    _ok(next(b for b in at.button if b.label == "Rewind and branch").click().run())
    ex = store.load(ex_id)
    assert [b.name for b in ex.branches.values()] == ["Main line", "A different turn 3"]
    actor = ex.scenario.lesson.choices[0].actor  # the main line held; the branch acts
    choice = next(c for c, reason in available_choices(ex.model(), actor) if reason is None)
    ex.submit(actor, [{"move": choice.move.move, "params": dict(choice.move.params)}],
              choice.label, turn=ex.pending_turn)
    ex.adjudicate()
    _ok(at.run())

    picked = at.multiselect(key="compare").value
    assert picked == list(ex.branches)
    captions = _texts(at.caption)
    for variable, label in (("escalation_level", "escalation level"),
                            ("wider_war_risk", "risk of a wider war")):
        series = core.branch_series(ex, picked, "world", variable)
        sentence = chart_caption("branches", series, label=label,
                                 as_percent=variable == "wider_war_risk")
        assert _md(sentence) in captions, sentence
        assert sentence.startswith(f"{label[0].upper()}{label[1:]} ends at ")
        assert 'on "A different turn 3" (turn 3)' in sentence
        # the lines are the same up to the turn rewound to, at least
        same = re.search(r"same (?:up to|on every turn the branches share \(up to) turn (\d+)",
                         sentence)
        assert same is not None, sentence
        assert int(same.group(1)) >= 2, sentence

    _ok(at.sidebar.toggle(key=f"classroom:{ex_id}").set_value(False).run())
    assert not [c for c in _texts(at.caption) if " ends at " in c]


@pytest.mark.parametrize("teacher", [False, True], ids=["students", "teacher"])
def test_handout_downloads_are_the_lessons_handouts(teacher):
    path = next(p for p in LESSONS if p.name == "escalation-ladders.yaml")
    scenario = load_scenario(path)
    at = _open_lesson(path)
    key = "lib:handout_teacher" if teacher else "lib:handout_students"
    button = next(b for b in at.get("download_button") if b.key == key)
    html = handout_html(scenario, teacher=teacher)
    name = f"{scenario.id}-{'teacher' if teacher else 'students'}.html"
    # the served file's id is a hash of its bytes, type and name: the same handout
    file_id = _calculate_file_id(html.encode("utf-8"), "text/html", name)
    assert file_id in button.proto.url
    other = handout_html(scenario, teacher=not teacher)
    assert _calculate_file_id(other.encode("utf-8"), "text/html", name) not in button.proto.url

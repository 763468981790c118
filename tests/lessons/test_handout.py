"""The printable lesson handout: complete, escaped, self-contained and print-ready."""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

import pytest

from engine.narrate.handout import NotALesson, handout_html, terms_used
from engine.narrate.plain import GLOSSARY
from engine.scenario.loader import load_scenario
from tests.conftest import DEFAULT_SCENARIO
from tests.lessons.test_lessons import LESSONS

VOID = {"meta", "br", "hr", "img", "input", "link"}


class _Checker(HTMLParser):
    """Records unbalanced tags and every attribute or CSS that could fetch something."""

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "action") or (value and "//" in value):
                self.problems.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unbalanced </{tag}> (open: {self.stack[-3:]})")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def _check(html: str) -> _Checker:
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return checker


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_handout_holds_the_whole_lesson(path):
    s = load_scenario(path)
    html = handout_html(s)
    checker = _check(html)
    assert not checker.problems, checker.problems
    assert not checker.stack, f"unclosed tags: {checker.stack}"
    for text in (s.title, *s.lesson.objectives, *(c.label for c in s.lesson.choices),
                 *(q.question for q in s.discussion),
                 *(step.activity for step in s.lesson.teacher_notes)):
        assert escape(text) in html, text
    total = sum(step.minutes for step in s.lesson.teacher_notes)
    assert f"<p>{total} minutes in all.</p>" in html
    for part in ("model_shows", "left_out", "what_happened"):
        first_words = " ".join(getattr(s.lesson.debrief, part).split()[:6])
        assert escape(first_words) in html, part
    assert html.index("After the game") > html.index(f"Turn {s.clock.turns} (")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_handout_is_self_contained_and_prints(path):
    html = handout_html(load_scenario(path))
    lowered = html.lower()
    for fetch in ("http://", "https://", "<script", "@import", "url(", "<link", "<img"):
        assert fetch not in lowered, fetch
    assert "@media print" in html
    assert "page-break-before: always" in html  # the teacher part starts a new sheet
    assert html.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in html


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_handout_defines_the_words_the_lesson_uses(path):
    s = load_scenario(path)
    used = terms_used(s)
    assert len(used) >= 3
    html = handout_html(s)
    for term in used:
        assert f"<dt>{escape(term)}</dt><dd>{escape(GLOSSARY[term])}</dd>" in html
    unused = sorted(set(GLOSSARY) - set(used))[:3]
    for term in unused:
        assert f"<dt>{escape(term)}</dt>" not in html


def test_student_copy_leaves_out_the_teacher_part():
    s = load_scenario(LESSONS[0])
    student = handout_html(s, teacher=False)
    assert "For the teacher" not in student
    assert "Debrief" not in student
    for part in ("model_shows", "left_out", "what_happened"):
        first_words = " ".join(getattr(s.lesson.debrief, part).split()[:6])
        assert escape(first_words) not in student, part
    assert escape(s.lesson.student_briefing.split()[0]) in student


def test_text_from_the_file_is_escaped():
    s = load_scenario(LESSONS[0])
    lesson = s.lesson.model_copy(update={
        "student_briefing": "Read <script>alert(1)</script> & stay calm.\n\nSecond paragraph."})
    html = handout_html(s.model_copy(update={"lesson": lesson}))
    assert "<script>" not in html
    assert "<p>Read &lt;script&gt;alert(1)&lt;/script&gt; &amp; stay calm.</p>" in html
    assert "<p>Second paragraph.</p>" in html


def test_a_scenario_without_a_lesson_has_no_handout():
    with pytest.raises(NotALesson, match="no lesson section"):
        handout_html(load_scenario(DEFAULT_SCENARIO))

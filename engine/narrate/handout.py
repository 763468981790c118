"""A printable handout for a lesson pack: one self-contained HTML page, no external resources.

``handout_html(scenario)`` renders the student part (briefing, objectives, the choices in plain
words, the questions turn by turn with their dates, the glossary terms the lesson uses) and,
with ``teacher=True`` (the default), a teacher part on a new printed page (the class plan with
minutes and the debrief). Everything comes from the scenario's ``lesson`` and ``discussion``
sections and from engine/narrate/plain.py's GLOSSARY; every piece of text is HTML-escaped. The page
has inline CSS only, with ``@media print`` rules, so it prints from any browser offline.

The command is ``brink handout`` (cli/handout.py)::

    .venv/bin/brink handout scenarios/lessons/escalation-ladders.yaml > handout.html
"""

from __future__ import annotations

import re
from datetime import timedelta
from html import escape

from engine.narrate.plain import GLOSSARY
from engine.scenario.schema import Scenario

CSS = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 46em; margin: 2em auto;
       padding: 0 1em; line-height: 1.45; color: #111; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; border-bottom: 1px solid #999; margin-top: 1.6em; }
.meta { color: #444; font-size: 0.9em; }
.briefing p { margin: 0.6em 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #eee; }
dt { font-weight: bold; margin-top: 0.4em; }
dd { margin-left: 1.2em; }
.answer { width: 35%; }
.teacher { break-before: page; page-break-before: always; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  tr, dt, dd, li { break-inside: avoid; page-break-inside: avoid; }
  .no-print { display: none; }
}
"""


class NotALesson(ValueError):
    """The scenario has no ``lesson`` section, so there is nothing to hand out."""


def _paragraphs(text: str) -> str:
    parts = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "\n".join(f"<p>{escape(' '.join(p.split()))}</p>" for p in parts)


def terms_used(scenario: Scenario) -> list[str]:
    """GLOSSARY terms that occur (as whole words, any case, or plural) in the student text."""
    lesson = scenario.lesson
    text = " ".join([lesson.student_briefing, *lesson.objectives,
                     *(c.label for c in lesson.choices),
                     *(q.question for q in scenario.discussion)]).lower()
    return sorted((t for t in GLOSSARY if re.search(rf"\b{re.escape(t.lower())}s?\b", text)),
                  key=str.lower)


def _turn_heading(scenario: Scenario, turn: int | None) -> str:
    if turn is None:
        return "After the game"
    if turn == 0:
        return f"Before the game ({scenario.clock.start:%d %b %Y})"
    date = scenario.clock.start + timedelta(days=turn * scenario.clock.days_per_turn)
    return f"Turn {turn} ({date:%d %b %Y})"


def handout_html(scenario: Scenario, teacher: bool = True) -> str:
    """The lesson as one printable HTML page. Raises NotALesson without a ``lesson``."""
    lesson = scenario.lesson
    if lesson is None:
        raise NotALesson(f"scenario '{scenario.id}' has no lesson section")
    names = {a.id: a.name for a in scenario.actors}
    clock = scenario.clock
    unit = "one week" if clock.days_per_turn == 7 else f"{clock.days_per_turn} days"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(scenario.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(scenario.title)}</h1>",
        f'<p class="meta">{clock.turns} turns of {escape(unit)} each, from '
        f"{clock.start:%d %B %Y}. Scenario <code>{escape(scenario.id)}</code>.</p>",
        "<h2>Your briefing</h2>",
        f'<div class="briefing">{_paragraphs(lesson.student_briefing)}</div>',
        "<h2>What you will learn</h2>",
        "<ul>", *(f"<li>{escape(o)}</li>" for o in lesson.objectives), "</ul>",
    ]
    if lesson.choices:
        out += ["<h2>Your choices each turn</h2>", "<table>",
                "<tr><th>Choice</th><th>Who makes it</th></tr>"]
        out += [f"<tr><td>{escape(c.label)}</td><td>{escape(names.get(c.actor, c.actor))}"
                "</td></tr>" for c in lesson.choices]
        out.append("</table>")
    if scenario.discussion:
        out += ["<h2>Questions</h2>", "<table>",
                "<tr><th>When</th><th>Question</th><th>Your answer</th></tr>"]
        ordered = sorted(scenario.discussion,
                         key=lambda q: (q.turn is None, q.turn if q.turn is not None else 0))
        out += [f"<tr><td>{escape(_turn_heading(scenario, q.turn))}</td>"
                f'<td>{escape(q.question)}</td><td class="answer"></td></tr>'
                for q in ordered]
        out.append("</table>")
    used = terms_used(scenario)
    if used:
        out += ["<h2>Words to know</h2>", "<dl>"]
        out += [f"<dt>{escape(t)}</dt><dd>{escape(GLOSSARY[t])}</dd>" for t in used]
        out.append("</dl>")
    if teacher:
        total = sum(step.minutes for step in lesson.teacher_notes)
        out += ['<section class="teacher">', "<h2>For the teacher: the class plan</h2>",
                f"<p>{total} minutes in all.</p>", "<table>",
                "<tr><th>Minutes</th><th>Activity</th></tr>"]
        out += [f"<tr><td>{step.minutes}</td><td>{escape(step.activity)}</td></tr>"
                for step in lesson.teacher_notes]
        out += ["</table>", "<h2>Debrief</h2>",
                "<h3>What the model shows</h3>", _paragraphs(lesson.debrief.model_shows),
                "<h3>What it leaves out</h3>", _paragraphs(lesson.debrief.left_out),
                "<h3>What happened</h3>", _paragraphs(lesson.debrief.what_happened),
                "</section>"]
    out += ["</body>", "</html>", ""]
    return "\n".join(out)

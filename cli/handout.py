"""``brink handout``: a lesson pack's printable handout (engine/narrate/handout.py), one
self-contained HTML page on stdout or in --out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.report import output_path
from cli.status import write_page
from engine.core.errors import UsageError
from engine.narrate.handout import NotALesson, handout_html
from engine.scenario.loader import ScenarioError, load_scenario


def add_parsers(sub) -> None:
    p = sub.add_parser(
        "handout", help="print a lesson's handout as one printable HTML page",
        description="Print the handout of a lesson pack (scenarios/lessons/*.yaml) as one "
                    "self-contained HTML page that prints from any browser offline: the "
                    "students' pages (briefing, objectives, choices, questions, words to know), "
                    "then the teacher's part (class plan and debrief) on a new page.")
    p.add_argument("lesson", help="a lesson pack: a scenario file with a lesson section")
    p.add_argument("--teacher", action=argparse.BooleanOptionalAction, default=True,
                   help="add the teacher's part (the default); --no-teacher prints the "
                        "students' pages alone")
    p.add_argument("--out", type=Path, metavar="FILE",
                   help="write the page to FILE (a folder gets handout.html inside it) "
                        "instead of stdout")
    p.set_defaults(func=cmd_handout)


def cmd_handout(args) -> int:
    out = None if args.out is None else output_path(Path.cwd(), args.out, "html", "handout")[0]
    try:
        scenario = load_scenario(args.lesson)
    except ScenarioError as exc:
        raise UsageError(_first_problem(exc, args.lesson)) from None
    try:
        html = handout_html(scenario, teacher=args.teacher)
    except NotALesson as exc:
        raise UsageError(f"{args.lesson}: {exc}; the lesson packs are in scenarios/lessons/"
                         ) from None
    if out is None:
        sys.stdout.write(html)
        return 0
    write_page(out, html)
    print(f"wrote {out}")
    return 0


def _first_problem(exc: ScenarioError, name: str) -> str:
    """The loader's first problem, and where to see the others: one line, not one a problem."""
    first = exc.render().splitlines()[0]
    if len(exc.problems) == 1:
        return first
    return f"{first} (and more: `brink validate {name}` lists every problem)"

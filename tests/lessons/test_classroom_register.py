"""The classroom register is plain for real (issue 15, item 4).

Every lesson is played through all its turns under more than one line of choices (the first
choice open each turn, the last, and the engine alone), and every sentence the classroom reads
(the plain "why?" of every turn, and each chart's caption) is checked against what a student
must never read: the model's working, variable ids, jargon the glossary does not explain, and
names with their brackets.
"""

from __future__ import annotations

import re

import pytest

from engine.narrate.plain import GLOSSARY, available_choices, choice_move, explanations
from engine.policies import HumanPolicy
from engine.scenario.loader import load_scenario
from engine.sim.model import BrinkModel
from tests.conftest import SCENARIOS

LESSONS = sorted((SCENARIOS / "lessons").glob("*.yaml"))
LINES = ("first", "last", "engine")

# What a student must never read, each with why.
FORBIDDEN = {
    "model's working": "the analyst's working, not a sentence for a class",
    "pressure +": "the economy rule's working",
    "pressure -": "the economy rule's working",
    "% of GDP/yr": "the economy rule's units",
    " -> ": "the rules' working (an arrow between numbers)",
    "bn/yr": "an abbreviation the class is not taught",
    "(rule)": "the log's tag",
    "(chance)": "the log's tag",
    "escalation heat": "jargon: the ladder's smoothing, not a term in the glossary",
    "heat": "jargon: the ladder's smoothing, not a term in the glossary",
    "enemy/own": "the fighting rule's working",
    "mu*": "the screening's notation",
}
ID = re.compile(r"\b[a-z]+_[a-z_]+\b")  # a variable or actor id: lost_trade, north_korea
BRACKETED_NAME = re.compile(r"\((?:US|EU|UK)[^)]*\)")  # "The West (US, EU, UK, ...)"


def _play(path, line: str) -> BrinkModel:
    scenario = load_scenario(path)
    lesson = scenario.lesson
    actors = {c.actor for c in lesson.choices} if line != "engine" else set()
    model = BrinkModel(scenario, rng=7, policies={a: HumanPolicy(a) for a in actors})
    while model.running:
        for actor in actors:
            open_ = [c for c, why in available_choices(model, actor) if why is None]
            if open_:
                pick = open_[0] if line == "first" else open_[-1]
                model.submit(actor, [choice_move(pick)])
        model.step()
    return model


def _sentences(model) -> list[str]:
    out = []
    for turn in range(1, model.state.turn + 1):
        for e in explanations(model, turn):
            out += e.sentences()
    return out


@pytest.mark.parametrize("line", LINES)
@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_classroom_sentence_is_plain(path, line):
    sentences = _sentences(_play(path, line))
    assert len(sentences) > 30
    problems = []
    glossary = {term.lower() for term in GLOSSARY}
    for s in sentences:
        for bad, why in FORBIDDEN.items():
            if bad in s and not (bad == "heat" and "heat" in glossary):
                problems.append(f"{why}: {s}")
        for ident in ID.findall(s):
            problems.append(f"an id ({ident}): {s}")
        if BRACKETED_NAME.search(s):
            problems.append(f"a name with its brackets: {s}")
    assert not problems, "\n".join(sorted(set(problems))[:15])

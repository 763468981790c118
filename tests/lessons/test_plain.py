"""Plain-language sentences and captions say only what the recorded numbers say.

The "no canned text" guarantee: every number in a "why?" headline is parsed back and compared
with the causal log it was built from, its verb (rose / fell / stayed) agrees with the raw
values, and every number in a cause sentence occurs in that log entry's own text. Captions are
checked against hand-built frames whose answers are known, and against played lessons.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from engine.causal import LogEntry
from engine.loader import load_scenario
from engine.model import BrinkModel
from engine.plain import (
    CAPTION_KINDS,
    GLOSSARY,
    VAR_LABELS,
    available_choices,
    chart_caption,
    choice_move,
    explanations,
    glossary_markdown,
    plain_why,
    questions_for,
)
from engine.policies import HumanPolicy
from engine.variables import belief_estimate
from tests.conftest import DEFAULT_SCENARIO, ROOT
from tests.lessons.test_lessons import LESSONS, lesson, played

NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
HEADLINE = re.compile(r" (rose|fell|changed) from (?:about )?(\S+) to (?:about )?(\S+?)"
                      r"(?: \(\w+\))? in turn (\d+)\.$"
                      r"|stayed at about (\S+?)(?: \(\w+\))? in turn (\d+)\.$")


def _number(text: str) -> float:
    return float(text.replace(",", "").rstrip("."))


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _raw(ex, entry: LogEntry, which: str) -> float:
    value = getattr(entry, which)
    if ex.variable in ("beliefs", "public_beliefs"):
        return belief_estimate(value[ex.about]) if ex.about in value else 0.0
    if isinstance(value, tuple):
        return float(len(value))
    return float(value)


def _close(shown: str, raw: float) -> bool:
    """``shown`` is ``raw`` rounded to the digits shown."""
    return abs(_number(shown) - raw) <= 0.5 * 10 ** -_decimals(shown) + 1e-9


CASES = [(path.name, seed) for path in LESSONS for seed in (1, 7)]


@pytest.mark.parametrize(("name", "seed"), CASES)
def test_every_number_in_a_why_sentence_comes_from_the_log(name, seed):
    model = played(name, seed)
    checked = 0
    for turn in range(1, model.state.turn + 1):
        for ex in explanations(model, turn):
            headline = ex.headline()
            match = HEADLINE.search(headline)
            assert match, headline
            first, last = ex.entries[0], ex.entries[-1]
            before, after = _raw(ex, first, "before"), _raw(ex, last, "after")
            if match.group(1) == "changed":  # yes/no figures
                shown_before, shown_after, shown_turn = match.group(2, 3, 4)
                assert (shown_before, shown_after) == (
                    "yes" if before else "no", "yes" if after else "no"), headline
            elif match.group(1):
                verb, shown_before, shown_after, shown_turn = match.group(1, 2, 3, 4)
                assert _close(shown_before, before), (headline, before)
                assert _close(shown_after, after), (headline, after)
                assert (verb == "rose") == (after > before), headline
            else:
                shown_after, shown_turn = match.group(5, 6)
                assert _close(shown_after, after), (headline, after)
            assert int(shown_turn) == turn == first.turn
            for sentence, entry in zip(ex.causes, ex.entries, strict=True):
                inject = next((i.text for i in model.spec.injects if i.id == entry.ref), "")
                for token in NUMBER.findall(sentence):
                    assert token in entry.why or token in inject, (token, sentence)
            checked += 1
    assert checked > 50


def test_why_names_the_move_and_the_actor():
    model = played("do-sanctions-work.yaml", 7)
    sentences = plain_why(model, 2, "sanctions")
    assert sentences[0] == ("The number of sanctions packages in force rose from 2 to 3 in "
                            "turn 2.")
    assert sentences[1].startswith("Because the West (US, EU, UK, South Korea, Japan) chose: "
                                   "Impose a sanctions package.")


def test_why_for_one_actor_and_variable():
    model = played("do-sanctions-work.yaml", 7)
    strain = model.log_frame().query("turn == 5 and target == 'russia' and var == 'strain'")
    sentences = plain_why(model, 5, "strain", "russia")
    before, after = float(strain["before"].iloc[0]), float(strain["after"].iloc[-1])
    assert after > before
    assert sentences[0] == (f"Russia's economic strain rose from {before:.2f} to {after:.2f} "
                            "in turn 5.")
    assert all(s.startswith("Because") for s in sentences[1:])
    assert plain_why(model, 5, "strain", "narnia") == []


def test_why_quotes_an_inject():
    model = played("escalation-ladders.yaml", 7)
    sentences = plain_why(model, 3, "heat")
    inject = next(i for i in model.spec.injects if i.id == "new_missile")
    assert f"Because of an event: {inject.text.strip()}" in sentences


def test_why_labels_an_estimate_with_its_confidence():
    model = played("unverified-reports.yaml", 1)
    lines = [s for t in range(1, 9) for s in plain_why(model, t, "public_beliefs")]
    heads = [s for s in lines if s.startswith("The public's estimate of North Korea's troops")]
    assert heads
    assert all(re.search(r"\((unverified|probable|confirmed)\) in turn \d+\.$", s)
               for s in heads)


def test_every_plain_label_is_a_variable_the_log_uses():
    """A label for a variable nobody writes would never be shown: catch typos."""
    written = set()
    for path in LESSONS:
        written |= set(played(path.name, 1).log_frame()["var"])
    assert set(VAR_LABELS) - written <= {"transfers", "drawn_in", "beliefs", "resolve",
                                          "civilian_casualties", "displaced", "ceasefire",
                                          "credibility", "killed", "wounded", "in_transit",
                                          "forces_home", "deployed", "front_pressure"}


# --- captions ----------------------------------------------------------------------------------


def _frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["turn", "actor", "variable", "value"])


def test_escalation_caption_from_a_known_frame():
    frame = _frame([(t, "world", "escalation_rung", r) for t, r in enumerate([3, 3, 5, 9, 8])])
    assert chart_caption("escalation", frame) == (
        "Escalation went from rung 3 to rung 8 over 4 turns, peaking at rung 9 in turn 3; "
        "the biggest rise was in turn 3 (+4 rungs).")
    flat = _frame([(t, "world", "escalation_rung", 12) for t in range(3)])
    assert chart_caption("escalation", flat) == "Escalation started and ended at rung 12 " \
        "over 2 turns."


def test_strain_and_troops_captions_from_a_known_frame():
    rows = [(t, "ru", "strain", v) for t, v in enumerate([0.1, 0.2, 0.31])]
    rows += [(t, "nk", "strain", v) for t, v in enumerate([0.3, 0.2, 0.1])]
    rows += [(t, "nk", "in_transit", v) for t, v in enumerate([0, 3000, 1000])]
    rows += [(t, "nk", "deployed", v) for t, v in enumerate([0, 2000, 8000])]
    frame = _frame(rows)
    names = {"ru": "Russia", "nk": "North Korea"}
    assert chart_caption("strain", frame, names=names) == (
        "Economic strain moved most for Russia: it rose from 0.10 to 0.31, while North Korea's "
        "fell from 0.30 to 0.10; 0 means no strain and 1 an "
        "economy breaking.")
    assert chart_caption("strain", frame, actor="nk", names=names) == (
        "North Korea's economic strain fell from 0.30 to 0.10 over 2 turns.")
    # A change smaller than two decimals show gets a third decimal ...
    small = [(t, "ru", "strain", v) for t, v in enumerate([0.020, 0.021, 0.0234])]
    small += [(t, "nk", "strain", v) for t, v in enumerate([0.100, 0.100, 0.100])]
    assert chart_caption("strain", _frame(small), names=names) == (
        "Economic strain moved most for Russia: it rose from 0.020 to 0.023; 0 means no strain "
        "and 1 an economy breaking.")
    # ... and a tiny rise does not headline a chart on which another actor's strain fell more.
    mixed = [(t, "ru", "strain", v) for t, v in enumerate([0.020, 0.022, 0.024])]
    mixed += [(t, "nk", "strain", v) for t, v in enumerate([0.10, 0.09, 0.07])]
    assert chart_caption("strain", _frame(mixed), names=names) == (
        "Economic strain moved most for North Korea: it fell from 0.10 to 0.07; 0 means no "
        "strain and 1 an economy breaking.")
    assert chart_caption("troops", frame, actor="nk", names=names) == (
        "North Korea's troops on the way or deployed went from 0 to 9,000, with the most, "
        "9,000, in turn 2.")


def test_estimate_caption_from_a_known_frame():
    rows = [(t, "public", "belief.nk.troops_abroad", v) for t, v in enumerate([0, 500, 9000])]
    rows += [(t, "nk", "in_transit", v) for t, v in enumerate([0, 6000, 0])]
    rows += [(t, "nk", "deployed", v) for t, v in enumerate([0, 4000, 11000])]
    assert chart_caption("estimate", _frame(rows), about="nk", names={"nk": "North Korea"}) == (
        "At the end the public estimated 9,000 of North Korea's troops abroad against 11,000 "
        "in fact; the gap was widest in turn 1 (9,500).")


def test_batch_captions_from_known_frames():
    fan = pd.DataFrame({"turn": [0, 1, 2], "q05": [0.1, 0.1, 0.12], "q25": [0.1, 0.2, 0.2],
                        "median": [0.1, 0.2, 0.25], "q75": [0.1, 0.3, 0.3],
                        "q95": [0.1, 0.3, 0.41], "runs": [50, 50, 50]})
    assert chart_caption("fan", fan, label="Russia's economic strain") == (
        "Across 50 runs, Russia's economic strain at turn 2 has a median of 0.25, and 9 runs "
        "in 10 lie between 0.12 and 0.41.")
    probs = pd.DataFrame({"outcome": ["a", "b"], "n": [50, 50], "k": [10, 35],
                          "p": [0.2, 0.7], "low": [0.11, 0.56], "high": [0.33, 0.81]})
    assert chart_caption("probabilities", probs, names={"b": "Rung 14 reached"}) == (
        "The most likely outcome is \"Rung 14 reached\": 35 of 50 runs (70%; 95% interval 56% "
        "to 81%).")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_captions_of_played_lessons_match_their_frames(path):
    model = played(path.name, 7)
    frame = model.frame()
    rung = frame[(frame["actor"] == "world") & (frame["variable"] == "escalation_rung")]
    text = chart_caption("escalation", frame)
    numbers = [int(n) for n in NUMBER.findall(text)]
    assert numbers[0] == int(rung["value"].iloc[0])
    assert int(rung["value"].iloc[-1]) in numbers
    assert f"over {model.state.turn} turns" in text


def test_unknown_caption_kind_is_refused():
    with pytest.raises(ValueError, match="expected one of"):
        chart_caption("pie", _frame([]))
    assert "escalation" in CAPTION_KINDS


# --- glossary ----------------------------------------------------------------------------------


def test_glossary_doc_is_generated_from_the_data():
    doc = (ROOT / "docs" / "reference" / "glossary.md").read_text(encoding="utf-8")
    assert doc.rstrip("\n") == glossary_markdown().rstrip("\n"), \
        "docs/reference/glossary.md is stale: .venv/bin/python -m engine.plain glossary > " \
        "docs/reference/glossary.md"
    for term in GLOSSARY:
        assert f"**{term}**" in doc


def test_glossary_defines_the_lesson_words():
    for term in ("unverified", "probable", "confirmed", "leakage", "secondary sanctions",
                 "rung", "heat", "escalation ladder", "transfer", "hotwash"):
        assert term in GLOSSARY
        assert GLOSSARY[term].endswith("."), term


# --- lesson helpers ----------------------------------------------------------------------------


def test_available_choices_says_why_a_choice_is_refused():
    """After the class lifts the sectoral package, lifting it again is greyed out, with why."""
    spec = lesson("do-sanctions-work.yaml")
    model = BrinkModel(spec, rng=1, policies={"west": HumanPolicy("west")})
    menu = {c.label: reason for c, reason in available_choices(model, "west")}
    assert len(menu) == len(spec.lesson.choices)
    assert all(reason is None for reason in menu.values()), menu
    lift = next(c for c in spec.lesson.choices if c.move.move == "lift_sanctions")
    assert choice_move(lift).source == "human"
    model.submit("west", [choice_move(lift)])
    model.step()
    menu = {c.label: reason for c, reason in available_choices(model)}
    assert menu[lift.label] == "precondition not met: package in force"
    # nothing left on Russia to enforce either; everything else stays open
    assert menu["Enforce the rules on Russia more strictly"] == (
        "precondition not met: sanctions in force")
    assert sum(reason is not None for reason in menu.values()) == 2
    assert available_choices(BrinkModel(load_scenario(DEFAULT_SCENARIO), rng=1)) == []


def test_questions_for_a_turn():
    spec = lesson("do-sanctions-work.yaml")
    assert questions_for(spec, 2) == [q.question for q in spec.discussion if q.turn == 2]
    assert questions_for(spec, 2)
    assert questions_for(spec, None)
    assert questions_for(spec, 99) == []

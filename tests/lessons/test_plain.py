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

from engine.core.causal import LogEntry
from engine.core.variables import TABLE, belief_estimate, show
from engine.narrate.plain import (
    CAPTION_KINDS,
    GLOSSARY,
    available_choices,
    chart_caption,
    choice_move,
    explanations,
    glossary_markdown,
    plain_why,
    questions_for,
)
from engine.policies import HumanPolicy
from engine.scenario.loader import load_scenario
from engine.sim.model import BrinkModel
from tests.conftest import DEFAULT_SCENARIO, ROOT
from tests.lessons.test_lessons import LESSONS, lesson, played

NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
HEADLINE = re.compile(r" (rose|fell|changed) from (?:about )?(\S+) to (?:about )?(\S+?)"
                      r"(?: \(\w+\))? in turn (\d+)\.$"
                      r"|stayed at about (\S+?)(?: \(\w+\))? in turn (\d+)\.$")


def _number(text: str) -> float:
    text = text.replace(",", "").rstrip(".")
    return float(text[:-1]) / 100 if text.endswith("%") else float(text)


def _decimals(text: str) -> int:
    """Decimals of the number as a plain number (a per cent has two more)."""
    text = text.rstrip(".")
    per_cent = 2 if text.endswith("%") else 0
    return per_cent + (len(text.rstrip("%").split(".")[1]) if "." in text else 0)


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
    # a cause may quote what it came from: a value the log recorded, as it is shown, in the
    # turn it changed (engine.narrate.explain.chain in the plain register)
    logged = {show(e.var, v) for e in model.log.entries for v in (e.before, e.after)
              if isinstance(v, int | float)}
    turns = {str(t) for t in range(model.state.turn + 1)}
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
                    token = token.rstrip(",")  # "in turn 1, because ..."
                    assert (token in entry.why or token in inject or token in logged
                            or token in turns), (token, sentence)
            checked += 1
    assert checked > 50


def test_why_names_the_move_and_the_actor():
    model = played("do-sanctions-work.yaml", 7)
    sentences = plain_why(model, 2, "sanctions")
    assert sentences[0] == ("The number of sanctions packages in force rose from 2 to 3 in "
                            "turn 2.")
    assert sentences[1].startswith("Because the West chose: Impose a sanctions package.")


def test_why_for_one_actor_and_variable():
    model = played("do-sanctions-work.yaml", 7)
    strain = model.log_frame().query("turn == 5 and target == 'russia' and var == 'strain'")
    sentences = plain_why(model, 5, "strain", "russia")
    before, after = float(strain["before"].iloc[0]), float(strain["after"].iloc[-1])
    assert after > before
    assert sentences[0] == (f"Russia's economic strain rose from {before:.3f} to {after:.3f} "
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


def test_every_explained_variable_is_one_the_log_uses():
    """A variable the classroom "why?" tells by default that nobody writes would never be
    shown: catch typos in the table of variables."""
    written = set()
    for path in LESSONS:
        written |= set(played(path.name, 1).log_frame()["var"])
    explained = {v.name for v in TABLE if v.explained}
    assert explained - written <= {"transfers", "drawn_in", "beliefs", "resolve",
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


def test_a_probabilities_caption_never_calls_an_outcome_that_never_happened_likely():
    """All outcomes at 0 of 1,000 runs: no "most likely", and the upper bound is not shown
    as 0% (Wilson's bound for 0 of 1,000 is 0.38%)."""
    probs = pd.DataFrame({"outcome": ["a", "b"], "n": [1000, 1000], "k": [0, 0],
                          "p": [0.0, 0.0], "low": [0.0, 0.0], "high": [0.0038, 0.0038]})
    assert chart_caption("probabilities", probs) == (
        "None of the 2 outcomes happened in any of the 1,000 runs; each has a 95% interval "
        "from 0% to 0.4%.")
    small = probs.assign(k=[1, 0], p=[0.001, 0.0], low=[0.00018, 0.0], high=[0.0056, 0.0038])
    assert chart_caption("probabilities", small, names={"a": "A"}) == (
        "The most likely outcome is \"A\": 1 of 1,000 runs (0.1%; 95% interval 0.02% to "
        "0.6%).")


def test_one_turn_is_one_turn():
    rows = [(t, "world", "escalation_rung", v) for t, v in enumerate([3, 3])]
    frame = pd.DataFrame(rows, columns=["turn", "actor", "variable", "value"])
    assert chart_caption("escalation", frame) == (
        "Escalation started and ended at rung 3 over 1 turn.")


CASUALTY_PART = re.compile(r"^(.+?)'s? (?:rose from ([\d,]+) to ([\d,]+)|stayed at ([\d,]+))"
                           r"(?:, with the biggest rise, \+([\d,]+), in turn (\d+))?$")


def _casualty_parts(text: str, names: dict[str, str]) -> dict[str, tuple]:
    """actor -> (first, last, biggest rise or None, its turn or None), parsed back from a
    casualties caption; the order of the dict is the order of the sentence."""
    head = re.match(r"Military casualties \(killed and wounded\) over (\d+) turns?: (.+)\.$", text)
    assert head is not None, text
    ids = {name: a for a, name in names.items()}
    ids |= {"the" + name[3:]: a for name, a in list(ids.items()) if name.startswith("The ")}
    out = {}
    for part in head.group(2).split("; "):
        m = CASUALTY_PART.match(part)
        assert m is not None, part
        first = _number(m.group(2) or m.group(4))
        last = _number(m.group(3) or m.group(4))
        rise = (_number(m.group(5)), int(m.group(6))) if m.group(5) else (None, None)
        out[ids[m.group(1)]] = (first, last, *rise)
    return out


def _check_casualties(text: str, frame: pd.DataFrame, names: dict[str, str]) -> dict:
    """Every figure in a casualties caption is the frame's, most casualties first."""
    rows = frame[frame["variable"] == "casualties"]
    parts = _casualty_parts(text, names)
    assert f" over {int(rows['turn'].max() - rows['turn'].min())} turns: " in text
    hit = sorted(rows.loc[rows["value"] > 0, "actor"].unique())
    assert sorted(parts) == hit
    lasts = []
    for a, (first, last, rise, turn) in parts.items():
        s = rows[rows["actor"] == a].set_index("turn")["value"].sort_index()
        assert (first, last) == (round(s.iloc[0]), round(s.iloc[-1])), a
        steps = s.diff().iloc[1:]
        if steps.max() > 0:
            assert rise == round(steps.max()), a
            assert steps[turn] == steps.max(), a  # the first turn with the biggest rise
            assert (steps.loc[:turn - 1] < steps.max()).all(), a
        else:
            assert rise is None, a
        lasts.append(last)
    assert lasts == sorted(lasts, reverse=True)
    return parts


def test_casualties_caption_from_a_known_frame():
    names = {"nk": "North Korea", "ru": "Russia", "ua": "Ukraine", "west": "The West"}
    rows = [(t, "nk", "casualties", v) for t, v in enumerate([0, 0, 300, 1105, 1105])]
    rows += [(t, "ru", "casualties", v) for t, v in enumerate([0, 500, 1200, 1200, 4000])]
    rows += [(t, "ua", "casualties", 0) for t in range(5)]
    rows += [(t, "west", "casualties", 250) for t in range(5)]  # had some before the game
    frame = _frame(rows)
    text = chart_caption("casualties", frame, names=names)
    assert text == (
        "Military casualties (killed and wounded) over 4 turns: Russia's rose from 0 to 4,000, "
        "with the biggest rise, +2,800, in turn 4; North Korea's rose from 0 to 1,105, with the "
        "biggest rise, +805, in turn 3; the West's stayed at 250.")
    assert list(_check_casualties(text, frame, names)) == ["ru", "nk", "west"]
    one = chart_caption("casualties", frame, actor="nk", names=names)
    assert one == ("Military casualties (killed and wounded) over 4 turns: North Korea's rose "
                   "from 0 to 1,105, with the biggest rise, +805, in turn 3.")
    assert _casualty_parts(one, names) == {"nk": (0, 1105, 805, 3)}


def test_casualties_caption_when_nobody_has_any():
    names = {"nk": "North Korea", "west": "The West"}
    frame = _frame([(t, a, "casualties", 0) for t in range(7) for a in names])
    assert chart_caption("casualties", frame, names=names) == (
        "No actor had military casualties (killed or wounded) over 6 turns.")
    assert chart_caption("casualties", frame, actor="west", names=names) == (
        "The West had no military casualties (killed or wounded) over 6 turns.")
    # a frame without the variable at all (nothing recorded) says the same, not a KeyError
    assert chart_caption("casualties", _frame([(0, "world", "escalation_rung", 3),
                                               (2, "world", "escalation_rung", 4)])) == (
        "No actor had military casualties (killed or wounded) over 2 turns.")


BRANCH_END = re.compile(r"([\d.,]+) on \"([^\"]+)\"(?: \(turn (\d+)\))?")


def _branch_figures(text: str) -> dict:
    """The figures of a branches caption: ends (name -> (value, turn or None)), the common
    end turn, the gap and the turn it is read at, the turn the lines part after, decimals."""
    ends_text = re.split(r" ends at ", text, maxsplit=1)[1].split(";")[0]
    ends = {m.group(2): (_number(m.group(1)), int(m.group(3)) if m.group(3) else None)
            for m in BRANCH_END.finditer(ends_text)}
    at = re.match(r"At turn (\d+), ", text)
    gap = re.search(r"(?:at turn (\d+), the last turn \w+(?: \d+)? reached, )?"
                    r"(?:they are|the highest and the lowest are) ([\d.,]+) apart", text)
    part = re.search(r"the lines are the same up to turn (\d+) and part after it\.$", text)
    digits = {_decimals(m.group(1)) for m in BRANCH_END.finditer(ends_text)}
    assert len(digits) == 1, text
    return {"ends": ends, "at": int(at.group(1)) if at else None,
            "gap": _number(gap.group(2)) if gap else None,
            "gap_turn": int(gap.group(1)) if gap and gap.group(1) else None,
            "part": int(part.group(1)) if part else None, "digits": digits.pop()}


def _check_branches(text: str, series: pd.DataFrame) -> dict:
    """Every figure in a branches caption is the frame's, rounded to the decimals shown."""
    got = _branch_figures(text)
    tolerance = 0.5 * 10 ** -got["digits"] + 1e-12
    assert list(got["ends"]) == [str(c) for c in series.columns]
    for name, (value, turn) in got["ends"].items():
        column = series[name].dropna()
        assert abs(value - column.iloc[-1]) <= tolerance, name
        assert (turn if turn is not None else got["at"]) == column.index[-1], name
    common = series.dropna()
    gaps = common.max(axis=1) - common.min(axis=1)
    if got["gap"] is not None:
        turn = got["gap_turn"] if got["gap_turn"] is not None else got["at"]
        assert turn == common.index[-1]
        assert abs(got["gap"] - gaps.iloc[-1]) <= tolerance
        assert got["gap"] > 0
    if got["part"] is not None:
        assert (gaps.loc[:got["part"]] == 0).all()
        assert gaps.loc[got["part"] + 1:].iloc[0] > 0
    return got


def test_branches_caption_of_two_branches_that_part_at_a_known_turn():
    # "Cut off" replays the main line up to turn 3, then plays turns 4 and 5 differently
    series = pd.DataFrame({
        "Main line": [2.0, 3.1, 4.25, 6.0, 9.5, 14.2, 14.2],
        "No secondary sanctions": [2.0, 3.1, 4.25, 6.0, 7.0, 11.0, None]},
        index=pd.Index(range(7), name="turn"))
    text = chart_caption("branches", series, label="escalation level")
    assert text == (
        "Escalation level ends at 14.2 on \"Main line\" (turn 6) and 11.0 on \"No secondary "
        "sanctions\" (turn 5); at turn 5, the last turn both reached, they are 3.2 apart; the "
        "lines are the same up to turn 3 and part after it.")
    got = _check_branches(text, series)
    assert got["part"] == 3
    assert got["ends"] == {"Main line": (14.2, 6), "No secondary sanctions": (11.0, 5)}
    # both played to the same turn: the turn is said once
    even = series.fillna({"No secondary sanctions": 12.0})
    text = chart_caption("branches", even, label="escalation level")
    assert text == (
        "At turn 6, escalation level ends at 14.2 on \"Main line\" and 12.0 on \"No secondary "
        "sanctions\"; they are 2.2 apart; the lines are the same up to turn 3 and part after it.")
    assert _check_branches(text, even)["at"] == 6


def test_branches_caption_shows_enough_decimals_and_same_lines():
    risk = pd.DataFrame({"Main line": [0.01, 0.02, 0.034, 0.05],
                         "Softer line": [0.01, 0.02, 0.031, 0.0497],
                         "Harder line": [0.01, 0.025, 0.04, 0.0472]})
    text = chart_caption("branches", risk, label="risk of a wider war")
    got = _check_branches(text, risk)
    assert got["digits"] == 4  # 0.05 and 0.0497 look the same with three decimals
    assert "the highest and the lowest are 0.0028 apart" in text
    assert got["part"] == 0
    same = pd.DataFrame({"Main line": [1.0, 2.0, 2.5], "Copy": [1.0, 2.0, None]})
    assert chart_caption("branches", same, label="escalation level") == (
        "Escalation level ends at 2.5 on \"Main line\" (turn 2) and 2.0 on \"Copy\" (turn 1); "
        "the lines are the same on every turn the branches share (up to turn 1).")
    assert chart_caption("branches", same[["Main line"]], label="escalation level") == (
        "At turn 2, escalation level ends at 2.5 on \"Main line\".")


def test_a_risk_compared_across_branches_reads_in_per_cent():
    """A risk is a share: in per cent it reads "0.6%", not "0.006"."""
    risk = pd.DataFrame({"Main line": [0.001, 0.004, 0.006], "Harder": [0.001, 0.005, 0.009]})
    text = chart_caption("branches", risk, label="risk of a wider war", as_percent=True)
    assert text.startswith("At turn 2, risk of a wider war ends at 0.6% on \"Main line\" and "
                           "0.9% on \"Harder\"; they are 0.3% apart"), text


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
    names = {a.id: a.name for a in model.state.actors.values()}
    text = chart_caption("casualties", frame, names=names)
    if text.startswith("No actor"):
        assert not (frame.loc[frame["variable"] == "casualties", "value"] > 0).any()
        assert text.endswith(f" over {model.state.turn} turns.")
    else:
        assert _check_casualties(text, frame, names)


def test_unknown_caption_kind_is_refused():
    with pytest.raises(ValueError, match="expected one of"):
        chart_caption("pie", _frame([]))
    assert {"escalation", "casualties", "branches"} <= set(CAPTION_KINDS)


# --- glossary ----------------------------------------------------------------------------------


def test_glossary_doc_is_generated_from_the_data():
    doc = (ROOT / "docs" / "reference" / "glossary.md").read_text(encoding="utf-8")
    assert doc.rstrip("\n") == glossary_markdown().rstrip("\n"), \
        "docs/reference/glossary.md is stale: .venv/bin/brink docs glossary > " \
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
    assert menu[lift.label] == "it has no sanctions in force on Russia"
    # nothing left on Russia to enforce either; everything else stays open
    assert menu["Enforce the rules on Russia more strictly"] == (
        "it has no sanctions in force on Russia")
    assert sum(reason is not None for reason in menu.values()) == 2
    assert available_choices(BrinkModel(load_scenario(DEFAULT_SCENARIO), rng=1)) == []


def test_questions_for_a_turn():
    spec = lesson("do-sanctions-work.yaml")
    assert questions_for(spec, 2) == [q.question for q in spec.discussion if q.turn == 2]
    assert questions_for(spec, 2)
    assert questions_for(spec, None)
    assert questions_for(spec, 99) == []

"""Rules and moves return data; engine/narrate/notes.py words it (issue 15, item 4).

Every cause a rule or a move logs carries a ``Note``: a key and facts. These tests collect the
notes of real games (every shipped scenario, and every move of the catalogue in the contract
world) and check that each has its sentence, that the sentence reads (no ids for actors who have
names, no unfilled braces), and that no rule slipped a sentence into its facts.
"""

from __future__ import annotations

import math

import pytest

from engine.core.causal import Note
from engine.core.state import Belief, Sanction
from engine.moves.catalogue import CATALOGUE, MoveType
from engine.narrate import notes
from engine.rules.intelligence import QUANTITY
from engine.scenario.loader import load_scenario
from engine.sim.model import BrinkModel
from tests.engine.moves.contracts import move, start
from tests.golden.golden import scenario_files

GREEN_ABROAD = {"deployed": 10_000, "front": 10_000}
ON_GREEN = {"world": {"sanctions": (Sanction("blue", "green", "targeted", 0.6, 0),
                                    Sanction("blue", "green", "sectoral", 0.75, 0))}}

# One accepted case of every move that changes something, in the contract world (and an
# offensive that breaks a ceasefire, for the military rule's note).
MOVES = [
    (move("green", "deploy_troops", troops=5_000), None),
    (move("green", "reinforce_troops", troops=2_000), {"green": GREEN_ABROAD}),
    (move("green", "rotate_troops", troops=2_000), {"green": GREEN_ABROAD}),
    (move("green", "withdraw_troops", troops=4_000), {"green": GREEN_ABROAD}),
    # the whole front pulled back: the reserve recovers and nobody is left at the front to lose
    (move("green", "pull_back_troops"), {"green": {**GREEN_ABROAD, "front_losses": 0.01}}),
    (move("green", "return_to_front", troops=2_000),
     {"green": {**GREEN_ABROAD, "front": 8_000, "reserve": 2_000}}),
    (move("red", "mobilise", troops=15_000), None),
    (move("red", "transfer_munitions", recipient="green", shells=100_000), None),
    (move("red", "pay_support", recipient="green", kind="cash", amount=500), None),
    (move("red", "military_aid", recipient="green", amount=300), None),
    (move("blue", "impose_sanctions", target="green", package="sectoral"), None),
    (move("blue", "tighten_sanctions", target="green"), ON_GREEN),
    (move("blue", "lift_sanctions", target="green", package="targeted"), ON_GREEN),
    (move("blue", "enforce_sanctions", target="green"), ON_GREEN),
    (move("blue", "interdict", route="rail"), None),
    (move("blue", "diplomatic_protest", target="red"), None),
    (move("blue", "un_action", target="green"), ON_GREEN),
    (move("red", "nuclear_signalling"), None),
    (move("blue", "disclose_intelligence", about="green"), {
        "green": {"deployed": 20_000, "front": 20_000},
        "blue": {"beliefs": {("green", QUANTITY): Belief(math.log1p(20_000), 0.01, 5)}}}),
    (move("green", "deny_conceal"), {"green": {"deployed": 20_000, "front": 20_000}}),
    (move("red", "deny_conceal", about="green"), {"green": {"deployed": 20_000,
                                                            "front": 20_000}}),
    (move("green", "acknowledge_deployment"), {"green": {"deployed": 20_000, "front": 20_000}}),
    (move("red", "offensive_operation", intensity=0.9), {"theatre:front": {"ceasefire": True}}),
    (move("red", "deep_strike", target="blue"), None),
    (move("red", "nuclear_use"), {"world": {"escalation_level": 16.0}}),
    (move("red", "offer_ceasefire"), {"world": {"ceasefire_offers": (("blue", "front", 0),)}}),
]
# The moves that change nothing when made (their effect is their points, or the rules'
# reading of them): they leave no note of their own.
NO_EFFECT = {MoveType.HOLD, MoveType.OFFER_TALKS, MoveType.DEFENSIVE_OPERATION,
             MoveType.OFFENSIVE_OPERATION}


def _recording(model: BrinkModel) -> list[tuple[Note, str]]:
    """Have ``model``'s log keep every note it words, with its sentence."""
    told: list[tuple[Note, str]] = []

    def tell(note, state):
        text = notes.sentence(note, state)
        if note is not None:
            told.append((note, text))
        return text

    model.log.tell = tell
    return told


def _facts(value):
    """Every fact in ``value``, into notes and tuples."""
    if isinstance(value, Note):
        for fact in value.facts.values():
            yield from _facts(fact)
    elif isinstance(value, tuple):
        for item in value:
            yield from _facts(item)
    else:
        yield value


def _keys(value):
    """The key of every note in ``value``, into notes and tuples."""
    if isinstance(value, Note):  # a Note is a tuple too: look at it first
        yield value.key
        for fact in value.facts.values():
            yield from _keys(fact)
    elif isinstance(value, tuple):
        for item in value:
            yield from _keys(item)


def _check(told, names: dict[str, str]) -> None:
    for note, text in told:
        assert note.key in notes.SENTENCES, note.key
        assert text.strip(), note
        assert not set("{}") & set(text), text
        if note.key == "inject":
            continue  # its text is the author's own words
        sentences = [f for f in _facts(note) if isinstance(f, str) and " " in f]
        assert not sentences, f"{note.key} carries words, not data: {sentences}"
        for actor_id, name in names.items():
            if actor_id != name and "_" in actor_id:
                assert actor_id not in text, f"{note.key} names {actor_id} by its id: {text}"


@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: p.stem)
def test_every_note_of_a_shipped_game_has_its_sentence_and_carries_no_words(path):
    model = BrinkModel(load_scenario(path), rng=1)
    told = _recording(model)
    model.run()
    assert told
    _check(told, {a.id: a.name for a in model.state.actors.values()})


@pytest.mark.parametrize(("submitted", "given"), MOVES, ids=lambda m: getattr(m, "type", ""))
def test_every_move_notes_what_it_did_and_the_sentence_names_its_actor(submitted, given):
    model = start(given)
    told = _recording(model)
    model.submit(submitted.actor, [submitted])
    model.step()
    _check(told, {a.id: a.name for a in model.state.actors.values()})
    if submitted.type in NO_EFFECT:
        return  # its notes are the rules' (the offensive breaks the ceasefire)
    mine = [(n, text) for n, text in told if n.key.startswith("move.")]
    assert mine, f"{submitted.type} logged no note of its own"
    if submitted.type != MoveType.UN_ACTION:  # "UN action against Green passes": no mover
        name = model.state.actors[submitted.actor].name
        assert any(name in text for _n, text in mine), mine


def test_the_cases_cover_every_move_with_an_effect():
    covered = {m.type for m, _given in MOVES}
    assert set(CATALOGUE) - NO_EFFECT - covered == set()


def test_every_sentence_has_a_note_that_uses_it():
    """No dead sentences: every key of SENTENCES comes up in the games above."""
    used: set[str] = set()
    for path in scenario_files():
        model = BrinkModel(load_scenario(path), rng=1)
        told = _recording(model)
        model.run()
        used |= {key for note, _text in told for key in _keys(note)}
    for submitted, given in MOVES:
        model = start(given)
        told = _recording(model)
        model.submit(submitted.actor, [submitted])
        model.step()
        used |= {key for note, _text in told for key in _keys(note)}
    unused = set(notes.SENTENCES) - used
    # Rare in short games: an accident near the top of the ladder, a denial exposed, a
    # violent move by an actor not yet fighting, a third party drawn in (its sentence is
    # tested in tests/engine/rules/test_escalation_pairs.py).
    assert unused <= {"escalation.accident", "observation.denial_exposed",
                      "military.drawn_in_violent", "escalation.drawn_in"}, unused


def test_a_lean_run_makes_no_notes():
    """Lean runs (batches) log nothing, so their rules build no notes: words cost nothing."""
    path = next(p for p in scenario_files() if p.stem == "nk-100k")
    model = BrinkModel(load_scenario(path), rng=1, record=False)
    seen = []
    model.log.tell = lambda note, state: seen.append(note) or ""
    model.run()
    assert seen == []


def test_an_intelligence_report_keeps_its_confidence_label_as_data():
    """The dashboard's report table reads the label from the report's data, not back out of
    the feed's sentence; the feed's sentence is the label and the table's text."""
    path = next(p for p in scenario_files() if p.stem == "nk-100k")
    model = BrinkModel(load_scenario(path), rng=3)
    for _ in range(6):
        model.step()
    reports = model.reports_frame()
    feed = [e for e in model.events if e["kind"] == "report"]
    assert len(reports) == len(feed) > 0
    assert set(reports["label"]) <= {"unverified", "probable", "confirmed"}
    for (_i, row), event in zip(reports.iterrows(), feed, strict=True):
        assert not row["text"].startswith("[")
        assert event["text"] == f"[{row['label']}] {row['text']}"
        assert (event["turn"], event["actor"]) == (row["turn"], row["observer"])

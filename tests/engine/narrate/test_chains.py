"""Causes that reach back (issue 15, item 2): a change carries typed references to what it came
from, and the explanation of a figure follows them back to the team decision behind it."""

from __future__ import annotations

import pytest

from engine.core.causal import Ref
from engine.moves.catalogue import make_move
from engine.narrate.explain import chain, consequences, explain_turn
from engine.policies import HumanPolicy
from engine.scenario.loader import load_scenario
from engine.sim.model import BrinkModel
from tests.conftest import SCENARIOS

RATIONALE = "cut the revenue that pays for the war"


@pytest.fixture(scope="module")
def sanctioned():
    """nk-100k with the West a human team that imposes secondary sanctions on Russia in
    turn 2, then holds."""
    model = BrinkModel(load_scenario(SCENARIOS / "nk-100k.yaml"), rng=5,
                       policies={"west": HumanPolicy("west")}, turns=5)
    model.step()
    model.submit("west", [make_move("west", "impose_sanctions",
                                    {"target": "russia", "package": "secondary"},
                                    source="human", rationale=RATIONALE)])
    model.run()
    return model


def _west_sanctions(model) -> str:
    """The id of the team's sanctions move (its number depends on how many moves came first)."""
    return next(m.id for m in model.move_log
                if m.actor == "west" and m.type.value == "impose_sanctions")


def _entry(model, turn, target, var):
    """The last change of ``target.var`` in ``turn`` (the rules' own, after any move's)."""
    return [e for e in model.log.for_turn(turn) if e.target == target and e.var == var][-1]


@pytest.mark.parametrize("turn", [2, 3, 5])
def test_the_explanation_of_the_targets_strain_names_the_sanctions_move(sanctioned, turn):
    """Russia's strain in the turn of the move and in later turns: the chain runs strain <-
    lost trade <- sanctions in force <- the West's move, with the team's rationale."""
    lines = [line for _, line in chain(sanctioned, _entry(sanctioned, turn, "russia",
                                                          "strain"))]
    assert any("trade lost to sanctions" in line for line in lines), lines
    move = next(line for line in lines if "chose Impose a sanctions package" in line)
    assert "package: secondary" in move
    assert "on turn 2" in move
    assert f"team The West (US, EU, UK, ROK, Japan): '{RATIONALE}'" in move


def test_brink_run_explain_shows_the_chain(sanctioned):
    text = explain_turn(sanctioned, 3)
    block = text.split("* Russia: economic strain")[1].split("\n* ")[0]
    assert "because Russia's trade lost to sanctions" in block
    assert RATIONALE in block


def test_changes_carry_typed_references(sanctioned):
    strain = _entry(sanctioned, 3, "russia", "strain")
    assert Ref("var", "russia.lost_trade") in strain.refs
    lost = _entry(sanctioned, 2, "russia", "lost_trade")
    assert lost.refs == (Ref("var", "world.sanctions"),)
    sanctions = next(e for e in sanctioned.log.for_turn(2) if e.var == "sanctions")
    assert (sanctions.kind, sanctions.ref) == ("move", _west_sanctions(sanctioned))
    frame = sanctioned.log_frame()
    assert "var:russia.lost_trade; var:russia.transfer_relief" in set(
        frame.loc[frame["var"] == "strain", "refs"])


def test_what_the_decision_set_off_includes_the_targets_strain(sanctioned):
    effects = consequences(sanctioned)[_west_sanctions(sanctioned)]
    assert any(line.startswith("turn 3: Russia: economic strain") for line in effects)
    assert any(line.startswith("turn 2: sanctions in force") for line in effects)


def test_a_chain_without_references_stops_at_the_rule(sanctioned, monkeypatch):
    """The references are what the chain follows: strip them and it finds nothing (so the
    tests above could fail)."""
    entry = _entry(sanctioned, 3, "russia", "strain")._replace(refs=())
    assert chain(sanctioned, entry) == []


def test_the_after_action_report_says_what_each_decision_set_off(tmp_path):
    from engine.exercise.session import Exercise
    from engine.exercise.store import ExerciseStore
    from ui import report

    path = SCENARIOS / "nk-100k.yaml"
    ex = Exercise.start(path.read_text(encoding="utf-8"), path.name, seed=5,
                        teams={"west": "human"}, turns=4,
                        store=ExerciseStore(tmp_path / "ex.sqlite"))
    ex.adjudicate()
    ex.submit("west", [{"move": "impose_sanctions",
                        "params": {"target": "russia", "package": "secondary"}}], RATIONALE,
              turn=2)
    ex.adjudicate()
    ex.adjudicate()
    effects = report.decision_effects(ex)
    row = effects.iloc[0]
    assert (row["turn"], row["rationale"]) == (2, RATIONALE)
    assert "turn 3: Russia: economic strain" in row["what it set off"]
    html = report.after_action_report(ex, futures=0)
    assert "What each decision set off" in html


def test_a_decisions_parameters_read_as_the_news_shows_them(sanctioned):
    """Routes and actors by name, numbers with separators and units, in the analyst's chain
    as in the news feed (a review found "route rail_tumangang_khasan, troops 10000")."""
    text = explain_turn(sanctioned, 4)
    assert "chose" in text
    assert "rail_tumangang_khasan" not in text
    assert "troops 10000" not in text
    assert "troops: 10,000" in text
    assert "route: Tumangang-Khasan bridge and the Trans-Siberian" in text


def test_a_state_an_actor_enters_reads_as_a_sentence():
    """'because the West was drawn into the conflict', not "the West's drawn into the conflict
    rose no -> yes" (a review found the latter)."""
    from types import SimpleNamespace

    from engine.narrate.explain import _change_origin

    entry = SimpleNamespace(kind="random", ref="draw_in", target="west", var="drawn_in",
                            before=False, after=True, turn=50)
    index = SimpleNamespace(moves={})
    assert _change_origin(entry, {"west": "The West"}, {}, index) == (
        "because the West was drawn into the conflict in turn 50 (chance)")
    assert _change_origin(entry, {"west": "The West"}, {}, index, plain=True) == (
        "because the West became part of the fighting in turn 50")

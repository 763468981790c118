"""The Mesa model: determinism, replay, human moves, phases and the causal log."""

import pandas as pd
import pytest

from engine.core.causal import INJECT, MOVE, RANDOM, RULE
from engine.moves.catalogue import make_move
from engine.policies import HumanPolicy
from engine.scenario.loader import load_scenario
from engine.sim.model import BrinkModel, GameOver, StateAgent, replay_policies
from tests.conftest import DEFAULT_SCENARIO


def _run(scenario, seed, **kw):
    return BrinkModel(scenario, rng=seed, **kw).run()


def test_one_agent_per_actor(default_scenario):
    """Every actor is a Mesa agent with its own policy."""
    model = BrinkModel(default_scenario, rng=1)
    assert sorted(a.actor_id for a in model.agents) == sorted(default_scenario.actor_ids)
    assert all(isinstance(a, StateAgent) for a in model.agents)


def test_same_seed_same_frame_and_log(default_scenario):
    """Same scenario and seed give identical per-turn frames and causal logs."""
    a, b = _run(default_scenario, 11), _run(default_scenario, 11)
    pd.testing.assert_frame_equal(a.frame(), b.frame())
    pd.testing.assert_frame_equal(a.log_frame(), b.log_frame())
    assert a.events == b.events


def test_a_frame_of_some_variables_is_the_whole_frame_filtered(default_scenario):
    """frame_vars (what batches with --per-turn keep) records the same rows as the whole frame,
    filtered to those variables and every estimate, in the same order, and the same run."""
    keep = frozenset({"strain", "escalation_level", "front_pressure"})
    whole = BrinkModel(default_scenario, rng=5, record=False, frame=True, turns=8).run()
    some = BrinkModel(default_scenario, rng=5, record=False, frame=True, turns=8,
                      frame_vars=keep).run()
    expected = [r for r in whole.rows
                if r[3] in keep or r[3].startswith(("belief.", "belief_sd."))]
    assert some.rows == expected
    assert {r[3] for r in some.rows if not r[3].startswith("belief")} == keep
    assert some.summary() == whole.summary()


def test_different_seeds_differ(default_scenario):
    """The seed matters: attrition and observation are random."""
    a, b = _run(default_scenario, 1), _run(default_scenario, 2)
    assert not a.frame()["value"].equals(b.frame()["value"])


def test_replaying_the_move_log_reproduces_the_run(default_scenario):
    """Scripted replay of the recorded moves gives the same frame, log and moves."""
    original = _run(default_scenario, 5)
    replay = _run(default_scenario, 5,
                  policies=replay_policies(default_scenario, original.move_log))
    pd.testing.assert_frame_equal(original.frame(), replay.frame())
    pd.testing.assert_frame_equal(original.log_frame(), replay.log_frame())
    assert [(m.id, m.actor, m.type, m.params) for m in original.move_log] == [
        (m.id, m.actor, m.type, m.params) for m in replay.move_log]


def test_human_moves_are_deterministic_too(default_scenario):
    """Same seed and same human moves give the same results."""
    def play():
        model = BrinkModel(default_scenario, rng=3, turns=4,
                           policies={"west": HumanPolicy("west")})
        for turn in range(1, 5):
            if turn == 2:
                model.submit("west", [make_move("west", "impose_sanctions",
                                                {"target": "north_korea",
                                                 "package": "secondary"})])
            model.step()
        return model
    a, b = play(), play()
    pd.testing.assert_frame_equal(a.frame(), b.frame())
    assert any(m.type.value == "impose_sanctions" and m.actor == "west" for m in a.move_log)


def test_submit_refuses_actors_not_played_by_humans(default_scenario):
    """Moves can only be submitted for human-played actors."""
    model = BrinkModel(default_scenario, rng=1)
    with pytest.raises(ValueError, match="not a human"):
        model.submit("russia", [make_move("russia", "hold")])


def test_invalid_human_move_is_rejected_with_a_reason(default_scenario):
    """An unaffordable move is refused, reported, and changes nothing."""
    model = BrinkModel(default_scenario, rng=1, turns=2,
                       policies={"north_korea": HumanPolicy("north_korea")})
    too_many = make_move("north_korea", "withdraw_troops", {"troops": 150_000})
    model.agents_by_actor["north_korea"].policy.submit([too_many])
    model.step()
    rejected = [e for e in model.events if e["kind"] == "rejected"]
    assert rejected
    assert rejected[0]["actor"] == "north_korea"
    assert "not enough troops at the front" in rejected[0]["text"]
    assert model.state.actors["north_korea"].in_transit == 0
    assert not any(m.type.value == "withdraw_troops"
                   for m in model.move_log)


def test_stepping_past_the_last_turn_is_an_error(default_scenario):
    """A finished game says so instead of playing on."""
    model = BrinkModel(default_scenario, rng=1, turns=1).run()
    assert not model.running
    with pytest.raises(GameOver):
        model.step()


def test_causal_log_records_every_cause_kind(default_scenario):
    """Moves, injects, random draws and rules all appear as causes, with before/after."""
    model = _run(default_scenario, 7, turns=12)
    kinds = {e.kind for e in model.log.entries}
    assert {MOVE, INJECT, RANDOM, RULE} <= kinds
    assert all(e.before != e.after for e in model.log.entries)


def test_every_recorded_change_is_in_the_log(default_scenario):
    """Each headline variable that differs between turns has a log entry explaining it."""
    model = _run(default_scenario, 7, turns=6)
    frame = model.frame()
    for actor in default_scenario.actor_ids:
        for var in ("strain", "stability", "forces_home", "in_transit", "deployed"):
            series = frame[(frame.actor == actor) & (frame.variable == var)].set_index("turn")
            for turn in range(1, 7):
                if series.loc[turn, "value"] != series.loc[turn - 1, "value"]:
                    assert any(e.turn == turn and e.target == actor and e.var == var
                               for e in model.log.entries), (actor, var, turn)


def test_phases_run_in_design_order(default_scenario):
    """Within a turn, log entries follow events, intelligence, moves, then the rules in order."""
    model = _run(default_scenario, 7, turns=3)
    order = ["events", "intelligence", "moves", "logistics", "economy", "military",
             "politics", "escalation"]
    for turn in (1, 2, 3):
        phases = [e.phase for e in model.log.for_turn(turn)]
        ranks = [order.index(p) for p in phases]
        assert ranks == sorted(ranks)


def test_inject_effects_and_moves_apply_on_their_turn(default_scenario):
    """The MSEL inject's effect is logged with the inject as its cause."""
    model = _run(default_scenario, 7, turns=3)
    inject = next(i for i in default_scenario.injects if i.effects)
    entries = [e for e in model.log.entries if e.kind == INJECT and e.ref == inject.id]
    assert entries
    assert all(e.turn == inject.turn for e in entries)


def test_fewer_turns_than_the_clock(default_scenario):
    """--turns plays a prefix of the scenario."""
    model = _run(default_scenario, 7, turns=5)
    assert model.state.turn == 5
    assert model.frame()["turn"].max() == 5


def test_lean_runs_give_the_same_numbers_as_recorded_runs(default_scenario):
    """record=False (what batches use) skips the log and its sentences, never the rules."""
    for seed in (0, 1, 2):
        recorded = BrinkModel(default_scenario, rng=seed).run()
        lean = BrinkModel(default_scenario, rng=seed, record=False).run()
        assert recorded.summary() == lean.summary()
        assert not lean.log.entries
        framed = BrinkModel(default_scenario, rng=seed, record=False, frame=True).run()
        assert framed.rows == recorded.rows


def test_sentences_name_actors_not_ids():
    """The news feed and the causal log are read by people: actors appear by name (a move's
    parameters too), never as scenario ids such as 'russia' or 'target=russia'."""
    model = BrinkModel(load_scenario(DEFAULT_SCENARIO), rng=3).run()
    ids = [a for a in model.state.actors]
    texts = [e["text"] for e in model.events] + [e.why for e in model.log.entries]
    sanction_moves = [t for t in texts if "sanctions on" in t]
    assert sanction_moves, "the default scenario imposes sanctions"
    for text in texts:
        for actor_id in ids:
            assert f"={actor_id}" not in text, text
            assert f"on {actor_id}" not in text, text
            assert f"with {actor_id} " not in text, text


def test_sentences_speak_words_not_model_terms():
    """The causes people read say what happened in words: not "score 20.0 vs baseline 17.0",
    "combat power A/B 1.14 favours side A", "0 more actor(s)" or an inject's id."""
    scenario = load_scenario(DEFAULT_SCENARIO)
    model = BrinkModel(scenario, rng=3).run()
    texts = [e["text"] for e in model.events] + [e.why for e in model.log.entries]
    for jargon in ("vs baseline", "actor(s)", "side A", "side B", "A/B", "INJECT"):
        assert not [t for t in texts if jargon in t], jargon
    injects = [e["text"] for e in model.events if e["kind"] == "inject"]
    assert injects, "the default scenario has injects"
    for text in injects:
        assert text.startswith("Inject from "), text
        assert not any(i.id in text for i in scenario.injects), text
    # a sender that is not an actor reads as a name too ("press" -> "Press", as the app shows it)
    assert any(t.startswith("Inject from Press: ") for t in injects), injects
    fronts = [e.why for e in model.log.entries if e.var == "front_pressure"]
    assert fronts
    assert all("times the combat power of" in t for t in fronts)


def test_batch_columns_read_as_people_say_them():
    """A batch's runs table names figures by column ("max.world.escalation_level"); reports
    show them in words, with actors, outcomes and levers by their scenario names."""
    from engine.narrate.explain import summary_label

    labels = {"actors": {"russia": "Russia", "united_states": "United States"},
              "outcomes": {"wider_war": "A wider war"}, "levers": {"west_package": "West's move"}}
    model = BrinkModel(load_scenario(DEFAULT_SCENARIO), rng=1, turns=2).run()
    shown = {c: summary_label(c, labels) for c in model.summary()}
    assert not [t for t in shown.values() if "." in t or "_" in t], shown
    assert shown["max.world.escalation_level"] == "peak escalation level"
    assert shown["russia.strain"] == "Russia's final economic strain"
    assert shown["min.russia.stability"] == "Russia's lowest stability"
    assert summary_label("united_states.killed", labels) == "United States' soldiers killed"
    assert summary_label("outcome.wider_war", labels) == "A wider war"
    assert summary_label("lever.west_package", labels) == "West's move"
    assert summary_label("outcome.wider_war") == "wider war"  # an old manifest: no labels

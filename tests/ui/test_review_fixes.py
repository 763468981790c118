"""What a second reviewer driving the app in a browser found, each pinned down: the order sheet
offers only packages that can be lifted, inject decisions are visible, the room's text is not
cut, ids read as words, actors keep their colour across charts, saved exercises and imports
behave, the classroom charts the numbers the lesson asks students to watch, and small wording."""

from __future__ import annotations

import itertools
import json
import sqlite3

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from engine.exercise.session import Exercise
from engine.exercise.store import ExerciseStore
from engine.moves.catalogue import SUPPORT_KINDS, open_choices, param_spec
from engine.narrate.plain import chart_caption
from engine.scenario.loader import load_scenario
from engine.sim.model import BrinkModel
from tests.apptest import new_app, ok, texts
from tests.conftest import ROOT
from tests.ui.apptest_helpers import open_exercise as _open
from tests.ui.apptest_helpers import switch
from ui import charts, core

DEFAULT = ROOT / "scenarios" / "nk-100k.yaml"
TEXT = DEFAULT.read_text(encoding="utf-8")
LESSON = ROOT / "scenarios" / "lessons" / "do-sanctions-work.yaml"
NK = "north_korea"

pytestmark = pytest.mark.usefixtures("db")


def _captions(at: AppTest) -> list[str]:
    return texts(at.caption)


# --- 1. lifting a package offers only the packages in force ------------------------------------


def test_lifting_offers_only_the_packages_in_force_on_the_target(db):
    at, ex = _open(db)
    ok(at.selectbox(key="move:west").set_value("lift_sanctions").run())
    target = at.selectbox(key="param:west:lift_sanctions:target")
    assert target.value == NK  # the West has comprehensive sanctions on North Korea
    package = at.selectbox(key="param:west:lift_sanctions:package")
    assert package.options == ["comprehensive"]
    assert not [c for c in _captions(at) if c.startswith("Not possible")]

    ok(target.set_value("russia").run())
    assert at.selectbox(key="param:west:lift_sanctions:package").options == ["sectoral"]
    assert not [c for c in _captions(at) if c.startswith("Not possible")]
    ok(at.button(key="add:west").click().run())
    assert not at.error
    assert at.session_state[f"draft:{ex.id}:1:1:west"] == [
        {"move": "lift_sanctions", "params": {"target": "russia", "package": "sectoral"}}]


def test_lifting_says_so_when_nothing_is_in_force_on_the_target(db):
    at, ex = _open(db)
    ok(at.selectbox(key="move:west").set_value("lift_sanctions").run())
    ok(at.selectbox(key="param:west:lift_sanctions:target").set_value("ukraine").run())
    assert ("Not possible as it stands: it has no sanctions in force on Ukraine.") in (
        _captions(at))
    ok(at.button(key="add:west").click().run())
    assert "Nothing was added" in " ".join(texts(at.error))
    assert not at.session_state[f"draft:{ex.id}:1:1:west"]


def test_the_engine_narrows_a_choice_to_what_it_would_accept():
    """engine.moves.catalogue.open_choices: the order sheet offers the values the move's own checks
    accept (lift a package in force, impose one that is not); nothing is narrowed where the
    choice decides nothing."""
    model = BrinkModel(load_scenario(DEFAULT), rng=1, turns=2)
    state = model.state
    assert open_choices(state, "west", "lift_sanctions", "package",
                        {"target": "russia"}) == (["sectoral"], None)
    assert open_choices(state, "west", "lift_sanctions", "package",
                        {"target": "ukraine"}) is None  # nothing in force: same refusal
    accepted, _ = open_choices(state, "west", "impose_sanctions", "package",
                               {"target": "russia"})
    assert "sectoral" not in accepted
    assert "comprehensive" in accepted
    assert open_choices(state, "west", "impose_sanctions", "target", {}) is None  # not a choice


# --- 2. each inject says what will happen to it ------------------------------------------------


def _badges(at: AppTest) -> list[str]:
    return [m for m in texts(at.markdown) if "-badge[" in m]


def test_each_inject_says_what_will_happen_to_it(db):
    at, ex = _open(db)
    first = next(i for i in ex.scenario.injects if i.turn == 1)
    assert "Scheduled injects you leave untouched are played as written." in _captions(at)
    assert any("Will be played as written" in b for b in _badges(at))

    at.text_area(key=f"inject_text:{first.id}").input("An edited report.")
    ok(at.run())
    assert at.button(key=f"approve:{first.id}").label == "Approve with this text"
    ok(at.button(key=f"approve:{first.id}").click().run())
    assert any("Will be played with your edit" in b for b in _badges(at)), _badges(at)
    assert f"As written: {first.text}" in _captions(at)
    assert "Inject approved with your edit: An edited report." in texts(at.success)
    # the edit in place, the button offers to undo it
    assert at.button(key=f"approve:{first.id}").label == "Play it as written instead"

    ok(at.button(key=f"skip:{first.id}").click().run())
    assert any("Skipped: will not be played" in b for b in _badges(at)), _badges(at)
    assert at.button(key=f"skip:{first.id}").disabled
    assert at.button(key=f"approve:{first.id}").label.startswith("Play it")
    ok(at.button(key=f"approve:{first.id}").click().run())
    assert any("Will be played" in b for b in _badges(at)), _badges(at)
    assert ExerciseStore(db).load(ex.id).injects_for(1)[0]["status"] != "skipped"


# --- 3. headlines, reports and sanctions are shown in full -------------------------------------


def test_news_reports_and_sanctions_are_wrapped_tables_not_cut(db):
    at, ex = _open(db)
    for _ in range(6):  # until some actor files an intelligence report
        ex.adjudicate()
        if len(core.intelligence_reports(ex.model().reports_frame(), ex.names, ex.turn)):
            break
    ok(at.run())
    tables = {tuple(t.value.columns): t.value for t in at.table}
    news = tables[("turn", "headline", "kind")]
    model = ex.model()
    assert news["headline"].tolist() == core.news_feed(model.events_frame(), ex.names,
                                                       last=ex.turn)["headline"].tolist()
    reports = tables[("observer", "confidence", "report")]
    assert all(r.endswith("troops abroad") for r in reports["report"]), reports
    assert ("sender", "target", "package", "enforcement", "since turn") in tables
    assert not [d for d in at.dataframe if {"headline", "report", "enforcement"}
                & set(d.value.columns)]


# --- 4. ids read as words -----------------------------------------------------------------------


def test_library_actors_show_names_and_capabilities_in_words(db):
    at = ok(new_app().run())
    with_actors = next(d.value for d in at.dataframe if "capabilities" in d.value.columns)
    assert "id" not in with_actors.columns
    assert NK not in " ".join(with_actors.astype(str).to_numpy().ravel())
    russia = with_actors.set_index("actor").loc["Russia", "capabilities"]
    assert "UN veto" in russia, russia
    assert "_" not in russia, russia
    assert core.words("arms_supplier") == "arms supplier"


def test_payroll_amount_reads_as_a_share_of_the_going_rate():
    scenario = load_scenario(DEFAULT)
    move = {"move": "pay_support", "params": {"recipient": NK, "kind": "payroll",
                                              "amount": 1.0}}
    assert core.describe_move(move, scenario) == (
        "Pay for support (recipient: North Korea, kind: payroll, amount: 100% of the going "
        "rate)")


def test_the_amount_paid_for_support_takes_the_bounds_of_its_kind():
    """engine.moves.catalogue.param_spec: a payroll is a share of the going rate (0..1), cash up
    to 2,000
    USD M a turn; the catalogue's own spec (0..2,000) stands until a kind is chosen."""
    assert param_spec("pay_support", "amount", {}).high == 2000.0
    payroll = param_spec("pay_support", "amount", {"kind": "payroll"})
    assert (payroll.low, payroll.high, payroll.unit) == SUPPORT_KINDS["payroll"]
    assert param_spec("pay_support", "amount", {"kind": "food"}).high == 200.0
    assert param_spec("military_aid", "amount", {"kind": "payroll"}).high == 5000.0


def test_the_order_sheet_shows_the_range_of_the_kind_of_support_chosen(db):
    """Reviewer: the amount field said 0 to 2,000 for a payroll, whose range is 0 to 1."""
    at, _ = _open(db)
    ok(at.selectbox(key="move:west").set_value("pay_support").run())
    ok(at.selectbox(key="param:west:pay_support:kind").set_value("payroll").run())
    amount = at.number_input(key="param:west:pay_support:amount:0-1")
    assert "between 0 and 1 " in amount.help, amount.help
    assert "going rate" in amount.label
    ok(amount.set_value(0.5).run())
    assert not [c for c in _captions(at) if c.startswith("Not possible")], _captions(at)
    ok(at.selectbox(key="param:west:pay_support:kind").set_value("cash").run())
    cash = at.number_input(key="param:west:pay_support:amount:0-2000")
    assert "between 0 and 2,000 USD M per turn" in cash.help, cash.help


# --- 5. an actor keeps its colour in every chart -------------------------------------------------


def _colours(spec: dict) -> dict[str, str]:
    """A line chart's legend entries -> their colours (its colour scale)."""
    scale = spec["encoding"]["color"]["scale"]
    return dict(zip(scale["domain"], scale["range"], strict=True))


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def _opened(db, path, teams: dict, played: int, seed: int = 4):
    ex = Exercise.start(path.read_text(encoding="utf-8"), path.name, seed=seed, teams=teams,
                        turns=played + 2, store=ExerciseStore(db))
    for _ in range(played):
        ex.adjudicate()
    at = new_app()
    at.query_params["exercise"] = ex.id
    return switch(ok(at.run()), "play"), ex


def test_an_actor_has_the_same_distinct_colour_in_every_chart(db):
    at, ex = _open(db, played=6, turns=8)
    expected = charts.keyed_colours(ex.names.values())
    assert len(set(expected.values())) == len(expected)  # no two actors share a colour
    by_actor = [_colours(s) for s in _charts(at)
                if set(_colours(s)) and set(_colours(s)) <= set(expected)]
    assert len(by_actor) >= 2, by_actor  # strain, and casualties of the actors hit
    for colours in by_actor:
        assert colours == {n: expected[n] for n in colours}
    # the classroom's charts (strain, trade lost, net help) keep the same colours
    at.toggle(key=f"classroom:{ex.id}").set_value(True)
    ok(at.run())
    classroom = [_colours(s) for s in _charts(at) if set(_colours(s)) <= set(expected)]
    assert len(classroom) >= 3
    for colours in classroom:
        assert colours == {n: expected[n] for n in colours}


def test_neighbouring_palette_colours_are_not_two_blues():
    """Streamlit's own palette put a light blue beside its blue: the West and Russia, or two
    compared branches, were two near-identical blues."""
    def rgb(colour: str) -> tuple[int, ...]:
        return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))

    palette = charts.PALETTE
    assert len(set(palette)) == len(palette)
    for a, b in itertools.pairwise(palette):
        distance = sum((x - y) ** 2 for x, y in zip(rgb(a), rgb(b), strict=True)) ** 0.5
        assert distance > 90, (a, b)
    chart = charts.lines(pd.DataFrame({"A": [1, 2], "B": [2, 3]}), "y").to_dict()
    assert chart["encoding"]["color"]["scale"]["range"] == list(charts.OTHER_PALETTE[:2])
    assert not set(charts.OTHER_PALETTE[:2]) & set(palette[:4])  # not the first actors'
    for a, b in itertools.pairwise(charts.OTHER_PALETTE):
        assert sum((x - y) ** 2 for x, y in zip(rgb(a), rgb(b), strict=True)) ** 0.5 > 90


def test_fans_and_compared_branches_keep_their_colours(db):
    at, ex = _open(db, played=2)
    ex.rewind(1, "Softer line")
    ex.adjudicate()
    at = switch(ok(at.run()), "branches")
    expected = core.branch_colours(ex)
    compared = [_colours(s) for s in _charts(at)]
    assert len(compared) == 2
    for colours in compared:
        assert colours == {n: expected[n] for n in colours}
        assert len(set(colours.values())) == len(colours)
    # an actor's fan is drawn in the actor's colour; a world figure's in a neutral one
    scenario = load_scenario(DEFAULT)
    fans = pd.DataFrame({"turn": [1, 2], "q05": [0.1, 0.1], "q25": [0.2, 0.2],
                         "median": [0.3, 0.3], "q75": [0.4, 0.4], "q95": [0.5, 0.5],
                         "runs": [10, 10]})
    path = pd.DataFrame({"turn": [0, 1], "value": [0.3, 0.3]})
    russia = charts.keyed_colours(a.name for a in scenario.actors)["Russia"]
    spec = charts.fan_with_path(fans, path, "strain", colour=russia).to_dict()
    assert spec["layer"][0]["mark"]["color"] == russia
    assert charts.FUTURES_COLOUR not in charts.PALETTE


# --- 7. the classroom charts what the lesson asks students to watch ----------------------------


def test_the_sanctions_lesson_charts_trade_lost_and_help_with_a_sentence_each(db):
    at, ex = _opened(db, LESSON, teams={"west": "human"}, played=3)
    heads = texts(at.markdown)
    assert "**Trade lost to sanctions**" in heads
    assert "**Net help from others**" in heads
    frame = ex.model().frame()
    for variable in ("lost_trade", "transfer_relief"):
        ids = core.nonzero_actors(frame, variable, ex.names)
        assert ids
        sentence = chart_caption(variable, frame, names={a: ex.names[a] for a in ids})
        assert core.as_markdown_text(sentence) in _captions(at)
    trade = next(s for s in _charts(at) if s["encoding"]["y"]["title"] == "bn USD a year")
    assert trade["encoding"]["y"]["title"] == "bn USD a year"


def test_flow_captions_say_the_numbers_plotted():
    frame = pd.DataFrame(
        [{"turn": t, "actor": a, "variable": v, "value": x} for t, a, v, x in [
            (0, "russia", "lost_trade", 0.0), (1, "russia", "lost_trade", 12.45),
            (2, "russia", "lost_trade", 31.7), (0, "west", "lost_trade", 0.0),
            (1, "west", "lost_trade", 12.45), (2, "west", "lost_trade", 12.45),
            (0, "north_korea", "transfer_relief", 0.0),
            (2, "north_korea", "transfer_relief", 0.596),
            (0, "russia", "transfer_relief", 0.0), (2, "russia", "transfer_relief", -0.596)]])
    names = {"north_korea": "North Korea", "russia": "Russia", "west": "The West"}
    trade = {a: names[a] for a in ("russia", "west")}
    assert chart_caption("lost_trade", frame, names=trade) == (
        "At turn 2, sanctions cost Russia 31.7 bn USD a year and the West 12.4 bn in lost "
        "trade; the biggest rise in one turn was +19.2 bn for Russia, in turn 2.")
    helped = {a: names[a] for a in ("north_korea", "russia")}
    assert chart_caption("transfer_relief", frame, names=helped) == (
        "At turn 2, North Korea received 0.6 bn USD a year more help than it paid out and "
        "Russia paid out 0.6 bn more than it received; help received eases a country's "
        "strain, help paid out adds to it.")


def test_trade_lost_is_not_credited_to_turn_1_for_packages_already_in_force():
    """Fourth review: turn 0 reads 0 lost trade although packages are in force (a flow is
    measured over a turn), so the caption said "the biggest rise ... in turn 1" for trade
    that the packages in force at the start had already blocked."""
    rows = [(0, "russia", 0.0), (1, "russia", 53.7), (2, "russia", 53.7)]
    frame = pd.DataFrame([{"turn": t, "actor": a, "variable": "lost_trade", "value": x}
                          for t, a, x in rows])
    assert chart_caption("lost_trade", frame, names={"russia": "Russia"}) == (
        "At turn 2, sanctions cost Russia 53.7 bn USD a year in lost trade.")
    assert chart_caption("lost_trade", frame[frame["turn"] == 0],
                         names={"russia": "Russia"}).startswith("No turn has been played yet")


# --- 6. saved exercises and imports ----------------------------------------------------------


def test_saved_exercises_default_to_the_open_one(db):
    store = ExerciseStore(db)
    at, ex = _open(db)
    later = Exercise.start(TEXT, DEFAULT.name, seed=2, turns=3, title="Later one", store=store)
    with sqlite3.connect(db) as conn:  # the most recently changed: listed first
        conn.execute("UPDATE exercises SET updated='2099-01-01T00:00:00+00:00' WHERE id=?",
                     (later.id,))
    at = switch(ok(at.run()), "exercises")
    assert at.selectbox(key="resume_pick").options[0].startswith("Later one")
    assert at.selectbox(key="resume_pick").value == ex.id


def test_an_import_is_titled_apart_and_cannot_be_made_twice(db):
    store = ExerciseStore(db)
    ex = Exercise.start(TEXT, DEFAULT.name, seed=1, turns=3, store=store)
    ex.adjudicate()
    at = switch(ok(new_app().run()), "exercises")
    at.file_uploader(key="import_file").set_value(("ex.json", ex.to_json().encode(),
                                                   "application/json"))
    ok(at.run())
    ok(at.button(key="import").click().run())
    titles = sorted(e["title"] for e in store.list())
    assert titles == [ex.title, f"{ex.title} (imported)"]
    assert any(s.startswith("Imported as") and "(imported)" in s for s in texts(at.success))
    # the uploader is empty again: no Import button to press a second time
    assert not [b for b in at.button if b.key == "import"]
    assert not [u for u in at.get("file_uploader") if u.key == "import_file"]
    assert len(store.list()) == 2
    again = store.import_json(ex.to_json())  # the store's own rule, for scripts too
    assert again.title == f"{ex.title} (imported 2)"


# --- 8. wording -----------------------------------------------------------------------------------


def test_the_opening_question_does_not_repeat_its_heading(db):
    at, ex = _open(db)
    opening = ex.scenario.discussion[0].question
    assert opening.startswith("Before the first turn: ")
    assert "Before the first turn" in texts(at.subheader)
    shown = [m for m in texts(at.markdown) if "troops do you expect abroad" in m]
    assert shown == ["**How many North Korean troops do you expect abroad at turn 10, and at "
                     "the end of the game? Write it down.**"], shown
    assert core.question_text("Who blinked first?", "Discussion after turn 1") == (
        "Who blinked first?")


def test_the_rationale_placeholder_is_not_written_for_one_team(db):
    at, ex = _open(db, teams={"russia": "human", "west": "human"})
    for actor, name in (("russia", "Russia"), ("west", "the West (US, EU, UK, ROK, Japan)")):
        ok(at.radio(key=f"team:{ex.id}").set_value(actor).run())
        box = at.text_area(key=f"why:{actor}:{ex.current}:1")
        assert "Moscow" not in box.placeholder
        assert box.placeholder == f"e.g. what {name} wants these moves to achieve, and why now"


# --- a fourth review: a drafted move is not dropped without a word -------------------------------


def test_adjudicating_with_a_drafted_move_not_submitted_asks_first(db):
    """Reviewer: a move drafted but never submitted vanished at adjudication, under a warning
    that only said the team had no orders. Now the page names the draft and the button waits
    until the facilitator says to go on without it."""
    at, ex = _open(db)
    ok(at.selectbox(key="move:west").set_value("lift_sanctions").run())
    ok(at.button(key="add:west").click().run())
    assert at.session_state[f"draft:{ex.id}:1:1:west"]
    warnings = " ".join(texts(at.warning))
    assert ("The West (US, EU, UK, ROK, Japan) has 1 move drafted but not submitted. Submit the "
            "orders first, or adjudicate without the drafts.") in warnings, warnings
    assert at.button(key="adjudicate").disabled
    ok(at.checkbox(key=f"drop_drafts:{ex.id}:1:1").check().run())
    assert not at.button(key="adjudicate").disabled
    ok(at.button(key="adjudicate").click().run())
    assert ExerciseStore(db).load(ex.id).turn == 1


def test_submitted_orders_leave_no_draft_to_warn_about(db):
    at, _ = _open(db)
    ok(at.selectbox(key="move:west").set_value("lift_sanctions").run())
    ok(at.button(key="add:west").click().run())
    ok(at.button(key="submit:west").click().run())
    assert "drafted but not submitted" not in " ".join(texts(at.warning))
    assert not at.button(key="adjudicate").disabled


def test_the_ad_hoc_inject_form_speaks_in_words(db):
    """Reviewer: the form offered "add / mul / set" and the target "world"."""
    at, _ = _open(db)
    assert at.selectbox(key="adhoc_op").options == ["add", "multiply by", "set to"]
    targets = at.selectbox(key="adhoc_target").options
    assert targets[:2] == ["no effect", "the world as a whole"]
    assert "North Korea" in targets
    assert not [t for t in targets if "_" in t or t == "world"]

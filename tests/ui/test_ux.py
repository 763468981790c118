"""What a reviewer driving the app found, each pinned down (AppTest and the chart specs): a number
out of range is refused as typed, "why?" lists only figures that changed and says why in words,
moves are described with names, charts read correctly from turn 0 to the report, the branch
comparison starts from the branch in play, and the small wording and formatting points."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from engine.core.variables import VARIABLES
from engine.exercise.session import Exercise
from engine.exercise.store import ExerciseStore
from engine.moves.catalogue import CATALOGUE, MoveType
from engine.narrate import explain
from engine.narrate.explain import explain_turn
from engine.scenario.loader import load_scenario
from engine.sim.model import BrinkModel
from tests.apptest import new_app, ok, texts
from tests.ui.apptest_helpers import open_exercise as _open
from ui import charts, core

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "scenarios" / "nk-100k.yaml"
TEXT = DEFAULT.read_text(encoding="utf-8")
NK = "north_korea"
WEST = "The West (US, EU, UK, ROK, Japan)"
TOLL = VARIABLES["humanitarian_toll"].label  # a row of the branch comparison

pytestmark = pytest.mark.usefixtures("db")


def _fill(at: AppTest, actor: str, move: str, **params) -> AppTest:
    ok(at.selectbox(key=f"move:{actor}").set_value(move).run())
    widgets = at.get("selectbox") + at.get("number_input")
    for name, value in params.items():
        next(w for w in widgets if w.key == f"param:{actor}:{move}:{name}").set_value(value)
    return at


def _add(at: AppTest, actor: str) -> AppTest:
    return ok(at.button(key=f"add:{actor}").click().run())


def _specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def _encodings(spec: dict) -> list[dict]:
    """Every layer's encoding of a (possibly layered) Vega-Lite spec."""
    layers = spec.get("layer", [spec])
    return [layer.get("encoding", {}) for layer in layers]


def _title(spec: dict) -> str:
    """A chart's title as one line (a long one is drawn on several)."""
    title = spec.get("title", "")
    text = title.get("text", "") if isinstance(title, dict) else title
    return " ".join(text) if isinstance(text, list) else text


# --- 1. a number out of range is refused as typed ---------------------------------------------


def test_an_out_of_range_number_is_refused_not_replaced(db):
    at, ex = _open(db, teams={NK: "human"})
    _add(_fill(at, NK, "reinforce_troops", troops=999_999_999), NK)
    assert texts(at.error) == ["Refused: 'troops' must be between 100 and 200,000, got "
                               "999,999,999. Nothing was added."]
    assert "No moves drafted" in " ".join(texts(at.caption))
    assert not at.session_state[f"draft:{ex.id}:1:1:{NK}"]
    # the widget keeps what was typed: nothing is silently set back to the last valid value
    assert at.number_input(key=f"param:{NK}:reinforce_troops:troops").value == 999_999_999

    _add(_fill(at, NK, "reinforce_troops", troops=20_000), NK)  # in range: added as typed
    assert not at.error
    assert at.session_state[f"draft:{ex.id}:1:1:{NK}"] == [
        {"move": "reinforce_troops", "params": {"troops": 20_000}}]
    assert "1. Reinforce a deployment (troops: 20,000)" in texts(at.markdown)


def test_a_move_the_situation_rules_out_says_so_before_it_is_added(db):
    """North Korea already has troops abroad: "Deploy troops abroad" shows why it is not
    possible as soon as it is picked; a reinforcement shows nothing of the kind."""
    at, _ = _open(db, teams={NK: "human"})
    ok(_fill(at, NK, "deploy_troops", troops=5000).run())
    assert ("Not possible as it stands: it has already sent troops abroad (use Reinforce a "
            "deployment).") in texts(at.caption)
    ok(_fill(at, NK, "reinforce_troops", troops=5000).run())
    assert not [c for c in texts(at.caption) if c.startswith("Not possible")]


def test_an_out_of_range_amount_is_refused_too(db):
    at, ex = _open(db)
    _add(_fill(at, "west", "military_aid", recipient="ukraine", amount=-5.0), "west")
    assert texts(at.error) == ["Refused: 'amount' must be between 0 and 5,000, got -5. Nothing "
                               "was added."]
    assert not at.session_state[f"draft:{ex.id}:1:1:west"]


# --- 2. "why?" lists the figures that changed, with causes in words ---------------------------


def _same_both_sides(headline: str) -> bool:
    """ "x: 2 in force -> 2 in force" (the arrow at the top level, not inside a detail)."""
    top = re.sub(r"\([^()]*\)", "", headline).replace("->", "→")
    match = re.search(r": ([^:→]+?) → (.+)$", top)
    return bool(match) and match.group(1).strip() == match.group(2).strip()


def test_why_lists_only_figures_that_changed_with_readable_causes():
    scenario = load_scenario(DEFAULT)
    names = {a.id: a.name for a in scenario.actors}
    model = BrinkModel(scenario, rng=4, turns=4).run()
    movers = set()
    for turn in range(1, 5):
        changes = explain.headline_changes(model, turn)
        assert changes
        # `brink run --explain` prints the same figures: one reading of the causal log
        cli = [x[2:] for x in explain_turn(model, turn).splitlines() if x.startswith("* ")]
        assert cli == [headline for headline, _ in changes]
        for headline, causes in changes:
            assert not _same_both_sides(headline), headline
            assert "→" in headline, headline
            assert causes, headline
            assert not re.search(r"theatre:|_front|north_korea|\bwest\b", headline), headline
            for cause in causes:
                assert not cause.startswith("["), cause  # no "[moves; move t3.x.1]" tags
                assert not re.search(r"\bt\d+\.\w+\.\d+\b", cause), cause  # no move ids
                if " move: " in cause:
                    movers.add(cause.split(" move: ")[0])
    assert movers
    assert movers <= {explain.possessive(n) for n in names.values()}


def test_why_on_the_dashboard_shows_those_figures(db):
    at, ex = _open(db, played=3)
    model = ex.model()
    changes = explain.headline_changes(model, 3, behind=True)
    labels = [e.label for e in at.expander]
    first = labels.index(core.as_markdown_text(changes[0][0]))
    shown = labels[first:first + len(changes)]
    assert shown == [core.as_markdown_text(h) for h, _ in changes]
    assert not [x for x in labels if _same_both_sides(x)]
    box = at.expander[first]
    # each cause, and nested below it what it came from (the chain back to the moves)
    assert box.markdown[0].value == "\n".join(
        f"{'    ' * level}- {core.as_markdown_text(c)}" for level, c in changes[0][1])
    assert any(level > 0 for level, _ in changes[0][1])


def test_standing_sanctions_say_what_changed():
    from engine.core.state import Sanction

    before = (Sanction("west", "russia", "sectoral", 0.6, 0),)
    same_count = (Sanction("west", "russia", "sectoral", 0.75, 0),)
    names = {"west": "The West", "russia": "Russia"}
    assert explain._change("sanctions", before, before, names) is None
    assert explain._change("sanctions", before, same_count, names) == (
        "1 (The West on Russia, sectoral: enforcement 60% → 75%)")
    added = (*before, Sanction("west", "russia", "comprehensive", 0.6, 2))
    assert explain._change("sanctions", before, added, names) == (
        "1 → 2 (new: The West on Russia, comprehensive)")


# --- 3. moves are described with names, not ids ------------------------------------------------


@pytest.mark.parametrize(("move", "text"), [
    ({"move": "impose_sanctions", "params": {"target": "russia", "package": "comprehensive"}},
     "Impose a sanctions package (target: Russia, package: comprehensive)"),
    ({"move": "disclose_intelligence", "params": {"about": NK}},
     "Disclose intelligence (about: North Korea)"),
    ({"move": "reinforce_troops", "params": {"troops": 20_000}},
     "Reinforce a deployment (troops: 20,000)"),
    ({"move": "military_aid", "params": {"recipient": "ukraine", "amount": 500.0}},
     "Military aid (recipient: Ukraine, amount: 500 USD M per turn)"),
    ({"move": "hold", "params": {}}, "Hold: make no new move"),
])
def test_describe_move_shows_names_and_readable_parameters(move, text):
    scenario = load_scenario(DEFAULT)
    described = core.describe_move(move, scenario)
    assert described == text
    assert "=" not in described
    assert not {a.id for a in scenario.actors if "_" in a.id or a.id != a.name} & set(
        re.findall(r"\w+", described))


def test_drafts_submissions_and_the_decision_log_use_names(db):
    at, ex = _open(db)
    _add(_fill(at, "west", "impose_sanctions", target="russia", package="comprehensive"), "west")
    shown = "Impose a sanctions package (target: Russia, package: comprehensive)"
    assert f"1. {shown}" in texts(at.markdown)
    at.text_area(key="why:west:1:1").input("cut revenue")
    ok(at.button(key="submit:west").click().run())
    assert f"Orders in for turn 1: {shown}. Submitting again replaces them." in texts(at.success)
    log = core.decision_log(ExerciseStore(db).load(ex.id))
    assert log["moves"].tolist() == [shown]


# --- 4. dashboard charts -------------------------------------------------------------------------


def test_turn_0_shows_a_note_instead_of_empty_charts(db):
    at, _ = _open(db)
    assert not at.get("vega_lite_chart")
    assert any(i.startswith("The charts appear after the first turn") for i in texts(at.info))
    assert at.dataframe  # the troops and sanctions tables are there from the start


def test_dashboard_charts_have_room_short_titles_and_whole_turns(db):
    at, _ = _open(db, played=2)
    specs = _specs(at)
    assert len(specs) == 4  # escalation, strain, troops, casualties
    for spec in specs:
        assert spec["height"] >= 240
        encoding = _encodings(spec)[0]
        assert len(encoding["y"]["title"]) <= 20, encoding["y"]["title"]
        assert encoding["x"]["axis"] == {"format": ".0f", "values": [0, 1, 2]}
    troops = specs[2]["encoding"]["y"]
    assert (troops["title"], troops["axis"]["format"]) == ("troops", charts.COUNT)
    assert "**Troops abroad: North Korea**" in texts(at.markdown)


def test_troops_table_shows_thousands_separators(db):
    at, _ = _open(db, played=1)
    table = next(d for d in at.dataframe if "at home" in d.value.columns)
    columns = json.loads(table.proto.columns)
    assert all(columns[c]["type_config"]["format"] == "localized"
               for c in ("at home", "in transit", "deployed"))


# --- 5. fan charts -------------------------------------------------------------------------------


def test_fan_charts_have_a_title_a_short_axis_and_a_key(db):
    at, ex = _open(db, played=3, page="futures")
    at.select_slider(key="n_futures").set_value(100)
    ok(at.button(key="run_futures").click().run())
    wanted = [f"{WEST}: strain", "North Korea: troops abroad", "Risk of a wider war"]
    ok(at.multiselect(key="fan_vars").set_value(wanted).run())
    assert charts.FAN_KEY in texts(at.caption)
    fans = _specs(at)[1:]  # after the outcome probabilities
    assert [_title(s) for s in fans] == wanted
    axes = [("strain (0-1)", None), ("troops", re.escape(charts.COUNT)),
            ("risk", r"\.[1-3]~%")]  # the risk's decimals fitted to its range
    for spec, (title, fmt) in zip(fans, axes, strict=True):
        y = _encodings(spec)[0]["y"]
        assert y["title"] == title
        shown = y.get("axis", {}).get("format")
        assert re.fullmatch(fmt, shown) if fmt else shown is None, shown
        # the path taken from turn 0, then the futures to the last turn: one tick per turn
        assert _encodings(spec)[0]["x"]["axis"]["values"] == list(range(ex.turns + 1))


# --- 6. whole turns in the report's charts -------------------------------------------------------


def test_turn_axis_is_whole_turns_when_drawn():
    vl_convert = pytest.importorskip("vl_convert")
    from analysis.render import vegalite_version

    chart = charts.lines(pd.DataFrame({"a": [0.1, 0.2, 0.3]}, index=[0, 1, 2]), "rung", "t")
    svg = vl_convert.vegalite_to_svg(chart.to_dict(), vl_version=vegalite_version())
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert labels[:labels.index("turn")] == ["0", "1", "2"]  # not "0 1 1 2 2"


def test_report_charts_have_whole_turn_axes(db):
    from ui import report

    ex = Exercise.start(TEXT, DEFAULT.name, seed=4, turns=4)
    ex.adjudicate()
    ex.adjudicate()
    html = report.after_action_report(ex, futures=0)
    assert '"values": [0, 1, 2]' in html or '"values":[0,1,2]' in html


def test_report_says_why_no_decisions_were_recorded():
    """A human team that submitted nothing is not 'the engine played every actor' (a review
    found the header and the Decisions section contradicting each other)."""
    from ui import report

    played_by_humans = Exercise.start(TEXT, DEFAULT.name, seed=4, turns=2,
                                      teams={"west": "human"})
    played_by_humans.adjudicate()
    html = report.after_action_report(played_by_humans, futures=0)
    assert "the human teams submitted no moves on this line" in html
    assert "the engine played every actor" not in html
    by_engine = Exercise.start(TEXT, DEFAULT.name, seed=4, turns=2)
    by_engine.adjudicate()
    assert "the engine played every actor" in report.after_action_report(by_engine, futures=0)


# --- 7. the comparison starts from the branch in play -------------------------------------------


def test_compare_default_includes_the_current_branch_and_its_line(db):
    ex = Exercise.start(TEXT, DEFAULT.name, seed=4, turns=6, store=ExerciseStore(db))
    for _ in range(3):
        ex.adjudicate()
    ex.rewind(1, "Second")  # 2, from the main line
    ex.switch(1)
    ex.rewind(2, "Third")  # 3, from the main line
    ex.rewind(1, "Fourth")  # 4, from the third: the one in play
    assert ex.current == 4
    at = new_app()
    at.query_params["exercise"] = ex.id
    ok(at.run())
    ok(at.switch_page("screens/branches.py").run())
    assert at.multiselect(key="compare").value == [1, 3, 4]
    assert core.compare_default(ex, most=2) == [3, 4]  # the nearest of its line first
    table = at.dataframe[1].value
    assert list(table.columns) == ["Main line", "Third", "Fourth"]
    # formatted as on the dashboard: per cent for the risk, thousands separators for the toll
    assert all(re.fullmatch(r"\d+\.\d%", v) for v in table.loc["risk of a wider war"])
    assert all(re.fullmatch(r"\d{1,3}(,\d{3})*", v) for v in table.loc[TOLL])


# --- 8. wording and formatting -------------------------------------------------------------------


def test_move_captions_use_readable_categories(db):
    at, _ = _open(db)
    caption = next(c for c in texts(at.caption) if "Escalation category" in c)
    assert not caption.startswith("None.")  # Hold is selected first
    assert "no new move" in caption
    ok(at.selectbox(key="move:west").set_value("impose_sanctions").run())
    assert any("Escalation category: non-violent (+12 points)." in c for c in texts(at.caption))
    ok(at.selectbox(key="move:west").set_value("offer_talks").run())
    assert any("Escalation category: de-escalation (-2 points)." in c
               for c in texts(at.caption))
    assert not [c for c in texts(at.caption) if "non violent" in c or "de escalation" in c]


def test_field_labels_do_not_repeat_the_name(db):
    at, _ = _open(db, teams={NK: "human"})
    ok(at.selectbox(key=f"move:{NK}").set_value("reinforce_troops").run())
    assert at.number_input(key=f"param:{NK}:reinforce_troops:troops").label == "troops"


def test_no_arrow_when_the_change_rounds_to_zero(db):
    ex = Exercise.start(TEXT, DEFAULT.name, seed=4, turns=8, store=ExerciseStore(db))
    flat = None
    for _ in range(8):
        ex.adjudicate()
        frame = ex.model().frame()
        risk = frame[frame["variable"] == "wider_war_risk"].set_index("turn")["value"]
        if f"{risk.iloc[-1] - risk.iloc[-2]:+.1%}" in ("+0.0%", "-0.0%"):
            flat = ex.turn
            break
    assert flat is not None, "no turn with a change of the risk below 0.05%"
    at = new_app()
    at.query_params["exercise"] = ex.id
    ok(at.run())
    ok(at.switch_page("screens/play.py").run())
    risk = next(m for m in at.metric if m.label == "Risk of a wider war")
    assert not risk.delta


def test_submit_button_names_the_turn_under_a_team_heading(db):
    at, _ = _open(db)
    assert at.button(key="submit:west").label == "Submit orders for turn 1"
    assert f"**{WEST}: orders for turn 1**" in texts(at.markdown)


def test_saved_exercises_show_a_readable_time(db):
    at, _ = _open(db, page="exercises")
    updated = at.dataframe[0].value["updated"].tolist()
    assert len(updated) == 1
    assert re.fullmatch(r"\d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2} UTC", updated[0]), updated
    assert core.readable_time("2026-11-28T00:44:49+00:00") == "28 Nov 2026 00:44 UTC"
    assert core.readable_time("2026-11-28T01:44:49+01:00") == "28 Nov 2026 00:44 UTC"


# --- the opening questions come first -----------------------------------------------------------


def test_questions_before_the_first_turn_open_the_play_page(db):
    """A scenario's turn-0 questions open the session: shown above the first orders, not under
    the dashboard; after turn 1 the turn's own questions follow the situation instead."""
    at, _ = _open(db)
    heads = [h.value for h in at.subheader]
    assert "Before the first turn" in heads, heads
    assert heads.index("Before the first turn") < heads.index("Turn 1: orders"), heads
    opening = load_scenario(DEFAULT).discussion[0].question
    shown = core.question_text(opening, "Before the first turn")  # the heading said once
    assert any(shown in t for t in texts(at.markdown)), "the turn-0 question is shown"
    at, _ = _open(db, played=1)
    heads = [h.value for h in at.subheader]
    assert "Before the first turn" not in heads, heads


def test_the_team_picked_stays_picked_after_a_submission(db):
    """Two human teams: after the second team's orders go in (a "saved" message appears and
    then goes), the page stays on that team instead of falling back to the first."""
    at, ex = _open(db, teams={NK: "human", "west": "human"})
    radio = at.radio(key=f"team:{ex.id}")
    assert radio.options == ["North Korea", WEST]
    ok(radio.set_value("west").run())
    assert at.selectbox(key="move:west")
    assert not [s for s in at.selectbox if s.key == f"move:{NK}"]
    _add(_fill(at, "west", "military_aid", recipient="ukraine", amount=500.0), "west")
    ok(at.button(key="submit:west").click().run())
    ok(at.run())  # the next rerun, when the saved message is gone
    assert at.radio(key=f"team:{ex.id}").value == "west"
    assert at.selectbox(key="move:west")


def test_a_tightened_package_is_not_reported_as_lifted():
    from engine.core.state import Sanction

    names = {"west": "The West", "russia": "Russia"}
    before = (Sanction("west", "russia", "sectoral", 0.6, 0),)
    after = (Sanction("west", "russia", "comprehensive", 0.6, 0),)
    assert explain._standing_change("sanctions", before, after, names) == (
        "1 (tightened: The West on Russia, sectoral → comprehensive)")


# --- 9. a second review in chromium: titles, small risks, branches, numbers, names ------------


def _fans_page(db, wanted: list[str] | None = None, **kwargs) -> tuple[AppTest, Exercise]:
    at, ex = _open(db, played=3, page="futures", **kwargs)
    at.select_slider(key="n_futures").set_value(100)
    ok(at.button(key="run_futures").click().run())
    if wanted is not None:
        ok(at.multiselect(key="fan_vars").set_value(wanted).run())
    return at, ex


def test_every_fan_title_starts_at_the_plot_and_wraps_when_long(db):
    """Anchored at the start of the plot area (frame "group"), not of the axis labels, which
    Streamlit's resized chart could push left of the canvas ("isk of a wider war"); a long
    title is cut into lines."""
    at, _ = _fans_page(db)
    options = at.multiselect(key="fan_vars").options
    ok(at.multiselect(key="fan_vars").set_value(options).run())
    fans = _specs(at)[1:]
    assert len(fans) == len(options)
    for spec, label in zip(fans, options, strict=True):
        title = spec["title"]
        assert (title["anchor"], title["frame"]) == ("start", "group"), title
        lines = title["text"] if isinstance(title["text"], list) else [title["text"]]
        assert " ".join(lines) == label
        assert all(len(line) <= charts.TITLE_CHARS for line in lines), lines
    assert any(isinstance(s["title"]["text"], list) for s in fans)  # "The West (...): strain"


def test_a_small_rising_risk_is_labelled_with_the_decimals_it_needs():
    """Risks of 0.01% to 0.06% drawn with the old ".1~%" axis read "0%, 0%, 0.1%": every tick
    label now differs, and the classroom sentence says per cent, not "0.00"."""
    import vl_convert  # a dev dependency, installed with the suite

    from analysis.render import vegalite_version

    turns = list(range(4, 13))
    risk = [0.0001 * (t - 2) for t in turns]
    bands = pd.DataFrame({"turn": turns, "q05": [r * 0.8 for r in risk],
                          "q25": [r * 0.9 for r in risk], "median": risk,
                          "q75": [r * 1.1 for r in risk], "q95": [r * 1.2 for r in risk],
                          "runs": 100})
    path = pd.DataFrame({"turn": [0, 1, 2, 3], "value": [0.0, 0.0001, 0.00012, 0.0001]})
    y_title, y_format = charts.axis_for("wider_war_risk")
    chart = charts.fan_with_path(bands, path, y_title, "Risk of a wider war", y_format)
    svg = vl_convert.vegalite_to_svg(chart.to_dict(), vl_version=vegalite_version())
    labels = [t for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg) if t.endswith("%")]
    assert len(labels) >= 3
    assert len(set(labels)) == len(labels), labels  # no "0%, 0%, 0%"
    caption = charts.fan_caption(bands, "Risk of a wider war", "wider_war_risk")
    assert caption.endswith("has a median of 0.100%, and 9 runs in 10 lie between 0.080% and "
                            "0.120%."), caption
    assert "0.00" not in caption.replace("0.00%", "")
    # counts are whole, with thousands separators
    toll = bands.assign(**{c: bands[c] * 1e9 for c in ("q05", "median", "q95")})
    assert "median of 1,000,000," in charts.fan_caption(toll, "Humanitarian toll",
                                                        "humanitarian_toll")


def test_classroom_risk_fan_caption_is_in_per_cent(db):
    ex = Exercise.start(TEXT, DEFAULT.name, seed=4, turns=6, store=ExerciseStore(db))
    ex.set_classroom(True)
    for _ in range(3):
        ex.adjudicate()
    at = new_app()
    at.query_params["exercise"] = ex.id
    ok(at.run())
    ok(at.switch_page("screens/futures.py").run())
    at.select_slider(key="n_futures").set_value(100)
    ok(at.button(key="run_futures").click().run())
    risk = next(c for c in texts(at.caption) if c.startswith("Across 100 runs, Risk of a wider"))
    assert re.search(r"median of \d+\.\d+%, and 9 runs in 10 lie between \d+\.\d+% and "
                     r"\d+\.\d+%\.$", risk), risk


def _two_branches(db) -> Exercise:
    """The main line played to turn 3; a branch from turn 1 played to turn 2."""
    ex = Exercise.start(TEXT, DEFAULT.name, seed=4, turns=6, store=ExerciseStore(db))
    for _ in range(3):
        ex.adjudicate()
    ex.rewind(1, "Second")
    ex.adjudicate()
    return ex


def _branches_page(ex: Exercise) -> AppTest:
    at = new_app()
    at.query_params["exercise"] = ex.id
    ok(at.run())
    return ok(at.switch_page("screens/branches.py").run())


def test_branch_charts_are_tall_with_an_axis_fitted_to_the_branches(db):
    ex = _two_branches(db)
    at = _branches_page(ex)
    specs = _specs(at)
    assert len(specs) == 2
    for spec, variable in zip(specs, ("escalation_level", "wider_war_risk"), strict=True):
        assert spec["height"] >= 300  # not a 55 px strip once title, axes and legend fit in
        values = core.branch_series(ex, [1, 2], "world", variable).stack()
        low, high = spec["encoding"]["y"]["scale"]["domain"]
        span = values.max() - values.min()
        # a flat series (nothing escalated in these turns) is padded by a little of its value
        allowed = 0.1 * (span or max(abs(values.max()), 0.1)) + 1e-12
        assert low <= values.min()
        assert high >= values.max()
        assert values.min() - low <= allowed  # a little padding, not from rung 0
        assert high - values.max() <= allowed
    assert specs[0]["encoding"]["y"]["scale"]["domain"][0] > 5  # rungs ~10-12: not from 0


def test_branches_are_compared_at_the_latest_turn_they_all_reached(db):
    ex = _two_branches(db)
    at = _branches_page(ex)
    assert ("Figures at turn 2, the latest turn every branch compared has reached (\"turns "
            "played\" is each branch's own).") in texts(at.caption)
    table = at.dataframe[1].value
    assert table.loc["turns played"].tolist() == ["3", "2"]
    for b, column in ((1, "Main line"), (2, "Second")):
        frame = ex.model(b).frame()
        toll = frame[(frame["turn"] == 2) & (frame["variable"] == "humanitarian_toll")]
        assert table.loc[TOLL, column] == f"{toll['value'].iloc[0]:,.0f}"
        strain = frame[(frame["turn"] == 2) & (frame["actor"] == "russia")
                       & (frame["variable"] == "strain")]
        assert table.loc[f"Russia: {VARIABLES['strain'].label}", column] == \
            f"{strain['value'].iloc[0]:.3f}"
    main = ex.model(1).frame()
    late = main[(main["turn"] == 3) & (main["variable"] == "humanitarian_toll")]["value"]
    assert table.loc[TOLL, "Main line"] != f"{late.iloc[0]:,.0f}"


def test_the_report_compares_branches_at_a_common_turn_on_a_fitted_axis(db):
    from ui import report

    ex = _two_branches(db)
    html = report.after_action_report(ex, futures=0)
    assert "Figures at turn 2, the latest turn every branch compared has reached" in html
    assert '"zero": false' in html or '"zero":false' in html


def test_number_fields_follow_the_catalogue(db):
    """An int parameter is a whole-number field with a step of 1; a float one shows only the
    digits it has (500000, not 500000.00) and steps by a tenth of its range's magnitude."""
    at, _ = _open(db, teams={NK: "human"})
    ok(at.selectbox(key=f"move:{NK}").set_value("reinforce_troops").run())
    troops = at.number_input(key=f"param:{NK}:reinforce_troops:troops")
    assert (troops.proto.format, troops.step, troops.value) == ("%d", 1, 5000)
    ok(at.selectbox(key=f"move:{NK}").set_value("transfer_munitions").run())
    shells = at.number_input(key=f"param:{NK}:transfer_munitions:shells")
    assert shells.proto.format == "%g"
    assert shells.step == 100_000
    ok(shells.set_value(500_000.0).run())
    _add(at, NK)
    assert "1. Ship munitions (recipient: Russia, shells: 500,000)" in texts(at.markdown)
    specs = {p.name: p for p in CATALOGUE[MoveType.OFFENSIVE_OPERATION].params}
    assert (core.param_format(specs["intensity"]), core.param_step(specs["intensity"])) == (
        "%g", 0.01)


def test_the_news_shows_a_transfer_with_its_unit_and_why_with_thousands(db):
    at, ex = _open(db, teams={"west": "human", "russia": "human"})
    ex.submit("west", [{"move": "military_aid",
                        "params": {"recipient": "ukraine", "amount": 1500.0}}], "",
              turn=ex.pending_turn)
    ex.submit("russia", [{"move": "pay_support", "params": {
        "recipient": NK, "kind": "cash", "amount": 1000.0}}], "", turn=ex.pending_turn)
    ex.adjudicate()
    ok(at.run())
    news = next(t.value for t in at.table if "headline" in t.value.columns)
    headlines = news["headline"].tolist()
    assert (f"{WEST}: Military aid (recipient: Ukraine, amount: 1,500 USD M per turn)"
            in headlines), headlines
    assert not [h for h in headlines if "1,500.0" in h]
    why = "\n".join(m.value for e in at.expander for m in e.markdown)
    assert "Russia provides cash to North Korea: 1,000 USD M per turn" in why
    assert not re.search(r"\b\d{4,} (USD|shells|troops)", why), why


def test_engine_sentences_read_as_people_write():
    """The engine writes its sentences for people (the app shows them as they are): numbers
    with thousands separators and units, no "1,500.0", no snake_case, and open sources as a
    subject that takes "estimates"."""
    scenario = load_scenario(DEFAULT)
    model = BrinkModel(scenario, rng=1)
    model.run()
    texts = [e["text"] for e in model.events] + [e.why for e in model.log.entries]
    assert not [t for t in texts if re.search(r"\b\d{4,}(\.\d+)? (USD|shells|troops|thousand)",
                                              t)]
    assert not [t for t in texts if re.search(r"\d,\d{3}\.0\b", t)]
    assert not [t for t in texts if re.search(r"\b[a-z]+_[a-z]+\b", t)]
    assert not [t for t in texts if "Open sources estimates" in t]
    assert [t for t in texts if t.startswith("[") and "Open-source reporting estimates" in t]
    assert "North Korea: Ship munitions (recipient: Russia, shells: 58,000)" in texts
    assert any("intensity: 70% of full" in t for t in texts)


def test_hotwash_says_no_injects_were_played_instead_of_an_empty_table(db):
    at, ex = _open(db, page="hotwash")
    assert "No injects were played on this line." in texts(at.caption)
    assert "No team decisions were recorded on this line." in texts(at.caption)
    assert not at.dataframe  # neither table is drawn empty
    assert not at.table
    ex.adjudicate()  # turn 1 plays the press report
    ok(at.run())
    # a table that wraps its text in full (st.table), not one that cuts it to a column width
    table = next(d.value for d in at.table if "inject" in d.value.columns)
    first = next(i for i in ex.scenario.injects if i.turn == 1)
    assert table.to_dict("records") == [
        {"turn": 1, "inject": first.text, "from": "Press", "status": "played as written"}]
    assert "No injects were played on this line." not in texts(at.caption)


def test_inject_tables_show_texts_and_readable_sources(db):
    scenario = load_scenario(DEFAULT)
    ids = {i.id for i in scenario.injects}
    table = core.msel_table(scenario, expected=True)
    assert list(table.columns) == ["turn", "inject", "from", "expected actions"]
    assert set(table["from"]) == {"Press", "Ukraine", "White cell"}
    assert not ids & set(table.to_numpy().ravel())
    assert core.source_name("white_cell", {}) == "White cell"
    assert core.source_name(NK, {NK: "North Korea"}) == "North Korea"
    at, _ = _open(db)  # the facilitator's review of turn 1's inject
    first = next(i for i in scenario.injects if i.turn == 1)
    assert any(e.label == first.text for e in at.expander), [e.label for e in at.expander]
    assert "From **Press** to all teams." in texts(at.markdown)
    at = ok(new_app().run())  # the library's MSEL
    msel = next(d.value for d in at.dataframe if "inject" in d.value.columns)
    assert not ids & set(msel.to_numpy().ravel())
    assert "White cell" in set(msel["from"])


def test_the_report_names_levers_and_options_readably(db):
    from ui import report

    ex = Exercise.start(TEXT, DEFAULT.name, seed=4, turns=2, levers={"west_package": "secondary"})
    html = report.after_action_report(ex, futures=0)
    assert "Levers: West&#x27;s added sanctions on Russia: secondary." in html or (
        "Levers: West's added sanctions on Russia: secondary." in html)
    assert "west_package" not in html.split("<script")[0]
    # a lever without a label is named by its id in words
    assert core.levers_text({"west_package": "comprehensive"}) == "West package: comprehensive"

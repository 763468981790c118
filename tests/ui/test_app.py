"""The interim Streamlit page (ui/app.py) and its helpers (ui/core.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui import core

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "ui" / "app.py"
DEFAULT = ROOT / "scenarios" / "nk-100k.yaml"


def _app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=30)


def _turns_input(at: AppTest):
    return next(w for w in at.number_input if w.label == "Turns")


@pytest.fixture
def played() -> AppTest:
    """The page after pressing Play with the default scenario, seed 0, 12 turns."""
    at = _app().run()
    _turns_input(at).set_value(12)
    at.button(key="play").click().run()
    assert not at.exception
    return at


# --- the page ----------------------------------------------------------------------------------


def test_page_loads_without_exception():
    """The page renders the default scenario's title and briefing and waits for Play."""
    at = _app().run()
    assert not at.exception
    assert at.title[0].value == "Brink"
    assert at.selectbox(key="scenario").value == "nk-100k.yaml"
    title = core.read_scenario_file(DEFAULT).scenario.title
    assert at.header[0].value == title
    assert "100,000" in at.expander[0].markdown[0].value
    assert "press **Play**" in at.info[0].value
    assert not at.get("vega_lite_chart")
    assert not at.error


def test_shipped_scenarios_are_listed_by_title():
    """The selectbox shows each shipped file's title, not its file name."""
    at = _app().run()
    box = at.selectbox(key="scenario")
    assert set(box.options) == {
        core.read_scenario_file(p).scenario.title
        for p in core.shipped_scenarios()
        if core.read_scenario_file(p).ok
    } | {
        f"{p.name} (invalid)" for p in core.shipped_scenarios() if not core.read_scenario_file(p).ok
    }


def test_play_renders_charts_metrics_events_and_explanation(played):
    """Play shows escalation, strain, troops and casualty charts, metrics, events and why."""
    at = played
    charts = at.get("vega_lite_chart")
    assert len(charts) >= 4  # escalation, strain, >= 1 troop tab, casualties
    labels = [m.label for m in at.metric]
    for label in (
        "Escalation rung",
        "Peak risk of a wider war",
        "Military casualties",
        "Humanitarian toll",
        "Troops at home",
        "Troops in transit",
        "Troops deployed",
    ):
        assert label in labels
    assert [s.value for s in at.subheader] == [
        "Escalation",
        "Economic strain",
        "Troops",
        "Casualties",
        "Events",
    ]
    events = at.dataframe[0].value
    assert list(events.columns) == ["turn", "kind", "actor", "text", "visibility"]
    assert (events["kind"] == "inject").any()
    assert "North Korea" in set(at.tabs[i].label for i in range(len(at.tabs)))
    why = at.code[0].value
    assert why.startswith("Why things changed in turn 1")
    assert any(c.value.startswith("Played with seed 0 for 12 turns") for c in at.caption)


def test_why_explains_the_chosen_turn(played):
    """Moving the turn slider in the 'Why?' expander explains that turn."""
    at = played
    slider = at.select_slider[0]
    assert slider.options[-1] == "12"
    slider.set_value(5).run()
    assert not at.exception
    assert at.code[0].value.startswith("Why things changed in turn 5")


def test_event_views_filter_the_feed(played):
    """'All' shows at least as many events as 'public', which shows more than 'notable'."""
    at = played
    counts = {}
    for view in ("notable", "public", "all"):
        at.radio(key="event_view").set_value(view).run()
        assert not at.exception
        counts[view] = len(at.dataframe[0].value)
    assert counts["notable"] < counts["public"] <= counts["all"]


def test_changing_seed_and_turns_then_replaying(played):
    """New settings are flagged until Play is pressed again, then the new game is shown."""
    at = played
    at.number_input(key="seed").set_value(7)
    _turns_input(at).set_value(20)
    at.run()
    assert not at.exception
    assert "press **Play** to run again" in at.warning[0].value
    assert any(c.value.startswith("Played with seed 0 for 12 turns") for c in at.caption)

    at.button(key="play").click().run()
    assert not at.exception
    assert not at.warning
    assert at.session_state["played"]["seed"] == 7
    assert at.session_state["played"]["turns"] == 20
    assert any(c.value.startswith("Played with seed 7 for 20 turns") for c in at.caption)
    assert at.select_slider[0].options[-1] == "20"
    assert at.code[-1].value.splitlines()[-1].startswith("20 ")  # the turn table's last row
    assert len(at.get("vega_lite_chart")) >= 4


def test_upload_source_waits_for_a_file():
    """Switching to Upload without a file asks for one and shows no results."""
    at = _app().run()
    at.radio(key="source").set_value("Upload").run()
    assert not at.exception
    assert "Upload a scenario file" in at.info[0].value
    assert not at.get("vega_lite_chart")


def test_invalid_shipped_scenario_shows_error_not_traceback(tmp_path, monkeypatch):
    """A broken scenario file is listed as invalid and its problems shown with st.error."""
    bad = tmp_path / "broken.yaml"
    bad.write_text("id: x\ntitle: [unclosed\n", encoding="utf-8")
    monkeypatch.setattr(core, "shipped_scenarios", lambda: [bad])
    at = _app().run()
    assert not at.exception
    assert at.selectbox(key="scenario").options == ["broken.yaml (invalid)"]
    assert len(at.error) == 1
    assert "broken.yaml" in at.error[0].value
    assert "malformed YAML" in at.error[0].value
    assert not at.button  # nothing to play


# --- reading uploads (ui/core.py) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"id: x\ntitle: [unclosed\n", "malformed YAML"),
        (b"title: \xff\xfe caf\xe9\n", "not valid UTF-8"),
        (b"", "file is empty"),
        (b"   \n\n", "file is empty"),
        (b"- just\n- a list\n", "expected a mapping"),
        (b"!!python/object/apply:os.system ['echo hi']\n", "python-object tags are not allowed"),
        (b"id: x\nid: y\n", "duplicate key"),
        (b"id: x\ntitle: T\n", "required field is missing"),
    ],
    ids=["malformed", "non-utf8", "empty", "blank", "list", "python-tag", "duplicate", "missing"],
)
def test_read_scenario_returns_error_for_bad_bytes(data, expected):
    """Bad uploads come back as a rendered error message naming the file; nothing is raised."""
    loaded = core.read_scenario(data, "upload.yaml")
    assert not loaded.ok
    assert loaded.scenario is None
    assert loaded.text is None
    assert expected in loaded.error
    assert loaded.error.startswith("upload.yaml")


def test_read_scenario_reports_field_and_line_of_an_invalid_value():
    """A schema error in an otherwise good file points at the field and its line."""
    text = DEFAULT.read_text(encoding="utf-8").replace("gdp_bn: 28 ", "gdp_bn: -28 ", 1)
    loaded = core.read_scenario(text.encode("utf-8"), "edited.yaml")
    assert not loaded.ok
    assert "actors[0].economy.gdp_bn" in loaded.error
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "gdp_bn: -28" in row)
    assert f"edited.yaml:{line}:" in loaded.error


def test_read_scenario_accepts_a_good_file():
    """Valid bytes give the scenario and the decoded text (the cache key for play)."""
    data = DEFAULT.read_bytes()
    loaded = core.read_scenario(data, DEFAULT.name)
    assert loaded.ok
    assert loaded.text == data.decode("utf-8")
    assert loaded.scenario.clock.turns >= 1


def test_read_scenario_file_that_is_missing_is_an_error(tmp_path):
    """A file that vanished is reported, not raised."""
    loaded = core.read_scenario_file(tmp_path / "gone.yaml")
    assert not loaded.ok
    assert "gone.yaml" in loaded.error


def test_play_is_deterministic_and_respects_turns():
    """Same text, seed and turns give the same frame; the frame covers turns 0..n."""
    text = DEFAULT.read_text(encoding="utf-8")
    a, b = core.play(text, 3, 6), core.play(text, 3, 6)
    assert a.turns == 6
    assert sorted(a.frame["turn"].unique()) == list(range(7))
    assert a.frame.equals(b.frame)
    assert sorted(a.explanations) == list(range(1, 7))


def test_briefing_dollars_are_escaped_for_markdown():
    """'$2,000 ... $3' must not turn into LaTeX."""
    assert core.as_markdown_text("pays $2,000 and $3") == r"pays \$2,000 and \$3"


def test_levers_are_offered_and_change_the_game():
    """The default scenario's lever appears in the sidebar and is passed to the engine."""
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    lever = next(s for s in at.sidebar.selectbox if s.label == "west package")
    assert lever.value == "secondary"
    lever.set_value("targeted").run()
    at.sidebar.button[0].click().run()
    assert not at.exception
    assert any("west_package = targeted" in c.value for c in at.caption)

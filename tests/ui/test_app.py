"""ui/core.py helpers (no Streamlit runtime needed). The pages are tested in test_pages.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui import core

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "scenarios" / "nk-100k.yaml"


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


def test_fans_start_from_the_last_point_of_the_path():
    """Every future starts where the path taken ends: the fan gets that point as its first row."""
    import pandas as pd

    bands = pd.DataFrame({"turn": [5, 6], "q05": [1.0, 0.5], "q25": [1.5, 1.0],
                          "median": [2.0, 2.0], "q75": [3.0, 3.5], "q95": [4.0, 5.0],
                          "runs": [10, 10]})
    path = pd.DataFrame({"turn": [3, 4], "value": [1.0, 2.5]})
    out = core.anchored(bands, path)
    assert out["turn"].tolist() == [4, 5, 6]
    assert out.iloc[0][["q05", "median", "q95"]].tolist() == [2.5, 2.5, 2.5]
    assert core.anchored(bands, path.iloc[:1]).equals(bands)  # not adjacent: unchanged


def test_headline_changes_pair_each_figure_with_its_causes():
    from engine.narrate import explain
    from engine.scenario.loader import load_scenario
    from engine.sim.model import BrinkModel

    model = BrinkModel(load_scenario(DEFAULT), rng=1, turns=20).run()
    level = model.frame().query("actor == 'world' and variable == 'escalation_level'")
    moved = level[level["value"].diff() != 0]["turn"]
    turn = int(moved.iloc[1])  # the first turn the level moved (row 0 is the start)
    changes = explain.headline_changes(model, turn)
    assert changes
    assert all(causes for _, causes in changes)  # every change has at least one cause
    assert any(h.startswith("escalation level") for h, _ in changes)

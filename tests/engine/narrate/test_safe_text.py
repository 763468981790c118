"""engine.narrate.safe_text: user text made harmless for Markdown, HTML, terminals and CSV
(issue 14,
items 7-9), and ``brink run``'s terminal output and CSV files with hostile names and injects."""

from __future__ import annotations

import csv
import html.parser

import pandas as pd
import pytest

from cli import run as run_command
from cli.main import main
from engine.narrate import safe_text
from engine.narrate.explain import explain_turn, turn_table
from engine.sim.model import BrinkModel
from tests import hostile
from tests.conftest import DEFAULT_SCENARIO

# --- Markdown ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", hostile.ACTIVE)
def test_hostile_markdown_is_active_as_it_is(text):
    """The payloads do what they are meant to when nobody escapes them (or the tests below
    would prove nothing)."""
    assert hostile.markdown_check(text)


@pytest.mark.parametrize("text", hostile.MARKUP)
def test_markdown_shows_hostile_text_without_images_links_or_html(text):
    assert hostile.markdown_check(safe_text.markdown(text)) == []
    assert hostile.markdown_check(f"- {safe_text.markdown(text)}") == []  # in a list


@pytest.mark.parametrize("text", hostile.ONE_LINE)
def test_markdown_line_keeps_one_line_and_loads_nothing(text):
    out = safe_text.markdown_line(f"{text}\n\nsecond paragraph")
    assert "\n" not in out
    assert hostile.markdown_check(out) == []
    assert hostile.markdown_check(f"# {out}") == []  # as a heading
    assert hostile.markdown_check(f"| a |\n|---|\n| {out} |") == []  # as a table cell


def test_markdown_shows_the_text_as_typed():
    """Once rendered, the escapes vanish: the reader sees the characters typed."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    typed = r"pays $2,000 & 5 < 6 [unverified] `x` \ a@b.example http://x.example www.x.example"
    rendered = md.render(safe_text.markdown(typed))
    assert safe_text.JOINER in rendered  # invisible: it only breaks the autolinks
    assert rendered.replace(safe_text.JOINER, "") == f"<p>{safe_text.html(typed)}</p>\n"


def test_markdown_keeps_light_formatting():
    formatted = "**bold**, *italic*\n\n1. a list\n2. # heading"
    assert safe_text.markdown(formatted) == formatted
    assert safe_text.markdown("pays $2,000 and $3") == r"pays \$2,000 and \$3"


# --- HTML ----------------------------------------------------------------------------------------


class _Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.mark.parametrize("text", hostile.MARKUP)
def test_html_escapes_every_tag(text):
    parser = _Tags()
    parser.feed(f'<p title="{safe_text.html(text)}">{safe_text.html(text)}</p>')
    assert parser.tags == [("p", {"title": text})]


# --- terminals -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", hostile.CONTROL)
def test_terminal_shows_control_characters_as_escapes(text):
    assert hostile.unsafe_for_terminal(text)
    out = safe_text.terminal(text)
    assert hostile.unsafe_for_terminal(out) == []
    assert "\\" in out  # shown as an escape, not dropped
    one = safe_text.one_line(f"{text}\nnext\tcell")
    assert hostile.unsafe_for_terminal(one) == []
    assert "\n" not in one
    assert "\t" not in one


def test_terminal_escapes_are_visible_and_keep_layout():
    assert safe_text.terminal("a\x1b[31mb") == "a\\x1b[31mb"
    assert safe_text.terminal("\u202eabc") == "\\u202eabc"
    assert safe_text.terminal("x\ty\nz") == "x\ty\nz"
    assert safe_text.terminal("Zürich, 北京, café") == "Zürich, 北京, café"


# --- CSV -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", hostile.FORMULAS)
def test_csv_cell_defuses_formulas(text):
    assert safe_text.csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-0.5, -3, 0, 2.5e-7, "-0.25", "+3", "-1e-05", "12", "text",
                                   "a=b", "North Korea: -5%"])
def test_csv_cell_leaves_numbers_and_plain_text(value):
    assert safe_text.csv_cell(value) == value


def test_csv_frame_keeps_numeric_columns_numeric(tmp_path):
    frame = pd.DataFrame({"value": [-1.5, 2.0, -0.001], "text": ["=1+1", "-0.25", "@x"],
                          "mixed": [-2.5, "=1+1", "-7"], "=col": [1, 2, 3]})
    path = tmp_path / "t.csv"
    safe_text.csv_frame(frame).to_csv(path, index=False)
    back = pd.read_csv(path)
    assert back["value"].tolist() == [-1.5, 2.0, -0.001]  # still numbers
    assert back["text"].tolist() == ["'=1+1", "-0.25", "'@x"]
    assert back["mixed"].tolist() == ["-2.5", "'=1+1", "-7"]
    assert list(back.columns) == ["value", "text", "mixed", "'=col"]
    assert frame["text"].tolist() == ["=1+1", "-0.25", "@x"]  # the original is untouched


# --- brink run: the terminal and the CSV files ---------------------------------------------------


@pytest.fixture(scope="module")
def hostile_scenario(default_scenario):
    return hostile.with_control_characters(default_scenario)


def test_turn_table_and_explain_print_no_control_characters(hostile_scenario):
    model = BrinkModel(hostile_scenario, rng=7, turns=4)
    model.run()
    assert any("\x1b" in e["text"] for e in model.events)  # the attack reached the events
    for text in (turn_table(model), *(explain_turn(model, t) for t in range(1, 5))):
        printed = safe_text.terminal(text)
        assert hostile.unsafe_for_terminal(printed) == []
    table = turn_table(model).splitlines()
    assert len(table) == 1 + 5  # header, turns 0-4: no line broken by an inject's "\n"


def _cells(path):
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_brink_run_prints_and_writes_hostile_text_harmlessly(hostile_scenario, monkeypatch,
                                                             tmp_path, capsys):
    monkeypatch.setattr(run_command, "load_scenario", lambda path: hostile_scenario)
    out = tmp_path / "run"
    assert main(["run", str(DEFAULT_SCENARIO), "--seed", "7", "--turns", "5",
                 "--explain", "1", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert hostile.unsafe_for_terminal(printed) == [], printed
    assert "\\x1b[31m" in printed  # shown, not obeyed

    formula = 0
    for name in ("causal_log.csv", "events.csv", "per_turn.csv"):
        rows = _cells(out / name)
        for row in rows:
            for cell in row:
                if cell.startswith(safe_text.FORMULA_STARTS):
                    float(cell)  # only numbers may start with "-" or "+"
                formula += cell.startswith("'") and cell[1:].startswith(
                    safe_text.FORMULA_STARTS)
    assert formula > 0  # the hostile names and injects did reach the files, defused
    events = pd.read_csv(out / "events.csv")
    assert any(t.startswith("'=1+1 ") for t in events["text"])
    per_turn = pd.read_csv(out / "per_turn.csv")
    assert pd.api.types.is_float_dtype(per_turn["value"])
    assert (per_turn["value"] < 0).any()  # negative figures are still numbers
    log = pd.read_csv(out / "causal_log.csv")
    before = pd.to_numeric(log["before"], errors="coerce")
    assert (before < 0).any()  # "-0.47..." stays a number a spreadsheet reads as one

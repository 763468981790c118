"""brink report and brink compare on a scenario whose every name is hostile (issue 14, items 7
and 9): the HTML report has no tag or handler from user text, the Markdown report no image,
link or raw HTML but its own figures, the terminal table no control character."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from analysis.batch import load_batch
from analysis.batch_compare import text_table
from analysis.render import Notice, Report, Section, Table, render_html, write_markdown
from cli.main import main
from engine.batch.runner import run_batch
from tests import hostile
from tests.analysis.conftest import SMALL_BATCH


@pytest.fixture(scope="module")
def hostile_batch(tmp_path_factory):
    """The small two-actor scenario with hostile text in its title, names, outcome names and
    lever label, run as a batch over its lever."""
    folder = tmp_path_factory.mktemp("hostile")
    scenario = folder / "hostile.yaml"
    scenario.write_text(yaml.safe_dump(hostile.hostile_scenario_data(SMALL_BATCH),
                                       allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = folder / "batch"
    run_batch(scenario, runs=12, seed=2, out=out, workers=1, per_turn=True,
              levers={"blue_package": ["targeted", "comprehensive"]})
    return out


def _check_html(page: str) -> None:
    assert hostile.html_check(page) == []


def test_html_report_escapes_every_name(hostile_batch, tmp_path):
    out = tmp_path / "r.html"
    assert main(["report", str(hostile_batch), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(document.title)&gt;" in page  # the title, as text
    _check_html(page)


def test_markdown_report_loads_nothing_but_its_figures(hostile_batch, tmp_path):
    out = tmp_path / "r.md"
    assert main(["report", str(hostile_batch), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Batch report: &lt;img src=x onerror=")  # the title, escaped
    assert "evil.example" in text  # the names are in the report...
    assert hostile.markdown_check(text, allowed_images=("r_files/",)) == []  # ...inert
    images = [line for line in text.splitlines() if line.startswith("![")]
    assert images
    assert all("](r_files/" in line for line in images)


def test_compare_report_and_table_are_safe(hostile_batch, tmp_path, capsys):
    out = tmp_path / "c.md"
    assert main(["compare", str(hostile_batch), str(hostile_batch), "--out", str(out)]) == 0
    assert hostile.markdown_check(out.read_text(encoding="utf-8"),
                                  allowed_images=("c_files/",)) == []
    html_out = tmp_path / "c.html"
    assert main(["compare", str(hostile_batch), str(hostile_batch), "--out",
                 str(html_out)]) == 0
    _check_html(html_out.read_text(encoding="utf-8"))


def test_compare_prints_names_without_control_characters():
    frame = pd.DataFrame({"measure": [f"P({t})" for t in hostile.CONTROL],
                          f"A {hostile.ANSI_COLOUR}": ["1%"] * len(hostile.CONTROL)})
    printed = text_table(frame)
    assert hostile.unsafe_for_terminal(printed) == []
    assert len(printed.splitlines()) == 2 + len(hostile.CONTROL)  # one line per measure


@pytest.mark.parametrize("text", hostile.MARKUP)
def test_every_block_of_a_report_is_escaped(text, tmp_path):
    """Title, section title, paragraph, notice, table cell, heading and caption, each with
    the payload, in both formats."""
    report = Report(f"title {text}", [Section(f"section {text}", [
        f"paragraph {text}", Notice(f"notice {text}"),
        Table(pd.DataFrame({f"heading {text}": [f"cell {text}", "-0.5"]}), f"caption {text}"),
    ])])
    _check_html(render_html(report))
    md = tmp_path / "r.md"
    write_markdown(report, md)
    assert hostile.markdown_check(md.read_text(encoding="utf-8")) == []


def test_hostile_batch_names_are_what_the_report_shows(hostile_batch):
    """The fixture does carry the payloads into the batch's labels (or the tests above would
    check nothing)."""
    labels = load_batch(hostile_batch).manifest["labels"]
    assert hostile.IMG_ONERROR in labels["title"]
    assert all(hostile.SCRIPT in name for name in labels["outcomes"].values())
    assert hostile.IMAGE_HTTP in labels["levers"]["blue_package"]

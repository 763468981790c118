"""``brink handout`` (a lesson's printable page) and ``brink docs glossary|model`` (the
maintainers' generated pages): what they print or write, and bad input in one line, status 2.

Hostile paths (FIFOs, devices, huge files) for both are in test_cli_hostile.py.
"""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest
import yaml

from cli import docs as docs_commands
from cli.main import main
from engine.narrate.docgen import SECTIONS, sections_in
from engine.narrate.handout import handout_html
from engine.narrate.plain import glossary_markdown
from engine.scenario.loader import load_scenario
from tests.cli.test_cli import assert_usage_error, run_cli
from tests.conftest import DEFAULT_SCENARIO, ROOT

LESSON = ROOT / "scenarios" / "lessons" / "escalation-ladders.yaml"
MODEL_MD = ROOT / "docs" / "reference" / "model.md"
GLOSSARY_MD = ROOT / "docs" / "reference" / "glossary.md"


def argparse_refuses(capsys, *argv: str, expected: str) -> None:
    """argparse's usage error: status 2 and one line naming ``expected``."""
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main(list(argv))
    err = capsys.readouterr().err
    assert done.value.code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert expected in err


# --- brink handout -------------------------------------------------------------------------------


def test_handout_prints_the_whole_page_with_the_teacher_part(capsys):
    """By default the page on stdout is the library's, teacher's part included."""
    status, out, err = run_cli(capsys, "handout", str(LESSON))
    assert (status, err) == (0, "")
    assert out == handout_html(load_scenario(LESSON))
    assert out.startswith("<!DOCTYPE html>")
    assert "For the teacher: the class plan" in out


def test_handout_no_teacher_prints_the_students_pages_alone(capsys):
    status, out, _ = run_cli(capsys, "handout", str(LESSON), "--no-teacher")
    assert status == 0
    assert out == handout_html(load_scenario(LESSON), teacher=False)
    assert "For the teacher" not in out
    assert "Your briefing" in out


def test_handout_out_writes_the_file(capsys, tmp_path):
    """--out FILE writes the page and says so; a folder gets handout.html inside it."""
    page = handout_html(load_scenario(LESSON))
    target = tmp_path / "lesson.html"
    status, out, err = run_cli(capsys, "handout", str(LESSON), "--out", str(target))
    assert (status, err, out) == (0, "", f"wrote {target}\n")
    assert target.read_text(encoding="utf-8") == page
    status, out, _ = run_cli(capsys, "handout", str(LESSON), "--out", str(tmp_path))
    assert (status, out) == (0, f"wrote {tmp_path / 'handout.html'}\n")
    assert (tmp_path / "handout.html").read_text(encoding="utf-8") == page


def _invalid_lesson(tmp_path):
    """A lesson with three problems (the loader reports each on its own line)."""
    doc = yaml.safe_load(LESSON.read_text(encoding="utf-8"))
    doc["clock"]["turns"] = 0
    doc["actors"][0]["name"] = ""
    doc["lesson"]["objectives"] = "not a list"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(doc, sort_keys=False))
    return bad


@pytest.mark.parametrize(("lesson", "expected"), [
    (lambda tmp: tmp / "missing.yaml", "missing.yaml: file not found"),
    (lambda tmp: DEFAULT_SCENARIO, "has no lesson section; the lesson packs are in "
                                   "scenarios/lessons/"),
    (lambda tmp: tmp, "is a folder, expected a YAML file"),
    (_invalid_lesson, "(and more: `brink validate "),
], ids=["missing", "not-a-lesson", "folder", "several-problems"])
def test_handout_refuses_a_bad_lesson_in_one_line(capsys, tmp_path, lesson, expected):
    """A missing, invalid or lesson-less file: status 2, one line on stderr, nothing on stdout
    (a scenario with several problems gives the first and points to brink validate)."""
    path = lesson(tmp_path)
    line = assert_usage_error(capsys, "handout", str(path), expected=expected)
    assert str(path) in line
    assert capsys.readouterr().out == ""


def test_handout_refuses_an_out_it_cannot_write(capsys, tmp_path):
    assert_usage_error(capsys, "handout", str(LESSON), "--out", "/dev/null",
                       expected="cannot write /dev/null: it exists and is not a regular file")
    assert_usage_error(capsys, "handout", str(LESSON), "--out", str(tmp_path / "no" / "x.html"),
                       expected=f"cannot write {tmp_path / 'no' / 'x.html'}")


def test_handout_without_a_lesson_is_a_usage_error(capsys):
    argparse_refuses(capsys, "handout", expected="required: lesson")


def test_the_console_command_gives_one_line_for_a_missing_lesson(tmp_path):
    """As a new user runs it, in a process of its own: no traceback, status 2, one line."""
    missing = tmp_path / "nowhere.yaml"
    done = subprocess.run([sys.executable, "-m", "cli", "handout", str(missing)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == f"brink: error: {missing}: file not found\n"


# --- brink docs glossary -------------------------------------------------------------------------


def test_docs_glossary_prints_the_committed_page(capsys):
    status, out, err = run_cli(capsys, "docs", "glossary")
    assert (status, err) == (0, "")
    assert out == glossary_markdown()
    assert out == GLOSSARY_MD.read_text(encoding="utf-8")
    assert "`brink docs glossary > docs/reference/glossary.md`" in out
    assert "- **escalation ladder**: " in out


@pytest.mark.parametrize(("argv", "expected"), [
    (["docs"], "required: PAGE"),
    (["docs", "glossary", "extra"], "unrecognized arguments: extra"),
    (["docs", "index"], "invalid choice: 'index'"),
    (["docs", "model", "a.md", "b.md"], "unrecognized arguments: b.md"),
], ids=["no-page", "glossary-extra", "unknown-page", "model-two-files"])
def test_docs_usage_errors(capsys, argv, expected):
    argparse_refuses(capsys, *argv, expected=expected)


# --- brink docs model ----------------------------------------------------------------------------


@pytest.fixture
def model_copy(tmp_path):
    """A copy of docs/reference/model.md whose parameter table is stale."""
    text = MODEL_MD.read_text(encoding="utf-8")
    body = sections_in(text)["parameters"]
    copy = tmp_path / "model.md"
    copy.write_text(text.replace(body, "| stale | table |\n"), encoding="utf-8")
    return copy


def test_docs_model_check_passes_on_the_committed_page(capsys):
    status, out, err = run_cli(capsys, "docs", "model", "--check")
    assert (status, err) == (0, "")
    assert out == f"{MODEL_MD}: up to date ({len(SECTIONS)} generated sections)\n"


def test_docs_model_check_reports_a_stale_page_and_leaves_it(capsys, model_copy):
    before = model_copy.read_text(encoding="utf-8")
    status, out, err = run_cli(capsys, "docs", "model", str(model_copy), "--check")
    assert (status, out) == (1, "")
    assert err == f"{model_copy}: stale; run `brink docs model {model_copy}` to rewrite it\n"
    assert model_copy.read_text(encoding="utf-8") == before


def test_docs_model_rewrites_a_stale_page(capsys, model_copy):
    """The rewritten copy is the committed page again; a second run finds it up to date."""
    status, out, _ = run_cli(capsys, "docs", "model", str(model_copy))
    assert (status, out) == (0, f"{model_copy}: rewrote {len(SECTIONS)} generated sections\n")
    assert model_copy.read_text(encoding="utf-8") == MODEL_MD.read_text(encoding="utf-8")
    assert "by `brink docs model`; do not edit by hand" in model_copy.read_text(encoding="utf-8")
    status, out, _ = run_cli(capsys, "docs", "model", str(model_copy))
    assert (status, out) == (0, f"{model_copy}: up to date ({len(SECTIONS)} generated sections)\n")


@pytest.mark.parametrize(("content", "expected"), [
    (None, "cannot read {path}: No such file or directory"),
    ("# no markers here\n", "{path}: missing generated section(s): <!-- BEGIN GENERATED: "),
    (b"\xff\xfe not utf-8", "{path}: 'utf-8' codec can't decode byte 0xff"),
], ids=["missing", "no-markers", "not-utf8"])
def test_docs_model_refuses_a_bad_file_in_one_line(capsys, tmp_path, content, expected):
    path = tmp_path / "page.md"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    assert_usage_error(capsys, "docs", "model", str(path), expected=expected.format(path=path))
    if content is not None:  # a refused page is left as it was
        assert path.read_bytes() == (content if isinstance(content, bytes) else content.encode())


def test_docs_model_outside_a_checkout_asks_for_the_path(capsys, monkeypatch, tmp_path):
    """An installed package ships no docs/: one line says so (tests/test_installed_package.py
    runs the real thing)."""
    monkeypatch.setattr(docs_commands, "MODEL_MD", tmp_path / "docs" / "reference" / "model.md")
    assert_usage_error(capsys, "docs", "model", "--check",
                       expected="is part of a Brink checkout, not of the installed package")


# --- one home for the command line ---------------------------------------------------------------


def _script_parts(path) -> list[str]:
    """What makes ``path`` a command of its own: argparse imported, a __main__ block."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name == "argparse"]
        elif isinstance(node, ast.ImportFrom) and node.module == "argparse":
            found.append("from argparse import ...")
        elif isinstance(node, ast.Compare) and any(
                isinstance(n, ast.Constant) and n.value == "__main__"
                for n in [node.left, *node.comparators]):
            found.append(f"__main__ block at line {node.lineno}")
    return found


def test_engine_and_analysis_are_libraries_without_commands():
    """Every command is a `brink` subcommand (cli/): no module of engine/ or analysis/ parses
    arguments or runs with `python -m` (a mention in a docstring is not code, so not counted)."""
    offenders = {str(path.relative_to(ROOT)): parts
                 for folder in ("engine", "analysis")
                 for path in sorted((ROOT / folder).rglob("*.py"))
                 if (parts := _script_parts(path))}
    assert offenders == {}

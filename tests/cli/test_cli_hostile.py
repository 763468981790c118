"""Every ``brink`` subcommand under hostile arguments (issue 14, item 10).

Each ends with exit status 0, 1 (the command could not finish) or 2 (bad input), one line on
stderr and no traceback: negative, huge and non-numeric numbers, paths that are folders,
FIFOs, devices, huge or binary files, /proc, hand-edited manifests with wrong types or missing
keys, truncated Parquet parts. Files to read are refused before they are read when they are
not regular files or are above their limit, so nothing blocks and nothing fills memory (a
watchdog alarm turns a block into a failure instead of a hung suite).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from pathlib import Path

import pytest

from cli import scenario as scenario_commands
from cli.main import main
from cli.status import MAX_MESSAGE
from engine.batch.runner import run_batch
from engine.core.errors import UsageError
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "batch" / "fixtures" / "small-batch.yaml"


@pytest.fixture(autouse=True)
def watchdog():
    """Fail instead of hanging when a command blocks (a FIFO opened for reading)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def hung(signum, frame):
        raise TimeoutError("the command blocked for 30 s")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(30)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def brink(capsys, *argv) -> tuple[int, str, str]:
    """Status, stdout and stderr of ``brink ARGV`` in this process (argparse's own usage
    errors raise SystemExit: their code is the status)."""
    capsys.readouterr()
    try:
        status = main([str(a) for a in argv])
    except SystemExit as exc:
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


def refused(capsys, *argv, expected: str, status: int = 2) -> str:
    """``brink ARGV`` exits with ``status``, one ``brink: error:`` line naming ``expected``."""
    code, out, err = brink(capsys, *argv)
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert code == status, err
    assert len(lines) == 1, err
    assert lines[0].startswith("brink: error: ")
    assert expected in lines[0], lines[0]
    return lines[0]


def usage_error(capsys, *argv, expected: str) -> None:
    """argparse refuses ``ARGV``: status 2, its usage and one error line, no traceback."""
    code, out, err = brink(capsys, *argv)
    assert code == 2
    assert "Traceback" not in out + err
    assert expected in err.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """Hostile paths: a folder, a FIFO, a binary file, huge (sparse) files."""
    root = tmp_path_factory.mktemp("hostile-files")
    paths = {"folder": root / "folder", "binary": root / "binary.bin",
             "huge-6m": root / "huge-6m", "huge-17m": root / "huge-17m",
             "file": root / "plain.txt"}
    paths["folder"].mkdir()
    paths["binary"].write_bytes(bytes(range(256)) * 16)
    for name, size in (("huge-6m", 6 << 20), ("huge-17m", 17 << 20)):
        with open(paths[name], "wb") as f:
            f.truncate(size)
    paths["file"].write_text("x")
    if hasattr(os, "mkfifo"):
        paths["fifo"] = root / "fifo"
        os.mkfifo(paths["fifo"])
    return paths


def _path(files, name: str) -> Path:
    if name == "fifo" and "fifo" not in files:
        pytest.skip("no FIFOs on this platform")
    if name.startswith("/") and not Path(name).exists():
        pytest.skip(f"no {name} here")
    return Path(name) if name.startswith("/") else files[name]


@pytest.fixture(scope="module")
def tiny_batch(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tiny") / "batch"
    run_batch(SMALL, runs=2, seed=1, per_turn=True, chunk_size=2, workers=1, out=out,
              levers={"blue_package": ["targeted", "sectoral"]})
    return out


def _edited(tiny_batch: Path, tmp_path: Path, change) -> Path:
    """A copy of the batch whose manifest is ``change(manifest)`` (a dict, or text)."""
    copy = tmp_path / "edited"
    shutil.copytree(tiny_batch, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    new = change(manifest)
    (copy / "manifest.json").write_text(new if isinstance(new, str) else json.dumps(new))
    return copy


# --- run -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "expected"), [
    (["--seed", "-1"], "--seed must be 0 or more"),
    (["--seed", str(2**63)], "--seed must be at most 9,223,372,036,854,775,807"),
    (["--turns", "99999999999999999999"], "--turns must be between 1 and 8"),
    (["--turns", "-3"], "--turns must be between 1 and 8"),
    (["--explain", "-5"], "--explain must name a played turn"),
])
def test_run_numbers(capsys, args, expected):
    refused(capsys, "run", SMALL, "--quiet", *args, expected=expected)


@pytest.mark.parametrize(("args", "expected"), [
    (["--seed", "nan"], "invalid int value: 'nan'"),
    (["--turns", "1e3"], "invalid int value: '1e3'"),
    (["--explain", ""], "invalid int value: ''"),
    (["--seed", "9" * 5000], "invalid int value"),
])
def test_run_non_numbers(capsys, args, expected):
    usage_error(capsys, "run", SMALL, "--quiet", *args, expected=expected)


@pytest.mark.parametrize(("name", "expected"), [
    ("folder", "is a folder"), ("fifo", "is not a regular file"),
    ("/dev/zero", "is not a regular file"), ("binary", "not valid UTF-8"),
    ("huge-6m", "limited to 5 MB"), ("/proc/self/status", "required field is missing"),
])
def test_run_scenario_paths(capsys, files, name, expected):
    """The scenario argument: the loader's one line, exit 2 (multi-line only for several
    problems in one file)."""
    code, out, err = brink(capsys, "run", _path(files, name), "--quiet")
    assert code == 2
    assert "Traceback" not in out + err
    assert expected in err


@pytest.mark.parametrize(("name", "expected"), [
    ("/dev/zero", "it is a device, not a regular file"),
    ("fifo", "it is a named pipe (FIFO), not a regular file"),
    ("folder", "it is a folder"),
    ("huge-17m", "it is 17 MiB; the limit is 16 MiB"),
    ("binary", "not UTF-8 text (byte 128)"),
    ("/proc/self/status", "not valid JSON"),
    ("missing", "No such file or directory"),
])
def test_replay_files_are_refused_before_reading(capsys, files, name, expected):
    """--replay /dev/zero used to read 1.5 GB into memory, and a FIFO blocked forever."""
    path = files["folder"] / "missing.json" if name == "missing" else _path(files, name)
    line = refused(capsys, "run", SMALL, "--quiet", "--replay", path, expected=expected)
    assert f"move log {path}" in line or f"{path}" in line


@pytest.mark.parametrize(("name", "expected"), [
    ("/dev/null", "exists and is not a folder"), ("fifo", "exists and is not a folder"),
    ("/proc/brink-test/out", "cannot write to /proc/brink-test/out"),
])
def test_run_out_that_cannot_take_the_results(capsys, files, name, expected):
    if name.startswith("/proc") and not Path("/proc/self").exists():
        pytest.skip("no /proc")
    path = Path(name) if name.startswith("/proc") else _path(files, name)
    refused(capsys, "run", SMALL, "--quiet", "--turns", "1", "--out", path, expected=expected)


@pytest.mark.parametrize("kind", ["fifo", "link"])
def test_run_out_holding_a_fifo_or_a_link(capsys, tmp_path, kind):
    """--out DIR whose causal_log.csv is a FIFO (the write would block) or a symbolic link
    (the write would land elsewhere): refused before playing, nothing written."""
    out = tmp_path / "out"
    out.mkdir()
    target = out / "causal_log.csv"
    if kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs")
        os.mkfifo(target)
    else:
        target.symlink_to(tmp_path / "elsewhere.csv")
    refused(capsys, "run", SMALL, "--quiet", "--turns", "1", "--out", out,
            expected=f"--out {out}: causal_log.csv exists and is not a regular file")
    assert sorted(p.name for p in out.iterdir()) == ["causal_log.csv"]
    assert not (tmp_path / "elsewhere.csv").exists()


# --- validate, schema, moves ----------------------------------------------------------------------


def test_validate_names_each_bad_path(capsys, files):
    """Every path is checked and named; nothing blocks on the FIFO or reads /dev/zero."""
    paths = [files[n] for n in ("folder", "binary", "huge-6m") if n in files]
    paths += [p for p in (files.get("fifo"), Path("/dev/zero")) if p and p.exists()]
    code, out, err = brink(capsys, "validate", SMALL, *paths)
    assert code == 2
    assert "Traceback" not in out + err
    assert f"{SMALL}: ok" in out
    for path in paths:
        assert f"{path}:" in err


def test_validate_escapes_control_characters_in_names(capsys, tmp_path):
    name = tmp_path / "a\x1b[2Jb.yaml"
    name.write_bytes(SMALL.read_bytes())
    code, out, _ = brink(capsys, "validate", name)
    assert code == 0
    assert "\x1b" not in out
    assert "a\\x1b[2Jb.yaml: ok" in out


@pytest.mark.parametrize("argv", [["schema", "--bogus"], ["moves", "extra"], ["validate"],
                                  ["report"], ["compare", "one"], ["check-model", "--runs"],
                                  ["batch", str(SMALL), "--runs", "nan"],
                                  ["batch", str(SMALL), "--sampler", "magic"],
                                  ["handout"], ["handout", str(SMALL), "--teacher=no"],
                                  ["docs"], ["docs", "glossary", "-"],
                                  ["docs", "model", "--check", "x", "y"]])
def test_malformed_command_lines(capsys, argv):
    usage_error(capsys, *argv, expected="error:")


# --- batch (more in tests/batch/test_hostile_batches.py) ------------------------------------------


@pytest.mark.parametrize(("args", "expected"), [
    (["--seed", "-1"], "--seed must be at least 0"),
    (["--lever", "x=,,,"], "--lever 'x': no option given"),
    (["--lever", "blue_package=,,,"], "no option given"),
    (["--lever", "blue_package=nan"], "lever 'blue_package' has no option nan"),
    (["--runs", "-1"], "--runs must be at least 1"),
    (["--runs", str(10**30)], "means about 3.0 x 10^30 runs (about 1.0 x 10^30 runs x 3"),
    (["--grid-levels", "0", "--sampler", "grid"], "at least 2 levels"),
    (["--workers", "-4"], "--workers must be at least 1"),
    (["--chunk-size", "-1"], "--chunk-size must be at least 1"),
    (["--turns", "0"], "--turns must be at least 1"),
])
def test_batch_arguments(capsys, tmp_path, args, expected):
    out = tmp_path / "b"
    refused(capsys, "batch", SMALL, "--quiet", "--out", out, *args, expected=expected)
    assert not out.exists()


def test_batch_resume_of_nothing(capsys, tmp_path, files):
    refused(capsys, "batch", SMALL, "--quiet", "--resume", "--out", files["folder"],
            expected="holds no batch to resume")


# --- report and compare on hand-edited and damaged batches ----------------------------------------


def _set(key, value):
    return lambda m: {**m, key: value}


def _drop(key):
    return lambda m: {k: v for k, v in m.items() if k != key}


@pytest.mark.parametrize(("change", "expected"), [
    (_set("labels", [1, 2]), "labels must be a mapping, got [1, 2]"),
    (_set("labels", {"actors": ["red"]}), "labels.actors must map ids to names"),
    (_set("labels", {"title": 7}), "labels.title must be text, got 7"),
    (_set("levers", "blue_package"), "levers must be a mapping of lever to options"),
    (_set("levers", {"blue_package": "targeted"}), "levers.blue_package must be a list"),
    (_set("levers", {"blue_package": [[1]]}), "levers.blue_package must be a list of options"),
    (_set("total_runs", "4"), 'total_runs must be a whole number of at least 1, got "4"'),
    (_set("total_runs", None), "total_runs must be a whole number"),
    (_set("total_runs", 1.5), "total_runs must be a whole number"),
    (_set("total_runs", True), "total_runs must be a whole number"),
    (_set("runs_per_combination", 0), "runs_per_combination must be a whole number of at "
                                      "least 1"),
    (_set("runs_per_combination", 99), "is more than total_runs"),
    (_set("seed", -1), "seed must be a whole number of at least 0"),
    (_set("uncertainties", {"a": 1}), "uncertainties must be a list"),
    (_set("uncertainties", [{"name": "x"}]), "uncertainties[0].distribution must be text"),
    (_set("uncertainties", [7]), "uncertainties[0] must be a mapping"),
    (_set("uncertainties", [{"name": "x", "distribution": "uniform", "low": "0", "high": 1,
                             "value": 0.5}]), "uncertainties[0].low must be a number"),
    (_set("scenario_sha256", 5), "scenario_sha256 must be text"),
    (_set("status", ["finished"]), "status must be text"),
    (_set("chunk_size", 0), "chunk_size must be a whole number of at least 1"),
    (_set("batch_id", 12), "batch_id must be text"),
    (_drop("levers"), "is not a brink batch manifest (no 'levers')"),
    (_drop("total_runs"), "is not a brink batch manifest (no 'total_runs')"),
    (lambda m: [m], "is not a brink batch manifest"),
    (lambda m: "7", "is not a brink batch manifest"),
    (lambda m: json.dumps(m).replace('"seed": 1', '"seed": NaN'),
     "seed must be a whole number of at least 0, got NaN"),
    (lambda m: "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    (lambda m: json.dumps(m)[:40], "is not valid JSON"),
    (lambda m: json.dumps(m).replace('"total_runs": 4', '"total_runs": ' + "9" * 5000),
     "is not valid JSON (Exceeds the limit (4300 digits)"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_report_on_hand_edited_manifests(capsys, tiny_batch, tmp_path, change, expected):
    """Wrong types or missing keys: one line naming the key, before any figure is computed."""
    edited = _edited(tiny_batch, tmp_path, change)
    refused(capsys, "report", edited, "--out", tmp_path / "r.md", expected=expected)
    assert not (tmp_path / "r.md").exists()


@pytest.mark.parametrize(("kind", "expected"), [
    ("fifo", "is unreadable: it is a named pipe (FIFO), not a regular file"),
    ("huge", "is unreadable: it is 2 MiB; the limit is 1 MiB"),
    ("binary", "is unreadable: it is not UTF-8 text"),
    ("folder", "is unreadable: it is a folder"),
])
def test_report_on_a_manifest_that_is_not_a_small_file(capsys, tiny_batch, tmp_path, kind,
                                                       expected):
    copy = tmp_path / "b"
    shutil.copytree(tiny_batch, copy)
    manifest = copy / "manifest.json"
    manifest.unlink()
    if kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs")
        os.mkfifo(manifest)
    elif kind == "huge":
        with open(manifest, "wb") as f:
            f.truncate(2 << 20)
    elif kind == "binary":
        manifest.write_bytes(b"\xff\xfe{}")
    else:
        manifest.mkdir()
    refused(capsys, "report", copy, expected=expected)


@pytest.mark.parametrize(("part", "expected"), [
    ("runs/part-00000.parquet", "is not a readable Parquet file"),
    ("per_turn/part-00001.parquet", "is not a readable Parquet file"),
    ("failures/part-00000.parquet", "is damaged and cannot be read"),
    ("design.parquet", "design.parquet is damaged and cannot be read"),
])
def test_report_on_truncated_parquet(capsys, tiny_batch, tmp_path, part, expected):
    copy = tmp_path / "b"
    shutil.copytree(tiny_batch, copy)
    file = copy / part
    data = file.read_bytes() if file.exists() else (copy / "runs/part-00000.parquet").read_bytes()
    file.write_bytes(data[: len(data) // 2])
    line = refused(capsys, "report", copy, expected=expected)
    assert str(file) in line


@pytest.mark.parametrize(("target", "expected"), [
    ("fifo", "exists and is not a regular file"),
    ("/dev/null", "exists and is not a regular file"),
    ("/proc/brink-test/r.html", "cannot write /proc/brink-test/r.html"),
])
def test_report_out_that_is_not_a_file(capsys, tiny_batch, files, target, expected):
    """A FIFO as --out would block the write until someone reads it."""
    if target.startswith("/proc") and not Path("/proc/self").exists():
        pytest.skip("no /proc")
    path = Path(target) if target.startswith("/proc") else _path(files, target)
    refused(capsys, "report", tiny_batch, "--out", path, expected=expected)


@pytest.mark.parametrize(("name", "expected"), [
    ("/dev/zero", "is not a folder"), ("fifo", "is not a folder"), ("file", "is not a folder"),
    ("folder", "is not a batch folder (no manifest.json)"), ("/proc", "is not a batch folder"),
])
def test_report_and_compare_on_paths_that_are_not_batches(capsys, tiny_batch, files, name,
                                                          expected):
    path = _path(files, name)
    refused(capsys, "report", path, expected=expected)
    refused(capsys, "compare", tiny_batch, path, expected=expected)


def test_compare_with_a_hand_edited_manifest(capsys, tiny_batch, tmp_path):
    edited = _edited(tiny_batch, tmp_path, _set("scenario_sha256", {"x": 1}))
    refused(capsys, "compare", tiny_batch, edited, expected="scenario_sha256 must be text")


# --- check-model ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "expected"), [
    (["--runs", "0"], "--runs must be at least 1"),
    (["--runs", str(10**12)], "a batch is limited to 2,000,000"),
    (["--seed", "-1"], "--seed must be between 0 and"),
    (["--workers", "0"], "--workers must be at least 1"),
    (["--screening", "--trajectories", "1"], "--trajectories must be at least 2"),
    (["--screening", "--trajectories", "0"], "--trajectories must be at least 2, got 0"),
    (["--screening", "--trajectories", str(10**9)], "--trajectories must be at most 50"),
    (["--trajectories", "5"], "--model-doc and --trajectories go with --screening"),
    (["--screening", "--out", "x.md"], "with --screening use --model-doc"),
])
def test_check_model_arguments(capsys, tmp_path, args, expected):
    """Refused before anything is played (the suite itself takes minutes)."""
    refused(capsys, "check-model", *args, expected=expected)


def test_check_model_out_is_a_folder(capsys, files):
    refused(capsys, "check-model", "--out", files["folder"], expected="is a folder")


# --- handout, docs model ------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("folder", "is a folder"), ("fifo", "is not a regular file"),
    ("/dev/zero", "is not a regular file"), ("binary", "not valid UTF-8"),
    ("huge-6m", "limited to 5 MB"), ("/proc/self/status", "required field is missing"),
])
def test_handout_lesson_paths(capsys, files, name, expected):
    """The lesson is read by the scenario loader: refused unread when it is not a small regular
    file, and one line even when the file has several problems."""
    refused(capsys, "handout", _path(files, name), expected=expected)


@pytest.mark.parametrize(("name", "expected"), [
    ("/dev/null", "it exists and is not a regular file"),
    ("fifo", "it exists and is not a regular file"),
    ("/proc/brink-test/x.html", "cannot write /proc/brink-test/x.html"),
])
def test_handout_out_that_cannot_take_the_page(capsys, files, name, expected):
    if name.startswith("/proc") and not Path("/proc/self").exists():
        pytest.skip("no /proc")
    path = Path(name) if name.startswith("/proc") else _path(files, name)
    lesson = ROOT / "scenarios" / "lessons" / "escalation-ladders.yaml"
    refused(capsys, "handout", lesson, "--out", path, expected=expected)


@pytest.mark.parametrize(("name", "expected"), [
    ("folder", "is a folder, not a regular file"),
    ("fifo", "is a named pipe (FIFO), not a regular file"),
    ("/dev/zero", "is a device, not a regular file"),
    ("huge-17m", "is 17 MiB; the limit is 16 MiB"),
    ("binary", "'utf-8' codec can't decode byte 0x80"),
    ("/proc/self/status", "missing generated section(s)"),
])
def test_docs_model_files_are_refused_before_reading(capsys, files, name, expected):
    """The page to rewrite is read like a move log: nothing blocks, nothing fills memory, and
    a page that is refused is never written."""
    refused(capsys, "docs", "model", _path(files, name), "--check", expected=expected)
    refused(capsys, "docs", "model", _path(files, name), expected=expected)


# --- the last line of defence -------------------------------------------------------------------


@pytest.mark.parametrize(("error", "status", "expected"), [
    (RuntimeError("boom\nsecond line \x1b[31m"), 1,
     "unexpected RuntimeError: boom second line \\x1b[31m (set BRINK_TRACEBACK=1 to see where)"),
    (MemoryError(), 1, "out of memory"),
    (ZeroDivisionError(), 1, "unexpected ZeroDivisionError (set BRINK_TRACEBACK=1"),
    (UsageError("x" * 5000), 2, "x" * 900),
])
def test_an_unexpected_error_is_one_line_and_status_1(capsys, monkeypatch, error, status,
                                                      expected):
    """Whatever a command raises ends in one line, cut at 1,000 characters: status 1 for the
    unexpected, 2 for bad input."""
    def raises(args):
        raise error

    monkeypatch.setattr(scenario_commands, "cmd_moves", raises)
    line = refused(capsys, "moves", expected=expected, status=status)
    assert len(line) <= len("brink: error: ") + MAX_MESSAGE


def test_brink_traceback_shows_where(capsys, monkeypatch):
    def raises(args):
        raise RuntimeError("boom")

    monkeypatch.setattr(scenario_commands, "cmd_moves", raises)
    monkeypatch.setenv("BRINK_TRACEBACK", "1")
    with pytest.raises(RuntimeError, match="boom"):
        main(["moves"])


@pytest.mark.parametrize("argv", [["batch", "scenarios/nk-100k.yaml", "--sampler", "garbage"],
                                  ["batch", "scenarios/nk-100k.yaml", "--runs", "abc"],
                                  ["run", "scenarios/nk-100k.yaml", "--seed", "1e3"],
                                  ["nonsense"], []])
def test_a_bad_argument_is_one_line(argv, capsys, monkeypatch):
    """argparse's usage block is not printed: one line says what is wrong, exit status 2."""
    monkeypatch.chdir(ROOT)
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert "--help" in err


def test_run_refuses_an_unwritable_out_before_playing(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["run", "scenarios/nk-100k.yaml", "--turns", "2", "--out", "/proc/brink"]) == 2
    captured = capsys.readouterr()
    assert "cannot write to /proc/brink" in captured.err
    assert "turn" not in captured.out  # no game was played (its table was never printed)

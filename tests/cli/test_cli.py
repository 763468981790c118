"""The ``brink`` command line: happy paths, and every bad argument ends with exit status 2.

Bad scenario files through ``brink validate`` are covered with the loader (test_loader.py);
here are the commands' own outputs and the argument errors of ``brink run``.
"""

from __future__ import annotations

import contextlib
import io
import json

import pandas as pd
import pytest
import yaml

from cli.main import main
from engine.core.provenance import engine_fingerprint
from engine.moves.catalogue import MoveType
from tests.conftest import DEFAULT_SCENARIO

RUN_FILES = ("per_turn.parquet", "per_turn.csv", "causal_log.csv", "events.csv", "moves.json",
             "summary.json", "manifest.json")


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of ``brink ARGV``."""
    capsys.readouterr()
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_usage_error(capsys, *argv: str, expected: str) -> str:
    """``brink ARGV`` exits 2 with one line on stderr naming ``expected`` and no traceback."""
    status, out, err = run_cli(capsys, *argv)
    assert status == 2
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("brink: error: ")
    assert expected in lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    """``brink run --turns 3 --seed 1 --out DIR --explain 2`` once: (status, stdout, DIR)."""
    out_dir = tmp_path_factory.mktemp("run") / "out"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = main(["run", str(DEFAULT_SCENARIO), "--turns", "3", "--seed", "1",
                       "--out", str(out_dir), "--explain", "2"])
    assert stderr.getvalue() == ""
    return status, stdout.getvalue(), out_dir


@pytest.fixture(scope="module")
def move_log(played) -> list[dict]:
    """The moves.json written by the played run."""
    return json.loads((played[2] / "moves.json").read_text())


# --- happy paths ---------------------------------------------------------------------------------


def test_validate_default_scenario_says_ok(capsys, default_scenario):
    """``brink validate`` on the default scenario exits 0 and prints ok with its id."""
    status, out, err = run_cli(capsys, "validate", str(DEFAULT_SCENARIO))
    assert status == 0
    assert err == ""
    assert out.startswith(f"{DEFAULT_SCENARIO}: ok")
    assert default_scenario.id in out


def test_validate_reports_each_file_and_fails_if_any_is_bad(capsys, tmp_path):
    """With a good and a bad file, the good one is ok, the bad one explained, and status is 2."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("- not a scenario\n")
    status, out, err = run_cli(capsys, "validate", str(DEFAULT_SCENARIO), str(bad))
    assert status == 2
    assert f"{DEFAULT_SCENARIO}: ok" in out
    assert f"{bad}:1: expected a mapping" in err
    assert "Traceback" not in err


def test_schema_prints_json_schema(capsys):
    """``brink schema`` prints a JSON Schema that parses and describes the scenario fields."""
    status, out, _ = run_cli(capsys, "schema")
    assert status == 0
    schema = json.loads(out)
    assert {"id", "clock", "actors"} <= set(schema["properties"])


def test_moves_lists_every_move_type(capsys):
    """``brink moves`` has a row for every MoveType."""
    status, out, _ = run_cli(capsys, "moves")
    assert status == 0
    first_cells = {line.split()[0] for line in out.splitlines() if line.strip()}
    assert {t.value for t in MoveType} <= first_cells


def test_run_writes_every_output_file(played):
    """``brink run --out DIR`` writes the frame, logs, moves, summary and manifest."""
    status, out, out_dir = played
    assert status == 0
    for name in RUN_FILES:
        assert (out_dir / name).is_file(), name
    assert f"wrote {out_dir}/" in out
    manifest = json.loads((out_dir / "manifest.json").read_text())
    assert manifest["seed"] == 1
    assert manifest["turns"] == 3
    assert manifest["engine_sha256"] == engine_fingerprint()  # which engine made it
    json.loads((out_dir / "summary.json").read_text())
    frame = pd.read_csv(out_dir / "per_turn.csv")
    assert frame["turn"].max() == 3
    assert len(pd.read_parquet(out_dir / "per_turn.parquet")) == len(frame)


def test_run_explains_the_requested_turn(played):
    """``--explain 2`` prints why things changed in turn 2."""
    _, out, _ = played
    assert "Why things changed in turn 2" in out


def test_replaying_the_move_log_reproduces_the_run(capsys, played, tmp_path):
    """``--replay moves.json`` with the same seed gives the same per-turn frame."""
    _, _, out_dir = played
    status, _, err = run_cli(capsys, "run", str(DEFAULT_SCENARIO), "--turns", "3", "--seed", "1",
                             "--quiet", "--replay", str(out_dir / "moves.json"),
                             "--out", str(tmp_path / "again"))
    assert (status, err) == (0, "")
    assert (tmp_path / "again" / "per_turn.csv").read_text() == \
        (out_dir / "per_turn.csv").read_text()


# --- argument errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "expected"), [
    (["--turns", "0"], "--turns must be between 1 and"),
    (["--turns", "999"], "--turns must be between 1 and"),
    (["--turns", "3", "--explain", "0"], "--explain must name a played turn, 1 to 3; got 0"),
    (["--turns", "3", "--explain", "4"], "--explain must name a played turn, 1 to 3; got 4"),
    (["--seed", "-1"], "--seed must be 0 or more"),
], ids=["turns-0", "turns-999", "explain-0", "explain-beyond", "negative-seed"])
def test_run_refuses_out_of_range_arguments(capsys, default_scenario, args, expected):
    """Out-of-range --turns, --explain and --seed end with one line and status 2."""
    line = assert_usage_error(capsys, "run", str(DEFAULT_SCENARIO), "--quiet", *args,
                              expected=expected)
    if "--turns must" in expected:
        assert f"and {default_scenario.clock.turns}, got {args[1]}" in line


def test_run_refuses_out_pointing_at_a_file(capsys, tmp_path):
    """--out must be a folder (or not exist yet); an existing file is refused before playing."""
    target = tmp_path / "results.txt"
    target.write_text("keep me")
    assert_usage_error(capsys, "run", str(DEFAULT_SCENARIO), "--turns", "1", "--quiet",
                       "--out", str(target), expected=f"--out {target} exists and is not a folder")
    assert target.read_text() == "keep me"


def test_run_refuses_out_it_cannot_create(capsys, tmp_path):
    """A folder that cannot be made (its parent is a file) is a one-line error."""
    parent = tmp_path / "file"
    parent.write_text("")
    assert_usage_error(capsys, "run", str(DEFAULT_SCENARIO), "--turns", "1", "--quiet",
                       "--out", str(parent / "sub"), expected=f"cannot write to {parent / 'sub'}")


def test_run_refuses_a_bad_scenario_with_its_location(capsys, tmp_path):
    """``brink run`` on an invalid scenario prints the loader's message and exits 2."""
    doc = yaml.safe_load(DEFAULT_SCENARIO.read_text(encoding="utf-8"))
    doc["clock"]["turns"] = 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(doc, sort_keys=False))
    status, out, err = run_cli(capsys, "run", str(bad))
    assert status == 2
    assert "Traceback" not in out + err
    assert f"{bad}:" in err
    assert "clock.turns: Input should be greater than or equal to 1" in err


def write_log(tmp_path, content) -> str:
    path = tmp_path / "moves.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


@pytest.mark.parametrize(("change", "expected"), [
    ({"actor": "narnia"}, "unknown actor 'narnia'"),
    ({"move": "teleport"}, "'teleport' is not a valid MoveType"),
    ({"id": "t999.x.1"}, "turn 999 is outside 1.."),
    ({"id": "turn one"}, "is not t<turn>.<actor>.<n>"),
    ({"params": {"zzz": 1}}, "unknown parameter 'zzz'"),
    ({"params": ["not", "a", "mapping"]}, "params must be a mapping"),
], ids=["actor", "move", "turn", "id", "param", "params-list"])
def test_replay_refuses_a_bad_entry(capsys, tmp_path, move_log, change, expected):
    """A move log entry with an unknown actor, move, turn or parameter is refused by index."""
    entries = [*move_log[:2], {**move_log[2], **change}]
    path = write_log(tmp_path, entries)
    line = assert_usage_error(capsys, "run", str(DEFAULT_SCENARIO), "--turns", "3", "--quiet",
                              "--replay", path, expected=expected)
    assert f"{path}: move 2 is malformed" in line


@pytest.mark.parametrize(("content", "expected"), [
    ('[{"id": "t1.russia.1", ', "not valid JSON"),
    ("", "not valid JSON"),
    ('{"moves": []}', "expected a list of moves"),
    ('[{"id": "t1.russia.1", "actor": "russia", "move": "mobilise", "params": {"troops": NaN}}]',
     "NaN is not a number"),
    ('[{"id": "t1.russia.1", "actor": "russia", "move": "mobilise", "params": {"troops": 1e999}}]',
     "1e999 is not a finite number"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    (["just a string"], "move 0 is malformed"),
], ids=["truncated", "empty", "mapping", "nan", "overflow", "deep", "string-entry"])
def test_replay_refuses_a_malformed_log(capsys, tmp_path, content, expected):
    """A move log that is not a JSON list of finite moves is a one-line error."""
    path = write_log(tmp_path, content)
    line = assert_usage_error(capsys, "run", str(DEFAULT_SCENARIO), "--turns", "3", "--quiet",
                              "--replay", path, expected=expected)
    assert path in line


def test_replay_refuses_a_missing_log(capsys, tmp_path):
    """A move log that does not exist is a one-line error."""
    missing = tmp_path / "nowhere.json"
    assert_usage_error(capsys, "run", str(DEFAULT_SCENARIO), "--turns", "3", "--quiet",
                       "--replay", str(missing), expected=f"cannot read move log {missing}")


@pytest.mark.parametrize(("argv", "expected"), [
    (["run", str(DEFAULT_SCENARIO), "--turns", "abc"], "invalid int value: 'abc'"),
    (["run"], "required: scenario"),
    (["validate"], "required: files"),
    (["explode"], "invalid choice: 'explode'"),
], ids=["turns-not-int", "run-no-file", "validate-no-file", "unknown-command"])
def test_argparse_errors_exit_2_without_traceback(capsys, argv, expected):
    """Malformed command lines are argparse's usage errors: status 2, usage and one error."""
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    assert exc.value.code == 2
    assert "Traceback" not in out + err
    assert expected in err.strip().splitlines()[-1]

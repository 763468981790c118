"""Batches under hostile input (issue 14, items 6, 10, 11, 12).

Requests that would exhaust memory are refused before anything is allocated, with the number
of runs they mean; workers are capped; a bad scheduler creates nothing and leaves no late
traceback; an output folder that cannot be written is one line; every part carries its
batch's identity and every chunk the SHA-256 of its parts, so a part from another batch or a
damaged part is named, and --resume redoes it; the plan's hash is over the scenario's content.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from analysis.batch import load_batch
from cli.main import main
from engine.batch import BatchError, run_batch
from engine.batch import runner as batch_runner
from engine.batch.runner import MAX_RUNS, BatchFailed, count_runs, parse_lever_args, worker_limit
from engine.batch.store import BATCH_KEY, BatchStore
from tests.conftest import ROOT
from tests.timeouts import alarm

BATCH = ROOT / "tests" / "batch" / "fixtures" / "small-batch.yaml"
ONE = {"levers": {"blue_package": ["sectoral"]}}


def _one_line_error(capsys, status: int, expected: str, argv: list[str]) -> str:
    capsys.readouterr()
    assert main(argv) == status
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("brink: error: ")
    assert expected in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def many_levers(tmp_path_factory) -> Path:
    """The small scenario with eight more levers of twelve options each (12^8 x 3 lever
    combinations): the issue's "valid-looking" request that needed 2.5 GB for --runs 1."""
    doc = yaml.safe_load(BATCH.read_text(encoding="utf-8"))
    for i in range(8):
        doc["levers"][f"extra_{i}"] = {"options": list(range(12)), "default": 0}
    path = tmp_path_factory.mktemp("levers") / "many-levers.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


# --- the plan is bounded before anything is allocated ------------------------------------------


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"runs": 10**12}, "means 3,000,000,000,000 runs (1,000,000,000,000 runs x 3 lever "
                       "combinations); a batch is limited to 2,000,000"),
    ({"runs": MAX_RUNS // 3 + 1}, "means 2,000,001 runs"),
    ({"runs": 10**9, "sampler": "lhs", **ONE}, "means 1,000,000,000 runs; a batch is limited"),
    ({"runs": 10**9 * 4, "sampler": "sobol", **ONE}, "means 4,000,000,000 runs"),
    ({"sampler": "grid", "grid_levels": 30000, "runs": 10}, "a 30,000-level grid over 2 "
                                                            "parameters has 900,000,000 points"),
    ({"sampler": "grid", "grid_levels": 10**12, "runs": 10}, "has about 10^24 points"),
    ({"sampler": "grid", "grid_levels": 1500, "runs": 10**7}, "has 2,250,000 points"),
], ids=["runs-1e12", "just-over", "lhs-1e9", "sobol-4e9", "grid-30000", "grid-1e12",
        "grid-over"])
def test_requests_beyond_the_limit_are_refused_before_allocating(kwargs, expected):
    """The refusal says how many runs the request means and the limit, and costs almost no
    memory: the counts are multiplied out before any sample or design exists."""
    tracemalloc.start()
    try:
        with pytest.raises(BatchError) as refused:
            run_batch(BATCH, **{"workers": 1, **kwargs})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert expected in str(refused.value)
    assert peak < 64 * 2**20, f"{peak / 2**20:.0f} MB allocated before refusing"


def test_many_lever_combinations_are_refused_before_allocating(many_levers, capsys, tmp_path):
    """8 levers of 12 options: refused at once, nothing written, the count in the message."""
    out = tmp_path / "b"
    tracemalloc.start()
    try:
        _one_line_error(capsys, 2, "means 1,289,945,088 runs (1 run x 1,289,945,088 lever "
                                   "combinations)",
                        ["batch", str(many_levers), "--runs", "1", "--out", str(out),
                         "--quiet", "--workers", "1"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20
    assert not out.exists()


def test_run_counts_at_the_limit():
    """MAX_RUNS itself is allowed, one more is not; a grid's replications are whole."""
    assert count_runs(MAX_RUNS, 1, "mc", 2, 3) == (MAX_RUNS, MAX_RUNS)
    assert count_runs(MAX_RUNS // 4, 4, "lhs", 2, 3) == (MAX_RUNS // 4, MAX_RUNS)
    with pytest.raises(BatchError, match="means 2,000,001 runs"):
        count_runs(MAX_RUNS + 1, 1, "mc", 2, 3)
    assert count_runs(20, 1, "grid", 2, 3) == (18, 18)  # 2 replications of 9 points
    with pytest.raises(BatchError, match="--runs must be at least 9"):
        count_runs(8, 1, "grid", 2, 3)


def test_design_values_are_bounded(monkeypatch):
    """The design's size (runs x (parameters + levers)) has its own limit."""
    monkeypatch.setattr(batch_runner, "MAX_DESIGN_VALUES", 100)
    with pytest.raises(BatchError, match=r"means 51 runs of 2 sampled parameters and 1 levers: "
                                         r"153 design values; a batch is limited to 100"):
        run_batch(BATCH, runs=17, workers=1)


def test_per_turn_chunks_are_bounded_by_run_turns(monkeypatch):
    """With --per-turn a worker holds chunk x turns run-turns of rows: an explicit
    --chunk-size beyond the limit is refused, and the default shrinks for a long clock."""
    monkeypatch.setattr(batch_runner, "MAX_CHUNK_RUN_TURNS", 20)  # 2.5 runs of 8 turns
    with pytest.raises(BatchError, match=r"--chunk-size 3 with --per-turn over 8 turns keeps "
                                         r"24 run-turns .* use --chunk-size 2 or less"):
        run_batch(BATCH, runs=3, workers=1, per_turn=True, chunk_size=3, **ONE)
    result = run_batch(BATCH, runs=3, workers=1, per_turn=True, **ONE)
    assert result.manifest["chunk_size"] == 2
    assert run_batch(BATCH, runs=3, workers=1, **ONE).manifest["chunk_size"] == 200


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"seed": -1}, "--seed must be at least 0"),
    ({"seed": 2**63}, "--seed must be between 0 and 9,223,372,036,854,775,807"),
    ({"seed": 1.5}, "--seed must be a whole number, got 1.5"),
    ({"runs": -5}, "--runs must be at least 1, got -5"),
    ({"runs": float("nan")}, "--runs must be a whole number, got nan"),
    ({"runs": True}, "--runs must be a whole number"),
    ({"chunk_size": 10**6}, "--chunk-size must be between 1 and 1,000"),
    ({"turns": 0}, "--turns must be at least 1"),
    ({"turns": -3}, "--turns must be at least 1"),
    ({"workers": -2}, "--workers must be at least 1, got -2"),
    ({"sampler": "grid", "grid_levels": -1}, "at least 2 levels per parameter, got "
                                             "--grid-levels -1"),
    ({"levers": {"blue_package": []}}, "no option given"),
    ({"levers": {"blue_package": "targeted"}}, "expected a list of options"),
    ({"levers": {"blue_package": ["sectoral", "sectoral"]}}, "an option is listed twice"),
    ({"levers": {"\x1b[31mred": ["a"]}}, r"unknown lever '\x1b[31mred'"),
    ({"scheduler": ""}, "--scheduler expects an address"),
], ids=lambda v: str(v)[:30])
def test_bad_numbers_and_levers_are_refused(kwargs, expected, tmp_path):
    """Negative, huge, fractional and NaN numbers, empty or repeated lever options: a
    BatchError naming the argument, and nothing created."""
    out = tmp_path / "b"
    with pytest.raises(BatchError) as refused:
        run_batch(BATCH, **{"runs": 2, "workers": 1, "out": out, **kwargs})
    assert expected in str(refused.value)
    assert not out.exists()


@pytest.mark.parametrize(("spec", "expected"), [
    ("blue_package=,,,", "--lever 'blue_package': no option given"),
    ("x=", "--lever 'x': no option given"),
    ("=a,b", "--lever expects NAME=v1,v2,..., got '=a,b'"),
    ("blue_package", "--lever expects NAME=v1,v2"),
    ("blue_package=a,b,a", "option 'a' is listed twice"),
    ("\x1b[2J=", r"--lever '\x1b[2J': no option given"),
])
def test_malformed_lever_specs(spec, expected):
    with pytest.raises(BatchError) as refused:
        parse_lever_args([spec])
    assert expected in str(refused.value)
    assert "\n" not in str(refused.value)


def test_the_same_lever_twice_is_refused():
    with pytest.raises(BatchError, match="is given twice"):
        parse_lever_args(["blue_package=targeted", "blue_package=sectoral"])


def test_workers_are_capped_with_a_note(tmp_path, capsys):
    """--workers far above the cores runs with worker_limit() processes, and says so."""
    out = tmp_path / "b"
    status = main(["batch", str(BATCH), "--runs", "1", "--out", str(out), "--quiet",
                   "--workers", "1000000", "--lever", "blue_package=sectoral"])
    err = capsys.readouterr().err
    assert status == 0
    assert (f"brink: note: --workers 1,000,000 is more than 2 per core "
            f"({batch_runner.usable_cores()} cores here); using {worker_limit()}") in err
    assert json.loads((out / "manifest.json").read_text())["workers"] == worker_limit()


# --- schedulers and output folders -------------------------------------------------------------


@pytest.mark.parametrize("address", [
    "garbage", "tcp://", "tcp://[::1", "inproc://x", "ucx://1.2.3.4:5", "http://host:80",
    "tcp://127.0.0.1:99999", "tcp://127.0.0.1:port", "tcp://::1:8786", "tcp://127.0.0.1:1",
])
def test_a_bad_scheduler_is_one_line_and_creates_nothing(address, tmp_path, capsys):
    """Bad or unreachable addresses: exit 2 at once, and no --out folder left behind to block
    a rerun into it."""
    out = tmp_path / "b"
    t0 = time.monotonic()
    _one_line_error(capsys, 2, "scheduler", ["batch", str(BATCH), "--runs", "2", "--out",
                                             str(out), "--quiet", "--scheduler", address])
    assert time.monotonic() - t0 < 8
    assert not out.exists()


@pytest.fixture
def not_a_scheduler():
    """A TCP server that answers like a web server: the port is open, Dask's handshake fails."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)

    def serve():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.sendall(b"HTTP/1.0 200 OK\r\n\r\nnot a dask scheduler")

    threading.Thread(target=serve, daemon=True).start()
    yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    server.close()


def test_a_port_that_is_not_dask_leaves_no_late_traceback(not_a_scheduler, tmp_path):
    """The Client whose start failed is closed at once: without that, distributed's
    Client.__del__ waited 20 s at exit and printed a TimeoutError traceback."""
    out = tmp_path / "b"
    t0 = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "cli", "batch", str(BATCH), "--runs",
                           "2", "--quiet", "--out", str(out), "--scheduler", not_a_scheduler],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert time.monotonic() - t0 < 15
    assert done.returncode == 2
    assert done.stderr.startswith("brink: error: cannot use tcp://127.0.0.1:")
    assert "as a Dask scheduler" in done.stderr
    assert "Traceback" not in done.stderr
    assert "Exception ignored" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_a_folder_left_by_an_earlier_failed_request_is_reused(tmp_path):
    """Empty runs/, per_turn/, failures/ and done/ (what a failed request used to leave) do
    not block a batch into that folder."""
    out = tmp_path / "b"
    for sub in ("runs", "per_turn", "failures", "done"):
        (out / sub).mkdir(parents=True)
    result = run_batch(BATCH, runs=2, seed=1, workers=1, out=out, **ONE)
    assert len(result.runs) == 2
    (tmp_path / "c" / "runs").mkdir(parents=True)
    (tmp_path / "c" / "runs" / "mine.txt").write_text("x")
    with pytest.raises(BatchError, match="not empty"):
        run_batch(BATCH, runs=2, workers=1, out=tmp_path / "c", **ONE)




def _fifo(path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("case", ["proc", "under-a-file", "dev-null", "fifo", "denied"])
def test_an_out_folder_that_cannot_be_written(case, tmp_path, capsys, monkeypatch):
    """/proc, a path under a file, a device, a FIFO, a folder without permission: one line,
    exit 2, nothing created."""
    if case == "proc":
        if not Path("/proc/self").exists():
            pytest.skip("no /proc")
        out, expected = Path("/proc/brink-test/b"), "cannot write to /proc/brink-test/b"
    elif case == "under-a-file":
        (tmp_path / "file").write_text("keep")
        out, expected = tmp_path / "file" / "b", "cannot write to"
    elif case == "dev-null":
        if not Path("/dev/null").exists():
            pytest.skip("no /dev/null")
        out, expected = Path("/dev/null"), "/dev/null exists and is not a folder"
    elif case == "fifo":
        out, expected = _fifo(tmp_path / "fifo"), "exists and is not a folder"
    else:  # as root, chmod does not stop writes: refuse them where the store makes folders
        out, expected = tmp_path / "ro", "cannot write to"

        def denied(self, *args, **kwargs):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))

        monkeypatch.setattr(Path, "mkdir", denied)
    _one_line_error(capsys, 2, expected, ["batch", str(BATCH), "--runs", "2", "--out", str(out),
                                          "--quiet", "--workers", "1"])
    if case in ("under-a-file", "denied"):
        assert not out.exists()
    if case == "under-a-file":
        assert (tmp_path / "file").read_text() == "keep"


def test_an_immutable_folder(tmp_path, capsys):
    """chattr +i stops even root: exit 2, one line, the folder untouched."""
    folder = tmp_path / "imm"
    folder.mkdir()
    if shutil.which("chattr") is None or subprocess.run(
            ["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        _one_line_error(capsys, 2, f"cannot write to {folder}: Operation not permitted",
                        ["batch", str(BATCH), "--runs", "2", "--out", str(folder), "--quiet",
                         "--workers", "1"])
        assert list(folder.iterdir()) == []
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=False)


def test_a_write_failure_before_the_first_chunk_leaves_nothing(tmp_path, capsys, monkeypatch):
    """A disk that fills up before the first chunk is written: exit 1, one line, and the
    folder this command created is removed again."""
    def full(self, *args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(BatchStore, "write_chunk", full)
    out = tmp_path / "b"
    line = _one_line_error(capsys, 1, f"cannot write to {out}: No space left on device",
                           ["batch", str(BATCH), "--runs", "2", "--out", str(out), "--quiet",
                            "--workers", "1"])
    assert "Nothing was kept" in line
    assert not out.exists()


def test_a_write_failure_later_keeps_finished_chunks_for_resume(tmp_path, monkeypatch):
    """After the first chunk, a failure keeps what is finished and says how to continue;
    --resume then gives the uninterrupted result."""
    real = BatchStore.write_chunk
    calls = []

    def fails_second(self, *args):
        calls.append(args[0])
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, *args)

    monkeypatch.setattr(BatchStore, "write_chunk", fails_second)
    out = tmp_path / "b"
    kwargs = {"runs": 6, "seed": 3, "workers": 1, "chunk_size": 2, **ONE}
    with pytest.raises(BatchFailed, match=r"No space left on device\. Finished chunks are kept"):
        run_batch(BATCH, out=out, **kwargs)
    assert len(list((out / "done").iterdir())) == 1
    monkeypatch.setattr(BatchStore, "write_chunk", real)
    resumed = run_batch(BATCH, out=out, resume=True, **kwargs)
    pd.testing.assert_frame_equal(resumed.runs, run_batch(BATCH, **kwargs).runs)


@pytest.mark.parametrize("case", ["fifo", "huge", "folder"])
def test_a_manifest_that_is_not_a_small_file_is_refused_unread(case, tmp_path):
    """An --out whose manifest.json is a FIFO (reading it would block), a folder or 2 MiB:
    refused at once, nothing changed."""
    out = tmp_path / "b"
    out.mkdir()
    manifest = out / "manifest.json"
    if case == "fifo":
        _fifo(manifest)
        expected = "named pipe"
    elif case == "huge":
        with open(manifest, "wb") as f:
            f.truncate(2 << 20)
        expected = "the limit is 1 MiB"
    else:
        manifest.mkdir()
        expected = "folder"
    with pytest.raises(BatchError) as refused:
        run_batch(BATCH, runs=2, workers=1, out=out, resume=True, **ONE)
    assert expected in str(refused.value)
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json"]


# --- batch integrity -----------------------------------------------------------------------------

PLAN = {"runs": 4, "per_turn": True, "chunk_size": 3, "workers": 1}  # 12 runs, 4 chunks


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """Two batches of one plan but different seeds, to copy parts between."""
    root = tmp_path_factory.mktemp("pair")
    run_batch(BATCH, seed=1, out=root / "one", **PLAN)
    run_batch(BATCH, seed=2, out=root / "two", **PLAN)
    return root / "one", root / "two"


def _copy(batch: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(batch, copy)
    return copy


def _damage(part: Path) -> None:
    """Flip bytes inside the first data page, keeping the footer readable (so the damage
    shows only when the rows are read, as a codec error)."""
    column = pq.read_metadata(part).row_group(0).column(4)
    data = bytearray(part.read_bytes())
    start = column.data_page_offset + 30
    for i in range(start, min(start + 300, len(data) - 8)):
        data[i] ^= 0x55
    part.write_bytes(bytes(data))


def test_parts_carry_their_batch_identity(pair):
    one, _ = pair
    manifest = json.loads((one / "manifest.json").read_text())
    for table in ("runs", "per_turn"):
        for part in (one / table).glob("part-*.parquet"):
            meta = pq.read_schema(part).metadata
            assert meta[BATCH_KEY].decode() == manifest["batch_id"]
            assert meta[b"brink.chunk"] == str(int(part.stem[5:])).encode()
    marker = json.loads((one / "done" / "00001").read_text())
    assert marker["batch"] == manifest["batch_id"]
    assert set(marker["parts"]) == {"runs", "per_turn"}


def test_a_per_turn_part_from_another_batch_is_refused(pair, tmp_path, capsys):
    """Same scenario, same columns, same run numbers: only its identity gives it away."""
    one, two = pair
    mixed = _copy(one, tmp_path)
    shutil.copy(two / "per_turn" / "part-00001.parquet", mixed / "per_turn" / "part-00001.parquet")
    _one_line_error(capsys, 2, f"{mixed / 'per_turn' / 'part-00001.parquet'} is not a part of "
                               "this batch (it says batch ", ["report", str(mixed)])


def test_a_renamed_part_is_refused(pair, tmp_path, capsys):
    one, _ = pair
    mixed = _copy(one, tmp_path)
    os.replace(mixed / "per_turn" / "part-00001.parquet", mixed / "per_turn" / "part-00003.parquet")
    (mixed / "per_turn" / "part-00001.parquet").write_bytes(
        (one / "per_turn" / "part-00001.parquet").read_bytes())
    _one_line_error(capsys, 2, "holds chunk 1 of per_turn, not what its name and folder say",
                    ["report", str(mixed)])


def test_a_damaged_part_is_named_and_resume_redoes_it(pair, tmp_path, capsys):
    """Corrupt bytes in a per-turn part: the report names the part and says --resume redoes
    it; --resume does, and the part reads back as it was written."""
    one, _ = pair
    damaged = _copy(one, tmp_path)
    part = damaged / "per_turn" / "part-00002.parquet"
    _damage(part)
    line = _one_line_error(capsys, 2, f"{part} is damaged and cannot be read",
                           ["report", str(damaged), "--out", str(tmp_path / "r.md")])
    assert "with --resume: it redoes that part's chunk" in line
    capsys.readouterr()
    assert main(["batch", str(BATCH), "--seed", "1", "--runs", "4", "--per-turn",
                 "--chunk-size", "3", "--workers", "1", "--quiet", "--out", str(damaged),
                 "--resume"]) == 0
    err = capsys.readouterr().err
    assert f"brink: note: chunk 2 redone: {part} is damaged" in err
    pd.testing.assert_frame_equal(pd.read_parquet(part),
                                  pd.read_parquet(one / "per_turn" / "part-00002.parquet"))
    assert not load_batch(damaged).per_turn(["strain"]).empty


def test_resume_replaces_a_part_from_another_batch(pair, tmp_path):
    one, two = pair
    mixed = _copy(one, tmp_path)
    for table in ("runs", "per_turn"):
        shutil.copy(two / table / "part-00000.parquet", mixed / table / "part-00000.parquet")
    result = run_batch(BATCH, seed=1, out=mixed, resume=True, **PLAN)
    assert "00000" in next(iter(result.manifest["redone"].values()))
    assert "is not a part of this batch" in result.manifest["redone"]["0"]
    clean = load_batch(one)
    pd.testing.assert_frame_equal(result.runs, clean.runs)
    pd.testing.assert_frame_equal(result.per_turn.reset_index(drop=True),
                                  clean.per_turn().sort_values(["run", "turn"], kind="stable")
                                  .reset_index(drop=True), check_categorical=False,
                                  check_dtype=False)


def test_resume_refuses_a_part_outside_the_plan(pair, tmp_path):
    one, _ = pair
    mixed = _copy(one, tmp_path)
    shutil.copy(one / "runs" / "part-00000.parquet", mixed / "runs" / "part-00099.parquet")
    before = {p: p.read_bytes() for p in mixed.rglob("*") if p.is_file()}
    with pytest.raises(BatchError, match=r"part-00099.parquet is not a part of this batch "
                                         r"\(it plans chunks 0 to 3\)"):
        run_batch(BATCH, seed=1, out=mixed, resume=True, **PLAN)
    assert {p: p.read_bytes() for p in mixed.rglob("*") if p.is_file()} == before


def test_resume_accepts_another_spelling_of_the_scenario(tmp_path, monkeypatch):
    """The plan hashes the scenario's content, not how its path is spelled: ./x.yaml,
    an absolute path and a copy elsewhere all resume the same batch."""
    out = tmp_path / "b"
    kwargs = {"runs": 3, "seed": 5, "workers": 1, "chunk_size": 2, **ONE}
    first = run_batch(BATCH, out=out, **kwargs)
    monkeypatch.chdir(ROOT)
    relative = Path(".") / BATCH.relative_to(ROOT)
    for spelling in (str(relative), f"./{relative}", str(BATCH.resolve())):
        again = run_batch(spelling, out=out, resume=True, **kwargs)
        assert again.manifest["plan_hash"] == first.manifest["plan_hash"]
    copy = tmp_path / "elsewhere" / "renamed.yaml"
    copy.parent.mkdir()
    copy.write_bytes(BATCH.read_bytes())
    pd.testing.assert_frame_equal(run_batch(copy, out=out, resume=True, **kwargs).runs,
                                  first.runs)


def test_a_different_batch_is_described(tmp_path):
    """The refusal says what differs (it used to say "None runs")."""
    out = tmp_path / "b"
    run_batch(BATCH, runs=2, seed=1, workers=1, out=out, **ONE)
    with pytest.raises(BatchError) as refused:
        run_batch(BATCH, runs=3, seed=2, workers=1, out=out, resume=True, **ONE)
    message = str(refused.value)
    assert "seed 1 then, 2 now" in message
    assert "total runs 2 then, 3 now" in message
    assert "None" not in message
    edited = tmp_path / "edited.yaml"
    edited.write_text(BATCH.read_text(encoding="utf-8").replace("turns: 8", "turns: 7"),
                      encoding="utf-8")
    with pytest.raises(BatchError, match=r"scenario content [0-9a-f]{12} then, [0-9a-f]{12} now"):
        run_batch(edited, runs=2, seed=1, workers=1, out=out, resume=True, **ONE)


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_part_that_is_not_a_file_is_refused_unread(pair, tmp_path, kind):
    """A FIFO in per_turn/ would block the report; a link to /dev/zero would be read without
    end. The report refuses it by name; --resume replaces it."""
    one, _ = pair
    copy = _copy(one, tmp_path)
    part = copy / "per_turn" / "part-00001.parquet"
    part.unlink()
    if kind == "fifo":
        _fifo(part)
    elif Path("/dev/zero").exists():
        part.symlink_to("/dev/zero")
    else:
        pytest.skip("no /dev/zero")
    # in its own process: opening a FIFO blocks in C, where no signal can interrupt it
    done = subprocess.run([sys.executable, "-m", "cli", "report", str(copy)],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith(f"brink: error: {part} is not a regular file")
    assert "Traceback" not in done.stderr
    with alarm(30):
        result = run_batch(BATCH, seed=1, out=copy, resume=True, **PLAN)
    assert f"{part} is missing" in result.manifest["redone"]["1"]
    assert part.is_file()
    assert not load_batch(copy).per_turn(["strain"]).empty


def test_resume_refuses_a_table_folder_that_is_a_file(pair, tmp_path):
    one, _ = pair
    copy = _copy(one, tmp_path)
    shutil.rmtree(copy / "done")
    (copy / "done").write_text("not a folder")
    with pytest.raises(BatchError, match=r"done is not a folder"):
        run_batch(BATCH, seed=1, out=copy, resume=True, **PLAN)
    assert (copy / "done").read_text() == "not a folder"


def test_resume_removes_writes_a_kill_interrupted(pair, tmp_path):
    """A kill in the middle of a write leaves a .tmp file; --resume removes it, so that
    pd.read_parquet(OUT / "runs") reads the parts only."""
    one, _ = pair
    copy = _copy(one, tmp_path)
    # chunk 1 finished and then a rewrite of its part was cut short (a chunk that is redone
    # would overwrite its own .tmp anyway)
    (copy / "runs" / "part-00001.parquet.tmp").write_bytes(b"PAR1 half a part")
    (copy / "done" / "00001.tmp").write_bytes(b"")
    run_batch(BATCH, seed=1, out=copy, resume=True, **PLAN)
    assert not list(copy.rglob("*.tmp"))
    pd.testing.assert_frame_equal(
        pd.read_parquet(copy / "runs").sort_values("run").reset_index(drop=True),
        pd.read_parquet(one / "runs").sort_values("run").reset_index(drop=True))

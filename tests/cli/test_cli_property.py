"""Generated hostile command lines thrown at ``brink`` (issue 14, item 10).

For any argument list built from every subcommand's options with hostile values (negative,
huge, fractional, NaN and non-numeric numbers; empty and malformed --lever specs; folders,
FIFOs, devices, /proc, huge, binary and missing files; hand-edited manifests; truncated
parts), ``brink`` in this process:

* exits 0, 1 or 2 (argparse's own usage errors included);
* prints no traceback (nor a late ``Exception ignored`` one);
* finishes within the Hypothesis deadline (nothing blocks on a FIFO or reads /dev/zero);
* creates no file outside its temporary folders.

The strategies keep every example cheap: a valid batch is at most a few runs in this process
(``--workers`` is never above 1), and check-model always carries an argument that is refused
before the suite starts.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.main import main
from engine.batch.runner import MAX_RUNS, run_batch
from tests.conftest import ROOT
from tests.timeouts import alarm

SMALL = ROOT / "tests" / "batch" / "fixtures" / "small-batch.yaml"
LESSON = ROOT / "scenarios" / "lessons" / "escalation-ladders.yaml"
# where a stray write would land: the repository, beside the scenarios, the filesystem's root
WATCHED = (ROOT, ROOT / "scenarios", SMALL.parent, Path("/"))


def _listing() -> dict[Path, set[str]]:
    return {d: {p.name for p in d.iterdir()} - {".hypothesis", ".pytest_cache", "__pycache__"}
            for d in WATCHED}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Everything the generated command lines point at, in one temporary folder."""
    root = tmp_path_factory.mktemp("cli-property")
    places = {"scenario": root / "scenario.yaml", "lesson": root / "lesson.yaml",
              "folder": root / "folder",
              "binary": root / "binary.bin", "huge": root / "huge.bin",
              "text": root / "notes.txt", "batch": root / "batch", "edited": root / "edited",
              "truncated": root / "truncated", "work": root / "work"}
    shutil.copy(SMALL, places["scenario"])
    shutil.copy(LESSON, places["lesson"])
    places["folder"].mkdir()
    places["work"].mkdir()
    places["binary"].write_bytes(bytes(range(256)) * 8)
    with open(places["huge"], "wb") as f:
        f.truncate(17 << 20)
    places["text"].write_text("not a scenario")
    run_batch(SMALL, runs=2, seed=1, per_turn=True, chunk_size=2, workers=1,
              out=places["batch"], levers={"blue_package": ["targeted", "sectoral"]})
    shutil.copytree(places["batch"], places["edited"])
    manifest = json.loads((places["batch"] / "manifest.json").read_text())
    manifest.update(total_runs="4", labels=[1], levers={"blue_package": "x"})
    (places["edited"] / "manifest.json").write_text(json.dumps(manifest))
    shutil.copytree(places["batch"], places["truncated"])
    part = places["truncated"] / "per_turn" / "part-00001.parquet"
    part.write_bytes(part.read_bytes()[:100])
    if hasattr(os, "mkfifo"):
        places["fifo"] = root / "fifo"
        os.mkfifo(places["fifo"])
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        main(["report", str(places["batch"]), "--out", str(root / "warm.html")])  # imports
    return places


# --- strategies ---------------------------------------------------------------------------------

JUNK_NUMBERS = ["nan", "NaN", "inf", "-inf", "1e3", "", " ", "abc", "0x10", "1.5", "-0",
                "9" * 40, "-" + "9" * 40, "１", "1_000", "\x1b[31m", "--", "2**63"]
SPECIAL = ["/dev/zero", "/dev/null", "/proc", "/proc/self/status", "/proc/brink-nope/x", "",
           ".", ".."]


def numbers(low: int = -10**30, high: int = 10**30) -> st.SearchStrategy[str]:
    """Whole numbers anywhere in [low, high], and text that is not one."""
    return st.one_of(st.integers(low, high).map(str), st.sampled_from(JUNK_NUMBERS),
                     st.text(max_size=6).filter(lambda t: "\x00" not in t))


def small_or_bad(limit: int = 4) -> st.SearchStrategy[str]:
    """A count that is cheap when valid (1..limit) or is refused (<= 0, above the batch
    limit, not a number)."""
    return st.one_of(st.integers(1, limit).map(str), st.integers(-10**30, 0).map(str),
                     st.integers(MAX_RUNS + 1, 10**30).map(str), st.sampled_from(JUNK_NUMBERS))


def paths(world, special: bool = True) -> st.SearchStrategy[str]:
    """Paths in the temporary folder (relative ones land there too), and with ``special``
    devices and /proc (never a name built on one: "/proc" + ".html" would be in /)."""
    names = ["scenario", "folder", "binary", "huge", "text", "batch", "edited", "truncated",
             "fifo"]
    known = [str(world[n]) for n in names if n in world]
    relative = st.text(st.characters(blacklist_characters="\x00/", codec="utf-8"), min_size=1,
                       max_size=12).filter(lambda t: t not in (".", ".."))
    return st.one_of(st.sampled_from(known + (SPECIAL if special else [])), relative,
                     st.sampled_from(known).map(lambda p: p + "/sub/x"))


_counter = itertools.count()


def fresh(world) -> st.SearchStrategy[str]:
    """A new folder name, or one of a few reused ones (so that batches meet earlier ones)."""
    return st.one_of(st.builds(lambda: str(world["work"] / f"new-{next(_counter)}")),
                     st.sampled_from([str(world["work"] / f"shared-{i}") for i in range(3)]))


def lever_specs() -> st.SearchStrategy[str]:
    words = st.sampled_from(["blue_package", "targeted", "sectoral", "comprehensive", "x", "",
                             " ", "1", "nan", "\x1b[2J", "=", ",", "blue_package="])
    return st.one_of(st.lists(words, max_size=5).map("".join),
                     st.builds(lambda n, vs: f"{n}={','.join(vs)}", words,
                               st.lists(words, max_size=4)),
                     st.text(max_size=20).filter(lambda t: "\x00" not in t))


def options(pairs: dict[str, st.SearchStrategy],
            flags: tuple[str, ...] = ()) -> st.SearchStrategy[list[str]]:
    """Some of the options, each with a value, plus some of the flags, in any order."""
    items = [st.tuples(st.just(k), v).map(list) for k, v in pairs.items()]
    items += [st.just([f]) for f in flags]
    return st.lists(st.one_of(items), max_size=6).map(
        lambda xs: [a for pair in xs for a in pair])


def command_lines(world) -> st.SearchStrategy[list[str]]:
    scenario = st.one_of(st.just(str(world["scenario"])), paths(world))  # valid half the time
    run = st.tuples(st.just(["run"]), scenario.map(lambda p: [p]), options({
        "--seed": numbers(), "--turns": numbers(-20, 20), "--explain": numbers(-20, 20),
        "--out": st.one_of(fresh(world), paths(world)), "--replay": paths(world)},
        ("--quiet",)))
    batch = st.tuples(st.just(["batch"]), scenario.map(lambda p: [p]),
                      st.one_of(fresh(world), paths(world)).map(lambda p: ["--out", p]),
                      small_or_bad().map(lambda n: ["--runs", n]),  # never the default 1,000
                      options({
        "--seed": st.one_of(st.integers(0, 3).map(str), numbers()),
        "--sampler": st.sampled_from(["mc", "lhs", "sobol", "grid", "fixed", "magic", ""]),
        "--grid-levels": numbers(), "--lever": st.one_of(st.sampled_from(
            ["blue_package=targeted", "blue_package=sectoral,comprehensive"]), lever_specs()),
        "--workers": st.sampled_from(["1", "0", "-1", "abc", "nan", ""]),
        "--scheduler": st.sampled_from(["garbage", "tcp://", "tcp://127.0.0.1:1", "tcp://[::1",
                                        "inproc://x", "tcp://127.0.0.1:0", "", "tls://:5"]),
        "--turns": numbers(-20, 20),
        "--chunk-size": st.one_of(st.integers(1, 3).map(str), numbers())},
        ("--per-turn", "--resume", "--quiet")))
    batches = st.sampled_from(["batch", "edited", "truncated", "folder", "fifo", "text"]).map(
        lambda n: str(world.get(n, world["text"])))
    report_out = st.one_of(
        st.builds(lambda: str(world["work"] / f"r-{next(_counter)}.html")),
        paths(world, special=False).map(lambda p: p + ".html"),
        st.sampled_from(["/dev/null", "/proc/x.html"]))
    report = st.tuples(st.just(["report"]), st.one_of(batches, paths(world)).map(lambda p: [p]),
                       options({"--out": report_out, "--format": st.sampled_from(["html", "x"]),
                                "--outcome": st.text(max_size=10),
                                "--threshold": st.text(max_size=20)}))
    compare = st.tuples(st.just(["compare"]), st.lists(st.one_of(batches, paths(world)),
                                                       min_size=0, max_size=3),
                        options({"--format": st.sampled_from(["html", "md", "x"]),
                                 "--out": st.sampled_from(["/dev/null", "/proc/x.html"])}))
    # always --runs refused before any run, or --screening with refused --trajectories
    check_model = st.tuples(st.just(["check-model"]), options(
        {"--seed": numbers(), "--workers": numbers(), "--out": paths(world)}), st.one_of(
        st.tuples(st.just("--runs"), st.one_of(st.integers(-10**6, 0).map(str),
                                                 st.integers(10**10, 10**30).map(str),
                                                 st.sampled_from(JUNK_NUMBERS))).map(list),
        st.tuples(st.just("--screening"), st.just("--trajectories"),
                  st.one_of(st.integers(-10**6, 1).map(str),
                            st.integers(51, 10**30).map(str),
                            st.sampled_from(JUNK_NUMBERS))).map(list)))
    validate = st.tuples(st.just(["validate"]), st.lists(paths(world), max_size=4))
    # a page goes to stdout or a new file: never over the files the other examples read
    handout = st.tuples(st.just(["handout"]), st.one_of(st.just(str(world["lesson"])),
                                                       paths(world)).map(lambda p: [p]),
                        options({"--out": report_out}, ("--teacher", "--no-teacher")))
    # always with a FILE: without one it would rewrite the checkout's docs/reference/model.md
    docs = st.one_of(st.just(["docs", "glossary"]), st.tuples(
        st.just(["docs", "model"]), paths(world).map(lambda p: [p]),
        st.lists(st.sampled_from(["--check", "extra"]), max_size=2)))
    plain = st.tuples(st.sampled_from([["schema"], ["moves"], ["--version"], [], ["explode"]]),
                      st.lists(st.sampled_from(["--help-me", "x", "-"]), max_size=2))
    return st.one_of(run, batch, report, compare, check_model, validate, handout, docs,
                     plain).map(
        lambda parts: [str(a) for part in parts for a in part])


# --- the property -------------------------------------------------------------------------------




def test_generated_hostile_command_lines(world, monkeypatch, request):
    before = _listing()
    monkeypatch.chdir(world["work"])  # relative paths land in the temporary folder
    unraisable = []
    monkeypatch.setattr("sys.unraisablehook", unraisable.append)

    @settings(max_examples=100, deadline=timedelta(seconds=10), database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
              print_blob=True)
    @given(argv=command_lines(world))
    def check(argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), alarm(60):
            try:
                status = main(argv)
            except SystemExit as exc:  # argparse: usage errors 2, --version 0
                status = exc.code
        text = out.getvalue() + err.getvalue()
        assert status in (0, 1, 2), (status, argv, err.getvalue())
        assert "Traceback" not in text, (argv, text[-2000:])
        assert "Exception ignored" not in text, (argv, text[-2000:])
        assert not unraisable, (argv, unraisable)

    check()
    assert _listing() == before, "brink created files outside its temporary folders"
    for special in ("/proc/brink-nope", "/proc/x.html"):
        assert not Path(special).exists()

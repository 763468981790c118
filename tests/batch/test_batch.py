"""Monte Carlo batches: seeds, identical results across executors, resume, failures, errors."""

from __future__ import annotations

import json
import os
import platform
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from cli.main import main
from engine.batch import BatchError, run_batch, run_seed
from engine.batch import worker as batch_worker
from engine.core.provenance import engine_fingerprint
from tests.batch.conftest import FIXTURES, SMALL
from tests.conftest import ROOT

BATCH = ROOT / "tests" / "batch" / "fixtures" / "small-batch.yaml"


def _runs(result) -> pd.DataFrame:
    return result.runs.sort_values("run").reset_index(drop=True)


def test_run_seeds_come_from_the_root_sequence():
    """Run i's seed is the i-th child of SeedSequence(root), whatever else happens."""
    children = np.random.SeedSequence(42).spawn(5)
    for i, child in enumerate(children):
        assert run_seed(42, i) == int(child.generate_state(1, np.uint64)[0] >> np.uint64(1))
    assert len({run_seed(42, i) for i in range(1000)}) == 1000


def test_python_api_returns_dataframes():
    """One function, DataFrames back: runs with seeds, levers, parameters and outcomes."""
    result = run_batch(BATCH, runs=6, seed=3, workers=1, per_turn=True)
    runs = result.runs
    assert len(runs) == 18  # 6 runs x 3 lever options
    assert {"run", "seed", "lever.blue_package", "param.casualty_rate_weekly",
            "outcome.red_strained", "red.strain"} <= set(runs.columns)
    assert sorted(runs["lever.blue_package"].unique()) == ["comprehensive", "sectoral",
                                                           "targeted"]
    assert result.failures.empty
    assert set(result.per_turn.columns) == {"run", "turn", "actor", "variable", "value"}
    assert result.per_turn["run"].nunique() == 18
    assert result.manifest["total_runs"] == 18


def test_levers_share_the_sampled_worlds():
    """Every lever option is played on the same parameter draws and the same seeds (common
    random numbers), so options can be compared run by run."""
    runs = run_batch(BATCH, runs=5, seed=1, workers=1).runs.sort_values("run")
    for column in ("param.leakage_max", "seed"):
        by_option = runs.groupby("lever.blue_package")[column].apply(list)
        assert by_option["targeted"] == by_option["sectoral"] == by_option["comprehensive"]
    assert runs["seed"].nunique() == 5
    assert runs["seed"].tolist()[:5] == [run_seed(1, i) for i in range(5)]


def test_a_run_replays_from_its_stored_seed_and_parameters():
    """The stored seed and parameters reproduce a run exactly outside the batch."""
    from engine.scenario.loader import parse_scenario
    from engine.sim.model import BrinkModel

    runs = run_batch(BATCH, runs=4, seed=9, workers=1,
                     levers={"blue_package": ["sectoral"]}).runs
    row = runs.iloc[2]
    scenario = parse_scenario(BATCH.read_bytes(), str(BATCH))
    params = {c[6:]: row[c] for c in runs.columns if c.startswith("param.")}
    model = BrinkModel(scenario, rng=int(row["seed"]), parameters=params, record=False).run()
    assert model.summary()["red.strain"] == row["red.strain"]


def test_workers_one_and_two_give_identical_results(tmp_path):
    """Bit-identical per-run outputs with 1 and 2 local worker processes."""
    one = run_batch(BATCH, runs=10, seed=5, workers=1, chunk_size=4, per_turn=True)
    two = run_batch(BATCH, runs=10, seed=5, workers=2, chunk_size=4, per_turn=True)
    pd.testing.assert_frame_equal(_runs(one), _runs(two))
    pd.testing.assert_frame_equal(one.per_turn, two.per_turn)


def test_dask_cluster_gives_identical_results(dask_scheduler):
    """A real Dask scheduler and workers in separate processes: same results as local."""
    local = run_batch(BATCH, runs=8, seed=11, workers=1, chunk_size=3)
    remote = run_batch(BATCH, runs=8, seed=11, scheduler=dask_scheduler, chunk_size=3)
    assert remote.manifest["executor"] == "dask"
    pd.testing.assert_frame_equal(_runs(local), _runs(remote))


def test_samplers(tmp_path):
    """LHS, Sobol and grid designs run; their parameters stay inside the declared bounds."""
    for sampler, runs in (("lhs", 8), ("sobol", 8), ("grid", 9)):
        result = run_batch(BATCH, runs=runs, seed=2, workers=1, sampler=sampler,
                           levers={"blue_package": ["sectoral"]}, turns=3)
        assert len(result.runs) == runs, sampler
        assert result.runs["param.casualty_rate_weekly"].between(0.01, 0.03).all()
        assert result.runs["param.leakage_max"].between(0.2, 0.8).all()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"levers": {"west_package": ["x"]}}, "unknown lever 'west_package'"),
    ({"levers": {"blue_package": ["total"]}}, "has no option 'total'"),
    ({"sampler": "sobol", "runs": 5}, "needs at least"),
    ({"sampler": "sobol", "runs": 12}, "power of two"),
    ({"sampler": "grid", "runs": 4}, "points; --runs must be at least 9"),
    ({"sampler": "magic"}, "unknown sampler"),
    ({"runs": 0}, "--runs must be at least 1"),
    ({"workers": 0}, "--workers must be at least 1"),
    ({"turns": 99}, "--turns must be between"),
    ({"chunk_size": 0}, "--chunk-size must be at least 1"),
    ({"sampler": "grid", "grid_levels": 1}, "at least 2 levels"),
    ({"scheduler": "tcp://127.0.0.1:9"}, "cannot reach the Dask scheduler"),
])
def test_bad_requests_fail_fast_with_a_clear_message(kwargs, message):
    """Bad arguments raise BatchError naming the problem, before any run."""
    with pytest.raises(BatchError, match=message.replace("(", r"\(")):
        run_batch(BATCH, **{"runs": 4, "workers": 1, **kwargs})


def test_sampler_needs_declared_uncertainties():
    """LHS over a scenario with no uncertainties is refused."""
    with pytest.raises(BatchError, match="declares none"):
        run_batch(SMALL, runs=4, workers=1, sampler="lhs")


def test_output_folder_with_a_different_batch_is_refused_and_kept(tmp_path):
    """Nothing already written is lost when the folder holds another batch."""
    out = tmp_path / "b"
    run_batch(BATCH, runs=3, seed=1, workers=1, out=out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with pytest.raises(BatchError, match="holds a different batch"):
        run_batch(BATCH, runs=3, seed=2, workers=1, out=out)
    with pytest.raises(BatchError, match="add --resume"):
        run_batch(BATCH, runs=3, seed=1, workers=1, out=out)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(BatchError, match="not empty"):
        run_batch(BATCH, runs=3, workers=1, out=other)
    assert (other / "notes.txt").read_text() == "mine"


def test_resume_with_a_different_engine_is_refused_and_kept(tmp_path):
    """A batch records the engine's code fingerprint; resuming it after the engine changed
    would mix runs of two engines, so it is refused, naming both, and nothing is touched."""
    out = tmp_path / "b"
    run_batch(BATCH, runs=3, seed=1, workers=1, out=out)
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    assert manifest["engine_sha256"] == engine_fingerprint()
    manifest["engine_sha256"] = "0" * 64  # as if an earlier engine had started it
    manifest_path.write_text(json.dumps(manifest))
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with pytest.raises(BatchError, match=r"different engine .*000000000000 then"):
        run_batch(BATCH, runs=3, seed=1, workers=1, out=out, resume=True)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_failed_runs_are_recorded_and_the_batch_carries_on(monkeypatch, tmp_path):
    """A run that raises is a failure row with its seed and error; the rest complete."""
    real = batch_worker.run_one

    def flaky(task, spec):
        if spec.index % 5 == 0:
            raise RuntimeError(f"boom in run {spec.index}")
        return real(task, spec)

    monkeypatch.setattr(batch_worker, "run_one", flaky)
    result = run_batch(BATCH, runs=5, seed=4, workers=1, out=tmp_path / "f")
    assert sorted(result.failures["run"]) == [0, 5, 10]
    assert result.failures["error"].str.contains("boom").all()
    assert len(result.runs) == 12
    assert result.manifest["failures"] == 3
    # runs 0, 5 and 10 are design row 0 under each of the 3 options: one seed, shared
    assert set(result.failures["seed"]) == {run_seed(4, 0)}


def test_cli_batch_exit_status_and_outputs(tmp_path, capsys):
    """brink batch writes Parquet parts and a manifest; exit 0 when no run failed."""
    out = tmp_path / "cli"
    status = main(["batch", str(BATCH), "--runs", "4", "--seed", "1", "--workers", "1",
                   "--out", str(out), "--quiet", "--lever", "blue_package=targeted,sectoral"])
    assert status == 0
    manifest = json.loads((out / "manifest.json").read_text())
    for key in ("scenario_sha256", "engine_version", "engine_sha256", "sampler", "seed",
                "started", "finished", "failures"):
        assert key in manifest
    assert manifest["failures"] == 0
    # the interpreter that ran it: speed depends on its build (docs/reference/performance.md)
    assert manifest["python"] == f"CPython {platform.python_version()}"
    assert manifest["python_build"]
    runs = pd.read_parquet(out / "runs")
    assert len(runs) == 8
    printed = capsys.readouterr().out
    assert "outcome probabilities" in printed
    # outcomes by the scenario's names, which the manifest keeps for reports
    assert manifest["labels"]["outcomes"]["red_strained"] == "Red strain above 0.2"
    assert "  Red strain above 0.2 " in printed
    assert "red_strained" not in printed


@pytest.mark.parametrize("args", [
    ["--resume"], ["--chunk-size", "0"],
    ["--lever", "nope=1"], ["--sampler", "sobol", "--runs", "3"],
    ["--scheduler", "tcp://127.0.0.1:9"], ["--lever", "blue_package"],
])
def test_cli_bad_arguments_exit_2(tmp_path, capsys, args):
    """Bad batch arguments: one-line message, exit status 2, no traceback."""
    status = main(["batch", str(BATCH), "--out", str(tmp_path / "x"), "--quiet",
                   "--workers", "1", *args])
    err = capsys.readouterr().err
    assert status == 2
    assert "error" in err
    assert "Traceback" not in err


def test_resume_after_kill_gives_the_uninterrupted_result(tmp_path):
    """kill -9 mid-batch, then --resume: no finished chunk redone, results identical."""
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "cli", "batch", str(BATCH), "--runs", "40",
           "--seed", "7", "--workers", "1", "--chunk-size", "5", "--quiet", "--out", str(out),
           "--lever", "blue_package=sectoral"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done = list((out / "done").glob("*")) if (out / "done").exists() else []
        if len(done) >= 2:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    finished_before = {p.name: p.stat().st_mtime_ns for p in (out / "done").glob("*")}
    assert 2 <= len(finished_before) < 8, "the kill should land mid-batch"
    status = subprocess.run([*cmd, "--resume"], cwd=ROOT, capture_output=True, text=True)
    assert status.returncode == 0, status.stderr
    for name, mtime in finished_before.items():
        assert (out / "done" / name).stat().st_mtime_ns == mtime  # not redone
    resumed = pd.read_parquet(out / "runs").sort_values("run").reset_index(drop=True)
    clean = run_batch(BATCH, runs=40, seed=7, workers=1, chunk_size=5,
                      levers={"blue_package": ["sectoral"]}).runs
    pd.testing.assert_frame_equal(resumed, clean, check_dtype=False)
    assert json.loads((out / "manifest.json").read_text())["status"] == "finished"


def test_fixture_dir_exists():
    """The shared fixtures are where the batch tests expect them."""
    assert (FIXTURES / "two-actors.yaml").exists()


def test_seeds_survive_a_design_without_levers():
    """A scenario without levers has an all-numeric design; its 63-bit seeds must still reach
    the runs exactly (a float64 row would round them above 2**53)."""
    scenario = ROOT / "scenarios" / "nk-historical-2024.yaml"
    result = run_batch(scenario, runs=6, seed=11, turns=2, workers=1)
    seeds = result.runs.sort_values("run")["seed"].tolist()
    assert seeds == [run_seed(11, i) for i in range(6)]
    assert any(s > 2**53 for s in seeds)  # the case that used to be rounded

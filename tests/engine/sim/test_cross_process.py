"""Determinism across processes: a separate `brink run` matches an in-process run."""

import os
import subprocess
import sys

import pandas as pd

from engine.sim.model import BrinkModel
from tests.conftest import DEFAULT_SCENARIO, ROOT


def _cli_run(out, hash_seed: str) -> pd.DataFrame:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    subprocess.run([sys.executable, "-m", "cli", "run", str(DEFAULT_SCENARIO),
                    "--seed", "3", "--turns", "10", "--quiet", "--out", str(out)],
                   check=True, cwd=ROOT, env=env, capture_output=True)
    return pd.read_parquet(out / "per_turn.parquet")


def test_separate_processes_and_hash_seeds_agree_with_in_process(tmp_path, default_scenario):
    """Bit-identical per-turn frames whatever the process or string-hash seed."""
    a = _cli_run(tmp_path / "a", "1")
    b = _cli_run(tmp_path / "b", "12345")
    here = BrinkModel(default_scenario, rng=3, turns=10).run().frame()
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, here)
    log_a = pd.read_csv(tmp_path / "a" / "causal_log.csv")
    log_b = pd.read_csv(tmp_path / "b" / "causal_log.csv")
    pd.testing.assert_frame_equal(log_a, log_b)

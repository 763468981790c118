"""Small real batches for the report and compare tests, made once per session."""

from __future__ import annotations

import pytest

from engine.batch.runner import run_batch
from tests.conftest import DEFAULT_SCENARIO, ROOT

SMALL_BATCH = ROOT / "tests" / "batch" / "fixtures" / "small-batch.yaml"


@pytest.fixture(scope="session")
def nk_batch(tmp_path_factory):
    """The default scenario: 20 runs per west_package option (60 runs), 20 turns, with the
    per-turn table, in chunks of 10 runs (several parts per lever option)."""
    out = tmp_path_factory.mktemp("batches") / "nk"
    run_batch(DEFAULT_SCENARIO, runs=20, seed=3, out=out, per_turn=True, turns=20,
              chunk_size=10, workers=1)
    return out


@pytest.fixture(scope="session")
def nk_batch_other_seed(tmp_path_factory):
    """Same scenario and plan as nk_batch but another root seed (no per-turn table)."""
    out = tmp_path_factory.mktemp("batches") / "nk-seed4"
    run_batch(DEFAULT_SCENARIO, runs=20, seed=4, out=out, turns=20, chunk_size=10, workers=1)
    return out


@pytest.fixture(scope="session")
def sobol_batch(tmp_path_factory):
    """The small two-actor scenario sampled for Sobol indices: N = 16, k = 2, two options."""
    out = tmp_path_factory.mktemp("batches") / "sobol"
    run_batch(SMALL_BATCH, runs=64, seed=3, sampler="sobol", out=out, workers=1,
              levers={"blue_package": ["targeted", "comprehensive"]})
    return out


@pytest.fixture(scope="session")
def fixed_batch(tmp_path_factory):
    """The small scenario with nothing sampled and a single lever option."""
    out = tmp_path_factory.mktemp("batches") / "fixed"
    run_batch(SMALL_BATCH, runs=12, seed=1, sampler="fixed", out=out, workers=1,
              levers={"blue_package": ["sectoral"]})
    return out

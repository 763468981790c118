"""Shared fixtures: paths and the shipped scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
DEFAULT_SCENARIO = SCENARIOS / "nk-100k.yaml"


@pytest.fixture(scope="session")
def default_scenario():
    """The default scenario, loaded once."""
    return load_scenario(DEFAULT_SCENARIO)


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    """A private exercise store for the app under test; futures stay in-process (no worker
    spawn inside the test process)."""
    path = tmp_path / "exercises.sqlite"
    monkeypatch.setenv("BRINK_DB", str(path))
    monkeypatch.setenv("BRINK_FUTURES_WORKERS", "1")
    return path

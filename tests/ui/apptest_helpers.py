"""What the page suites share: the app opened on an exercise already started (and some turns
adjudicated), at one of its pages. tests/apptest.py has the app itself and the clean-run check.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from engine.exercise.session import Exercise
from engine.exercise.store import ExerciseStore
from tests.apptest import new_app, ok
from tests.conftest import DEFAULT_SCENARIO

TEXT = DEFAULT_SCENARIO.read_text(encoding="utf-8")


def switch(at: AppTest, page: str) -> AppTest:
    """Go to ``page`` (a file in ui/screens/ without .py) and check it ran cleanly."""
    return ok(at.switch_page(f"screens/{page}.py").run())


def open_exercise(db: Path, teams: dict | None = None, played: int = 0, turns: int = 6,
                  page: str = "play", seed: int = 4) -> tuple[AppTest, Exercise]:
    """The default scenario started in the store at ``db`` (the West a human team unless
    ``teams`` says otherwise), ``played`` turns adjudicated, the app open at ``page``."""
    ex = Exercise.start(TEXT, DEFAULT_SCENARIO.name, seed=seed,
                        teams=teams or {"west": "human"}, turns=turns, store=ExerciseStore(db))
    for _ in range(played):
        ex.adjudicate()
    at = new_app()
    at.query_params["exercise"] = ex.id
    return switch(ok(at.run()), page), ex

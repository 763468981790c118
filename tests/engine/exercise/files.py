"""An exported exercise that holds one of everything an exercise file can hold: moves with a
rationale, an ad-hoc inject, a decision on a scheduled inject, notes (one answering a question),
adjudications that recorded what the room saw, a view setting, and a second branch."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path

from engine.exercise.session import Exercise

ROOT = Path(__file__).resolve().parents[3]
SCENARIO = ROOT / "scenarios" / "nk-100k.yaml"
SANCTION = {"move": "impose_sanctions", "params": {"target": "russia", "package": "targeted"}}


@cache
def _full_export() -> str:
    ex = Exercise.start(SCENARIO.read_text(encoding="utf-8"), SCENARIO.name, seed=11,
                        teams={"west": "human", "north_korea": "human"}, turns=6)
    ex.set_classroom(True)
    ex.submit("west", [SANCTION], "make Moscow pay", turn=1)
    ex.add_inject("A freighter is stopped off Vladivostok.",
                  effects=[{"target": "north_korea", "var": "readiness", "op": "add",
                            "value": -0.05}])
    scheduled = next(i for i in ex.scenario.injects if i.turn >= 1)
    ex.decide_inject(scheduled.id, True, "An edited report.")
    ex.adjudicate(turn=1)
    ex.note("the room is split", question="Who pays?")
    ex.adjudicate(turn=2)
    ex.rewind(1, "Take two")
    ex.submit("north_korea", [], "wait and see", turn=2)
    ex.adjudicate(turn=2)
    ex.note("after the rewind")
    return ex.to_json()


def full_export() -> dict:
    """A fresh copy of the document (tests mutate it)."""
    return copy.deepcopy(json.loads(_full_export()))


def index_of(doc: dict, kind: str, nth: int = 0) -> int:
    return [i for i, a in enumerate(doc["actions"]) if a["kind"] == kind][nth]

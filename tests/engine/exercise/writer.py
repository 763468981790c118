"""A facilitator who never stops clicking, for the crash test: ``python -m
tests.engine.exercise.writer DB EXERCISE_ID SEED`` takes actions on the exercise as fast as the
store allows and prints ``ACK <seq> <kind>`` for each one the session acknowledged (flushed at once,
so the test knows what was acknowledged before it killed the process)."""

from __future__ import annotations

import random
import sys

from engine.exercise.session import MoveRefused, StoreUnavailable
from engine.exercise.store import ExerciseStore

SANCTION = {"move": "impose_sanctions", "params": {"target": "russia", "package": "targeted"}}


def main(db: str, exercise_id: str, seed: int) -> None:
    store = ExerciseStore(db, busy_timeout=0.3)
    ex = store.load(exercise_id)
    rng = random.Random(seed)
    print("READY", flush=True)
    n = 0
    while True:
        n += 1
        roll = rng.random()
        try:
            if ex.finished:
                branch = ex.rewind(rng.randrange(ex.turns), f"writer {seed} branch {n}")
                print(f"ACK {ex.actions[-1].seq if ex.actions else 0} rewind {branch.id}",
                      flush=True)
                continue
            if roll < 0.25:
                ex.adjudicate(turn=ex.pending_turn)
                kind = "adjudicate"
            elif roll < 0.5:
                ex.submit("west", [SANCTION] if roll < 0.4 else [], f"writer {seed}/{n}",
                          turn=ex.pending_turn)
                kind = "moves"
            else:
                ex.note(f"writer {seed} note {n}")
                kind = "note"
        except StoreUnavailable:
            print("BUSY", flush=True)
            continue
        except MoveRefused:  # the package is in force already: the team holds instead
            print("REFUSED", flush=True)
            continue
        print(f"ACK {ex.actions[-1].seq} {kind}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))

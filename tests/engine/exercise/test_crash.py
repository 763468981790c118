"""The crash test (issue 14): a writer killed at random moments while another process holds
the store's locks. Afterwards every action the writer acknowledged is stored exactly once, in
the order it was acknowledged, and the exercise replays.

The writer (tests/engine/exercise/writer.py) is a real process doing real saves into a real SQLite
file; it is killed with SIGKILL, which no code can intercept: what survives is what SQLite
committed. A second process takes write locks (so some saves wait and give up, the path of
issue 14's first item) and read transactions (which must not block a save) at random.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from engine.exercise.session import Exercise
from engine.exercise.store import ExerciseStore

ROOT = Path(__file__).resolve().parents[3]
SCENARIO = ROOT / "scenarios" / "nk-100k.yaml"
KILLS = 6

LOCKER = r"""
import random, sqlite3, sys, time
rng = random.Random(int(sys.argv[2]))
db = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
while True:
    time.sleep(rng.uniform(0.02, 0.3))
    db.execute("BEGIN IMMEDIATE" if rng.random() < 0.6 else "BEGIN")
    db.execute("SELECT COUNT(*) FROM actions").fetchone()
    time.sleep(rng.uniform(0.05, 0.6))
    db.execute("COMMIT")
"""


def _read_lines(stream, out: list[str]) -> None:
    for line in stream:
        out.append(line.strip())


def test_killed_writers_and_held_locks_lose_no_acknowledged_action(tmp_path):
    db = tmp_path / "ex.sqlite"
    ex = Exercise.start(SCENARIO.read_text(encoding="utf-8"), SCENARIO.name, seed=2,
                        teams={"west": "human"}, turns=8, store=ExerciseStore(db))
    rng = random.Random(20261207)
    locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(db), "7"])
    acknowledged: list[str] = []
    busy = 0
    try:
        for k in range(KILLS):
            writer = subprocess.Popen(
                [sys.executable, "-m", "tests.engine.exercise.writer", str(db), ex.id, str(k)],
                cwd=ROOT, stdout=subprocess.PIPE, text=True)
            lines: list[str] = []
            reader = threading.Thread(target=_read_lines, args=(writer.stdout, lines))
            reader.start()
            deadline = time.monotonic() + 60
            while "READY" not in lines and time.monotonic() < deadline:
                assert writer.poll() is None, "the writer died before it was ready"
                time.sleep(0.02)
            time.sleep(rng.uniform(0.3, 1.5))  # then kill it wherever it is
            assert writer.poll() is None, "the writer stopped by itself (see its stderr)"
            writer.send_signal(signal.SIGKILL)
            writer.wait(timeout=30)
            reader.join(timeout=30)
            acknowledged += [line for line in lines if line.startswith("ACK ")]
            busy += lines.count("BUSY")
    finally:
        locker.kill()
        locker.wait(timeout=30)

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    stored = ExerciseStore(db).load(ex.id)
    by_seq = {a.seq: a for a in stored.actions}
    seqs = [a.seq for a in stored.actions]
    assert len(seqs) == len(set(seqs)), "an action is stored twice"
    assert len(acknowledged) > 10, "the writers did too little to test anything"

    last = 0
    for line in acknowledged:
        _, seq, kind, *rest = line.split()
        if kind == "rewind":  # a new branch: it is stored, with the actions it copied
            assert int(rest[0]) in stored.branches
            continue
        action = by_seq.get(int(seq))
        assert action is not None, f"acknowledged but not stored: {line}"
        assert action.kind == kind, line
        assert int(seq) > last, f"acknowledged out of order: {line}"
        last = int(seq)
    # the store's log replays on every branch to the turn it records
    for branch in stored.branches:
        assert stored.model(branch).state.turn == stored.played(branch)
    again = Exercise.from_dict(stored.to_dict())  # and passes the import checks whole
    assert again.played() == stored.played()
    print(f"{len(acknowledged)} acknowledged, {busy} refused while locked, "
          f"{len(stored.actions)} stored, {len(stored.branches)} branches")

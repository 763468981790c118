"""A lock on an exercise store held by another process, as a backup program, an SQLite browser or
a second app server would hold it."""

from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

HOLDER = r"""
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
if sys.argv[2] == "write":
    db.execute("BEGIN IMMEDIATE")          # a writer: every other save must wait
else:
    db.execute("BEGIN")                    # a reader in the middle of a transaction
    db.execute("SELECT COUNT(*) FROM actions").fetchone()
print("held", flush=True)
sys.stdin.readline()                       # until the test lets go
db.execute("COMMIT")
"""


@contextmanager
def held(path: Path, kind: str = "write"):
    """Hold a ``write`` (BEGIN IMMEDIATE) or ``read`` transaction on ``path`` from another
    process until the block ends."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), kind],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        yield proc
    finally:
        proc.stdin.write("\n")
        proc.stdin.flush()
        proc.wait(timeout=30)

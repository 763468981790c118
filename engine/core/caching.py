"""The engine's caches, and the switch that turns every one of them off.

Some results depend only on data fixed for a run (the scenario's references, trade flows,
parameters) and on standing orders that change a few times a run (the sanctions and transfers
in force), yet are needed every turn: the trade that sanctions block, the terms of standing
transfers, the references a move may name, the parsing of a variable path. The engine keeps
them in caches: ``WorldState.memo`` (per game; never compared, never part of the game's
state) and a few bounded per-process tables.

A cache must never change a result. That is checked, not assumed: with ``caches_off()`` every
cache is bypassed (each lookup computes afresh and stores nothing), and
tests/engine/core/test_caching.py plays the golden comparison's games that way and finds the same
outputs, bit for bit.
"""

from __future__ import annotations

from contextlib import contextmanager

ENABLED = True


def memo(state) -> dict:
    """The game's cache, or a fresh empty dict (which forgets what is put in it) when caches
    are off."""
    return state.memo if ENABLED else {}


@contextmanager
def caches_off():
    """Run the block with every cache bypassed."""
    global ENABLED
    was, ENABLED = ENABLED, False
    try:
        yield
    finally:
        ENABLED = was

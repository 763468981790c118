"""Named random streams: one generator for each source of randomness, spawned from the run's
seed by its name.

Every random draw in a game comes from a stream named for what it decides: one observer's looks
at one actor (``look:west:north_korea``), one actor's losses at the front
(``attrition:russia``), accidents near the top of the ladder (``accident``), one actor's policy
(``policy:china``). A stream's draws depend on the seed and its name only, never on how many
other streams there are or in what order they draw. So:

- adding an actor that does nothing changes no other actor's draws (the conformance checker's
  inert actor);
- two variants of a scenario run on the same seed see the same luck wherever they agree, which
  makes their paired comparison sharp (common random numbers: a lever's effect is not buried in
  re-dealt noise);
- a recorded game replays and forks exactly: its streams' states are part of its
  ``GameState``.

A stream is a PCG64 generator seeded by ``SeedSequence(entropy, spawn_key=(*spawn_key,
crc32(name)))`` (a stable hash: the same in every process and on every machine), made the first
time the stream is asked for.
"""

from __future__ import annotations

import copy
import zlib
from typing import Any, NamedTuple

import numpy as np


class StreamStates(NamedTuple):
    """Everything needed to go on drawing exactly as a game would: the seed (its entropy and
    spawn key) and the state of each stream made so far."""

    entropy: Any
    spawn_key: tuple[int, ...]
    states: dict[str, dict]


def seed_sequence(seed) -> np.random.SeedSequence:
    """The seed a game was given (an int, a SeedSequence, a Generator or None for fresh
    entropy) as a SeedSequence."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(2**63)))
    return np.random.SeedSequence(seed)


class Streams:
    """A game's named streams: ``streams.of(name)`` is the generator for ``name``."""

    __slots__ = ("_entropy", "_key", "_made")

    def __init__(self, seed=None, states: StreamStates | None = None):
        if states is not None:
            self._entropy, self._key = states.entropy, tuple(states.spawn_key)
        else:
            seq = seed_sequence(seed)
            self._entropy, self._key = seq.entropy, tuple(seq.spawn_key)
        self._made: dict[str, np.random.Generator] = {}
        for name, state in (states.states if states is not None else {}).items():
            self.of(name).bit_generator.state = copy.deepcopy(state)

    def of(self, name: str) -> np.random.Generator:
        made = self._made.get(name)
        if made is None:
            seq = np.random.SeedSequence(self._entropy,
                                         spawn_key=(*self._key, zlib.crc32(name.encode())))
            made = self._made[name] = np.random.Generator(np.random.PCG64(seq))
        return made

    def states(self) -> StreamStates:
        return StreamStates(self._entropy, self._key,
                            {name: copy.deepcopy(g.bit_generator.state)
                             for name, g in self._made.items()})


__all__ = ["StreamStates", "Streams", "seed_sequence"]

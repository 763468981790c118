""""What happens from here?": fork a game in progress into many Monte Carlo futures.

A ``Snapshot`` is plain, picklable data: the scenario text, the world state after the last
adjudicated turn, the engine policy each actor plays from here (human teams are handed to an
engine policy), and the run-long bookkeeping a summary needs (extremes and outcomes so far, so
that an outcome already met before the fork still counts). Each future is a lean
(``record=False``) ``BrinkModel`` whose state is replaced by a copy of the snapshot's; it then
plays the remaining turns with its own seed. Future ``i`` gets the i-th child of
``SeedSequence(snapshot.seed, spawn_key=(turn,))``, so its result depends only on the snapshot
and ``i``: the same in-process or in a pool, whatever the chunking.

Randomness in the futures is the model's own (adjudication draws, logit choices) and, with
``uncertain`` (the default in ``Exercise.futures``), what nobody knows: each future draws the
scenario's uncertain parameters (those declared with an ``uncertainty``, as batches sample
them) from its own seed, so the fan shows the spread the scenario's authors admit, not only
the dice. Without it the parameters stay at the values the exercise plays with.

No rule is re-implemented here: a future is the engine's ``step`` repeated.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import pickle
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from engine.batch.sampling import uncertainties
from engine.core.state import GameState, WorldState
from engine.core.variables import FUTURES, read
from engine.policies import Policy, build_engine_policy
from engine.scenario.schema import Scenario
from engine.sim.model import BrinkModel

# Headline figures kept per turn of every future (what the fan charts draw): the table of
# variables' ``futures`` rows.
WORLD_VARS = FUTURES["world"]
ACTOR_VARS = FUTURES["actor"]
CHUNK = 50  # futures per task sent to a worker process
POOL_THRESHOLD = 20_000  # future-turns below which a pool's overhead is not worth paying


def engine_policy(scenario: Scenario, actor_id: str) -> Policy:
    """The policy the engine plays for ``actor_id``: its YAML policy, or, when the YAML says a
    human team plays it, the stand-in its policy class declares (``HumanPolicy.stand_in`` in
    engine/policies/human.py: a bounded-rational logit choice over the default candidate moves with
    the actor's own utility weights). The engine must be able to play every actor."""
    return build_engine_policy(scenario.actor(actor_id))


@dataclass(frozen=True)
class Snapshot:
    """A game in progress, frozen for its futures: the game as one value (``GameState``; the
    engine plays every actor, human teams by their stand-in), pickled once, and what a future
    needs to rebuild the scenario and draw its own parameters."""

    scenario_text: str
    source: str
    seed: int  # root of the futures' seeds
    game: GameState  # after the last adjudicated turn; its cache emptied
    # The game pickled once: unpickling a copy per future is several times cheaper than
    # copy.deepcopy, which was a sixth of a future's cost.
    blob: bytes = b""
    levers: tuple = ()  # the exercise's lever choices, ((name, value), ...)
    uncertain: tuple = ()  # engine.batch.sampling.Uncertain: parameters each future draws

    @property
    def state(self) -> WorldState:
        return self.game.world

    @property
    def policies(self) -> dict[str, Policy]:
        return self.game.policies

    @property
    def turn(self) -> int:
        return self.game.world.turn

    @property
    def turns(self) -> int:
        return self.game.turns


def snapshot(model: BrinkModel, scenario_text: str, source: str, seed: int,
             levers: dict | None = None, uncertain: bool = False) -> Snapshot:
    """Freeze ``model`` (any policies) into a snapshot whose futures the engine plays; with
    ``uncertain``, each future draws the scenario's uncertain parameters."""
    game = model.game_state()
    game.generators = None  # every future has its own seed
    for actor_id, policy in game.policies.items():
        if policy.classifier.external:  # a team's moves: the engine plays its YAML policy
            game.policies[actor_id] = engine_policy(model.spec, actor_id)
    return Snapshot(scenario_text, source, int(seed), game,
                    pickle.dumps(game, protocol=pickle.HIGHEST_PROTOCOL),
                    tuple(sorted((levers or {}).items())),
                    tuple(uncertainties(model.spec)) if uncertain else ())


def future_seeds(snap: Snapshot, n: int, start: int = 0) -> list[int]:
    """Seeds of futures ``start .. start+n-1`` (63-bit integers, as batch runs use)."""
    root = np.random.SeedSequence(snap.seed, spawn_key=(snap.turn,))
    children = root.spawn(start + n)[start:]
    return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]


@lru_cache(maxsize=8)
def _scenario(text: str, source: str, levers: tuple = ()) -> Scenario:
    from engine.scenario.loader import parse_scenario

    return parse_scenario(text, source, levers=dict(levers))


def fork(snap: Snapshot, seed: int, scenario: Scenario | None = None,
         memo: dict | None = None) -> BrinkModel:
    """A lean model that continues the snapshot's game with ``seed``.

    ``memo``: a ``WorldState.memo`` to share between futures of one snapshot. It only caches
    results that depend on fixed data and standing orders (engine/core/caching.py), which all
    futures of a snapshot share, so sharing it changes no result and saves rebuilding it per
    future."""
    scenario = scenario or _scenario(snap.scenario_text, snap.source, snap.levers)
    game = pickle.loads(snap.blob)  # a fresh copy: a future must not touch the snapshot
    state = game.world
    if snap.uncertain:
        # this future's own draw of what nobody knows, from a stream apart from the model's
        u = np.random.default_rng([seed, 1]).random(len(snap.uncertain))
        state.params = {**state.params, **{p.name: float(p.ppf(np.array([x]))[0])
                                           for p, x in zip(snap.uncertain, u, strict=True)}}
    elif memo is not None:  # memos hold results that depend on the parameters: share only
        state.memo = memo   # between futures that keep the same ones
    return BrinkModel(scenario, rng=seed, record=False, frame=False, game=game)


def _headlines(state: WorldState, actors: list[str]) -> list[float]:
    # Actor figures are attributes (or properties) of ActorState: read them directly, as
    # engine.core.variables.read would, without parsing a path 800 times per future.
    values = [read(state, f"world.{v}") for v in WORLD_VARS]
    for a in actors:
        obj = state.actors[a]
        values += [float(getattr(obj, v)) for v in ACTOR_VARS]
    return values


def run_future(snap: Snapshot, index: int, seed: int, memo: dict | None = None
               ) -> tuple[dict, np.ndarray]:
    """One future: its summary row and its headline figures, one row per remaining turn."""
    model = fork(snap, seed, memo=memo)
    actors = list(model.state.actors)
    rows = []
    while model.running:
        model.step()
        rows.append(_headlines(model.state, actors))
    drawn = {f"param.{p.name}": model.state.params[p.name] for p in snap.uncertain}
    return ({"run": index, "seed": seed, **drawn, **model.summary()},
            np.asarray(rows, dtype=float))


def _run_chunk(args: tuple[Snapshot, int, list[int]]) -> tuple[list[dict], np.ndarray]:
    # A chunk returns one array, not millions of tuples: cheap to send back from a worker.
    snap, start, seeds = args
    summaries, cubes = [], []
    memo: dict = {}
    for offset, seed in enumerate(seeds):
        summary, rows = run_future(snap, start + offset, seed, memo)
        summaries.append(summary)
        cubes.append(rows)
    return summaries, np.stack(cubes)


# --- a lazily created, reused pool of spawned workers ------------------------------------------

_pool: ProcessPoolExecutor | None = None
_pool_workers = 0
_pool_lock = threading.Lock()


def _get_pool(workers: int) -> ProcessPoolExecutor:
    """One pool per process, created on first use and kept: spawning and importing the engine
    costs about a second per worker, too much to pay on every press of the button. 'spawn',
    never 'fork': the host may be a threaded server (Streamlit)."""
    global _pool, _pool_workers
    with _pool_lock:
        if _pool is None or _pool_workers != workers:
            if _pool is not None:
                _pool.shutdown(wait=False, cancel_futures=True)
            _pool = ProcessPoolExecutor(max_workers=workers,
                                        mp_context=multiprocessing.get_context("spawn"))
            _pool_workers = workers
        return _pool


def _noop() -> int:
    return os.getpid()


def _prepare(text: str, source: str, levers: tuple) -> int:
    _scenario(text, source, levers)
    time.sleep(0.5)  # hold this worker so that the next task goes to another one
    return os.getpid()


def warm_up(workers: int | None = None, scenario_text: str | None = None,
            source: str = "scenario.yaml", levers: dict | None = None) -> None:
    """Start the worker processes now, in the background, and have each parse the scenario,
    so that the first press of "What happens from here?" pays for neither."""
    workers = workers or default_workers()
    if workers > 1:
        pool = _get_pool(workers)
        for _ in range(workers):
            if scenario_text is None:
                pool.submit(_noop)
            else:
                pool.submit(_prepare, scenario_text, source, tuple(sorted((levers or {}).items())))


def shutdown_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=True)
            _pool = None


atexit.register(shutdown_pool)


def default_workers() -> int:
    """``$BRINK_FUTURES_WORKERS`` if set (1 keeps everything in-process), else the cores."""
    env = os.environ.get("BRINK_FUTURES_WORKERS", "")
    if env.isdigit() and int(env) >= 1:
        return int(env)
    return max(1, min(os.cpu_count() or 1, 8))


@dataclass(frozen=True)
class Futures:
    """N futures from one snapshot.

    ``runs``: one row per future (``run``, ``seed``, the model's summary with ``outcome.*``).
    ``cube[i, k, j]``: future i, turn ``turns[k]``, headline ``labels[j]`` (actor, variable).
    """

    turn: int
    runs: pd.DataFrame
    cube: np.ndarray
    turns: tuple[int, ...]
    labels: tuple[tuple[str, str], ...]

    def per_turn(self, actor: str, variable: str) -> pd.DataFrame:
        """Tidy rows (run, turn, actor, variable, value) of one headline, as batches store
        them, so that analysis.fans reads futures and batches alike."""
        j = self.labels.index((actor, variable))
        values = self.cube[:, :, j]
        n, t = values.shape
        return pd.DataFrame({"run": np.repeat(np.arange(n), t),
                             "turn": np.tile(np.asarray(self.turns), n),
                             "actor": actor, "variable": variable,
                             "value": values.reshape(-1)})


def labels_for(actors: list[str]) -> tuple[tuple[str, str], ...]:
    return tuple([("world", v) for v in WORLD_VARS] + [(a, v) for a in actors for v in ACTOR_VARS])


def run_futures(snap: Snapshot, n: int, workers: int | None = None) -> Futures:
    """Play ``n`` futures of the remaining turns. ``workers=1`` runs in this process; by default
    a pool of spawned workers is used when the job is big enough to repay it."""
    if n < 1:
        raise ValueError(f"the number of futures must be at least 1, got {n}")
    seeds = future_seeds(snap, n)
    remaining = snap.turns - snap.turn
    workers = workers or (default_workers() if n * remaining >= POOL_THRESHOLD else 1)
    tasks = [(snap, start, seeds[start:start + CHUNK]) for start in range(0, n, CHUNK)]
    if workers <= 1 or len(tasks) == 1:
        results = [_run_chunk(t) for t in tasks]
    else:
        results = list(_get_pool(workers).map(_run_chunk, tasks))
    summaries = [s for chunk, _ in results for s in chunk]
    labels = labels_for(list(snap.state.actors))
    cube = (np.concatenate([c for _, c in results]) if remaining
            else np.zeros((n, 0, len(labels))))
    return Futures(snap.turn, pd.DataFrame(summaries), cube,
                   tuple(range(snap.turn + 1, snap.turns + 1)), labels)


__all__ = ["Futures", "Snapshot", "engine_policy", "fork", "run_futures", "snapshot",
           "warm_up"]

"""One chunk of runs, executed in whatever process the executor chose.

A chunk is plain data (the scenario's YAML text, run indices, seeds, sampled parameters and
lever values), so the same function runs in-process, in a local process pool or on a Dask
worker, and gives the same rows. A run that raises is recorded as a failure with its error and
seed; the chunk carries on.
"""

from __future__ import annotations

import gc
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

from engine.batch.store import part_identity, per_turn_part
from engine.sim.model import BrinkModel

# Variables kept per turn with --per-turn: the headline figures, not the whole frame, plus every
# estimate (belief.*, belief_sd.*) held by an actor or the public. The calibration suite
# (analysis/calibration.py) reads front, payroll_income and the actors' estimates: first combat,
# Russian payroll and the detection-to-confirmation lag.
PER_TURN_VARS = frozenset({
    "escalation_rung", "escalation_level", "escalation_score", "wider_war_risk",
    "humanitarian_toll", "strain", "growth", "stability", "forces_home", "queued", "in_transit",
    "deployed", "front", "casualties", "killed", "front_pressure", "regime_income",
    "payroll_income",
})


@dataclass(frozen=True)
class RunSpec:
    index: int
    seed: int
    params: dict[str, float] = field(default_factory=dict)
    levers: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ChunkTask:
    chunk: int
    scenario_text: str
    source: str
    runs: tuple[RunSpec, ...]
    per_turn: bool = False
    turns: int | None = None
    batch_id: str = ""  # written into the per-turn part's metadata (store.part_identity)


@dataclass
class ChunkResult:
    chunk: int
    rows: list[dict]
    per_turn: bytes  # the chunk's per-turn Parquet part (store.per_turn_part); b"" without
    failures: list[dict]


@lru_cache(maxsize=16)
def _scenario(text: str, source: str, levers: tuple):
    from engine.scenario.loader import parse_scenario

    return parse_scenario(text, source, levers=dict(levers))


def run_one(task: ChunkTask, spec: RunSpec) -> tuple[dict, list[tuple]]:
    scenario = _scenario(task.scenario_text, task.source, tuple(sorted(spec.levers.items())))
    model = BrinkModel(scenario, rng=spec.seed, parameters=spec.params, turns=task.turns,
                       record=False, frame=task.per_turn, frame_vars=PER_TURN_VARS)
    model.run()
    row = {"run": spec.index, "seed": spec.seed}
    row.update({f"lever.{k}": v for k, v in spec.levers.items()})
    row.update({f"param.{k}": v for k, v in spec.params.items()})
    row.update(model.summary())
    return row, model.rows  # (turn, date, actor, variable, value), with --per-turn only


@contextmanager
def _fewer_collections():
    """Run the garbage collector's youngest generation every 100,000 new objects instead of
    700 while a chunk runs (restored after): a run allocates many short-lived tuples, and the
    frequent collections cost ~5% of a run. Memory: ~10 MB more at the peak."""
    old = gc.get_threshold()
    gc.set_threshold(100_000, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Run every run of the chunk; failures are rows too, never exceptions."""
    with _fewer_collections():
        return _run_chunk(task)


def _run_chunk(task: ChunkTask) -> ChunkResult:
    rows, failures = [], []
    columns: tuple[list, ...] = ([], [], [], [], [])  # run, turn, actor, variable, value
    for spec in task.runs:
        try:
            row, turns = run_one(task, spec)
        except Exception as exc:  # a failed run must not sink the batch
            failures.append({"run": spec.index, "seed": spec.seed,
                             "error": f"{type(exc).__name__}: {exc}",
                             "traceback": traceback.format_exc(limit=8),
                             **{f"lever.{k}": v for k, v in spec.levers.items()},
                             **{f"param.{k}": v for k, v in spec.params.items()}})
            continue
        rows.append(row)
        if turns:
            turn, _date, actor, variable, value = zip(*turns, strict=True)
            for column, values in zip(columns, ([spec.index] * len(turns), turn, actor,
                                                variable, value), strict=True):
                column.extend(values)
    identity = part_identity(task.batch_id, task.chunk, "per_turn") if task.batch_id else None
    per_turn = per_turn_part(*columns, identity=identity) if columns[0] else b""
    return ChunkResult(task.chunk, rows, per_turn, failures)

"""Plan and run a Monte Carlo batch: seeds, design, chunks, executor, storage, progress.

Seeds: run ``i`` gets ``SeedSequence(root_seed, spawn_key=(i,))`` (the i-th child of the root),
reduced to a 63-bit integer stored with the run, so ``brink run --seed <that integer>`` with the
same parameters replays it. A run's seed, sampled parameters and lever values depend only on its
index and the plan, never on workers, chunking, executor or resume.

Design: the uncertain parameters are sampled once per batch (mc, lhs, sobol or grid) and the
same design is crossed with every combination of lever values, so policies are compared on the
same sampled worlds.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from engine import __version__
from engine.batch.executors import DaskCluster, ExecutorError, InProcess, LocalProcesses
from engine.batch.sampling import SAMPLERS, SamplingError, sample, uncertainties
from engine.batch.store import BatchStore, StoreError
from engine.batch.worker import ChunkTask, RunSpec, run_chunk
from engine.explain import labels_of
from engine.loader import load_scenario
from engine.provenance import engine_fingerprint, interpreter

DEFAULT_CHUNK = 200


class BatchError(ValueError):
    """A bad batch request: reported in one line, exit status 2, nothing lost."""


@dataclass
class BatchResult:
    runs: pd.DataFrame
    per_turn: pd.DataFrame | None
    failures: pd.DataFrame
    manifest: dict
    out: Path | None


def run_seed(root_seed: int, index: int) -> int:
    """The seed of run ``index``: the index-th child of the root SeedSequence."""
    state = np.random.SeedSequence(root_seed, spawn_key=(index,)).generate_state(1, np.uint64)
    return int(state[0] >> np.uint64(1))  # 63 bits: fits a signed int64 column


def parse_lever_args(args: list[str]) -> dict[str, list]:
    """``NAME=v1,v2`` strings to ``{NAME: [v1, v2]}`` (numbers where they parse)."""
    levers: dict[str, list] = {}
    for arg in args or []:
        name, sep, values = arg.partition("=")
        if not sep or not name or not values:
            raise BatchError(f"--lever expects NAME=v1,v2,..., got {arg!r}")
        levers[name.strip()] = [_scalar(v.strip()) for v in values.split(",") if v.strip()]
    return levers


def _scalar(text: str):
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def _lever_space(scenario, requested: dict[str, list]) -> dict[str, list]:
    declared = {k: list(v.options) for k, v in scenario.levers.items()}
    space = {}
    for name, values in requested.items():
        if name not in declared:
            known = ", ".join(sorted(declared)) or "none declared"
            raise BatchError(f"unknown lever '{name}' (levers of {scenario.id}: {known})")
        bad = [v for v in values if v not in declared[name]]
        if bad:
            raise BatchError(f"lever '{name}' has no option {bad[0]!r} (options: "
                             f"{', '.join(map(str, declared[name]))})")
        space[name] = values
    return space


def plan_batch(scenario_path, runs: int, seed: int, sampler: str = "mc",
               levers: dict[str, list] | None = None, grid_levels: int = 3,
               per_turn: bool = False, turns: int | None = None,
               chunk_size: int = DEFAULT_CHUNK) -> tuple[dict, pd.DataFrame, str]:
    """The manifest's plan, the full design (one row per run) and the scenario text."""
    scenario = load_scenario(scenario_path)  # ScenarioError propagates: exit 2 in the CLI
    if runs < 1:
        raise BatchError(f"--runs must be at least 1, got {runs}")
    if chunk_size < 1:
        raise BatchError(f"--chunk-size must be at least 1, got {chunk_size}")
    if turns is not None and not 1 <= turns <= scenario.clock.turns:
        raise BatchError(f"--turns must be between 1 and {scenario.clock.turns}, got {turns}")
    if sampler not in SAMPLERS:
        raise BatchError(f"unknown sampler {sampler!r}; choose one of {', '.join(SAMPLERS)}")
    text = Path(scenario_path).read_text(encoding="utf-8")
    unc = uncertainties(scenario)
    try:
        design = sample(sampler, unc, runs, seed, grid_levels)
    except SamplingError as exc:
        raise BatchError(str(exc)) from None
    if sampler == "grid":
        points = len(design)
        if runs < points:
            raise BatchError(f"a {grid_levels}-level grid over {len(unc)} parameters has "
                             f"{points} points; --runs must be at least {points}")
        reps = runs // points
        design = design.loc[design.index.repeat(reps)].reset_index(drop=True)
    space = _lever_space(scenario, levers if levers is not None else
                         {k: list(v.options) for k, v in scenario.levers.items()})
    combos = list(itertools.product(*space.values())) if space else [()]
    frames = []
    for c, combo in enumerate(combos):
        part = design.add_prefix("param.")
        for name, value in zip(space, combo, strict=True):
            part[f"lever.{name}"] = value
        part.insert(0, "combination", c)
        frames.append(part)
    full = pd.concat(frames, ignore_index=True)
    full.insert(0, "run", np.arange(len(full)))
    full.insert(1, "seed", [run_seed(seed, i) for i in range(len(full))])
    plan = {
        "engine_version": __version__,
        "engine_sha256": engine_fingerprint(),
        "scenario": str(scenario_path),
        "scenario_id": scenario.id,
        "scenario_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "sampler": sampler,
        "seed": seed,
        "runs_per_combination": len(design),
        "total_runs": len(full),
        "levers": space,
        "uncertainties": [u.__dict__ for u in unc],
        "grid_levels": grid_levels if sampler == "grid" else None,
        "per_turn": per_turn,
        "turns": turns or scenario.clock.turns,
        "chunk_size": chunk_size,
        "labels": labels_of(scenario),
    }
    plan["plan_hash"] = hashlib.sha256(json.dumps(plan, sort_keys=True, default=str)
                                       .encode()).hexdigest()
    return plan, full, text


def _tasks(full: pd.DataFrame, text: str, source: str, plan: dict, skip: set[int]):
    param_cols = [c for c in full.columns if c.startswith("param.")]
    lever_cols = [c for c in full.columns if c.startswith("lever.")]
    param_cols_short = [c[6:] for c in param_cols]
    lever_cols_short = [c[6:] for c in lever_cols]
    size = plan["chunk_size"]
    n_chunks = math.ceil(len(full) / size)
    for chunk in range(n_chunks):
        if chunk in skip:
            continue
        rows = full.iloc[chunk * size:(chunk + 1) * size]
        # Column by column, never row by row: a row of a DataFrame whose columns are all
        # numeric is one float64 array, which would round seeds above 2**53.
        specs = tuple(
            RunSpec(int(run), int(seed), dict(zip(param_cols_short, params, strict=True)),
                    {c: _plain(v) for c, v in zip(lever_cols_short, levers, strict=True)})
            for run, seed, params, levers in zip(
                rows["run"].tolist(), rows["seed"].tolist(),
                rows[param_cols].to_numpy(dtype=float).tolist(),
                rows[lever_cols].to_numpy(dtype=object).tolist(), strict=True))
        yield ChunkTask(chunk, text, source, specs, plan["per_turn"], plan["turns"])


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def _executor(workers: int | None, scheduler: str | None):
    if scheduler:
        try:
            return DaskCluster(scheduler)
        except ExecutorError as exc:
            raise BatchError(str(exc)) from None
    import os

    n = workers or os.cpu_count() or 1
    if n < 1:
        raise BatchError(f"--workers must be at least 1, got {workers}")
    return InProcess() if n == 1 else LocalProcesses(n)


def run_batch(scenario, runs: int = 1000, seed: int = 0, sampler: str = "mc",
              levers: dict[str, list] | None = None, out=None, workers: int | None = None,
              scheduler: str | None = None, per_turn: bool = False, resume: bool = False,
              turns: int | None = None, grid_levels: int = 3, chunk_size: int = DEFAULT_CHUNK,
              progress: bool = False) -> BatchResult:
    """Run a batch and return its tables as DataFrames.

    ``out`` keeps the results on disk (and allows ``resume``); without it a temporary folder
    is used and removed. Raises BatchError / ScenarioError for bad requests.
    """
    if workers is not None and workers < 1:
        raise BatchError(f"--workers must be at least 1, got {workers}")
    plan, full, text = plan_batch(scenario, runs, seed, sampler, levers, grid_levels, per_turn,
                                  turns, chunk_size)
    tmp = None
    if out is None:
        tmp = tempfile.TemporaryDirectory(prefix="brink-batch-")
        out = Path(tmp.name) / "batch"
    store = BatchStore(Path(out))
    try:
        done = store.open(plan, resume)
    except StoreError as exc:
        raise BatchError(str(exc)) from None
    executor = _executor(workers, scheduler)
    manifest = {**plan, "status": "running", "executor": executor.name,
                "workers": executor.workers, **interpreter(),
                "started": datetime.now(UTC).isoformat(timespec="seconds"),
                "finished": None, "failures": None}
    if done:
        old = store.read_manifest()
        manifest["started"] = old.get("started", manifest["started"])
        manifest["resumed"] = old.get("resumed", 0) + 1
    store.write_manifest(manifest)
    if not done:
        store.write_design(full)
    total = len(full)
    already = sum(min(plan["chunk_size"], total - c * plan["chunk_size"]) for c in done)
    bar = _progress(total, already, progress)
    t0 = time.perf_counter()
    try:
        for result in executor.map_unordered(run_chunk, _tasks(full, text, str(scenario),
                                                               plan, done)):
            store.write_chunk(result.chunk, result.rows, result.per_turn, result.failures)
            bar.update(len(result.rows) + len(result.failures))
    except KeyboardInterrupt:
        manifest["status"] = "interrupted"
        store.write_manifest(manifest)
        raise
    finally:
        bar.close()
        executor.close()
    elapsed = time.perf_counter() - t0
    manifest.update(status="finished", finished=datetime.now(UTC).isoformat(timespec="seconds"),
                    failures=store.failure_count(),
                    seconds_this_session=round(elapsed, 3),
                    runs_per_second=round((total - already) / elapsed, 1) if elapsed else None,
                    **_peak_rss())
    store.write_manifest(manifest)
    result = BatchResult(store.read("runs"), store.read("per_turn") if per_turn else None,
                         store.read("failures"), manifest, None if tmp else Path(out))
    if tmp:
        tmp.cleanup()
    return result


def _peak_rss() -> dict:
    """Peak resident memory of this (driver) process and of its largest finished child, MB."""
    try:
        import resource
    except ImportError:  # not on this platform
        return {}
    per_mb = 2**20 if sys.platform == "darwin" else 2**10  # ru_maxrss: bytes on macOS, else KB
    return {"peak_rss_mb_driver": round(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / per_mb, 1),
            "peak_rss_mb_worker": round(
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / per_mb, 1)}


class _NoBar:
    def update(self, n):
        pass

    def close(self):
        pass


def _progress(total: int, initial: int, show: bool):
    if not show:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="run", file=sys.stderr, smoothing=0.1,
                dynamic_ncols=True)

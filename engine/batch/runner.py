"""Plan and run a Monte Carlo batch: seeds, design, chunks, executor, storage, progress.

Seeds: design row ``i`` gets ``SeedSequence(root_seed, spawn_key=(i,))`` (the i-th child of
the root), reduced to a 63-bit integer stored with each run of that row, so ``brink run --seed
<that integer>`` with the same parameters replays it. A run's seed, sampled parameters and lever
values depend only on its index and the plan, never on workers, chunking, executor or resume.

Design: the uncertain parameters are sampled once per batch (mc, lhs, sobol or grid) and the
same design is crossed with every combination of lever values, seeds included, so policies are
compared on the same sampled worlds with the same luck (common random numbers: every draw in a
game comes from a stream named for what it decides, engine/core/streams.py, so two options
share their luck wherever they agree) and their differences can be paired run by run.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import math
import os
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
from engine.batch.store import BatchStore, PartError, StoreError, read_limited
from engine.batch.worker import ChunkTask, RunSpec, run_chunk
from engine.core.provenance import engine_fingerprint, interpreter
from engine.narrate.explain import labels_of
from engine.scenario.loader import MAX_BYTES, load_scenario, parse_scenario

DEFAULT_CHUNK = 200
# Limits on what one batch may plan (docs/reference/limits.md, "Batches"). The design is built
# in memory before the first run (about 170 bytes a run for nk-100k, plus a copy while it is
# assembled: 2,000,000 runs planned in ~30 s and ~350 MB on one core), and the runs take ~14 ms
# each of one core: 2,000,000 runs are about 8 hours on 2 cores. Larger studies: several
# batches with different seeds.
MAX_RUNS = 2_000_000
MAX_DESIGN_VALUES = 20_000_000  # runs x (uncertain parameters + levers): ~160 MB of float64
MAX_CHUNK = 1_000  # runs in a chunk: what a worker holds and returns at once
# With --per-turn a worker also holds the chunk's per-turn rows (~66 a turn for nk-100k): at
# most this many run-turns a chunk (1,000 runs of 52 turns, ~3.4 million rows, ~250 MB).
# Without --chunk-size a long clock gets smaller chunks (200 runs up to 260 turns).
MAX_CHUNK_RUN_TURNS = 52_000
MAX_SEED = 2**63 - 1  # a seed that fits every integer column (and brink run --seed)
WORKERS_PER_CORE = 2


class BatchError(ValueError):
    """A bad batch request: reported in one line, exit status 2, nothing lost."""


class BatchFailed(RuntimeError):
    """The batch could not finish (a part cannot be written or read, the cluster went away):
    reported in one line, exit status 1; finished chunks are kept for --resume."""


@dataclass
class BatchResult:
    runs: pd.DataFrame | None
    per_turn: pd.DataFrame | None
    failures: pd.DataFrame | None
    manifest: dict
    out: Path | None


def run_seed(root_seed: int, index: int) -> int:
    """The seed of run ``index``: the index-th child of the root SeedSequence."""
    state = np.random.SeedSequence(root_seed, spawn_key=(index,)).generate_state(1, np.uint64)
    return int(state[0] >> np.uint64(1))  # 63 bits: fits a signed int64 column


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the platform says)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def worker_limit() -> int:
    """The most local worker processes a batch starts: two per usable core. Runs are CPU-bound,
    so workers beyond the cores add no speed, only memory (~150-180 MB each)."""
    return WORKERS_PER_CORE * usable_cores()


def parse_lever_args(args: list[str]) -> dict[str, list]:
    """``NAME=v1,v2`` strings to ``{NAME: [v1, v2]}`` (numbers where they parse)."""
    levers: dict[str, list] = {}
    for arg in args or []:
        name, sep, values = arg.partition("=")
        name = name.strip()
        if not sep or not name:
            raise BatchError(f"--lever expects NAME=v1,v2,..., got {_show(arg)}")
        options = [_scalar(v.strip()) for v in values.split(",") if v.strip()]
        if not options:
            raise BatchError(f"--lever {_show(name)}: no option given (expected "
                             f"{_show(name)}=v1,v2,...)")
        if name in levers:
            raise BatchError(f"--lever {_show(name)} is given twice; list every option in one "
                             f"--lever {_show(name)}=v1,v2,...")
        seen = set()
        for option in options:
            if str(option) in seen:
                raise BatchError(f"--lever {_show(name)}: option {_show(option)} is listed "
                                 "twice")
            seen.add(str(option))
        levers[name] = options
    return levers


def _show(value) -> str:
    """A value from the command line in a message: quoted, control characters escaped, cut."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


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
    if not isinstance(requested, dict):
        raise BatchError(f"levers must be a mapping of lever to options, got "
                         f"{type(requested).__name__}")
    for name, values in requested.items():
        if name not in declared:
            known = ", ".join(sorted(declared)) or "none declared"
            raise BatchError(f"unknown lever {_show(name)} (levers of {scenario.id}: {known})")
        if isinstance(values, str | bytes) or not hasattr(values, "__iter__"):
            raise BatchError(f"lever {_show(name)}: expected a list of options, got "
                             f"{_show(values)}")
        values = list(values)
        if not values:
            raise BatchError(f"lever {_show(name)}: no option given (options: "
                             f"{', '.join(map(str, declared[name]))})")
        bad = [v for v in values if v not in declared[name]]
        if bad:
            raise BatchError(f"lever {_show(name)} has no option {_show(bad[0])} (options: "
                             f"{', '.join(map(str, declared[name]))})")
        if len(set(map(str, values))) < len(values):
            raise BatchError(f"lever {_show(name)}: an option is listed twice")
        space[name] = values
    return space


def _int_arg(name: str, value, low: int, high: int | None = None) -> int:
    """An integer argument within [low, high], or BatchError naming it and its range."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise BatchError(f"{name} must be a whole number, got {_show(value)}")
    value = int(value)
    if value < low:
        most = f" and at most {high:,}" if high is not None else ""
        raise BatchError(f"{name} must be at least {low:,}{most}, got {_number(value)}")
    if high is not None and value > high:
        raise BatchError(f"{name} must be between {low:,} and {high:,}, got {_number(value)}")
    return value


def _number(value: int) -> str:
    """A count in a message: 1,000,000, or about 3.0 x 10^30 when it is too long to read."""
    if abs(value) < 10**18:
        return f"{value:,}"
    digits = len(str(abs(value))) if abs(value) < 10**4000 else None
    if digits is None:
        return "a number of more than 4,000 digits"
    lead = int(str(abs(value))[:2]) / 10
    return f"{'-' if value < 0 else ''}about {lead:.1f} x 10^{digits - 1}"


def count_runs(runs: int, combinations: int, sampler: str, k: int,
               grid_levels: int) -> tuple[int, int]:
    """Runs per lever combination and in all that a request means, computed before anything
    is allocated; BatchError when it passes the limits."""
    if sampler == "grid":
        if k == 0:
            raise BatchError("the 'grid' sampler needs uncertain parameters, and the scenario "
                             "declares none (add 'uncertainty' to a parameter)")
        digits = k * math.log10(grid_levels)
        points = grid_levels ** k if digits < 18 else None
        if points is None or points > MAX_RUNS:
            count = f"about 10^{digits:.0f}" if points is None else f"{points:,}"
            raise BatchError(f"a {_number(grid_levels)}-level grid over {k} parameters has "
                             f"{count} points; a batch is limited to {MAX_RUNS:,} runs: ask "
                             "for fewer --grid-levels")
        if runs < points:
            raise BatchError(f"a {grid_levels}-level grid over {k} parameters has "
                             f"{points:,} points; --runs must be at least {points:,}")
        per = points * (runs // points)
    else:
        per = runs
    total = per * combinations
    if total > MAX_RUNS:
        how = (f"{_number(per)} run{'s' if per != 1 else ''} x {combinations:,} lever "
               "combinations" if combinations > 1 else "")
        raise BatchError(f"this request means {_number(total)} runs{f' ({how})' if how else ''}"
                         f"; a batch is limited to {MAX_RUNS:,}: ask for fewer --runs or fewer "
                         "--lever options, or split the study into batches with different "
                         "--seed")
    return per, total


def _read_scenario(scenario_path):
    """The scenario and its file's bytes, read once: what is validated is what the workers
    get and what the plan hashes."""
    try:
        data = read_limited(scenario_path, MAX_BYTES)
    except (OSError, ValueError, TypeError):
        load_scenario(scenario_path)  # the loader's own words for what is wrong
        raise  # pragma: no cover - the loader raised
    return parse_scenario(data, str(scenario_path)), data


def plan_batch(scenario_path, runs: int, seed: int, sampler: str = "mc",
               levers: dict[str, list] | None = None, grid_levels: int = 3,
               per_turn: bool = False, turns: int | None = None,
               chunk_size: int | None = None) -> tuple[dict, pd.DataFrame, str]:
    """The manifest's plan, the full design (one row per run) and the scenario text.

    Every count is checked before anything is sampled or allocated: the runs the request
    means (runs x lever combinations, or the grid's points) against MAX_RUNS, the design's
    size against MAX_DESIGN_VALUES."""
    scenario, data = _read_scenario(scenario_path)  # ScenarioError: exit 2 in the CLI
    runs = _int_arg("--runs", runs, 1)
    seed = _int_arg("--seed", seed, 0, MAX_SEED)
    if turns is not None:
        turns = _int_arg("--turns", turns, 1, scenario.clock.turns)
    played = turns or scenario.clock.turns
    if chunk_size is None:  # the default: smaller chunks for a long clock's per-turn rows
        chunk_size = min(DEFAULT_CHUNK, max(1, MAX_CHUNK_RUN_TURNS // played)) if per_turn \
            else DEFAULT_CHUNK
    chunk_size = _int_arg("--chunk-size", chunk_size, 1, MAX_CHUNK)
    if per_turn and chunk_size * played > MAX_CHUNK_RUN_TURNS:
        raise BatchError(f"--chunk-size {chunk_size:,} with --per-turn over {played} turns "
                         f"keeps {chunk_size * played:,} run-turns in a worker at once; the "
                         f"limit is {MAX_CHUNK_RUN_TURNS:,}: use --chunk-size "
                         f"{max(1, MAX_CHUNK_RUN_TURNS // played)} or less")
    if sampler not in SAMPLERS:
        raise BatchError(f"unknown sampler {_show(sampler)}; choose one of "
                         f"{', '.join(SAMPLERS)}")
    if sampler == "grid":
        if isinstance(grid_levels, bool) or not isinstance(grid_levels, int | np.integer):
            raise BatchError(f"--grid-levels must be a whole number, got {_show(grid_levels)}")
        if grid_levels < 2:
            raise BatchError(f"a grid needs at least 2 levels per parameter, got --grid-levels "
                             f"{_number(int(grid_levels))}")
        grid_levels = int(grid_levels)
    unc = uncertainties(scenario)
    space = _lever_space(scenario, levers if levers is not None else
                         {k: list(v.options) for k, v in scenario.levers.items()})
    combinations = math.prod(len(v) for v in space.values())
    per, total = count_runs(runs, combinations, sampler, len(unc), grid_levels)
    values = total * (len(unc) + len(space))
    if values > MAX_DESIGN_VALUES:
        raise BatchError(f"this request means {total:,} runs of {len(unc)} sampled parameters "
                         f"and {len(space)} levers: {values:,} design values; a batch is "
                         f"limited to {MAX_DESIGN_VALUES:,}: ask for fewer --runs")
    text = data.decode("utf-8")
    try:
        design = sample(sampler, unc, runs, seed, grid_levels)
    except SamplingError as exc:
        raise BatchError(str(exc)) from None
    if sampler == "grid":
        design = design.loc[design.index.repeat(per // len(design))].reset_index(drop=True)
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
    seeds = [run_seed(seed, i) for i in range(len(design))]  # one per design row
    full.insert(1, "seed", seeds * len(combos))
    plan = {
        "engine_version": __version__,
        "engine_sha256": engine_fingerprint(),
        "scenario": str(scenario_path),
        "scenario_id": scenario.id,
        "scenario_sha256": hashlib.sha256(data).hexdigest(),
        "sampler": sampler,
        "seed": seed,
        "runs_per_combination": len(design),
        "total_runs": len(full),
        "levers": space,
        "uncertainties": [u.__dict__ for u in unc],
        "grid_levels": grid_levels if sampler == "grid" else None,
        "per_turn": per_turn,
        "turns": played,
        "chunk_size": chunk_size,
        "labels": labels_of(scenario),
    }
    # The plan's identity: everything that decides the results, and not how the scenario's
    # path was spelled (its content is in scenario_sha256), so --resume accepts
    # ./scenarios/x.yaml for scenarios/x.yaml.
    hashed = {k: v for k, v in plan.items() if k not in UNHASHED}
    plan["plan_hash"] = hashlib.sha256(json.dumps(hashed, sort_keys=True, default=str)
                                       .encode()).hexdigest()
    plan["batch_id"] = plan["plan_hash"]
    return plan, full, text


UNHASHED = ("scenario",)


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
        yield ChunkTask(chunk, text, source, specs, plan["per_turn"], plan["turns"],
                        plan["batch_id"])


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def _executor(workers: int, scheduler: str | None):
    if scheduler is not None:
        try:
            return DaskCluster(scheduler)
        except ExecutorError as exc:
            raise BatchError(str(exc)) from None
    return InProcess() if workers == 1 else LocalProcesses(workers)


def run_batch(scenario, runs: int = 1000, seed: int = 0, sampler: str = "mc",
              levers: dict[str, list] | None = None, out=None, workers: int | None = None,
              scheduler: str | None = None, per_turn: bool = False, resume: bool = False,
              turns: int | None = None, grid_levels: int = 3, chunk_size: int | None = None,
              progress: bool = False, load: bool = True) -> BatchResult:
    """Run a batch and return its tables as DataFrames.

    ``out`` keeps the results on disk (and allows ``resume``); without it a temporary folder
    is used and removed. ``workers`` above ``worker_limit()`` are reduced to it. With
    ``load=False`` the tables are left on disk (``runs``, ``per_turn`` and ``failures`` are
    None): what ``brink batch`` does, whose per-turn table may not fit in memory.
    Raises BatchError / ScenarioError for bad requests (before anything is written), and
    BatchFailed when the batch cannot finish (finished chunks are kept for ``resume``).
    """
    if workers is not None:
        workers = min(_int_arg("--workers", workers, 1), worker_limit())
    if scheduler is not None and (not isinstance(scheduler, str) or not scheduler.strip()):
        raise BatchError(f"--scheduler expects an address such as tcp://HOST:8786, got "
                         f"{_show(scheduler)}")
    plan, full, text = plan_batch(scenario, runs, seed, sampler, levers, grid_levels, per_turn,
                                  turns, chunk_size)
    tmp = None
    if out is None:
        tmp = tempfile.TemporaryDirectory(prefix="brink-batch-")
        out = Path(tmp.name) / "batch"
    try:
        return _run(plan, full, text, str(scenario), Path(out), resume,
                    workers or usable_cores(), scheduler, progress, load,
                    keep=tmp is None)
    finally:
        if tmp:
            tmp.cleanup()


def _run(plan: dict, full: pd.DataFrame, text: str, source: str, out: Path, resume: bool,
         workers: int, scheduler: str | None, progress: bool, load: bool,
         keep: bool) -> BatchResult:
    store = BatchStore(out)
    try:
        done, redo = store.check(plan, resume)  # touches nothing
    except StoreError as exc:
        raise BatchError(str(exc)) from None
    resuming = bool(store.resuming)
    executor = _executor(workers, scheduler)  # a bad scheduler: nothing was created
    try:
        store.prepare(plan, redo)
    except StoreError as exc:
        executor.close()
        raise BatchError(str(exc)) from None
    manifest = {**plan, "status": "running", "executor": executor.name,
                "workers": executor.workers, **interpreter(),
                "started": datetime.now(UTC).isoformat(timespec="seconds"),
                "finished": None, "failures": None}
    if redo:
        manifest["redone"] = {str(c): why for c, why in sorted(redo.items())}
    total = len(full)
    already = sum(min(plan["chunk_size"], total - c * plan["chunk_size"]) for c in done)
    written = 0  # chunks written by this command
    bar = _NoBar()
    t0 = time.perf_counter()
    try:
        if resuming:
            old = store.read_manifest()
            manifest["started"] = old.get("started", manifest["started"])
            manifest["resumed"] = _count(old.get("resumed")) + 1
        store.write_manifest(manifest)
        if not resuming or not (out / "design.parquet").is_file():
            store.write_design(full)
        bar = _progress(total, already, progress)
        for result in executor.map_unordered(run_chunk, _tasks(full, text, source, plan,
                                                               done)):
            store.write_chunk(result.chunk, result.rows, result.per_turn, result.failures)
            written += 1
            bar.update(len(result.rows) + len(result.failures))
        failures = store.failure_count()
    except KeyboardInterrupt:
        manifest["status"] = "interrupted"
        with contextlib.suppress(OSError):
            store.write_manifest(manifest)
        raise
    except Exception as exc:
        kept = resuming or written or done
        if not kept:
            store.remove_created()  # failed before its first chunk: leave nothing behind
        raise BatchFailed(_failure_text(exc, out, kept)) from None
    finally:
        bar.close()
        executor.close()
    elapsed = time.perf_counter() - t0
    manifest.update(status="finished", finished=datetime.now(UTC).isoformat(timespec="seconds"),
                    failures=failures,
                    seconds_this_session=round(elapsed, 3),
                    runs_per_second=round((total - already) / elapsed, 1) if elapsed else None,
                    **_peak_rss())
    try:
        store.write_manifest(manifest)
        if not load:
            return BatchResult(None, None, None, manifest, out if keep else None)
        return BatchResult(store.read("runs"),
                           store.read("per_turn") if plan["per_turn"] else None,
                           store.read("failures"), manifest, out if keep else None)
    except (OSError, PartError) as exc:
        raise BatchFailed(_failure_text(exc, out, True)) from None


def _count(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _failure_text(exc: BaseException, out: Path, kept) -> str:
    """One line for a batch that stopped: what went wrong, and what is kept."""
    if isinstance(exc, PartError):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        what = f"cannot write to {out}: {exc.strerror}"
    else:
        text = " ".join(str(exc).split())
        what = f"the batch stopped: {type(exc).__name__}" + (f": {text[:300]}" if text else "")
    if kept:
        return (f"{what}. Finished chunks are kept in {out}: run the same command with "
                "--resume to continue")
    return f"{what}. Nothing was kept"


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

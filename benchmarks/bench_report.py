"""How long `brink report` takes on a 100,000-run batch (aim: under 60 s).

    .venv/bin/python benchmarks/bench_report.py --batch results/big   # time an existing batch
    .venv/bin/python benchmarks/bench_report.py --synthetic           # build one, then time it
    .venv/bin/python benchmarks/bench_report.py                       # run a real one (slow)

Without --batch, a batch of --runs runs with --per-turn is made in --workdir first:

* by default with `brink batch` itself (100,000 runs of the default scenario take about 20
  minutes on two cores, and the per-turn table is about 200 million rows);
* with --synthetic, by running a real batch of --seed-runs runs per lever option and
  replicating its tables into the same layout (runs/, per_turn/, design.parquet, manifest)
  up to --runs runs: every copy gets its own run index and seed and its parameters, headline
  figures and per-turn values are scaled by a random factor within +-5%, so the tables have
  the size, column types and spread of a real batch. It is a timing fixture, not results.

Then `brink report` runs as a separate process (start-up and imports included), once for HTML
and once for Markdown with PNG figures, and the wall-clock seconds are printed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
BRINK = [sys.executable, "-m", "cli"]
SCENARIO = ROOT / "scenarios" / "nk-100k.yaml"


def real_batch(out: Path, runs: int, workers: int | None) -> None:
    """``runs`` in all; ``brink batch --runs`` counts runs per lever option (three here)."""
    per_option = math.ceil(runs / 3)
    cmd = [*BRINK, "batch", str(SCENARIO), "--runs", str(per_option), "--seed", "1",
           "--per-turn", "--out", str(out)]
    if workers:
        cmd += ["--workers", str(workers)]
    subprocess.run(cmd, check=True, cwd=ROOT)


def synthetic_batch(out: Path, runs: int, seed_runs: int, workers: int | None) -> None:
    """Replicate a real batch of ``seed_runs`` runs per option to about ``runs`` runs."""
    from engine.batch.runner import run_seed
    from engine.batch.store import PER_TURN_COLUMNS, BatchStore

    source = out.with_name(out.name + "-source")
    if not (source / "manifest.json").exists():
        shutil.rmtree(source, ignore_errors=True)
        real_batch(source, seed_runs * 3, workers)
    manifest = json.loads((source / "manifest.json").read_text())
    src_runs = pd.read_parquet(source / "runs").sort_values("run").reset_index(drop=True)
    src_turns = pd.read_parquet(source / "per_turn")
    src_design = pd.read_parquet(source / "design.parquet")
    per_combination = math.ceil(runs / len(src_design["combination"].unique()))
    chunk = manifest["chunk_size"]
    rng = np.random.default_rng(0)

    # The synthetic plan: each combination gets per_combination runs, copied in turn from the
    # source runs of that combination.
    rows = []
    for combination, group in src_design.groupby("combination", sort=True):
        picks = np.resize(group["run"].to_numpy(), per_combination)
        rows.append(pd.DataFrame({"source": picks, "combination": combination}))
    plan = pd.concat(rows, ignore_index=True)
    total = len(plan)
    plan["run"] = np.arange(total)
    plan["seed"] = [run_seed(manifest["seed"], i) for i in range(total)]
    plan["factor"] = rng.uniform(0.95, 1.05, total)

    shutil.rmtree(out, ignore_errors=True)
    store = BatchStore(out)
    manifest.update(total_runs=total, runs_per_combination=per_combination,
                    synthetic_from=str(source), plan_hash="synthetic",
                    batch_id=None)  # its parts are written below without a batch identity
    store.open(manifest, resume=False)
    store.write_manifest(manifest)

    numeric = [c for c in src_runs.columns if c not in ("run", "seed", "turns")
               and not c.startswith(("lever.", "outcome.")) and
               pd.api.types.is_float_dtype(src_runs[c])]
    by_source = src_runs.set_index("run")
    design = by_source.loc[plan["source"], ["seed", *[c for c in src_runs.columns
                                                      if c.startswith(("lever.", "param."))]]]
    design = design.reset_index(drop=True)
    design["seed"] = plan["seed"].to_numpy()
    for c in design.columns:
        if c.startswith("param."):
            design[c] = design[c].to_numpy() * plan["factor"].to_numpy()
    design.insert(0, "run", plan["run"].to_numpy())
    design.insert(2, "combination", plan["combination"].to_numpy())
    store.write_design(design)

    turns_by_source = {run: g.drop(columns="run") for run, g in src_turns.groupby("run")}
    for start in range(0, total, chunk):
        block = plan.iloc[start:start + chunk]
        part = by_source.loc[block["source"]].reset_index(drop=True)
        part["run"] = block["run"].to_numpy()
        part["seed"] = block["seed"].to_numpy()
        factor = block["factor"].to_numpy()
        for c in numeric:
            part[c] = part[c].to_numpy() * factor
        turns = pd.concat([turns_by_source[s].assign(run=r, value=turns_by_source[s]["value"] * f)
                           for s, r, f in zip(block["source"], block["run"], factor, strict=True)],
                          ignore_index=True)[PER_TURN_COLUMNS]
        # Parquet directly rather than BatchStore.write_chunk, which takes rows as Python
        # tuples: converting 400,000 of them per part would dominate the build time.
        name = f"part-{start // chunk:05d}.parquet"
        part.to_parquet(out / "runs" / name, index=False)
        turns.to_parquet(out / "per_turn" / name, index=False)
        (out / "done" / f"{start // chunk:05d}").touch()
    manifest.update(status="finished", failures=0)
    store.write_manifest(manifest)


def time_report(batch: Path, out: Path, fmt: str) -> tuple[float, float, float]:
    """Wall-clock seconds, CPU seconds and peak memory (MB) of one `brink report` process.
    CPU time is printed too because wall time on a shared machine includes waiting."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([*BRINK, "report", str(batch), "--out", str(out), "--format", fmt],
                   check=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024  # ru_maxrss is in KB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=Path, help="time the report of this existing batch")
    parser.add_argument("--runs", type=int, default=100_000, help="runs to build (100,000)")
    parser.add_argument("--synthetic", action="store_true",
                        help="replicate a small real batch instead of running every run")
    parser.add_argument("--seed-runs", type=int, default=300,
                        help="real runs per lever option behind --synthetic (300)")
    parser.add_argument("--workers", type=int, help="workers for the real batch")
    parser.add_argument("--workdir", type=Path, default=Path("results/bench-report"))
    args = parser.parse_args()

    batch = args.batch
    if batch is None:
        batch = args.workdir / ("synthetic" if args.synthetic else "real")
        if not (batch / "manifest.json").exists():
            t0 = time.perf_counter()
            if args.synthetic:
                synthetic_batch(batch, args.runs, args.seed_runs, args.workers)
            else:
                real_batch(batch, args.runs, args.workers)
            print(f"built {batch} in {time.perf_counter() - t0:.0f} s")
    runs = len(pd.read_parquet(batch / "runs", columns=["run"]))
    size = sum(f.stat().st_size for f in batch.rglob("*") if f.is_file()) / 2**20
    print(f"batch {batch}: {runs:,} runs, {size:,.0f} MB on disk")
    out = args.workdir / "report"
    print(f"load average before: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for fmt in ("html", "md"):
        wall, cpu, peak = time_report(batch, out / f"report.{fmt}", fmt)
        size = (out / f"report.{fmt}").stat().st_size / 2**20
        print(f"brink report --format {fmt}: {wall:.1f} s wall, {cpu:.1f} s CPU, peak "
              f"{peak:,.0f} MB; report {size:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

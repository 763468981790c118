"""Batch throughput and memory: `brink batch` against `mesa.batch_run`, in one command.

    .venv/bin/python benchmarks/bench_batch.py [--runs 10000] [--big 100000] [--turns 52]
                                               [--repeats 1]

(``--big 0`` skips the memory run at --big, for a shorter check of throughput; ``--repeats``
interleaves the four configurations and keeps each one's fastest time.)

Plays the default scenario (lever fixed to its default, so every configuration plays the same
runs) and prints, for each configuration, runs/s and the ratios:
  * brink batch, 1 worker and 2 workers (each a separate `brink batch` process, so start-up and
    writing Parquet are included, as a user would see them);
  * mesa.batch_run with number_processes 1 and 2, driving the same model through a thin
    adapter (a DataCollector with the outcomes as model reporters, collected at the end), in
    two ways:
      - lean: the model told to record nothing (``record=False``), as brink batch runs it, so
        the ratio measures the runners alone;
      - as shipped: ``BrinkModel`` with its defaults, which record the per-turn frame, the
        causal log and the news feed the app shows, as a Mesa user handing the model to
        batch_run would run it (``--no-as-shipped`` skips these two);
  * then checks that the per-run outcomes of brink batch and mesa.batch_run are the same for
    the same seeds;
  * and reports brink batch's peak RSS (driver and largest worker) at --runs and at --big.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import mesa
import pandas as pd

from engine.batch import run_seed
from engine.core.provenance import interpreter
from engine.scenario.loader import load_scenario
from engine.sim.model import BrinkModel

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "nk-100k.yaml"
OUTCOMES = ("world.escalation_rung", "russia.strain", "north_korea.troops_abroad")
LEVER = ["--lever", "west_package=secondary", "--sampler", "fixed"]  # point values: as batch_run


class BatchRunBrink(BrinkModel):
    """BrinkModel in the shape mesa.batch_run expects: keyword parameters plus rng, and a
    DataCollector with model reporters."""

    _scenario = None

    def __init__(self, rng=None, turns: int = 52, record: bool = False):
        if BatchRunBrink._scenario is None:
            BatchRunBrink._scenario = load_scenario(SCENARIO)
        super().__init__(BatchRunBrink._scenario, rng=rng, turns=turns, record=record)
        reporters = {k: _reporter(k) for k in OUTCOMES}
        self.datacollector = mesa.DataCollector(model_reporters=reporters)

    def step(self):
        super().step()
        if not self.running:
            self.datacollector.collect(self)


def _reporter(key):
    def report(model):
        return model.summary()[key]
    report.__name__ = key.replace(".", "_")
    return report


def brink_batch(runs: int, workers: int, turns: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "b"
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cli", "batch", str(SCENARIO), "--runs",
                        str(runs), "--seed", "1", "--workers", str(workers), "--quiet",
                        "--turns", str(turns), "--out", str(out), *LEVER],
                       check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - t0
        manifest = json.loads((out / "manifest.json").read_text())
        runs_df = pd.read_parquet(out / "runs", columns=["run", "seed", *OUTCOMES])
    return {"seconds": seconds, "runs_per_s": runs / seconds, "manifest": manifest,
            "runs": runs_df.sort_values("run").reset_index(drop=True)}


def mesa_batch(runs: int, processes: int, turns: int, record: bool = False) -> dict:
    seeds = [run_seed(1, i) for i in range(runs)]
    t0 = time.perf_counter()
    rows = mesa.batch_run(BatchRunBrink, {"turns": turns, "record": record},
                          number_processes=processes,
                          rng=seeds, data_collection_period=-1, max_steps=turns + 1,
                          display_progress=False)
    seconds = time.perf_counter() - t0
    df = pd.DataFrame(rows).rename(columns={"rng": "seed"})
    return {"seconds": seconds, "runs_per_s": runs / seconds, "runs": df}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--turns", type=int, default=52)
    parser.add_argument("--repeats", type=int, default=1,
                        help="play the four configurations this many times, interleaved, and "
                             "keep each one's fastest (other work on the machine only slows)")
    parser.add_argument("--no-as-shipped", dest="as_shipped", action="store_false",
                        help="skip mesa.batch_run on the model as shipped (recording)")
    args = parser.parse_args()
    n = args.runs
    # which Python is timed: a build without PGO runs the engine about half as fast
    print("interpreter", sys.executable, *interpreter().values(), sep=" | ")
    print(f"scenario {SCENARIO.name}, {args.turns} turns, {n:,} runs per configuration"
          + (f", best of {args.repeats}" if args.repeats > 1 else ""))
    best: dict[str, dict] = {}
    for _ in range(max(1, args.repeats)):
        plays = [("b1", lambda: brink_batch(n, 1, args.turns)),
                 ("b2", lambda: brink_batch(n, 2, args.turns)),
                 ("m1", lambda: mesa_batch(n, 1, args.turns)),
                 ("m2", lambda: mesa_batch(n, 2, args.turns))]
        if args.as_shipped:
            plays += [("s1", lambda: mesa_batch(n, 1, args.turns, record=True)),
                      ("s2", lambda: mesa_batch(n, 2, args.turns, record=True))]
        for name, play in plays:
            r = play()
            if name not in best or r["seconds"] < best[name]["seconds"]:
                best[name] = r
    b1, b2, m1, m2 = best["b1"], best["b2"], best["m1"], best["m2"]
    for name, r in (("brink batch, 1 worker", b1), ("brink batch, 2 workers", b2),
                    ("mesa.batch_run, 1 process", m1), ("mesa.batch_run, 2 processes", m2)):
        print(f"  {name:28s} {r['seconds']:8.1f} s  {r['runs_per_s']:7.1f} runs/s")
    print(f"  speed-up 1 -> 2 workers (brink):      x{b2['runs_per_s'] / b1['runs_per_s']:.2f}")
    print(f"  speed-up 1 -> 2 processes (mesa):     x{m2['runs_per_s'] / m1['runs_per_s']:.2f}")
    print(f"  brink / mesa.batch_run, 1 worker:     x{b1['runs_per_s'] / m1['runs_per_s']:.2f}")
    print(f"  brink / mesa.batch_run, 2 workers:    x{b2['runs_per_s'] / m2['runs_per_s']:.2f}")
    mesa_runs = m1["runs"].set_index("seed").sort_index()
    brink_runs_sorted = b1["runs"].set_index("seed").sort_index()
    same = all((mesa_runs[c].to_numpy() == brink_runs_sorted[c].to_numpy()).all()
               for c in OUTCOMES)
    print(f"  same per-run outcomes (brink vs mesa.batch_run, same seeds): {same}")
    if args.as_shipped:
        s1, s2 = best["s1"], best["s2"]
        for name, r in (("mesa.batch_run as shipped, 1 process", s1),
                        ("mesa.batch_run as shipped, 2 processes", s2)):
            print(f"  {name:39s} {r['seconds']:8.1f} s  {r['runs_per_s']:7.1f} runs/s")
        print(f"  brink / mesa.batch_run as shipped, 1 worker:  "
              f"x{b1['runs_per_s'] / s1['runs_per_s']:.2f}")
        print(f"  brink / mesa.batch_run as shipped, 2 workers: "
              f"x{b2['runs_per_s'] / s2['runs_per_s']:.2f}")
        shipped = s1["runs"].set_index("seed").sort_index()
        same_shipped = all((shipped[c].to_numpy() == brink_runs_sorted[c].to_numpy()).all()
                           for c in OUTCOMES)
        print(f"  same per-run outcomes (brink vs mesa.batch_run as shipped): {same_shipped}")

    if args.big <= 0:
        m = b2["manifest"]
        print(f"  peak RSS at {n:,} runs: driver {m['peak_rss_mb_driver']:.0f} MB, "
              f"largest worker {m['peak_rss_mb_worker']:.0f} MB (no --big run)")
        return
    big = brink_batch(args.big, 2, args.turns)
    for label, r in ((f"{n:,}", b2), (f"{args.big:,}", big)):
        m = r["manifest"]
        print(f"  peak RSS at {label:>8s} runs: driver {m['peak_rss_mb_driver']:.0f} MB, "
              f"largest worker {m['peak_rss_mb_worker']:.0f} MB")
    ratio = big["manifest"]["peak_rss_mb_driver"] / b2["manifest"]["peak_rss_mb_driver"]
    print(f"  driver peak RSS ratio {args.big:,} / {n:,} runs: x{ratio:.2f}")


if __name__ == "__main__":
    main()

"""Benchmark of the tabletop app's two waits: adjudicating a turn (until the dashboard's data
is ready) and playing 1,000 futures of the remaining turns.

    .venv/bin/python benchmarks/bench_app.py [--futures 1000] [--turn 3] [--workers N]

Aims (docs/reference/performance.md, "Tabletop app"): a turn adjudicated and its dashboard
ready in under
1 s; 1,000 futures of the remaining turns of the default scenario in under 10 s.

"Dashboard ready" = everything the Play page computes from the replayed model: the tidy frame,
the event feed, the "why?" of the turn, the intelligence reports and the news, measured
without Streamlit's own drawing (which runs in the browser). The store is a temporary SQLite
file, written as in the app.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.exercise.session import Exercise, ExerciseStore  # noqa: E402
from engine.narrate.explain import headline_changes  # noqa: E402
from engine.sim import futures as F  # noqa: E402
from ui import core  # noqa: E402

SCENARIO = ROOT / "scenarios" / "nk-100k.yaml"


def dashboard_data(ex: Exercise) -> None:
    model = ex.model()
    frame = model.frame()
    events = model.events_frame()
    core.escalation(frame)
    core.per_actor(frame, "strain", ex.names)
    core.intelligence_reports(events, ex.names, model.state.turn)
    core.news_feed(events, ex.names, last=model.state.turn)
    headline_changes(model, model.state.turn)
    core.sanctions_table(model)


def bench_turns(store: ExerciseStore, turns: int) -> list[float]:
    """Seconds per turn: submit one team's move, adjudicate, compute the dashboard."""
    ex = Exercise.start(SCENARIO.read_text(encoding="utf-8"), SCENARIO.name, seed=1,
                        teams={"west": "human"}, store=store)
    times = []
    for turn in range(1, turns + 1):
        start = time.perf_counter()
        move = ([{"move": "impose_sanctions",
                  "params": {"target": "russia", "package": "comprehensive"}}]
                if turn == 1 else [])
        ex.submit("west", move, f"turn {turn}", turn=ex.pending_turn)
        ex.adjudicate()
        dashboard_data(ex)
        times.append(time.perf_counter() - start)
    return times


def bench_futures(store: ExerciseStore, n: int, turn: int, workers: int | None) -> dict:
    ex = Exercise.start(SCENARIO.read_text(encoding="utf-8"), SCENARIO.name, seed=1,
                        teams={"west": "human"}, store=store)
    for _ in range(turn):
        ex.adjudicate()
    out = {"remaining": ex.turns - ex.turn}
    workers = workers or F.default_workers()
    if workers > 1:
        start = time.perf_counter()
        F.warm_up(workers, ex.scenario_text, ex.source)  # as the Set-up page does
        pool = F._get_pool(workers)
        for _ in range(workers):  # wait until the pool has done it
            pool.submit(F._noop).result()
        out["warm_up"] = time.perf_counter() - start
    for label in ("first", "second"):
        start = time.perf_counter()
        result = ex.futures(n, workers=workers)
        out[label] = time.perf_counter() - start
    out["runs"] = len(result.runs)
    out["workers"] = workers
    # CPU time of one future in this process: with other work running on the machine, wall
    # times above are inflated; CPU seconds / cores estimates the same job on an idle machine.
    cpu = time.process_time()
    ex.futures(100, workers=1)
    out["cpu_ms"] = (time.process_time() - cpu) / 100 * 1000
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--futures", type=int, default=1000)
    parser.add_argument("--turn", type=int, default=3, help="fork after this many turns")
    parser.add_argument("--turns", type=int, default=52, help="turns to adjudicate")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = ExerciseStore(Path(tmp) / "bench.sqlite")
        times = bench_turns(store, args.turns)
        print(f"turn adjudicated + dashboard data, {args.turns} turns: "
              f"median {statistics.median(times) * 1000:.0f} ms, "
              f"max {max(times) * 1000:.0f} ms (turn {times.index(max(times)) + 1}); "
              f"aim < 1000 ms: {'met' if max(times) < 1 else 'not met'}")
        f = bench_futures(store, args.futures, args.turn, args.workers)
        warm = f" (pool start {f['warm_up']:.1f} s, before the button)" if "warm_up" in f else ""
        print(f"{f['runs']:,} futures of {f['remaining']} turns, {f['workers']} worker(s){warm}: "
              f"first {f['first']:.1f} s, again {f['second']:.1f} s; aim < 10 s: "
              f"{'met' if f['second'] < 10 else 'not met'}")
        cores = os.cpu_count() or 1
        idle = f["cpu_ms"] * f["runs"] / 1000 / min(cores, f["workers"])
        print(f"CPU per future {f['cpu_ms']:.1f} ms: {f['runs']:,} futures on {f['workers']} "
              f"idle core(s) ~ {idle:.1f} s; load average now {os.getloadavg()[0]:.1f} "
              f"on {cores} cores")
    F.shutdown_pool()


if __name__ == "__main__":
    main()

"""Engine speed: full runs of the default scenario against a bare Mesa model, in one process.

    .venv/bin/python benchmarks/bench_engine.py [--runs 200] [--repeats 5]

Times, interleaved in the same process so machine noise hits both alike:
  * brink, recording   - BrinkModel(record=True): per-turn frame, causal log, event feed
  * brink, lean        - BrinkModel(record=False): same rules and numbers, nothing recorded
                         (what batch runs use)
  * bare Mesa          - a Mesa 3 Model with the same number of agents and steps whose agents
                         do nothing: the floor set by the framework itself
Prints the median milliseconds per run over ``repeats`` blocks and the ratios to bare Mesa.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import mesa

from engine.core.provenance import interpreter
from engine.scenario.loader import load_scenario
from engine.sim.model import BrinkModel

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "nk-100k.yaml"


class IdleAgent(mesa.Agent):
    def decide(self) -> None:
        pass


class BareModel(mesa.Model):
    """Same agents and steps as the scenario; no rules."""

    def __init__(self, n_agents: int, rng=None):
        super().__init__(rng=rng)
        for _ in range(n_agents):
            IdleAgent(self)

    def step(self) -> None:
        self.agents.do(IdleAgent.decide)


def time_block(make, runs: int, turns: int) -> float:
    start = time.perf_counter()
    for seed in range(runs):
        model = make(seed)
        for _ in range(turns):
            model.step()
    return (time.perf_counter() - start) / runs * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    scenario = load_scenario(SCENARIO)
    turns = scenario.clock.turns
    n_agents = len(scenario.actors)
    contenders = {
        "brink, recording": lambda s: BrinkModel(scenario, rng=s, record=True),
        "brink, lean": lambda s: BrinkModel(scenario, rng=s, record=False),
        "bare Mesa": lambda s: BareModel(n_agents, rng=s),
    }
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(args.repeats):
        for name, make in contenders.items():
            times[name].append(time_block(make, args.runs, turns))
    bare = statistics.median(times["bare Mesa"])
    # which Python is timed: a build without PGO runs the engine about half as fast
    print("interpreter", sys.executable, *interpreter().values(), sep=" | ")
    print(f"scenario {SCENARIO.name}: {n_agents} actors, {turns} turns; "
          f"{args.runs} runs x {args.repeats} repeats, median per run")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:18s} {median:8.2f} ms/run  {1000 / median:8.0f} runs/s  "
              f"x{median / bare:6.1f} bare Mesa")


if __name__ == "__main__":
    main()

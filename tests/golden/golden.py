"""The golden comparison: what the engine gives for the shipped scenarios, kept as a fixture,
so that a rebuild of the engine's core can prove that nothing else changed (issue 15).

    python -m tests.golden.golden            compare the engine with the fixture (exit 1 on a
                                             difference, naming the table, case and row)
    python -m tests.golden.golden --write    write the fixture anew (only when a change of
                                             results is intended, and say so in the commit)

The cases: every shipped scenario, calibration episode and lesson, played by the engine with
two seeds each; an exercise with human moves, an ad-hoc inject, an edited inject and a rewind;
Monte Carlo futures of that exercise (with and without parameter draws); and a small batch
over nk-100k's uncertain parameters and one lever. For each, the tables a
user sees: the summary, the per-turn frame, the event feed, the move log and the causal log
without its cause columns (which are allowed to gain references), and for the batch its runs
table. Values must be identical, bit for bit.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).resolve().parent / "fixture"
SEEDS = (1, 2)
CAUSE_COLUMNS = ("kind", "ref", "why", "refs")  # the cause: gains references; the rest is equal


def scenario_files() -> list[Path]:
    folder = ROOT / "scenarios"
    return sorted([*folder.glob("*.yaml"), *(folder / "calibration").glob("*.yaml"),
                   *(folder / "lessons").glob("*.yaml")])


def _tables(model) -> dict[str, pd.DataFrame]:
    from engine.sim.runfiles import move_log_json

    log = model.log_frame()
    summary = pd.DataFrame([{"key": k, "value": json.dumps(v, sort_keys=True, default=str)}
                            for k, v in model.summary().items()])
    moves = pd.DataFrame([{k: json.dumps(v, sort_keys=True) if isinstance(v, dict) else v
                           for k, v in m.items()} for m in move_log_json(model.move_log)],
                         columns=["id", "actor", "move", "params", "source", "rationale"])
    return {"summary": summary, "per_turn": model.frame(), "events": model.events_frame(),
            "moves": moves,
            "causal_log": log.drop(columns=[c for c in CAUSE_COLUMNS if c in log.columns])}


def _runs() -> dict[str, dict[str, pd.DataFrame]]:
    from engine.scenario.loader import load_scenario
    from engine.sim.model import BrinkModel

    out = {}
    for path in scenario_files():
        scenario = load_scenario(path)
        for seed in SEEDS:
            model = BrinkModel(scenario, rng=seed)
            model.run()
            out[f"{path.stem}-seed{seed}"] = _tables(model)
    return out


def _exercise() -> dict[str, dict[str, pd.DataFrame]]:
    from engine.exercise.session import Exercise

    path = ROOT / "scenarios" / "nk-100k.yaml"
    ex = Exercise.start(path.read_text(encoding="utf-8"), path.name, seed=9,
                        teams={"west": "human", "north_korea": "human"}, turns=8)
    sanction = {"move": "impose_sanctions", "params": {"target": "russia",
                                                      "package": "comprehensive"}}
    ex.submit("west", [sanction], "golden", turn=1)
    ex.add_inject("A freighter is stopped.", effects=[{"target": "north_korea",
                                                       "var": "readiness", "op": "add",
                                                       "value": -0.05}])
    scheduled = next(i for i in ex.scenario.injects if i.turn >= 1)
    ex.decide_inject(scheduled.id, True, "An edited report.")
    for _ in range(4):
        ex.adjudicate()
    ex.rewind(2, "Second try")
    ex.submit("north_korea", [{"move": "hold"}], "wait", turn=3)
    while not ex.finished:
        ex.adjudicate()
    return {f"exercise-branch{b}": _tables(ex.model(b)) for b in ex.branches}


def _futures() -> dict[str, dict[str, pd.DataFrame]]:
    """Futures of an exercise at turn 3, with and without parameter draws (in-process)."""
    from engine.exercise.session import Exercise

    path = ROOT / "scenarios" / "nk-100k.yaml"
    ex = Exercise.start(path.read_text(encoding="utf-8"), path.name, seed=9,
                        teams={"west": "human"}, turns=12)
    for _ in range(3):
        ex.adjudicate()
    out = {}
    for uncertain in (True, False):
        futures = ex.futures(n=30, workers=1, uncertain=uncertain)
        cube = pd.concat([futures.per_turn(actor, variable) for actor, variable in
                          sorted(futures.labels)], ignore_index=True)
        out[f"futures-{'drawn' if uncertain else 'fixed'}"] = {
            "runs": futures.runs.sort_index(axis=1), "cube": cube}
    return out


def _batch() -> dict[str, dict[str, pd.DataFrame]]:
    from engine.batch.runner import run_batch

    path = ROOT / "scenarios" / "nk-100k.yaml"
    with tempfile.TemporaryDirectory() as tmp:
        result = run_batch(path, runs=12, seed=5, sampler="lhs", workers=1,
                           levers={"west_package": ["targeted", "secondary"]},
                           out=Path(tmp) / "b", per_turn=False)
    runs = result.runs.sort_values("run").reset_index(drop=True)
    return {"batch": {"runs": runs.drop(columns=[c for c in runs.columns
                                                  if c in ("seconds", "worker")])}}


def current() -> dict[str, dict[str, pd.DataFrame]]:
    """Every case's tables, as the engine gives them now."""
    return {**_runs(), **_exercise(), **_futures(), **_batch()}


def write() -> None:
    now = current()  # everything first: a failure leaves the fixture as it was
    FIXTURE.mkdir(parents=True, exist_ok=True)
    for old in FIXTURE.glob("*.parquet"):
        old.unlink()
    for case, tables in now.items():
        for name, table in tables.items():
            table.to_parquet(FIXTURE / f"{case}.{name}.parquet", index=False)


def differences(now: dict[str, dict[str, pd.DataFrame]] | None = None) -> list[str]:
    """Every table that differs from the fixture, each with its first differing row."""
    now = current() if now is None else now
    found = []
    expected = {p.name.removesuffix(".parquet") for p in FIXTURE.glob("*.parquet")}
    produced = {f"{case}.{name}" for case, tables in now.items() for name in tables}
    found += [f"{key}: in the fixture, not produced now" for key in sorted(expected - produced)]
    found += [f"{key}: produced now, not in the fixture" for key in sorted(produced - expected)]
    for case, tables in now.items():
        for name, table in tables.items():
            key = f"{case}.{name}"
            if key not in expected:
                continue
            then = pd.read_parquet(FIXTURE / f"{key}.parquet")
            table = table.reset_index(drop=True)
            if list(then.columns) != list(table.columns):
                found.append(f"{key}: columns {list(then.columns)} then, "
                             f"{list(table.columns)} now")
                continue
            if len(then) != len(table):
                found.append(f"{key}: {len(then)} rows then, {len(table)} now")
                continue
            try:
                pd.testing.assert_frame_equal(then, table, check_exact=True,
                                              check_dtype=False)
            except AssertionError as exc:
                found.append(f"{key}: {str(exc).splitlines()[0]} ... "
                             f"{' '.join(str(exc).split())[:400]}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the fixture anew")
    args = parser.parse_args(argv)
    if args.write:
        write()
        print(f"wrote {len(list(FIXTURE.glob('*.parquet')))} tables to {FIXTURE}")
        return 0
    found = differences()
    for line in found:
        print(line)
    print("identical to the fixture" if not found else f"{len(found)} tables differ")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

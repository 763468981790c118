"""Screening: which model parameters drive escalation and strain (Morris elementary effects).

Every parameter of engine/core/parameters.py is moved across its stated plausible range along
Morris trajectories (SALib: ``SALib.sample.morris.sample`` with Campolongo's optimised
trajectories, ``SALib.analyze.morris.analyze``). Each design point is played with the same few
seeds (common random numbers), and the output is their mean, so an elementary effect is the
change a parameter makes rather than the luck of a different draw. The points run through the
batch worker (``engine.batch.worker.run_chunk``) on local processes.

``mu_star`` (the mean absolute elementary effect, in the output's units per move of a
parameter across the range's grid step) ranks influence; ``sigma`` large relative to
``mu_star`` flags non-linear effects or interactions. This is a screening method: it ranks, it
does not apportion variance (use a Sobol batch, analysis/sensitivity.py, for that).

``brink check-model --screening`` prints the ranking; with
``--model-doc docs/reference/model.md`` it
rewrites the screening section of that page between its markers.
"""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from engine.batch.executors import InProcess, LocalProcesses
from engine.batch.worker import ChunkTask, RunSpec, run_chunk
from engine.core.parameters import PARAMETERS
from engine.core.variables import VARIABLES
from engine.narrate.explain import labels_of, summary_label
from engine.scenario.loader import load_scenario
from engine.scenario.shipped import shipped_path

SCENARIO = "scenarios/nk-100k.yaml"
SCREENED = ("max.world.escalation_level", "north_korea.strain", "russia.strain")
# Each output as the reports name it, with its unit (the table of variables).
_LABELS = labels_of(load_scenario(shipped_path(SCENARIO)))
OUTPUTS = {column: f"{summary_label(column, _LABELS)} "
                   f"({VARIABLES[column.rsplit('.', 1)[1]].unit})" for column in SCREENED}
TRAJECTORIES = 20
# Campolongo's selection with local optimisation grows much faster than the trajectories: on
# one core 2 s for 20, 13 s for 30, 44 s for 40, 125 s for 50. More is refused (issue 14).
MAX_TRAJECTORIES = 50
LEVELS = 4
SEEDS = 3
SEED = 2024
TOP = 8
BEGIN = "<!-- BEGIN MEASURED: screening -->"
END = "<!-- END MEASURED: screening -->"


class ScreeningError(ValueError):
    """A bad screening request (exit status 2 in the CLI)."""


def problem() -> dict:
    names = list(PARAMETERS)
    return {"num_vars": len(names), "names": names,
            "bounds": [[PARAMETERS[n].low, PARAMETERS[n].high] for n in names]}


def design(trajectories: int = TRAJECTORIES, seed: int = SEED) -> np.ndarray:
    from SALib.sample import morris

    if trajectories < 2:
        raise ScreeningError(f"--trajectories must be at least 2, got {trajectories}")
    if trajectories > MAX_TRAJECTORIES:
        raise ScreeningError(f"--trajectories must be at most {MAX_TRAJECTORIES} (choosing "
                             f"them takes minutes beyond that), got {trajectories:,}")
    # Campolongo's selection: draw 10x the trajectories, keep the most spread-out ones
    return morris.sample(problem(), N=10 * trajectories, num_levels=LEVELS,
                         optimal_trajectories=trajectories, local_optimization=True,
                         seed=seed)


def evaluate(x: np.ndarray, scenario: str = SCENARIO, seeds: int = SEEDS,
             workers: int | None = None, chunk: int = 60) -> pd.DataFrame:
    """Each row of ``x`` played with ``seeds`` seeds; the mean of each output per row."""
    file = shipped_path(scenario)
    load_scenario(file)  # a bad file fails here with a ScenarioError
    text = file.read_text(encoding="utf-8")
    names = problem()["names"]
    specs = [RunSpec(i * seeds + s, s, {n: float(v) for n, v in zip(names, row, strict=True)})
             for i, row in enumerate(x) for s in range(seeds)]
    tasks = [ChunkTask(c, text, scenario, tuple(specs[c * chunk:(c + 1) * chunk]))
             for c in range(math.ceil(len(specs) / chunk))]
    n = workers or 2
    executor = InProcess() if n == 1 else LocalProcesses(n)
    rows, failures = [], []
    try:
        for result in executor.map_unordered(run_chunk, tasks):
            rows += result.rows
            failures += result.failures
    finally:
        executor.close()
    if failures:
        raise ScreeningError(f"{len(failures)} screening run(s) failed, e.g. "
                             f"{failures[0]['error']}")
    runs = pd.DataFrame(rows).sort_values("run")
    runs["point"] = runs["run"] // seeds
    return runs.groupby("point")[list(OUTPUTS)].mean()


def screen(trajectories: int = TRAJECTORIES, seeds: int = SEEDS, workers: int | None = None,
           seed: int = SEED, scenario: str = SCENARIO) -> pd.DataFrame:
    """Morris mu*, sigma and rank of every parameter for every output."""
    from SALib.analyze import morris

    if seeds < 1:
        raise ScreeningError(f"--seeds must be at least 1, got {seeds}")
    x = design(trajectories, seed)
    y = evaluate(x, scenario, seeds, workers)
    rows = []
    for output in OUTPUTS:
        res = morris.analyze(problem(), x, y[output].to_numpy(dtype=float),
                             num_levels=LEVELS, seed=seed)
        table = pd.DataFrame({"parameter": res["names"], "mu_star": res["mu_star"],
                              "sigma": res["sigma"], "mu_star_conf": res["mu_star_conf"]})
        table = table.sort_values(["mu_star", "parameter"], ascending=[False, True])
        table["rank"] = range(1, len(table) + 1)
        table.insert(0, "output", output)
        rows.append(table)
    return pd.concat(rows, ignore_index=True)


def _fmt(x: float) -> str:
    return f"{x:.3g}"


def text_ranking(table: pd.DataFrame, top: int = TOP) -> str:
    lines = []
    for output, label in OUTPUTS.items():
        part = table[table["output"] == output].head(top)
        lines.append(f"{label} [{output}]")
        for r in part.itertuples():
            lines.append(f"  {r.rank:2d}. {r.parameter:36s} mu*={_fmt(r.mu_star):>8s} "
                         f"sigma={_fmt(r.sigma):>8s}")
        lines.append("")
    return "\n".join(lines).rstrip()


def render_section(table: pd.DataFrame, trajectories: int, seeds: int, seed: int,
                   top: int = TOP) -> str:
    """The Markdown that goes between the screening markers of docs/reference/model.md."""
    k = len(PARAMETERS)
    lines = [
        f"_Measured by `brink check-model --screening --model-doc docs/reference/model.md` "
        f"(analysis/screening.py): Morris elementary effects on `{SCENARIO}`, "
        f"{trajectories} trajectories x {k + 1} points x {seeds} seeds "
        f"(= {trajectories * (k + 1) * seeds:,} runs), {LEVELS} levels, design seed {seed}, "
        f"every parameter over its plausible range. Engine parameters fingerprint "
        f"`{parameters_fingerprint()[:16]}`; rerun after changing the model._",
        "",
    ]
    by = {o: table[table["output"] == o] for o in OUTPUTS}
    header = "| rank | " + " | ".join(f"{OUTPUTS[o]}: parameter (mu*, sigma)"
                                         for o in OUTPUTS) + " |"
    lines += [header, "|---|" + "---|" * len(OUTPUTS)]
    for i in range(top):
        cells = []
        for o in OUTPUTS:
            r = by[o].iloc[i]
            cells.append(f"`{r.parameter}` ({_fmt(r.mu_star)}, {_fmt(r.sigma)})")
        lines.append(f"| {i + 1} | " + " | ".join(cells) + " |")
    lines.append("")
    for o in OUTPUTS:
        part = by[o]
        biggest = float(part["mu_star"].max())
        idle = sorted(part.loc[part["mu_star"] <= 0.01 * biggest, "parameter"])
        lines.append(f"- {OUTPUTS[o]}: {len(idle)} of {k} parameters have mu* at most 1% of "
                     f"the largest" + (f" ({', '.join(f'`{p}`' for p in idle)})." if idle
                                       else "."))
    return "\n".join(lines) + "\n"


def parameters_fingerprint() -> str:
    text = repr(sorted((p.name, p.value, p.low, p.high) for p in PARAMETERS.values()))
    return hashlib.sha256(text.encode()).hexdigest()


_SECTION = re.compile(re.escape(BEGIN) + r"\n.*?" + re.escape(END), re.DOTALL)


def update_model_doc(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8")
    if len(_SECTION.findall(text)) != 1:
        raise ScreeningError(f"{path}: expected exactly one {BEGIN} ... {END} block")
    path.write_text(_SECTION.sub(lambda _: f"{BEGIN}\n{section}{END}", text),
                    encoding="utf-8")

"""Reading a batch folder written by ``brink batch``: the one reader behind ``brink report``,
``brink compare`` and the app.

``load_batch(path)`` checks the folder before anything is computed from it, so that a wrong
folder ends in one clear sentence rather than a pandas traceback or, worse, a plausible report
built from two batches mixed together:

* the folder must exist and hold a readable ``manifest.json`` written by ``brink batch``;
* it must hold at least one finished run;
* every ``runs/`` part must have the same columns, no run may appear twice or lie outside the
  plan, and each run's seed and lever values must match ``design.parquet`` (a part copied in
  from another batch, or from another scenario, breaks one of these);
* every ``per_turn/`` part must have the per-turn columns.

The per-turn table is not loaded up front: at 100,000 runs it holds about 200 million rows.
``Batch.per_turn(variables, actors)`` reads only the rows asked for.

Names: ``Batch.label(column)``, ``Batch.title`` and ``Batch.actor_name(id)`` are where reports
get the words for ids (the manifest's ``labels`` block, written by ``brink batch``; a batch
without it falls back to ids with spaces), and ``option_label`` for a lever option.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from engine.batch.store import MANIFEST, PER_TURN_COLUMNS
from engine.cli import UsageError
from engine.explain import summary_label

# Keys every manifest written by engine.batch.runner.plan_batch carries; a JSON file without
# them is not a batch manifest.
REQUIRED_KEYS = ("scenario_id", "scenario_sha256", "sampler", "seed", "total_runs",
                 "runs_per_combination", "levers", "uncertainties")


class BatchReadError(UsageError):
    """A folder that is not a readable, consistent batch (exit status 2 in the CLI)."""


@dataclass
class Batch:
    path: Path
    manifest: dict
    runs: pd.DataFrame  # one row per finished run, sorted by run
    failures: pd.DataFrame  # one row per run that raised
    design: pd.DataFrame  # the plan: one row per planned run
    per_turn_parts: list[Path] = field(default_factory=list)

    @property
    def scenario_id(self) -> str:
        return self.manifest["scenario_id"]

    @property
    def scenario_sha256(self) -> str:
        return self.manifest["scenario_sha256"]

    @property
    def labels(self) -> dict:
        """The manifest's names by id (title, actors, outcomes, levers); {} for batches written
        before manifests kept them."""
        labels = self.manifest.get("labels")
        return labels if isinstance(labels, dict) else {}

    @property
    def title(self) -> str:
        """The scenario's title, else its id."""
        return self.labels.get("title") or self.scenario_id

    def label(self, column: str) -> str:
        """A runs-table column in words: "outcome.wider_war" -> the outcome's name,
        "lever.west_package" -> the lever's label, "max.world.escalation_level" -> "peak
        escalation level" (engine.explain.summary_label)."""
        return summary_label(column, self.labels)

    def actor_name(self, actor_id: str) -> str:
        return self.labels.get("actors", {}).get(actor_id, actor_id.replace("_", " "))

    @property
    def outcomes(self) -> list[str]:
        """Named outcome ids (the ``outcome.<id>`` columns)."""
        return [c[len("outcome."):] for c in self.runs.columns if c.startswith("outcome.")]

    @property
    def levers(self) -> list[str]:
        """Lever columns (``lever.<name>``) that take more than one value in this batch."""
        return [c for c in self.runs.columns
                if c.startswith("lever.") and self.runs[c].nunique() > 1]

    @property
    def parameters(self) -> list[str]:
        """Sampled parameter columns (``param.<name>``)."""
        return [c for c in self.runs.columns if c.startswith("param.")]

    @property
    def has_per_turn(self) -> bool:
        return bool(self.per_turn_parts)

    @property
    def finished(self) -> bool:
        return self.manifest.get("status") == "finished"

    def per_turn(self, variables: list[str] | None = None, actors: list[str] | None = None,
                 max_runs: int | None = None) -> pd.DataFrame:
        """Rows of the per-turn table (``run, turn, actor, variable, value``), only those of
        ``variables`` and ``actors`` when given. ``actor`` and ``variable`` come back as
        categoricals: comparing them is then cheap even for tens of millions of rows.

        ``max_runs`` bounds the cost for big batches: only about that many runs are read, as
        whole parts spread evenly over the batch. Parts hold consecutive runs and lever
        combinations are consecutive blocks of runs, so every combination keeps its share.
        """
        if not self.per_turn_parts:
            raise BatchReadError(f"{self.path} has no per-turn table: the batch was run "
                                 "without --per-turn")
        parts = self.per_turn_parts
        per_part = max(1, math.ceil(len(self.runs) / len(parts)))
        if max_runs is not None and len(parts) * per_part > max_runs:
            wanted = max(1, math.ceil(max_runs / per_part))
            parts = [parts[i * len(parts) // wanted] for i in range(wanted)]
        filters = []
        if variables is not None:
            filters.append(("variable", "in", list(variables)))
        if actors is not None:
            filters.append(("actor", "in", list(actors)))
        # One file at a time: measured faster than a pyarrow dataset scan over the same parts.
        tables = [pq.read_table(part, columns=PER_TURN_COLUMNS, filters=filters or None,
                                read_dictionary=["actor", "variable"]) for part in parts]
        return pa.concat_tables(tables, promote_options="permissive").to_pandas()


def option_label(value) -> str:
    """A lever option as people read it: "secondary_sanctions" -> "secondary sanctions"."""
    return str(value).replace("_", " ")


def load_batch(path) -> Batch:
    """Read and check the batch in ``path``; raise BatchReadError naming what is wrong."""
    path = Path(path)
    if not path.exists():
        raise BatchReadError(f"{path} does not exist")
    if not path.is_dir():
        raise BatchReadError(f"{path} is not a folder; give the --out folder of brink batch")
    manifest = _read_manifest(path)
    runs = _read_runs(path, manifest)
    design = _read_table(path / "design.parquet")
    if not design.empty:
        _check_against_design(path, runs, design)
    failures = _read_parts(path, "failures")
    per_turn_parts = _part_files(path, "per_turn")
    for part in per_turn_parts:
        names = _schema_names(part)
        if names != PER_TURN_COLUMNS:
            raise BatchReadError(f"{part} is not a per-turn part (columns {', '.join(names)}; "
                                 f"expected {', '.join(PER_TURN_COLUMNS)})")
    return Batch(path, manifest, runs, failures, design, per_turn_parts)


def _read_manifest(path: Path) -> dict:
    file = path / MANIFEST
    if not file.exists():
        raise BatchReadError(f"{path} is not a batch folder (no {MANIFEST}); make one with "
                             f"brink batch SCENARIO --out {path}")
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BatchReadError(f"{file} is unreadable: {exc}") from None
    missing = [k for k in REQUIRED_KEYS if not isinstance(manifest, dict) or k not in manifest]
    if missing:
        raise BatchReadError(f"{file} is not a brink batch manifest (no {missing[0]!r})")
    return manifest


def _part_files(path: Path, table: str) -> list[Path]:
    folder = path / table
    return sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []


def _schema_names(part: Path) -> list[str]:
    try:
        return pq.read_schema(part).names
    except (OSError, pa.ArrowException) as exc:
        raise BatchReadError(f"{part} is not a readable Parquet file ({exc})") from None


def _read_table(file: Path) -> pd.DataFrame:
    if not file.exists():
        return pd.DataFrame()
    try:
        return pd.read_parquet(file)
    except (OSError, pa.ArrowException) as exc:
        raise BatchReadError(f"{file} is not a readable Parquet file ({exc})") from None


def _read_parts(path: Path, table: str) -> pd.DataFrame:
    parts = _part_files(path, table)
    if not parts:
        return pd.DataFrame(columns=["run"])
    try:
        # "permissive" lets a part whose column happens to be all-null join the others
        tables = pa.concat_tables([pq.read_table(p) for p in parts],
                                  promote_options="permissive")
    except (OSError, pa.ArrowException) as exc:
        raise BatchReadError(f"{path / table} holds parts that do not fit together "
                             f"({exc})") from None
    return tables.to_pandas().sort_values("run", kind="stable").reset_index(drop=True)


def _read_runs(path: Path, manifest: dict) -> pd.DataFrame:
    parts = _part_files(path, "runs")
    status = manifest.get("status", "unknown")
    if not parts:
        failed = len(_part_files(path, "failures"))
        why = (f"every finished chunk failed ({failed} failure parts)" if failed
               else f"status: {status}")
        raise BatchReadError(f"{path} is an empty batch: no finished runs ({why})")
    first = _schema_names(parts[0])
    for part in parts[1:]:
        names = _schema_names(part)
        if set(names) != set(first):
            extra = sorted(set(names) - set(first))
            lost = sorted(set(first) - set(names))
            detail = "; ".join(filter(None, [
                f"extra {', '.join(extra[:3])}" if extra else "",
                f"missing {', '.join(lost[:3])}" if lost else ""]))
            raise BatchReadError(
                f"{path} mixes batches: {part.relative_to(path)} has other columns than "
                f"{parts[0].relative_to(path)} ({detail})")
    runs = _read_parts(path, "runs")
    if runs.empty:
        raise BatchReadError(f"{path} is an empty batch: its runs parts hold no rows")
    duplicated = runs["run"][runs["run"].duplicated()]
    if not duplicated.empty:
        raise BatchReadError(f"{path} mixes batches: run {int(duplicated.iloc[0])} appears "
                             "in more than one runs part")
    total = int(manifest["total_runs"])
    outside = runs["run"][(runs["run"] < 0) | (runs["run"] >= total)]
    if not outside.empty:
        raise BatchReadError(f"{path} mixes batches: run {int(outside.iloc[0])} lies outside "
                             f"the {total:,} runs its manifest plans")
    return runs


def _check_against_design(path: Path, runs: pd.DataFrame, design: pd.DataFrame) -> None:
    """Each run's seed and lever values must be those the plan gave it."""
    keys = ["seed", *[c for c in design.columns if c.startswith("lever.")]]
    keys = [k for k in keys if k in runs.columns]
    planned = design.set_index("run").reindex(runs["run"])
    for key in keys:
        differs = runs[key].to_numpy() != planned[key].to_numpy()
        if differs.any():
            run = int(runs["run"].to_numpy()[differs.argmax()])
            raise BatchReadError(f"{path} mixes batches: run {run} has another {key} than "
                                 "design.parquet plans (a part from another batch?)")

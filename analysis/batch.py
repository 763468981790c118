"""Reading a batch folder written by ``brink batch``: the one reader behind ``brink report``,
``brink compare`` and the app.

``load_batch(path)`` checks the folder before anything is computed from it, so that a wrong
folder ends in one clear sentence rather than a pandas traceback or, worse, a plausible report
built from two batches mixed together:

* the folder must exist and hold a readable ``manifest.json`` written by ``brink batch``: a
  regular file of at most 1 MiB (a FIFO or a device is refused before it is read) whose keys
  have the types ``brink batch`` writes (a hand-edited manifest is refused naming the key);
* it must hold at least one finished run;
* every ``runs/`` part must have the same columns, no run may appear twice or lie outside the
  plan, and each run's seed and lever values must match ``design.parquet`` (a part copied in
  from another batch, or from another scenario, breaks one of these);
* every ``per_turn/`` part must have the per-turn columns;
* every per-turn part must carry the manifest's ``batch_id`` in its Parquet metadata, for the
  chunk its name says, and a runs or failures part that carries an identity must carry this
  one (``engine.batch.store.check_part_identity``): a part copied in from another batch is
  refused, naming it. A part whose bytes are damaged is named when it is read, with the
  way to recover: ``brink batch ... --resume`` redoes its chunk.

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

from engine.batch.store import (
    BATCH_KEY,
    MANIFEST,
    MAX_MANIFEST_BYTES,
    PER_TURN_COLUMNS,
    PartError,
    check_part_identity,
    part_chunk,
    read_json_file,
)
from engine.core.errors import UsageError
from engine.narrate.explain import summary_label

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
        escalation level" (engine.narrate.explain.summary_label)."""
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
        tables = [_read_part(part, lambda p: pq.read_table(
            p, columns=PER_TURN_COLUMNS, filters=filters or None,
            read_dictionary=["actor", "variable"])) for part in parts]
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
    design = _read_design(path, manifest)
    if not design.empty:
        _check_against_design(path, runs, design)
    failures = _read_parts(path, "failures")
    per_turn_parts = _part_files(path, "per_turn")
    for part in per_turn_parts:
        names = _schema_names(part)
        if names != PER_TURN_COLUMNS:
            raise BatchReadError(f"{part} is not a per-turn part (columns {', '.join(names)}; "
                                 f"expected {', '.join(PER_TURN_COLUMNS)})")
    batch_id = manifest.get("batch_id")
    if batch_id is not None:  # batches written before parts carried their identity have none
        for table in ("runs", "per_turn", "failures"):
            for part in _part_files(path, table):
                try:
                    # A per-turn part must say whose it is: nothing else can tell. A runs or
                    # failures part without identity is checked against design.parquet.
                    check_part_identity(part, batch_id, table, required=table == "per_turn")
                except PartError as exc:
                    raise BatchReadError(f"{path} mixes batches: {exc}. Remove it and run "
                                         "the brink batch command again with --resume, or "
                                         "rerun the batch into a new folder") from None
    return Batch(path, manifest, runs, failures, design, per_turn_parts)


def _read_manifest(path: Path) -> dict:
    file = path / MANIFEST
    try:
        present = file.exists() or file.is_symlink()
    except OSError as exc:
        raise BatchReadError(f"cannot read {file}: {exc.strerror}") from None
    if not present:
        raise BatchReadError(f"{path} is not a batch folder (no {MANIFEST}); make one with "
                             f"brink batch SCENARIO --out {path}")
    try:
        manifest = read_json_file(file, MAX_MANIFEST_BYTES)
    except OSError as exc:
        raise BatchReadError(f"{file} is unreadable: {exc.strerror or exc}") from None
    except ValueError as exc:  # not a regular file, too large, not UTF-8 or JSON
        raise BatchReadError(f"{file} is unreadable: it {exc}") from None
    missing = [k for k in REQUIRED_KEYS if not isinstance(manifest, dict) or k not in manifest]
    if missing:
        raise BatchReadError(f"{file} is not a brink batch manifest (no {missing[0]!r})")
    problem = manifest_problem(manifest)
    if problem:
        raise BatchReadError(f"{file} is not a manifest brink batch wrote: {problem} (edited "
                             "by hand?)")
    return manifest


def _brief(value) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_int(value, low: int = 0) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= low


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and \
        math.isfinite(value)


def _is_scalar(value) -> bool:
    return isinstance(value, str | bool) or _is_number(value)


def manifest_problem(m: dict) -> str | None:
    """What is wrong with the types of a manifest's keys, in words; None when nothing is.
    Checks every key the readers use (report, compare, sensitivity), so that none of them
    meets a list where it counts, or a string where it adds."""
    for key in ("scenario_id", "scenario_sha256", "sampler"):
        if not isinstance(m[key], str):
            return f"{key} must be text, got {_brief(m[key])}"
    for key, low in (("seed", 0), ("total_runs", 1), ("runs_per_combination", 1)):
        if not _is_int(m[key], low):
            return f"{key} must be a whole number of at least {low}, got {_brief(m[key])}"
    if m["runs_per_combination"] > m["total_runs"]:
        return (f"runs_per_combination ({m['runs_per_combination']}) is more than total_runs "
                f"({m['total_runs']})")
    levers = m["levers"]
    if not isinstance(levers, dict):
        return f"levers must be a mapping of lever to options, got {_brief(levers)}"
    for name, options in levers.items():
        if not isinstance(options, list) or not options or \
                not all(_is_scalar(o) for o in options):
            return f"levers.{name} must be a list of options, got {_brief(options)}"
    unc = m["uncertainties"]
    if not isinstance(unc, list):
        return f"uncertainties must be a list, got {_brief(unc)}"
    for i, u in enumerate(unc):
        if not isinstance(u, dict):
            return f"uncertainties[{i}] must be a mapping, got {_brief(u)}"
        for key in ("name", "distribution"):
            if not isinstance(u.get(key), str):
                return f"uncertainties[{i}].{key} must be text, got {_brief(u.get(key))}"
        for key in ("low", "high", "value"):
            if not _is_number(u.get(key)):
                return f"uncertainties[{i}].{key} must be a number, got {_brief(u.get(key))}"
        if u.get("mode") is not None and not _is_number(u["mode"]):
            return f"uncertainties[{i}].mode must be a number, got {_brief(u['mode'])}"
    for key in ("status", "batch_id", "engine_version", "scenario"):
        if key in m and m[key] is not None and not isinstance(m[key], str):
            return f"{key} must be text, got {_brief(m[key])}"
    for key, low in (("chunk_size", 1), ("turns", 1), ("workers", 1)):
        if key in m and m[key] is not None and not _is_int(m[key], low):
            return f"{key} must be a whole number of at least {low}, got {_brief(m[key])}"
    labels = m.get("labels")
    if labels is not None:
        if not isinstance(labels, dict):
            return f"labels must be a mapping, got {_brief(labels)}"
        if labels.get("title") is not None and not isinstance(labels["title"], str):
            return f"labels.title must be text, got {_brief(labels['title'])}"
        for key in ("actors", "outcomes", "levers"):
            names = labels.get(key, {})
            if not isinstance(names, dict) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in names.items()):
                return f"labels.{key} must map ids to names, got {_brief(names)}"
    return None


def _part_files(path: Path, table: str) -> list[Path]:
    folder = path / table
    parts = sorted(p for p in folder.glob("part-*.parquet") if part_chunk(p.name) is not None
                   ) if folder.is_dir() else []
    for part in parts:
        _regular(part)
    return parts


def _regular(file: Path) -> None:
    """Refuse a part that is not a regular file: opening a FIFO would block, a device (even
    through a symbolic link) would be read without end."""
    if not file.is_file():
        raise BatchReadError(f"{file} is not a regular file; a batch's parts are files "
                             "written by brink batch")


def _damaged(part: Path, exc: BaseException) -> BatchReadError:
    text = " ".join(str(exc).split())[:200]
    return BatchReadError(f"{part} is damaged and cannot be read ({type(exc).__name__}: "
                          f"{text}); run the brink batch command that made this batch again "
                          "with --resume: it redoes that part's chunk")


def _read_part(part: Path, read):
    """``read(part)``, with any failure to decode the file named as a damaged part."""
    try:
        return read(part)
    except MemoryError:
        raise
    except Exception as exc:  # a codec, thrift or schema error: the bytes are damaged
        raise _damaged(part, exc) from None


def _schema_names(part: Path) -> list[str]:
    try:
        return pq.read_schema(part).names
    except (OSError, pa.ArrowException) as exc:
        text = " ".join(str(exc).split())[:200]
        raise BatchReadError(f"{part} is not a readable Parquet file ({text})") from None


def _read_design(path: Path, manifest: dict) -> pd.DataFrame:
    """design.parquet, after its footer says it is this batch's plan (its row count, and its
    batch identity when it has one)."""
    file = path / "design.parquet"
    if not file.exists():
        return pd.DataFrame()
    _regular(file)
    try:
        meta = pq.read_metadata(file)
    except (OSError, pa.ArrowException) as exc:
        raise _damaged(file, exc) from None
    found = (meta.metadata or {}).get(BATCH_KEY, b"").decode(errors="replace")
    if manifest.get("batch_id") is not None and found != manifest["batch_id"]:
        raise BatchReadError(f"{file} is not this batch's design (it belongs to "
                             f"{'batch ' + found[:12] if found else 'no batch'}); rerun the "
                             "batch into a new folder")
    if meta.num_rows != manifest["total_runs"]:
        raise BatchReadError(f"{file} plans {meta.num_rows:,} runs and {MANIFEST} "
                             f"{manifest['total_runs']:,}: they are not of one batch")
    design = _read_part(file, pd.read_parquet)
    if "run" not in design.columns or "seed" not in design.columns or \
            design["run"].duplicated().any():
        raise BatchReadError(f"{file} is not a batch design (one row per run, with its seed)")
    return design


def _read_parts(path: Path, table: str) -> pd.DataFrame:
    parts = _part_files(path, table)
    if not parts:
        return pd.DataFrame(columns=["run"])
    tables = [_read_part(p, pq.read_table) for p in parts]
    try:
        # "permissive" lets a part whose column happens to be all-null join the others
        joined = pa.concat_tables(tables, promote_options="permissive")
    except (OSError, pa.ArrowException) as exc:
        raise BatchReadError(f"{path / table} holds parts that do not fit together "
                             f"({' '.join(str(exc).split())[:200]})") from None
    frame = joined.to_pandas()
    if "run" not in frame.columns:
        raise BatchReadError(f"{path / table} holds parts without a run column")
    return frame.sort_values("run", kind="stable").reset_index(drop=True)


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

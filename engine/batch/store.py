"""A batch on disk: a manifest beside Parquet parts written one chunk at a time.

    OUT/manifest.json        the plan (scenario hash, engine version and code fingerprint,
                             sampler, root seed, runs,
                             levers, chunking) and the run's record (start, end, failures)
    OUT/design.parquet       every run's index, seed, lever values and sampled parameters
    OUT/runs/part-NNNNN.parquet       one row per run: outcomes and headline figures
    OUT/per_turn/part-NNNNN.parquet   with --per-turn: run x turn x actor x variable
    OUT/failures/part-NNNNN.parquet   runs that raised: error, traceback, seed
    OUT/done/NNNNN           written last for each chunk: the chunk is complete

Every file is written to a temporary name and renamed, so a kill at any moment leaves either a
whole part or none. Resume skips chunks with a ``done`` marker and redoes the others.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from engine.provenance import short

MANIFEST = "manifest.json"
TABLES = ("runs", "per_turn", "failures")
PER_TURN_COLUMNS = ["run", "turn", "actor", "variable", "value"]


def per_turn_part(run: list[int], turn: list[int], actor: list[str], variable: list[str],
                  value: list[float]) -> bytes:
    """A chunk's per-turn rows (columns of equal length) as the bytes of its Parquet part.

    Built where the chunk ran, so workers do it in parallel and the driver only writes the
    bytes: a run keeps ~3,300 rows, and pickling them as tuples, then building a DataFrame and
    its Parquet in the driver, cost ~13 ms a run of the driver's core (docs/reference/
    performance.md). Same table as ``pd.DataFrame(rows, columns=PER_TURN_COLUMNS)``."""
    table = pa.table([pa.array(run, pa.int64()), pa.array(turn, pa.int64()),
                      pa.array(actor, pa.string()), pa.array(variable, pa.string()),
                      pa.array(value, pa.float64())], names=PER_TURN_COLUMNS)
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


class StoreError(ValueError):
    """The output folder cannot take this batch (a user error)."""


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _atomic_parquet(df: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    df.to_parquet(tmp, index=False)
    os.replace(tmp, path)


class BatchStore:
    def __init__(self, out: Path):
        self.out = Path(out)

    # --- opening -----------------------------------------------------------------------------

    def open(self, plan: dict, resume: bool) -> set[int]:
        """Prepare the folder for ``plan``; return the chunks already done (on resume)."""
        out = self.out
        if out.exists() and not out.is_dir():
            raise StoreError(f"{out} exists and is not a folder")
        manifest_path = out / MANIFEST
        if manifest_path.exists():
            try:
                old = json.loads(manifest_path.read_text())
            except (OSError, json.JSONDecodeError) as exc:
                raise StoreError(f"{manifest_path} is unreadable ({exc}); choose another "
                                 "folder") from None
            if old.get("engine_sha256", plan["engine_sha256"]) != plan["engine_sha256"]:
                raise StoreError(
                    f"{out} holds a batch made by a different engine (engine code "
                    f"{short(old['engine_sha256'])} then, {short(plan['engine_sha256'])} now): "
                    "its finished runs cannot be mixed with new ones. Choose another --out "
                    "folder to rerun it. Nothing was changed.")
            if old.get("plan_hash") != plan["plan_hash"]:
                raise StoreError(
                    f"{out} holds a different batch (scenario {old.get('scenario')}, "
                    f"{old.get('runs')} runs, sampler {old.get('sampler')}, seed "
                    f"{old.get('seed')}); choose another --out folder. Nothing was changed.")
            if not resume:
                state = "a finished" if old.get("status") == "finished" else "an unfinished"
                raise StoreError(f"{out} already holds {state} run of this batch; add --resume "
                                 "to continue it, or choose another --out folder")
            return self.done_chunks()
        if out.exists() and any(out.iterdir()):
            raise StoreError(f"{out} is not empty and holds no batch; choose an empty or new "
                             "folder. Nothing was changed.")
        for sub in (*TABLES, "done"):
            (out / sub).mkdir(parents=True, exist_ok=True)
        return set()

    def done_chunks(self) -> set[int]:
        done = self.out / "done"
        return {int(p.name) for p in done.iterdir() if p.name.isdigit()} if done.exists() else set()

    # --- writing -----------------------------------------------------------------------------

    def write_manifest(self, manifest: dict) -> None:
        _atomic_write_bytes(self.out / MANIFEST,
                            json.dumps(manifest, indent=1, default=str).encode())

    def read_manifest(self) -> dict:
        return json.loads((self.out / MANIFEST).read_text())

    def write_design(self, design: pd.DataFrame) -> None:
        _atomic_parquet(design, self.out / "design.parquet")

    def write_chunk(self, chunk: int, rows: list[dict], per_turn: bytes,
                    failures: list[dict]) -> None:
        """``per_turn``: the chunk's Parquet part as ``per_turn_part`` made it (b"": none)."""
        name = f"part-{chunk:05d}.parquet"
        if failures:
            _atomic_parquet(pd.DataFrame(failures), self.out / "failures" / name)
        if per_turn:
            _atomic_write_bytes(self.out / "per_turn" / name, per_turn)
        if rows:
            _atomic_parquet(pd.DataFrame(rows), self.out / "runs" / name)
        _atomic_write_bytes(self.out / "done" / f"{chunk:05d}", b"")

    # --- reading -----------------------------------------------------------------------------

    def read(self, table: str) -> pd.DataFrame:
        folder = self.out / table
        parts = sorted(folder.glob("part-*.parquet")) if folder.exists() else []
        if not parts:
            return pd.DataFrame(columns=PER_TURN_COLUMNS if table == "per_turn" else ["run"])
        df = pd.concat((pd.read_parquet(p) for p in parts), ignore_index=True)
        keys = ["run", "turn"] if table == "per_turn" else ["run"]
        return df.sort_values(keys, kind="stable").reset_index(drop=True)

    def failure_count(self) -> int:
        folder = self.out / "failures"
        return sum(len(pd.read_parquet(p, columns=["run"]))
                   for p in folder.glob("part-*.parquet")) if folder.exists() else 0

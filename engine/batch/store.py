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
whole part or none. Every part carries its batch's identity in its Parquet metadata
(``brink.batch``: the manifest's ``batch_id``, ``brink.chunk``, ``brink.table``), so a part
copied in from another batch is recognised; each chunk's ``done`` marker records the SHA-256 of
its parts, so a part damaged on disk is recognised too. Resume keeps the chunks whose marker and
parts agree and redoes the others (removing what is left of them first).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import stat
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from engine.core.provenance import short

MANIFEST = "manifest.json"
TABLES = ("runs", "per_turn", "failures")
PER_TURN_COLUMNS = ["run", "turn", "actor", "variable", "value"]
# A manifest is a few kilobytes (labels, levers, uncertainties); a done marker a few hundred
# bytes. Anything larger is not ours, and is refused before it is read.
MAX_MANIFEST_BYTES = 1 << 20
MAX_MARKER_BYTES = 1 << 16
# Parquet key-value metadata of every part
BATCH_KEY, CHUNK_KEY, TABLE_KEY = b"brink.batch", b"brink.chunk", b"brink.table"


class StoreError(ValueError):
    """The output folder cannot take this batch (a user error)."""


class PartError(RuntimeError):
    """A part of a batch cannot be read (damaged on disk, or not this batch's)."""


# --- reading files that may be anything ---------------------------------------------------------


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def size_text(n: int) -> str:
    """Bytes for people: 1,048,576 -> "1 MiB"."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} bytes"


def read_limited(path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Raises ValueError (with a message to put after the path) for a folder, a FIFO, a device or
    a socket, and for a file above the limit, before reading anything: opening does not block
    on a FIFO (O_NONBLOCK) and the type is checked on the opened file itself. OSError (no such
    file, no permission) passes through for the caller to word."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    except IsADirectoryError:  # Windows
        raise ValueError("is a folder, not a file") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ValueError(f"is {_kind(st.st_mode)}, not a regular file")
        if st.st_size > limit:
            raise ValueError(f"is {size_text(st.st_size)}; the limit is {size_text(limit)}")
        chunks, left = [], limit + 1  # the file may grow after fstat
        while left > 0:
            data = os.read(fd, min(left, 1 << 20))
            if not data:
                break
            chunks.append(data)
            left -= len(data)
        data = b"".join(chunks)
        if len(data) > limit:
            raise ValueError(f"is more than {size_text(limit)}, the limit")
        return data
    finally:
        os.close(fd)


def read_json_file(path, limit: int):
    """JSON from a regular file of at most ``limit`` bytes; ValueError says what is wrong
    (a message to put after the path), OSError passes through."""
    data = read_limited(path, limit)
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"is not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise ValueError("is not valid JSON (nested too deeply)") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise ValueError(f"is not valid JSON ({exc})") from None


# --- writing ---------------------------------------------------------------------------------


def per_turn_part(run: list[int], turn: list[int], actor: list[str], variable: list[str],
                  value: list[float], identity: dict[bytes, bytes] | None = None) -> bytes:
    """A chunk's per-turn rows (columns of equal length) as the bytes of its Parquet part.

    Built where the chunk ran, so workers do it in parallel and the driver only writes the
    bytes: a run keeps ~3,300 rows, and pickling them as tuples, then building a DataFrame and
    its Parquet in the driver, cost ~13 ms a run of the driver's core (docs/reference/
    performance.md). Same table as ``pd.DataFrame(rows, columns=PER_TURN_COLUMNS)``;
    ``identity`` (``part_identity``) goes into the file's metadata."""
    table = pa.table([pa.array(run, pa.int64()), pa.array(turn, pa.int64()),
                      pa.array(actor, pa.string()), pa.array(variable, pa.string()),
                      pa.array(value, pa.float64())], names=PER_TURN_COLUMNS)
    if identity:
        table = table.replace_schema_metadata(identity)
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def part_identity(batch_id: str, chunk: int, table: str) -> dict[bytes, bytes]:
    """The Parquet metadata that ties a part to its batch, chunk and table."""
    return {BATCH_KEY: batch_id.encode(), CHUNK_KEY: str(chunk).encode(),
            TABLE_KEY: table.encode()}


def _frame_part(df: pd.DataFrame, identity: dict[bytes, bytes]) -> bytes:
    """``df.to_parquet(index=False)`` with the part's identity in the metadata."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), **identity})
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def part_name(chunk: int) -> str:
    return f"part-{chunk:05d}.parquet"


def part_chunk(name: str) -> int | None:
    """The chunk number of ``part-NNNNN.parquet``; None for another name."""
    stem = name[len("part-"):-len(".parquet")] if name.startswith("part-") and \
        name.endswith(".parquet") else ""
    return int(stem) if stem.isdigit() and stem.isascii() else None


def check_part_identity(part: Path, batch_id: str, table: str, required: bool = True) -> None:
    """Raise PartError unless ``part`` is a readable part of batch ``batch_id``'s ``table``,
    for the chunk its name says (reads the footer only). With ``required=False`` a part that
    carries no identity at all passes (the caller checks its rows another way)."""
    try:
        meta = pq.read_schema(part).metadata or {}
    except (OSError, pa.ArrowException) as exc:
        raise PartError(f"{part} is not a readable Parquet part ({_oneline(exc)})") from None
    if not required and BATCH_KEY not in meta:
        return
    chunk = part_chunk(part.name)
    found = meta.get(BATCH_KEY, b"").decode(errors="replace")
    if found != batch_id:
        origin = f"it says batch {found[:12]}" if found else "it carries no batch identity"
        raise PartError(f"{part} is not a part of this batch ({origin}; this batch is "
                        f"{batch_id[:12]})")
    if meta.get(CHUNK_KEY) != str(chunk).encode() or meta.get(TABLE_KEY) != table.encode():
        raise PartError(f"{part} holds chunk {meta.get(CHUNK_KEY, b'?').decode(errors='replace')}"
                        f" of {meta.get(TABLE_KEY, b'?').decode(errors='replace')}, not what its "
                        "name and folder say: a part renamed or moved?")


def _oneline(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]


class BatchStore:
    def __init__(self, out: Path):
        self.out = Path(out)
        self.created: list[Path] = []  # folders this command created, outermost first
        self.batch_id = ""
        self.resuming = False  # check() found this batch's manifest

    # --- opening -----------------------------------------------------------------------------

    def open(self, plan: dict, resume: bool) -> set[int]:
        """Prepare the folder for ``plan``; return the chunks already done (on resume)."""
        done, redo = self.check(plan, resume)
        self.prepare(plan, redo)
        return done

    def check(self, plan: dict, resume: bool) -> tuple[set[int], dict[int, str]]:
        """Whether the folder can take ``plan``, touching nothing: the chunks already done and
        the chunks to redo (with why) on resume. Raises StoreError."""
        out = self.out
        try:
            return self._check(plan, resume)
        except PermissionError as exc:
            raise StoreError(f"cannot read {exc.filename or out}: permission denied") from None
        except OSError as exc:
            raise StoreError(f"cannot use {out}: {exc.strerror or exc}") from None

    def _check(self, plan: dict, resume: bool) -> tuple[set[int], dict[int, str]]:
        out = self.out
        if out.exists() and not out.is_dir():
            raise StoreError(f"{out} exists and is not a folder")
        manifest_path = out / MANIFEST
        if manifest_path.exists() or manifest_path.is_symlink():
            try:
                old = read_json_file(manifest_path, MAX_MANIFEST_BYTES)
            except (OSError, ValueError) as exc:
                why = exc.strerror if isinstance(exc, OSError) else exc
                raise StoreError(f"{manifest_path} is unreadable ({why}); choose another "
                                 "folder. Nothing was changed.") from None
            if not isinstance(old, dict):
                raise StoreError(f"{manifest_path} is not a batch manifest; choose another "
                                 "folder. Nothing was changed.")
            if old.get("engine_sha256", plan["engine_sha256"]) != plan["engine_sha256"]:
                raise StoreError(
                    f"{out} holds a batch made by a different engine (engine code "
                    f"{short(str(old['engine_sha256']))} then, {short(plan['engine_sha256'])} "
                    "now): its finished runs cannot be mixed with new ones. Choose another "
                    "--out folder to rerun it. Nothing was changed.")
            if old.get("plan_hash") != plan["plan_hash"]:
                raise StoreError(f"{out} holds a different batch ({plan_difference(old, plan)})"
                                 "; choose another --out folder. Nothing was changed.")
            if not resume:
                state = "a finished" if old.get("status") == "finished" else "an unfinished"
                raise StoreError(f"{out} already holds {state} run of this batch; add --resume "
                                 "to continue it, or choose another --out folder")
            self.resuming = True
            return self._verify(plan)
        if out.exists() and not self._empty_or_skeleton():
            raise StoreError(f"{out} is not empty and holds no batch; choose an empty or new "
                             "folder. Nothing was changed.")
        return set(), {}

    def _empty_or_skeleton(self) -> bool:
        """Empty, or holding only the empty sub-folders a batch that failed before its first
        run left behind (earlier versions did)."""
        for entry in self.out.iterdir():
            if entry.name not in (*TABLES, "done") or entry.is_symlink() or not entry.is_dir():
                return False
            if any(entry.iterdir()):
                return False
        return True

    def _verify(self, plan: dict) -> tuple[set[int], dict[int, str]]:
        """On resume: chunks whose done marker and parts agree, and chunks to redo (why)."""
        self.batch_id = plan.get("batch_id") or ""
        n_chunks = -(-plan["total_runs"] // plan["chunk_size"])
        for table in TABLES:
            folder = self.out / table
            if not folder.is_dir():
                continue
            for part in folder.iterdir():
                chunk = part_chunk(part.name)
                if chunk is None:
                    continue
                if chunk >= n_chunks:
                    raise StoreError(f"{part} is not a part of this batch (it plans chunks 0 to "
                                     f"{n_chunks - 1}); remove it and resume. Nothing was "
                                     "changed.")
        done, redo = set(), {}
        folder = self.out / "done"
        markers = sorted(folder.iterdir()) if folder.is_dir() else []
        for marker in markers:
            if not (marker.name.isdigit() and marker.name.isascii()):
                continue
            chunk = int(marker.name)
            if chunk >= n_chunks:
                continue
            problem = self._check_chunk(marker, chunk)
            if problem:
                redo[chunk] = problem
            else:
                done.add(chunk)
        return done, redo

    def _check_chunk(self, marker: Path, chunk: int) -> str | None:
        try:
            record = read_json_file(marker, MAX_MARKER_BYTES)
        except (OSError, ValueError):
            record = None
        if not isinstance(record, dict) or record.get("batch") != self.batch_id or \
                not isinstance(record.get("parts"), dict):
            return f"{marker} is not this batch's record of chunk {chunk}"
        listed = record["parts"]
        for table in TABLES:
            part = self.out / table / part_name(chunk)
            expected = listed.get(table)
            if expected is None:
                if part.exists():
                    return f"{part} was not written by this batch"
                continue
            if not part.is_file():
                return f"{part} is missing"
            try:
                digest = _sha256_file(part)
            except OSError as exc:
                return f"{part} is unreadable ({exc.strerror})"
            if digest != expected:
                try:
                    check_part_identity(part, self.batch_id, table)
                except PartError as exc:
                    return str(exc)
                return f"{part} is damaged (its bytes are not those written)"
        return None

    def prepare(self, plan: dict, redo: dict[int, str] | None = None) -> None:
        """Create the folder (remembering what was created) and remove what is left of the
        chunks to redo. Raises StoreError when the folder cannot be written."""
        self.batch_id = plan.get("batch_id") or ""
        try:
            missing = []
            p = self.out
            while not p.exists() and p != p.parent:
                missing.append(p)
                p = p.parent
            for folder in reversed(missing):
                folder.mkdir()
                self.created.append(folder)
            for sub in (*TABLES, "done"):
                folder = self.out / sub
                if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
                    raise StoreError(f"{folder} is not a folder; a batch folder holds runs/, "
                                     "per_turn/, failures/ and done/ folders. Nothing was "
                                     "changed.")
                if not folder.exists():
                    folder.mkdir()
                    self.created.append(folder)
            for chunk in sorted(redo or {}):
                (self.out / "done" / f"{chunk:05d}").unlink(missing_ok=True)
            for table in TABLES:  # parts of unfinished chunks are not results: redone
                folder = self.out / table
                for part in folder.iterdir():
                    chunk = part_chunk(part.name)
                    if chunk is not None and not (self.out / "done" / f"{chunk:05d}").exists():
                        part.unlink()
            for folder in (self.out, *(self.out / t for t in (*TABLES, "done"))):
                for tmp in folder.glob("*.tmp"):  # a write a kill interrupted: a reader of
                    if tmp.is_file():             # runs/ as a dataset would trip on it
                        tmp.unlink()
            probe = self.out / ".brink-write-test"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            self.remove_created()
            raise StoreError(f"cannot write to {self.out}: {exc.strerror or exc}") from None

    def remove_created(self) -> None:
        """Undo this command's changes to a new batch folder after a failure before its first
        chunk: the manifest and design it wrote, then the folders it made (if empty). Never
        called on resume."""
        if self.resuming:
            return
        for name in (MANIFEST, "design.parquet", MANIFEST + ".tmp", "design.parquet.tmp"):
            with contextlib.suppress(OSError):
                (self.out / name).unlink(missing_ok=True)
        for folder in reversed(self.created):
            with contextlib.suppress(OSError):
                folder.rmdir()
        self.created = []

    def done_chunks(self) -> set[int]:
        done = self.out / "done"
        return {int(p.name) for p in done.iterdir() if p.name.isdigit()} if done.exists() else set()

    # --- writing -----------------------------------------------------------------------------

    def write_manifest(self, manifest: dict) -> None:
        _atomic_write_bytes(self.out / MANIFEST,
                            json.dumps(manifest, indent=1, default=str).encode())

    def read_manifest(self) -> dict:
        return read_json_file(self.out / MANIFEST, MAX_MANIFEST_BYTES)

    def write_design(self, design: pd.DataFrame) -> None:
        identity = {BATCH_KEY: self.batch_id.encode(), TABLE_KEY: b"design"}
        _atomic_write_bytes(self.out / "design.parquet", _frame_part(design, identity))

    def write_chunk(self, chunk: int, rows: list[dict], per_turn: bytes,
                    failures: list[dict]) -> None:
        """``per_turn``: the chunk's Parquet part as ``per_turn_part`` made it (b"": none).
        The done marker, written last, records the batch and each part's SHA-256."""
        name = part_name(chunk)
        parts = {}
        if failures:
            parts["failures"] = _frame_part(pd.DataFrame(failures),
                                            part_identity(self.batch_id, chunk, "failures"))
        if per_turn:
            parts["per_turn"] = per_turn
        if rows:
            parts["runs"] = _frame_part(pd.DataFrame(rows),
                                        part_identity(self.batch_id, chunk, "runs"))
        for table, data in parts.items():
            _atomic_write_bytes(self.out / table / name, data)
        record = {"batch": self.batch_id, "chunk": chunk,
                  "parts": {t: hashlib.sha256(d).hexdigest() for t, d in parts.items()}}
        _atomic_write_bytes(self.out / "done" / f"{chunk:05d}", json.dumps(record).encode())

    # --- reading -----------------------------------------------------------------------------

    def _parts(self, table: str) -> list[Path]:
        folder = self.out / table
        parts = sorted(p for p in folder.glob("part-*.parquet") if part_chunk(p.name) is not None
                       ) if folder.exists() else []
        for part in parts:
            if not part.is_file():  # a FIFO would block, a device never end
                raise PartError(f"{part} is not a regular file; run the same brink batch "
                                "command with --resume to redo its chunk")
        return parts

    def _read_part(self, part: Path, columns: list[str] | None = None) -> pd.DataFrame:
        try:
            return pd.read_parquet(part, columns=columns)
        except Exception as exc:  # any damage: a codec, thrift or schema error
            raise PartError(f"{part} cannot be read ({type(exc).__name__}: {_oneline(exc)}); "
                            "run the same brink batch command with --resume to redo its "
                            "chunk") from None

    def read(self, table: str, columns: list[str] | None = None) -> pd.DataFrame:
        parts = self._parts(table)
        if not parts:
            return pd.DataFrame(columns=PER_TURN_COLUMNS if table == "per_turn" else ["run"])
        df = pd.concat((self._read_part(p, columns) for p in parts), ignore_index=True)
        keys = ["run", "turn"] if table == "per_turn" else ["run"]
        keys = [k for k in keys if k in df.columns]
        return df.sort_values(keys, kind="stable").reset_index(drop=True) if keys else df

    def outcome_columns(self) -> list[str]:
        """The ``outcome.*`` columns of the runs table (from the first part's footer)."""
        parts = self._parts("runs")
        if not parts:
            return []
        try:
            names = pq.read_schema(parts[0]).names
        except (OSError, pa.ArrowException) as exc:
            raise PartError(f"{parts[0]} cannot be read ({_oneline(exc)}); run the same brink "
                            "batch command with --resume to redo its chunk") from None
        return [n for n in names if n.startswith("outcome.")]

    def failure_count(self) -> int:
        return sum(len(self._read_part(p, ["run"])) for p in self._parts("failures"))


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def plan_difference(old: dict, plan: dict) -> str:
    """What differs between a folder's manifest and a new plan, in words."""
    keys = ("scenario_id", "scenario_sha256", "sampler", "seed", "total_runs", "levers",
            "uncertainties", "grid_levels", "per_turn", "turns", "chunk_size")
    diffs = []
    for key in keys:
        then, now = old.get(key), plan.get(key)
        if then != now:
            if key == "scenario_sha256":
                diffs.append(f"scenario content {short(str(then))} then, {short(str(now))} now")
            elif key in ("levers", "uncertainties"):
                diffs.append(f"other {key}")
            else:
                diffs.append(f"{key.replace('_', ' ')} {_brief(then)} then, {_brief(now)} now")
    return "; ".join(diffs[:4]) or "another plan"


def _brief(value) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."

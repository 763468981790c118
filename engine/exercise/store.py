"""The exercise store: exercises in one SQLite file, each action written as it happens.

An exercise attached to a store saves itself after every change (``Exercise._commit`` stores
first, then applies). A save checks the version it started from, so two windows on one
exercise cannot silently overwrite each other: the late one gets ``StaleExercise`` and
reloads. Storage only: what an exercise is and does is engine/exercise/session.py.
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from contextlib import closing, suppress
from pathlib import Path

from engine.exercise.file import FORMAT, FORMAT_VERSION, LIMITS
from engine.exercise.session import (
    Exercise,
    SessionError,
    StaleExercise,
    StoreUnavailable,
    _now,
    _shortened,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS exercises (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, scenario_title TEXT NOT NULL, source TEXT NOT NULL,
    scenario_text TEXT NOT NULL, seed INTEGER NOT NULL, teams TEXT NOT NULL,
    turns INTEGER NOT NULL, levers TEXT NOT NULL, engine_version TEXT NOT NULL,
    current INTEGER NOT NULL, version INTEGER NOT NULL, created TEXT NOT NULL,
    updated TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS branches (
    exercise TEXT NOT NULL REFERENCES exercises(id) ON DELETE CASCADE, id INTEGER NOT NULL,
    name TEXT NOT NULL, parent INTEGER, fork_turn INTEGER, created TEXT NOT NULL,
    PRIMARY KEY (exercise, id));
CREATE TABLE IF NOT EXISTS actions (
    exercise TEXT NOT NULL REFERENCES exercises(id) ON DELETE CASCADE, seq INTEGER NOT NULL,
    branch INTEGER NOT NULL, at INTEGER NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL,
    time TEXT NOT NULL, PRIMARY KEY (exercise, seq));
"""


def default_db_path() -> Path:
    """``$BRINK_DB`` if set, else ``~/.brink/exercises.sqlite``."""
    env = os.environ.get("BRINK_DB")
    return Path(env).expanduser() if env else Path.home() / ".brink" / "exercises.sqlite"


BUSY_TIMEOUT_S = 5.0  # how long a save waits for another program's lock before giving up


class ExerciseStore:
    """Exercises in one SQLite file. Each ``save`` writes exactly the change it is given, in one
    transaction, after checking that the stored version is the one the exercise started from.

    The file is in write-ahead-log mode, so a program that only reads it (a backup, a second
    window, ``sqlite3`` at a prompt) never blocks a save; a save waits up to
    ``BUSY_TIMEOUT_S`` for another writer and then fails with ``StoreUnavailable``, having
    written nothing. Every SQLite or file-system failure becomes a ``SessionError`` whose
    sentence says what to do."""

    def __init__(self, path: str | Path | None = None, busy_timeout: float = BUSY_TIMEOUT_S):
        self.path = Path(path) if path is not None else default_db_path()
        self.busy_timeout = float(busy_timeout)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(self._connect()) as db:
                # readers never block a save in WAL mode; if the file is busy right now it keeps
                # its mode, and saves still wait their busy timeout as before
                with suppress(sqlite3.OperationalError):
                    db.execute("PRAGMA journal_mode=WAL")
                db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise SessionError(f"cannot open the exercise store {self.path}: {exc}") from None

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        db.execute("PRAGMA foreign_keys = ON")
        return db

    def _failed(self, exc: Exception, doing: str) -> SessionError:
        """The sentence for a store failure; nothing of the action was written."""
        text = str(exc)
        if isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
            return StoreUnavailable(
                f"{doing} failed: the exercise store {self.path} is locked by another program "
                f"(waited {self.busy_timeout:g} s). Nothing was saved and nothing was played; the "
                "exercise is as it was. Try again in a moment; if it keeps failing, close other "
                "programs that use the file (a backup, an SQLite browser)")
        return StoreUnavailable(
            f"{doing} failed: the exercise store {self.path} could not be written ({text}). "
            "Nothing was saved and nothing was played; the exercise is as it was. Check that "
            "the disk has space and the file is writable, then try again")

    def add(self, ex: Exercise) -> None:
        """Store a new (or imported) exercise with everything it holds."""
        try:
            with closing(self._connect()) as db:
                db.execute("BEGIN IMMEDIATE")
                try:
                    db.execute(
                        "INSERT INTO exercises VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (ex.id, ex.title, ex.scenario.title, ex.source, ex.scenario_text,
                         ex.seed, json.dumps(ex.teams), ex.turns, json.dumps(ex.levers),
                         ex.engine_version, ex.current, 1, ex.created or _now(), _now()))
                    self._insert(db, ex.id, ex.actions, list(ex.branches.values()))
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
        except sqlite3.IntegrityError:
            raise SessionError(f"an exercise with id {ex.id} is already stored") from None
        except (OSError, sqlite3.Error) as exc:
            raise self._failed(exc, "Saving the exercise") from None
        ex.version = 1
        ex.store = self

    @staticmethod
    def _insert(db, exercise_id: str, actions, branches) -> None:
        db.executemany("INSERT INTO branches VALUES (?,?,?,?,?,?)",
                       [(exercise_id, b.id, b.name, b.parent, b.fork_turn, b.created)
                        for b in branches])
        db.executemany("INSERT INTO actions VALUES (?,?,?,?,?,?,?)",
                       [(exercise_id, a.seq, a.branch, a.at, a.kind, json.dumps(a.data), a.time)
                        for a in actions])

    def save(self, ex: Exercise, actions=(), branches=(), current: int | None = None) -> None:
        """Store ``actions`` and ``branches`` (new ones) and ``current`` for ``ex``, in one
        transaction, and advance ``ex.version``. Raises ``StaleExercise`` when the store
        changed since ``ex`` was loaded and ``StoreUnavailable`` when it cannot be written;
        either way nothing was written."""
        current = ex.current if current is None else current
        try:
            with closing(self._connect()) as db:
                db.execute("BEGIN IMMEDIATE")
                try:
                    row = db.execute("SELECT version FROM exercises WHERE id=?",
                                     (ex.id,)).fetchone()
                    if row is None:
                        raise StaleExercise("this exercise is no longer in the store (deleted?)")
                    if row[0] != ex.version:
                        raise StaleExercise("this exercise was changed elsewhere (another tab or "
                                            "window) since it was loaded here")
                    self._insert(db, ex.id, actions, branches)
                    db.execute("UPDATE exercises SET current=?, version=?, updated=? WHERE id=?",
                               (current, ex.version + 1, _now(), ex.id))
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
        except sqlite3.IntegrityError:  # an action or branch of that number is stored already
            raise StaleExercise("this exercise was changed elsewhere (another tab or window) "
                                "since it was loaded here") from None
        except SessionError:
            raise
        except (OSError, sqlite3.Error) as exc:
            raise self._failed(exc, "Saving") from None
        ex.version += 1

    def _read(self, fn, doing: str):
        try:
            with closing(self._connect()) as db:
                return fn(db)
        except (OSError, sqlite3.Error) as exc:
            raise self._failed(exc, doing) from None

    def version(self, exercise_id: str) -> int | None:
        row = self._read(lambda db: db.execute("SELECT version FROM exercises WHERE id=?",
                                               (exercise_id,)).fetchone(), "Reading")
        return None if row is None else row[0]

    def load(self, exercise_id: str) -> Exercise:
        """The stored exercise, checked as an imported file is (a row that does not pass is
        reported by a ``SessionError`` naming the exercise and the field, never a KeyError on
        some later page)."""
        def read(db):
            row = db.execute("SELECT id, title, source, scenario_text, seed, teams, turns, "
                             "levers, engine_version, current, version, created "
                             "FROM exercises WHERE id=?", (exercise_id,)).fetchone()
            if row is None:
                return None
            branches = db.execute("SELECT id, name, parent, fork_turn, created FROM branches "
                                  "WHERE exercise=? ORDER BY id", (exercise_id,)).fetchall()
            actions = db.execute("SELECT seq, branch, at, kind, data, time FROM actions "
                                 "WHERE exercise=? ORDER BY seq", (exercise_id,)).fetchall()
            return row, branches, actions

        found = self._read(read, "Reading the exercise")
        if found is None:
            raise SessionError(f"no saved exercise '{exercise_id}'")
        row, branches, actions = found
        try:
            doc = {"format": FORMAT, "format_version": FORMAT_VERSION,
                   "exercise": {"id": row[0], "title": row[1], "source": row[2],
                                "scenario_text": row[3], "seed": row[4],
                                "teams": json.loads(row[5]), "turns": row[6],
                                "levers": json.loads(row[7]), "engine_version": row[8],
                                "current": row[9], "created": row[11]},
                   "branches": [dict(zip(("id", "name", "parent", "fork_turn", "created"), b,
                                         strict=True)) for b in branches],
                   "actions": [{"seq": a[0], "branch": a[1], "at": a[2], "kind": a[3],
                                "data": json.loads(a[4]), "time": a[5]} for a in actions]}
            ex = Exercise.from_dict(doc, check=False)
        except (json.JSONDecodeError, RecursionError, TypeError):
            raise SessionError(f"saved exercise {exercise_id} is damaged in the store "
                               f"{self.path}") from None
        except SessionError as exc:
            raise SessionError(f"saved exercise {exercise_id} cannot be opened: {exc}") from None
        ex.version = row[10]
        ex.store = self
        return ex

    def list(self) -> list[dict]:
        """Saved exercises, most recently changed first."""
        rows = self._read(lambda db: db.execute(
            "SELECT e.id, e.title, e.scenario_title, e.created, e.updated, e.turns, "
            "(SELECT COUNT(*) FROM branches b WHERE b.exercise = e.id), "
            "(SELECT COUNT(*) FROM actions a WHERE a.exercise = e.id "
            " AND a.branch = e.current AND a.kind = 'adjudicate') "
            "FROM exercises e ORDER BY e.updated DESC, e.created DESC").fetchall(),
            "Listing the saved exercises")
        keys = ("id", "title", "scenario", "created", "updated", "turns", "branches", "played")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def delete(self, exercise_id: str) -> None:
        def delete(db):
            with db:
                db.execute("DELETE FROM exercises WHERE id=?", (exercise_id,))
        self._read(delete, "Deleting the exercise")

    def import_json(self, text: str | bytes) -> Exercise:
        """Import an exported exercise as a new one: a fresh id (importing twice keeps both),
        and " (imported)" (then " (imported 2)", ...) after its title when an exercise of that
        title is already stored, so the two are told apart."""
        ex = Exercise.from_json(text)
        ex.id = uuid.uuid4().hex[:12]
        ex.title = _untaken(ex.title, {e["title"] for e in self.list()})
        self.add(ex)
        return ex


def _untaken(title: str, stored: set[str]) -> str:
    if title not in stored:
        return title
    title = _shortened(title, LIMITS.name_chars - len(" (imported 99999)"))
    n, candidate = 1, f"{title} (imported)"
    while candidate in stored:
        n += 1
        candidate = f"{title} (imported {n})"
    return candidate


__all__ = ["BUSY_TIMEOUT_S", "ExerciseStore", "default_db_path"]

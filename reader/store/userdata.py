"""The user's own data: entity corrections now, annotations later.

Unlike the index this file is never rebuilt or deleted: every change is its own
transaction with `synchronous=FULL`, the schema is migrated forward step by
step, and a file written by a newer Reader or a damaged one is refused with a
message rather than touched.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

VERSION = 1


class UserDataError(Exception):
    """The user data file cannot be used as it is; the message says why and what to do."""


def _migrate_to_1(conn: sqlite3.Connection) -> None:
    conn.execute("""
        CREATE TABLE entity_corrections (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('rename', 'retype', 'merge', 'split', 'hide')),
            entity TEXT NOT NULL,
            value TEXT,
            created TEXT NOT NULL
        )""")


# Step k migrates a file at version k to version k + 1.
_MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_migrate_to_1]


@dataclass(frozen=True)
class StoredCorrection:
    id: int
    kind: str
    entity: str
    value: str | None
    created: str


class UserData:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as error:
            raise UserDataError(
                f"Your notes file {path} cannot be read ({error}). It has not been changed; "
                f"keep a copy and contact support, or move it away to start a new one.") from error
        if version > VERSION:
            self.conn.close()
            raise UserDataError(
                f"Your notes file {path} was written by a newer version of Reader (schema {version}; this "
                f"version reads up to {VERSION}). Update Reader to use it; nothing was changed.")
        for step in range(version, VERSION):
            with self._transaction():
                _MIGRATIONS[step](self.conn)
                self.conn.execute(f"PRAGMA user_version = {step + 1}")

    def _transaction(self):
        return _Transaction(self.conn)

    def close(self) -> None:
        self.conn.close()

    # -- entity corrections -------------------------------------------------

    def add_correction(self, kind: str, entity: str, value: str | None = None) -> StoredCorrection:
        created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self._transaction():
            cursor = self.conn.execute(
                "INSERT INTO entity_corrections (kind, entity, value, created) VALUES (?, ?, ?, ?)",
                [kind, entity, value, created])
        return StoredCorrection(cursor.lastrowid, kind, entity, value, created)

    def corrections(self) -> list[StoredCorrection]:
        rows = self.conn.execute("SELECT id, kind, entity, value, created FROM entity_corrections ORDER BY id")
        return [StoredCorrection(*r) for r in rows]

    def remove_correction(self, correction_id: int) -> None:
        with self._transaction():
            self.conn.execute("DELETE FROM entity_corrections WHERE id = ?", [correction_id])


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on error (autocommit connection)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        self.conn.execute("COMMIT" if exc_type is None else "ROLLBACK")

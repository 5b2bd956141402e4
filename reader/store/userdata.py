"""The user's own data: entity corrections and annotations.

Unlike the index this file is never rebuilt or deleted: every change is its own
transaction with `synchronous=FULL`, the schema is migrated forward step by
step, and a file written by a newer Reader or a damaged one is refused with a
message rather than touched.

Two Readers may have the file open at once (two windows, or the window and a
script): WAL lets them read while the other writes, every write is a
`BEGIN IMMEDIATE` transaction and waits up to 30 s for the other's to finish,
and changes that depend on what is stored (edits, imports) read it inside the
same transaction, so neither loses the other's work.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Sequence

from reader.annotations.model import Annotation, AnnotationError, AnnotationNotFound, parse_time
from reader.store.db import enable_wal

VERSION = 3


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


def _migrate_to_2(conn: sqlite3.Connection) -> None:
    conn.execute("""
        CREATE TABLE annotations (
            uuid TEXT PRIMARY KEY,
            doc_key TEXT NOT NULL,          -- SHA-256 of the text of the document it is attached to now
            file_name TEXT NOT NULL,
            colour TEXT NOT NULL,           -- yellow, green, blue, pink, purple
            note TEXT NOT NULL,             -- Markdown; '' for none
            tags TEXT NOT NULL,             -- JSON list
            created TEXT NOT NULL,          -- UTC ISO 8601
            modified TEXT NOT NULL,
            exact TEXT NOT NULL,            -- TextQuoteSelector as made
            prefix TEXT NOT NULL,
            suffix TEXT NOT NULL,
            start INTEGER,                  -- TextPositionSelector as made (code points)
            end INTEGER,
            status TEXT NOT NULL,           -- anchored, moved, changed, orphaned
            cur_start INTEGER,              -- where it is now; NULL when orphaned
            cur_end INTEGER,
            history TEXT NOT NULL           -- JSON: earlier versions of the document [{key, file_name, until}]
        )""")
    conn.execute("CREATE INDEX annotations_doc ON annotations(doc_key, cur_start)")
    conn.execute("CREATE INDEX annotations_file ON annotations(file_name)")


def _migrate_to_3(conn: sqlite3.Connection) -> None:
    # What imported W3C annotations hold that Reader has no column for (JSON; '' for nothing).
    conn.execute("ALTER TABLE annotations ADD COLUMN w3c TEXT NOT NULL DEFAULT ''")


# Step k migrates a file at version k to version k + 1.
_MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_migrate_to_1, _migrate_to_2, _migrate_to_3]


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
            enable_wal(self.conn)
            self.conn.execute("PRAGMA synchronous=FULL")
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            raise UserDataError(
                f"Your notes file {path} is kept busy by another program; close it (or the other "
                f"Reader) and try again. Nothing was changed.") from error
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
                # Another Reader opening the same file may have migrated it meanwhile.
                if self.conn.execute("PRAGMA user_version").fetchone()[0] != step:
                    continue
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

    # -- annotations ----------------------------------------------------------
    # Each method is one transaction: when it returns, the change is on disk.

    _ANNOTATION_SELECT = f"SELECT {', '.join(Annotation.COLUMNS)} FROM annotations"
    _ANNOTATION_INSERT = (f"INSERT INTO annotations ({', '.join(Annotation.COLUMNS)}) "
                          f"VALUES ({', '.join('?' * len(Annotation.COLUMNS))})")
    _ANNOTATION_ORDER = " ORDER BY file_name, doc_key, coalesce(cur_start, start, 0), coalesce(cur_end, end, 0), created, uuid"

    def annotation(self, uuid: str) -> Annotation | None:
        row = self.conn.execute(f"{self._ANNOTATION_SELECT} WHERE uuid = ?", [uuid]).fetchone()
        return Annotation.from_row(row) if row else None

    def annotations(self, doc_keys: Iterable[str] | None = None, file_names: Iterable[str] = ()) -> list[Annotation]:
        """All annotations, or those attached to `doc_keys` or (orphans included) to `file_names`."""
        if doc_keys is None and not file_names:
            rows = self.conn.execute(self._ANNOTATION_SELECT + self._ANNOTATION_ORDER)
        else:
            keys, names = list(doc_keys or ()), list(file_names)
            rows = self.conn.execute(
                f"{self._ANNOTATION_SELECT} WHERE doc_key IN (SELECT value FROM json_each(?)) "
                f"OR file_name IN (SELECT value FROM json_each(?)){self._ANNOTATION_ORDER}",
                [json.dumps(keys), json.dumps(names)])
        return [Annotation.from_row(r) for r in rows]

    def annotation_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM annotations").fetchone()[0]

    def add_annotation(self, annotation: Annotation) -> Annotation:
        """Store a new annotation (or put a deleted one back exactly as it was)."""
        with self._transaction():
            self._insert_annotation(annotation)
        return annotation

    def _insert_annotation(self, annotation: Annotation) -> None:
        try:
            self.conn.execute(self._ANNOTATION_INSERT, annotation.to_row())
        except sqlite3.IntegrityError as error:
            raise AnnotationError(f"An annotation {annotation.uuid} already exists.") from error

    def edit_annotation(self, uuid: str, change: Callable[[Annotation], Annotation]) -> Annotation:
        """Apply `change` to the stored annotation, reading and writing in one transaction."""
        with self._transaction():
            current = self.annotation(uuid)
            if current is None:
                raise AnnotationNotFound(f"No annotation {uuid}.")
            changed = change(current)
            if changed.uuid != uuid:
                raise AnnotationError("An annotation's UUID cannot change.")
            if changed != current:
                self._replace_annotation(changed)
        return changed

    def _replace_annotation(self, annotation: Annotation) -> None:
        columns = Annotation.COLUMNS[1:]
        self.conn.execute(f"UPDATE annotations SET {', '.join(f'{c} = ?' for c in columns)} WHERE uuid = ?",
                          [*annotation.to_row()[1:], annotation.uuid])

    def delete_annotation(self, uuid: str) -> Annotation:
        """Remove an annotation; returns it whole, so `add_annotation` can put it back (undo)."""
        with self._transaction():
            current = self.annotation(uuid)
            if current is None:
                raise AnnotationNotFound(f"No annotation {uuid}.")
            self.conn.execute("DELETE FROM annotations WHERE uuid = ?", [uuid])
        return current

    def set_anchors(self, anchored: Sequence[Annotation]) -> int:
        """Store where annotations are now (document, status, offsets, history), all in one
        transaction. Notes, tags and colours stay as stored, so a concurrent edit is kept; an
        annotation whose selectors changed meanwhile (re-highlighted elsewhere) is left alone."""
        if not anchored:
            return 0
        changed = 0
        with self._transaction():
            for a in anchored:
                cursor = self.conn.execute(
                    "UPDATE annotations SET doc_key = ?, file_name = ?, status = ?, cur_start = ?, cur_end = ?, "
                    "history = ? WHERE uuid = ? AND exact = ? AND prefix = ? AND suffix = ? AND start IS ? "
                    "AND end IS ?",
                    [a.doc_key, a.file_name, a.status, a.cur_start, a.cur_end, a.to_row()[_HISTORY], a.uuid, a.exact,
                     a.prefix, a.suffix, a.start, a.end])
                changed += cursor.rowcount
        return changed

    def merge_annotations(self, incoming: Sequence[Annotation]) -> list[str]:
        """Add or update annotations in one transaction (all or nothing): a new UUID is added; a
        known one is replaced if the incoming `modified` is later, else skipped. Returns, per
        annotation, 'added', 'updated' or 'skipped'."""
        actions = []
        with self._transaction():
            for a in incoming:
                current = self.annotation(a.uuid)
                if current is None:
                    self._insert_annotation(a)
                    actions.append("added")
                elif parse_time(a.modified) > parse_time(current.modified):
                    self._replace_annotation(a.with_changes(history=current.history + tuple(
                        h for h in a.history if h not in current.history)))
                    actions.append("updated")
                else:
                    actions.append("skipped")
        return actions

    def check_integrity(self) -> str:
        """SQLite's own check of the file: 'ok' when sound."""
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]


_HISTORY = Annotation.COLUMNS.index("history")


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on error (autocommit connection)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            if self.conn.in_transaction:  # SQLite may have rolled back already (e.g. disk full)
                self.conn.execute("ROLLBACK")
            return
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error:
            if self.conn.in_transaction:  # e.g. disk full: leave no transaction open behind
                self.conn.execute("ROLLBACK")
            raise

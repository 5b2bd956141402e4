"""Annotations in the user data file (`reader.store.userdata`): reading, writing, salvaging.

Each change is one transaction: when a method returns, the change is on disk.

Reading keeps going past what cannot be read: a row whose stored values make no sense
(tags that are not JSON, an offset that is text) or that sits in a damaged part of the
file is skipped and described in `skipped`, so the notes that can be read are still
listed and exported. `salvage` copies every readable row into a fresh file.
"""
from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from reader.annotations.model import (COLOURS, STATUSES, Annotation, AnnotationError, AnnotationNotFound,
                                      parse_time)
from reader.store import sql
from reader.store.userdata import UserData, UserDataError, backups, fresh_name, masked_by_stray_wal

if TYPE_CHECKING:
    from reader.library import Library

_SELECT = f"SELECT {', '.join(Annotation.COLUMNS)} FROM annotations"
_INSERT = (f"INSERT INTO annotations ({', '.join(Annotation.COLUMNS)}) "
           f"VALUES ({', '.join('?' * len(Annotation.COLUMNS))})")
_ORDER = " ORDER BY file_name, doc_key, coalesce(cur_start, start, 0), coalesce(cur_end, end, 0), created, uuid"


def _sort_key(a: Annotation) -> tuple:
    """The order of `_ORDER`, for rows read one by one."""
    start = a.cur_start if a.cur_start is not None else (a.start if a.start is not None else 0)
    end = a.cur_end if a.cur_end is not None else (a.end if a.end is not None else 0)
    return a.file_name, a.doc_key, start, end, a.created, a.uuid


class BadRow(ValueError):
    """A stored row that is not an annotation Reader could have written."""


_TEXT = [Annotation.COLUMNS.index(c) for c in ("uuid", "doc_key", "file_name", "note", "created", "modified",
                                                  "exact", "prefix", "suffix")]
_OFFSETS = [Annotation.COLUMNS.index(c) for c in ("start", "end", "cur_start", "cur_end")]
_COLOUR, _STATUS = Annotation.COLUMNS.index("colour"), Annotation.COLUMNS.index("status")
_HISTORY = Annotation.COLUMNS.index("history")
# Columns a file of an older schema may lack, and what stands in for them when salvaging it.
_ADDED_LATER = {"w3c": "'' AS w3c"}


def from_row(row: Sequence) -> Annotation:
    """An annotation from its stored row, checked (cheaply: every read goes through here);
    raises BadRow saying what is wrong."""
    for i in _TEXT:
        if type(row[i]) is not str:
            raise BadRow(f"its {Annotation.COLUMNS[i]} is not text")
    for i in _OFFSETS:
        value = row[i]
        if value is not None and (type(value) is not int or value < 0):
            raise BadRow(f"its {Annotation.COLUMNS[i]} offset is {value!r}, not a whole number")
    if row[_COLOUR] not in COLOURS:
        raise BadRow(f"its colour is {row[_COLOUR]!r}")
    if row[_STATUS] not in STATUSES:
        raise BadRow(f"its status is {row[_STATUS]!r}")
    try:
        annotation = Annotation.from_row(row)
    except (ValueError, TypeError) as error:   # tags or history not (the right) JSON
        name = "tags" if not _json_list_of(row[Annotation.COLUMNS.index("tags")], str) else "history"
        raise BadRow(f"its {name} are not valid ({type(error).__name__})") from None
    if not all(type(t) is str for t in annotation.tags):
        raise BadRow("its tags are not a list of text")
    return annotation


def _json_list_of(text: object, kind: type) -> bool:
    try:
        value = json.loads(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return isinstance(value, list) and all(isinstance(v, kind) for v in value)


def _describe(row: Sequence, problem: str) -> str:
    uuid = row[0] if row and isinstance(row[0], str) else "?"
    where = f" on {row[2]}" if len(row) > 2 and isinstance(row[2], str) else ""
    return f"note {uuid}{where}: {problem}; skipped"


@dataclass
class ReadResult:
    annotations: list[Annotation] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)     # what could not be read, one line each


def read_all(conn: sqlite3.Connection, where: str = "", parameters: Sequence = (),
             columns: Sequence[str] = Annotation.COLUMNS) -> ReadResult:
    """Every readable annotation (matching `where`), in export order, with what was skipped.
    `columns` are the select expressions, in `Annotation.COLUMNS` order."""
    result = ReadResult()
    in_order = True
    select = _SELECT if columns is Annotation.COLUMNS else f"SELECT {', '.join(columns)} FROM annotations"
    try:
        rows = conn.execute(select + where + _ORDER, parameters).fetchall()
    except sqlite3.DatabaseError as error:
        if not sql.is_damaged(error):
            raise
        # A damaged page: read around it in rowid order, then sort as the query would have.
        rows, lost = sql.readable_rows(conn, "annotations", columns, where, parameters)
        result.skipped += [f"{stretch}: in a damaged part of the file, cannot be read" for stretch in lost]
        in_order = False
    for row in rows:
        try:
            result.annotations.append(from_row(row))
        except BadRow as error:
            result.skipped.append(_describe(row, str(error)))
    if not in_order:
        result.annotations.sort(key=_sort_key)
    return result


class AnnotationStore:
    """The annotations of one user data file."""

    def __init__(self, user: UserData) -> None:
        self.user = user
        self.skipped: list[str] = []     # from the last read: rows that could not be read

    @classmethod
    def open(cls, path: Path) -> "AnnotationStore":
        return cls(UserData(path))

    def close(self) -> None:
        self.user.close()

    @property
    def conn(self) -> sqlite3.Connection:
        return self.user.conn

    def _read(self, where: str = "", parameters: Sequence = ()) -> list[Annotation]:
        if not self.user.has_table("annotations"):   # an old file opened read-only
            self.skipped = []
            return []
        with self.user.reading() as conn:
            result = read_all(conn, where, parameters)
        self.skipped = result.skipped
        return result.annotations

    def annotation(self, uuid: str) -> Annotation | None:
        found = self._read(" WHERE uuid = ?", [uuid])
        if self.skipped and not found:
            raise AnnotationError(f"The annotation {uuid} cannot be read: {self.skipped[0]}.")
        return found[0] if found else None

    def annotations(self, doc_keys: Iterable[str] | None = None, file_names: Iterable[str] = ()) -> list[Annotation]:
        """All annotations, or those attached to `doc_keys` or (orphans included) to `file_names`."""
        if doc_keys is None and not file_names:
            return self._read()
        keys, names = list(doc_keys or ()), list(file_names)
        return self._read(" WHERE doc_key IN (SELECT value FROM json_each(?)) OR file_name IN (SELECT value FROM "
                          "json_each(?))", [json.dumps(keys), json.dumps(names)])

    def add_annotation(self, annotation: Annotation) -> Annotation:
        """Store a new annotation (or put a deleted one back exactly as it was)."""
        with self.user.write():
            self._insert(annotation)
        return annotation

    def _insert(self, annotation: Annotation) -> None:
        try:
            self.conn.execute(_INSERT, annotation.to_row())
        except sqlite3.IntegrityError as error:
            raise AnnotationError(f"An annotation {annotation.uuid} already exists.") from error

    def edit_annotation(self, uuid: str, change: Callable[[Annotation], Annotation]) -> Annotation:
        """Apply `change` to the stored annotation, reading and writing in one transaction."""
        with self.user.write():
            current = self.annotation(uuid)
            if current is None:
                raise AnnotationNotFound(f"No annotation {uuid}.")
            changed = change(current)
            if changed.uuid != uuid:
                raise AnnotationError("An annotation's UUID cannot change.")
            if changed != current:
                self._replace(changed)
        return changed

    def _replace(self, annotation: Annotation) -> None:
        columns = Annotation.COLUMNS[1:]
        self.conn.execute(f"UPDATE annotations SET {', '.join(f'{c} = ?' for c in columns)} WHERE uuid = ?",
                          [*annotation.to_row()[1:], annotation.uuid])

    def delete_annotation(self, uuid: str) -> Annotation:
        """Remove an annotation; returns it whole, so `add_annotation` can put it back (undo)."""
        with self.user.write():
            current = self.annotation(uuid)
            if current is None:
                raise AnnotationNotFound(f"No annotation {uuid}.")
            self.conn.execute("DELETE FROM annotations WHERE uuid = ?", [uuid])
        return current

    def delete_attached(self, annotations: Sequence[Annotation], doc_key: str) -> int:
        """Delete these annotations if still attached to `doc_key` (its document is removed)."""
        with self.user.write():
            self.conn.executemany("DELETE FROM annotations WHERE uuid = ? AND doc_key = ?",
                                  [(a.uuid, doc_key) for a in annotations])
        return len(annotations)

    def set_anchors(self, anchored: Sequence[Annotation]) -> int:
        """Store where annotations are now (document, status, offsets, history), all in one
        transaction. Notes, tags and colours stay as stored, so a concurrent edit is kept; an
        annotation whose selectors changed meanwhile (re-highlighted elsewhere) is left alone."""
        if not anchored:
            return 0
        changed = 0
        with self.user.write():
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
        with self.user.write():
            # what is stored already, read in one query (not one per incoming note)
            stored = {a.uuid: a for a in self._read(" WHERE uuid IN (SELECT value FROM json_each(?))",
                                                    [json.dumps([a.uuid for a in incoming])])}
            if self.skipped:     # a stored row could not be read: which note it is, one by one
                for a in incoming:
                    if a.uuid not in stored:
                        self.annotation(a.uuid)     # raises for the unreadable one
            for a in incoming:
                current = stored.get(a.uuid)
                if current is None:
                    self._insert(a)
                    stored[a.uuid] = a          # a second copy in the same file merges with the first
                    actions.append("added")
                elif _newer(a.modified, current.modified):
                    merged = a.with_changes(history=current.history + tuple(
                        h for h in a.history if h not in current.history))
                    self._replace(merged)
                    stored[a.uuid] = merged
                    actions.append("updated")
                else:
                    actions.append("skipped")
        return actions


def _newer(incoming: str, stored: str) -> bool:
    try:
        return parse_time(incoming) > parse_time(stored)
    except (ValueError, OverflowError):   # a stored time that cannot be read: the incoming copy wins
        return True


def store_of(user: "UserData | AnnotationStore") -> AnnotationStore:
    """The annotations of a user data file (given as the file, or already as its annotations)."""
    return user if isinstance(user, AnnotationStore) else AnnotationStore(user)


def notes_for(library: "Library | None", user: "UserData | AnnotationStore | None") -> AnnotationStore:
    """The annotations to work on: of the user data given, else the library's."""
    if user is not None:
        return store_of(user)
    if library is None:
        raise TypeError("Give a library, or the user data file.")
    return library.notes


def index_for(library: "Library | None", db: "sqlite3.Connection | None") -> "sqlite3.Connection":
    """The index to work on, as the queries take it: the connection given, else the library's."""
    if db is not None:
        return db
    if library is None:
        raise TypeError("Give a library, or the index.")
    return library.db.conn


# -- salvage --------------------------------------------------------------------------------------

# Tables copied as they are besides the annotations (checked one by one): the user's other decisions.
_OTHER_TABLES = {
    "entity_corrections": ("kind", "entity", "value", "created"),
    "library_sources": ("path", "added"),
    "removed_documents": ("path", "file_sha", "key", "file_size", "file_mtime", "title", "removed"),
    "document_metadata": ("path", "title", "date", "source", "modified"),
}


@dataclass
class SalvageReport:
    notes: int = 0                       # annotations copied
    other: dict[str, int] = field(default_factory=dict)   # rows copied per other table
    skipped: list[str] = field(default_factory=list)
    damaged_copy: str = ""               # where the old file now is

    def to_json(self) -> dict:
        return {"notes": self.notes, "other": self.other, "skipped": self.skipped, "damaged_copy": self.damaged_copy}


def salvage(path: Path) -> SalvageReport:
    """Copy every readable row of the user data file at `path` into a fresh file that takes its
    place; the old file is kept beside it as `user.sqlite.damaged-<timestamp>` (with its -wal).

    Nothing else may have the file open meanwhile (close the window first)."""
    path = Path(path)
    if not path.is_file():
        raise UserDataError(f"There is no notes file at {path} to salvage.")
    source = _open_damaged(path)
    stray = masked_by_stray_wal(path, source)
    if stray:
        source.close()
        raise UserDataError(f"Your notes file {path} {stray} Nothing was salvaged or changed.")
    fresh_path = path.with_name(path.name + ".salvage")
    for leftover in (fresh_path, path.with_name(fresh_path.name + "-wal"), path.with_name(fresh_path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    report = SalvageReport()
    try:
        fresh = UserData(fresh_path)
        try:
            _copy_readable(source, fresh, report)
        finally:
            fresh.close()
    finally:
        source.close()
    damaged = fresh_name(path, "damaged")
    os.replace(path, damaged)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.replace(companion, damaged.with_name(damaged.name + suffix))
    os.replace(fresh_path, path)
    report.damaged_copy = str(damaged)
    return report


def _open_damaged(path: Path) -> sqlite3.Connection:
    """Read-only, whatever state the file is in."""
    try:
        return sql.connect_readonly(path, autocommit=True)
    except sqlite3.DatabaseError as error:
        raise UserDataError(f"Your notes file {path} cannot be read at all ({error}); nothing can be salvaged "
                            f"from it. Backups: {', '.join(p.name for p in backups(path)) or 'none'}.") from error


def _tables(conn: sqlite3.Connection) -> set[str]:
    try:
        return {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        return set()


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


def _copy_readable(source: sqlite3.Connection, fresh: UserData, report: SalvageReport) -> None:
    tables = _tables(source)
    present = set(_columns(source, "annotations")) if "annotations" in tables else set()
    if present and set(Annotation.COLUMNS) - set(_ADDED_LATER) <= present:
        columns = [c if c in present else _ADDED_LATER[c] for c in Annotation.COLUMNS]
        result = read_all(source, columns=columns)
        report.skipped += result.skipped
        AnnotationStore(fresh).merge_annotations(result.annotations)
        report.notes = len(result.annotations)
    for table, table_columns in _OTHER_TABLES.items():
        if table not in tables or not set(table_columns) <= set(_columns(source, table)):
            continue
        rows, lost = sql.readable_rows(source, table, table_columns)
        report.skipped += [f"{table} {stretch}: in a damaged part of the file, cannot be read" for stretch in lost]
        with fresh.write() as conn:
            conn.executemany(f"INSERT OR IGNORE INTO {table} ({', '.join(table_columns)}) "
                             f"VALUES ({', '.join('?' * len(table_columns))})", rows)
        report.other[table] = len(rows)

"""Opening the index: WAL, a schema version in `PRAGMA user_version`, clear errors.

The index is a disposable cache of the sources, so an index written by an older
Reader (or a damaged one) is simply rebuilt. One written by a newer Reader is
refused rather than downgraded: the user may go back to that version.
"""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING

from reader.store import schema

if TYPE_CHECKING:
    import sqlite_utils


class IndexError_(Exception):
    """Base for index problems a user can act on; the message says what to do."""


class NewerIndexError(IndexError_):
    pass


class IndexLockedError(IndexError_):
    pass


def enable_wal(conn: sqlite3.Connection, patience: float = 30.0) -> None:
    """Set WAL mode, waiting out another process that is creating or switching the same file:
    changing the journal mode takes an exclusive lock and does not wait on the busy timeout."""
    deadline = time.monotonic() + patience
    delay = 0.01
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def _connect(path: Path) -> sqlite3.Connection:
    # The UI reads on its thread while a worker writes on another; each has its own
    # connection, used only in the thread that opened it (SQLite's check stays on), and WAL
    # lets readers go on during a write.
    conn = sqlite3.connect(str(path), timeout=30)
    try:
        enable_wal(conn)
        conn.execute("PRAGMA synchronous=NORMAL")  # a lost last transaction is rebuilt from sources
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def _version_of(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def _remove_index_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def open_index(path: Path) -> "sqlite_utils.Database":
    """Open (creating or rebuilding as needed) the index at `path`, for the indexer and CLI."""
    import sqlite_utils

    return sqlite_utils.Database(connect_index(path))


def connect_index(path: Path) -> sqlite3.Connection:
    """The same as `open_index` as a plain connection: enough for the read queries, and it
    spares a warm start the import of sqlite-utils and what it pulls in."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = None
    try:
        conn = _connect(path)
        version = _version_of(conn)
    except sqlite3.DatabaseError as error:
        if "locked" in str(error):
            raise IndexLockedError(f"The index {path} is locked by another program; close it and try again.") from error
        # Not a database at all: it is only a cache, start afresh.
        _close_quietly(conn)  # an open handle would block the delete on Windows
        _remove_index_files(path)
        conn = _connect(path)
        version = 0
    if version > schema.VERSION:
        conn.close()
        raise NewerIndexError(
            f"The index {path} was written by a newer version of Reader (schema {version}; "
            f"this version reads schema {schema.VERSION}). Update Reader, or delete that file "
            f"to rebuild the index with this version (your notes are kept elsewhere)."
        )
    if version < schema.VERSION:
        _rebuild(conn)
    return conn


def _rebuild(conn: sqlite3.Connection) -> None:
    """Empty an older (or new) index and create the current schema, in one exclusive
    transaction inside the file: another Reader opening it at the same moment waits, then
    finds it done, instead of deleting files the other has open."""
    conn.execute("PRAGMA foreign_keys=OFF")  # no effect inside a transaction
    conn.execute("BEGIN EXCLUSIVE")
    try:
        if _version_of(conn) < schema.VERSION:
            schema.drop_all(conn)
            schema.create(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute("PRAGMA foreign_keys=ON")


def _close_quietly(conn: sqlite3.Connection | None) -> None:
    if conn is not None:
        try:
            conn.close()
        except sqlite3.Error:
            pass

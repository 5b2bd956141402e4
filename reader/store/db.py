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
    # connection, and WAL lets readers go on during a write.
    conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
    enable_wal(conn)
    conn.execute("PRAGMA synchronous=NORMAL")  # a lost last transaction is rebuilt from sources
    conn.execute("PRAGMA foreign_keys=ON")
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
    try:
        conn = _connect(path)
        version = _version_of(conn)
    except sqlite3.DatabaseError as error:
        if "locked" in str(error):
            raise IndexLockedError(f"The index {path} is locked by another program; close it and try again.") from error
        # Not a database, or damaged: it is only a cache, start afresh.
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
        # Older, or not ours (version 0): the index is a cache, so start afresh.
        conn.close()
        _remove_index_files(path)
        conn = _connect(path)
        schema.create(conn)
    return conn

"""Opening the index: WAL, a schema version in `PRAGMA user_version`, clear errors.

The index is a disposable cache of the sources, so an index written by an older
Reader, or a damaged or incomplete one, is rebuilt (with a warning saying so). One
written by a newer Reader is refused rather than downgraded: the user may go back to
that version. One that cannot be written (read-only, a full disk) is still opened for
reading when it is current; writing to it then says why it cannot be done.
"""
from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from reader.store import schema, sql

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger(__name__)

REPAIR = "It is only a cache of your files: run `reader index` to rebuild it."


class NewerIndexError(sql.NewerDatabase):
    pass


class IndexLockedError(sql.DatabaseBusy):
    pass


def index_place(path: Path) -> sql.Place:
    return sql.Place("The index", path, REPAIR)


def _connect(path: Path) -> sqlite3.Connection:
    # The UI reads on its thread while a worker writes on another; each has its own
    # connection, and WAL lets readers go on during a write.
    conn = sql.connect(path, timeout=sql.BUSY_TIMEOUT)
    try:
        sql.enable_wal(conn)
        conn.execute("PRAGMA synchronous=NORMAL")  # a lost last transaction is rebuilt from sources
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def _version_of(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def _remove_index_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".damaged"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def open_index(path: Path) -> "sqlite_utils.Database":
    """Open (creating or rebuilding as needed) the index at `path`, for the indexer and CLI."""
    import sqlite_utils

    return sqlite_utils.Database(connect_index(path))


def connect_index(path: Path) -> sqlite3.Connection:
    """The same as `open_index` as a plain connection: enough for the read queries, and it
    spares a warm start the import of sqlite-utils and what it pulls in."""
    place = index_place(path)
    sql.check_file(place)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise sql.CannotOpen(f"The index cannot be created in {path.parent}: {error.strerror or error}.") from error
    conn = None
    try:
        conn = _connect(path)
        version = _version_of(conn)
    except sqlite3.DatabaseError as error:
        _close_quietly(conn)  # an open handle would block the delete on Windows
        if sql.is_busy(error):
            raise IndexLockedError(f"The index {path} is locked by another program; close it and try again.") \
                from error
        if not sql.is_damaged(error):
            return _readable_or_raise(path, error)
        log.warning("The index %s is not a database (%s); it is rebuilt from your files.", path, error)
        _remove_index_files(path)
        conn = _connect(path)
        version = 0
    if version > schema.VERSION:
        conn.close()
        raise NewerIndexError(
            f"The index {path} was written by a newer version of Reader (schema {version}; "
            f"this version reads schema {schema.VERSION}). Update Reader, or delete that file "
            f"to rebuild the index with this version (your notes are kept elsewhere).")
    missing = _missing_tables(conn) if version == schema.VERSION else set()
    if missing:
        log.warning("The index %s is incomplete (no %s table); it is rebuilt from your files.", path,
                    ", ".join(sorted(missing)))
    if version < schema.VERSION or missing:
        try:
            with sql.translated(place):
                _rebuild(conn)
        except BaseException:
            conn.close()
            raise
    return conn


def _readable_or_raise(path: Path, error: sqlite3.Error) -> sqlite3.Connection:
    """The index cannot be opened for writing (read-only, disk full): read it if it is current."""
    known = sql.known_error(error, index_place(path))
    if known is None:
        raise error
    try:
        conn = sql.connect_readonly(path)
    except sqlite3.Error:
        raise known from error
    try:
        current = _version_of(conn) == schema.VERSION and not _missing_tables(conn)
    except sqlite3.Error:
        current = False
    if not current:
        conn.close()
        raise known from error
    log.info("The index %s is opened read-only: %s", path, known)
    return conn


def _missing_tables(conn: sqlite3.Connection) -> set[str]:
    present = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return set(schema.table_names()) - present


def _rebuild(conn: sqlite3.Connection, damaged: bool = False) -> None:
    """Empty an older, incomplete or damaged index and create the current schema, in one exclusive
    transaction inside the file: another Reader opening it at the same moment waits, then
    finds it done, instead of deleting files the other has open. ``damaged``: the caller has
    just checked it (the check reads every page; once is enough)."""
    conn.execute("PRAGMA foreign_keys=OFF")  # no effect inside a transaction
    try:
        with sql.atomic(conn, exclusive=True):   # readers wait rather than see a half-made schema
            version = _version_of(conn)
            if not damaged and version < schema.VERSION and not _missing_tables(conn) and _sound(conn) \
                    and schema.upgrade(conn, version):
                return
            if damaged or _version_of(conn) < schema.VERSION or _missing_tables(conn) or not _sound(conn):
                schema.drop_all(conn)
                schema.create(conn)
    finally:
        conn.execute("PRAGMA foreign_keys=ON")


def problems(conn: sqlite3.Connection) -> str | None:
    """What is wrong with the index's structure (SQLite's quick check, the full-text index's own
    check), or None when it is sound. Reads every page: for `reader index`, not every start."""
    result = sql.quick_check(conn)
    if result != "ok":
        return result
    was_open = conn.in_transaction
    try:
        conn.execute("INSERT INTO passages_fts(passages_fts) VALUES ('integrity-check')")   # writes nothing
    except sqlite3.DatabaseError as error:
        if sql.is_damaged(error):
            return f"its full-text index fails its own check: {error}"
        if not sql.is_readonly(error):
            raise
    finally:
        if conn.in_transaction and not was_open:   # the INSERT opened one implicitly
            conn.rollback()
    return None



def _suspect_marker(path: Path) -> Path:
    return path.with_name(path.name + ".damaged")


def mark_suspect(path: Path) -> None:
    """A query found the index damaged: the next update checks it (and rebuilds it) even when not
    asked to. A marker file beside it, as the damaged file itself may not take a write."""
    try:
        _suspect_marker(path).touch()
    except OSError:
        pass   # then `reader index` (which always checks) is what repairs it


def suspect(path: Path) -> bool:
    return _suspect_marker(path).exists()


def clear_suspect(path: Path) -> None:
    _suspect_marker(path).unlink(missing_ok=True)


def _sound(conn: sqlite3.Connection) -> bool:
    return problems(conn) is None


def repair(db: "sqlite_utils.Database | sqlite3.Connection", path: Path | None = None) -> str | None:
    """Check the index and, when it is damaged, say so and empty it in place for a rebuild from the
    sources. Returns what was wrong, or None. Raises DamagedDatabase when it cannot even be emptied
    (then it is for the caller, who owns the file, to remove it)."""
    conn = db if isinstance(db, sqlite3.Connection) else db.conn
    found = problems(conn)
    if found is None:
        return None
    place = index_place(path or Path(_file_of(conn) or "index.sqlite"))
    log.warning("%s is damaged (%s); it is rebuilt from your files.", place, found)
    with sql.translated(place):
        _rebuild(conn, damaged=True)
    return found


def _file_of(conn: sqlite3.Connection) -> str | None:
    for _seq, name, file in conn.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return file or None
    return None


def remove(path: Path) -> None:
    """Delete the index files (it is a cache); the next open makes a new one."""
    _remove_index_files(path)


def _close_quietly(conn: sqlite3.Connection | None) -> None:
    if conn is not None:
        try:
            conn.close()
        except sqlite3.Error:
            pass

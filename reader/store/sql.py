"""One way to use SQLite: opening a file, transactions, and what an error means.

* `atomic(conn)`: a write transaction (`BEGIN IMMEDIATE`, so the write lock is taken
  before anything is read), or a savepoint when one is already open, so helpers nest
  (the model is sqlite-utils' `Database.atomic()`).
* Errors are classified by SQLite's own error name (`sqlite3.Error.sqlite_errorname`),
  never by message text, into *known* problems a user can act on (`StorageError`:
  busy, disk full, read-only, damaged, written by a newer Reader, cannot be opened),
  each with a one-line message, and everything else: a bug in Reader, raised as is
  (qutebrowser's `KnownError`/`BugError` split).

Standard library only: the window's warm start imports it.
"""
from __future__ import annotations

import itertools
import os
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")

BUSY_TIMEOUT = 30.0   # seconds a write waits for another Reader's transaction


class StorageError(Exception):
    """A database problem the user can act on; the message (one line) says what and what to do."""


class DatabaseBusy(StorageError):
    pass


class DiskFull(StorageError):
    pass


class ReadOnlyStorage(StorageError):
    pass


class DamagedDatabase(StorageError):
    pass


class NewerDatabase(StorageError):
    pass


class CannotOpen(StorageError):
    pass


@dataclass(frozen=True)
class Place:
    """Which file a message is about, and how the user repairs it when it is damaged."""

    label: str          # "Your notes file", "The index"
    path: Path
    repair: str         # what to do when it is damaged

    def __str__(self) -> str:
        return f"{self.label} {self.path}"


# -- classification ------------------------------------------------------------------------------

def error_name(error: BaseException) -> str:
    """SQLite's name for the error (extended: 'SQLITE_IOERR_SHMSIZE'), '' when not from SQLite."""
    return getattr(error, "sqlite_errorname", None) or ""


def _is(error: BaseException, *names: str) -> bool:
    name = error_name(error)
    return any(name == n or name.startswith(n + "_") for n in names)


def is_busy(error: BaseException) -> bool:
    return _is(error, "SQLITE_BUSY", "SQLITE_LOCKED")


def is_readonly(error: BaseException) -> bool:
    return _is(error, "SQLITE_READONLY")


def is_damaged(error: BaseException) -> bool:
    return _is(error, "SQLITE_CORRUPT", "SQLITE_NOTADB")


def out_of_room(folder: Path) -> bool:
    """No room to write where `folder` is: next to no free space, or a file size limit (`ulimit -f`)
    too small for a database. (A full disk also shows as an I/O error when SQLite cannot make its
    -shm file, not only as SQLITE_FULL.)"""
    import shutil   # only when something failed: not on every start

    try:
        if shutil.disk_usage(folder).free < ROOM:
            return True
    except OSError:
        pass
    try:
        import resource
    except ImportError:   # Windows
        return False
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    return limit != resource.RLIM_INFINITY and limit < 4 * ROOM


ROOM = 256 * 1024


def known_error(error: sqlite3.Error, place: Place) -> StorageError | None:
    """The user-facing error for `error` on `place`, or None when it is a bug in Reader."""
    detail = f"{error} ({error_name(error) or type(error).__name__})"
    if is_busy(error):
        return DatabaseBusy(f"{place} is busy: another program (or another Reader) is using it. Close it and "
                            f"try again; nothing was changed.")
    # A full disk also shows as an I/O error (no room for the -shm file), or as read-only (the
    # file was opened read-only because nothing could be written).
    if _is(error, "SQLITE_FULL") or (_is(error, "SQLITE_IOERR", "SQLITE_READONLY", "SQLITE_CANTOPEN")
                                     and out_of_room(place.path.parent)):
        return DiskFull(f"The disk is full; nothing was saved; free space and try again ({place.path.parent}).")
    if _is(error, "SQLITE_READONLY"):
        return ReadOnlyStorage(f"{place} cannot be written: the file or its folder is read-only. Nothing was "
                               f"saved; make it writable and try again.")
    if is_damaged(error):
        return DamagedDatabase(f"{place} is damaged: {detail}. {place.repair}")
    if _is(error, "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH"):
        return CannotOpen(f"{place} cannot be opened: {detail}. Check that the file and its folder exist and "
                          f"that you may read and write them.")
    if _is(error, "SQLITE_IOERR"):
        return CannotOpen(f"{place} could not be read or written: a disk error, {detail}. Nothing was saved.")
    return None


@contextmanager
def translated(place: Place) -> Iterator[None]:
    """Raise the known error for a SQLite error inside, with the message for `place`; bugs go through."""
    try:
        yield
    except sqlite3.Error as error:
        known = known_error(error, place)
        if known is None:
            raise
        raise known from error


def check_file(place: Place) -> None:
    """Refuse a path SQLite cannot sensibly open, before it tries: a folder, a device, an
    unreadable file. SQLite's own errors for these are vague ('unable to open database file')."""
    path = place.path
    try:
        if path.is_dir():
            raise CannotOpen(f"{place} is a folder, not a database file. Move it away (or rename it) and try "
                             f"again.")
        if path.exists() and not path.is_file():
            raise CannotOpen(f"{place} is not a regular file (a device or a pipe?). Move it away and try again.")
        if path.exists() and not os.access(path, os.R_OK):
            raise CannotOpen(f"{place} cannot be read: permission denied. Give yourself read and write "
                             f"permission on it (chmod u+rw) and try again.")
    except OSError as error:   # e.g. the folder above cannot be searched
        raise CannotOpen(f"{place} cannot be reached: {error.strerror or error}.") from error


# -- connections and transactions ------------------------------------------------------------------

def connect(path: Path, *, readonly: bool = False, immutable: bool = False, autocommit: bool = False,
            timeout: float = BUSY_TIMEOUT, any_thread: bool = False) -> sqlite3.Connection:
    """A connection to `path`. `readonly` opens with mode=ro (never creates, never writes or
    checkpoints); `immutable` also skips locking and the -shm file: the last resort for reading a
    file whose folder is read-only or whose disk is full. `autocommit`: no implicit transactions
    (every write goes through `atomic`). `any_thread`: Python's same-thread guard off; nothing needs
    it (the window uses each connection only in the thread that opened it)."""
    uri = Path(os.path.abspath(path)).as_uri()
    if readonly or immutable:
        uri += "?mode=ro" + ("&immutable=1" if immutable else "")
    if autocommit:
        return sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=not any_thread)
    return sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=not any_thread)


def connect_readonly(path: Path, autocommit: bool = False) -> sqlite3.Connection:
    """A read-only connection that can read the file now: mode=ro, else immutable (when the folder is
    read-only and there is no -shm file, or the disk is too full to make one). Raises SQLite's error."""
    error: sqlite3.Error | None = None
    for immutable in (False, True):
        conn = connect(path, readonly=True, immutable=immutable, autocommit=autocommit)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.Error as failed:
            conn.close()
            error = failed
    assert error is not None
    raise error


def retry_while_busy(action: Callable[[], T], patience: float = BUSY_TIMEOUT) -> T:
    """Run `action`, retrying while another connection holds a lock SQLite does not wait on
    (changing the journal mode, for one, ignores the busy timeout)."""
    deadline = time.monotonic() + patience
    delay = 0.01
    while True:
        try:
            return action()
        except sqlite3.OperationalError as error:
            if not is_busy(error) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def enable_wal(conn: sqlite3.Connection, patience: float = BUSY_TIMEOUT) -> None:
    """WAL mode: readers go on while one connection writes."""
    retry_while_busy(lambda: conn.execute("PRAGMA journal_mode=WAL"), patience)


_savepoints = itertools.count()


@contextmanager
def atomic(conn: sqlite3.Connection, exclusive: bool = False) -> Iterator[sqlite3.Connection]:
    """A write transaction, committed when the block ends and rolled back if it raises.

    Outermost: `BEGIN IMMEDIATE` (the write lock is taken first, so what the block reads is
    what it changes), or `BEGIN EXCLUSIVE` when even readers must wait (a schema being
    remade). Inside another transaction: a savepoint, so a failing inner block undoes only
    its own work and the outer one decides."""
    if conn.in_transaction:
        name = f"reader_{next(_savepoints)}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:   # SQLite may have rolled everything back already (disk full)
                conn.execute(f"ROLLBACK TO {name}")
                conn.execute(f"RELEASE {name}")
            raise
        conn.execute(f"RELEASE {name}")
        return
    conn.execute("BEGIN EXCLUSIVE" if exclusive else "BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:   # a failed COMMIT (disk full) leaves no transaction open behind
            conn.execute("ROLLBACK")
        raise


def quick_check(conn: sqlite3.Connection) -> str:
    """SQLite's quick structural check: 'ok', or the first problems found (or the error it raised)."""
    try:
        rows = conn.execute("PRAGMA quick_check(5)").fetchall()
    except sqlite3.DatabaseError as error:
        return f"{error} ({error_name(error)})"
    return "; ".join(r[0] for r in rows)


def readable_rows(conn: sqlite3.Connection, table: str, columns: Sequence[str], where: str = "",
                  parameters: Sequence = (), batch: int = 200) -> tuple[list[tuple], list[str]]:
    """The rows of `table` that can still be read, in rowid order, stepping over damaged pages;
    and a description of each stretch of rowids that could not be read.

    `where` (" WHERE …", optional) filters the rows; it is applied inside the rowid range."""
    condition = f"({where.removeprefix(' WHERE ')}) AND " if where.strip() else ""
    select = f'SELECT rowid, {", ".join(columns)} FROM "{table}" WHERE {condition}rowid > ? ORDER BY rowid LIMIT ?'
    rows: list[tuple] = []
    lost: list[str] = []
    after = -(2 ** 63)
    while True:
        try:
            chunk = conn.execute(select, [*parameters, after, batch]).fetchall()
        except sqlite3.DatabaseError as error:
            if not is_damaged(error):
                raise
            if batch > 1:      # read the rows before the damage one by one
                batch = 1
                continue
            resume = _first_readable_after(conn, table, after)
            lost.append(f"rows after rowid {after} up to {resume}" if resume is not None
                        else f"rows after rowid {after}")
            if resume is None:
                break
            after, batch = resume, 200
            continue
        if not chunk:
            break
        rows += [tuple(r[1:]) for r in chunk]
        after = chunk[-1][0]
    return rows, lost


def _first_readable_after(conn: sqlite3.Connection, table: str, after: int) -> int | None:
    """The smallest rowid bound past `after` from which the table reads again (None: nothing does):
    steps doubling in size find one, then halving narrows it down."""
    def readable(bound: int) -> bool:
        try:
            conn.execute(f'SELECT rowid FROM "{table}" WHERE rowid > ? ORDER BY rowid LIMIT 3', [bound]).fetchall()
            return True
        except sqlite3.DatabaseError as error:
            if not is_damaged(error):
                raise
            return False

    step, limit = 1, 2 ** 63 - 1
    bad = after
    while not readable(min(bad + step, limit)):
        bad = min(bad + step, limit)
        if bad >= limit:
            return None
        step *= 2
    good = min(bad + step, limit)
    while good - bad > 1:
        middle = (bad + good) // 2
        if readable(middle):
            good = middle
        else:
            bad = middle
    return good

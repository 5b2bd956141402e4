"""The user's own data file, `user.sqlite`: entity corrections, annotations, the library's sources.

Unlike the index this file is never rebuilt or deleted: every change is its own
transaction with `synchronous=FULL`, the schema is migrated forward step by step
(after a backup copy), and a file that is damaged, unexpected or written by a newer
Reader is refused with a message rather than touched.

Opening it never writes before it has looked: a read-only connection checks first that
what SQLite shows agrees with the file's own header (a stray `-wal` file from another
database would otherwise show it as empty, and the first write would make that so).
When it cannot be written (a read-only file or folder, a full disk) it is still opened
for reading, and each write says why it cannot be saved. No write goes into a file that
fails `PRAGMA quick_check`.

Two Readers may have the file open at once (two windows, or the window and a
script): WAL lets them read while the other writes, every write is a
`BEGIN IMMEDIATE` transaction (`sql.atomic`) and waits up to 30 s for the other's to
finish, and changes that depend on what is stored (edits, imports) read it inside the
same transaction, so neither loses the other's work.

What the tables hold is the business of their modules: the annotations
(`reader.annotations.storage`), the library's sources (`reader.store.sources`).
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from reader.store import sql

VERSION = 5   # 1: entity corrections; 2: annotations; 3: the library's sources; 4: W3C extras;
              # 5: the user's corrections to a document's title, date, source
BACKUPS_KEPT = 5
SALVAGE = ("`reader notes salvage` copies every note that can still be read into a fresh file (the damaged one is "
           "kept beside it).")
SALVAGE_HINT = "Nothing was written to it. " + SALVAGE


class UserDataError(sql.StorageError):
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
    # Readers before schema 3 created these on first use, so a version 2 file may have them already.
    conn.execute("""
        CREATE TABLE IF NOT EXISTS library_sources (
            path TEXT PRIMARY KEY,          -- an imported file or folder, resolved
            added TEXT NOT NULL             -- UTC ISO 8601
        )""")
    conn.execute("""
        CREATE TABLE IF NOT EXISTS removed_documents (
            path TEXT NOT NULL,             -- the file the document came from, resolved
            file_sha TEXT NOT NULL,         -- SHA-256 of its bytes when removed: a changed file comes back
            key TEXT NOT NULL,              -- SHA-256 of its text
            file_size INTEGER NOT NULL,
            file_mtime REAL NOT NULL,
            title TEXT NOT NULL,
            removed TEXT NOT NULL,          -- UTC ISO 8601
            PRIMARY KEY (path, file_sha)
        )""")


def _migrate_to_4(conn: sqlite3.Connection) -> None:
    # What imported W3C annotations hold that Reader has no column for (JSON; '' for nothing).
    conn.execute("ALTER TABLE annotations ADD COLUMN w3c TEXT NOT NULL DEFAULT ''")


def _migrate_to_5(conn: sqlite3.Connection) -> None:
    conn.execute("""
        CREATE TABLE document_metadata (
            path TEXT PRIMARY KEY,          -- the document's file, as the index has it
            title TEXT,                     -- NULL: the indexed value stands
            date TEXT,                      -- ISO 8601 day or minute
            source TEXT,
            modified TEXT NOT NULL          -- UTC ISO 8601
        )""")


@dataclass(frozen=True)
class _Step:
    migrate: Callable[[sqlite3.Connection], None]
    creates: tuple[str, ...]      # tables this step makes; one already there means the version lies
    may_exist: bool = False       # older Readers made these tables outside the migrations


# Step k migrates a file at version k to version k + 1.
_MIGRATIONS = [
    _Step(_migrate_to_1, ("entity_corrections",)),
    _Step(_migrate_to_2, ("annotations",)),
    _Step(_migrate_to_3, ("library_sources", "removed_documents"), may_exist=True),
    _Step(_migrate_to_4, ()),
    _Step(_migrate_to_5, ("document_metadata",)),
]


@dataclass(frozen=True)
class StoredCorrection:
    id: int
    kind: str
    entity: str
    value: str | None
    created: str


@dataclass(frozen=True)
class _Header:
    """What the file's first 100 bytes say, read without SQLite."""

    size: int
    is_sqlite: bool
    pages: int
    version: int


def _read_header(path: Path) -> _Header | None:
    try:
        with open(path, "rb") as handle:
            head = handle.read(100)
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    except OSError as error:
        raise UserDataError(f"Your notes file {path} cannot be read: {error.strerror or error}.") from error
    is_sqlite = head.startswith(b"SQLite format 3\x00")
    pages = int.from_bytes(head[28:32], "big") if is_sqlite and len(head) == 100 else 0
    version = int.from_bytes(head[60:64], "big") if is_sqlite and len(head) == 100 else 0
    return _Header(size, is_sqlite, pages, version)


def _timestamp() -> str:
    # Microseconds: names sort in the order made. (With whole seconds a pruned name was reused
    # within the same second and the newest backup sorted first, so it was the one pruned.)
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")


def fresh_name(base: Path, kind: str) -> Path:
    """`user.sqlite.<kind>-<timestamp>`, with a counter when that name is taken."""
    stamp = _timestamp()
    candidate = base.with_name(f"{base.name}.{kind}-{stamp}")
    counter = 2
    while candidate.exists():
        candidate = base.with_name(f"{base.name}.{kind}-{stamp}-{counter}")
        counter += 1
    return candidate


def backups(path: Path) -> list[Path]:
    """The backup copies kept beside the user data file, oldest first."""
    return sorted(path.parent.glob(f"{path.name}.bak-*"))


def _prune_backups(path: Path) -> None:
    for old in backups(path)[:-BACKUPS_KEPT]:
        old.unlink(missing_ok=True)


class UserData:
    def __init__(self, path: Path, busy_timeout: float = sql.BUSY_TIMEOUT) -> None:
        """`busy_timeout`: how long a write waits for another process's lock; the window passes a
        short one, so a note typed never blocks it for long (it says the file is busy instead)."""
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self.place = sql.Place("Your notes file", self.path, SALVAGE_HINT)
        self.cannot_write: sql.StorageError | None = None   # why writes are refused, if they are
        self._checked = False          # quick_check passed on this connection
        self.conn = self._open()
        try:
            self._migrate()
        except BaseException:
            self.conn.close()
            raise

    # -- opening ------------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        sql.check_file(self.place)
        header = _read_header(self.path)
        if header is not None and header.size >= 100 and not header.is_sqlite:
            raise UserDataError(f"Your notes file {self.path} is not a database (its first bytes are not "
                                f"SQLite's). {SALVAGE_HINT}")
        holds_data = (header is not None and header.size > 0) or _size(_wal(self.path)) > 0
        if holds_data:
            self._look_before_writing(header)
            if not os.access(self.path, os.W_OK):
                self.cannot_write = sql.ReadOnlyStorage(
                    f"{self.place} cannot be written: the file is read-only. Nothing was saved; make it writable "
                    f"(chmod u+w) and try again.")
                return self._connect_for_reading()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return self._connect_for_writing()
        except sql.DatabaseBusy:
            raise
        except sql.StorageError as error:
            self.cannot_write = error
        except OSError as error:    # the folder cannot be made
            self.cannot_write = UserDataError(f"Your notes file cannot be created in {self.path.parent}: "
                                              f"{error.strerror or error}. Nothing was saved.")
        # Reading goes on: what the file holds (read-only), or nothing when there is no file yet.
        return self._connect_for_reading() if holds_data else self._empty_in_memory()

    def _connect_for_writing(self) -> sqlite3.Connection:
        conn = None
        with sql.translated(self.place):
            try:
                conn = sql.connect(self.path, autocommit=True, timeout=self.busy_timeout)
                sql.enable_wal(conn)
                conn.execute("PRAGMA synchronous=FULL")
                conn.execute("PRAGMA user_version").fetchone()
            except BaseException:
                if conn is not None:
                    conn.close()
                raise
        return conn

    def _connect_for_reading(self) -> sqlite3.Connection:
        """Read-only: never writes, never checkpoints (see `sql.connect_readonly`)."""
        with sql.translated(self.place):
            return sql.connect_readonly(self.path, autocommit=True)

    def _empty_in_memory(self) -> sqlite3.Connection:
        conn = sqlite3.connect(":memory:", isolation_level=None)
        for step in _MIGRATIONS:
            step.migrate(conn)
        conn.execute(f"PRAGMA user_version = {VERSION}")
        return conn

    def _look_before_writing(self, header: _Header | None) -> None:
        """Compare what SQLite shows with the file's own header, read-only; refuse a file that
        holds data but reads as empty or as something else, keeping a copy of it."""
        probe = self._connect_for_reading()
        try:
            with sql.translated(self.place):
                version = probe.execute("PRAGMA user_version").fetchone()[0]
                tables = {name for (name,) in probe.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            probe.close()
        newer = version > VERSION and not (header is not None and header.version > version)
        problem = None if newer else _unexpected(self.path, header, version, tables)
        if problem:
            copy = self._copy_raw()
            raise UserDataError(f"Your notes file {self.path} {problem} Nothing was changed"
                                + (f"; a copy of the file is kept as {copy.name}." if copy else "."))
        if newer:   # a newer Reader's tables are its own business: not judged, not touched
            raise UserDataError(
                f"Your notes file {self.path} was written by a newer version of Reader (schema {version}; this "
                f"version reads up to {VERSION}). Update Reader to use it; nothing was changed.")

    def _copy_raw(self) -> Path | None:
        """A byte copy of the main file alone (not its -wal, which may not belong to it)."""
        import shutil

        target = fresh_name(self.path, "bak")
        try:
            shutil.copyfile(self.path, target)
        except OSError:
            target.unlink(missing_ok=True)
            return None
        _prune_backups(self.path)
        return target

    # -- migrations ---------------------------------------------------------------------------

    def version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        version = self.version()
        if version >= VERSION or self.cannot_write is not None:
            return   # read-only: the readers cope with an older schema (a missing table reads as empty)
        try:
            if version > 0:
                self._backup()
            for step in range(version, VERSION):
                with self.write():
                    # Another Reader opening the same file may have migrated it meanwhile.
                    if self.version() != step:
                        continue
                    _MIGRATIONS[step].migrate(self.conn)
                    self.conn.execute(f"PRAGMA user_version = {step + 1}")
        except sql.DatabaseBusy:
            raise
        except sql.StorageError as error:   # full, read-only, damaged: it can still be read as it is
            self.cannot_write = error

    def _backup(self) -> Path:
        """A consistent copy (`user.sqlite.bak-<timestamp>`) before the file is migrated."""
        self._check_writable()
        target = fresh_name(self.path, "bak")
        copy = None
        try:
            with sql.translated(sql.Place("The backup of your notes file", target, SALVAGE_HINT)):
                copy = sqlite3.connect(str(target))
                self.conn.backup(copy)
        except BaseException:   # no migration without its backup
            target.unlink(missing_ok=True)
            raise
        finally:
            if copy is not None:
                copy.close()
        _prune_backups(self.path)
        return target

    # -- reading and writing --------------------------------------------------------------------

    def _check_writable(self) -> None:
        if self.cannot_write is not None:
            raise self.cannot_write
        if not self._checked:
            with sql.translated(self.place):
                result = sql.quick_check(self.conn)
            if result != "ok":
                raise UserDataError(f"Your notes file {self.path} is damaged ({result}). {SALVAGE_HINT}")
            self._checked = True

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (a savepoint inside another), refused on a file that cannot take
        it; SQLite's errors come out as `StorageError`s that say what happened."""
        if not self.conn.in_transaction:
            self._check_writable()
        with sql.translated(self.place), sql.atomic(self.conn):
            yield self.conn

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """Reads whose SQLite errors (busy, damaged) come out as `StorageError`s."""
        with sql.translated(self.place):
            yield self.conn

    def has_table(self, name: str) -> bool:
        with self.reading():
            return self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                     [name]).fetchone() is not None

    def close(self) -> None:
        self.conn.close()

    def check_integrity(self) -> str:
        """SQLite's own check of the file: 'ok' when sound."""
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]

    # -- entity corrections -------------------------------------------------

    def add_correction(self, kind: str, entity: str, value: str | None = None) -> StoredCorrection:
        created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self.write():
            cursor = self.conn.execute(
                "INSERT INTO entity_corrections (kind, entity, value, created) VALUES (?, ?, ?, ?)",
                [kind, entity, value, created])
        return StoredCorrection(cursor.lastrowid or 0, kind, entity, value, created)

    def corrections(self) -> list[StoredCorrection]:
        if not self.has_table("entity_corrections"):
            return []
        with self.reading():
            rows = self.conn.execute("SELECT id, kind, entity, value, created FROM entity_corrections ORDER BY id")
            return [StoredCorrection(*r) for r in rows]

    def remove_correction(self, correction_id: int) -> None:
        with self.write():
            self.conn.execute("DELETE FROM entity_corrections WHERE id = ?", [correction_id])


def _wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _stray_wal(path: Path, header: _Header | None, version: int, tables: set[str]) -> str | None:
    """Why what SQLite shows is not what the file holds, when a -wal file beside it does not belong to it."""
    if header is not None and (header.version > version or (header.pages > 1 and version == 0 and not tables)):
        # Only a write-ahead log can make a file read as less than its header says: a stray one.
        return (f"holds data (schema {header.version}, {header.pages} pages) but reads as "
                + ("empty" if not tables else f"another database (schema {version}: {', '.join(sorted(tables)[:3])})")
                + f": the file beside it, {_wal(path).name}, does not belong to it. Move that file away (and "
                f"{path.name}-shm with it) and try again.")
    return None


def masked_by_stray_wal(path: Path, conn: sqlite3.Connection) -> str | None:
    """Why what `conn` shows of the file at `path` is not what it holds (see `_stray_wal`), or None."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return _stray_wal(path, _read_header(path), version, tables)


def _unexpected(path: Path, header: _Header | None, version: int, tables: set[str]) -> str | None:
    """Why what SQLite shows cannot be this file's contents, or None when it can."""
    stray = _stray_wal(path, header, version, tables)
    if stray:
        return stray
    if version == 0 and tables:
        return (f"is not a Reader notes file: it holds the tables {', '.join(sorted(tables)[:5])} but no Reader "
                f"schema version. {SALVAGE}")
    expected = {t for step in _MIGRATIONS[:version] for t in step.creates}
    missing = expected - tables
    if missing:
        return f"says schema {version} but lacks the tables {', '.join(sorted(missing))}. {SALVAGE}"
    early = {t for step in _MIGRATIONS[version:] if not step.may_exist for t in step.creates} & tables
    if early:
        return (f"says schema {version} but already holds the tables {', '.join(sorted(early))} of a later "
                f"schema, so it cannot be migrated safely. {SALVAGE}")
    return None

"""What the library holds besides the bundled seeds: the files and folders the user imported,
and the documents the user removed.

Both are the user's decisions, so they live in the user data file (`user.sqlite`, never
rebuilt), in two tables of their own (schema 3 of `reader.store.userdata`):

* `library_sources`: imported files and folders (resolved paths). The window's start-up
  check and every sync (`Library.update()`, `reader index`) look at them as well as the
  seeds, so a file edited since is indexed again and its annotations re-anchored. Unlike
  the seeds folder, nothing is pruned under them: a document whose file went away (a
  drive not mounted, a file moved) stays in the library.
* `removed_documents`: documents the user removed, by path and file content hash, so a
  sync passes over that file while it is unchanged. Importing it again explicitly brings
  it back (the entry is forgotten).

Files that could not become documents (errors, duplicates) are remembered in the index's
`state` table with their size and modification time (the index is a cache: forgetting
them costs one more read), so the start-up check does not mistake them for new files.

Light on purpose (sqlite3 only): the window's warm start reads this without importing
the ingest or NLP stack.
"""
from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from reader import paths
from reader.store import sql
from reader.store.userdata import UserData

REJECTED_STATE = "rejected_files"   # index state: {path: [size, mtime]} of files refused when last seen


@dataclass(frozen=True)
class RemovedFile:
    path: str
    file_sha: str
    key: str
    file_size: int
    file_mtime: float
    title: str
    removed: str


@dataclass
class LibrarySources:
    imported: list[Path] = field(default_factory=list)
    removed: list[RemovedFile] = field(default_factory=list)

    def passed_over(self) -> dict[str, str]:
        """Path → file hash of the removed documents, for `Indexer.passed_over`."""
        return {r.path: r.file_sha for r in self.removed}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _has_tables(conn: sqlite3.Connection) -> bool:
    """Files from before schema 3 (or opened read-only and not migrated) may lack the tables."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'library_sources'").fetchone() \
        is not None


def read(conn: sqlite3.Connection) -> LibrarySources:
    if not _has_tables(conn):
        return LibrarySources()
    imported = [Path(p) for (p,) in conn.execute("SELECT path FROM library_sources ORDER BY path")]
    removed = [RemovedFile(*row) for row in conn.execute(
        "SELECT path, file_sha, key, file_size, file_mtime, title, removed FROM removed_documents ORDER BY path")]
    return LibrarySources(imported, removed)


def read_from(data_dir: Path | None) -> LibrarySources:
    """The library's sources from the user data file in `data_dir`, without creating it."""
    if data_dir is None:
        return LibrarySources()
    path = paths.user_data_path(Path(data_dir))
    if not path.exists():
        return LibrarySources()
    try:   # read-only: this connection must never checkpoint or write anything into the file
        conn = sql.connect_readonly(path)
    except sqlite3.Error:
        return LibrarySources()
    try:
        return read(conn)
    except sqlite3.Error:
        return LibrarySources()
    finally:
        conn.close()


def _under(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def remember_imported(user: UserData, sources: Iterable[Path]) -> list[Path]:
    """Add imported files/folders (resolved); one already under a remembered folder is not
    added again, remembered ones under a new folder are folded into it. Returns what was added."""
    wanted = []
    for source in sources:
        source = Path(source).resolve()
        if source not in wanted:
            wanted.append(source)
    added = []
    with user.write() as conn:
        known = [Path(p) for (p,) in conn.execute("SELECT path FROM library_sources")]
        for source in wanted:
            if _under(source, known):
                continue
            for inner in [k for k in known if k.is_relative_to(source)]:
                conn.execute("DELETE FROM library_sources WHERE path = ?", [str(inner)])
                known.remove(inner)
            conn.execute("INSERT OR IGNORE INTO library_sources (path, added) VALUES (?, ?)", [str(source), _now()])
            known.append(source)
            added.append(source)
    return added


def forget_imported(user: UserData, sources: Iterable[Path]) -> None:
    with user.write() as conn:
        conn.executemany("DELETE FROM library_sources WHERE path = ?", [(str(Path(s).resolve()),) for s in sources])


def remember_removed(user: UserData, removed: RemovedFile) -> None:
    with user.write() as conn:
        conn.execute("INSERT OR REPLACE INTO removed_documents (path, file_sha, key, file_size, file_mtime, title, "
                     "removed) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     [removed.path, removed.file_sha, removed.key, removed.file_size, removed.file_mtime,
                      removed.title, removed.removed])


def settle_removed(user: UserData, removed: Iterable[RemovedFile]) -> int:
    """Record the current size and time of removed files that were only touched (same bytes), so
    the start-up check stops seeing them as changed. Returns how many were updated."""
    import hashlib

    touched = []
    for r in removed:
        try:
            stat = os.stat(r.path)
            if (stat.st_size, stat.st_mtime) == (r.file_size, r.file_mtime) or stat.st_size != r.file_size:
                continue
            with open(r.path, "rb") as handle:
                if hashlib.sha256(handle.read()).hexdigest() != r.file_sha:
                    continue
        except OSError:
            continue
        touched.append((stat.st_mtime, r.path, r.file_sha))
    if touched:
        with user.write() as conn:
            conn.executemany("UPDATE removed_documents SET file_mtime = ? WHERE path = ? AND file_sha = ?", touched)
    return len(touched)


def forget_removed(user: UserData, under: Iterable[Path] = (), files: Iterable[str] = ()) -> int:
    """Forget removals of files under the folders (or equal to the files) in `under`, and of
    the exact paths in `files`: the user imported them again. Returns how many were forgotten."""
    roots = [Path(r).resolve() for r in under]
    exact = set(files)
    with user.reading() as conn:
        if not _has_tables(conn):
            return 0
        stored = [p for (p,) in conn.execute("SELECT DISTINCT path FROM removed_documents")]
    gone = [p for p in stored if p in exact or _under(Path(p), roots)]
    if not gone:
        return 0
    with user.write() as conn:
        conn.executemany("DELETE FROM removed_documents WHERE path = ?", [(p,) for p in gone])
    return len(gone)


# -- files refused when last seen (in the index) -------------------------------------------------

def read_rejected(index: sqlite3.Connection) -> dict[str, tuple[int, float]]:
    try:
        row = index.execute("SELECT value FROM state WHERE key = ?", [REJECTED_STATE]).fetchone()
    except sqlite3.Error:
        return {}
    if not row or not row[0]:
        return {}
    try:
        return {path: (int(size), float(mtime)) for path, (size, mtime) in json.loads(row[0]).items()}
    except (ValueError, TypeError):
        return {}


def remember_rejected(index: sqlite3.Connection, refused: Iterable[str]) -> None:
    """After an index run: remember the files it refused (errors, duplicates) with their size and
    time; forget those now indexed or gone. Written in the index's own transaction."""
    current = read_rejected(index)
    for path in refused:
        try:
            stat = os.stat(path)
        except (OSError, ValueError):
            continue
        current[path] = (stat.st_size, stat.st_mtime)
    if current:
        indexed = {p for (p,) in index.execute("SELECT path FROM documents WHERE path IN (SELECT value FROM "
                                                "json_each(?))", [json.dumps(list(current))])}
        current = {p: v for p, v in current.items() if p not in indexed and os.path.exists(p)}
    with sql.atomic(index):
        index.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)",
                      [REJECTED_STATE, json.dumps({p: list(v) for p, v in sorted(current.items())})])

"""Is the index in line with its source folders? A cheap check, without reading files.

The window runs it on a warm start before deciding to start the indexer, so an
unchanged library never imports the ingest/NLP stack. It compares file paths,
sizes and modification times with what the index recorded: the plan of
reader.store.scan, which the indexer executes; it errs towards "changed" (then the
indexer, which is incremental, sorts it out).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Iterable


def library_changed(db: sqlite3.Connection, sources: Iterable[Path], data_dir: Path | None = None) -> bool:
    """Whether a sync of the library (`Library.update()`) has anything to do, without reading files.

    `sources` (the seeds folder) are checked for a new or changed file, or an indexed one gone
    from under them. The files and folders the user imported
    (remembered in the user data in `data_dir`) are checked for new or changed files only:
    nothing is pruned under them, and one that is missing (a drive not mounted) is skipped.
    Files of documents the user removed, and files refused when last seen (errors,
    duplicates), count as unchanged while their size and time are.
    """
    from reader.store import scan
    from reader.store import sources as library_sources

    roots = [Path(r) for r in sources]
    if any(not r.exists() for r in roots):
        return True  # a missing source: let the indexer report it
    library = library_sources.read_from(data_dir)
    indexed = {path: (size, mtime) for path, size, mtime in
               db.execute("SELECT path, file_size, file_mtime FROM documents")}
    settled = library_sources.read_rejected(db)
    settled.update((r.path, (r.file_size, r.file_mtime)) for r in library.removed)
    imported = [p for p in library.imported if p.exists()]
    return not scan.plan([*roots, *imported], indexed, prune_roots=roots, settled=settled).empty

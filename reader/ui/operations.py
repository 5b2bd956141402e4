"""The library work the window runs in the background: the operations of its jobs (`reader.ui.jobs`).

Each runs in a worker thread, through the user's `Library` (so an index run applies their entity
corrections and re-anchors their annotations, as `reader index` does), with connections it opens
and closes itself in that thread. No Qt here, and nothing of the ingest or NLP stack is imported
until an operation runs.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from reader import paths

if TYPE_CHECKING:
    from reader.library import RemovedDocument
    from reader.store.indexer import IndexReport
    from reader.ui.jobs import Changes, JobContext


@dataclass(frozen=True)
class SyncResult:
    report: "IndexReport | None"    # None: nothing had changed, nothing was indexed
    started_at: float


def sync_library(context: "JobContext", data_dir: Path, sources: Sequence[Path], check_first: bool,
                 started_at: float) -> SyncResult:
    """Update Index and the start-up sync. With `check_first` the sources are first compared with
    the index (no file read, no NLP imported) and nothing more happens when nothing changed."""
    if check_first and not _library_changed(data_dir, sources):
        return SyncResult(None, started_at)
    if context.cancelled:
        return SyncResult(None, started_at)
    from reader.library import Library

    library = Library(data_dir)
    try:
        default = [p.resolve() for p in sources] == [paths.seeds_dir().resolve()]
        report = library.update(None if default else list(sources), progress=context.progress,
                                cancel=context.cancel)
        return SyncResult(report, started_at)
    finally:
        library.close()


def _library_changed(data_dir: Path, sources: Sequence[Path]) -> bool:
    """Whether the seeds, the imported files or the removals differ from the index: a warm start
    asks this without importing the indexer or the NLP."""
    from reader.queries.freshness import library_changed
    from reader.store.db import connect_index

    conn = connect_index(paths.index_path(data_dir))
    try:
        return library_changed(conn, list(sources), data_dir)
    finally:
        conn.close()


def import_sources(context: "JobContext", data_dir: Path, sources: Sequence[Path]) -> "IndexReport":
    from reader.library import Library

    library = Library(data_dir)
    try:
        return library.import_sources(list(sources), progress=context.progress, cancel=context.cancel)
    finally:
        library.close()


def remove_document(_context: "JobContext", data_dir: Path, doc_id: int, delete_notes: bool) -> "RemovedDocument":
    from reader.library import Library

    library = Library(data_dir)
    try:
        return library.remove_document(doc_id, delete_notes)
    finally:
        library.close()


def relink_entities(context: "JobContext", data_dir: Path) -> "IndexReport":
    from reader.library import Library

    library = Library(data_dir)
    try:
        return library.relink_entities(progress=context.progress, cancel=context.cancel)
    finally:
        library.close()


def report_changes(report: "IndexReport | None") -> "Changes":
    """What an index run changed: documents, and then entities (relinked) and annotations (re-anchored)."""
    from reader.ui.jobs import Changes

    if report is None:
        return Changes()
    documents = bool(report.added or report.updated or report.removed)
    return Changes(documents=documents, entities=documents, annotations=documents)

"""Work off the UI thread: building the index, and corpus search as you type.

Each worker opens its own SQLite connection on the index (WAL lets the UI thread
read meanwhile). Owners must call `shutdown()` (the main window does on close),
so no thread outlives its window.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from reader.progress import CancelToken, Progress

log = logging.getLogger(__name__)


class IndexWorker(QThread):
    """Runs `Indexer.index` over the sources in a thread, reporting progress.

    With `check_first`, it first compares the sources with the index (no file is
    read, no NLP imported) and stops at once when nothing changed.
    """

    progressed = Signal(str, int, int, str)   # stage, done, total, current file
    upToDate = Signal()                       # check_first found nothing to do
    started_indexing = Signal()               # there is work: the indexer runs
    reported = Signal(object)                 # the IndexReport
    failed = Signal(str)

    def __init__(self, index_path: Path, sources: list[Path], check_first: bool = False, parent=None,
                 data_dir: Path | None = None) -> None:
        super().__init__(parent)
        self.index_path = index_path
        self.data_dir = data_dir
        self.sources = list(sources)
        self.check_first = check_first
        self.cancel_token = CancelToken()
        self.report = None
        self.error: str | None = None
        self.skipped = False

    def cancel(self) -> None:
        self.cancel_token.cancel()

    PROGRESS_INTERVAL = 0.05    # seconds: at most ~20 updates a second, plus each stage's first and last

    def _progress(self, event: Progress) -> None:
        now = time.monotonic()
        if (event.stage == getattr(self, "_last_stage", None) and event.done != event.total
                and now - self._last_emit < self.PROGRESS_INTERVAL):
            return   # a sync of thousands of unchanged files must not flood the window's event queue
        self._last_stage, self._last_emit = event.stage, now
        self.progressed.emit(event.stage, event.done, event.total, event.current)

    def run(self) -> None:
        conn = None
        try:
            from reader.store.db import connect_index

            conn = connect_index(self.index_path)
            if self.check_first:
                from reader.queries.freshness import library_changed

                if not library_changed(conn, self.sources, self.data_dir):  # seeds, imports, removals
                    self.skipped = True
                    self.upToDate.emit()
                    return
            if self.cancel_token.cancelled:
                return
            self.started_indexing.emit()
            self.report = self._index(conn)
            self.reported.emit(self.report)
        except Exception as error:  # shown to the user; the window keeps working on what is indexed
            from reader.store.sql import StorageError

            log.exception("indexing failed")
            self.error = str(error) if isinstance(error, StorageError) else f"{type(error).__name__}: {error}"
            self.failed.emit(self.error)
        finally:
            if conn is not None:
                conn.close()

    def _index(self, conn):
        """Through the user's Library, which applies their entity corrections and re-anchors
        their annotations, as `reader index` does."""
        import sqlite_utils

        from reader import paths
        from reader.library import Library

        library = Library(self.data_dir)
        try:
            default = [p.resolve() for p in self.sources] == [paths.seeds_dir().resolve()]
            return library.update(None if default else self.sources, db=sqlite_utils.Database(conn),
                                  progress=self._progress, cancel=self.cancel_token)
        finally:
            library.close()


class _SearchRunner(QObject):
    """Lives in the search thread; runs one query at a time, dropping stale ones."""

    finished = Signal(int, object)            # generation, SearchResult (or an Exception)

    def __init__(self, index_path: Path) -> None:
        super().__init__()
        self.index_path = index_path
        self.latest = 0
        self.db = None
        self.lock = threading.Lock()

    @Slot(int, str, int)
    def run_query(self, generation: int, query: str, limit: int) -> None:
        if generation != self.latest:
            return  # the user typed on; a newer query is queued
        try:
            with self.lock:
                if self.db is None:
                    from reader.store.db import connect_index

                    self.db = connect_index(self.index_path)
                from reader.queries.search import search

                result = search(self.db, query, limit=limit)
        except sqlite3.DatabaseError as error:
            from reader.store import db as index_db
            from reader.store import sql

            log.exception("search failed")
            known = sql.known_error(error, index_db.index_place(self.index_path))
            if sql.is_damaged(error):
                index_db.mark_suspect(self.index_path)   # the next update (F5) rebuilds it
            result = known or error
        except Exception as error:
            log.exception("search failed")
            result = error
        self.finished.emit(generation, result)

    def close(self) -> None:
        with self.lock:
            if self.db is not None:
                self.db.close()
                self.db = None


class SearchController(QObject):
    """Debounced search as you type; queries run in a thread of their own."""

    results = Signal(str, object)             # query, SearchResult
    failed = Signal(str, str)                 # query, message
    _request = Signal(int, str, int)

    DEBOUNCE_MS = 150

    def __init__(self, index_path: Path, limit: int = 50, parent=None) -> None:
        super().__init__(parent)
        self.limit = limit
        self.generation = 0
        self.pending_query = ""
        self._queries: dict[int, str] = {}
        self.last_elapsed_ms = 0.0
        self._sent_at: dict[int, float] = {}
        self.thread = QThread()
        self.thread.setObjectName("reader-search")
        self.runner = _SearchRunner(index_path)
        self.runner.moveToThread(self.thread)
        self._request.connect(self.runner.run_query)
        self.runner.finished.connect(self._finished)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(self.DEBOUNCE_MS)
        self.timer.timeout.connect(self.flush)
        self.thread.start()

    def request(self, query: str) -> None:
        """Ask for `query` after the debounce delay (a newer request replaces it)."""
        self.pending_query = query
        self.generation += 1
        self.runner.latest = self.generation
        self.timer.start()

    def flush(self) -> None:
        """Send the pending query now (Enter does not wait for the debounce)."""
        self.timer.stop()
        generation = self.generation
        self._queries[generation] = self.pending_query
        self._sent_at[generation] = time.perf_counter()
        self._request.emit(generation, self.pending_query, self.limit)

    def cancel(self) -> None:
        """Forget pending and running queries (the box was cleared)."""
        self.timer.stop()
        self.generation += 1
        self.runner.latest = self.generation
        self._queries.clear()
        self._sent_at.clear()

    @property
    def busy(self) -> bool:
        return self.timer.isActive() or bool(self._queries)

    def _finished(self, generation: int, result) -> None:
        query = self._queries.pop(generation, None)
        sent = self._sent_at.pop(generation, None)
        for stale in [g for g in self._queries if g < generation]:
            self._queries.pop(stale, None)
            self._sent_at.pop(stale, None)
        if query is None or generation != self.generation:
            return
        if sent is not None:
            self.last_elapsed_ms = (time.perf_counter() - sent) * 1000
        if isinstance(result, Exception):
            self.failed.emit(query, str(result))
        else:
            self.results.emit(query, result)

    def shutdown(self) -> None:
        self.timer.stop()
        self.runner.latest = -1
        self.thread.quit()
        self.thread.wait()
        self.runner.close()

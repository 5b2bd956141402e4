"""Corpus search as you type, off the UI thread.

Searches are read-only and superseded as the user types, so they do not queue behind the
library's jobs (reader.ui.jobs): they run in a thread of their own, on a connection opened and
closed in that thread (WAL lets it read while a job writes). The owner must call `shutdown()`
(the main window does on close), so no thread outlives its window.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, QTimer, Signal, Slot


log = logging.getLogger(__name__)


class _SearchRunner(QObject):
    """Lives in the search thread; runs one query at a time, dropping stale ones."""

    finished = Signal(int, object)            # generation, SearchResult (or an Exception)

    def __init__(self, index_path: Path) -> None:
        super().__init__()
        self.index_path = index_path
        self.latest = 0
        self.db: sqlite3.Connection | None = None   # opened in the search thread, on the first query
        self.lock = threading.Lock()

    @Slot(int, str, int)
    def run_query(self, generation: int, query: str, limit: int) -> None:
        if generation != self.latest:
            return  # the user typed on; a newer query is queued
        result: object
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

    @Slot()
    def close(self) -> None:
        """In the search thread (the connection's own: SQLite checks it)."""
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
        self.search_thread = QThread()
        self.search_thread.setObjectName("reader-search")
        self.runner = _SearchRunner(index_path)
        self.runner.moveToThread(self.search_thread)
        self._request.connect(self.runner.run_query)
        self.runner.finished.connect(self._finished)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(self.DEBOUNCE_MS)
        self.timer.timeout.connect(self.flush)
        self.search_thread.start()

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
        if self.search_thread.isRunning():
            QMetaObject.invokeMethod(self.runner, "close", Qt.ConnectionType.BlockingQueuedConnection)
        self.search_thread.quit()
        self.search_thread.wait()

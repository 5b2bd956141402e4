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
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, QTimer, Signal, Slot


log = logging.getLogger(__name__)


class _SearchRunner(QObject):
    """Lives in the search thread; runs one query at a time, dropping stale ones."""

    finished = Signal(int, object)            # request id, SearchResult (or an Exception)
    counted = Signal(int, object)             # generation, SearchCounts

    def __init__(self, index_path: Path) -> None:
        super().__init__()
        self.index_path = index_path
        self.latest = 0
        self.db: sqlite3.Connection | None = None   # opened in the search thread, on the first query
        self.lock = threading.Lock()

    @Slot(int, int, str, int, int, str)
    def run_query(self, request: int, generation: int, query: str, limit: int, offset: int, order: str) -> None:
        if generation != self.latest:
            return  # the user typed on; a newer query is queued
        result: object
        try:
            with self.lock:
                if self.db is None:
                    from reader.store.db import connect_index

                    self.db = connect_index(self.index_path)
                from reader.queries.search import search

                result = search(self.db, query, limit=limit, offset=offset, order=order)
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
        self.finished.emit(request, result)
        if offset == 0 and not isinstance(result, Exception):
            self._count(generation, query)

    def _count(self, generation: int, query: str) -> None:
        """The true totals, after the first page is out (stopped as soon as the user types on)."""
        try:
            with self.lock:
                from reader.queries.search import count_hits

                assert self.db is not None
                counts = count_hits(self.db, query, stop=lambda: generation != self.latest)
        except Exception:
            log.exception("counting search results failed")
            return
        if counts is not None:
            self.counted.emit(generation, counts)

    @Slot()
    def close(self) -> None:
        """In the search thread (the connection's own: SQLite checks it)."""
        with self.lock:
            if self.db is not None:
                self.db.close()
                self.db = None


@dataclass
class _Request:
    generation: int
    query: str
    offset: int
    sent_at: float


class SearchController(QObject):
    """Debounced search as you type, in pages; queries run in a thread of their own.

    `results` gives each page (offset 0: a new query); `fetch_more(offset)` asks for the next
    page of the current query; `counted` gives the true totals once the search thread has
    checked every candidate."""

    results = Signal(str, int, object)        # query, offset, SearchResult
    counted = Signal(str, object)             # query, SearchCounts
    failed = Signal(str, str)                 # query, message
    _request = Signal(int, int, str, int, int, str)

    DEBOUNCE_MS = 150

    def __init__(self, index_path: Path, limit: int = 50, parent=None) -> None:
        super().__init__(parent)
        self.limit = limit
        self.order = "relevance"
        self.generation = 0
        self.pending_query = ""
        self._requests: dict[int, _Request] = {}
        self._next_request = 0
        self.last_elapsed_ms = 0.0
        self.search_thread = QThread()
        self.search_thread.setObjectName("reader-search")
        self.runner = _SearchRunner(index_path)
        self.runner.moveToThread(self.search_thread)
        self._request.connect(self.runner.run_query)
        self.runner.finished.connect(self._finished)
        self.runner.counted.connect(self._counted)
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

    def set_order(self, order: str) -> None:
        """Relevance or date: the current query is asked again, at once."""
        self.order = order
        if self.pending_query.strip():
            self.request(self.pending_query)
            self.flush()

    def flush(self) -> None:
        """Send the pending query now (Enter does not wait for the debounce)."""
        self.timer.stop()
        self._send(self.pending_query, 0)

    def fetch_more(self, offset: int) -> None:
        """The next page of the current query, from `offset` hits on."""
        if not self.timer.isActive():
            self._send(self.pending_query, offset)

    def _send(self, query: str, offset: int) -> None:
        self._next_request += 1
        self._requests[self._next_request] = _Request(self.generation, query, offset, time.perf_counter())
        self._request.emit(self._next_request, self.generation, query, self.limit, offset, self.order)

    def cancel(self) -> None:
        """Forget pending and running queries (the box was cleared)."""
        self.timer.stop()
        self.pending_query = ""
        self.generation += 1
        self.runner.latest = self.generation
        self._requests.clear()

    @property
    def busy(self) -> bool:
        """A new query is waiting or running (not a further page)."""
        return self.timer.isActive() or any(r.generation == self.generation and r.offset == 0
                                            for r in self._requests.values())

    def _finished(self, request_id: int, result) -> None:
        request = self._requests.pop(request_id, None)
        for stale in [k for k, r in self._requests.items() if r.generation < self.generation]:
            self._requests.pop(stale)
        if request is None or request.generation != self.generation:
            return
        if request.offset == 0:
            self.last_elapsed_ms = (time.perf_counter() - request.sent_at) * 1000
        if isinstance(result, Exception):
            self.failed.emit(request.query, str(result))
        else:
            self.results.emit(request.query, request.offset, result)

    def _counted(self, generation: int, counts) -> None:
        if generation == self.generation:
            self.counted.emit(self.pending_query, counts)

    def shutdown(self) -> None:
        self.timer.stop()
        self.runner.latest = -1
        if self.search_thread.isRunning():
            QMetaObject.invokeMethod(self.runner, "close", Qt.ConnectionType.BlockingQueuedConnection)
        self.search_thread.quit()
        self.search_thread.wait()

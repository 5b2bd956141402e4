"""Read-only queries of the panels, off the UI thread.

A panel asks for a query by a key ("timeline", "statements"…); a newer request with the same key
supersedes the older one (its answer is dropped), so a panel never shows a stale result. The
queries run one at a time in a thread of their own, on a connection opened and closed in that
thread (WAL lets it read while a job writes), like the search as you type (`reader.ui.search`).
They do not queue behind the library's jobs (`reader.ui.jobs`): those are the writes.

    reads = ReadQueries(index_path, parent=window)
    reads.request("timeline", lambda db: timeline(db, entity=eid), done=model.set_events,
                  failed=lambda message: status.showMessage(message))

The owner calls `shutdown()` before its window closes (the window's `closing` signal).
"""
from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, Signal, Slot

log = logging.getLogger(__name__)

Query = Callable[[sqlite3.Connection], Any]


class _ReadRunner(QObject):
    """Lives in the read thread; runs the latest query of each key."""

    finished = Signal(str, int, object)    # key, generation, result (or an Exception)

    def __init__(self, index_path: Path) -> None:
        super().__init__()
        self.index_path = index_path
        self.latest: dict[str, int] = {}     # written by the UI thread, read here: a superseded query is skipped
        self.db: sqlite3.Connection | None = None

    @Slot(str, int, object)
    def run_query(self, key: str, generation: int, query: Query) -> None:
        if self.latest.get(key) != generation:
            return
        result: object
        try:
            if self.db is None:
                from reader.store.db import connect_index

                self.db = connect_index(self.index_path)
            result = query(self.db)
        except (LookupError, ValueError) as error:   # an entity gone after a relink, a bad date
            result = error
        except sqlite3.DatabaseError as error:
            from reader.store import db as index_db
            from reader.store import sql

            log.exception("%s query failed", key)
            result = sql.known_error(error, index_db.index_place(self.index_path)) or error
            if sql.is_damaged(error):
                index_db.mark_suspect(self.index_path)   # the next update (F5) rebuilds it, as for search
        except Exception as error:   # shown as a message; the panel keeps what it had
            log.exception("%s query failed", key)
            result = error
        self.finished.emit(key, generation, result)

    @Slot()
    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


class ReadQueries(QObject):
    """Runs panels' read-only queries in a thread; the latest request per key wins."""

    _request = Signal(str, int, object)

    def __init__(self, index_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._generation = 0
        self._waiting: dict[str, tuple[int, Callable[[Any], None], Callable[[str], None] | None]] = {}
        self.thread_ = QThread()
        self.thread_.setObjectName("reader-reads")
        self.runner = _ReadRunner(index_path)
        self.runner.moveToThread(self.thread_)
        self._request.connect(self.runner.run_query)
        self.runner.finished.connect(self._finished)
        self._closed = False
        self.thread_.start()

    def request(self, key: str, query: Query, done: Callable[[Any], None],
                failed: Callable[[str], None] | None = None) -> None:
        if self._closed:
            return
        self._generation += 1
        self.runner.latest[key] = self._generation
        self._waiting[key] = (self._generation, done, failed)
        self._request.emit(key, self._generation, query)

    def busy(self, key: str | None = None) -> bool:
        return bool(self._waiting) if key is None else key in self._waiting

    def _finished(self, key: str, generation: int, result: object) -> None:
        waiting = self._waiting.get(key)
        if waiting is None or waiting[0] != generation or self._closed:
            return
        del self._waiting[key]
        _generation, done, failed = waiting
        if isinstance(result, Exception):
            if failed is not None:
                failed(str(result))
        else:
            done(result)

    def shutdown(self) -> None:
        """Stop the thread and close its connection (idempotent); no callback runs after."""
        if self._closed:
            return
        self._closed = True
        self._waiting.clear()
        self.runner.latest.clear()
        if self.thread_.isRunning():
            QMetaObject.invokeMethod(self.runner, "close", Qt.ConnectionType.BlockingQueuedConnection)
        self.thread_.quit()
        self.thread_.wait()

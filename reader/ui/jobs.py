"""One queue for the window's background work, in the spirit of Anki's QueryOp/CollectionOp.

    job = Job("import", "Importing…", operation, success=..., failure=..., changes=...)
    window.jobs.submit(job)

* A `Job` is an operation (run in a worker thread with a `JobContext`: progress and cancel),
  then, on the UI thread, a success or failure callback and what it changed.
* `JobRunner` runs jobs one at a time, in the order asked: the index has one writer. A job
  asked for while another runs is queued; one with the same `merge_key` as a job already
  waiting is merged into it (a second F5 during an import is one sync after it), never dropped.
* When a job has succeeded the runner announces what changed in one signal, `changed`
  (documents added or removed, entities relinked, annotations changed); each panel refreshes
  itself from it. Changes made on the UI thread (a note typed) are announced the same way.
* `shutdown()` waits a bounded, visible time for the running job, then cancels it and waits for
  it to stop, with the event loop running (the window never freezes); after that no callback runs,
  so no dialog opens after the window is gone.

An operation opens its own connections and closes them before it returns: a connection is only
used in the thread that opened it (SQLite's `check_same_thread` guard is on).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable

from PySide6.QtCore import QEventLoop, QObject, QThread, QTimer, Signal

from reader.progress import CancelToken, Progress

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Changes:
    """What a job (or an edit) changed: each panel refreshes what it shows from this."""

    documents: bool = False                 # documents added, updated or removed
    removed: frozenset[int] = frozenset()   # ids of the documents removed (to leave them)
    entities: bool = False                  # entities (re)linked
    annotations: bool = False               # annotations created, edited, deleted or re-anchored

    def __bool__(self) -> bool:
        return self.documents or self.entities or self.annotations

    def __or__(self, other: "Changes") -> "Changes":
        return Changes(self.documents or other.documents, self.removed | other.removed,
                       self.entities or other.entities, self.annotations or other.annotations)


class JobContext:
    """What an operation gets in its thread: progress reporting and the cancel flag."""

    PROGRESS_INTERVAL = 0.05   # seconds: at most ~20 updates a second, plus each stage's first and last

    def __init__(self, emit: Callable[[Progress], None], cancel: CancelToken) -> None:
        self._emit = emit
        self.cancel = cancel
        self._last_stage: str | None = None
        self._last_emit = 0.0

    def progress(self, event: Progress) -> None:
        now = time.monotonic()
        if (event.stage == self._last_stage and event.done != event.total
                and now - self._last_emit < self.PROGRESS_INTERVAL):
            return   # a sync of thousands of unchanged files must not flood the window's event queue
        self._last_stage, self._last_emit = event.stage, now
        self._emit(event)

    @property
    def cancelled(self) -> bool:
        return self.cancel.cancelled


@dataclass(eq=False)
class Job:
    kind: str                                            # "sync", "import", "remove", "relink", ...
    label: str                                           # the status bar's text while it runs
    operation: Callable[[JobContext], Any]               # in the worker thread
    success: Callable[[Any], None] | None = None         # on the UI thread, with the result
    failure: Callable[[str], None] | None = None         # on the UI thread, with a message
    changes: Callable[[Any], Changes] | None = None      # what the result changed
    progress: Callable[[Progress], None] | None = None   # on the UI thread
    merge_key: Hashable | None = None                    # a waiting job with this key absorbs a new one
    cancel_token: CancelToken = field(default_factory=CancelToken)
    result: Any = None
    error: str | None = None

    def cancel(self) -> None:
        self.cancel_token.cancel()

    @property
    def cancelled(self) -> bool:
        return self.cancel_token.cancelled


class _JobThread(QThread):
    progressed = Signal(object)   # Progress

    def __init__(self, job: Job, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.job = job
        self.setObjectName(f"reader-{job.kind}")

    def run(self) -> None:
        job = self.job
        try:
            job.result = job.operation(JobContext(self.progressed.emit, job.cancel_token))
        except Exception as error:  # shown to the user; the window keeps working on what is there
            from reader.store.sql import StorageError

            log.exception("%s failed", job.kind)
            # A storage error (disk full, damaged, read-only) is one plain line already.
            job.error = str(error) if isinstance(error, StorageError) else f"{type(error).__name__}: {error}"


class JobRunner(QObject):
    """Runs the window's jobs one at a time; see the module docstring."""

    started = Signal(object)               # Job
    progressed = Signal(object, object)    # Job, Progress
    finished = Signal(object)              # Job (its result or error set)
    changed = Signal(object)               # Changes
    idle = Signal()                        # the queue is empty and nothing runs

    CLOSE_GRACE_MS = 1500    # on close, a job may end by itself this long before it is cancelled

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.current: Job | None = None
        self.queue: list[Job] = []
        self._thread: _JobThread | None = None
        self._closed = False

    # -- asking --------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.current is not None or bool(self.queue)

    def queued(self, kind: str | None = None) -> list[Job]:
        return [j for j in self.queue if kind is None or j.kind == kind]

    def submit(self, job: Job) -> Job | None:
        """Queue `job` (or merge it into a waiting job with the same key, which is returned);
        None once the runner has shut down."""
        if self._closed:
            return None
        if job.merge_key is not None:
            waiting = next((j for j in self.queue if j.merge_key == job.merge_key), None)
            if waiting is not None:
                return waiting
        self.queue.append(job)
        self._start_next()
        return job

    def cancel(self) -> None:
        """Cancel the running job (what is done so far is kept); the queue goes on."""
        if self.current is not None:
            self.current.cancel()

    def announce(self, changes: Changes) -> None:
        """Changes made on the UI thread (an edited note): the panels refresh as after a job."""
        if changes and not self._closed:
            self.changed.emit(changes)

    # -- running -------------------------------------------------------------------------------
    def _start_next(self) -> None:
        if self._closed or self.current is not None or not self.queue:
            return
        job = self.current = self.queue.pop(0)
        thread = self._thread = _JobThread(job, self)
        # Bound methods of this QObject: Qt delivers them on the UI thread.
        thread.progressed.connect(self._progressed)
        thread.finished.connect(self._thread_finished)
        self.started.emit(job)
        thread.start()

    def _progressed(self, event: Progress) -> None:
        job = self.current
        if self._closed or job is None:
            return
        if job.progress is not None:
            job.progress(event)
        self.progressed.emit(job, event)

    def _thread_finished(self) -> None:
        if self._closed:
            return   # the window is gone: no callback, no dialog (shutdown joins the thread)
        thread, self._thread = self._thread, None
        job, self.current = self.current, None
        if thread is None or job is None:
            return
        thread.deleteLater()
        failed = job.error is not None
        if failed:   # part of the work may be committed: every panel reads again
            changes = Changes(documents=True, entities=True, annotations=True)
        else:
            changes = job.changes(job.result) if job.changes is not None else Changes()
        try:
            if changes:
                self.changed.emit(changes)
            if job.error is not None and job.failure is not None:
                job.failure(job.error)
            elif not failed and job.success is not None:
                job.success(job.result)
        finally:
            self.finished.emit(job)
            if self.queue:
                self._start_next()
            else:
                self.idle.emit()

    # -- closing -------------------------------------------------------------------------------
    def shutdown(self, waiting: Callable[[str], None] | None = None) -> None:
        """Forget the queue; give the running job a short grace, then cancel it and wait for it
        to stop, the event loop running meanwhile. `waiting` is told what the wait is for (the
        window shows it). Idempotent; after it no callback runs."""
        if self._closed:
            return
        self._closed = True
        self.queue.clear()
        thread, job = self._thread, self.current
        if thread is None or job is None:
            return
        if waiting is not None:
            waiting(f"Finishing: {job.label.rstrip('…')}…")
        if not self._wait(thread, self.CLOSE_GRACE_MS):
            job.cancel()
            if waiting is not None:
                waiting(f"Stopping: {job.label.rstrip('…')}…")
            self._wait(thread, None)
        thread.wait()   # it has ended; this joins it
        self.current = None

    @staticmethod
    def _wait(thread: QThread, timeout_ms: int | None) -> bool:
        """Run the event loop until `thread` ends (or `timeout_ms` passes); True if it ended."""
        if thread.isFinished():
            return True
        loop = QEventLoop()
        thread.finished.connect(loop.quit)
        timer = None
        if timeout_ms is not None:
            timer = QTimer(singleShot=True, interval=timeout_ms)
            timer.timeout.connect(loop.quit)
            timer.start()
        if not thread.isFinished():
            loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        if timer is not None:
            timer.stop()
        try:
            thread.finished.disconnect(loop.quit)
        except (RuntimeError, TypeError):
            pass
        return thread.isFinished()

"""The window's one job runner (reader.ui.jobs): order, merging, results on the UI thread, what
changed, and closing while a job runs."""
from __future__ import annotations

import sqlite3
import threading

import pytest
from PySide6.QtCore import QThread, QTimer

from reader.ui.jobs import Changes, Job, JobRunner


def wait_for(event: threading.Event, context) -> str:
    """An operation that runs until `event` is set or the job is cancelled."""
    while not event.wait(0.01):
        if context.cancelled:
            return "cancelled"
    return "done"


@pytest.fixture
def runner(qtbot):
    runner = JobRunner()
    yield runner
    runner.shutdown()


def test_jobs_run_one_at_a_time_in_order_and_report_on_the_ui_thread(qtbot, runner):
    ran, results, threads = [], [], []
    release = threading.Event()

    def operation(name):
        def run(context):
            ran.append((name, threading.current_thread() is threading.main_thread()))
            if name == "first":
                wait_for(release, context)
            return name
        return run

    for name in ("first", "second", "third"):
        runner.submit(Job(name, name, operation(name),
                          success=lambda result: (results.append(result),
                                                  threads.append(QThread.currentThread() is runner.thread()))))
    assert runner.current.kind == "first" and [j.kind for j in runner.queue] == ["second", "third"]
    release.set()
    qtbot.waitUntil(lambda: not runner.busy)
    assert [name for name, _ in ran] == ["first", "second", "third"]
    assert not any(on_main for _, on_main in ran)          # the work ran off the UI thread
    assert results == ["first", "second", "third"] and all(threads)


def test_a_request_made_again_while_one_waits_is_merged_not_dropped(qtbot, runner):
    release = threading.Event()
    done = []
    runner.submit(Job("import", "Importing…", lambda c: wait_for(release, c), success=done.append))
    first = runner.submit(Job("sync", "Indexing…", lambda c: "sync 1", success=done.append, merge_key="sync"))
    second = runner.submit(Job("sync", "Indexing…", lambda c: "sync 2", success=done.append, merge_key="sync"))
    assert second is first and len(runner.queued("sync")) == 1
    release.set()
    with qtbot.waitSignal(runner.idle):
        pass
    assert done == ["done", "sync 1"]


def test_a_failure_is_reported_and_announces_that_anything_may_have_changed(qtbot, runner):
    failures, changes = [], []
    runner.changed.connect(changes.append)

    def broken(_context):
        raise sqlite3.OperationalError("disk I/O error")

    with qtbot.waitSignal(runner.idle):
        runner.submit(Job("import", "Importing…", broken, success=lambda _r: pytest.fail("no success"),
                          failure=failures.append))
    assert failures == ["OperationalError: disk I/O error"]
    assert changes == [Changes(documents=True, entities=True, annotations=True)]


def test_what_a_job_changed_is_announced_once_and_ui_changes_the_same_way(qtbot, runner):
    changes = []
    runner.changed.connect(changes.append)
    with qtbot.waitSignal(runner.idle):
        runner.submit(Job("remove", "Removing…", lambda c: 7,
                          changes=lambda doc_id: Changes(documents=True, removed=frozenset([doc_id]))))
    runner.submit(Job("relink", "Relinking…", lambda c: None))      # changed nothing: no announcement
    qtbot.waitUntil(lambda: not runner.busy)
    runner.announce(Changes(annotations=True))
    runner.announce(Changes())
    assert changes == [Changes(documents=True, removed=frozenset([7])), Changes(annotations=True)]


def test_closing_lets_a_job_end_within_the_grace_then_cancels_without_freezing(qtbot, runner):
    release = threading.Event()
    called, told = [], []
    job = runner.submit(Job("import", "Importing…", lambda c: wait_for(release, c), success=called.append,
                            failure=called.append))
    runner.submit(Job("sync", "Indexing…", lambda c: "never", success=called.append))
    ticks = []
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    runner.shutdown(waiting=told.append)       # the job never ends by itself: cancelled after the grace
    timer.stop()
    assert job.cancelled and job.result == "cancelled"
    assert told == ["Finishing: Importing…", "Stopping: Importing…"]
    assert ticks, "the event loop ran while closing"
    assert called == [] and not runner.busy                # no callback, no dialog, after close
    assert runner.submit(Job("sync", "Indexing…", lambda c: None)) is None
    QTimer.singleShot(0, lambda: None)
    qtbot.wait(10)
    assert called == []


def test_a_job_that_ends_within_the_grace_is_not_cancelled(qtbot, runner):
    runner.CLOSE_GRACE_MS = 600_000     # the wait ends when the job does, not on this timeout
    job = runner.submit(Job("remove", "Removing…", lambda c: "removed"))
    runner.shutdown()
    assert not job.cancelled and job.result == "removed"


def test_connections_stay_in_the_thread_that_opened_them(qtbot, runner, tmp_path):
    from reader.store.db import connect_index

    opened = []

    def open_one(_context):
        conn = connect_index(tmp_path / "index.sqlite")
        opened.append(conn)
        conn.execute("SELECT 1")
        return "opened"

    with qtbot.waitSignal(runner.idle):
        runner.submit(Job("open", "Opening…", open_one))
    with pytest.raises(sqlite3.ProgrammingError):   # SQLite's same-thread check is on
        opened[0].execute("SELECT 1")

"""Worker processes that analyse one document at a time under a time and memory budget.

A hostile or damaged file can make a parser loop or allocate without end, so no document
is analysed in the process that holds the index: each goes to a worker process that this
one watches and kills when the document takes longer than the budget's seconds or the
worker grows past its memory. The document is then reported with the reason and the
import goes on with a fresh worker. Cancelling kills busy workers at once.

Workers die with their parent, even when it is killed (SIGKILL): on Linux the kernel
signals them (PR_SET_PDEATHSIG), and everywhere a thread in each worker exits it when its
parent process is gone. Workers end with the import that started them.
"""
from __future__ import annotations

import importlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar

from reader.progress import CancelToken

Job = TypeVar("Job")

DEFAULT_SECONDS = 60.0
DEFAULT_MEMORY_MB = 1024
SECONDS_VARIABLE = "READER_DOCUMENT_SECONDS"
MEMORY_VARIABLE = "READER_DOCUMENT_MEMORY_MB"
_TICK_SECONDS = 0.05            # how often budgets and cancel are checked while workers are busy
_PARENT_CHECK_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1
_START_SECONDS = 120            # for a worker to import what it needs (a loaded machine is slow)


class WorkersUnavailable(Exception):
    """Worker processes cannot be started here (the Python installation cannot be run again)."""


@dataclass(frozen=True)
class Budget:
    """What one document may take: wall-clock seconds, and memory of the worker analysing it
    (above what the worker held before the document)."""

    seconds: float = DEFAULT_SECONDS
    memory_bytes: int = DEFAULT_MEMORY_MB * 1024 * 1024

    @classmethod
    def from_environment(cls) -> "Budget":
        """The default budget, or READER_DOCUMENT_SECONDS / READER_DOCUMENT_MEMORY_MB when set."""
        def number(name: str, default: float) -> float:
            try:
                value = float(os.environ.get(name, default))
            except ValueError:
                return default
            return value if value > 0 else default

        return cls(seconds=number(SECONDS_VARIABLE, DEFAULT_SECONDS),
                   memory_bytes=int(number(MEMORY_VARIABLE, DEFAULT_MEMORY_MB) * 1024 * 1024))


_KINDS = {".pdf": "PDF", ".epub": "EPUB book", ".html": "page", ".htm": "page", ".xhtml": "page", ".shtml": "page"}


def _kind(path: Path) -> str:
    return _KINDS.get(path.suffix.lower(), "file")


def too_slow_message(path: Path, budget: Budget) -> str:
    return (f"This {_kind(path)} takes too long to read (over {budget.seconds:g} s): it may be damaged or "
            "built to be slow.")


def too_big_message(path: Path, budget: Budget) -> str:
    return (f"This {_kind(path)} needs too much memory to read (over {budget.memory_bytes // 1024 // 1024:,} MB): "
            "it may be damaged or built to exhaust memory.")


def crashed_message(path: Path, detail: str) -> str:
    return f"Reading this {_kind(path)} failed ({detail}); it may be damaged."


# --- In the worker -----------------------------------------------------------------------

def die_with_parent(parent_pid: int) -> None:
    """End this process when `parent_pid` (its parent) ends, however it ends."""
    if sys.platform.startswith("linux"):
        import ctypes
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:       # the parent died before the signal was asked for
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="reader-parent-watch", daemon=True).start()


def _watch_parent(parent_pid: int) -> None:
    while True:
        time.sleep(_PARENT_CHECK_SECONDS)
        if os.getppid() != parent_pid:   # reparented: the parent is gone
            os._exit(1)


def _serve(conn: Connection, parent_pid: int, module: str) -> None:
    """A worker's loop: (function, args) in, ("ok", value) / ("memory", "") / ("error", text) out.
    `module` (the functions') is imported first, so its memory is not counted against a document."""
    die_with_parent(parent_pid)
    importlib.import_module(module)
    conn.send(("ready", None))
    while True:
        try:
            function, args = conn.recv()
        except (EOFError, OSError):
            return
        outcome = _call_here(function, args)
        try:
            conn.send(outcome)
        except (OSError, ValueError):
            return


# --- In the parent -----------------------------------------------------------------------

class _Worker:
    def __init__(self, module: str) -> None:
        context = multiprocessing.get_context("spawn")   # safe from any thread (the window's too)
        self.conn, child_end = context.Pipe()
        self.module = module
        self.process = context.Process(target=_serve, args=(child_end, os.getpid(), module), name="reader-analyse",
                                       daemon=True)
        try:
            self.process.start()
        except (OSError, ImportError) as error:
            raise WorkersUnavailable(f"a worker process could not start ({error})") from error
        finally:
            child_end.close()
        try:
            if not self.conn.poll(_START_SECONDS) or self.conn.recv()[0] != "ready":
                raise EOFError
        except (EOFError, OSError):
            self.kill()
            raise WorkersUnavailable(f"a worker process could not start (exit code {self.process.exitcode})") \
                from None
        self.job: Any = None
        self.started = 0.0
        self.baseline = 0

    @property
    def busy(self) -> bool:
        return self.job is not None

    def submit(self, job: Any, function: Callable, args: tuple) -> None:
        self.baseline = self.rss() or 0
        self.job, self.started = job, time.monotonic()
        self.conn.send((function, args))

    def take_outcome(self) -> tuple[Any, tuple[str, Any]]:
        job, self.job = self.job, None
        try:
            return job, self.conn.recv()
        except (EOFError, OSError):
            self.process.join(1)
            return job, ("crash", f"the worker process stopped, exit code {self.process.exitcode}")

    def rss(self) -> int | None:
        """Resident memory of the worker, where the system tells it (Linux)."""
        try:
            with open(f"/proc/{self.process.pid}/statm", "rb") as statm:
                return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError, AttributeError):
            return None

    def alive(self) -> bool:
        return self.process.is_alive() and not self.conn.closed

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()

    def stop(self) -> None:
        """An idle worker is told to end (its loop returns when its pipe closes); a busy one is killed."""
        if self.busy:
            self.kill()
            return
        self.conn.close()
        self.process.join(5)
        self.kill()


def analyse_all(function: Callable[..., Any], jobs: Iterable[Job], arguments: Callable[[Job], tuple],
                path_of: Callable[[Job], Path], *, workers: int, budget: Budget, cancel: CancelToken,
                in_place_fallback: bool = True) -> Iterator[tuple[Job, Any] | None]:
    """Run `function(*arguments(job))` for each job in worker processes, at most `workers` at
    once; yields (job, result) as each finishes, in the order they finish. A job over budget,
    or whose worker crashed, yields an error message (str) as its result instead. None is
    yielded while waiting, every fraction of a second, so the caller can commit and check
    its own state. Jobs are taken from `jobs` only as workers become free. On cancel, busy
    workers are killed and the iteration ends within a fraction of a second. Where no worker
    process can start, the jobs run in this process (without the budget), unless
    `in_place_fallback` is False: then WorkersUnavailable is raised."""
    pool: list[_Worker] = []
    pending = iter(jobs)
    exhausted = here = False
    try:
        while True:
            if cancel.cancelled:
                return
            while not exhausted and (here or sum(w.busy for w in pool) < workers):
                try:
                    job = next(pending)
                except StopIteration:
                    exhausted = True
                    break
                args = arguments(job)
                if not here:
                    try:
                        _start(pool, job, function, args)
                        continue
                    except WorkersUnavailable:
                        if not in_place_fallback:
                            raise
                        here = True     # better analysed without a budget than not at all
                yield job, _outcome(_call_here(function, args), job, path_of, budget)
                if cancel.cancelled:
                    return
            busy = [w for w in pool if w.busy]
            if not busy:
                return
            ready = wait([w.conn for w in busy], timeout=_TICK_SECONDS)
            for worker in busy:
                if worker.conn in ready:
                    yield _finish(worker, path_of, budget)
                    if not worker.alive():
                        pool.remove(worker)
                        worker.kill()
                else:
                    refusal = _over_budget(worker, path_of, budget)
                    if refusal is not None:
                        pool.remove(worker)
                        worker.kill()
                        yield refusal
            if not ready:
                yield None
    finally:
        for worker in pool:
            worker.stop()


def _start(pool: list[_Worker], job: Any, function: Callable, args: tuple) -> None:
    worker = next((w for w in pool if not w.busy), None)
    if worker is None:
        worker = _Worker(function.__module__)
        pool.append(worker)
    try:
        worker.submit(job, function, args)
    except (OSError, ValueError):          # the worker died meanwhile: a fresh one
        pool.remove(worker)
        worker.kill()
        worker = _Worker(function.__module__)
        pool.append(worker)
        worker.submit(job, function, args)


def _call_here(function: Callable, args: tuple) -> tuple[str, Any]:
    try:
        return "ok", function(*args)
    except MemoryError:
        return "memory", ""
    except Exception as error:     # reported for this document, as a worker would
        return "error", f"{type(error).__name__}: {error}"


def _finish(worker: _Worker, path_of: Callable[[Any], Path], budget: Budget) -> tuple[Any, Any]:
    job, outcome = worker.take_outcome()
    return job, _outcome(outcome, job, path_of, budget)


def _outcome(outcome: tuple[str, Any], job: Any, path_of: Callable[[Any], Path], budget: Budget) -> Any:
    status, value = outcome
    if status == "ok":
        return value
    if status == "memory":
        return too_big_message(path_of(job), budget)
    return crashed_message(path_of(job), value)


def _over_budget(worker: _Worker, path_of: Callable[[Any], Path], budget: Budget) -> tuple[Any, str] | None:
    if time.monotonic() - worker.started > budget.seconds:
        return worker.job, too_slow_message(path_of(worker.job), budget)
    rss = worker.rss()
    if rss is not None and rss - worker.baseline > budget.memory_bytes:
        return worker.job, too_big_message(path_of(worker.job), budget)
    return None

"""Qt-free progress reporting and cancellation for long work.

The indexer reports through a plain callback; the window adapts it to signals,
the CLI to a terminal progress bar.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Progress:
    stage: str          # e.g. "reading", "indexing", "entities", "finishing"
    done: int
    total: int
    current: str = ""   # the file or document being worked on


ProgressCallback = Callable[[Progress], None]


class Cancelled(Exception):
    """Raised inside long work when the user cancelled it."""


class CancelToken:
    """A flag the UI sets and the worker polls between units of work."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()


def no_progress(_: Progress) -> None:
    pass

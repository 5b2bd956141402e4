"""Work-arounds for bugs in the Qt binding, each detected at run time.

PySide6 6.12.0 on Python 3.11 drops a reference to `None` on every call of a
void C++ method (setText, setValue, setFormats...). Before Python 3.12 `None` is
not immortal, so after some thousands of such calls the interpreter aborts with
"Fatal Python error: none_dealloc". `NoneRefGuard` detects the leak once at
start and, when present, keeps `None`'s reference count at its starting level by
giving back the references the binding dropped (Py_IncRef; no memory is held,
and nothing is released at exit); the window tops it up on a timer and after
loops that make many Qt calls.
"""
from __future__ import annotations

import ctypes
import sys

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


class NoneRefGuard:
    def __init__(self) -> None:
        self.repaid = 0
        self.active = sys.version_info < (3, 12) and self._binding_leaks()
        self.baseline = sys.getrefcount(None) if self.active else 0

    @staticmethod
    def _binding_leaks() -> bool:
        from PySide6.QtGui import QColor

        probe = QColor(0, 0, 0)
        before = sys.getrefcount(None)
        for _ in range(64):
            probe.setAlpha(255)  # a void method
        lost = before - sys.getrefcount(None)
        return lost >= 32

    def top_up(self) -> int:
        """Restore `None`'s reference count to the baseline; returns how many were added."""
        if not self.active:
            return 0
        lost = self.baseline - sys.getrefcount(None)
        for _ in range(lost):
            _incref(None)
        if lost > 0:
            self.repaid += lost
            return lost
        return 0


_GUARD: NoneRefGuard | None = None


def none_guard() -> NoneRefGuard:
    """The process's guard (created on first use, after QtGui can be imported)."""
    global _GUARD
    if _GUARD is None:
        _GUARD = NoneRefGuard()
    return _GUARD


def top_up() -> None:
    none_guard().top_up()

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

import atexit
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
        if self.active:
            atexit.register(self.endow)

    @staticmethod
    def _binding_leaks() -> bool:
        from PySide6.QtGui import QColor

        probe = QColor(0, 0, 0)
        before = sys.getrefcount(None)
        for _ in range(64):
            probe.setAlpha(255)  # a void method
        lost = before - sys.getrefcount(None)
        return lost >= 32

    def endow(self) -> None:
        """At exit. While live objects hold references to None its count stays above the baseline, so
        `top_up` never sees the references the binding dropped meanwhile; once the interpreter frees those
        objects the count could reach zero. Give None (and True and False: the binding also drops a
        reference to the bool some methods return, e.g. blockSignals) at least as many references again
        as it has now: these objects are never freed anyway."""
        for singleton in (None, True, False):
            for _ in range(sys.getrefcount(singleton) + 10_000):
                _incref(singleton)

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
        repair_signal_emit()
    return _GUARD


def top_up() -> None:
    none_guard().top_up()


# PySide6 6.12.0 on Python 3.11 also drops a reference to `True` on every `SignalInstance.emit`
# (emit returns True without giving it a reference of its own), from any thread, built-in
# signals included: some hundreds of emits (an import reporting progress per file, a session of
# searches) and the interpreter aborts with "Fatal Python error: bool_dealloc". Detected at run
# time; when present, `emit` is wrapped to give back exactly the reference it took.
_EMIT_REPAIRED = False


def _emit_leaks() -> bool:
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        probed = Signal()

    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(64):
        probe.probed.emit()
    lost = before - sys.getrefcount(True)
    for _ in range(max(0, lost)):
        _incref(True)      # what the probe cost
    return lost >= 32


def repair_signal_emit() -> bool:
    """Wrap `SignalInstance.emit` if it leaks (once per process); True when wrapped."""
    global _EMIT_REPAIRED
    if _EMIT_REPAIRED or sys.version_info >= (3, 12):
        return _EMIT_REPAIRED
    if not _emit_leaks():
        return False
    from PySide6.QtCore import SignalInstance

    leaky_emit = SignalInstance.emit

    def emit(self, *args):
        result = leaky_emit(self, *args)
        _incref(result)    # the reference the binding dropped
        return result

    SignalInstance.emit = emit   # type: ignore[method-assign]  # the work-around replaces the binding's method
    _EMIT_REPAIRED = True
    return True

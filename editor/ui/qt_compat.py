"""Guard against a reference-count bug of PySide6 6.12.0 in ``SignalInstance.emit``.

On CPython 3.11, PySide6 6.12.0 returns ``True`` from ``signal.emit(...)`` without
taking a reference to it (and drops references to ``None`` in void calls), so the
interpreter eventually aborts with "Fatal Python error: bool_dealloc". The project
excludes 6.12.0 in ``pyproject.toml``; :func:`emit` stays for code that already calls it
and is a plain ``signal.emit`` on any other version.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance


class _Probe(QObject):
    fired = Signal()


def _emit_steals_true() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    probe.fired.emit()
    leaked = sys.getrefcount(True) < before
    if leaked:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    return leaked


_STEALS_TRUE = _emit_steals_true()
_incref = ctypes.pythonapi.Py_IncRef
_true = ctypes.py_object(True)


def emit(signal: SignalInstance, *args: Any) -> None:
    """``signal.emit(*args)``, safe on PySide6 versions whose emit leaks ``True``."""
    result: object = signal.emit(*args)  # type: ignore[func-returns-value]
    if _STEALS_TRUE and result is True:
        _incref(_true)

"""How often the GIL changes hands while the window's threads work: every 0.5 ms, not 5.

The GUI thread takes the GIL for every call from Qt into Python (each ``data()`` a view
paints, each slot); behind a pool thread running Python it waits up to the whole
switch interval each time. With Python's default 5 ms a few hundred such waits stood
the window still: 1.07-1.09 s while a bulk plan ran, 136-196 ms when a 50k index's
result was shown (``bench/RESULTS.md``). The interval is process-wide, so the blocks
that shorten it are counted: it is put back when the last one ends. Where the GUI
thread makes hundreds of such calls at once (a repaint), a worker also steps aside
(:class:`PaintGate`). No Qt here.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

__all__ = [
    "GATE_MAX_WAIT",
    "GATE_STUCK",
    "SWITCH_INTERVAL",
    "PaintGate",
    "gil_handed_over_often",
]

SWITCH_INTERVAL: Final = 0.0005
"""Seconds a thread running Python keeps the GIL while another waits for it."""


class _Switching:
    """The works under way with the short interval, and the interval before them."""

    lock = threading.Lock()
    users = 0
    saved = 0.0


@contextmanager
def gil_handed_over_often() -> Iterator[None]:
    """``with gil_handed_over_often():`` the GIL changes hands every
    :data:`SWITCH_INTERVAL` inside (from any thread), and the interval is put back when
    the last such block ends."""
    state = _Switching
    with state.lock:
        if state.users == 0:
            state.saved = sys.getswitchinterval()
            sys.setswitchinterval(min(state.saved, SWITCH_INTERVAL))
        state.users += 1
    try:
        yield
    finally:
        with state.lock:
            state.users -= 1
            if state.users == 0:
                sys.setswitchinterval(state.saved)


class PaintGate:
    """Lets the GUI thread paint without queueing for the GIL behind a worker.

    A repaint of a view calls into Python hundreds of times (each cell's ``paint``,
    ``multiData``, ``flags``; each Qt call from Python lets go of the GIL and takes it
    back), and behind a worker running Python each of those waits up to the switch
    interval: the replace preview's table stood still 70-220 ms while its job read.
    The GUI thread holds the gate (:meth:`held`) while it paints or puts rows in; the
    worker calls :meth:`wait` between its steps and waits there, without the GIL,
    until the gate opens (at most :data:`GATE_MAX_WAIT`). A gate held longer than
    :data:`GATE_STUCK` is passed without waiting: the GUI thread is not painting then
    but stopped inside a paint (a message box opened from an error in it), and the
    worker must not crawl meanwhile. Held from the GUI thread only.
    """

    def __init__(self) -> None:
        self._open = threading.Event()
        self._open.set()
        self._holders = 0
        self._since = 0.0  # when the gate was last closed (monotonic seconds)

    @contextmanager
    def held(self) -> Iterator[None]:
        self._holders += 1
        if self._holders == 1:
            self._since = time.monotonic()
        self._open.clear()
        try:
            yield
        finally:
            self._holders -= 1
            if not self._holders:
                self._open.set()

    @property
    def is_held(self) -> bool:
        return not self._open.is_set()

    def wait(self) -> None:
        """Return at once while the gate is open (one flag read), else when it opens."""
        if not self._open.is_set() and time.monotonic() - self._since < GATE_STUCK:
            self._open.wait(GATE_MAX_WAIT)


GATE_MAX_WAIT: Final = 0.2
"""Seconds a worker waits at most for the GUI thread to open a :class:`PaintGate`."""
GATE_STUCK: Final = 1.0
"""Seconds after which a :class:`PaintGate` still held is passed without waiting."""

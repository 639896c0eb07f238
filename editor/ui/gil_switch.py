"""How often the GIL changes hands while the window's threads work: every 0.5 ms, not 5.

The GUI thread takes the GIL for every call from Qt into Python (each ``data()`` a view
paints, each slot); behind a pool thread running Python it waits up to the whole
switch interval each time. With Python's default 5 ms a few hundred such waits stood
the window still: 1.07-1.09 s while a bulk plan ran, 136-196 ms when a 50k index's
result was shown (``bench/RESULTS.md``). The interval is process-wide, so the blocks
that shorten it are counted: it is put back when the last one ends. No Qt here.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

__all__ = ["SWITCH_INTERVAL", "gil_handed_over_often"]

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

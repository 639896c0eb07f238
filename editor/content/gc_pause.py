"""The one place that pauses the cyclic garbage collector.

Building an index makes a million records and tuples, none in a cycle; every
collection the allocations set off would walk them all again for nothing (a third of
the main process's time on 50k files, and a full collection over a 50k index holds the
GIL for ~200 ms, a stall in the window). Measure before adding another pause.

The collector's switch is one for the whole process, and pauses run on several threads
at once (the window's index read, a bulk job, a replace preview): the pauses are
counted under a lock, so the collector is switched back on only when the last one
ends, never in the middle of another thread's pause, and a pause that starts while
another runs still holds it off. What the pauses ask to become of their objects is
settled then, once (the strongest ask wins).
"""

from __future__ import annotations

import atexit
import functools
import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

# What becomes of the objects made during a pause when it ends:
#   "young": nothing (they are walked by the next collections as usual)
#   "old": moved to the oldest generation (``gc.freeze`` then ``gc.unfreeze``, which
#          only move lists): the allocations that follow do not set off a walk of the
#          whole young generation (up to 300k objects, 100 ms or more); they are walked
#          at the next full collection, as any long-lived object; when objects are
#          frozen for good already (the window's index), as "young" instead: the
#          unfreeze would thaw them all
#   "permanent": frozen for good (``gc.freeze``): for what lives as long as the process
#          keeps the folder open. It freezes *every* object alive at that moment, other
#          threads' included, and an object frozen is never collected, even once it is
#          cyclic garbage: only for a process's one big build
Settle = Literal["young", "old", "permanent"]
_STRENGTH: dict[Settle, int] = {"young": 0, "old": 1, "permanent": 2}


class _Pauses:
    """The pauses running now in this process (any thread), and what to settle."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0
        self.resume = False  # the first pause found the collector on
        self.settle: Settle = "young"


_pauses = _Pauses()


def collector_paused() -> bool:
    """Whether a pause runs now, on any thread (a collection can wait for its end)."""
    return pause_count() > 0


def pause_count() -> int:
    """How many pauses run now, on every thread together."""
    with _pauses.lock:
        return _pauses.count


def _begin() -> None:
    with _pauses.lock:
        if _pauses.count == 0:
            _pauses.resume = gc.isenabled()
            _pauses.settle = "young"
            gc.disable()
        _pauses.count += 1


def _end(settle: Settle) -> None:
    with _pauses.lock:
        if _STRENGTH[settle] > _STRENGTH[_pauses.settle]:
            _pauses.settle = settle
        _pauses.count -= 1
        if _pauses.count == 0 and _pauses.resume:
            _settle(_pauses.settle)
            gc.enable()


@contextmanager
def gc_paused(settle: Settle = "young") -> Iterator[None]:
    """``with gc_paused():`` the collector is off inside and as it was after.

    Nested and overlapping pauses (this thread's or another's) are counted: the last
    one to end switches the collector back on if the first found it on, and settles
    the objects made meanwhile as the strongest ``settle`` asked says.
    """
    _begin()
    try:
        yield
    finally:
        _end(settle)


class CollectorHold:
    """A pause held from one call to another (across event-loop turns), not a ``with``
    block: :meth:`end` ends it, once; counted with the other pauses."""

    def __init__(self, settle: Settle = "young") -> None:
        self._settle: Settle = settle
        self.held = True
        _begin()

    def end(self) -> None:
        if self.held:
            self.held = False
            _end(self._settle)


def _settle(settle: Settle) -> None:
    if settle == "permanent" or (settle == "old" and not gc.get_freeze_count()):
        gc.freeze()
        if settle == "old":
            gc.unfreeze()
    # "old" with objects frozen for good (the window's index): ``unfreeze`` would hand
    # every one of them back to the collector, so the objects made meanwhile stay young


@functools.cache  # once a process
def no_collection_at_exit() -> None:
    """Leave what this process holds to the OS at exit, uncollected.

    At exit the interpreter runs one last full collection: after a check of 50k
    entries it walks and frees every record (the records and their cached facts form a
    cycle, so they outlive the function that made them). Frozen at exit, they are left
    to the OS with the process. For processes that end after one job (the ``check``
    command); a long-lived process is unaffected until its exit. Measured: a warm
    ``check`` of 50k entries ends 0.03-0.14 s sooner (of ~1.0 s).
    """
    atexit.register(gc.freeze)


def collector_off_for_good() -> None:
    """Switch the collector off for the rest of this process (a parsing worker: it only
    makes short-lived acyclic tuples)."""
    gc.disable()

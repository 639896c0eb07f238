"""The one place that pauses the cyclic garbage collector.

Building an index makes a million records and tuples, none in a cycle; every
collection the allocations set off would walk them all again for nothing (a third of
the main process's time on 50k files, and a full collection over a 50k index holds the
GIL for ~200 ms, a stall in the window). Measure before adding another pause.
"""

from __future__ import annotations

import atexit
import functools
import gc
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
#          keeps the folder open
Settle = Literal["young", "old", "permanent"]


@contextmanager
def gc_paused(settle: Settle = "young") -> Iterator[None]:
    """``with gc_paused():`` the collector is off inside and as it was after.

    Nested pauses are free: only the outermost one (which found the collector on)
    switches it back on, and settles the objects made meanwhile as ``settle`` says.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if settle == "permanent" or (settle == "old" and not gc.get_freeze_count()):
            gc.freeze()
            if settle == "old":
                gc.unfreeze()
        # "old" with objects frozen for good (the window's index): ``unfreeze`` would hand
        # every one of them back to the collector, so the objects made meanwhile stay young
        gc.enable()


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

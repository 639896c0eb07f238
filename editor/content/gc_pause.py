"""Pausing the cyclic garbage collector while big acyclic structures are built.

Tens of thousands of records and tuples would each be traversed by every collection the
allocations set off, for nothing: none of them forms a cycle.
"""

from __future__ import annotations

import gc


class GcPaused:
    """``with GcPaused():`` - the collector is off inside, as it was after."""

    def __enter__(self) -> None:
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.was_enabled:
            gc.enable()

"""The one way bulk work runs off the GUI thread: planning, writing and undoing batches.

Planning and writing 1,000 files (the writer's verification, the batch's checks, the
fsyncs) takes 2-5 s on the benchmark's machine, and undoing them 1-3 s; on the GUI
thread that froze the window for all of it. Find and Replace, Set Field, Unify and
Rename all hand their file work to one :class:`BatchRunner` (the history's): it runs on
the pool and the result comes back on the GUI thread, where the history records it and
the open entries are changed.

While a batch is planned, written or undone - until the index, list and report show it
(:meth:`BatchRunner.hold`) - the runner is *busy*: the window locks its edits and the
bulk actions (``install.py``), because an edit made meanwhile to an entry of the batch
would be silently replaced by it, and an undo started before the list shows the batch
would open the wrong entry. Planning only a preview (nothing written) does not lock.

The collector is paused while the work runs (``gc_paused("old")``): planning 1,000 files
makes enough objects to set off a full collection, which walked the window's ~500k
objects (a 50k index, a 26k-entry preview) for ~0.5 s on the pool thread, holding the
GIL: the window stalled for as long. The objects made meanwhile join the old generation
and are walked with it at the next full collection, as any long-lived object.

The GIL is handed over every :data:`~editor.ui.gil_switch.SWITCH_INTERVAL` (0.5 ms) while
the work runs (:mod:`editor.ui.gil_switch`; the window holds it too while it lives), not
every 5 ms (Python's default): the GUI thread takes the GIL again for every call from Qt
into Python (each ``data()`` of a model a view paints, each slot), and behind a pool
thread running Python it waits the whole interval each time. Applying 1,000 changes, the
plan (~1 s of Python) ran while the dialog repainted disabled: a few hundred such waits
stood the window still for 1.07-1.09 s (the watchdog of the window's whole process saw
no I/O wait and no thread but the planning one running). With 0.5 ms: 77 ms
(``bench/RESULTS.md``, issue 19). The interval is process-wide; it is set while any
runner's work runs and put back when the last one ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from PySide6.QtCore import QObject, QThreadPool, Signal

from editor.content.gc_pause import gc_paused
from editor.ui.gil_switch import gil_handed_over_often
from editor.ui.window.workers import run_job

__all__ = ["BatchRunner"]

T = TypeVar("T")


class BatchRunner(QObject):
    """Runs bulk work on a pool; :attr:`busy` while a locking job is under way."""

    busy_changed = Signal(bool)

    def __init__(self, pool: QThreadPool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = pool
        self._held = 0  # locking jobs under way (a batch's plan hands over to its write)

    @property
    def busy(self) -> bool:
        return self._held > 0

    def run(
        self,
        work: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[BaseException], None],
        *,
        lock: bool = True,
    ) -> None:
        """Run ``work`` (files only: no Qt, no session) on the pool; ``done(result)`` or
        ``failed(exc)`` follow on the GUI thread. With ``lock`` the runner is busy until
        they return, so a job that ``done`` starts keeps the lock without a gap."""
        if lock:
            self._hold(1)

        def finished(result: Any) -> None:
            try:
                done(cast("T", result))
            finally:
                if lock:
                    self._hold(-1)

        def refused(exc: BaseException) -> None:
            try:
                failed(exc)
            finally:
                if lock:
                    self._hold(-1)

        def paused() -> T:
            with gc_paused("old"), gil_handed_over_often():
                return work()

        run_job(self.pool, paused, finished, refused, self)

    def hold(self) -> Callable[[], None]:
        """Stay busy until the returned function is called (once)."""
        self._hold(1)
        held = [True]

        def release() -> None:
            if held.pop() if held else False:
                self._hold(-1)

        return release

    def _hold(self, step: int) -> None:
        was = self.busy
        self._held += step
        if self.busy != was:
            self.busy_changed.emit(self.busy)

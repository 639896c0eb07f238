"""The replace preview off the GUI thread: candidates, then matches, in batches.

:func:`editor.content.bulk.replace.candidates` narrows 50k files to the few that can
match (the index's search text), then :func:`iter_preview` reads them; a ``QRunnable``
runs both and sends the matches back in batches about every 50 ms, so the dialog fills
as they come and the window never waits. A new search cancels the running one.

Two things keep the job from holding the window while it runs (``bench/RESULTS.md``):

* The GIL changes hands every 0.5 ms while it runs (:func:`gil_handed_over_often`, as
  for the batches): the GUI thread takes the GIL for each call from Qt into Python (a
  repaint of the table is a few hundred ``data()`` calls), and behind this job's Python
  each waited up to 5 ms.
* The collector's walks of what the job makes are kept small and off the busy time. A
  preview of 26k entries leaves ~133k objects (the entries, their paths, matches and
  lists; no data dicts since the partly read entries read theirs again when applied),
  acyclic, that live as long as the preview is shown. Made with the collector
  paused and left young, the first collection after the job walked them all at once
  (48-110 ms holding the GIL: the window stood still), the middle generation's again
  and a full one later (up to 130 ms, during the apply that followed). So the
  collector stays paused from the start of a preview until the window is idle after
  it (:class:`CollectorHold`, held by the runner); meanwhile the job collects its own
  young objects itself every :data:`YOUNG_STEP` of them (a walk of a few ms, which
  also untracks the tuples of strings, ``Match.parts``) so they reach the oldest
  generation a slice at a time; and once the pool is idle the runner makes the one
  full collection the objects are due (63-69 ms at 26k entries on a quiet machine,
  with the entries and matches slotted; 76-128 ms before; on the GUI thread while
  nothing else runs; none after a small job, such as the backlinks' search),
  then lets the collector run again.
  Nothing is frozen (``gc.freeze`` froze the whole process: index records from later
  saves, whose cycles were then never collected, so each preview ratcheted memory up).
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from editor.content.bulk.batch import Problem
from editor.content.bulk.candidates import candidate_files
from editor.content.bulk.pattern import FindOptions
from editor.content.bulk.replace import EntryMatches, OpenDocs, iter_preview
from editor.content.bulk.scope import Scope
from editor.content.gc_pause import CollectorHold, gc_paused, pause_count
from editor.content.index import CorpusIndex, IndexSnapshot
from editor.ui.gil_switch import PaintGate, gil_handed_over_often
from editor.ui.window.workers import RelayRunner

log = logging.getLogger(__name__)

BATCH_SECONDS = 0.05  # the first results show at once...
LATER_BATCH_SECONDS = 0.25  # ...later ones come less often: each insertion costs the
LATER_AFTER = 2000  # table a little more as it grows (entries sent before slowing down)
# The job collects its own young objects every this many (a walk of ~1-3 ms; Python's
# own first threshold is 700, whose collections would each walk the window's
# middle generation too)
YOUNG_STEP = 20_000
IDLE_MS = 500  # the pool this long without the job: the window is idle, collect then
IDLE_WAITS = 20  # at most this many waits for an idle pool, then collect anyway


class PreviewRelay(QObject):
    """Signals of one preview run (emitted on the worker thread, received queued)."""

    found = Signal(object)  # list[EntryMatches]
    progress = Signal(int, int)  # files read, candidate files
    finished = Signal(object)  # list[Problem]: files skipped, with the reason
    failed = Signal(str)


class _PreviewArgs(NamedTuple):
    folder: Path
    options: FindOptions
    scope: Scope
    corpus: IndexSnapshot | None  # (``index`` is a tuple's method)
    open_docs: OpenDocs


class _PreviewJob(QRunnable):
    def __init__(
        self,
        args: _PreviewArgs,
        relay: PreviewRelay,
        cancel: threading.Event,
        made_many: threading.Event | None = None,
        gate: PaintGate | None = None,
    ) -> None:
        super().__init__()
        self.gate = gate if gate is not None else PaintGate()
        self.args = args
        self.relay = relay
        self.cancel = cancel
        # set once the job collected young objects of its own: a full collection is due
        self.made_many = made_many if made_many is not None else threading.Event()

    def run(self) -> None:
        with gc_paused(), gil_handed_over_often():
            self._run()

    def _run(self) -> None:
        folder, options, scope, index, open_docs = self.args
        skipped: list[Problem] = []
        try:
            paths = candidate_files(
                folder, options, scope, index=index, open_docs=open_docs.keys(), skipped=skipped
            )
            total = len(paths)
            batch: list[EntryMatches] = []
            sent = 0
            last = time.monotonic()
            found = iter_preview(
                paths, options, scope, open_docs=open_docs, skipped=skipped,
                partial=index is not None,
            )  # fmt: skip
            step_aside = self.gate.wait
            for done, item in enumerate(found, 1):
                step_aside()  # while the window paints the results (see PaintGate)
                if self.cancel.is_set():
                    return
                if item is not None:
                    batch.append(item)
                if gc.get_count()[0] > YOUNG_STEP:
                    gc.collect(1)  # this job's young objects, a slice (see the module)
                    self.made_many.set()
                now = time.monotonic()
                if now - last >= (BATCH_SECONDS if sent < LATER_AFTER else LATER_BATCH_SECONDS):
                    self.relay.found.emit(batch)
                    self.relay.progress.emit(done, total)
                    sent += len(batch)
                    batch, last = [], now
            if batch:
                self.relay.found.emit(batch)
            self.relay.progress.emit(total, total)
        except Exception as exc:  # reported to the user, never lost on a thread
            log.exception("replace preview failed")
            self.relay.failed.emit(str(exc))
            return
        if not self.cancel.is_set():
            self.relay.finished.emit(skipped)


class PreviewRunner(RelayRunner):
    """Starts previews on a thread pool; starting one cancels the one before.

    Holds the collector paused from a preview's start until the pool is idle after it,
    then makes the full collection the preview's objects are due (see the module)."""

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(pool, parent)
        self._hold: CollectorHold | None = None
        self._made_many = threading.Event()  # a job of the hold's made many objects
        self._waits = 0
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(IDLE_MS)
        self._idle.timeout.connect(self._collect_when_idle)
        # a runner deleted while it holds the pause must not leave the collector off
        holds: list[CollectorHold] = []
        self._holds = holds

        def end_holds() -> None:
            for hold in holds:
                hold.end()

        self.destroyed.connect(end_holds)

    def _collect_when_idle(self) -> None:
        """The full collection the last previews' objects are due (when they made many),
        once the pool is idle and no other pause runs (a bulk batch, an index read);
        then the collector runs again as usual."""
        if self._hold is None:
            return
        busy = self.pool.activeThreadCount() > 0 or pause_count() > 1
        if busy and self._waits < IDLE_WAITS:
            self._waits += 1
            self._idle.start()
            return
        if self._made_many.is_set():  # (a small preview, the backlinks': not worth it)
            gc.collect()
        hold, self._hold = self._hold, None
        self._holds.clear()
        hold.end()

    def _ended(self) -> None:
        self._waits = 0
        self._idle.start()

    def start(  # noqa: PLR0917 - one job's inputs
        self,
        folder: Path,
        options: FindOptions,
        scope: Scope,
        index: CorpusIndex | None,
        open_docs: OpenDocs,
        connect: Callable[[PreviewRelay], None],
        gate: PaintGate | None = None,
    ) -> PreviewRelay:
        """Run a preview; ``connect`` hooks up the relay's signals before the job starts;
        the job steps aside while ``gate`` is held (the view showing its results paints)."""
        # the index as it is now (on the GUI thread): updates put in while the job reads
        # it (a save's) cannot change what it sees halfway
        snapshot = IndexSnapshot.of(index) if index is not None else None
        args = _PreviewArgs(folder, options, scope, snapshot, open_docs)
        relay = PreviewRelay()
        if self._hold is None:
            self._hold = CollectorHold()
            self._holds.append(self._hold)
            self._made_many = threading.Event()
        made_many = self._made_many

        def connect_all(relay: PreviewRelay) -> None:
            connect(relay)
            relay.finished.connect(self._ended)
            relay.failed.connect(self._ended)

        self.launch(
            relay, connect_all, lambda cancel: _PreviewJob(args, relay, cancel, made_many, gate)
        )
        self._idle.stop()  # (the cancel of the job before armed it)
        return relay

    def cancel(self) -> None:
        """Stop the running job (see :class:`RelayRunner`); the collector's pause ends
        once the pool is idle."""
        super().cancel()
        if self._hold is not None and not self._idle.isActive():
            self._ended()

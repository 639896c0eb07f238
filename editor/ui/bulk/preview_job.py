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
* The collector is paused while it runs, and what the job made is frozen at the end
  (``gc_paused("permanent")``). A preview of 26k entries leaves ~133k objects (the
  entries, their matches, data and lists) that live as long as the preview is shown.
  Left young, the first collection after the job walked them all at once (48-110 ms,
  holding the GIL: the window stood still), the next of the middle generation again
  (up to 130 ms, during the apply that followed) and a full one again later. Frozen,
  they are never walked; they are acyclic and freed by reference counting when the
  preview goes. The freeze takes the other objects not yet frozen with it (~52k
  there), so the job starts with a full collection: garbage made before it is freed,
  not frozen (a walk of the objects not yet frozen: ~15 ms there, and it stays small
  as each preview freezes what it finds). A full collection at the end of a preview
  found no garbage made during it.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QObject, QRunnable, Signal

from editor.content.bulk.batch import Problem
from editor.content.bulk.pattern import FindOptions
from editor.content.bulk.replace import EntryMatches, OpenDocs, candidates, iter_preview
from editor.content.bulk.scope import Scope
from editor.content.gc_pause import gc_paused
from editor.content.index import CorpusIndex, IndexSnapshot
from editor.ui.bulk.apply_job import gil_handed_over_often
from editor.ui.window.workers import RelayRunner

log = logging.getLogger(__name__)

BATCH_SECONDS = 0.05  # the first results show at once...
LATER_BATCH_SECONDS = 0.25  # ...later ones come less often: each insertion costs the
LATER_AFTER = 2000  # table a little more as it grows (entries sent before slowing down)


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
    def __init__(self, args: _PreviewArgs, relay: PreviewRelay, cancel: threading.Event) -> None:
        super().__init__()
        self.args = args
        self.relay = relay
        self.cancel = cancel

    def run(self) -> None:
        gc.collect()  # garbage is freed, not frozen with the results (see the module)
        with gc_paused("permanent"), gil_handed_over_often():
            self._run()

    def _run(self) -> None:
        folder, options, scope, index, open_docs = self.args
        skipped: list[Problem] = []
        try:
            paths = candidates(
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
            for done, item in enumerate(found, 1):
                if self.cancel.is_set():
                    return
                if item is not None:
                    batch.append(item)
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
    """Starts previews on a thread pool; starting one cancels the one before."""

    relay: PreviewRelay | None

    def start(  # noqa: PLR0917 - one job's inputs
        self,
        folder: Path,
        options: FindOptions,
        scope: Scope,
        index: CorpusIndex | None,
        open_docs: OpenDocs,
        connect: Callable[[PreviewRelay], None],
    ) -> PreviewRelay:
        """Run a preview; ``connect`` hooks up the relay's signals before the job starts."""
        # the index as it is now (on the GUI thread): updates put in while the job reads
        # it (a save's) cannot change what it sees halfway
        snapshot = IndexSnapshot.of(index) if index is not None else None
        args = _PreviewArgs(folder, options, scope, snapshot, open_docs)
        relay = PreviewRelay(self)
        return self.launch(relay, connect, lambda cancel: _PreviewJob(args, relay, cancel))

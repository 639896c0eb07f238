"""The replace preview off the GUI thread: candidates, then matches, in batches.

:func:`editor.content.bulk.replace.candidates` narrows 50k files to the few that can
match (the index's search text), then :func:`iter_preview` reads them; a ``QRunnable``
runs both and sends the matches back in batches about every 50 ms, so the dialog fills
as they come and the window never waits. A new search cancels the running one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from editor.content.bulk.batch import Problem
from editor.content.bulk.pattern import FindOptions
from editor.content.bulk.replace import EntryMatches, OpenDocs, candidates, iter_preview
from editor.content.bulk.scope import Scope
from editor.content.index import CorpusIndex

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


class _PreviewJob(QRunnable):
    def __init__(  # noqa: PLR0917 - one job's inputs
        self,
        folder: Path,
        options: FindOptions,
        scope: Scope,
        index: CorpusIndex | None,
        open_docs: OpenDocs,
        relay: PreviewRelay,
        cancel: threading.Event,
    ) -> None:
        super().__init__()
        self.args = (folder, options, scope, index, open_docs)
        self.relay = relay
        self.cancel = cancel

    def run(self) -> None:
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


class PreviewRunner(QObject):
    """Starts previews on a thread pool; starting one cancels the one before."""

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = pool if pool is not None else QThreadPool.globalInstance()
        self._cancel: threading.Event | None = None
        self.relay: PreviewRelay | None = None

    def start(  # noqa: PLR0917 - one job's inputs
        self,
        folder: Path,
        options: FindOptions,
        scope: Scope,
        index: CorpusIndex | None,
        open_docs: OpenDocs,
        connect: Callable[[PreviewRelay], None],
    ) -> PreviewRelay:
        """Run a preview; ``connect`` hooks up the relay's signals before the job starts
        (connected later, a quick job's signals could be emitted to nobody)."""
        self.cancel()
        relay = PreviewRelay(self)
        connect(relay)
        cancel = threading.Event()
        self._cancel, self.relay = cancel, relay
        self.pool.start(_PreviewJob(folder, options, scope, index, open_docs, relay, cancel))
        return relay

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
        if self.relay is not None:
            self.relay.blockSignals(True)
        self._cancel, self.relay = None, None

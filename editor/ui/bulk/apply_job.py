"""A batch written off the GUI thread.

Planning and writing 1,000 files (the writer's verification, the batch's checks, the
fsyncs) takes 4-5 s on the benchmark's machine; on the GUI thread that froze the window
for all of it. :func:`run_batch` runs that work on the pool and hands the result (or
the exception) back on the GUI thread, where the history records it and the open
entries are changed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger("editor.ui.bulk")

__all__ = ["BatchRelay", "run_batch"]


class BatchRelay(QObject):
    """The signals of one batch (emitted on the worker thread, received queued)."""

    done = Signal(object)
    failed = Signal(object)  # the exception


class _BatchJob(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: BatchRelay) -> None:
        super().__init__()
        self.work = work
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.work()
        except Exception as exc:
            log.debug("batch failed: %s", exc)
            self.relay.failed.emit(exc)
            return
        self.relay.done.emit(result)


def run_batch(
    pool: QThreadPool,
    work: Callable[[], Any],
    done: Callable[[Any], None],
    failed: Callable[[BaseException], None],
    parent: QObject,
) -> BatchRelay:
    """Run ``work`` on ``pool``; ``done(result)`` or ``failed(exc)`` on the GUI thread."""
    relay = BatchRelay(parent)
    relay.done.connect(done)
    relay.failed.connect(failed)
    relay.done.connect(relay.deleteLater)
    relay.failed.connect(relay.deleteLater)
    pool.start(_BatchJob(work, relay))
    return relay

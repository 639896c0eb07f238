"""Journal the dirty entries every few seconds, off the GUI thread.

The window hands in a *snapshot* callable returning ``[(path, data, body,
base_fingerprint)]`` for every entry with unsaved edits and calls :meth:`mark_dirty`
whenever an edit happens. A single-shot timer (3 s by default) then copies the
snapshot on the GUI thread (the form keeps mutating its dicts) and a ``QRunnable``
writes it with :meth:`Journal.record` on a private one-thread pool, so at most one
write is in flight and typing never waits for an fsync. Entries this worker journaled
that are no longer dirty are discarded in the same job, so the journal always mirrors
the unsaved work. :meth:`discard` (after a save or revert) wins over a job that took
its snapshot before the discard.
"""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from editor.content.edit_session import DirtyItem
from editor.content.journal import Journal

log = logging.getLogger(__name__)

Snapshot = Callable[[], Iterable[DirtyItem]]


class _Relay(QObject):
    """Carries a job's result back to the GUI thread (queued: it lives there)."""

    done = Signal(int, object)  # entries written, list of error messages


class _WriteJob(QRunnable):
    def __init__(self, run: Callable[[], tuple[int, list[str]]], relay: _Relay) -> None:
        super().__init__()
        self._run = run
        self._relay = relay

    def run(self) -> None:
        count, errors = self._run()
        self._relay.done.emit(count, errors)


class JournalWorker(QObject):
    """Writes the journal of a window's dirty entries in the background."""

    written = Signal(int)  # a journal write finished: how many entries were recorded
    failed = Signal(str)  # a journal write failed (disk full...): show it, keep editing

    def __init__(
        self,
        journal: Journal,
        snapshot: Snapshot,
        *,
        interval_ms: int = 3000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.journal = journal
        self._snapshot = snapshot
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_done)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._start_write)
        self._lock = threading.Lock()  # one journal operation at a time
        self._dirty = False
        self._in_flight = False
        self._stopped = False
        self._epoch = 0
        self._discarded: dict[Path, int] = {}  # path -> epoch of its last discard
        self._journaled: set[Path] = set()  # paths the last snapshot held

    @property
    def busy(self) -> bool:
        """A write is in flight or waiting for the timer."""
        return self._in_flight or self._timer.isActive()

    def mark_dirty(self) -> None:
        """Something was edited: journal the dirty entries within the interval."""
        if self._stopped:
            return
        self._dirty = True
        if not self._in_flight and not self._timer.isActive():
            self._timer.start()

    def discard(self, path: Path) -> None:
        """Forget an entry's journal now (it was saved or reverted).

        Waits for a write in flight (a small file) so that write cannot bring it back.
        """
        path = Path(path)
        with self._lock:
            self._epoch += 1
            self._discarded[path] = self._epoch
            self.journal.discard(path)
        self._journaled.discard(path)

    def flush(self) -> None:
        """Finish the write in flight and journal pending changes now (blocking)."""
        self._timer.stop()
        self._pool.waitForDone()
        self._in_flight = False
        if not self._dirty:
            return
        self._dirty = False
        count, errors = self._prepare()()
        self._report(count, errors)

    def stop(self) -> None:
        """Flush and stop journaling (window closing)."""
        self.flush()
        self._stopped = True

    # -- internals

    def _prepare(self) -> Callable[[], tuple[int, list[str]]]:
        """Copy the snapshot on the GUI thread; return the job that writes it."""
        items = [
            (Path(path), copy.deepcopy(data), body, base)
            for path, data, body, base in self._snapshot()
        ]
        current = {path for path, *_ in items}
        forget = self._journaled - current
        self._journaled = current
        epoch = self._epoch
        journal, lock, discarded = self.journal, self._lock, self._discarded

        def write() -> tuple[int, list[str]]:
            count, errors = 0, []
            with lock:
                for path, data, body, base in items:
                    if discarded.get(path, 0) > epoch:
                        continue  # saved or reverted after this snapshot was taken
                    try:
                        journal.record(path, data, body, base)
                        count += 1
                    except Exception as exc:  # a thread must not die silently
                        errors.append(f"cannot journal {path.name}: {exc}")
                for path in forget:
                    journal.discard(path)
            return count, errors

        return write

    def _start_write(self) -> None:
        if self._in_flight or not self._dirty or self._stopped:
            return
        self._dirty = False
        self._in_flight = True
        self._pool.start(_WriteJob(self._prepare(), self._relay))

    def _on_done(self, count: int, errors: list[str]) -> None:
        self._in_flight = False
        self._report(count, errors)
        if self._dirty and not self._stopped:
            self._timer.start()

    def _report(self, count: int, errors: list[str]) -> None:
        for message in errors:
            log.warning("%s", message)
            self.failed.emit(message)
        self.written.emit(count)

"""Run git work off the GUI thread, one operation at a time, with progress.

A ``QRunnable`` on the window's pool runs a plain function (from
:mod:`editor.content.git_repo`); a relay ``QObject`` living on the GUI thread carries
its progress lines, result or :class:`GitError` back as queued signals. One operation
at a time: git takes its own lock, and a second sync while one runs helps nobody.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from editor.content.errors import ContentError
from editor.content.git_errors import GitError, GitErrorKind

log = logging.getLogger(__name__)

Job = Callable[[Callable[[str], None]], Any]


class _Relay(QObject):
    progress = Signal(str)
    done = Signal(str, object)
    failed = Signal(str, object)


class _Task(QRunnable):
    def __init__(self, name: str, job: Job, relay: _Relay) -> None:
        super().__init__()
        self.name, self.job, self.relay = name, job, relay

    def run(self) -> None:
        try:
            self._run()
        except RuntimeError:  # the window closed while git ran: nobody is listening
            log.info("git job %s finished after its window closed", self.name)

    def _run(self) -> None:
        try:
            result = self.job(self.relay.progress.emit)
        except GitError as exc:
            self.relay.failed.emit(self.name, exc)
        except (ContentError, OSError) as exc:
            self.relay.failed.emit(self.name, GitError(GitErrorKind.OTHER, str(exc)))
        except Exception as exc:  # a bug must reach the window, not vanish with the thread
            log.exception("git job %s failed", self.name)
            self.relay.failed.emit(self.name, GitError(GitErrorKind.OTHER, repr(exc)))
        else:
            self.relay.done.emit(self.name, result)


class GitRunner(QObject):
    """``run(name, job)``; ``finished(name, result)`` or ``failed(name, GitError)``."""

    progress = Signal(str)
    finished = Signal(str, object)
    failed = Signal(str, object)
    busy_changed = Signal(bool)

    def __init__(self, pool: QThreadPool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = pool
        self.running: str | None = None
        self._relay = _Relay(self)
        self._relay.progress.connect(self.progress)
        self._relay.done.connect(self._on_done)
        self._relay.failed.connect(self._on_failed)

    @property
    def busy(self) -> bool:
        return self.running is not None

    def run(self, name: str, job: Job) -> bool:
        """Start ``job`` unless another runs (then False: the caller tries later)."""
        if self.running is not None:
            return False
        self.running = name
        self.busy_changed.emit(True)
        self.pool.start(_Task(name, job, self._relay))
        return True

    def _end(self) -> None:
        self.running = None
        self.busy_changed.emit(False)

    def _on_done(self, name: str, result: object) -> None:
        self._end()
        self.finished.emit(name, result)

    def _on_failed(self, name: str, error: object) -> None:
        self._end()
        self.failed.emit(name, error)

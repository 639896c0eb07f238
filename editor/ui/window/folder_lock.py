"""One editing window per content folder.

The crash journal is kept per folder (docs/recovery.md). Two windows on one folder would
share it: the second would offer the first one's live edits as "crash recovery", and
its Discard All would delete them. So a window takes this lock before it journals or
saves; a second window on the folder (this process or another) does not get it and opens
the folder read-only.

``QLockFile`` does the work: the lock file holds the owner's PID, host and process
name, and a lock whose process is gone (a crash, a kill) is stale and taken over. Time
never makes a lock stale here (``setStaleLockTime(0)``): a window may stay open for days.
The lock files live in the user's state folder (``platformdirs``), one per folder, named
like the folder's journal.
"""

from __future__ import annotations

import logging
from pathlib import Path

import platformdirs
from PySide6.QtCore import QLockFile

from editor.content.journal import APP_NAME, folder_key

log = logging.getLogger(__name__)


def default_lock_dir() -> Path:
    return Path(platformdirs.user_state_dir(APP_NAME)) / "locks"


class FolderLock:
    """The editing lock of one content folder; ``acquire`` once, ``release`` when done."""

    def __init__(self, folder: Path, lock_dir: Path | None = None) -> None:
        self.folder = Path(folder).resolve()
        directory = lock_dir if lock_dir is not None else default_lock_dir()
        self.path = directory / f"{folder_key(self.folder)}.lock"
        self._lock = QLockFile(str(self.path))
        self._lock.setStaleLockTime(0)  # stale only when the owner's process is gone
        self._held = False

    def acquire(self) -> bool:
        """Take the lock (a dead owner's lock too); False when a live window holds it."""
        if self._held:
            return True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # no state folder: editing beats refusing to open
            log.warning("cannot keep a folder lock in %s: %s", self.path.parent, exc)
            return True
        self._held = self._lock.tryLock(0)
        if not self._held and self._lock.error() != QLockFile.LockError.LockFailedError:
            log.warning("cannot write the folder lock %s: %s", self.path, self._lock.error())
            return True  # a lock we cannot write does not say anyone else holds it
        return self._held

    def owner(self) -> str:
        """Who holds the lock, for the message ("process 1234 on host")."""
        info = self._lock.getLockInfo()
        if not isinstance(info, tuple) or len(info) != 3:
            return "another window"
        pid, host, app = info
        return f"{app or 'a program'} (process {pid} on {host or 'this computer'})"

    @property
    def held(self) -> bool:
        return self._held

    def release(self) -> None:
        if self._held:
            self._lock.unlock()
            self._held = False

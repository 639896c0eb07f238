"""The open entries of a window and their unsaved edits, as signals for the window.

The logic lives in :class:`~editor.content.edit_session.EditSession` (no Qt, tested
without a ``QApplication``); this adapter turns its callbacks into the signals the
window connects to and gives it the :class:`JournalWorker` that writes the crash
journal off the GUI thread, so the window needs no journal wiring of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from editor.content.edit_session import EditSession, OpenEntry
from editor.content.journal import Journal, JournalItem
from editor.content.schema import SchemaRegistry
from editor.ui.window.journal_worker import JournalWorker

__all__ = ["OpenEntry", "Session"]


class Session(QObject):
    """Open entries by path; signals when one becomes dirty or clean, or is saved.

    Every method is :class:`EditSession`'s (see there); ``core`` is that session.
    """

    dirty_changed = Signal(object, bool)  # Path, dirty
    saved = Signal(object)  # Path

    def __init__(
        self,
        registry: SchemaRegistry,
        parent: QObject | None = None,
        *,
        journal: Journal | None = None,
        journal_interval_ms: int = 3000,
        read_only_reason: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.core = EditSession(
            registry,
            read_only_reason=read_only_reason,
            on_dirty_changed=self.dirty_changed.emit,
            on_saved=self.saved.emit,
        )
        self.journal: JournalWorker | None = None
        if journal is not None:
            self.journal = JournalWorker(
                journal, self.core.journal_items, interval_ms=journal_interval_ms, parent=self
            )
            self.core.journal = self.journal

    @property
    def registry(self) -> SchemaRegistry:
        return self.core.registry

    @property
    def read_only_reason(self) -> str | None:
        return self.core.read_only_reason

    @property
    def before_write(self) -> Callable[[Path, str], None] | None:
        """Told the fingerprint of each save just before it is written (the watcher)."""
        return self.core.before_write

    @before_write.setter
    def before_write(self, hook: Callable[[Path, str], None] | None) -> None:
        self.core.before_write = hook

    def open(self, path: Path) -> OpenEntry:
        return self.core.open(path)

    def get(self, path: Path) -> OpenEntry | None:
        return self.core.get(path)

    def release(self, path: Path) -> None:
        self.core.release(path)

    def forget(self, path: Path) -> None:
        self.core.forget(path)

    def update(self, path: Path, data: Mapping[str, Any], body: str | None) -> None:
        self.core.update(path, data, body)

    def restore(self, item: JournalItem, *, stale: bool) -> OpenEntry | None:
        return self.core.restore(item, stale=stale)

    def mark_conflict(self, path: Path) -> None:
        self.core.mark_conflict(path)

    def mark_missing(self, path: Path) -> OpenEntry | None:
        return self.core.mark_missing(path)

    def is_dirty(self, path: Path) -> bool:
        return self.core.is_dirty(path)

    def dirty_entries(self) -> list[OpenEntry]:
        return self.core.dirty_entries()

    def diff(self, path: Path) -> str:
        return self.core.diff(path)

    def diff_against_disk(self, path: Path) -> str:
        return self.core.diff_against_disk(path)

    def save(self, path: Path, *, overwrite: bool = False) -> OpenEntry:
        return self.core.save(path, overwrite=overwrite)

    def revert(self, path: Path) -> OpenEntry:
        return self.core.revert(path)

    def stop(self) -> None:
        """The window closes: journal what is still unsaved, then stop journaling."""
        if self.journal is not None:
            self.journal.stop()

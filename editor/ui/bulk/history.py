"""Bulk changes in the window: apply a plan, and undo the whole batch in one step.

The files go through :mod:`editor.content.bulk.batch` (all or nothing, byte-exact
undo). What the window adds: entries open with unsaved edits are changed in the
session (their form), never on disk behind the editor; clean open entries are read
again after the write; the watcher is told the writes are the window's own, and the
index, list and report follow. Undo leaves alone (and names) files and open entries
that changed after the batch.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication

from editor.content.atomic import fingerprint
from editor.content.bulk.batch import AppliedBatch, apply_changes, undo_batch
from editor.content.bulk.rename import AppliedRename, RenamePlan, apply_rename, undo_rename
from editor.content.bulk.replace import Plan
from editor.ui.window.session import Session

__all__ = ["BulkHistory", "EditorChange", "busy"]


@contextlib.contextmanager
def busy() -> Iterator[None]:
    """The wait cursor while a batch is planned or written on the GUI thread (1,000 files
    take a few seconds; the writes must not interleave with edits)."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


class Window(Protocol):
    """What the history needs of the main window."""

    session: Session

    def files_changed(self, paths: list[Path]) -> None: ...
    def open_entry(self, path: Path, field: str | None = None) -> None: ...
    def refresh_entry(self, path: Path | None, *, reload_form: bool = True) -> None: ...
    def current_path(self) -> Path | None: ...


@dataclass
class EditorChange:
    """An open entry changed in its editor: before and after, for undo."""

    path: Path
    old: tuple[dict[str, Any], str | None]
    new: tuple[dict[str, Any], str | None]


@dataclass
class Step:
    """One applied batch: files written and entries changed in their editor."""

    label: str
    files: AppliedBatch
    editors: list[EditorChange] = field(default_factory=list)
    rename: AppliedRename | None = None  # a slug rename: the file moved too

    @property
    def size(self) -> int:
        return len(self.files.changes) + len(self.editors)


class BulkHistory(QObject):
    """The batches applied in this window, newest last; ``undo`` takes back the last."""

    changed = Signal()  # a batch was applied or undone (update the Undo action)

    def __init__(self, window: Window, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.steps: list[Step] = []
        # The watcher's own-write hook (path, new fingerprint): no "changed on disk" prompt.
        self.announce: Callable[[Path, str], None] | None = None

    @property
    def last(self) -> Step | None:
        return self.steps[-1] if self.steps else None

    def apply(self, plan: Plan, label: str) -> Step:
        """Write ``plan``'s files (raises :class:`BatchError`, nothing changed) and change
        its open entries in their editors."""
        self.announce_plan(plan)
        with busy():
            files = apply_changes(plan.changes, label)
        return self.record(plan, files, label)

    def announce_plan(self, plan: Plan) -> None:
        """Tell the watcher the batch's writes are ours (before they are made)."""
        for change in plan.changes:
            if self.announce is not None:
                self.announce(change.path, fingerprint(change.new))

    def record(self, plan: Plan, files: AppliedBatch, label: str) -> Step:
        """After ``plan``'s files were written (``files``, on any thread): change its
        open entries in their editors and keep the step for undo."""
        editors: list[EditorChange] = []
        session = self.window.session
        for path, (data, body) in plan.in_editor.items():
            opened = session.get(path)
            if opened is None:
                continue
            old = (copy.deepcopy(opened.data), opened.body)
            session.update(path, data, body)
            editors.append(EditorChange(path, old, (copy.deepcopy(data), body)))
        step = Step(label, files, editors)
        self.steps.append(step)
        self._after(step)
        return step

    def apply_rename(self, rename: RenamePlan) -> Step:
        """Rename an entry (text changes and the move, one batch); BatchError if not."""
        for change in rename.changes.changes:
            if self.announce is not None:
                self.announce(change.path, fingerprint(change.new))
        with busy():
            applied = apply_rename(rename)
        step = Step(rename.label, applied.batch, rename=applied)
        self.steps.append(step)
        self._after(step)
        return step

    def undo(self, *, skip_changed: bool = False) -> list[Path]:
        """Take back the last batch; returns what was left alone because it changed since.

        Without ``skip_changed``, a file changed on disk since the batch stops the undo
        (:class:`BatchError` naming it, nothing written) so the caller can ask.
        """
        step = self.last
        if step is None:
            return []
        for change in step.files.changes:
            if self.announce is not None:
                self.announce(change.path, fingerprint(change.old))
        with busy():
            if step.rename is not None:
                left = undo_rename(step.rename, skip_changed=skip_changed)
            else:
                left = undo_batch(step.files, skip_changed=skip_changed)
        session = self.window.session
        for edit in step.editors:
            opened = session.get(edit.path)
            if opened is None or (opened.data, opened.body) != edit.new:
                left.append(edit.path)
                continue
            session.update(edit.path, *edit.old)
        self.steps.pop()
        self._after(step, undone=True)
        return left

    def changed_since(self) -> list[Path]:
        """Files of the last batch changed on disk after it was written."""
        step = self.last
        return step.files.changed_since() if step is not None else []

    def _after(self, step: Step, *, undone: bool = False) -> None:
        session = self.window.session
        current = self.window.current_path()
        moved: list[Path] = []
        if step.rename is not None:  # the entry left one path for the other
            plan = step.rename.plan
            gone, there = (
                (plan.new_path, plan.old_path) if undone else (plan.old_path, plan.new_path)
            )
            session.forget(gone)
            moved = [gone, there]
            if current == gone:
                self.window.open_entry(there)
        for change in step.files.changes:
            if change.path in moved:
                continue
            opened = session.get(change.path)
            if opened is not None and not opened.dirty:
                session.revert(change.path)  # read the new text again
                self.window.refresh_entry(change.path)
        for edit in step.editors:
            if edit.path == current:
                self.window.refresh_entry(edit.path)
        self.window.files_changed(sorted({c.path for c in step.files.changes} | set(moved)))
        self.changed.emit()

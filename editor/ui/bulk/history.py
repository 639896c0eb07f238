"""Bulk changes in the window: apply a plan, and undo the whole batch in one step.

The files go through :mod:`editor.content.bulk.batch` (all or nothing, byte-exact
undo), on the pool (``apply_job.py``). What the window adds: entries open with unsaved
edits are changed in the session (their form), never on disk behind the editor; clean
open entries are read again after the write; the watcher is told the writes are the
window's own, and the index, list and report follow (the index reads the batch's files
again on the pool: ``IndexFeed.files_changed_in_background``). Undo leaves alone (and
names) files and open entries that changed after the batch.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, QThreadPool, Signal

from editor.content.atomic import fingerprint
from editor.content.bulk.batch import AppliedBatch, FileChange, apply_changes, undo_batch
from editor.content.bulk.rename import AppliedRename, RenamePlan, apply_rename, undo_rename
from editor.content.bulk.replace import Plan
from editor.ui.bulk.apply_job import BatchRunner
from editor.ui.window.index_feed import IndexFeed
from editor.ui.window.session import Session

__all__ = ["BulkHistory", "EditorChange"]


class Window(Protocol):
    """What the history needs of the main window."""

    session: Session

    @property
    def feed(self) -> IndexFeed: ...
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
    """The batches applied in this window, newest last; ``undo`` takes back the last.

    Every batch's file work runs on the pool through :attr:`jobs` (``apply_job.py``);
    the methods here start it and call back on the GUI thread when it is over.
    """

    changed = Signal()  # a batch was applied or undone (update the Undo action)

    def __init__(self, window: Window, pool: QThreadPool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.steps: list[Step] = []
        self.jobs = BatchRunner(pool, self)
        # The watcher's own-write hook (path, new fingerprint): no "changed on disk" prompt.
        self.announce: Callable[[Path, str], None] | None = None

    @property
    def busy(self) -> bool:
        """A batch is being planned, written or undone (the window's edits wait)."""
        return self.jobs.busy

    @property
    def last(self) -> Step | None:
        return self.steps[-1] if self.steps else None

    def apply(
        self,
        plan: Plan,
        label: str,
        done: Callable[[Step], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        """Write ``plan``'s files on the pool, then change its open entries in their
        editors and ``done(step)``; ``failed(exc)`` (a :class:`BatchError`: nothing
        changed) instead when the batch cannot be written."""
        self.announce_plan(plan)
        self.jobs.run(
            lambda: apply_changes(plan.changes, label),
            lambda files: done(self.record(plan, files, label)),
            failed,
        )

    def announce_plan(self, plan: Plan) -> None:
        """Tell the watcher the batch's writes are ours (before they are made)."""
        self._announce(plan.changes)

    def _announce(self, changes: Iterable[FileChange], *, undo: bool = False) -> None:
        if self.announce is not None:
            for change in changes:
                self.announce(change.path, fingerprint(change.old if undo else change.new))

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

    def apply_rename(
        self,
        rename: RenamePlan,
        done: Callable[[Step], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        """Rename an entry (text changes and the move, one batch) on the pool; then
        ``done(step)``, or ``failed(exc)`` when nothing was changed."""
        self._announce(rename.changes.changes)

        def renamed(applied: AppliedRename) -> None:
            step = Step(rename.label, applied.batch, rename=applied)
            self.steps.append(step)
            self._after(step)
            done(step)

        self.jobs.run(lambda: apply_rename(rename), renamed, failed)

    def undo(
        self,
        done: Callable[[list[Path]], None],
        failed: Callable[[BaseException], None],
        *,
        skip_changed: bool = False,
    ) -> None:
        """Take back the last batch, its files on the pool; ``done(left)`` names what was
        left alone because it changed since.

        Without ``skip_changed``, a file changed on disk since the batch stops the undo
        (``failed`` gets a :class:`BatchError` naming it, nothing written) so the caller
        can ask.
        """
        step = self.last
        if step is None:
            done([])
            return
        self._announce(step.files.changes, undo=True)
        self.jobs.run(
            lambda: _undo_files(step, skip_changed),
            lambda left: done(self._undone(step, left)),
            failed,
        )

    def _undone(self, step: Step, left: list[Path]) -> list[Path]:
        """After the files of ``step`` were put back: its open entries, then the views."""
        session = self.window.session
        for edit in step.editors:
            opened = session.get(edit.path)
            if opened is None or (opened.data, opened.body) != edit.new:
                left.append(edit.path)
                continue
            session.update(edit.path, *edit.old)
        self.steps.remove(step)
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
        # the index re-reads the batch's files on the pool (1,000 took ~0.6 s); the
        # window's edits stay locked until the index, list and report show the batch
        self.window.feed.files_changed_in_background(
            sorted({c.path for c in step.files.changes} | set(moved), key=os.fspath),
            then=self.jobs.hold(),
        )
        self.changed.emit()


def _undo_files(step: Step, skip_changed: bool) -> list[Path]:
    """Put back the files of ``step`` (any thread: files only, no Qt)."""
    if step.rename is not None:
        return undo_rename(step.rename, skip_changed=skip_changed)
    return undo_batch(step.files, skip_changed=skip_changed)

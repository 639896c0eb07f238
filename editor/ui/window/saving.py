"""Unsaved work, as the user meets it: save, save all, revert, review, the prompt at
close, and the offer to restore what a crash left in the journal.

The session holds the edits and does the writing; this module holds the conversations
around it (through :mod:`dialogs`). A save over a file another program changed since it
was loaded (``ConflictError``) is never silent: **Overwrite theirs / Cancel**, Cancel by
default; "Overwrite theirs" writes the edits over the file as it is now, reading it
again and writing under the file's lock (:func:`~editor.content.atomic.file_lock`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QWidget

from editor.content.atomic import file_lock
from editor.content.errors import ConflictError, ContentError
from editor.content.journal import Journal
from editor.content.schema import SchemaRegistry
from editor.ui import dialogs
from editor.ui.window.session import Session
from editor.ui.window.status import WindowStatus

OVERWRITE = "Overwrite theirs"
CANCEL = "Cancel"


class Host(Protocol):
    """What the save conversations need from the window."""

    session: Session
    status: WindowStatus

    def files_changed(self, paths: list[Path]) -> None: ...
    def refresh_entry(self, path: Path, *, reload_form: bool = True) -> None: ...


class Saving:
    """Save / revert / review / recover for one window."""

    def __init__(self, host: Host, parent: QWidget) -> None:
        self.host = host
        self.parent = parent

    def save(self, path: Path) -> bool:
        """Save one entry; False when it was not saved (the user was told why)."""
        session = self.host.session
        opened = session.get(path)
        if opened is None or opened.read_only:
            return False  # a broken or read-only file is never written
        if not opened.dirty and not opened.missing:
            return True
        try:
            try:
                session.save(path)
            except ConflictError as exc:
                if not self._confirm_overwrite(opened.title, path, exc):
                    return False
                # Their version is read again and ours written over it under the file's
                # lock, so no cooperating writer (CLI, another window) slips in between;
                # an outside writer that does is still caught by the save's own check.
                with file_lock(path):
                    session.save(path, overwrite=True)
        except ContentError as exc:
            dialogs.error(
                self.parent,
                "Could not save",
                f"{exc}\n\nNothing was written; your changes are kept unsaved.",
            )
            return False
        self.host.status.saved(path)
        self.host.files_changed([path])
        self.host.refresh_entry(path, reload_form=False)
        return True

    def save_all(self) -> bool:
        ok = True
        for opened in self.host.session.dirty_entries():
            ok = self.save(opened.path) and ok
        return ok

    def _confirm_overwrite(self, title: str, path: Path, exc: ConflictError) -> bool:
        answer = dialogs.choose(
            self.parent,
            "Entry changed on disk",
            f"“{title}” ({path.name}) was changed on disk since you began editing it "
            f"({exc.message}).\n\nOverwrite theirs with your version, or cancel and keep "
            "your changes unsaved?",
            [OVERWRITE, CANCEL],
            default=CANCEL,
            escape=CANCEL,
        )
        return answer == OVERWRITE

    def revert(self, path: Path | None) -> None:
        opened = self.host.session.get(path) if path is not None else None
        if opened is None or not opened.dirty:
            return
        if not dialogs.confirm(
            self.parent,
            "Revert entry",
            f"Throw away the unsaved changes to “{opened.title}”?",
            action="Revert",
        ):
            return
        self.host.session.revert(opened.path)
        self.host.refresh_entry(opened.path)

    def review(self, path: Path | None) -> None:
        """Show the exact diff a save would write."""
        opened = self.host.session.get(path) if path is not None else None
        if opened is None:
            return
        try:
            diff = self.host.session.diff(opened.path)
        except ContentError as exc:
            dialogs.error(self.parent, "Cannot review changes", str(exc))
            return
        if not diff:
            dialogs.info(self.parent, "Review changes", "Saving now would not change the file.")
            return
        dialogs.show_diff(self.parent, opened.title, diff)

    def resolve_unsaved(self) -> bool:
        """Before closing or leaving the folder: Save / Discard / Cancel. True: go on."""
        dirty = self.host.session.dirty_entries()
        if not dirty:
            return True
        answer = dialogs.ask_save(self.parent, [o.title for o in dirty])
        if answer == "cancel":
            return False
        if answer == "save":
            return self.save_all()
        for opened in dirty:
            self.host.session.forget(opened.path)  # and its journal: discarded on purpose
        return True

    def recover(self, journal: Journal, registry: SchemaRegistry) -> list[Path]:
        """At start: restore the journaled work the user picks; returns the restored paths.

        Restored entries are dirty (nothing is written until a save); one whose file
        changed since is a conflict (banner; the save asks)."""
        if not journal.pending():
            return []
        items = dialogs.recover(
            self.parent, journal, key_order_for=lambda data: registry.for_data(data).key_order()
        )
        restored: list[Path] = []
        failed: list[Path] = []
        for item in items:
            opened = self.host.session.restore(item, stale=journal.is_stale(item))
            (restored if opened is not None else failed).append(item.path)
        if failed:
            dialogs.error(
                self.parent,
                "Cannot restore",
                "These files are gone or no longer parse, so their unsaved work stays in "
                "the journal: " + ", ".join(p.name for p in failed),
            )
        return restored

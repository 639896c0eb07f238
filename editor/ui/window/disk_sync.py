"""Follow changes other programs make on disk (git pull, a branch switch, another editor).

A :class:`FileWatcher` watches the content folder and the entries open in the window
(the one shown and every one with unsaved edits). What happens, in the spirit of
ReText's ``fileChanged`` and Frescobaldi's ``documentwatcher``:

- An open entry changed and has no unsaved edits: it is read again quietly.
- It changed and has unsaved edits: the editor chooses **Keep mine** (the edits stay;
  the next save asks before overwriting theirs), **Take theirs** (the edits go) or
  **Show differences** (the diff between the file now and the edits, then asked again).
- It was deleted: it stays open with a banner; saving recreates it.
- Entries added, removed or modified in the folder update the index, so the list and
  the SEO report follow. The window's own saves are announced to the watcher before
  the write (``Session.before_write``) and never prompt.
- A folder that cannot be read (permission denied, an I/O error) is said
  (:attr:`DiskSync.message`); its entries stay as they were.

Saving over such a change asks first (see :mod:`saving`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from editor.content.errors import ContentError
from editor.ui import dialogs
from editor.ui.window.file_watcher import FileWatcher, FolderChange, entries_in
from editor.ui.window.index_feed import IndexFeed
from editor.ui.window.session import Session

log = logging.getLogger(__name__)

KEEP_MINE = "Keep mine"
TAKE_THEIRS = "Take theirs"
SHOW_DIFFERENCES = "Show differences"


class Host(Protocol):
    """What disk sync needs from the window."""

    session: Session
    feed: IndexFeed

    def current_path(self) -> Path | None: ...
    def files_changed(self, paths: list[Path]) -> None: ...
    def refresh_entry(self, path: Path, *, reload_form: bool = True) -> None: ...


class DiskSync(QObject):
    """Owns the window's file watcher and reacts to what it reports."""

    message = Signal(str)  # something the user should know (the status bar shows it)

    def __init__(self, host: Host, parent: QWidget, *, debounce_ms: int | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.parent_widget = parent
        pool = host.feed.pool  # the folder's rescans run on the window's pool
        if debounce_ms is None:
            self.watcher = FileWatcher(self, pool=pool)
        else:
            self.watcher = FileWatcher(self, debounce_ms=debounce_ms, pool=pool)
        self.watcher.file_changed.connect(self._on_file_changed)
        self.watcher.file_removed.connect(self._on_file_removed)
        self.watcher.folder_changed.connect(self._on_folder_changed)
        self.watcher.folder_unreadable.connect(self._on_folder_unreadable)
        self._asking: set[Path] = set()

    # -- what to watch

    def watch_folder(self, folder: Path) -> None:
        for path in self.watcher.watched_files():
            self.watcher.unwatch_file(path)
        self.watcher.watch_folder(folder)

    def sync_watches(self) -> None:
        """Watch exactly the shown entry and the entries with unsaved edits."""
        wanted = {o.path for o in self.host.session.dirty_entries()}
        current = self.host.current_path()
        if current is not None:
            wanted.add(current)
        watched = set(self.watcher.watched_files())
        for path in watched - wanted:
            self.watcher.unwatch_file(path)
        for path in wanted - watched:
            self.watcher.watch_file(path)

    def expect_own_write(self, path: Path, new_fingerprint: str) -> None:
        self.watcher.expect_own_write(path, new_fingerprint)

    def stop(self) -> None:
        """The window closes: no more reports."""
        self.watcher.blockSignals(True)
        self.watcher.unwatch_folder()
        for path in self.watcher.watched_files():
            self.watcher.unwatch_file(path)

    # -- reacting

    def _on_file_changed(self, path: Path) -> None:
        session = self.host.session
        opened = session.get(path)
        if opened is None or path in self._asking:
            return
        if not opened.dirty:
            log.info("%s changed on disk: reloading", path)
            session.revert(path)
            self.host.refresh_entry(path)
        else:
            self._ask(path)
        self.host.files_changed([path])

    def _ask(self, path: Path) -> None:
        session = self.host.session
        self._asking.add(path)
        try:
            while True:
                opened = session.get(path)
                if opened is None or not opened.dirty:
                    return
                answer = dialogs.choose(
                    self.parent_widget,
                    "Entry changed on disk",
                    f"“{opened.title}” ({path.name}) was changed on disk by another program, "
                    "and you have unsaved changes to it.\n\n"
                    "Keep mine: keep editing your version (saving will ask before it "
                    "overwrites theirs).\nTake theirs: throw your changes away and load "
                    "the file as it is now.",
                    [KEEP_MINE, TAKE_THEIRS, SHOW_DIFFERENCES],
                    default=KEEP_MINE,
                    escape=KEEP_MINE,
                )
                if answer == SHOW_DIFFERENCES:
                    self._show_differences(path)
                    continue
                break
        finally:
            self._asking.discard(path)
        if answer == TAKE_THEIRS:
            session.revert(path)
            self.host.refresh_entry(path)
        else:
            session.mark_conflict(path)
            self.host.refresh_entry(path, reload_form=False)

    def _show_differences(self, path: Path) -> None:
        try:
            diff = self.host.session.diff_against_disk(path)
        except ContentError as exc:
            diff = f"The file on disk cannot be read as an entry:\n{exc}"
        text = diff or "Your version and the file on disk are the same."
        dialogs.show_diff(self.parent_widget, f"{path.name}: the file on disk → yours", text)

    def _on_file_removed(self, path: Path) -> None:
        if self.host.session.mark_missing(path) is not None:
            log.info("%s was deleted on disk", path)
            self.host.refresh_entry(path, reload_form=False)

    def _on_folder_unreadable(self, folder: Path, reason: str) -> None:
        """Said in the status bar, short enough to be read there whole: the folder by its
        place in the open one (the whole path is in the log)."""
        top = self.host.feed.folder
        name = folder.name
        if top is not None and folder != top and folder.is_relative_to(top):
            name = folder.relative_to(top).as_posix()
        self.message.emit(
            f'The folder "{name}" cannot be read ({reason}): its entries stay as they were.'
        )

    def _on_folder_changed(self, change: FolderChange) -> None:
        for path in change.removed:
            self._on_file_removed(path)  # before the watcher's recheck, if it comes first
        # the index leaves out the files it holds as they are (our saves, a batch read)
        paths = [*change.added, *change.removed, *change.modified]
        feed = self.host.feed
        if change.relisted:  # what the index holds there may be gone: compared too
            if feed.index is None:  # its build may have listed them before the change:
                feed.files_changed(paths)  # it starts again
                return
            paths = list(
                dict.fromkeys(
                    [*paths, *entries_in(feed.index.folder, feed.index.paths, change.relisted)]
                )
            )
        feed.files_changed_on_disk(paths)

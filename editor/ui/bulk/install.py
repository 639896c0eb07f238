"""The window's bulk actions, installed with one call (``install_bulk_actions(window)``).

Edit › Find and Replace… (Ctrl+Shift+H), Edit › Set Field on Selected Entries…, and
Edit › Undo Replace / Undo Bulk Edit, which takes back the last batch in one step;
View › Next / Previous Finding (F8 / Shift+F8, ``fix_report.py``). The
list allows several selected entries (Shift/Ctrl+click) so a bulk edit can target them.
While a batch is planned, written or undone on the pool, the entry pane takes no edits
and the bulk actions wait (a busy cursor and a status message say why): an edit made
meanwhile to an entry of the batch would be silently replaced by it.
Kept out of ``main_window``/``actions`` so those stay a wiring board.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QApplication, QMenu

from editor.content.bulk.batch import BatchError
from editor.ui import dialogs
from editor.ui.bulk.backlinks import BacklinksDock
from editor.ui.bulk.fix_report import ReportWalker
from editor.ui.bulk.history import BulkHistory
from editor.ui.bulk.rename_dialog import RenameDialog
from editor.ui.bulk.replace_dialog import ReplaceDialog
from editor.ui.bulk.set_dialog import SetFieldDialog
from editor.ui.bulk.unify_dialog import UnifyDialog

if TYPE_CHECKING:
    from editor.ui.window.main_window import MainWindow

__all__ = ["REPLACE_SHORTCUT", "BulkActions", "install_bulk_actions"]

REPLACE_SHORTCUT = "Ctrl+Shift+H"
BUSY_MESSAGE = "Writing a bulk change… (editing waits for it)"


class BulkActions(QObject):
    """The bulk actions of one window, their dialogs and the batch history."""

    undo_ended = Signal(object)  # an Edit › Undo is over: the paths left alone (or [])

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.history = BulkHistory(window, window.pool, window)
        self.history.announce = window.disk.expect_own_write
        self.history.changed.connect(self._update)
        self.history.jobs.busy_changed.connect(self._set_busy)
        window.entry_list.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.replace = QAction("Find and &Replace…", window)
        self.replace.setShortcut(QKeySequence(REPLACE_SHORTCUT))
        self.replace.setStatusTip("Find and replace text across every entry, with a preview")
        self.replace.triggered.connect(self.open_replace)
        self.set_field = QAction("Set &Field on Selected Entries…", window)
        self.set_field.setStatusTip("Set, add to or remove a field on the selected entries")
        self.set_field.triggered.connect(self.open_set_field)
        self.rename = QAction("Re&name Entry Slug…", window)
        self.rename.setStatusTip("Rename this entry's file and url and every link to it")
        self.rename.triggered.connect(self.open_rename)
        self.unify = QAction("&Unify Subject Spellings…", window)
        self.unify.setStatusTip("Give subjects spelled several ways (case, spaces) one spelling")
        self.unify.triggered.connect(self.open_unify)
        self.undo = QAction("Undo Replace", window)
        self.undo.setStatusTip("Put back every file the last bulk change touched")
        self.undo.triggered.connect(self.undo_last)
        self.replace_dialog: ReplaceDialog | None = None
        self.set_dialog: SetFieldDialog | None = None
        self.backlinks = BacklinksDock(window, window)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.backlinks)
        self.backlinks.hide()
        self.toggle_backlinks = self.backlinks.toggleViewAction()
        self.toggle_backlinks.setText("Show &Backlinks")
        self.toggle_backlinks.setShortcut(QKeySequence("Ctrl+Shift+B"))
        window.entry_list.current_changed.connect(self.backlinks.show_for)
        self.walker = ReportWalker(window)  # F8 / Shift+F8 and offered fixes
        view = _menu(window, "View")
        if view is not None:
            view.addAction(self.toggle_backlinks)
            self.walker.add_to_menu(view)
        window.addAction(self.toggle_backlinks)
        menu = _menu(window, "Edit")
        if menu is not None:
            menu.addSeparator()
            menu.addActions([self.replace, self.set_field, self.rename, self.unify, self.undo])
        window.addActions([self.replace, self.set_field, self.rename, self.unify, self.undo])
        self._update()

    def selected_paths(self) -> list[Path]:
        """The entries selected in the list (the open one when none is)."""
        view = self.window.entry_list.view
        model = self.window.model
        paths = [model.path_at(i) for i in view.selectionModel().selectedRows()]
        chosen = [p for p in paths if p is not None]
        current = self.window.current_path()
        return chosen or ([current] if current is not None else [])

    def open_replace(self) -> ReplaceDialog | None:
        if self.window.folder is None:
            return None
        if self.replace_dialog is None:
            self.replace_dialog = ReplaceDialog(
                self.window, self.history, self.selected_paths, self.window
            )
        dialog = self.replace_dialog
        dialog.refresh_scope()
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        dialog.find_edit.setFocus()
        dialog.find_edit.selectAll()
        return dialog

    def open_set_field(self) -> SetFieldDialog | None:
        paths = self.selected_paths()
        if self.window.folder is None or not paths:
            return None
        if self.set_dialog is not None:
            self.set_dialog.close()
            self.set_dialog.deleteLater()
        self.set_dialog = SetFieldDialog(
            self.window, self.history, paths, self.corpus_values, self.window
        )
        self.set_dialog.show()
        return self.set_dialog

    def open_rename(self) -> RenameDialog | None:
        path = self.window.current_path()
        if self.window.folder is None or path is None:
            return None
        dialog = RenameDialog(self.window, self.history, path, self.window)
        dialog.setModal(True)
        dialog.show()
        return dialog

    def open_unify(self) -> UnifyDialog | None:
        if self.window.index is None:
            return None
        dialog = UnifyDialog(self.window, self.history, self.window)
        dialog.show()
        return dialog

    def corpus_values(self, key: str) -> list[str]:
        """Values the corpus already uses for ``key`` (a pick-list), most used first."""
        index = self.window.index
        if index is None or key != "subject":
            return []
        counts: dict[str, int] = {}
        for record in index.records:
            if record.subject:
                counts[record.subject] = counts.get(record.subject, 0) + 1
        return sorted(counts, key=lambda s: (-counts[s], s))

    def undo_last(self) -> None:
        """Undo the last batch (its files on the pool); asks before leaving out files
        changed on disk since. :attr:`undo_ended` says when it is over."""
        step = self.history.last
        if step is None or self.history.busy:
            return
        history = self.history

        def done(left: list[Path]) -> None:
            if left:
                names = "\n".join(f"• {p.name}" for p in left[:15])
                dialogs.info(
                    self.window,
                    "Undo done in part",
                    f"Left as they are now (changed since):\n{names}",
                )
            self.undo_ended.emit(left)

        def refused(exc: BaseException) -> None:
            if not isinstance(exc, BatchError):
                self.undo_ended.emit([])
                raise exc
            names = "\n".join(f"• {p.name}" for p in exc.paths[:15])
            if not dialogs.confirm(
                self.window,
                "Files changed since",
                f"These files changed on disk after “{step.label}”:\n{names}\n\n"
                "Undo the change in the other files and leave these as they are now?",
                action="Undo the Others",
            ):
                self.undo_ended.emit([])
                return
            history.undo(done, failed_again, skip_changed=True)

        def failed_again(exc: BaseException) -> None:
            dialogs.error(self.window, "Undo failed", str(exc))
            self.undo_ended.emit([])

        history.undo(done, refused)

    def _set_busy(self, busy: bool) -> None:
        """While a batch is planned, written or undone on the pool: the entry pane (form
        and file text) takes no edits, the bulk actions wait, and the wait cursor and a
        status message say why."""
        window = self.window
        window.pane.setEnabled(not busy)
        for action in (self.replace, self.set_field, self.rename, self.unify):
            action.setEnabled(not busy)
        if busy:
            QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
            window.statusBar().showMessage(BUSY_MESSAGE)
        else:
            QApplication.restoreOverrideCursor()
            if window.statusBar().currentMessage() == BUSY_MESSAGE:
                window.statusBar().clearMessage()
        self._update()

    def _update(self) -> None:
        step = self.history.last
        self.undo.setEnabled(step is not None and not self.history.busy)
        if step is None:
            self.undo.setText("Undo Replace")
        else:
            noun = "entry" if step.size == 1 else "entries"
            self.undo.setText(f"Undo {step.label} ({step.size} {noun})")


def _menu(window: MainWindow, title: str) -> QMenu | None:
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and menu.title().replace("&", "") == title:
            return menu
    return None


def install_bulk_actions(window: MainWindow) -> BulkActions:
    """Add the bulk actions to ``window``'s Edit menu; the one call the window makes."""
    return BulkActions(window)

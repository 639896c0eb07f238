"""The window's actions, menus and toolbar, built in one place.

Kept out of :mod:`main_window` so the window reads as a wiring board: this module
knows labels, shortcuts, icons and where each action goes; the window only says
which of its methods each action runs (the :class:`Handlers` it passes in).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QMainWindow,
    QMenu,
    QStyle,
    QToolBar,
    QWidget,
)

from editor.ui import dialogs
from editor.ui.settings import Settings, SettingsStore

Shortcut = QKeySequence | QKeySequence.StandardKey | str | None

APP_NAME = "Glossary Editor"
REPORT_SHORTCUT = "Ctrl+Shift+R"
CHECK_ALL_SHORTCUT = "F7"


class Handlers(Protocol):
    """What the actions run: the window's public operations."""

    def new_entry(self) -> None: ...
    def choose_folder(self) -> None: ...
    def save_current(self) -> bool: ...
    def save_all(self) -> bool: ...
    def revert_current(self) -> None: ...
    def review_changes(self) -> None: ...
    def duplicate_current(self) -> Any: ...
    def delete_current(self) -> bool: ...
    def close(self) -> bool: ...
    def edit_focused(self, name: str) -> None: ...
    def focus_search(self) -> None: ...
    def toggle_preview(self) -> None: ...
    def toggle_seo(self) -> None: ...
    def check_all(self) -> None: ...
    def open_folder(self, folder: Path) -> bool: ...

    prefs: Settings
    store: SettingsStore


@dataclass
class WindowActions:
    """Every action of the window (the menus and the toolbar hold these)."""

    new: QAction
    open: QAction
    save: QAction
    save_all: QAction
    revert: QAction
    review: QAction
    duplicate: QAction
    delete: QAction
    quit: QAction
    edit: dict[str, QAction]
    find: QAction
    toggle_preview: QAction
    toggle_seo: QAction
    toggle_report: QAction
    check_all: QAction
    about: QAction
    recent_menu: QMenu


def _make(
    window: QMainWindow,
    text: str,
    slot: Callable[[], Any],
    shortcut: Shortcut = None,
    *,
    icon: QIcon | None = None,
    tip: str = "",
) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if icon is not None:
        action.setIcon(icon)
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)  # shortcuts work with the menu bar hidden too
    return action


def build_actions(window: QMainWindow, on: Handlers, report_dock: QDockWidget) -> WindowActions:
    """Create the actions, the menu bar and the toolbar of ``window``."""

    def icon(theme: QIcon.ThemeIcon, fallback: QStyle.StandardPixmap) -> QIcon:
        return QIcon.fromTheme(theme, window.style().standardIcon(fallback))

    sp, ti, key = QStyle.StandardPixmap, QIcon.ThemeIcon, QKeySequence.StandardKey
    mk = partial(_make, window)
    edit = {
        name: mk(label, partial(on.edit_focused, name), std)
        for name, label, std in (
            ("undo", "&Undo", key.Undo),
            ("redo", "&Redo", key.Redo),
            ("cut", "Cu&t", key.Cut),
            ("copy", "&Copy", key.Copy),
            ("paste", "&Paste", key.Paste),
        )
    }
    toggle_report = report_dock.toggleViewAction()
    toggle_report.setText("Show SEO &Report")
    toggle_report.setShortcut(QKeySequence(REPORT_SHORTCUT))
    toggle_report.setStatusTip("Show or hide the SEO findings of every entry")
    window.addAction(toggle_report)
    menu_bar = window.menuBar()
    acts = WindowActions(
        new=mk("&New Entry…", on.new_entry, key.New,
               icon=icon(ti.DocumentNew, sp.SP_FileIcon), tip="Create an entry from a schema"),
        open=mk("&Open Folder…", on.choose_folder, key.Open,
                icon=icon(ti.DocumentOpen, sp.SP_DirOpenIcon), tip="Open a content folder"),
        save=mk("&Save", on.save_current, key.Save,
                icon=icon(ti.DocumentSave, sp.SP_DialogSaveButton), tip="Save this entry"),
        save_all=mk("Save A&ll", on.save_all, "Ctrl+Shift+S", tip="Save every entry with changes"),
        revert=mk("&Revert", on.revert_current, icon=icon(ti.DocumentRevert, sp.SP_BrowserReload),
                  tip="Throw away this entry's unsaved changes"),
        review=mk("Review &Changes…", on.review_changes, "Ctrl+Shift+D",
                  icon=icon(ti.EditFind, sp.SP_FileDialogContentsView),
                  tip="Show exactly what saving would change in the file"),
        duplicate=mk("D&uplicate Entry", on.duplicate_current, tip="Copy this entry to a new file"),
        delete=mk("&Delete Entry…", on.delete_current,
                  icon=icon(ti.EditDelete, sp.SP_TrashIcon), tip="Delete this entry's file"),
        quit=mk("&Quit", on.close, key.Quit),
        edit=edit,
        find=mk("&Find Entry", on.focus_search, key.Find, tip="Search the entries"),
        toggle_preview=mk("Show &Preview", on.toggle_preview, "Ctrl+Shift+P"),
        toggle_seo=mk("Show &SEO Panel", on.toggle_seo, "Ctrl+Shift+E"),
        toggle_report=toggle_report,
        check_all=mk("&Check All Entries", on.check_all, CHECK_ALL_SHORTCUT,
                     tip="Show the SEO findings of every entry in the folder"),
        about=mk(f"&About {APP_NAME}", partial(about, window)),
        recent_menu=QMenu("Open &Recent", menu_bar),
    )  # fmt: skip
    acts.quit.setMenuRole(QAction.MenuRole.QuitRole)
    acts.about.setMenuRole(QAction.MenuRole.AboutRole)
    acts.find.setShortcuts([QKeySequence(key.Find), QKeySequence("Ctrl+L")])
    for action in (acts.toggle_preview, acts.toggle_seo):
        action.setCheckable(True)
    acts.recent_menu.aboutToShow.connect(lambda: _fill_recent_menu(acts.recent_menu, on))
    _build_menus(window, acts)
    _build_toolbar(window, acts)
    return acts


def about(parent: QWidget) -> None:
    from editor.ui.about import about_text  # version, licence, Qt (about.py)

    dialogs.info(parent, f"About {APP_NAME}", about_text())


def _fill_recent_menu(menu: QMenu, on: Handlers) -> None:
    menu.clear()
    for folder in on.prefs.recent_folders:
        action = menu.addAction(folder)
        action.triggered.connect(lambda _c=False, f=folder: on.open_folder(Path(f)))
    if not on.prefs.recent_folders:
        menu.addAction("No recent folders").setEnabled(False)
        return

    def clear() -> None:
        on.prefs.recent_folders = []
        on.store.save(on.prefs)

    menu.addSeparator()
    menu.addAction("Clear Menu").triggered.connect(clear)


def _build_menus(window: QMainWindow, acts: WindowActions) -> None:
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addActions([acts.new, acts.open])
    file_menu.addMenu(acts.recent_menu)
    file_menu.addSeparator()
    file_menu.addActions([acts.save, acts.save_all, acts.revert, acts.review])
    file_menu.addSeparator()
    file_menu.addActions([acts.duplicate, acts.delete])
    file_menu.addSeparator()
    file_menu.addAction(acts.quit)

    edit_menu = bar.addMenu("&Edit")
    edit_menu.addActions([acts.edit["undo"], acts.edit["redo"]])
    edit_menu.addSeparator()
    edit_menu.addActions([acts.edit["cut"], acts.edit["copy"], acts.edit["paste"]])
    edit_menu.addSeparator()
    edit_menu.addAction(acts.find)

    view_menu = bar.addMenu("&View")
    view_menu.addActions([acts.toggle_preview, acts.toggle_seo, acts.toggle_report])
    tools_menu = bar.addMenu("&Tools")
    tools_menu.addAction(acts.check_all)
    help_menu = bar.addMenu("&Help")
    help_menu.addAction(acts.about)
    about_qt = help_menu.addAction("About &Qt", QApplication.aboutQt)
    about_qt.setMenuRole(QAction.MenuRole.AboutQtRole)


def _build_toolbar(window: QMainWindow, acts: WindowActions) -> None:
    toolbar = QToolBar("Main toolbar")
    toolbar.setObjectName("mainToolbar")
    toolbar.setMovable(False)
    toolbar.setIconSize(QSize(18, 18))
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    toolbar.addActions([acts.new, acts.open, acts.save])
    toolbar.addSeparator()
    toolbar.addActions([acts.review, acts.revert])
    window.addToolBar(toolbar)

"""The main window: a wiring board of the list, the form, the preview and the session.

Layout (list | form | preview in one splitter), actions and menus, the status bar and
close handling live here; the work lives in the parts: :mod:`entry_list` and
:mod:`entry_model` (finding entries), :mod:`session` (unsaved edits, saving),
:mod:`preview` (the page), :mod:`workers` (indexing off the GUI thread) and the
schema-driven ``EntryForm``. Every message box goes through :mod:`dialogs`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, QThreadPool, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence, QPalette, QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QStyle,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from editor.content.atomic import atomic_write
from editor.content.document import read_bytes
from editor.content.errors import ContentError
from editor.content.index import CorpusIndex
from editor.content.new_entry import create_entry
from editor.content.render import render_page
from editor.content.schema import Schema, SchemaRegistry
from editor.content.seo import Finding, SeoConfig, check_entry, load_config
from editor.paths import resources_dir
from editor.ui import dialogs
from editor.ui.diff_dialog import DiffDialog
from editor.ui.entry_list import EntryList
from editor.ui.entry_model import EntryListModel, Row
from editor.ui.form import EntryForm
from editor.ui.new_entry_dialog import NewEntryDialog
from editor.ui.preview import PreviewPane
from editor.ui.session import OpenEntry, Session
from editor.ui.settings import Settings, SettingsStore
from editor.ui.workers import IndexResult, IndexWorker

log = logging.getLogger("editor.ui.window")

APP_NAME = "Glossary Editor"
FINDINGS_DELAY_MS = 250


def app_icon() -> QIcon:
    return QIcon(str(resources_dir() / "icons" / "glossary-editor.svg"))


class MainWindow(QMainWindow):
    """One content folder: its entries, the open entry's form and its page."""

    def __init__(
        self,
        folder: Path | None = None,
        *,
        settings: SettingsStore | None = None,
        pool: QThreadPool | None = None,
        use_cache: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = settings if settings is not None else SettingsStore()
        self.prefs: Settings = self.store.load()
        self.pool = pool if pool is not None else QThreadPool.globalInstance()
        self.use_cache = use_cache
        self.folder: Path | None = None
        self.index: CorpusIndex | None = None
        self.seo_config = SeoConfig()
        self.session = Session(SchemaRegistry.load(None), self)
        self._current: Path | None = None
        self._link_titles: dict[str, str] = {}
        self._last_save = ""

        self.setWindowIcon(app_icon())
        self.setObjectName("MainWindow")
        self._build_widgets()
        self._build_actions()
        self._build_menus()
        self._build_status_bar()
        self.indexer = IndexWorker(self.pool, self)
        self._findings_timer = QTimer(self)
        self._findings_timer.setSingleShot(True)
        self._findings_timer.setInterval(FINDINGS_DELAY_MS)
        self._findings_timer.timeout.connect(self._refresh_findings)

        self.resize(1400, 860)
        self.splitter.setSizes([330, 620, 450])
        self.store.restore_window(self, {"main": self.splitter})
        self.preview.setVisible(self.prefs.show_preview)
        self.form.findings.setVisible(self.prefs.show_seo)
        self.action_toggle_preview.setChecked(self.prefs.show_preview)
        self.action_toggle_seo.setChecked(self.prefs.show_seo)
        self._show_entry(None)
        if folder is not None:
            self.open_folder(folder)
        else:
            self._update_title()

    # -- building -----------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.model = EntryListModel(self)
        self.entry_list = EntryList(self.model)
        self.entry_list.current_changed.connect(self._show_entry)
        self.entry_list.activated.connect(self._focus_form)
        self.model.filter_changed.connect(self._update_counts)

        self.form = EntryForm()
        self.form.setAccessibleName("Entry form")
        self.form.edited.connect(self._on_edited)

        self.banner = QFrame()
        self.banner.setObjectName("banner")
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner.setAutoFillBackground(True)
        self.banner.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        banner_icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        banner_icon.setPixmap(warning.pixmap(QSize(size, size)))
        banner_icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.banner_text = QLabel()
        self.banner_text.setWordWrap(True)
        self.banner_text.setTextFormat(Qt.TextFormat.PlainText)
        self.banner_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner_text.setAccessibleName("Read-only reason")
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(8, 6, 8, 6)
        banner_layout.addWidget(banner_icon)
        banner_layout.addWidget(self.banner_text, 1)
        self.banner.hide()

        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setTextFormat(Qt.TextFormat.RichText)
        self.empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.empty_label.setContentsMargins(24, 24, 24, 24)
        self.raw_view = QPlainTextEdit()
        self.raw_view.setReadOnly(True)
        self.raw_view.setAccessibleName("File text (read only)")
        self.raw_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.pages = QStackedWidget()
        for page in (self.empty_label, self.form, self.raw_view):
            self.pages.addWidget(page)

        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 6, 0, 6)
        centre_layout.setSpacing(6)
        centre_layout.addWidget(self.banner)
        centre_layout.addWidget(self.pages, 1)

        self.preview = PreviewPane(
            self._render, delay_ms=self.prefs.preview_delay_ms, pool=self.pool
        )
        self.preview.set_source(self._snapshot)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.entry_list)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.preview)
        self.splitter.setChildrenCollapsible(False)
        for i, stretch in enumerate((0, 3, 2)):
            self.splitter.setStretchFactor(i, stretch)
        self.setCentralWidget(self.splitter)

    def _action(
        self,
        text: str,
        slot: Callable[[], Any],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        *,
        icon: QIcon | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon is not None:
            action.setIcon(icon)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _icon(self, theme: QIcon.ThemeIcon, fallback: QStyle.StandardPixmap) -> QIcon:
        return QIcon.fromTheme(theme, self.style().standardIcon(fallback))

    def _build_actions(self) -> None:
        sp, ti = QStyle.StandardPixmap, QIcon.ThemeIcon
        key = QKeySequence.StandardKey
        self.action_new = self._action(
            "&New Entry…", self.new_entry, key.New,
            icon=self._icon(ti.DocumentNew, sp.SP_FileIcon), tip="Create an entry from a schema",
        )  # fmt: skip
        self.action_open = self._action(
            "&Open Folder…", self.choose_folder, key.Open,
            icon=self._icon(ti.DocumentOpen, sp.SP_DirOpenIcon), tip="Open a content folder",
        )  # fmt: skip
        self.action_save = self._action(
            "&Save", self.save_current, key.Save,
            icon=self._icon(ti.DocumentSave, sp.SP_DialogSaveButton), tip="Save this entry",
        )  # fmt: skip
        self.action_save_all = self._action(
            "Save A&ll", self.save_all, "Ctrl+Shift+S", tip="Save every entry with changes"
        )
        self.action_revert = self._action(
            "&Revert", self.revert_current,
            icon=self._icon(ti.DocumentRevert, sp.SP_BrowserReload),
            tip="Throw away this entry's unsaved changes",
        )  # fmt: skip
        self.action_review = self._action(
            "Review &Changes…", self.review_changes, "Ctrl+Shift+D",
            icon=self._icon(ti.EditFind, sp.SP_FileDialogContentsView),
            tip="Show exactly what saving would change in the file",
        )  # fmt: skip
        self.action_duplicate = self._action(
            "D&uplicate Entry", self.duplicate_current, tip="Copy this entry to a new file"
        )
        self.action_delete = self._action(
            "&Delete Entry…", self.delete_current,
            icon=self._icon(ti.EditDelete, sp.SP_TrashIcon), tip="Delete this entry's file",
        )  # fmt: skip
        self.action_quit = self._action("&Quit", self.close, key.Quit)
        self.action_quit.setMenuRole(QAction.MenuRole.QuitRole)

        self.edit_actions: dict[str, QAction] = {}
        for name, label, std in (
            ("undo", "&Undo", key.Undo),
            ("redo", "&Redo", key.Redo),
            ("cut", "Cu&t", key.Cut),
            ("copy", "&Copy", key.Copy),
            ("paste", "&Paste", key.Paste),
        ):
            self.edit_actions[name] = self._action(label, partial(self._edit, name), std)
        self.action_find = self._action(
            "&Find Entry", self.entry_list.focus_search, key.Find, tip="Search the entries"
        )
        self.action_find.setShortcuts([QKeySequence(key.Find), QKeySequence("Ctrl+L")])

        self.action_toggle_preview = self._action(
            "Show &Preview", self._toggle_preview, "Ctrl+Shift+P"
        )
        self.action_toggle_preview.setCheckable(True)
        self.action_toggle_seo = self._action("Show &SEO Panel", self._toggle_seo, "Ctrl+Shift+E")
        self.action_toggle_seo.setCheckable(True)
        self.action_about = self._action(f"&About {APP_NAME}", self.about)
        self.action_about.setMenuRole(QAction.MenuRole.AboutRole)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.action_new)
        file_menu.addAction(self.action_open)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        for action in (self.action_save, self.action_save_all, self.action_revert):
            file_menu.addAction(action)
        file_menu.addAction(self.action_review)
        file_menu.addSeparator()
        file_menu.addAction(self.action_duplicate)
        file_menu.addAction(self.action_delete)
        file_menu.addSeparator()
        file_menu.addAction(self.action_quit)

        edit_menu = bar.addMenu("&Edit")
        for name in ("undo", "redo"):
            edit_menu.addAction(self.edit_actions[name])
        edit_menu.addSeparator()
        for name in ("cut", "copy", "paste"):
            edit_menu.addAction(self.edit_actions[name])
        edit_menu.addSeparator()
        edit_menu.addAction(self.action_find)

        view_menu = bar.addMenu("&View")
        view_menu.addAction(self.action_toggle_preview)
        view_menu.addAction(self.action_toggle_seo)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.action_about)

        toolbar = QToolBar("Main toolbar")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setIconSize(QSize(18, 18))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.action_new, self.action_open, self.action_save):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.action_review)
        toolbar.addAction(self.action_revert)
        self.addToolBar(toolbar)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Entry count")
        self.folder_label = QLabel()
        self.folder_label.setAccessibleName("Content folder")
        self.folder_label.setTextFormat(Qt.TextFormat.PlainText)
        self.saved_label = QLabel()
        self.saved_label.setAccessibleName("Last save")
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Indexing progress")
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(True)
        self.progress.setFormat("Indexing %v/%m")
        self.progress.hide()
        status.addWidget(self.count_label)
        status.addWidget(self.folder_label, 1)
        status.addPermanentWidget(self.saved_label)
        status.addPermanentWidget(self.progress)

    # -- folder and index ---------------------------------------------------------

    def choose_folder(self) -> None:
        start = str(self.folder) if self.folder is not None else str(Path.home())
        chosen = QFileDialog.getExistingDirectory(self, "Open content folder", start)
        if chosen:
            self.open_folder(Path(chosen))

    def open_folder(self, folder: Path) -> bool:
        """Show ``folder``'s entries (names at once, details as the index arrives)."""
        folder = Path(folder).resolve()
        if not folder.is_dir():
            dialogs.error(self, "Cannot open folder", f"{folder} is not a folder.")
            return False
        if not self._resolve_unsaved():
            return False
        try:
            registry = SchemaRegistry.load(folder)
            config = load_config(folder)
        except ContentError as exc:
            dialogs.error(self, "Cannot open folder", str(exc))
            return False
        self.indexer.cancel()
        self.index = None
        self.folder = folder
        self.seo_config = config
        self.form.set_seo_config(config)
        self.session.deleteLater()
        self.session = Session(registry, self)
        self.session.dirty_changed.connect(self._on_dirty_changed)
        self._current = None
        self.entry_list.select(None)
        self.entry_list.search.clear()
        self.model.set_paths(folder, [])
        self._show_entry(None)
        self.prefs.add_recent(folder)
        self.store.save(self.prefs)
        self.folder_label.setText(folder.name)
        self.folder_label.setToolTip(str(folder))
        self._start_indexing()
        self._update_title()
        return True

    def _start_indexing(self) -> None:
        assert self.folder is not None
        relay = self.indexer.start(self.folder, cache=self.use_cache)
        relay.listed.connect(self._on_listed)
        relay.progress.connect(self._on_progress)
        relay.finished.connect(self._on_indexed)
        relay.failed.connect(self._on_index_failed)
        self.progress.setRange(0, 0)
        self.progress.show()

    def _on_listed(self, rows: list[Row]) -> None:
        if self.folder is not None:
            self.model.set_paths(self.folder, rows)
            self._update_counts()

    def _on_progress(self, done: int, total: int, phase: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setToolTip(f"Indexing: {phase} ({done} of {total})")

    def _on_indexed(self, result: IndexResult) -> None:
        self.progress.hide()
        self._use_index(result.index, result.rows)

    def _on_index_failed(self, message: str) -> None:
        self.progress.hide()
        dialogs.error(self, "Indexing failed", message)

    def _use_index(self, index: CorpusIndex, rows: list[Row] | None = None) -> None:
        self.index = index
        if rows is None:
            self.model.set_records(index.records, index.search)
        else:
            self.model.set_rows(rows, index.search)
        self._link_titles = {r.url: r.title for r in index.records if r.url}
        self.form.set_related_candidates([(r.url, r.title) for r in index.records if r.url])
        self._update_counts()
        self._refresh_findings()

    def _files_changed(self, paths: list[Path]) -> None:
        """Files this window created, saved or deleted: update the index and the list."""
        if self.index is None:
            self._start_indexing()  # still indexing: start again (cheap, cached)
            return
        self.index.update_paths(paths)
        self._use_index(self.index)

    def _update_counts(self) -> None:
        total = self.model.total()
        shown = self.entry_list.visible_count()
        noun = "entry" if total == 1 else "entries"
        text = f"{total} {noun}" if shown == total else f"{shown} of {total} {noun} shown"
        self.count_label.setText(text)

    # -- showing an entry ---------------------------------------------------------

    def current_path(self) -> Path | None:
        return self._current

    def current_entry(self) -> OpenEntry | None:
        return self.session.get(self._current) if self._current is not None else None

    def open_entry(self, path: Path) -> None:
        """Select ``path`` in the list and show it."""
        if not self.entry_list.select(path):
            self._show_entry(path)

    def _show_entry(self, path: Path | None) -> None:
        previous = self._current
        if path is not None and path == previous:
            return
        if previous is not None:
            self.session.release(previous)
        self._current = path
        self._findings_timer.stop()
        if path is None:
            self.banner.hide()
            self.empty_label.setText(self._empty_text())
            self.pages.setCurrentWidget(self.empty_label)
            self.preview.clear(
                "Select an entry to see its page here."
                if self.folder is not None
                else "Open a folder to preview its entries."
            )
        else:
            self._display(self.session.open(path))
        self._update_title()
        self._update_actions()

    def _display(self, opened: OpenEntry) -> None:
        if opened.entry is None or opened.schema is None:
            self._show_banner(
                "This file does not parse, so it is shown read-only and cannot be saved. "
                "Fix it in a text editor, then reopen it.\n" + opened.read_only_reason
            )
            self.raw_view.setPlainText(opened.raw_text)
            error = opened.error
            if error is not None and error.line:
                block = self.raw_view.document().findBlockByNumber(error.line - 1)
                cursor = QTextCursor(block)
                cursor.movePosition(
                    QTextCursor.MoveOperation.Right,
                    QTextCursor.MoveMode.MoveAnchor,
                    max((error.column or 1) - 1, 0),
                )
                self.raw_view.setTextCursor(cursor)
                self.raw_view.centerCursor()
            self.pages.setCurrentWidget(self.raw_view)
            self.preview.clear("This file does not parse; there is no page to preview.")
            return
        if opened.read_only:
            self._show_banner(opened.read_only_reason)
        else:
            self.banner.hide()
        self.form.load(opened.schema, opened.data, opened.body, read_only=opened.read_only)
        self.pages.setCurrentWidget(self.form)
        self._refresh_findings()
        self.preview.show_now()

    def _show_banner(self, text: str) -> None:
        self.banner_text.setText(text)
        self.banner.show()

    def _empty_text(self) -> str:
        if self.folder is None:
            return (
                "<h3>No folder open</h3><p>Open a folder of Markdown entries with "
                "<b>File › Open Folder…</b> (Ctrl+O).</p>"
            )
        return (
            "<h3>No entry selected</h3><p>Pick an entry in the list (Ctrl+F to search), "
            "or create one with <b>File › New Entry…</b> (Ctrl+N).</p>"
        )

    def _focus_form(self, path: Path) -> None:
        opened = self.session.get(path)
        if opened is None or opened.schema is None:
            return
        self.form.focus_field(opened.schema.title_key or opened.schema.fields[0].path)

    # -- editing ------------------------------------------------------------------

    def _on_edited(self) -> None:
        opened = self.current_entry()
        if opened is None or opened.read_only or opened.schema is None:
            return
        data, body = self.form.values(), self.form.body()
        self.session.update(opened.path, data, body)
        if opened.schema.title_key:
            self.model.set_title(opened.path, str(data.get(opened.schema.title_key) or ""))
            self._update_title()
        self.preview.request()
        self._findings_timer.start()

    def _snapshot(self) -> tuple[Mapping[str, Any], str | None, Schema] | None:
        opened = self.current_entry()
        if opened is None or opened.schema is None:
            return None
        return opened.data, opened.body, opened.schema

    def _render(self, data: Mapping[str, Any], body: str, schema: Schema) -> str:
        return render_page(data, body, schema, link_titles=self._link_titles)

    def _refresh_findings(self) -> None:
        opened = self.current_entry()
        if opened is None or opened.schema is None or self.folder is None:
            return
        self.form.set_findings(self._findings_for(opened))

    def _findings_for(self, opened: OpenEntry) -> list[Finding]:
        assert opened.schema is not None and self.folder is not None
        rel = opened.path.relative_to(self.folder).as_posix()
        own = check_entry(opened.data, opened.schema, self.seo_config, rel)
        corpus = (
            [f for f in self.index.corpus_findings if f.path == rel]
            if self.index is not None and not opened.dirty
            else []
        )
        return own + corpus

    def _on_dirty_changed(self, path: Path, dirty: bool) -> None:
        self.model.set_dirty(path, dirty)
        if path == self._current:
            self.setWindowModified(dirty)
            self._update_actions()

    def _edit(self, name: str) -> None:
        """Edit menu: act on whichever text field has the focus."""
        widget = QApplication.focusWidget()
        method = getattr(widget, name, None)
        if callable(method):
            method()

    # -- saving -------------------------------------------------------------------

    def save_current(self) -> bool:
        if self._current is None:
            return False
        return self._save(self._current)

    def save_all(self) -> bool:
        ok = True
        for opened in self.session.dirty_entries():
            ok = self._save(opened.path) and ok
        return ok

    def _save(self, path: Path) -> bool:
        opened = self.session.get(path)
        if opened is None or opened.read_only:
            return False  # a broken or read-only file is never written
        if not opened.dirty:
            return True
        try:
            self.session.save(path)
        except ContentError as exc:
            dialogs.error(
                self,
                "Could not save",
                f"{exc}\n\nNothing was written; your changes are kept unsaved.",
            )
            return False
        self._last_save = time.strftime("%H:%M:%S")
        self.saved_label.setText(f"Saved {path.name} at {self._last_save}")
        self._files_changed([path])
        return True

    def revert_current(self) -> None:
        opened = self.current_entry()
        if opened is None or not opened.dirty:
            return
        if not dialogs.confirm(
            self,
            "Revert entry",
            f"Throw away the unsaved changes to “{opened.title}”?",
            action="Revert",
        ):
            return
        self._display(self.session.revert(opened.path))
        self._update_title()
        self._update_actions()

    def review_changes(self) -> None:
        opened = self.current_entry()
        if opened is None:
            return
        try:
            diff = self.session.diff(opened.path)
        except ContentError as exc:
            dialogs.error(self, "Cannot review changes", str(exc))
            return
        if not diff:
            dialogs.info(self, "Review changes", "Saving now would not change the file.")
            return
        DiffDialog(opened.title, diff, self).exec()

    def _resolve_unsaved(self) -> bool:
        """Before closing or leaving the folder: Save / Discard / Cancel. True: go on."""
        dirty = self.session.dirty_entries()
        if not dirty:
            return True
        answer = dialogs.ask_save(self, [o.title for o in dirty])
        if answer == "cancel":
            return False
        if answer == "save":
            return self.save_all()
        for opened in dirty:
            self.session.forget(opened.path)
        return True

    # -- new, duplicate, delete ---------------------------------------------------

    def new_entry(self) -> None:
        if self.folder is None:
            dialogs.info(self, "New entry", "Open a content folder first.")
            return
        folder = self.folder
        names = [(n, self.session.registry[n].label) for n in self.session.registry.names()]
        dialog = NewEntryDialog(names, lambda name: (folder / name).exists(), self)
        if dialog.exec():
            self.create_entry(*dialog.values())

    def create_entry(self, schema_name: str, title: str) -> Path | None:
        """Create the entry file named from the term's slug and open it."""
        if self.folder is None:
            return None
        schema = self.session.registry.get(schema_name)
        if schema is None:
            dialogs.error(self, "Cannot create entry", f"Unknown content type {schema_name!r}.")
            return None
        try:
            path = create_entry(self.folder, schema, title)
        except ContentError as exc:
            dialogs.error(self, "Cannot create entry", exc.message)
            return None
        self._files_changed([path])
        self.open_entry(path)
        self._focus_form(path)
        return path

    def duplicate_current(self) -> Path | None:
        """Copy the entry's file (as saved) next to it and open the copy."""
        path = self._current
        if path is None:
            return None
        stem, n = path.stem, 1
        target = path.with_name(f"{stem}-copy.md")
        while target.exists():
            n += 1
            target = path.with_name(f"{stem}-copy-{n}.md")
        try:
            atomic_write(target, read_bytes(path))
        except ContentError as exc:
            dialogs.error(self, "Cannot duplicate entry", str(exc))
            return None
        self._files_changed([target])
        self.open_entry(target)
        self.statusBar().showMessage(
            f"Duplicated as {target.name}: change its term and URL before publishing.", 8000
        )
        return target

    def delete_current(self) -> bool:
        path = self._current
        if path is None:
            return False
        opened = self.session.get(path)
        title = opened.title if opened is not None else path.name
        if not dialogs.confirm(
            self,
            "Delete entry",
            f"Delete “{title}”?\n\nThe file {path.name} is removed from the folder.",
            action="Delete",
        ):
            return False
        try:
            path.unlink()
        except OSError as exc:
            dialogs.error(self, "Cannot delete entry", f"{path}: {exc.strerror or exc}")
            return False
        self.session.forget(path)
        self._current = None
        self.entry_list.select(None)
        self._show_entry(None)
        self._files_changed([path])
        return True

    # -- view, help ---------------------------------------------------------------

    def _toggle_preview(self) -> None:
        self.prefs.show_preview = self.action_toggle_preview.isChecked()
        self.preview.setVisible(self.prefs.show_preview)
        self.store.save(self.prefs)

    def _toggle_seo(self) -> None:
        self.prefs.show_seo = self.action_toggle_seo.isChecked()
        self.form.findings.setVisible(self.prefs.show_seo)
        self.store.save(self.prefs)

    def about(self) -> None:
        dialogs.info(
            self,
            f"About {APP_NAME}",
            f"{APP_NAME}\n\nWrite and revise glossary entries (Markdown with YAML front "
            "matter), preview their pages and check their SEO fields. Saves change only "
            "the lines you edited.",
        )

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for folder in self.prefs.recent_folders:
            action = self.recent_menu.addAction(folder)
            action.triggered.connect(lambda _c=False, f=folder: self.open_folder(Path(f)))
        if not self.prefs.recent_folders:
            self.recent_menu.addAction("No recent folders").setEnabled(False)
            return
        self.recent_menu.addSeparator()
        self.recent_menu.addAction("Clear Menu").triggered.connect(self._clear_recent)

    def _clear_recent(self) -> None:
        self.prefs.recent_folders = []
        self.store.save(self.prefs)

    # -- state --------------------------------------------------------------------

    def _update_title(self) -> None:
        parts = []
        opened = self.current_entry()
        if opened is not None:
            parts.append(f"{opened.title}[*]")
        if self.folder is not None:
            parts.append(self.folder.name)
        parts.append(APP_NAME)
        self.setWindowTitle(" — ".join(parts))
        self.setWindowModified(opened is not None and opened.dirty)

    def _update_actions(self) -> None:
        opened = self.current_entry()
        has_entry = opened is not None
        editable = opened is not None and not opened.read_only
        dirty = opened is not None and opened.dirty
        self.action_save.setEnabled(dirty)
        self.action_revert.setEnabled(dirty)
        self.action_review.setEnabled(editable)
        self.action_duplicate.setEnabled(has_entry)
        self.action_delete.setEnabled(has_entry)
        self.action_new.setEnabled(self.folder is not None)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            # Light/dark switched: the palette roles follow; repaint what drew with them.
            self.entry_list.view.viewport().update()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._resolve_unsaved():
            event.ignore()
            return
        self.indexer.cancel()
        self.store.save(self.prefs)
        self.store.save_window(self, {"main": self.splitter})
        event.accept()

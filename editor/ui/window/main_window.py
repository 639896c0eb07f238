"""The main window: a wiring board of the list, the form, the preview and the session.

Layout (list | form | preview in one splitter, the SEO report docked below), the status
bar and close handling live here; the work lives in the parts: :mod:`actions` (actions,
menus, toolbar), :mod:`entry_list`/:mod:`entry_model` (finding entries), :mod:`session`
(unsaved edits, writing, the crash journal), :mod:`saving` (save, revert, review, the
prompts, recovery after a crash), :mod:`disk_sync` (changes made by other programs),
:mod:`entry_files` (new, duplicate, delete), :mod:`status` (the status bar),
:mod:`index_feed` (indexing off the GUI thread, feeding the list and the SEO report),
:mod:`entry_pane` (form / file text / banner), :mod:`preview` and :mod:`report_view`.
Every dialog goes through :mod:`dialogs`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QThreadPool, QTimer
from PySide6.QtGui import QCloseEvent, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QSplitter,
    QWidget,
)

from editor.content.errors import ContentError
from editor.content.index import CorpusIndex, IndexChange
from editor.content.journal import Journal, folder_key
from editor.content.render import render_page
from editor.content.render_config import RenderConfig, load_render_config
from editor.content.schema import Schema, SchemaRegistry
from editor.content.seo import SeoConfig, load_config
from editor.paths import resources_dir
from editor.ui import dialogs
from editor.ui.bulk.install import install_bulk_actions
from editor.ui.entries.entry_list import EntryList
from editor.ui.entries.entry_model import EntryListModel
from editor.ui.entries.list_rows import worst_status
from editor.ui.gil_switch import gil_handed_over_often
from editor.ui.git import install_git
from editor.ui.preview import PreviewPane
from editor.ui.preview.follow import FormPreviewLink
from editor.ui.report.dock_height import DockHeight
from editor.ui.report.report_view import SeoReportView
from editor.ui.settings import Settings, SettingsStore
from editor.ui.site_setup import SiteSetupOffer
from editor.ui.window.actions import APP_NAME, build_actions
from editor.ui.window.disk_sync import DiskSync
from editor.ui.window.entry_files import EntryFiles
from editor.ui.window.entry_pane import EntryPane
from editor.ui.window.folder_lock import FolderLock
from editor.ui.window.index_feed import IndexFeed
from editor.ui.window.saving import Saving
from editor.ui.window.session import OpenEntry, Session
from editor.ui.window.status import WindowStatus

__all__ = ["APP_NAME", "MainWindow", "app_icon"]

log = logging.getLogger(__name__)

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
        journal_root: Path | None = None,
        journal_interval_ms: int = 3000,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = settings if settings is not None else SettingsStore()
        self.prefs: Settings = self.store.load()
        self.pool = pool if pool is not None else QThreadPool.globalInstance()
        self.journal_root = journal_root  # None: the user data dir (docs/recovery.md)
        self.journal_interval_ms = journal_interval_ms
        self.folder: Path | None = None
        self.folder_lock: FolderLock | None = None
        self.seo_config = SeoConfig()
        self.render_config = RenderConfig()
        self.session = Session(SchemaRegistry.load(None), self)
        self._current: Path | None = None

        self.setWindowIcon(app_icon())
        self.setObjectName("MainWindow")
        self._build_widgets()
        self.acts = build_actions(self, self, self.report_dock)
        self.status = WindowStatus(self.statusBar())
        self.status.findings_button.clicked.connect(self.check_all)
        self.feed = IndexFeed(
            self.model, self.report, self.status.progress, self.pool, use_cache=use_cache,
            dirty_paths=lambda: [o.path for o in self.session.dirty_entries()], parent=self,
        )  # fmt: skip
        self.feed.changed.connect(self._on_index_changed)
        # While the window lives the GIL changes hands every 0.5 ms, not 5: the GUI
        # thread takes it for every call from Qt into Python, and behind the pool's
        # Python (the watcher's listing, the spell words, the cache write after a
        # build) each such call waited up to 5 ms: at 50k entries the window stood
        # still 136-196 ms when the index's result was shown, 21-56 ms with 0.5 ms.
        self._gil = ExitStack()
        self._gil.enter_context(gil_handed_over_often())
        # A window going without its close (deleted by its owner, a crash the journal
        # recovers from) puts it back too: through a child, whose ``destroyed`` comes
        # after the window's own (slots of the window's disturbed those waiting on it).
        QObject(self).destroyed.connect(self._gil.close)
        self.disk = DiskSync(self, self)
        self.disk.watcher.watch_failed.connect(self.status.message)  # changes unseen: say so
        self.disk.message.connect(self.status.message)  # a folder that cannot be read
        self.files = EntryFiles(self, self)
        self.saving = Saving(self, self)
        self.bulk = install_bulk_actions(self)  # Edit › Find and Replace…, bulk edits
        self.site_setup = SiteSetupOffer(self)  # "Site Setup…", the init offer (site_setup.py)
        self.git = install_git(self)  # git menu, status bar, Changes dock: editor/ui/git/
        self._findings_timer = QTimer(self, singleShot=True, interval=FINDINGS_DELAY_MS)
        self._findings_timer.timeout.connect(self._refresh_findings)

        self.resize(1400, 860)
        self.splitter.setSizes([330, 620, 450])
        self.report_dock.hide()  # until "Check All Entries"; the saved state may show it
        self.store.restore_window(self, {"main": self.splitter})
        self.preview.setVisible(self.prefs.show_preview)
        self.form.findings.setVisible(self.prefs.show_seo)
        self.acts.toggle_preview.setChecked(self.prefs.show_preview)
        self.acts.toggle_seo.setChecked(self.prefs.show_seo)
        self._show_entry(None)
        if folder is not None:
            self.open_folder(folder)
        else:
            self._update_title()

    def _build_widgets(self) -> None:
        self.model = EntryListModel(self)
        self.model.filter_changed.connect(self._update_counts)
        self.entry_list = EntryList(self.model)
        self.entry_list.current_changed.connect(self._show_entry)
        self.entry_list.activated.connect(self._focus_field)
        self.pane = EntryPane()
        self.form = self.pane.form  # the window's busiest collaborator, named once
        self.form.edited.connect(self._on_edited)
        self.pane.raw_view.modified_changed.connect(lambda _: self._update_title())
        self.preview = PreviewPane(
            self._render, delay_ms=self.prefs.preview_delay_ms, pool=self.pool
        )
        self.preview.set_source(self._snapshot)
        self._preview_link = FormPreviewLink(self.form, self.preview, self)  # page <-> fields
        self.splitter = QSplitter(Qt.Orientation.Horizontal, childrenCollapsible=False)
        self.splitter.setObjectName("mainSplitter")
        for i, (widget, stretch) in enumerate(
            ((self.entry_list, 0), (self.pane, 3), (self.preview, 2))
        ):
            self.splitter.addWidget(widget)
            self.splitter.setStretchFactor(i, stretch)
        self.setCentralWidget(self.splitter)

        self.report = SeoReportView()
        self.report.open_requested.connect(self._open_finding)
        self.report.model.summary_changed.connect(self._update_findings_summary)
        self.report_dock = QDockWidget("SEO report", self)
        self.report_dock.setObjectName("seoReportDock")  # saveState() keys docks by name
        self.report_dock.setWidget(self.report)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.report_dock)
        self.report_height = DockHeight(self, self.report_dock, self.report.table_row_height())

    # -- folder and index ---------------------------------------------------------

    def choose_folder(self) -> None:
        start = str(self.folder) if self.folder is not None else str(Path.home())
        chosen = QFileDialog.getExistingDirectory(self, "Open content folder", start)
        if chosen:
            self.open_folder(Path(chosen))

    def open_folder(self, folder: Path) -> bool:
        """Show ``folder``'s entries (names at once, details as the index arrives) and
        offer back the unsaved work a crash left in its journal."""
        folder = Path(folder).resolve()
        if not folder.is_dir():
            dialogs.error(self, "Cannot open folder", f"{folder} is not a folder.")
            return False
        if not self._leave_raw() or not self.saving.resolve_unsaved():
            return False
        try:
            registry = SchemaRegistry.load(folder)
            config = load_config(folder)
            render_config = load_render_config(folder)
        except ContentError as exc:
            dialogs.error(self, "Cannot open folder", str(exc))
            return False
        self.folder, self.seo_config, self.render_config = folder, config, render_config
        self.preview.set_site(render_config)
        self.pane.set_seo_config(config)
        self.form.writing.set_folder(folder)  # spelling settings and site dictionary
        self.session.stop()
        self.session.deleteLater()
        locked_out = self._lock_folder(folder)
        root = self.journal_root
        journal = None
        if locked_out is None:
            journal = Journal(folder, root / folder_key(folder) if root is not None else None)
        self.session = Session(
            registry,
            self,
            journal=journal,
            journal_interval_ms=self.journal_interval_ms,
            read_only_reason=locked_out,
        )
        self.session.dirty_changed.connect(self._on_dirty_changed)
        self.session.before_write = self.disk.expect_own_write
        self.entry_list.search.clear()
        self.feed.close()
        self.model.set_paths(folder, [])
        self.close_entry()
        self.prefs.add_recent(folder)
        self.store.save(self.prefs)
        self.status.set_folder(folder)
        self.disk.watch_folder(folder)
        restored = self.saving.recover(journal, registry) if journal is not None else []
        if restored:
            self.open_entry(restored[0])
        self.feed.start(folder)
        self._update_title()
        self.site_setup.folder_opened(folder, registry)
        return True

    def _lock_folder(self, folder: Path) -> str | None:
        """Take ``folder``'s editing lock (dropping the last folder's); None when taken,
        else why this window shows the folder read-only (the user is told once)."""
        if self.folder_lock is not None:
            self.folder_lock.release()
        lock = FolderLock(folder)
        self.folder_lock = lock
        # A window deleted without closing lets go too: a child's destruction says so
        # (a slot on the window's own ``destroyed`` upsets others waiting on it).
        keeper = QObject(self)
        keeper.destroyed.connect(lock.release)
        if lock.acquire():
            return None
        reason = (
            f"“{folder.name}” is open for editing in another window ({lock.owner()}), "
            "so this window shows it read-only."
        )
        dialogs.info(
            self,
            "Folder open in another window",
            f"{reason}\n\nNothing can be edited or saved here, and no crash journal is kept. "
            "Close the other window, then open the folder again here to edit it.",
        )
        return reason

    def is_locked_out(self) -> bool:
        """True when another window edits this folder (this one is read-only)."""
        return self.session.read_only_reason is not None

    @property
    def index(self) -> CorpusIndex | None:
        return self.feed.index

    def files_changed(self, paths: list[Path]) -> None:
        """Files created, saved, deleted or changed on disk: update index, list, report."""
        self.feed.files_changed(paths)

    def _on_index_changed(self, change: IndexChange | None) -> None:
        index = self.feed.index
        if index is not None and (change is None or change.links_changed):
            self.form.set_related_candidates(self.feed.links, self.feed.title_words)
        if self._current is not None and self.entry_list.current_path() != self._current:
            self.entry_list.select(self._current)  # restored work arrives before the rows
        self._update_counts()
        self._update_findings_summary()
        self._refresh_findings()

    def _update_counts(self) -> None:
        self.status.set_counts(self.model.total(), self.entry_list.visible_count())

    def _update_findings_summary(self) -> None:
        indexed = self.feed.index is not None
        self.status.set_findings(self.feed.findings.severity_counts() if indexed else None)

    # -- SEO report ---------------------------------------------------------------

    def check_all(self) -> None:
        """Show the SEO findings of every entry (kept current by the index)."""
        self.report_dock.show()
        self.report_dock.raise_()
        self.report.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _open_finding(self, rel: str, field: str) -> None:
        if self.folder is not None:
            self.open_entry(self.folder / rel, field or None)

    # -- showing an entry ---------------------------------------------------------

    def current_path(self) -> Path | None:
        return self._current

    def current_entry(self) -> OpenEntry | None:
        return self.session.get(self._current) if self._current is not None else None

    def open_entry(self, path: Path, field: str | None = None) -> None:
        """Select ``path`` in the list, show it, and focus ``field`` when given."""
        if not self.entry_list.select(path):
            self._show_entry(path)
        if field is not None:
            self._focus_field(path, field)

    def close_entry(self) -> None:
        self.entry_list.select(None)
        self._show_entry(None)

    def _show_entry(self, path: Path | None) -> None:
        previous = self._current
        if path is not None and path == previous:
            return
        if not self._leave_raw():
            self.entry_list.select(previous)  # stay on the file being fixed
            return
        if previous is not None:
            self.session.release(previous)
        self._current = path
        self._findings_timer.stop()
        if path is None:
            self.pane.show_nothing(has_folder=self.folder is not None)
            self.preview.clear(
                "Select an entry to see its page here."
                if self.folder is not None
                else "Open a folder to preview its entries."
            )
        else:
            self._display(self.session.open(path))
        self.refresh_entry(path, reload_form=False)

    def refresh_entry(self, path: Path | None, *, reload_form: bool = True) -> None:
        """The session's copy of ``path`` changed (reloaded, saved, conflict, deleted)."""
        opened = self.session.get(path) if path is not None else None
        if path == self._current and opened is not None:
            if reload_form:
                self._display(opened)
            else:
                self.pane.update_notice(opened)
            self.preview.site_saved()  # live-site mode shows the dev server's page again
        self.disk.sync_watches()
        self._update_title()
        self._update_actions()

    def _display(self, opened: OpenEntry) -> None:
        self.pane.show_entry(opened)
        if opened.entry is None or opened.schema is None:
            self.preview.clear("This file does not parse; there is no page to preview.")
            return
        self._refresh_findings()
        self.preview.show_now()

    def _focus_field(self, path: Path, field: str | None = None) -> None:
        opened = self.session.get(path)
        if opened is None or opened.schema is None or path != self._current:
            return
        self.form.focus_field(field or opened.schema.title_key or opened.schema.fields[0].path)

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
        return render_page(
            data, body, schema, link_titles=self.feed.link_titles, config=self.render_config
        )

    def _refresh_findings(self) -> None:
        opened = self.current_entry()
        if opened is not None and opened.schema is not None:
            findings = self.feed.entry_findings(opened, self.seo_config)
            self.form.set_findings(findings)
            if self.feed.index is not None:  # before that the list shows "pending"
                self.model.set_status(opened.path, worst_status(findings))

    def _on_dirty_changed(self, path: Path, dirty: bool) -> None:
        self.model.set_dirty(path, dirty)
        self.disk.sync_watches()
        if path == self._current:
            self.setWindowModified(dirty)
            self._update_actions()

    def edit_focused(self, name: str) -> None:
        """Edit menu: act on whichever text field has the focus."""
        method = getattr(QApplication.focusWidget(), name, None)
        if callable(method):
            method()

    def focus_search(self) -> None:
        self.entry_list.focus_search()

    # -- the operations behind the actions (the work is in saving, entry_files) ---

    def save_current(self) -> bool:
        opened = self.current_entry()
        if opened is not None and opened.entry is None:
            return self._save_raw(opened.path)
        return self._current is not None and self.saving.save(self._current)

    # -- a file fixed as text (the raw view) ---------------------------------------

    def _raw_edited(self) -> bool:
        opened = self.current_entry()
        return opened is not None and opened.entry is None and self.pane.raw_view.is_modified()

    def _save_raw(self, path: Path) -> bool:
        """Write the fixed text (once it parses) and open the entry in the form."""
        if not self.pane.raw_view.is_modified():
            return False
        if not self.pane.raw_view.save_asking(self, self.disk.expect_own_write):
            return False
        self._reopen_fixed(path)
        return True

    def _reopen_fixed(self, path: Path) -> None:
        self.session.release(path)  # the broken copy: read the file again
        if path == self._current:
            self._display(self.session.open(path))
        self.status.saved(path)
        self.files_changed([path])
        self.refresh_entry(path, reload_form=False)

    def _leave_raw(self) -> bool:
        """Before showing another entry, folder or closing: the raw view's edits are
        saved or dropped (the view asks). False: stay."""
        raw = self.pane.raw_view
        path, edited = raw.path, raw.is_modified()
        if not raw.resolve_leaving(self, self.disk.expect_own_write):
            return False
        if edited and path is not None and not raw.is_modified() and path.exists():
            self.session.release(path)
            self.files_changed([path])
        return True

    def save_all(self) -> bool:
        return self.saving.save_all()

    def revert_current(self) -> None:
        if self._raw_edited():
            if dialogs.confirm(
                self, "Revert file", "Throw away your edits to the file's text?", action="Revert"
            ):
                self.pane.raw_view.revert()
            return
        self.saving.revert(self._current)

    def review_changes(self) -> None:
        self.saving.review(self._current)

    def new_entry(self) -> None:
        self.files.new_entry()

    def create_entry(self, schema_name: str, title: str) -> Path | None:
        return self.files.create(schema_name, title)

    def duplicate_current(self) -> Path | None:
        return self.files.duplicate()

    def delete_current(self) -> bool:
        return self.files.delete()

    def toggle_preview(self) -> None:
        self.prefs.show_preview = self.acts.toggle_preview.isChecked()
        self.preview.setVisible(self.prefs.show_preview)
        self.store.save(self.prefs)

    def toggle_seo(self) -> None:
        self.prefs.show_seo = self.acts.toggle_seo.isChecked()
        self.form.findings.setVisible(self.prefs.show_seo)
        self.store.save(self.prefs)

    # -- state --------------------------------------------------------------------

    def _update_title(self) -> None:
        opened = self.current_entry()
        parts = [f"{opened.title}[*]"] if opened is not None else []
        if self.folder is not None:
            parts.append(self.folder.name + (" (read only)" if self.is_locked_out() else ""))
        self.setWindowTitle(" — ".join([*parts, APP_NAME]))
        self.setWindowModified((opened is not None and opened.dirty) or self._raw_edited())
        self._update_actions()

    def _update_actions(self) -> None:
        opened = self.current_entry()
        editable = opened is not None and not opened.read_only
        unsaved = editable and opened is not None and (opened.dirty or opened.missing)
        raw_edited = self._raw_edited()
        self.acts.save.setEnabled(unsaved or raw_edited)
        self.acts.revert.setEnabled((opened is not None and opened.dirty) or raw_edited)
        self.acts.review.setEnabled(editable)
        writable = not self.is_locked_out()
        self.acts.duplicate.setEnabled(opened is not None and writable)
        self.acts.delete.setEnabled(opened is not None and writable)
        self.acts.new.setEnabled(self.folder is not None and writable)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            # Light/dark switched: the palette roles follow; repaint what drew with them.
            self.entry_list.view.viewport().update()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._leave_raw() or not self.saving.resolve_unsaved():
            event.ignore()
            return
        self.disk.stop()
        self.session.stop()  # journal what is left (nothing, unless a save failed)
        self.feed.close()
        self.preview.discard_browser_files()
        self.store.save(self.prefs)
        self.store.save_window(self, {"main": self.splitter})
        if self.folder_lock is not None:
            self.folder_lock.release()
        self._gil.close()
        event.accept()

"""The centre of the window: the open entry as a form, its file text when it does not
parse, or a note saying what to do when nothing is open; a banner above says why an
entry is read-only, deleted on disk or in conflict.

Split out of the main window so the window only decides *which* entry to show.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from editor.content.errors import ContentError
from editor.content.seo import SeoConfig
from editor.ui.form.form import EntryForm
from editor.ui.widget_text import usual_break
from editor.ui.window.banner import Banner
from editor.ui.window.raw_view import RawTextView
from editor.ui.window.session import OpenEntry

DELETED_NOTICE = "This file was deleted on disk. Save to recreate it, or close it."
CONFLICT_NOTICE = (
    "This file was changed on disk after your edits began. Saving asks before it "
    "overwrites that version; Review Changes (Ctrl+Shift+D) shows what a save would write."
)
BROKEN_NOTICE = (
    "This file does not parse, so it is shown as text. Fix the marked line here; Save "
    "(Ctrl+S) writes it once it parses and opens the entry in the form."
)
FIXED_NOTICE = "It parses now."
NO_FOLDER = (
    "<h3>No folder open</h3><p>Open a folder of Markdown entries with "
    "<b>File › Open Folder…</b> (Ctrl+O).</p>"
)
NO_ENTRY = (
    "<h3>No entry selected</h3><p>Pick an entry in the list (Ctrl+F to search), "
    "or create one with <b>File › New Entry…</b> (Ctrl+N).</p>"
)


def notice(opened: OpenEntry) -> str:
    """What the banner says about an entry ("" for nothing)."""
    if opened.entry is None:
        # The error itself, with its line and column, heads the text view.
        return BROKEN_NOTICE
    if opened.read_only:
        return opened.read_only_reason
    if opened.missing:
        return DELETED_NOTICE
    return CONFLICT_NOTICE if opened.conflict else ""


class EntryPane(QWidget):
    """Banner over a stack of: the empty note, the form, the raw (broken) file text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = EntryForm()
        self.form.setAccessibleName("Entry form")
        self.banner = Banner()
        self.empty_label = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.empty_label.setTextFormat(Qt.TextFormat.RichText)
        self.empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.empty_label.setContentsMargins(24, 24, 24, 24)
        self.raw_view = RawTextView()
        self.raw_view.checked.connect(self._raw_checked)
        self.pages = QStackedWidget()
        for page in (self.empty_label, self.form, self.raw_view):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 6)
        layout.setSpacing(6)
        layout.addWidget(self.banner)
        layout.addWidget(self.pages, 1)

    def set_seo_config(self, config: SeoConfig) -> None:
        self.form.set_seo_config(config)

    def show_nothing(self, *, has_folder: bool) -> None:
        self.banner.say("")
        self.raw_view.forget()
        self.empty_label.setText(NO_ENTRY if has_folder else NO_FOLDER)
        self.pages.setCurrentWidget(self.empty_label)

    def show_entry(self, opened: OpenEntry) -> None:
        """The form for a parsed entry; the file text, at the error, for a broken one."""
        self.banner.say(notice(opened))
        if opened.entry is None or opened.schema is None:
            self._show_raw(opened)
            return
        self.raw_view.forget()
        self.form.load(
            opened.schema,
            opened.data,
            opened.body,
            read_only=opened.read_only,
            newline=usual_break(opened.entry.text),
        )
        self.pages.setCurrentWidget(self.form)

    def update_notice(self, opened: OpenEntry) -> None:
        """Deleted, conflict or saved: the banner changes, the form (and its undo) stays."""
        self.banner.say(notice(opened))

    def _raw_checked(self, error: ContentError | None) -> None:
        """The banner follows the text being fixed: its latest error, or that it parses."""
        if self.pages.currentWidget() is self.raw_view:
            self.banner.say(
                BROKEN_NOTICE if error is not None else f"{BROKEN_NOTICE} {FIXED_NOTICE}"
            )

    def _show_raw(self, opened: OpenEntry) -> None:
        self.raw_view.show_file(opened)
        self.pages.setCurrentWidget(self.raw_view)

"""Fixing the SEO report in one pass: Next / Previous Finding and offered fixes.

View › Next Finding (F8) and Previous Finding (Shift+F8) move through the report's rows
as it shows them (filters and sort included) and open each finding's entry with the
field focused and scrolled into view, the way a double click does. Where a fix can be
derived from the entry (``content/seo/suggest.py``), a bar under the form offers it;
it is applied only when the editor clicks "Use it", as an ordinary unsaved edit of the
field (one undo step in that field), never silently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from editor.content.seo.suggest import Suggestion, suggest
from editor.ui.report.findings_rows import R_FIELD, R_PATH, R_RULE

if TYPE_CHECKING:
    from pathlib import Path

    from editor.ui.window.main_window import MainWindow

__all__ = ["NEXT_SHORTCUT", "PREVIOUS_SHORTCUT", "ReportWalker", "SuggestionBar"]

NEXT_SHORTCUT = "F8"
PREVIOUS_SHORTCUT = "Shift+F8"
SHOWN_CHARS = 90  # of a suggested value in the bar (the tooltip has all of it)


class SuggestionBar(QFrame):
    """One offered fix: what it would write, and a button to write it into the field."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("suggestionBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.use_button = QPushButton("Use it")
        self.use_button.setToolTip("Put the suggested value in the field (not saved yet)")
        self.dismiss_button = QPushButton("Dismiss")
        layout.addWidget(self.label, 1)
        layout.addWidget(self.use_button)
        layout.addWidget(self.dismiss_button)
        self.dismiss_button.clicked.connect(self.clear)
        self.suggestion: Suggestion | None = None
        self.path: Path | None = None
        self.hide()

    def offer(self, path: Path, suggestion: Suggestion) -> None:
        self.path, self.suggestion = path, suggestion
        value = suggestion.value
        text = value if isinstance(value, str) else ", ".join(value)
        shown = text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"
        self.label.setText(f"Suggested {suggestion.field} ({suggestion.summary}): {shown}")
        self.label.setToolTip(text)
        self.show()

    def clear(self) -> None:
        self.path = self.suggestion = None
        self.hide()


class ReportWalker(QObject):
    """F8 / Shift+F8 over the report's rows, and the fix offered for each finding."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.next_action = QAction("Next &Finding", window)
        self.next_action.setShortcut(QKeySequence(NEXT_SHORTCUT))
        self.next_action.setStatusTip("Open the next finding of the SEO report at its field")
        self.next_action.triggered.connect(self.next)
        self.previous_action = QAction("Previous Findin&g", window)
        self.previous_action.setShortcut(QKeySequence(PREVIOUS_SHORTCUT))
        self.previous_action.setStatusTip("Open the previous finding of the SEO report")
        self.previous_action.triggered.connect(self.previous)
        window.addActions([self.next_action, self.previous_action])
        self.bar = SuggestionBar(window.form)
        form_layout = window.form.layout()
        if form_layout is not None:
            form_layout.addWidget(self.bar)
        self.bar.use_button.clicked.connect(self.accept)
        self._last: tuple[str, str] | None = None  # (path, field) of the finding last opened
        window.report.open_requested.connect(self._opened)
        window.entry_list.current_changed.connect(self._entry_changed)

    def add_to_menu(self, menu: QMenu) -> None:
        menu.addSeparator()
        menu.addActions([self.next_action, self.previous_action])

    def next(self) -> bool:
        return self._step(1)

    def previous(self) -> bool:
        return self._step(-1)

    def _step(self, delta: int) -> bool:
        """Make the next (``delta`` 1) or previous (-1) row current and open it; False
        when the report shows no finding."""
        report = self.window.report
        model, table = report.model, report.table
        if not self.window.feed.findings.built:
            self.window.check_all()  # its rows are made when it is first shown
        count = model.rowCount()
        if count == 0:
            gathering = not self.window.feed.findings.built
            text = (
                "Gathering the SEO report's findings…"
                if gathering
                else "The SEO report shows no finding."
            )
            self.window.statusBar().showMessage(text, 4000)
            return False
        current = table.currentIndex()
        at = model.row_at(current.row()) if current.isValid() else None
        if at is not None and (at[R_PATH], at[R_FIELD]) != self._last:
            row = current.row()  # a row chosen but not opened yet: that one first
        elif current.isValid():
            row = (current.row() + delta) % count
        else:
            row = 0 if delta > 0 else count - 1
        index = model.index(row, max(current.column(), 0))
        table.setCurrentIndex(index)
        table.scrollTo(index)
        found = model.row_at(row)
        if found is None:
            return False
        report.open_requested.emit(found[R_PATH], found[R_FIELD])
        return True

    def _opened(self, rel: str, _field: str) -> None:
        """After the window opened a finding: offer its fix, when one can be derived."""
        self.bar.clear()
        self._last = (rel, _field)
        window = self.window
        if window.folder is None:
            return
        path = window.folder / rel
        rule = self._rule_of(rel, _field)
        form = window.form
        schema = form.schema()
        if rule is None or schema is None or path != window.current_path() or form.is_read_only():
            return
        found = suggest(rule, form.values(), schema, window.seo_config)
        if found is None or not isinstance(found.value, str):
            return
        editor = form.editor(found.field)
        if editor is None or not isinstance(editor.focus_widget(), QLineEdit | QPlainTextEdit):
            return
        self.bar.offer(path, found)

    def _rule_of(self, rel: str, field: str) -> str | None:
        """The rule of the report's current row, when it is this finding."""
        report = self.window.report
        row = report.model.row_at(report.table.currentIndex().row())
        if row is None or row[R_PATH] != rel or row[R_FIELD] != field:
            return None
        return str(row[R_RULE])

    def accept(self) -> bool:
        """Write the offered value into its field as the editor's own edit."""
        found, path = self.bar.suggestion, self.bar.path
        self.bar.clear()
        if found is None or path != self.window.current_path():
            return False
        editor = self.window.form.editor(found.field)
        if editor is None or not isinstance(found.value, str):
            return False
        widget = editor.focus_widget()
        if isinstance(widget, QLineEdit):
            widget.selectAll()
            widget.insert(found.value)  # undoable, as typing over the selection
        elif isinstance(widget, QPlainTextEdit):
            cursor = widget.textCursor()
            cursor.select(QTextCursor.SelectionType.Document)
            cursor.insertText(found.value)
            widget.setTextCursor(cursor)
        else:
            return False
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _entry_changed(self, path: object) -> None:
        if path != self.bar.path:
            self.bar.clear()

"""The text of a file that does not parse, to be fixed in the app.

A broken file (bad YAML, a duplicate key, unclosed front matter) cannot be shown as a
form, but it should not be a dead end either. This view shows its text with the error's
line marked and the message (line:column) above it; the user edits the text, the view
checks it again as they type, and Save writes it once it parses, through
``atomic_write`` against the fingerprint of the bytes that were loaded (a file changed on
disk meanwhile is never overwritten). The window then opens the entry in the form.
Leaving with edits asks: save them (when they parse) or throw them away (the file stays
as it was). The text comes back through :func:`widget_text.restore_text`, so line breaks
and characters the user did not touch are written as they were.

Raw edits are not journaled: they are a repair of one file, kept while it is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontDatabase, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTextEdit, QVBoxLayout, QWidget

from editor.content.atomic import atomic_write, fingerprint
from editor.content.document import Entry, parse_entry
from editor.content.errors import ContentError, ParseError, ReadOnlyError
from editor.content.frontmatter import BOM
from editor.ui import dialogs
from editor.ui.widget_text import dropped_prefix, restore_text, usual_break
from editor.ui.window.session import OpenEntry

CHECK_DELAY_MS = 250
PARSES = "The text parses now: Save (Ctrl+S) writes it and opens the entry in the form."
UNREADABLE = "The file is not UTF-8 text, so it cannot be shown or fixed here."
KEEP_EDITING = "Keep editing"
DISCARD = "Discard my edits"


ERROR_LINE = QColor(220, 53, 69, 60)  # the error line's background (a soft red)


def describe_error(error: ContentError) -> str:
    """``Line 5, column 3: message`` (what the view says above the text)."""
    if error.line is None:
        return error.message
    where = f"Line {error.line}" + (f", column {error.column}" if error.column else "")
    return f"{where}: {error.message}"


class RawTextView(QWidget):
    """Shows one broken file's text; ``modified_changed`` when edits begin or end."""

    modified_changed = Signal(bool)
    checked = Signal(object)  # ContentError | None: what the text's latest check found

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAccessibleName("Parse error")
        self.edit = QPlainTextEdit()
        # YAML is indentation: a fixed-width font shows it as it is.
        self.edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.edit.setAccessibleName("File text")
        self.edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.edit.textChanged.connect(self._on_text_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 8, 0)
        layout.setSpacing(4)
        layout.addWidget(self.message)
        layout.addWidget(self.edit, 1)
        self._timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check)
        self.path: Path | None = None
        self._text = ""  # the text the widget took from the file
        self._dropped = ""  # and the start of it the widget would not take
        self._newline = "\n"
        self._bom = False
        self._fingerprint: str | None = None
        self._loaded_raw = ""
        self._modified = False
        self.error: ContentError | None = None

    # -- showing -------------------------------------------------------------------------

    def show_file(self, opened: OpenEntry) -> None:
        """Show ``opened``'s text at its error. The same file with edits keeps the edits
        (a change on disk then makes the save a conflict, never a silent overwrite)."""
        if opened.path == self.path and self._modified:
            return
        self.path = opened.path
        self._fingerprint = opened.raw_fingerprint
        self._bom = opened.raw_bom
        self._newline = usual_break(opened.raw_text)
        self.edit.blockSignals(True)
        try:
            self.edit.setPlainText(opened.raw_text)
        finally:
            self.edit.blockSignals(False)
        self._loaded_raw = self.edit.document().toRawText()
        self._dropped = dropped_prefix(opened.raw_text, self._loaded_raw)
        self._text = opened.raw_text[len(self._dropped) :]
        self.edit.setReadOnly(self._fingerprint is None or opened.locked)
        self._set_modified(False)
        self._show_error(opened.error)
        if opened.error is not None and opened.error.line:
            self._put_cursor(opened.error.line, opened.error.column or 1)
        if self._fingerprint is None:
            self.message.setText(UNREADABLE)
        elif opened.locked and opened.error is not None:
            self.message.setText(f"{describe_error(opened.error)} (read only in this window)")

    def _put_cursor(self, line: int, column: int) -> None:
        block = self.edit.document().findBlockByNumber(line - 1)
        cursor = QTextCursor(block)
        cursor.movePosition(
            QTextCursor.MoveOperation.Right,
            QTextCursor.MoveMode.MoveAnchor,
            min(max(column - 1, 0), max(block.length() - 1, 0)),
        )
        self.edit.setTextCursor(cursor)
        self.edit.centerCursor()

    def _show_error(self, error: ContentError | None) -> None:
        """Say what is wrong and mark its line (the whole width, in a soft red)."""
        self.error = error
        self.checked.emit(error)
        self.message.setText(describe_error(error) if error is not None else PARSES)
        marks: list[QTextEdit.ExtraSelection] = []
        if error is not None and error.line:
            mark = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            colour = QColor(ERROR_LINE)  # translucent: readable on light and dark themes
            fmt.setBackground(colour)
            fmt.setProperty(QTextFormat.Property.FullWidthSelection, True)
            fmt.setToolTip(describe_error(error))
            mark.format = fmt
            mark.cursor = QTextCursor(self.edit.document().findBlockByNumber(error.line - 1))
            marks.append(mark)
        self.edit.setExtraSelections(marks)

    # -- editing ---------------------------------------------------------------------------

    def is_modified(self) -> bool:
        return self._modified

    def text(self) -> str:
        """The edited text in the file's own line breaks and characters."""
        raw = self.edit.document().toRawText()
        return self._dropped + restore_text(self._text, raw, self._newline)

    def planned_bytes(self) -> bytes:
        return (BOM if self._bom else b"") + self.text().encode("utf-8")

    def check(self) -> Entry | None:
        """Parse the text as it stands: the entry it makes, or None (the error is shown)."""
        self._timer.stop()
        if self.path is None:
            return None
        try:
            entry = parse_entry(self.planned_bytes(), self.path)
        except ContentError as exc:
            self._show_error(exc)
            return None
        self._show_error(None)
        return entry

    def _on_text_changed(self) -> None:
        self._set_modified(self.edit.document().toRawText() != self._loaded_raw)
        self._timer.start()

    def _set_modified(self, modified: bool) -> None:
        if modified != self._modified:
            self._modified = modified
            self.modified_changed.emit(modified)

    def revert(self) -> None:
        """Back to the text as loaded."""
        self.edit.setPlainText(self._dropped + self._text)
        self._set_modified(False)
        self.check()

    def forget(self) -> None:
        """Nothing shown: the next file starts afresh."""
        self.path = None
        self._set_modified(False)

    # -- saving ----------------------------------------------------------------------------

    def save(self, before_write: Callable[[Path, str], None] | None = None) -> Path:
        """Write the text if it parses; raises ``ParseError`` when it does not (nothing is
        written), ``ConflictError`` when the file changed on disk since it was loaded."""
        if self.path is None or self._fingerprint is None:
            raise ReadOnlyError("the file cannot be shown as text", self.path)
        path = self.path
        if self.check() is None:
            assert self.error is not None
            error = self.error
            message = f"it still does not parse: {error.message}"
            raise ParseError(message, path, error.line, error.column)
        data = self.planned_bytes()
        if before_write is not None:
            before_write(path, fingerprint(data))
        atomic_write(path, data, expected_fingerprint=self._fingerprint)
        self._fingerprint = fingerprint(data)
        self._set_modified(False)
        return path

    def save_asking(
        self, parent: QWidget, before_write: Callable[[Path, str], None] | None = None
    ) -> bool:
        """Save, telling the user why when it cannot be; True when written."""
        try:
            self.save(before_write)
        except ContentError as exc:
            dialogs.error(parent, "Could not save", f"{exc}\n\nNothing was written.")
            return False
        return True

    def resolve_leaving(
        self, parent: QWidget, before_write: Callable[[Path, str], None] | None = None
    ) -> bool:
        """Before another entry, folder or closing: save or drop the edits. True: go on."""
        if not self._modified or self.path is None:
            return True
        if self.check() is not None:
            answer = dialogs.ask_save(parent, [self.path.name])
            if answer == "cancel":
                return False
            if answer == "save":
                return self.save_asking(parent, before_write)
        else:
            assert self.error is not None
            choice = dialogs.choose(
                parent,
                "The file still does not parse",
                f"{self.path.name} does not parse yet ({describe_error(self.error)}), so "
                "your edits cannot be saved.\n\nDiscard them and keep the file as it was?",
                [KEEP_EDITING, DISCARD],
                default=KEEP_EDITING,
                escape=KEEP_EDITING,
            )
            if choice != DISCARD:
                return False
        self.revert()
        return True

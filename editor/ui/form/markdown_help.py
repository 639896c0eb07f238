"""Markdown help in multi-line Markdown fields: shortcuts, a small toolbar, smart paste.

Ctrl+B bold, Ctrl+I italic, Ctrl+E code, Ctrl+K link wrap the selection (again on
wrapped text: unwrap). "Insert link to entry…" completes over the folder's titles and
writes ``[text](url)`` with that entry's URL. Pasting a URL over selected text makes it
a link; Enter in a list item starts the next item (on an empty item: ends the list).

Every change goes through one ``QTextCursor`` edit block, so it is one undo step and
reaches the field as typing does (the field's own text restoring applies).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QMimeData, QObject, QStringListModel, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

Entries = Callable[[], Sequence[tuple[str, str]]]  # (url, title) of every entry

_URL = re.compile(r"^(?:https?://|mailto:|/)\S+$")
_LIST_ITEM = re.compile(r"^(\s*(?:>\s*)*)([-*+]|\d{1,9}[.)])(\s+)(\[[ xX]\]\s+)?(.*)$")
SEPARATOR = " — "

# key -> (action name, markers); the link is its own case
SHORTCUTS: dict[str, tuple[str, str]] = {
    "Ctrl+B": ("Bold", "**"),
    "Ctrl+I": ("Italic", "*"),
    "Ctrl+E": ("Code", "`"),
}
LINK_KEYS = "Ctrl+K"


def is_url(text: str) -> bool:
    return bool(_URL.match(text.strip())) and "\n" not in text.strip()


def toggle_wrap(edit: QPlainTextEdit, marker: str) -> None:
    """Wrap the selection in ``marker`` (or unwrap it); no selection: an empty pair."""
    cursor = edit.textCursor()
    start, end = cursor.selectionStart(), cursor.selectionEnd()
    text = cursor.selectedText()
    n = len(marker)
    before = _text_between(edit, start - n, start)
    after = _text_between(edit, end, end + n)
    cursor.beginEditBlock()
    if text and text.startswith(marker) and text.endswith(marker) and len(text) >= 2 * n:
        cursor.insertText(text[n:-n])
        cursor.setPosition(start)
        cursor.setPosition(end - 2 * n, QTextCursor.MoveMode.KeepAnchor)
    elif text and before == marker and after == marker:
        cursor.setPosition(start - n)
        cursor.setPosition(end + n, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(text)
        cursor.setPosition(start - n)
        cursor.setPosition(end - n, QTextCursor.MoveMode.KeepAnchor)
    elif marker == "`" and "\u2029" in text:  # several lines of code: a fence
        cursor.insertText(f"```\n{text}\n```".replace("\u2029", "\n"))
    else:
        cursor.insertText(f"{marker}{text}{marker}")
        cursor.setPosition(start + n)
        cursor.setPosition(start + n + len(text), QTextCursor.MoveMode.KeepAnchor)
    cursor.endEditBlock()
    edit.setTextCursor(cursor)


def _text_between(edit: QPlainTextEdit, start: int, end: int) -> str:
    if start < 0:
        return ""
    cursor = QTextCursor(edit.document())
    last = edit.document().characterCount() - 1
    if end > last:
        return ""
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText()


def insert_link(edit: QPlainTextEdit, url: str = "", label: str | None = None) -> None:
    """``[selection](url)``; with no URL, the placeholder ``https://`` is left selected."""
    cursor = edit.textCursor()
    text = cursor.selectedText().replace("\u2029", " ")
    text = text or label or ""
    target = url or "https://"
    cursor.beginEditBlock()
    start = cursor.selectionStart()
    cursor.insertText(f"[{text}]({target})")
    cursor.endEditBlock()
    if not url:
        url_start = start + len(text) + 3
        cursor.setPosition(url_start)
        cursor.setPosition(url_start + len(target), QTextCursor.MoveMode.KeepAnchor)
    elif not text:
        cursor.setPosition(start + 1)
    edit.setTextCursor(cursor)


def continue_list(edit: QPlainTextEdit) -> bool:
    """Enter in a list item: start the next item; in an empty one, end the list.
    False when the cursor is not in a list item (the key is then Qt's)."""
    cursor = edit.textCursor()
    if cursor.hasSelection():
        return False
    block = cursor.block()
    line = block.text()
    column = cursor.positionInBlock()
    match = _LIST_ITEM.match(line)
    if match is None or column < match.start(5):
        return False
    indent, bullet, space, task, content = match.groups()
    cursor.beginEditBlock()
    if not content.strip() and column == len(line):
        cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
    else:
        if bullet[0].isdigit():
            bullet = f"{int(bullet[:-1]) + 1}{bullet[-1]}"
        cursor.insertBlock()
        cursor.insertText(f"{indent}{bullet}{space}{'[ ] ' if task else ''}")
    cursor.endEditBlock()
    edit.setTextCursor(cursor)
    return True


def paste_link(edit: QPlainTextEdit, source: QMimeData) -> bool:
    """A URL pasted over selected text on one line becomes ``[text](url)``."""
    cursor = edit.textCursor()
    if not source.hasText() or not cursor.hasSelection():
        return False
    url = source.text().strip()
    if not is_url(url) or "\u2029" in cursor.selectedText():
        return False
    insert_link(edit, url)
    return True


class EntryLinkDialog(QDialog):
    """Asks for an entry by title (completion over every title) and gives its URL."""

    def __init__(self, entries: Sequence[tuple[str, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Insert link to entry")
        self._by_text: dict[str, tuple[str, str]] = {}
        for url, title in entries:
            self._by_text[f"{title}{SEPARATOR}{url}" if title else url] = (url, title)
            if title:
                self._by_text.setdefault(title.casefold(), (url, title))
        self.line = QLineEdit()
        self.line.setAccessibleName("Entry title")
        self.line.setPlaceholderText("Type a title…")
        model = QStringListModel([k for k in self._by_text if SEPARATOR in k or "/" in k], self)
        completer = QCompleter(model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.line.setCompleter(completer)
        self.message = QLabel("The link points at the entry's URL.")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Insert")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        label = QLabel("&Entry:")
        label.setBuddy(self.line)
        layout.addWidget(label)
        layout.addWidget(self.line)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.line.textChanged.connect(self._update)
        self.setMinimumWidth(460)
        self._update()

    def chosen(self) -> tuple[str, str] | None:
        """(url, title) of the entry typed or picked, or None."""
        text = self.line.text().strip()
        return self._by_text.get(text) or self._by_text.get(text.casefold())

    def _update(self) -> None:
        found = self.chosen()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(found is not None)
        if found is not None:
            self.message.setText(f"Links to {found[0]}")
        elif self.line.text().strip():
            self.message.setText("No entry with this title.")
        else:
            self.message.setText("The link points at the entry's URL.")


class MarkdownHelp(QObject):
    """Shortcuts, toolbar and smart Enter/paste for one plain-text Markdown editor."""

    def __init__(
        self,
        edit: QPlainTextEdit,
        entries: Entries,
        ask_entry: Callable[[QWidget, Sequence[tuple[str, str]]], tuple[str, str] | None]
        | None = None,
    ) -> None:
        super().__init__(edit)
        self.edit = edit
        self.entries = entries
        self.ask_entry = ask_entry or _ask_entry
        self.toolbar = self._build_toolbar()
        edit.installEventFilter(self)
        if hasattr(edit, "mime_filter"):
            edit.mime_filter = lambda source: not edit.isReadOnly() and paste_link(edit, source)

    def _build_toolbar(self) -> QToolBar:
        bar = QToolBar()
        bar.setAccessibleName("Markdown formatting")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.setStyleSheet("QToolBar { border: 0; spacing: 1px; padding: 0; }")
        items: list[tuple[str, str, Callable[[], None], str]] = [
            ("B", "Bold", lambda: self._wrap("**"), "Ctrl+B"),
            ("I", "Italic", lambda: self._wrap("*"), "Ctrl+I"),
            ("</>", "Code", lambda: self._wrap("`"), "Ctrl+E"),
            ("Link", "Link", self.link, LINK_KEYS),
            ("Entry…", "Insert link to entry…", self.link_to_entry, ""),
        ]
        self.actions: dict[str, QAction] = {}
        for text, name, slot, keys in items:
            action = QAction(text, bar)
            action.setIconText(text)  # kept as given: Qt drops a trailing "…" otherwise
            tip = f"{name} ({QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)})"
            action.setToolTip(tip if keys else name)
            action.triggered.connect(slot)
            bar.addAction(action)
            button = bar.widgetForAction(action)
            button.setAccessibleName(name)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes field to field
            font = button.font()
            font.setBold(text == "B")
            font.setItalic(text == "I")
            button.setFont(font)
            self.actions[name] = action
        return bar

    def set_read_only(self, read_only: bool) -> None:
        self.toolbar.setEnabled(not read_only)

    def _editable(self) -> bool:
        return not self.edit.isReadOnly()

    def _wrap(self, marker: str) -> None:
        if self._editable():
            toggle_wrap(self.edit, marker)
            self.edit.setFocus()

    def link(self) -> None:
        if self._editable():
            insert_link(self.edit)
            self.edit.setFocus()

    def link_to_entry(self) -> None:
        if not self._editable():
            return
        chosen = self.ask_entry(self.edit, list(self.entries()))
        if chosen is not None:
            url, title = chosen
            insert_link(self.edit, url, title)
        self.edit.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.edit and isinstance(event, QKeyEvent) and self._editable():
            combo = event.keyCombination().toCombined()
            keys = QKeySequence(combo).toString(QKeySequence.SequenceFormat.PortableText)
            if kind == QEvent.Type.ShortcutOverride and keys in (*SHORTCUTS, LINK_KEYS):
                event.accept()  # ours while the field has focus, not a window action's
                return True
            if kind == QEvent.Type.KeyPress:
                if keys in SHORTCUTS:
                    self._wrap(SHORTCUTS[keys][1])
                    return True
                if keys == LINK_KEYS:
                    self.link()
                    return True
                if (
                    event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                    and event.modifiers() == Qt.KeyboardModifier.NoModifier
                ):
                    return continue_list(self.edit)
        return super().eventFilter(watched, event)


def _ask_entry(parent: QWidget, entries: Sequence[tuple[str, str]]) -> tuple[str, str] | None:
    dialog = EntryLinkDialog(entries, parent)
    try:
        return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()


def place_toolbar(box: QWidget, toolbar: QToolBar, hint: QLabel | None) -> None:
    """Put the toolbar under the editor, on the hint's row (left; the hint stays right)."""
    layout = box.layout()
    if not isinstance(layout, QVBoxLayout):
        return
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.setSizeConstraint(QLayout.SizeConstraint.SetDefaultConstraint)
    row.addWidget(toolbar)
    row.addStretch(1)
    if hint is not None:
        layout.removeWidget(hint)
        row.addWidget(hint, 0, Qt.AlignmentFlag.AlignVCenter)
    layout.addLayout(row)


def install(
    edit: QPlainTextEdit, box: QWidget, hint: QLabel | None, entries: Entries
) -> MarkdownHelp | None:
    """Markdown help for ``edit`` (once); the toolbar goes into ``box`` beside ``hint``."""
    if edit.property("markdownHelp"):
        return None
    edit.setProperty("markdownHelp", True)
    helper = MarkdownHelp(edit, entries)
    place_toolbar(box, helper.toolbar, hint)
    return helper

"""One editor per schema field kind, each able to say whether the user changed it.

The byte-preserving writer diffs the form's data against the file, so an editor never
reports a value it merely displayed: it remembers what it showed on load and counts as
modified only when its widget now holds something else. ``value()`` keeps the loaded
Python type where it can (``int`` vs ``float``, ``datetime.date``, list items that were
not strings) so an untouched field round-trips as the very same object.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QDate, QMimeData, QObject, QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QPalette, QRegularExpressionValidator, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from editor.content.render import has_literal_newlines
from editor.content.schema import Field
from editor.ui.widget_text import dropped_prefix, restore_text

TEXT_KINDS = frozenset({"line", "text", "markdown"})
NO_DATE = QDate(1752, 9, 14)  # QDateEdit's own minimum, shown as "Not set"
_LINE_MAX = 32767  # QLineEdit's default maximum length
_NUMBER_RE = QRegularExpression(r"^[-+]?(\d+(\.\d*)?|\.\d+)?([eE][-+]?\d+)?$")


class FieldEditor(QObject):
    """Base of all field editors: load without signalling, report user edits via ``changed``."""

    changed = Signal()
    widget: QWidget  # what the form puts in the field's row; set by each subclass

    def __init__(self, field: Field) -> None:
        super().__init__()
        self.field = field
        self._original: Any = None
        self._present = False
        self._loaded: Any = None
        self._loading = False
        self._read_only = False

    # -- subclass hooks ----------------------------------------------------------------
    def _fill(self, value: Any) -> None:
        """Show ``value`` (None when the key is absent)."""
        raise NotImplementedError

    def _snapshot(self) -> Any:
        """A comparable picture of what the widget holds now."""
        raise NotImplementedError

    def _current(self) -> Any:
        """The widget's value, typed like the loaded one where possible."""
        raise NotImplementedError

    def focus_widget(self) -> QWidget:
        return self.widget

    def focus_widgets(self) -> list[QWidget]:
        """Widgets in tab order (several for compound editors)."""
        return [self.focus_widget()]

    # -- public ------------------------------------------------------------------------
    def load(self, value: Any, present: bool = True) -> None:
        self._original, self._present = value, present
        self._loading = True
        try:
            self._fill(value if present else None)
        finally:
            self._loading = False
        self._loaded = self._snapshot()

    def is_modified(self) -> bool:
        return bool(self._snapshot() != self._loaded)

    def value(self) -> Any:
        """The loaded object itself while unmodified, else the widget's value."""
        if not self.is_modified():
            return self._original
        return self._current()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only

    def focus(self, rest: str = "") -> QWidget | None:
        """Give keyboard focus to the field (``rest`` addresses a part of a compound one)."""
        widget = self.focus_widget()
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return widget

    def _user_changed(self, *_: object) -> None:
        if not self._loading:
            self.changed.emit()


def copy_tree(value: Any) -> Any:
    """Deep copy of the containers only: scalars (``date`` included) stay the same objects.

    ``copy.deepcopy`` would clone ``datetime.date`` values; keeping the loaded objects lets
    callers (and the writer) see untouched values as exactly what they loaded.
    """
    if isinstance(value, Mapping):
        return {k: copy_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_tree(v) for v in value]
    return value


def _as_text(value: Any) -> str:
    return "" if value is None else str(value)


class LineEditor(FieldEditor):
    """``line``: a QLineEdit; non-string scalars are shown as text and kept until edited."""

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.edit = QLineEdit()
        self.edit.setClearButtonEnabled(False)
        self._dropped = ""
        self.widget = self.edit
        self.edit.textChanged.connect(self._user_changed)

    def _fill(self, value: Any) -> None:
        text = _as_text(value)
        self.edit.setMaxLength(max(_LINE_MAX, len(text)))  # Qt's default cuts at 32767
        self.edit.setText(text)  # also clears the undo history
        self.edit.setCursorPosition(0)
        self._dropped = dropped_prefix(text, self.edit.text(), blocks=False)

    def _snapshot(self) -> str:
        return self.edit.text()

    def _current(self) -> str:
        return self.text()

    def text(self) -> str:
        """What the field holds (QLineEdit keeps every character but a leading U+FEFF)."""
        return self._dropped + self.edit.text()

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.edit.setReadOnly(read_only)


class GrowingTextEdit(QPlainTextEdit):
    """A plain-text editor as tall as its content, from ``min_lines`` up to ``max_lines``."""

    def __init__(self, min_lines: int = 3, max_lines: int = 14) -> None:
        super().__init__()
        self._min_lines, self._max_lines = min_lines, max_lines
        self._fitting = False
        self.setTabChangesFocus(True)  # Tab moves through the form, as in every other field
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self._fit)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        # Lines are wrapped lazily, when shown, and the scroll range changes when they are.
        # Resizing from inside the editor's own scroll-bar update leaves its layout stale,
        # so that case (and resizes) refit once control is back in the event loop.
        self.verticalScrollBar().rangeChanged.connect(self._fit_timer.start)
        self._fit()

    def visible_lines(self) -> int:
        lines = math.ceil(self.document().documentLayout().documentSize().height())
        return max(self._min_lines, min(self._max_lines, lines))

    def _fit(self, *_: object) -> None:
        if self._fitting:
            return
        margins = self.contentsMargins()
        doc_margin = self.document().documentMargin()
        height = (
            self.visible_lines() * self.fontMetrics().lineSpacing()
            + math.ceil(2 * doc_margin)
            + 2 * self.frameWidth()
            + margins.top()
            + margins.bottom()
            + 2  # QPlainTextEdit wants a pixel or two more before it drops the scroll bar
        )
        if height != self.height():
            self._fitting = True
            try:
                self.setFixedHeight(height)
            finally:
                self._fitting = False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit_timer.start()

    # Writing help (markdown_help.py) turns a URL pasted over a selection into a link.
    mime_filter: Callable[[QMimeData], bool] | None = None

    def insertFromMimeData(self, source: QMimeData) -> None:
        if self.mime_filter is None or not self.mime_filter(source):
            super().insertFromMimeData(source)


class TextEditor(FieldEditor):
    """``text`` / ``markdown``: a growing plain-text editor (Markdown gets a small hint).

    The Q&A answers hold literal ``\\n`` sequences in place of line breaks (a folded
    scalar does not process escapes). Editing ``...\\n\\n### Heading\\n- item`` on one
    line is miserable, so such a value is shown with real line breaks and turned back
    into ``\\n`` sequences on the way out. That is exact both ways because the value
    held no real line break to begin with (see ``render.has_literal_newlines``).

    The text comes back through :func:`widget_text.restore_text`, so the widget's own
    rewriting (NBSP to space, U+2028 and CRLF to LF) never reaches the file.
    """

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.edit = GrowingTextEdit()
        self.edit.textChanged.connect(self._user_changed)
        self.literal_newlines = False
        self._shown = ""  # the text the widget took, whose characters come back
        self._dropped = ""  # and the start of it the widget would not take
        # The break a typed Enter makes where the text has none of its own (the body of
        # a CRLF file: "\r\n"); None: the text's usual break.
        self.newline: str | None = None
        self.widget = self.edit
        self._hint: QLabel | None = None
        if field.kind == "markdown":
            self.widget, self._hint = _with_hint(self.edit, MARKDOWN_HINT)

    def focus_widget(self) -> QWidget:
        return self.edit

    def _fill(self, value: Any) -> None:
        text = _as_text(value)
        self.literal_newlines = has_literal_newlines(text)
        if self.literal_newlines:
            text = text.replace("\\n", "\n")
        if self._hint is not None:
            self._hint.setText(LITERAL_HINT if self.literal_newlines else MARKDOWN_HINT)
        self.edit.setPlainText(text)  # also clears the undo history
        self._dropped = dropped_prefix(text, self.edit.document().toRawText())
        self._shown = text[len(self._dropped) :]

    def _snapshot(self) -> str:
        return self.edit.document().toRawText()

    def _current(self) -> str:
        text = self.text()
        return text.replace("\n", "\\n") if self.literal_newlines else text

    def text(self) -> str:
        """What the editor holds, in the loaded text's own characters and line breaks."""
        newline = "\n" if self.literal_newlines else self.newline
        raw = self.edit.document().toRawText()
        return self._dropped + restore_text(self._shown, raw, newline)

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.edit.setReadOnly(read_only)


MARKDOWN_HINT = "Markdown"
LITERAL_HINT = "Markdown · line breaks are saved as \\n"


def _with_hint(editor: QWidget, hint: str) -> tuple[QWidget, QLabel]:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(1)
    layout.addWidget(editor)
    label = QLabel(hint)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    font = label.font()
    font.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
    label.setFont(font)
    layout.addWidget(label, 0, Qt.AlignmentFlag.AlignRight)
    return box, label


class DateEditor(FieldEditor):
    """``date``: QDateEdit with a calendar; an absent date shows "Not set" and stays absent."""

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setMinimumDate(NO_DATE)
        self.edit.setSpecialValueText("Not set")
        self.edit.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self._last = self.edit.date()
        self.edit.dateChanged.connect(self._date_changed)
        self.widget = self.edit

    def _date_changed(self, qdate: QDate) -> None:
        # Stepping out of "Not set" with the keyboard lands next to 1752: go to today.
        previous, self._last = self._last, qdate
        stepped = previous == NO_DATE and qdate.year() <= NO_DATE.year() + 1
        if not self._loading and qdate != NO_DATE and stepped:
            self.edit.setDate(QDate.currentDate())
            return
        self._user_changed()

    def _fill(self, value: Any) -> None:
        day = _to_date(value)
        self.edit.setDate(QDate(day.year, day.month, day.day) if day else NO_DATE)
        if day is None:
            today = dt.date.today()
            self.edit.calendarWidget().setCurrentPage(today.year, today.month)

    def _snapshot(self) -> QDate:
        return self.edit.date()

    def _current(self) -> Any:
        qdate = self.edit.date()
        if qdate == NO_DATE:
            return ""
        day = dt.date(qdate.year(), qdate.month(), qdate.day())
        original = self._original
        if isinstance(original, dt.datetime):
            return original.replace(year=day.year, month=day.month, day=day.day)
        if isinstance(original, str):
            return day.isoformat()
        return day

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.edit.setReadOnly(read_only)
        self.edit.setCalendarPopup(not read_only)


def _to_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


class NumberEditor(FieldEditor):
    """``number``: a validated QLineEdit, so ``-1.0`` stays a float and ``7`` an int."""

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.edit = QLineEdit()
        self.edit.setValidator(QRegularExpressionValidator(_NUMBER_RE, self.edit))
        self.edit.setMaximumWidth(self.edit.fontMetrics().horizontalAdvance("0") * 18 + 16)
        self.edit.textChanged.connect(self._user_changed)
        self.widget = self.edit

    def _fill(self, value: Any) -> None:
        self.edit.setText(_as_text(value))

    def _snapshot(self) -> str:
        return self.edit.text()

    def _current(self) -> Any:
        text = self.edit.text().strip()
        if not text:
            return ""
        want_float = isinstance(self._original, float)
        try:
            return float(text) if want_float else int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                return text  # unfinished input ("-"): kept as typed rather than lost

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.edit.setReadOnly(read_only)


class BooleanEditor(FieldEditor):
    """``boolean``: a check box; an absent key stays absent unless it is ticked."""

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.box = QCheckBox()
        self.box.toggled.connect(self._user_changed)
        self.widget = self.box

    def _fill(self, value: Any) -> None:
        self.box.setChecked(bool(value))

    def _snapshot(self) -> bool:
        return self.box.isChecked()

    def _current(self) -> bool:
        return self.box.isChecked()

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        # A disabled check box is the only read-only state Qt draws.
        self.box.setEnabled(not read_only)


class ValueViewer(FieldEditor):
    """A value no editor fits (e.g. a mapping inside an FAQ item): shown, kept, not edited."""

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.widget = self.label

    def _fill(self, value: Any) -> None:
        self.label.setText("" if value is None else repr(value))

    def _snapshot(self) -> None:
        return None

    def _current(self) -> Any:
        return self._original


ROLE_ORIGINAL = Qt.ItemDataRole.UserRole + 1


class StringListEditor(FieldEditor):
    """``strings``: a compact list (double-click to edit, drag to reorder) with an add line."""

    add_placeholder = "Add an item and press Enter"

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.widget = QWidget()
        layout = QVBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.list = QListWidget()
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.list.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        layout.addWidget(self.list)
        row = QHBoxLayout()
        row.setSpacing(4)
        self.add_edit = QLineEdit()
        self.add_edit.setPlaceholderText(self.add_placeholder)
        self.add_edit.setAccessibleName(f"Add to {field.label}")
        self.add_button = QPushButton("Add")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the selected item (Delete)")
        row.addWidget(self.add_edit, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        layout.addLayout(row)
        self.add_edit.returnPressed.connect(self._add_from_line)
        self.add_button.clicked.connect(self._add_from_line)
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.itemChanged.connect(self._item_changed)
        self.list.model().rowsMoved.connect(self._user_changed)
        self._fit()

    def focus_widget(self) -> QWidget:
        return self.list

    def focus_widgets(self) -> list[QWidget]:
        return [self.list, self.add_edit, self.add_button, self.remove_button]

    def _fill(self, value: Any) -> None:
        self.list.clear()
        items = value if isinstance(value, list) else ([] if value is None else [value])
        for item in items:
            self._append(_as_text(item), item)
        self._fit()

    def _append(self, text: str, original: Any = None) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setData(ROLE_ORIGINAL, (original,))  # a tuple survives None round-trips
        flags = item.flags() | Qt.ItemFlag.ItemIsDragEnabled
        if not self._read_only:
            flags |= Qt.ItemFlag.ItemIsEditable
        item.setFlags(flags & ~Qt.ItemFlag.ItemIsDropEnabled)
        self.list.addItem(item)
        self._decorate(item)
        return item

    def _decorate(self, item: QListWidgetItem) -> None:
        """Hook for subclasses (the related editor flags broken links)."""

    def texts(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _snapshot(self) -> list[str]:
        return self.texts()

    def _current(self) -> list[Any]:
        out: list[Any] = []
        for i in range(self.list.count()):
            item = self.list.item(i)
            (original,) = item.data(ROLE_ORIGINAL) or (None,)
            out.append(
                original
                if original is not None and _as_text(original) == item.text()
                else item.text()
            )
        return out

    def add(self, text: str) -> None:
        """Append an item as the user would (emits ``changed``)."""
        text = text.strip()
        if not text or self._read_only:
            return
        self.list.blockSignals(True)
        try:
            item = self._append(text)
        finally:
            self.list.blockSignals(False)
        self.list.setCurrentItem(item)
        self._fit()
        self._user_changed()

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if row < 0 or self._read_only:
            return
        self.list.takeItem(row)
        self._fit()
        self._user_changed()

    def _add_from_line(self) -> None:
        self.add(self.add_edit.text())
        self.add_edit.clear()

    def _item_changed(self, item: QListWidgetItem) -> None:
        self._decorate(item)
        self._user_changed()

    def _fit(self) -> None:
        rows = max(1, min(6, self.list.count()))
        row_height = self.list.sizeHintForRow(0) if self.list.count() else 0
        row_height = max(row_height, self.list.fontMetrics().height() + 4)
        self.list.setFixedHeight(rows * row_height + 2 * self.list.frameWidth() + 2)

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        for widget in (self.add_edit, self.add_button, self.remove_button):
            widget.setEnabled(not read_only)
        self.list.setDragDropMode(
            QAbstractItemView.DragDropMode.NoDragDrop
            if read_only
            else QAbstractItemView.DragDropMode.InternalMove
        )
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.NoEditTriggers
            if read_only
            else QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )


def describe(field: Field, editor: FieldEditor, label: str | None = None) -> None:
    """Accessible name, help as placeholder and tooltip — the same for every editor."""
    name = label or field.label
    for widget in (editor.focus_widget(), editor.widget):
        widget.setAccessibleName(name)
        if field.help:
            widget.setToolTip(field.help)
    target = editor.focus_widget()
    if field.help and isinstance(target, QLineEdit | QPlainTextEdit):
        target.setPlaceholderText(field.help)

"""The ``tags`` editor: removable chips that wrap like words, and a line that completes.

Qt has no flowing layout, so :class:`FlowLayout` lays the chips out left to right and
wraps them; the editor keeps the :class:`~editor.ui.form.fields.FieldEditor` contract
(an untouched field gives back the very list it was loaded with).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QCompleter,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.content.schema import Field
from editor.ui.form.fields import FieldEditor
from editor.ui.form.typed_parts import choices, compact, value_text


class FlowLayout(QLayout):
    """Lays widgets out left to right, wrapping like words (Qt has no such layout)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        width = self.geometry().width()
        if width <= 0:
            return self.minimumSize()
        return QSize(width, self.heightForWidth(width))

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        x, y, line = rect.x(), rect.y(), 0
        gap = self.spacing()
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > rect.right() and line > 0:
                x, y, line = rect.x(), y + line + gap, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + gap
            line = max(line, hint.height())
        return y + line - rect.y()


class TagsEditor(FieldEditor):
    """``tags``: removable chips and a line that completes from known values (Enter adds)."""

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.widget = compact(QWidget())
        outer = QVBoxLayout(self.widget)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        self.chips_box = QWidget()
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        policy.setHeightForWidth(True)
        self.chips_box.setSizePolicy(policy)
        self.chips = FlowLayout(self.chips_box)
        outer.addWidget(self.chips_box)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Add a tag and press Enter")
        self.edit.setAccessibleName(f"Add to {field.label}")
        self.edit.returnPressed.connect(self._add_from_line)
        outer.addWidget(self.edit)
        self._tags: list[Any] = []
        self._corpus: list[Any] = []
        self._update_completer()

    def focus_widget(self) -> QWidget:
        return self.edit

    def set_corpus_values(self, values: Sequence[Any]) -> None:
        self._corpus = list(values)
        self._update_completer()

    def _update_completer(self) -> None:
        words = [label for _, label in choices(self.field, self._corpus)]
        completer = QCompleter(words, self.edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.edit.setCompleter(completer)

    def _fill(self, value: Any) -> None:
        items = value if isinstance(value, list) else ([] if value in (None, "") else [value])
        self._tags = list(items)
        self._redraw()

    def _redraw(self) -> None:
        while self.chips.count():
            item = self.chips.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for index, tag in enumerate(self._tags):
            chip = QToolButton()
            chip.setText(f"{value_text(tag)}  ✕")
            chip.setToolTip(f"Remove {value_text(tag)!r}")
            chip.setAccessibleName(f"Remove tag {value_text(tag)}")
            chip.setAutoRaise(False)
            chip.setEnabled(not self._read_only)
            chip.clicked.connect(lambda _=False, i=index: self.remove(i))
            self.chips.addWidget(chip)
        self.chips_box.setVisible(bool(self._tags))
        self.chips_box.updateGeometry()

    def tags(self) -> list[str]:
        return [value_text(t) for t in self._tags]

    def _snapshot(self) -> list[str]:
        return self.tags()

    def _current(self) -> list[Any]:
        return list(self._tags)

    def add(self, text: str) -> None:
        """Add a tag as the user would; an existing one is not added twice."""
        text = text.strip()
        if not text or self._read_only or text in self.tags():
            return
        self._tags.append(text)
        self._redraw()
        self._user_changed()

    def remove(self, index: int) -> None:
        if self._read_only or not 0 <= index < len(self._tags):
            return
        del self._tags[index]
        self._redraw()
        self._user_changed()

    def _add_from_line(self) -> None:
        self.add(self.edit.text())
        self.edit.clear()

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.edit.setReadOnly(read_only)
        self._redraw()

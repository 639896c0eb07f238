"""Select and multi-select editors: a field's options plus the values other entries use.

Each keeps the :class:`~editor.ui.form.fields.FieldEditor` contract: an untouched field
gives back the very object it was loaded with, so the byte-preserving writer rewrites
nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
)

from editor.content.schema import Field
from editor.ui.form.fields import FieldEditor
from editor.ui.form.typed_parts import NONE_TEXT, choices, value_text


class SelectEditor(FieldEditor):
    """``select``: a drop-down of the options (editable unless only they are allowed)."""

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.combo = QComboBox()
        self.combo.setEditable(not field.strict_options)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self._corpus: list[Any] = []
        self.combo.currentIndexChanged.connect(self._user_changed)
        self.combo.editTextChanged.connect(self._user_changed)
        self.widget = self.combo

    def set_corpus_values(self, values: Sequence[Any]) -> None:
        """Values other entries use, offered after the declared options."""
        self._corpus = list(values)
        if not self.is_modified():
            self.load(self._original, self._present)

    def _fill(self, value: Any) -> None:
        self.combo.clear()
        self.combo.addItem(NONE_TEXT, None)
        current = [value] if value not in (None, "") else []
        for option, label in choices(self.field, [*current, *self._corpus]):
            self.combo.addItem(label, option)
        index = 0 if value in (None, "") else self.combo.findData(value)
        if index < 0:
            index = next(
                (
                    i
                    for i in range(self.combo.count())
                    if value_text(self.combo.itemData(i)) == value_text(value)
                ),
                0,
            )
        self.combo.setCurrentIndex(index)

    def _snapshot(self) -> tuple[int, str]:
        return self.combo.currentIndex(), self.combo.currentText()

    def _current(self) -> Any:
        text = self.combo.currentText()
        index = self.combo.currentIndex()
        if index >= 0 and self.combo.itemText(index) == text:
            data = self.combo.itemData(index)
            return "" if data is None else data
        return text  # typed into an editable select

    def choose(self, value: Any) -> None:
        """Pick ``value`` as the user would."""
        wanted = value_text(value)
        count = self.combo.count()
        index = next((i for i in range(count) if value_text(self.combo.itemData(i)) == wanted), -1)
        self.combo.setCurrentIndex(index)

    def options(self) -> list[str]:
        return [self.combo.itemText(i) for i in range(self.combo.count())]

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.combo.setEnabled(not read_only)


class MultiSelectEditor(FieldEditor):
    """``multiselect``: the options as a list of check boxes; order kept as in the file."""

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.list.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.list.itemChanged.connect(self._user_changed)
        self._corpus: list[Any] = []
        self._order: list[str] = []
        self.widget = self.list

    def set_corpus_values(self, values: Sequence[Any]) -> None:
        self._corpus = list(values)
        if not self.is_modified():
            self.load(self._original, self._present)

    def _fill(self, value: Any) -> None:
        chosen = value if isinstance(value, list) else ([] if value in (None, "") else [value])
        self._order = [value_text(v) for v in chosen]
        self.list.clear()
        for option, label in choices(self.field, [*chosen, *self._corpus]):
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, (option,))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = value_text(option) in self._order
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        rows = max(1, min(6, self.list.count()))
        height = max(self.list.sizeHintForRow(0), self.list.fontMetrics().height() + 4)
        self.list.setFixedHeight(rows * height + 2 * self.list.frameWidth() + 2)

    def _checked(self) -> list[Any]:
        out = []
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(Qt.ItemDataRole.UserRole)[0])
        return out

    def _snapshot(self) -> list[str]:
        return sorted(value_text(v) for v in self._checked())

    def _current(self) -> list[Any]:
        checked = self._checked()
        rank = {text: i for i, text in enumerate(self._order)}
        return sorted(checked, key=lambda v: rank.get(value_text(v), len(rank)))

    def set_checked(self, value: Any, checked: bool = True) -> None:
        """Tick or untick an option as the user would."""
        for i in range(self.list.count()):
            item = self.list.item(i)
            if value_text(item.data(Qt.ItemDataRole.UserRole)[0]) == value_text(value):
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.list.setEnabled(not read_only)

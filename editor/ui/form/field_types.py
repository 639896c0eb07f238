"""Editors for the typed inputs a site's configuration declares.

Select and multi-select (from the field's options, plus the values other entries use),
tags, date-time, URL, colour, image/file (thumbnail, and a picker that copies the file
into the site's uploads folder under a slugged name) and range. Each keeps the
:class:`~editor.ui.form.fields.FieldEditor` contract: an untouched field gives back the very
object it was loaded with, so the byte-preserving writer rewrites nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDateTime, QPoint, QRect, QSize, Qt, QTime
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.content.errors import ContentError
from editor.content.schema import Field
from editor.content.site.uploads import copy_into_uploads, local_file
from editor.ui import dialogs
from editor.ui.form.fields import NO_DATE, FieldEditor, LineEditor, ValueViewer

NONE_TEXT = "(none)"
_IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.gif *.webp *.svg *.avif);;All files (*)"
_THUMB = 96


def _compact(widget: QWidget) -> QWidget:
    """No taller than it needs: a short form's spare height must not pile up in a field."""
    widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
    return widget


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _choices(field: Field, extra: Iterable[Any] = ()) -> list[tuple[Any, str]]:
    """(value, label) for the field's options, then other values seen, without repeats."""
    seen: set[str] = set()
    out: list[tuple[Any, str]] = []
    labels = field.option_labels or tuple(map(_text, field.options))
    for value, label in zip(field.options, labels, strict=False):
        if _text(value) not in seen:
            seen.add(_text(value))
            out.append((value, label))
    for value in extra:
        if value is not None and _text(value) and _text(value) not in seen:
            seen.add(_text(value))
            out.append((value, _text(value)))
    return out


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
        for option, label in _choices(self.field, [*current, *self._corpus]):
            self.combo.addItem(label, option)
        index = 0 if value in (None, "") else self.combo.findData(value)
        if index < 0:
            index = next(
                (
                    i
                    for i in range(self.combo.count())
                    if _text(self.combo.itemData(i)) == _text(value)
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
        index = next(
            (i for i in range(self.combo.count()) if _text(self.combo.itemData(i)) == _text(value)),
            -1,
        )
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
        self._order = [_text(v) for v in chosen]
        self.list.clear()
        for option, label in _choices(self.field, [*chosen, *self._corpus]):
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, (option,))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = _text(option) in self._order
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
        return sorted(_text(v) for v in self._checked())

    def _current(self) -> list[Any]:
        checked = self._checked()
        rank = {text: i for i, text in enumerate(self._order)}
        return sorted(checked, key=lambda v: rank.get(_text(v), len(rank)))

    def set_checked(self, value: Any, checked: bool = True) -> None:
        """Tick or untick an option as the user would."""
        for i in range(self.list.count()):
            item = self.list.item(i)
            if _text(item.data(Qt.ItemDataRole.UserRole)[0]) == _text(value):
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.list.setEnabled(not read_only)


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
        self.widget = _compact(QWidget())
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
        words = [label for _, label in _choices(self.field, self._corpus)]
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
            chip.setText(f"{_text(tag)}  ✕")
            chip.setToolTip(f"Remove {_text(tag)!r}")
            chip.setAccessibleName(f"Remove tag {_text(tag)}")
            chip.setAutoRaise(False)
            chip.setEnabled(not self._read_only)
            chip.clicked.connect(lambda _=False, i=index: self.remove(i))
            self.chips.addWidget(chip)
        self.chips_box.setVisible(bool(self._tags))
        self.chips_box.updateGeometry()

    def tags(self) -> list[str]:
        return [_text(t) for t in self._tags]

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


class DateTimeEditor(FieldEditor):
    """``datetime``: date and time of day; the written form follows the loaded value's."""

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.edit = QDateTimeEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.edit.setMinimumDateTime(QDateTime(NO_DATE, QTime(0, 0)))
        self.edit.setSpecialValueText("Not set")
        self.edit.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.edit.dateTimeChanged.connect(self._user_changed)
        self.widget = self.edit

    def _fill(self, value: Any) -> None:
        moment = _to_datetime(value)
        if moment is None:
            self.edit.setDateTime(self.edit.minimumDateTime())
            return
        self.edit.setDateTime(
            QDateTime(
                moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second
            )
        )

    def _snapshot(self) -> QDateTime:
        return self.edit.dateTime()

    def _current(self) -> Any:
        shown = self.edit.dateTime()
        if shown == self.edit.minimumDateTime():
            return ""
        d, t = shown.date(), shown.time()
        moment = dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), t.second())
        original = self._original
        if isinstance(original, dt.datetime):
            return moment.replace(tzinfo=original.tzinfo)
        if isinstance(original, str) and original.strip().endswith("Z"):
            return moment.isoformat() + "Z"
        if isinstance(original, str):
            return moment.isoformat()
        return moment

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.edit.setReadOnly(read_only)


def _to_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


class UrlEditor(LineEditor):
    """``url``: a line with a web-address hint (validated under the field)."""

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.edit.setPlaceholderText(field.help or "https://… or /path/")
        self.edit.setInputMethodHints(Qt.InputMethodHint.ImhUrlCharactersOnly)


class ColorEditor(LineEditor):
    """``color``: the value as text beside a swatch that opens a colour picker."""

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.swatch = QPushButton()
        self.swatch.setFixedWidth(36)
        self.swatch.setToolTip("Pick a colour")
        self.swatch.setAccessibleName(f"Pick {field.label}")
        self.swatch.clicked.connect(self._pick)
        self.edit.setPlaceholderText("#336699")
        self.edit.setMaximumWidth(self.edit.fontMetrics().horizontalAdvance("0") * 14 + 16)
        self.edit.textChanged.connect(self._paint)
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit)
        row.addWidget(self.swatch)
        row.addStretch(1)
        self.widget = _compact(box)

    def focus_widget(self) -> QWidget:
        return self.edit

    def focus_widgets(self) -> list[QWidget]:
        return [self.edit, self.swatch]

    def _paint(self, *_: object) -> None:
        color = QColor(self.edit.text().strip())
        fill = color.name() if color.isValid() else "transparent"
        self.swatch.setStyleSheet(f"background-color: {fill}; border: 1px solid palette(mid);")

    def _pick(self) -> None:
        if self._read_only:
            return
        start = QColor(self.edit.text().strip())
        chosen = QColorDialog.getColor(start if start.isValid() else QColor("#ffffff"), self.swatch)
        if chosen.isValid():
            self.edit.setText(chosen.name())

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.swatch.setEnabled(not read_only)


class MediaEditor(LineEditor):
    """``image`` / ``file``: the path, a thumbnail (images) and a picker that copies a new
    file into the site's uploads folder under a slugged name."""

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.site_root = ""
        self.thumbnail = QLabel()
        self.thumbnail.setFixedSize(_THUMB, _THUMB if field.kind == "image" else 24)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbnail.setFrameShape(QLabel.Shape.StyledPanel)
        self.thumbnail.setVisible(field.kind == "image")
        self.pick_button = QPushButton("Choose…")
        self.pick_button.setAccessibleName(f"Choose {field.label}")
        self.pick_button.setToolTip(f"Copy a file into {field.uploads or 'the uploads folder'}")
        self.pick_button.clicked.connect(self.pick)
        self.edit.setPlaceholderText("/images/…" if field.kind == "image" else "/files/…")
        self.edit.textChanged.connect(self._show_thumbnail)
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.thumbnail, 0, Qt.AlignmentFlag.AlignTop)
        side = QVBoxLayout()
        side.addWidget(self.edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pick_button)
        buttons.addStretch(1)
        side.addLayout(buttons)
        side.addStretch(1)
        row.addLayout(side, 1)
        self.widget = _compact(box)

    def focus_widget(self) -> QWidget:
        return self.edit

    def focus_widgets(self) -> list[QWidget]:
        return [self.edit, self.pick_button]

    def set_site_root(self, root: str) -> None:
        self.site_root = root
        self._show_thumbnail()

    def local_file(self) -> Path | None:
        text = self.text().strip()
        return local_file(self.site_root, text, self.field.uploads) if self.site_root else None

    def _show_thumbnail(self, *_: object) -> None:
        if self.field.kind != "image":
            return
        text = self.text().strip()
        found = self.local_file()
        pixmap = QPixmap(str(found)) if found is not None else QPixmap()
        if not pixmap.isNull():
            self.thumbnail.setPixmap(
                pixmap.scaled(
                    _THUMB - 4, _THUMB - 4, Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )  # fmt: skip
            self.thumbnail.setToolTip(str(found))
        else:
            self.thumbnail.setPixmap(QPixmap())
            self.thumbnail.setText("Missing" if text and self.site_root else "No image")
            self.thumbnail.setToolTip("The file is not in the site" if text else "")

    def pick(self) -> None:
        """Ask for a file, copy it into the uploads folder, and point the field at it."""
        if self._read_only:
            return
        filters = _IMAGE_FILTER if self.field.kind == "image" else "All files (*)"
        source = dialogs.open_file(self.widget, f"Choose {self.field.label}", filters)
        if source is None:
            return
        if not self.site_root:
            self.edit.setText(str(source))
            return
        try:
            value = copy_into_uploads(Path(self.site_root), self.field.uploads or "uploads", source)
        except ContentError as exc:
            dialogs.error(self.widget, "Cannot copy the file", str(exc))
            return
        self.edit.setText(value)

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.pick_button.setEnabled(not read_only)


class RangeEditor(FieldEditor):
    """``range``: a slider and a spin box between the field's limits."""

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        low = int(field.minimum if field.minimum is not None else 0)
        high = int(field.maximum if field.maximum is not None else 100)
        step = max(1, int(field.step or 1))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.spin = QSpinBox()
        for widget in (self.slider, self.spin):
            widget.setRange(low, high)
            widget.setSingleStep(step)
        self.slider.setMinimumWidth(160)
        self.slider.valueChanged.connect(self.spin.setValue)
        self.spin.valueChanged.connect(self.slider.setValue)
        self.spin.valueChanged.connect(self._user_changed)
        self._empty = False
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.slider, 1)
        row.addWidget(self.spin)
        self.widget = _compact(box)

    def focus_widget(self) -> QWidget:
        return self.spin

    def focus_widgets(self) -> list[QWidget]:
        return [self.slider, self.spin]

    def _fill(self, value: Any) -> None:
        number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
        self.spin.setValue(int(number) if number is not None else self.spin.minimum())

    def _snapshot(self) -> int:
        return self.spin.value()

    def _current(self) -> Any:
        return self.spin.value()

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.slider.setEnabled(not read_only)
        self.spin.setReadOnly(read_only)


# kind -> editor class, merged into ``editors.make_editor``'s table
TYPED_EDITORS: dict[str, type[FieldEditor]] = {
    "select": SelectEditor,
    "multiselect": MultiSelectEditor,
    "tags": TagsEditor,
    "datetime": DateTimeEditor,
    "url": UrlEditor,
    "color": ColorEditor,
    "image": MediaEditor,
    "file": MediaEditor,
    "range": RangeEditor,
    "other": ValueViewer,
}

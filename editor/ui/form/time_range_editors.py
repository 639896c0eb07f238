"""Editors for a moment and a number: ``datetime`` (date and time of day) and ``range``.

The date-time editor writes back in the loaded value's own form (a timestamp, or an
ISO text with or without ``Z``), so an untouched field is rewritten as nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDateTime, Qt, QTime
from PySide6.QtWidgets import QDateTimeEdit, QHBoxLayout, QSizePolicy, QSlider, QSpinBox, QWidget

from editor.content.schema import Field
from editor.ui.form.fields import NO_DATE, FieldEditor
from editor.ui.form.typed_parts import compact


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
        self.widget = compact(box)

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

"""Keeps a field just focused in sight while the form settles.

Why: the form scrolls to a field as soon as it is focused, but the multi-line editors
above it fit their height to their wrapped lines a moment later (``GrowingTextEdit``
refits from a zero timer once shown), which pushes the field down and out of sight.
Every growth changes the scroll range (or the viewport's size, when a dock takes height),
so each such change scrolls the field back into view, until the focus moves on or the user scrolls.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QAbstractSlider, QApplication, QScrollArea, QWidget

__all__ = ["KeepInView"]

MARGIN = 40  # pixels kept around the field, as QScrollArea.ensureWidgetVisible's default 50


class KeepInView(QObject):
    """``show(widget)`` scrolls ``widget`` into ``area``'s view and keeps it there while
    the content above it grows, until focus leaves it or the user scrolls."""

    def __init__(self, area: QScrollArea) -> None:
        super().__init__(area)
        self._area = area
        self._target: QWidget | None = None
        # The range changes before the content's children are placed: scroll once
        # control is back in the event loop, when they are.
        self._again = QTimer(self)
        self._again.setSingleShot(True)
        self._again.setInterval(0)
        self._again.timeout.connect(self._settled)
        bar = area.verticalScrollBar()
        bar.rangeChanged.connect(self._again.start)
        bar.actionTriggered.connect(self._user_scrolled)
        # A viewport that shrinks as the content grows (a dock taking height) may leave
        # the range as it was: its resizes count too.
        area.viewport().installEventFilter(self)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_moved)

    @property
    def pending(self) -> bool:
        """A scroll back into view is due once control returns to the event loop."""
        return self._again.isActive()

    def show(self, widget: QWidget) -> None:
        self._target = widget
        self._area.ensureWidgetVisible(widget, MARGIN, MARGIN)
        self._again.start()  # and again once a pending layout has placed it

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self._target is not None:
            self._again.start()
        return False

    def _settled(self) -> None:
        target = self._target
        if target is not None:
            self._area.ensureWidgetVisible(target, MARGIN, MARGIN)

    def _user_scrolled(self, action: int) -> None:
        if action != QAbstractSlider.SliderAction.SliderNoAction.value:
            self._target = None

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        target = self._target
        if target is not None and (new is None or not (new is target or target.isAncestorOf(new))):
            self._target = None

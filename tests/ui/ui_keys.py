"""Typing as a keyboard does, for any character.

``QTest.keyClicks`` asserts on characters outside ASCII (``qasciikey.cpp``), so tests that
type NBSP, IPA or emoji send the key events themselves: the text of each event is the
character, as an input method or a compose key delivers it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget


def type_text(widget: QWidget, text: str) -> None:
    """Press and release a key for every character of ``text`` (one code point each)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)

"""Typing as a keyboard does, for any character, at a place named in the value's terms.

``QTest.keyClicks`` asserts on characters outside ASCII (``qasciikey.cpp``), so tests that
type NBSP, IPA or emoji send the key events themselves: the text of each event is the
character, as an input method or a compose key delivers it. Cursor positions in Qt count
UTF-16 units and one position per line break; the helpers below turn an index into the
value (a Python string) into such a position.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from editor.ui.widget_text import shown_text


def type_at_end(qtbot: QtBot, widget: QLineEdit | QPlainTextEdit, text: str) -> None:
    """Focus ``widget``, press End (Ctrl+End in a multi-line editor) and type ``text``."""
    widget.setFocus()
    if isinstance(widget, QLineEdit):
        qtbot.keyClick(widget, Qt.Key.Key_End)
    else:
        qtbot.keyClick(widget, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(widget, text)


def type_text(widget: QWidget, text: str) -> None:
    """Press and release a key for every character of ``text`` (one code point each)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)


def safe_cut(text: str, fraction: float) -> int:
    """An index into ``text`` near ``fraction`` that does not split a CRLF."""
    k = round(len(text) * fraction)
    if 0 < k < len(text) and text[k - 1] == "\r" and text[k] == "\n":
        k += 1
    return k


def lead(text: str) -> int:
    """1 when ``text`` starts with U+FEFF: Qt does not take it, so no cursor goes before it."""
    return 1 if text.startswith("\ufeff") else 0


def qt_position(text: str, k: int) -> int:
    """Where ``text[k]`` is in a Qt text widget given ``text`` (a dropped U+FEFF aside)."""
    return len(shown_text(text[lead(text) : max(k, lead(text))]).encode("utf-16-le")) // 2


def line_position(text: str, k: int) -> int:
    """Where ``text[k]`` is in a QLineEdit given ``text`` (every character counts there)."""
    return len(text[lead(text) : max(k, lead(text))].encode("utf-16-le")) // 2

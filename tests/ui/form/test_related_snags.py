"""Related entries: a completion chosen with the keyboard is added once; a typed title
is the entry's URL."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from editor.content.schema import Field
from editor.ui.form.related_editor import RelatedEditor

ENTRIES = [("/glossary/batna", "BATNA"), ("/glossary/zopa", "Zone of possible agreement")]


@pytest.fixture
def related(qtbot: Any) -> RelatedEditor:
    editor = RelatedEditor(Field(key="related", path="related", label="Related", kind="entries"))
    editor.load([])
    editor.set_candidates(ENTRIES)
    qtbot.addWidget(editor.widget)
    editor.widget.show()
    qtbot.waitExposed(editor.widget)
    editor.add_edit.setFocus()
    return editor


def test_down_and_enter_in_the_completion_adds_the_link_once(
    qtbot: QtBot, related: RelatedEditor
) -> None:
    qtbot.keyClicks(related.add_edit, "possible")
    popup = related.completer.popup()
    assert popup is not None
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.wait(20)
    assert related.texts() == ["/glossary/zopa"]
    qtbot.waitUntil(lambda: related.add_edit.text() == "")


def test_an_exact_title_becomes_the_entrys_url(qtbot: QtBot, related: RelatedEditor) -> None:
    qtbot.keyClicks(related.add_edit, "zone of possible agreement")
    popup = related.completer.popup()
    assert popup is not None
    popup.hide()
    qtbot.keyClick(related.add_edit, Qt.Key.Key_Return)
    assert related.texts() == ["/glossary/zopa"]
    assert not related.is_broken(0)


def test_a_link_already_in_the_list_is_not_added_again(
    qtbot: QtBot, related: RelatedEditor
) -> None:
    related.add("/glossary/batna")
    related.add("BATNA")
    related.add("/glossary/batna/")
    assert related.texts() == ["/glossary/batna"]

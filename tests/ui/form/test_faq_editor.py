"""The FAQ editor: cards for question/answer pairs, added, removed, moved and edited."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from editor.content.schema import SchemaRegistry
from editor.ui.form.editors import make_editor
from editor.ui.form.faq_editor import FaqEditor
from editor.ui.form.fields import LineEditor, TextEditor

ITEMS = [
    {"question": "What is a BATNA?", "answer": "The best alternative.", "source": "ch. 2"},
    {"answer": "Answer first.", "question": "Why prepare one?"},
    {"question": "Who uses it?", "answer": "Negotiators."},
]


@pytest.fixture
def faq(qtbot: Any) -> FaqEditor:
    field = SchemaRegistry.load()["glossary"].field("faq")
    assert field is not None
    editor = make_editor(field)
    assert isinstance(editor, FaqEditor)
    qtbot.addWidget(editor.widget)
    editor.widget.resize(700, 900)
    editor.widget.show()
    qtbot.waitExposed(editor.widget)
    with qtbot.assertNotEmitted(editor.changed):
        editor.load([dict(i) for i in ITEMS], True)
    return editor


def question(editor: FaqEditor, index: int) -> LineEditor:
    result = editor.cards[index].editors["question"]
    assert isinstance(result, LineEditor)
    return result


def answer(editor: FaqEditor, index: int) -> TextEditor:
    result = editor.cards[index].editors["answer"]
    assert isinstance(result, TextEditor)
    return result


def test_cards_are_labelled_by_their_question(faq: FaqEditor) -> None:
    assert [c.title.text() for c in faq.cards] == [i["question"] for i in ITEMS]
    assert not faq.is_modified()
    assert faq.value() == ITEMS
    assert question(faq, 1).edit.accessibleName() == "Question 2"


def test_editing_an_answer_changes_only_that_item(faq: FaqEditor, qtbot: QtBot) -> None:
    edit = answer(faq, 1).edit
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(faq.changed):
        qtbot.keyClicks(edit, " More.")
    value = faq.value()
    assert value[1] == {"answer": "Answer first. More.", "question": "Why prepare one?"}
    assert list(value[1]) == ["answer", "question"]  # the item's own key order
    assert value[0] == ITEMS[0] and value[2] == ITEMS[2]
    assert faq.is_modified()


def test_unknown_item_keys_are_kept(faq: FaqEditor, qtbot: QtBot) -> None:
    edit = question(faq, 0).edit
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_End)
    qtbot.keyClicks(edit, "?")
    assert faq.value()[0] == {**ITEMS[0], "question": "What is a BATNA??"}
    assert list(faq.value()[0]) == ["question", "answer", "source"]
    assert faq.cards[0].title.text() == "What is a BATNA??"


def test_add_item_with_the_button_and_type_into_it(faq: FaqEditor, qtbot: QtBot) -> None:
    with qtbot.waitSignal(faq.changed):
        qtbot.mouseClick(faq.add_button, Qt.MouseButton.LeftButton)
    assert len(faq.cards) == 4
    new_question = question(faq, 3).edit
    qtbot.waitUntil(new_question.hasFocus)
    qtbot.keyClicks(new_question, "Is it fixed?")
    assert faq.cards[3].title.text() == "Is it fixed?"
    assert faq.value()[3] == {"question": "Is it fixed?", "answer": ""}
    assert faq.value()[:3] == ITEMS


def test_add_shortcut(faq: FaqEditor, qtbot: QtBot) -> None:
    edit = question(faq, 0).edit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    qtbot.keyClick(edit, Qt.Key.Key_Insert, Qt.KeyboardModifier.AltModifier)
    assert len(faq.cards) == 4


def test_remove_with_the_button(faq: FaqEditor, qtbot: QtBot) -> None:
    with qtbot.waitSignal(faq.changed):
        qtbot.mouseClick(faq.cards[1].remove_button, Qt.MouseButton.LeftButton)
    assert faq.value() == [ITEMS[0], ITEMS[2]]
    assert faq.is_modified()


def test_move_with_buttons_and_shortcuts(faq: FaqEditor, qtbot: QtBot) -> None:
    qtbot.mouseClick(faq.cards[0].down_button, Qt.MouseButton.LeftButton)
    assert faq.value() == [ITEMS[1], ITEMS[0], ITEMS[2]]
    assert not faq.cards[0].up_button.isEnabled()
    assert not faq.cards[2].down_button.isEnabled()
    edit = answer(faq, 2).edit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    with qtbot.waitSignal(faq.changed):
        qtbot.keyClick(edit, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert faq.value() == [ITEMS[1], ITEMS[2], ITEMS[0]]
    qtbot.waitUntil(edit.hasFocus)  # focus moves with the card
    qtbot.keyClick(edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(edit, Qt.Key.Key_Delete, Qt.KeyboardModifier.AltModifier)
    assert faq.value() == [ITEMS[1], ITEMS[0]]  # the focused card went
    qtbot.mouseClick(faq.cards[1].up_button, Qt.MouseButton.LeftButton)
    faq.add_item()
    faq.remove_item(2)
    assert faq.value() == [ITEMS[0], ITEMS[1]]
    assert faq.is_modified()  # one item fewer than loaded


def test_reload_reuses_cards_and_forgets_edits(faq: FaqEditor, qtbot: QtBot) -> None:
    cards = faq.cards
    faq.add_item()
    with qtbot.assertNotEmitted(faq.changed):
        faq.load([dict(i) for i in ITEMS[:2]], True)
    assert faq.cards == cards[:2]
    assert not faq.is_modified()
    assert faq.value() == ITEMS[:2]


def test_focus_addresses_item_and_key(faq: FaqEditor, qtbot: QtBot) -> None:
    widget = faq.focus("2.answer")
    assert widget is answer(faq, 2).edit
    qtbot.waitUntil(widget.hasFocus)
    assert faq.focus("7.answer") is None


def test_read_only_disables_structure_and_text(faq: FaqEditor, qtbot: QtBot) -> None:
    faq.set_read_only(True)
    assert not faq.add_button.isEnabled()
    assert all(not c.remove_button.isEnabled() for c in faq.cards)
    assert question(faq, 0).edit.isReadOnly()
    assert answer(faq, 0).edit.isReadOnly()
    faq.add_item()
    assert len(faq.cards) == 3


def test_absent_list_stays_absent_until_an_item_is_added(qtbot: QtBot) -> None:
    field = SchemaRegistry.load()["glossary"].field("faq")
    assert field is not None
    editor = FaqEditor(field, make_editor)
    qtbot.addWidget(editor.widget)
    editor.load(None, False)
    assert not editor.is_modified()
    assert editor.cards == []
    editor.add_item()
    assert editor.value() == [{"question": "", "answer": ""}]
    editor.load("not a list", True)
    assert editor.note.isVisibleTo(editor.widget)
    assert not editor.add_button.isEnabled()
    assert editor.value() == "not a list"


def test_moving_back_to_the_loaded_order_is_no_change(faq: FaqEditor, qtbot: QtBot) -> None:
    qtbot.mouseClick(faq.cards[0].down_button, Qt.MouseButton.LeftButton)
    assert faq.is_modified()
    qtbot.mouseClick(faq.cards[1].up_button, Qt.MouseButton.LeftButton)
    assert not faq.is_modified()
    assert faq.value() == ITEMS

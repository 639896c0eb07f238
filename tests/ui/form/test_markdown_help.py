"""Markdown help in Markdown fields: shortcuts, toolbar, entry links, paste, lists."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QKeySequence, QTextCursor
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QToolBar, QWidget
from pytestqt.qtbot import QtBot

from editor.content.schema import Field
from editor.ui.form import markdown_help
from editor.ui.form.fields import TextEditor
from editor.ui.form.markdown_help import EntryLinkDialog, MarkdownHelp

ENTRIES = [("/glossary/batna/", "BATNA"), ("/glossary/zopa/", "Zone of possible agreement")]


@pytest.fixture
def field(qtbot: Any) -> TextEditor:
    editor = TextEditor(Field(key="answer", path="answer", label="Answer", kind="markdown"))
    editor.load("Some text here")
    qtbot.addWidget(editor.widget)
    helper = markdown_help.install(editor.edit, editor.widget, editor._hint, lambda: ENTRIES)
    assert helper is not None
    editor.widget.show()
    qtbot.waitExposed(editor.widget)
    editor.edit.setFocus()
    return editor


def select(edit: QPlainTextEdit, start: int, end: int) -> None:
    cursor = edit.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    edit.setTextCursor(cursor)


def press(qtbot: Any, edit: QWidget, keys: str) -> None:
    combo = QKeySequence(keys)[0]  # type: ignore[index]  # PySide6's stubs lack its []
    qtbot.keyClick(edit, combo.key(), combo.keyboardModifiers())


@pytest.mark.parametrize(("keys", "out"), [
    ("Ctrl+B", "Some **text** here"),
    ("Ctrl+I", "Some *text* here"),
    ("Ctrl+E", "Some `text` here"),
    ("Ctrl+K", "Some [text](https://) here"),
])  # fmt: skip
def test_shortcuts_wrap_the_selection(qtbot: QtBot, field: TextEditor, keys: str, out: str) -> None:
    select(field.edit, 5, 9)
    with qtbot.waitSignal(field.changed):
        press(qtbot, field.edit, keys)
    assert field.value() == out
    field.edit.undo()
    assert field.value() == "Some text here"


def test_bold_twice_unwraps_and_empty_selection_gives_a_pair(
    qtbot: QtBot, field: TextEditor
) -> None:
    select(field.edit, 5, 9)
    press(qtbot, field.edit, "Ctrl+B")
    press(qtbot, field.edit, "Ctrl+B")
    assert field.value() == "Some text here"
    select(field.edit, 14, 14)
    press(qtbot, field.edit, "Ctrl+I")
    qtbot.keyClicks(field.edit, "x")
    assert field.value() == "Some text here*x*"


def test_link_leaves_the_url_selected(qtbot: QtBot, field: TextEditor) -> None:
    select(field.edit, 5, 9)
    press(qtbot, field.edit, "Ctrl+K")
    qtbot.keyClicks(field.edit, "https://a.example/")
    assert field.value() == "Some [text](https://a.example/) here"


def test_toolbar_buttons_do_the_same_and_are_named(qtbot: QtBot, field: TextEditor) -> None:
    bar = field.widget.findChild(QToolBar)
    assert bar is not None and bar.isVisible()
    names = [bar.widgetForAction(a).accessibleName() for a in bar.actions()]
    assert names == ["Bold", "Italic", "Code", "Link", "Insert link to entry…"]
    select(field.edit, 0, 4)
    bar.actions()[0].trigger()
    assert field.value() == "**Some** text here"


def test_insert_link_to_entry_writes_its_url(qtbot: QtBot, field: TextEditor) -> None:
    helper = field.edit.findChild(MarkdownHelp)
    assert helper is not None
    helper.ask_entry = lambda _parent, entries: entries[1]
    select(field.edit, 5, 9)
    helper.link_to_entry()
    assert field.value() == "Some [text](/glossary/zopa/) here"
    select(field.edit, 0, 0)
    helper.link_to_entry()
    assert field.value().startswith("[Zone of possible agreement](/glossary/zopa/)Some")


def test_entry_link_dialog_completes_titles_and_resolves_typed_ones(qtbot: QtBot) -> None:
    dialog = EntryLinkDialog(ENTRIES)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.line.setText("zone of possible agreement")  # a title typed out, any case
    assert dialog.chosen() == ENTRIES[1] and ok.isEnabled()
    dialog.line.setText("BATNA — /glossary/batna/")  # a completion
    assert dialog.chosen() == ENTRIES[0]
    dialog.line.setText("nothing")
    assert dialog.chosen() is None and not ok.isEnabled()
    completer = dialog.line.completer()
    completer.setCompletionPrefix("possible")
    assert completer.currentCompletion() == "Zone of possible agreement — /glossary/zopa/"


@pytest.fixture
def clipboard() -> Iterator[Any]:
    """The clipboard, emptied afterwards: data left there outlives the test's objects
    and crashes the interpreter at exit."""
    board = QApplication.clipboard()
    yield board
    board.clear()


def test_pasting_a_url_over_a_selection_makes_a_link(
    qtbot: QtBot, field: TextEditor, clipboard: Any
) -> None:
    mime = QMimeData()
    mime.setText("https://example.org/x")
    clipboard.setMimeData(mime)
    select(field.edit, 5, 9)
    field.edit.paste()
    assert field.value() == "Some [text](https://example.org/x) here"
    select(field.edit, 0, 0)  # no selection: an ordinary paste
    field.edit.paste()
    assert field.value().startswith("https://example.org/xSome [text]")
    plain = QMimeData()
    plain.setText("not a url")
    clipboard.setMimeData(plain)
    select(field.edit, 0, 5)
    field.edit.paste()
    assert field.value().startswith("not a url")


@pytest.mark.parametrize(("text", "typed", "out"), [
    ("- one", "two", "- one\n- two"),
    ("  * one", "two", "  * one\n  * two"),
    ("1. one", "two", "1. one\n2. two"),
    ("9) one", "two", "9) one\n10) two"),
    ("- [x] done", "next", "- [x] done\n- [ ] next"),
    ("plain", "two", "plain\ntwo"),
])  # fmt: skip
def test_enter_continues_a_list(
    qtbot: QtBot, field: TextEditor, text: str, typed: str, out: str
) -> None:
    field.load(text)
    field.edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    qtbot.keyClicks(field.edit, typed)
    assert field.value() == out


def test_enter_on_an_empty_item_ends_the_list(qtbot: QtBot, field: TextEditor) -> None:
    field.load("- one")
    field.edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    qtbot.keyClicks(field.edit, "after")
    assert field.value() == "- one\nafter"


def test_literal_newline_answers_stay_literal(qtbot: QtBot, field: TextEditor) -> None:
    field.load("Intro\\n\\n- one")
    field.edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    qtbot.keyClicks(field.edit, "two")
    assert field.value() == "Intro\\n\\n- one\\n- two"


def test_read_only_fields_take_no_formatting(qtbot: QtBot, field: TextEditor) -> None:
    field.set_read_only(True)
    select(field.edit, 5, 9)
    press(qtbot, field.edit, "Ctrl+B")
    assert field.edit.toPlainText() == "Some text here"


def test_form_markdown_fields_and_body_get_the_toolbar(qtbot: QtBot, sample_folder: Path) -> None:
    from editor.content.document import load_entry
    from editor.content.schema import SchemaRegistry
    from editor.ui.form.form import EntryForm

    form = EntryForm()
    qtbot.addWidget(form)
    entry = load_entry(sample_folder / "strategic-leverage.md")
    registry = SchemaRegistry.load(sample_folder)
    form.load(registry.for_data(entry.data), entry.data, entry.body)
    for path in ("definition", "what_is", "body"):
        editor = form.editor(path)
        assert isinstance(editor, TextEditor)
        assert editor.edit.findChild(MarkdownHelp) is not None, path
    description = form.editor("seo.page_description")  # plain text: no Markdown toolbar
    assert isinstance(description, TextEditor)
    assert description.edit.findChild(MarkdownHelp) is None

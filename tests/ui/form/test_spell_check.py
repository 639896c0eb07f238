"""Spell check in the form: underlines, the context menu, the site dictionary."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent, QTextCharFormat
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from editor.content.schema import SchemaRegistry
from editor.content.spelling import DICTIONARY_FILE, Speller
from editor.ui.form import spell_check
from editor.ui.form.faq_editor import FaqEditor
from editor.ui.form.fields import LineEditor, TextEditor
from editor.ui.form.form import EntryForm
from editor.ui.form.spell_check import ADD_TO_DICTIONARY, LineSpell, SpellHighlighter, SpellService


def underlined(edit: QPlainTextEdit) -> list[str]:
    """The underlined words of every line, from the layout's own formats."""
    found: list[str] = []
    block = edit.document().firstBlock()
    while block.isValid():
        for fmt in block.layout().formats():
            style = fmt.format.underlineStyle()
            if style == QTextCharFormat.UnderlineStyle.SpellCheckUnderline:
                found.append(block.text()[fmt.start : fmt.start + fmt.length])
        block = block.next()
    return found


@pytest.fixture
def service(qtbot: Any) -> SpellService:
    result = SpellService(Speller(None))
    result.speller.engine()  # loaded now: the test needs no worker thread
    return result


@pytest.fixture
def form(qtbot: Any, sample_folder: Path) -> EntryForm:
    widget = EntryForm()
    qtbot.addWidget(widget)
    widget.resize(820, 900)
    widget.writing.set_folder(sample_folder)
    widget.writing.spell.speller.engine()
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_text_fields_underline_misspelt_words_but_not_markup(
    qtbot: QtBot, service: SpellService
) -> None:
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    spell_check.install(edit, service, "answer")
    edit.setPlainText(
        "Teh `codde` and https://exampl.com/x\n```\nbadd\n```\n$$\nfrobb\n$$\nrecieve"
    )
    assert underlined(edit) == ["Teh", "recieve"]


def test_highlighting_is_not_an_edit(qtbot: QtBot, sample_folder: Path, form: EntryForm) -> None:
    registry = SchemaRegistry.load(sample_folder)
    from editor.content.document import load_entry

    entry = load_entry(sample_folder / "strategic-leverage.md")
    with qtbot.assertNotEmitted(form.edited):
        form.load(registry.for_data(entry.data), entry.data, entry.body)
        form.writing.spell.changed.emit()  # every field checked again
        form.set_related_candidates([("/a/", "Wrongg title")])
        qtbot.wait(50)  # a highlighter's queued first pass runs here
    assert not form.is_modified()
    assert form.values() == entry.data


def test_every_text_field_of_the_form_is_checked(
    qtbot: QtBot, sample_folder: Path, form: EntryForm
) -> None:
    from editor.content.document import load_entry

    registry = SchemaRegistry.load(sample_folder)
    entry = load_entry(sample_folder / "strategic-leverage.md")
    form.load(registry.for_data(entry.data), entry.data, entry.body)
    faq = form.editor("faq")
    assert isinstance(faq, FaqEditor)
    faq.add_item()  # a card added later is checked too
    for keys, editor in form.leaf_editors():
        if isinstance(editor, LineEditor | TextEditor):
            assert editor.edit.property("spellChecked"), keys
    definition = form.editor("definition")
    assert isinstance(definition, TextEditor)
    assert isinstance(definition.edit.document().findChild(SpellHighlighter), SpellHighlighter)
    title = form.editor("title")
    assert isinstance(title, LineEditor)
    assert title.edit.findChild(LineSpell) is not None


def test_line_fields_underline_without_changing_the_text(
    qtbot: QtBot, service: SpellService
) -> None:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    events: list[QInputMethodEvent] = []
    original = edit.inputMethodEvent

    def spy(event: QInputMethodEvent) -> None:
        events.append(QInputMethodEvent(event))
        original(event)

    edit.inputMethodEvent = spy  # type: ignore[method-assign]
    checker = spell_check.install(edit, service, "title")
    assert isinstance(checker, LineSpell)
    with qtbot.assertNotEmitted(edit.textEdited):
        edit.setText("Teh strategic levrage")
    assert checker.spans == [(0, 3), (14, 21)]
    assert edit.text() == "Teh strategic levrage"
    assert not edit.isUndoAvailable() or edit.text() == "Teh strategic levrage"
    attrs = events[-1].attributes()
    assert [(a.start + edit.cursorPosition(), a.length) for a in attrs] == [(0, 3), (14, 7)]


def test_context_menu_offers_suggestions_and_replaces(qtbot: QtBot, service: SpellService) -> None:
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    edit.show()
    qtbot.waitExposed(edit)
    spell_check.install(edit, service, "answer")
    edit.setPlainText("We recieve it")
    cursor = edit.textCursor()
    cursor.setPosition(5)
    pos = edit.cursorRect(cursor).center()
    menu = spell_check.text_edit_menu(edit, pos, service, "en")
    texts = [a.text() for a in menu.actions()]
    assert texts[0] == "receive"
    assert ADD_TO_DICTIONARY in texts
    menu.actions()[0].trigger()
    assert edit.toPlainText() == "We receive it"
    edit.undo()
    assert edit.toPlainText() == "We recieve it"


def test_add_to_dictionary_from_a_line_menu(qtbot: QtBot, tmp_path: Path) -> None:
    service = SpellService(Speller(tmp_path))
    service.speller.engine()
    edit = QLineEdit("Zorblax rules")
    qtbot.addWidget(edit)
    edit.show()
    qtbot.waitExposed(edit)
    checker = spell_check.install(edit, service, "title")
    assert isinstance(checker, LineSpell)
    assert checker.spans == [(0, 7)]
    menu = spell_check.line_edit_menu(edit, QPoint(4, edit.height() // 2), service, "en")
    add = next(a for a in menu.actions() if a.text() == ADD_TO_DICTIONARY)
    add.trigger()
    assert checker.spans == []
    assert "zorblax" in (tmp_path / DICTIONARY_FILE).read_text(encoding="utf-8")
    assert edit.text() == "Zorblax rules"


def test_the_dictionary_loads_off_the_gui_thread(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from editor.content import spelling

    monkeypatch.setattr(spelling, "_ENGINES", {})
    service = SpellService(Speller(None))
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    spell_check.install(edit, service, "answer")
    with qtbot.waitSignal(service.changed, timeout=20_000):
        edit.setPlainText("Teh end")  # nothing flagged until the list is in
        assert underlined(edit) == []
    qtbot.waitUntil(lambda: underlined(edit) == ["Teh"])


def test_titles_in_the_folder_are_not_flagged(qtbot: QtBot, form: EntryForm) -> None:
    form.set_related_candidates([("/zopa/", "Zopa"), ("/batna/", "BATNA")])
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    spell_check.install(edit, form.writing.spell, "answer")
    edit.setPlainText("Zopa and Batna and Wrongg")
    assert underlined(edit) == ["Wrongg"]


def test_the_menu_is_the_custom_one(qtbot: QtBot, service: SpellService) -> None:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    spell_check.install(edit, service, "title")
    assert edit.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu


def test_a_very_long_line_is_checked_when_typing_pauses(
    qtbot: QtBot, service: SpellService
) -> None:
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    highlighter = spell_check.install(edit, service, "answer")
    assert isinstance(highlighter, SpellHighlighter)
    long_line = "word " * (spell_check.LONG_LINE // 5) + "wrng"
    edit.setPlainText("short wrng\n" + long_line)
    assert underlined(edit) == ["wrng"]  # the short line at once, the long one later
    qtbot.waitUntil(lambda: underlined(edit) == ["wrng", "wrng"], timeout=3000)
    cursor = edit.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    edit.setTextCursor(cursor)
    qtbot.keyClicks(edit, "x")
    qtbot.waitUntil(lambda: underlined(edit) == ["wrng", "wrngx"], timeout=3000)


def test_a_big_folders_title_words_are_gathered_on_a_worker(
    qtbot: QtBot, form: EntryForm, monkeypatch: pytest.MonkeyPatch
) -> None:
    from editor.content import spelling

    gathered: list[threading.Thread] = []
    real = spelling.words_of

    def spy(titles: Any) -> set[str]:
        gathered.append(threading.current_thread())
        return real(titles)

    monkeypatch.setattr(spell_check, "words_of", spy)
    entries = [(f"/t{i}/", f"Term{i} glossary") for i in range(spell_check.SYNC_TITLES_MAX)]
    entries.append(("/zopa/", "Zopa and Kissingerian realism"))
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    spell_check.install(edit, form.writing.spell, "answer")
    with qtbot.waitSignal(form.writing.spell.changed, timeout=10_000):
        form.set_related_candidates(entries)  # a batch changed titles: all of them again
    assert gathered and threading.main_thread() not in gathered
    edit.setPlainText("Zopa and Kissingerian and Wrongg")
    qtbot.waitUntil(lambda: underlined(edit) == ["Wrongg"])

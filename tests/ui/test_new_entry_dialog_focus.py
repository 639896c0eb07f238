"""New Entry: typing goes into the term, never into the content type box."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from editor.ui.new_entry_dialog import NewEntryDialog


def test_focus_starts_on_the_term_and_typing_keeps_the_type(qtbot: QtBot) -> None:
    dialog = NewEntryDialog(
        [("default", "Q&A article"), ("glossary", "Glossary entry")], lambda _name: False
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.term)
    qtbot.keyClicks(dialog.focusWidget(), "Quiet diplomacy")
    assert dialog.values() == ("glossary", "Quiet diplomacy")
    assert not dialog.schema_box.view().isVisible()

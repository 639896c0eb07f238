"""Review Changes and crash recovery: word-level changes, wrapped, exact text."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QTextCharFormat, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from editor.content.document import load_entry, save_diff
from editor.content.word_diff import marked_lines, word_spans
from editor.ui.diff_dialog import DiffDialog, DiffView


def changed_words(view: QPlainTextEdit) -> list[str]:
    found = []
    block = view.document().firstBlock()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            if frag.charFormat().hasProperty(QTextFormat.Property.BackgroundBrush):
                found.append(frag.text())
            it += 1
        block = block.next()
    return found


def test_one_added_sentence_is_the_only_mark(sample_folder: Path, qtbot: QtBot) -> None:
    entry = load_entry(sample_folder / "strategic-leverage.md")
    data = dict(entry.data)
    data["definition"] = str(data["definition"]) + " One added sentence."
    diff = save_diff(entry, data, entry.body, list(data))
    dialog = DiffDialog("strategic-leverage.md", diff)
    qtbot.addWidget(dialog)
    assert dialog.text.toPlainText() == diff  # the text is the diff, exactly
    assert dialog.text.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth
    marked = [w.strip() for w in changed_words(dialog.text) if w.strip()]
    assert " ".join(marked) == "One added sentence."
    assert not dialog.text.horizontalScrollBar().isVisible()


def test_pieces_join_to_the_diff() -> None:
    diff = "--- a\n+++ b\n@@ -1,2 +1,2 @@\n-one two three\n-gone\n+one 2 three\n context\n+new"
    lines = marked_lines(diff)
    assert ["".join(t for t, _ in line) for line in lines] == diff.split("\n")
    styles = {s for line in lines for _, s in line}
    assert {"header", "hunk", "removed-word", "added-word", "plain", "added"} <= styles
    old, new = word_spans("one two three", "one 2 three")
    assert [t for t, c in old if c] == ["two"] and [t for t, c in new if c] == ["2"]


def test_the_recovery_dialog_uses_the_same_view() -> None:
    from editor.ui import recovery_dialog

    # the name the dialog itself uses is what this test is about, not a re-export
    assert recovery_dialog.DiffView is DiffView  # type: ignore[attr-defined]


def test_removed_words_are_struck_out(qtbot: QtBot) -> None:
    view = DiffView()
    qtbot.addWidget(view)
    view.set_diff("-a cat sat\n+a dog sat")
    formats: list[QTextCharFormat] = []
    block = view.document().firstBlock()
    it = block.begin()
    while not it.atEnd():
        formats.append(it.fragment().charFormat())
        it += 1
    assert any(f.fontStrikeOut() for f in formats)

"""Saving from the window: byte-preserving writes, failures that keep edits, review, revert."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

import pytest
from helpers.keys import type_at_end
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPlainTextEdit

GLOSSARY = "strategic-leverage.md"
OTHER = "batna.md"


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """(removed, added) lines of a line diff."""
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def open_in_list(window: Any, path: Path) -> None:
    assert window.entry_list.select(path)
    assert window.current_path() == path


def test_edit_preview_faq_and_ctrl_s_rewrites_only_those_lines(
    qtbot: Any, make_window: Any, sample_folder: Path
) -> None:
    path = sample_folder / GLOSSARY
    original = path.read_text(encoding="utf-8")
    window = make_window(sample_folder)
    open_in_list(window, path)
    qtbot.waitUntil(lambda: "Strategic leverage is the capacity" in window.preview.html())

    definition = window.form.editor("definition").focus_widget()
    type_at_end(qtbot, definition, " It shifts as talks go on.")
    qtbot.waitUntil(lambda: "It shifts as talks go on." in window.preview.html())
    assert window.isWindowModified()
    assert window.model.row_for(path).dirty

    assert window.form.focus_field("faq.1.answer")
    answer = QApplication.focusWidget()
    assert isinstance(answer, QPlainTextEdit)
    type_at_end(qtbot, answer, " Small states often do.")

    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isWindowModified())

    saved = path.read_text(encoding="utf-8")
    removed, added = changed_lines(original, saved)
    assert len(removed) == len(added) == 2
    assert [line.endswith("It shifts as talks go on.") for line in added] == [True, False]
    assert added[1].endswith("Small states often do.")
    assert added[0].startswith("    Strategic leverage is the capacity")  # style kept
    assert not window.model.row_for(path).dirty
    assert window.status.saved_label.text().startswith(f"Saved {GLOSSARY}")


def test_unchanged_entry_saves_nothing(qtbot: Any, make_window: Any, sample_folder: Path) -> None:
    path = sample_folder / GLOSSARY
    before = path.stat().st_mtime_ns, path.read_bytes()
    window = make_window(sample_folder)
    open_in_list(window, path)
    assert not window.acts.save.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before


def test_conflict_asks_before_overwriting_and_keeps_edits(
    qtbot: Any, make_window: Any, sample_folder: Path, dialog_script: Any
) -> None:
    path = sample_folder / GLOSSARY
    window = make_window(sample_folder)
    open_in_list(window, path)
    type_at_end(qtbot, window.form.editor("definition").focus_widget(), " Edited here.")
    theirs = path.read_text(encoding="utf-8").replace("Negotiation", "Bargaining")
    path.write_text(theirs, encoding="utf-8")  # another program changed the file

    dialog_script.expect("choose", "Cancel")  # never overwritten silently: asked first
    assert not window.save_current()
    (title, message, choices) = dialog_script.called("choose")[0]
    assert title == "Entry changed on disk"
    assert "changed on disk" in message
    assert choices == ["Overwrite theirs", "Cancel"]
    assert window.isWindowModified()
    assert window.session.is_dirty(path)
    assert path.read_text(encoding="utf-8") == theirs

    dialog_script.expect("choose", "Overwrite theirs")
    assert window.save_current()
    assert "Edited here." in path.read_text(encoding="utf-8")
    assert not window.session.is_dirty(path)


def test_save_all_writes_every_dirty_entry(
    qtbot: Any, make_window: Any, sample_folder: Path
) -> None:
    first, second = sample_folder / GLOSSARY, sample_folder / OTHER
    window = make_window(sample_folder)
    open_in_list(window, first)
    type_at_end(qtbot, window.form.editor("definition").focus_widget(), " One.")
    open_in_list(window, second)
    type_at_end(qtbot, window.form.editor("definition").focus_widget(), " Two.")
    assert len(window.session.dirty_entries()) == 2

    window.acts.save_all.trigger()
    assert window.session.dirty_entries() == []
    assert "One." in first.read_text(encoding="utf-8")
    assert "Two." in second.read_text(encoding="utf-8")


def test_review_changes_shows_the_diff_a_save_would_write(
    qtbot: Any, make_window: Any, sample_folder: Path, dialog_script: Any
) -> None:
    path = sample_folder / GLOSSARY
    window = make_window(sample_folder)
    open_in_list(window, path)
    type_at_end(qtbot, window.form.editor("definition").focus_widget(), " Reviewed.")
    dialog_script.expect("show_diff")
    window.acts.review.trigger()

    ((title, diff),) = dialog_script.called("show_diff")
    assert title == "Strategic Leverage"
    plus = [line for line in diff.splitlines() if line.startswith("+ ")]
    assert len(plus) == 1 and plus[0].endswith("Reviewed.")
    assert path.read_text(encoding="utf-8").count("Reviewed.") == 0  # nothing written


def test_review_without_changes_says_so(
    make_window: Any, sample_folder: Path, dialog_script: Any
) -> None:
    window = make_window(sample_folder)
    open_in_list(window, sample_folder / GLOSSARY)
    dialog_script.expect("info")
    window.acts.review.trigger()
    assert "would not change" in dialog_script.called("info")[0][1]


@pytest.mark.parametrize("confirmed", [True, False])
def test_revert_asks_then_restores_the_file(
    qtbot: Any, make_window: Any, sample_folder: Path, dialog_script: Any, confirmed: bool
) -> None:
    path = sample_folder / GLOSSARY
    window = make_window(sample_folder)
    open_in_list(window, path)
    editor = window.form.editor("definition").focus_widget()
    type_at_end(qtbot, editor, " Maybe.")
    dialog_script.expect("confirm", confirmed)
    window.acts.revert.trigger()
    text = window.form.editor("definition").focus_widget().toPlainText()
    assert text.endswith(" Maybe.") is not confirmed
    assert window.isWindowModified() is not confirmed
    assert "Maybe." not in path.read_text(encoding="utf-8")


def test_failed_write_shows_why_and_keeps_the_edits(
    qtbot: Any,
    make_window: Any,
    sample_folder: Path,
    dialog_script: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from editor.content import atomic

    path = sample_folder / GLOSSARY
    before = path.read_bytes()
    window = make_window(sample_folder)
    open_in_list(window, path)
    type_at_end(qtbot, window.form.editor("definition").focus_widget(), " Kept after a failure.")

    def disk_full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    monkeypatch.setattr(atomic, "_exchange", disk_full)  # the rename on Linux (renameat2)
    dialog_script.expect("error", None)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    message = dialog_script.called("error")[0][1]
    assert "disk is full" in message and GLOSSARY in message
    assert path.read_bytes() == before
    assert window.session.is_dirty(path) and window.isWindowModified()
    assert "Kept after a failure." in window.form.editor("definition").focus_widget().toPlainText()
    assert not [p for p in sample_folder.iterdir() if p.name.endswith(".tmp")]

    monkeypatch.undo()  # the disk has room again: the same edits save
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "Kept after a failure." in path.read_text(encoding="utf-8")
    assert not window.session.is_dirty(path)

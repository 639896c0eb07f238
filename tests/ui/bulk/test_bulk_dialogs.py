"""Find and Replace and Set Field in the window: preview, checkboxes, apply, one-step undo."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from helpers.bulk_dialog import (
    _apply,
    _click_and_wait,
    _click_check,
    _open_dialog,
    _preview,
    _undo,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from editor.content.document import load_entry


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.md"))}


def test_preview_checkboxes_apply_and_undo_restore_every_file(
    qtbot: Any, make_window: Any, sample_folder: Path
) -> None:
    before = _snapshot(sample_folder)
    window = make_window(sample_folder)
    dialog = _open_dialog(qtbot, window)
    _preview(qtbot, dialog, "negotiation", "bargaining")
    model = dialog.model
    assert len(model.entries) >= 3
    total, files = model.checked, model.files
    assert (total, files) == (model.total, len(model.entries))
    assert model.rowCount() == total + files
    assert f"{total} of {total} matches checked, in {files} of {files} files" in (
        dialog.summary.text()
    )
    # untick one whole file and one match of another, with the mouse
    skipped_name = model.entries[0].path.name
    _click_check(qtbot, dialog.tree, model.entry_index(0))
    partial_top = model.entry_index(1)
    _click_check(qtbot, dialog.tree, model.match_index(1, 0))
    qtbot.waitUntil(lambda: f"in {files - 1} of {files} files" in dialog.summary.text())
    check = Qt.ItemDataRole.CheckStateRole
    assert Qt.CheckState(model.data(partial_top, check)) == Qt.CheckState.PartiallyChecked
    assert Qt.CheckState(model.data(model.entry_index(0), check)) == Qt.CheckState.Unchecked
    _apply(qtbot, dialog)

    after = _snapshot(sample_folder)
    assert after[skipped_name] == before[skipped_name]
    changed = {n for n in before if before[n] != after[n]}
    assert len(changed) == files - 1
    assert any(b"negotiation" in after[n].lower() for n in changed)  # the unticked match
    assert window.bulk.undo.isEnabled()
    assert "Undo Replace" in window.bulk.undo.text()

    _undo(qtbot, window)
    assert _snapshot(sample_folder) == before
    assert not window.bulk.undo.isEnabled()


def test_regex_errors_show_while_typing(qtbot: Any, make_window: Any, sample_folder: Path) -> None:
    window = make_window(sample_folder)
    dialog = _open_dialog(qtbot, window)
    qtbot.mouseClick(dialog.regex, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.find_edit, "(neg")
    assert dialog.error.isVisible()
    assert "missing ), unterminated subpattern" in dialog.error.text()
    assert not dialog.find_button.isEnabled()
    qtbot.keyClicks(dialog.find_edit, ")")
    assert not dialog.error.isVisible()
    qtbot.keyClicks(dialog.replace_edit, r"\2")
    assert "invalid group reference 2" in dialog.error.text()
    assert not dialog.find_button.isEnabled()


def test_unsaved_open_entry_changes_in_its_editor_not_on_disk(
    qtbot: Any, make_window: Any, sample_folder: Path
) -> None:
    path = sample_folder / "batna.md"
    window = make_window(sample_folder)
    assert window.entry_list.select(path)
    editor = window.form.editor("definition").focus_widget()
    editor.setFocus()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(editor, " Zorblax.")
    qtbot.waitUntil(lambda: window.session.is_dirty(path))
    on_disk = path.read_bytes()
    dialog = _open_dialog(qtbot, window)
    _preview(qtbot, dialog, "Zorblax", "Quux")
    assert [e.path.name for e in dialog.model.entries] == ["batna.md"]
    assert "unsaved edits" in dialog.model.data(dialog.model.index(0, 0))
    _apply(qtbot, dialog)
    assert path.read_bytes() == on_disk
    assert window.session.get(path).data["definition"].endswith(" Quux.")
    assert window.form.values()["definition"].endswith(" Quux.")
    _undo(qtbot, window)
    assert window.session.get(path).data["definition"].endswith(" Zorblax.")


def test_read_only_file_stops_the_whole_batch(
    qtbot: Any, make_window: Any, sample_folder: Path, monkeypatch: pytest.MonkeyPatch,
    dialog_script: Any,
) -> None:  # fmt: skip
    locked = sample_folder / "batna.md"
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, m: Path(p) != locked and real(p, m))
    before = _snapshot(sample_folder)
    window = make_window(sample_folder)
    dialog = _open_dialog(qtbot, window)
    _preview(qtbot, dialog, "negotiation", "bargaining")
    dialog_script.expect("error")
    _apply(qtbot, dialog)
    ((title, text),) = dialog_script.called("error")
    assert title == "Nothing was replaced"
    assert "batna.md: the file is read-only" in text
    assert _snapshot(sample_folder) == before
    assert not window.bulk.undo.isEnabled()


def test_undo_asks_when_a_file_changed_since(
    qtbot: Any, make_window: Any, sample_folder: Path, dialog_script: Any
) -> None:
    before = _snapshot(sample_folder)
    window = make_window(sample_folder)
    dialog = _open_dialog(qtbot, window)
    _preview(qtbot, dialog, "BATNA", "Walk-away option")
    _apply(qtbot, dialog)
    touched = sorted(n for n, b in _snapshot(sample_folder).items() if b != before[n])
    assert len(touched) >= 2
    later = sample_folder / touched[0]
    later.write_bytes(later.read_bytes() + b"\n")
    edited = later.read_bytes()
    dialog_script.expect("confirm", True)
    dialog_script.expect("info")
    _undo(qtbot, window)
    ((_title, text, *_),) = dialog_script.called("confirm")
    assert touched[0] in text
    assert later.read_bytes() == edited
    for name in touched[1:]:
        assert (sample_folder / name).read_bytes() == before[name]


def test_set_field_on_selected_entries_previews_applies_and_undoes(
    qtbot: Any, make_window: Any, sample_folder: Path
) -> None:
    before = _snapshot(sample_folder)
    window = make_window(sample_folder)
    chosen = [sample_folder / "batna.md", sample_folder / "anchoring.md"]
    window.entry_list.select(chosen[0])
    view = window.entry_list.view
    index = window.model.index_of(chosen[1])
    view.selectionModel().select(
        index, view.selectionModel().SelectionFlag.Select | view.selectionModel().SelectionFlag.Rows
    )
    assert sorted(window.bulk.selected_paths()) == sorted(chosen)
    dialog = window.bulk.open_set_field()
    assert "Negotiation" in window.bulk.corpus_values("subject")
    dialog.field.setCurrentText("subject")
    dialog.value.setText("Bargaining")
    _click_and_wait(qtbot, dialog.preview_button, dialog.previewed)
    assert "+subject: Bargaining" in dialog.diff.toPlainText()
    _click_and_wait(qtbot, dialog.apply_button, dialog.applied)
    for path in chosen:
        assert load_entry(path).data["subject"] == "Bargaining"
    assert "Set subject" in window.bulk.undo.text()
    _undo(qtbot, window)
    assert _snapshot(sample_folder) == before
    QApplication.processEvents()


def test_preview_model_passes_the_model_tester(qtmodeltester: Any, sample_folder: Path) -> None:
    from editor.content.bulk.pattern import FindOptions
    from editor.content.bulk.replace import preview
    from editor.ui.bulk.preview_model import PreviewModel

    model = PreviewModel(sample_folder)
    model.add(preview(sample_folder, FindOptions("power", "clout")).entries)
    assert len(model.entries) > 1
    qtmodeltester.check(model, force_py=True)
    model.setData(model.entry_index(0), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert model.checked == model.total - len(model.entries[0].matches)
    assert model.entries[0].path not in model.selection()


def test_rename_the_open_entry_from_the_window_and_undo(
    qtbot: Any, make_window: Any, sample_folder: Path
) -> None:
    before = _snapshot(sample_folder)
    path = sample_folder / "batna.md"
    window = make_window(sample_folder)
    assert window.entry_list.select(path)
    dialog = window.bulk.open_rename()
    dialog.slug.clear()
    qtbot.keyClicks(dialog.slug, "Bad Slug")
    assert "Lowercase letters" in dialog.error.text()
    assert not dialog.preview_button.isEnabled()
    dialog.slug.setText("walk-away")
    _click_and_wait(qtbot, dialog.preview_button, dialog.previewed)
    assert dialog.diff.toPlainText().endswith("rename batna.md -> walk-away.md\n")
    _click_and_wait(qtbot, dialog.rename_button, dialog.applied)
    moved = sample_folder / "walk-away.md"
    assert moved.exists() and not path.exists()
    assert window.current_path() == moved
    assert "Rename batna.md to walk-away.md" in window.bulk.undo.text()
    _undo(qtbot, window)
    assert _snapshot(sample_folder) == before
    assert window.current_path() == path


def test_backlinks_dock_lists_the_entries_linking_here(
    qtbot: Any, make_window: Any, sample_folder: Path
) -> None:
    window = make_window(sample_folder)
    dock = window.bulk.backlinks
    assert dock.isHidden()
    window.bulk.toggle_backlinks.trigger()
    target = sample_folder / "reservation-point.md"
    assert window.entry_list.select(target)
    qtbot.waitUntil(lambda: "link" in dock.heading.text() and "Looking" not in dock.heading.text())
    names = {e.path.name for e in dock.found}
    assert "batna.md" in names  # its related list holds /glossary/reservation-point
    assert target.name not in names
    item = next(
        dock.list.item(i) for i in range(dock.list.count())
        if dock.list.item(i).data(Qt.ItemDataRole.UserRole).endswith("batna.md")
    )  # fmt: skip
    assert "related" in item.text()
    dock._open(item)
    assert window.current_path() == sample_folder / "batna.md"


def test_unify_subject_spellings_is_one_bulk_set_and_one_undo(
    qtbot: Any, make_window: Any, sample_folder: Path
) -> None:
    odd = sample_folder / "anchoring.md"
    text = odd.read_bytes()
    odd.write_bytes(text.replace(b"\nsubject: Negotiation\n", b"\nsubject: negotiation\n"))
    before = _snapshot(sample_folder)
    window = make_window(sample_folder)
    dialog = window.bulk.open_unify()
    assert len(dialog.rows) == 1
    _box, keep, spellings = dialog.rows[0]
    assert keep.currentText() == "Negotiation"  # the most used spelling is kept
    assert spellings[0] == "Negotiation" and "negotiation" in spellings
    _click_and_wait(qtbot, dialog.preview_button, dialog.previewed)
    assert "-subject: negotiation\n+subject: Negotiation\n" in dialog.diff.toPlainText()
    _click_and_wait(qtbot, dialog.apply_button, dialog.applied)
    assert load_entry(odd).data["subject"] == "Negotiation"
    changed = [n for n, b in _snapshot(sample_folder).items() if b != before[n]]
    assert changed == ["anchoring.md"]
    _undo(qtbot, window)
    assert _snapshot(sample_folder) == before

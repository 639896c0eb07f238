"""A journal the window cannot trust: odd files never stop it, only folder files are
offered, and work whose file was deleted is saved elsewhere or discarded, not stuck."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from editor.content.document import load_entry, parse_entry
from editor.content.journal import Journal, folder_key
from editor.ui import recovery_dialog
from editor.ui.recovery_dialog import MISSING_NOTE, RecoveryDialog

GLOSSARY = "strategic-leverage.md"
QA = "how-does-game-theory-model-coercive-diplomacy.md"


def window_journal(journal_root: Path, folder: Path) -> Journal:
    """The journal a window on ``folder`` reads (as the previous process left it)."""
    folder = folder.resolve()
    return Journal(folder, journal_root / folder_key(folder))


def journal_work(journal: Journal, path: Path, title: str) -> dict[str, Any]:
    entry = load_entry(path)
    data = {**entry.data, "title": title}
    journal.record(path, data, entry.body, entry.fingerprint)
    return data


def drive(*buttons: str, seen: list[RecoveryDialog] | None = None) -> Callable[..., Any]:
    """Run the real recovery dialog, clicking ``buttons`` in turn once it shows."""

    def run(parent: Any, journal: Journal, **kwargs: Any) -> Any:
        def click() -> None:
            dialogs = [
                w
                for w in QApplication.topLevelWidgets()
                if isinstance(w, RecoveryDialog) and w.isVisible()
            ]
            assert len(dialogs) == 1
            if seen is not None:
                seen.append(dialogs[0])
            try:
                for name in buttons:
                    getattr(dialogs[0], name).click()
            finally:
                if dialogs[0].isVisible():  # never leave a test blocked in exec()
                    dialogs[0].reject()

        QTimer.singleShot(0, click)
        return recovery_dialog.recover(journal, parent, **kwargs)

    return run


def rows(dialog: RecoveryDialog) -> list[str]:
    return [dialog.list.item(r).text() for r in range(dialog.list.count())]


def test_window_starts_with_a_naive_journal_entry_beside_aware_ones(
    make_window: Any, sample_folder: Path, journal_root: Path, dialog_script: Any
) -> None:
    """Sorting a naive ``saved_at`` with aware ones raised TypeError while the window
    was being built: the app could not start."""
    journal = window_journal(journal_root, sample_folder)
    journal_work(journal, sample_folder / GLOSSARY, "Aware")
    journal_work(journal, sample_folder / QA, "Naive")
    naive = journal.file_for(sample_folder / QA)
    document = json.loads(naive.read_text(encoding="utf-8"))
    document["saved_at"] = "2024-06-01T09:30:00"  # no offset, as a hand-made file has
    naive.write_text(json.dumps(document), encoding="utf-8")

    seen: list[RecoveryDialog] = []
    dialog_script.expect("recover", drive("restore_all_button", seen=seen))
    window = make_window(sample_folder)
    assert rows(seen[0])[0].startswith(f"{QA} — 2024-06-01 ")  # local time, oldest first
    restored = {o.path.name: o.data["title"] for o in window.session.dirty_entries()}
    assert restored == {GLOSSARY: "Aware", QA: "Naive"}


def test_entries_naming_paths_outside_the_folder_are_never_offered(
    make_window: Any,
    sample_folder: Path,
    journal_root: Path,
    dialog_script: Any,
    tmp_path: Path,
) -> None:
    outside = tmp_path / "outside.md"
    shutil.copy(sample_folder / GLOSSARY, outside)
    journal = window_journal(journal_root, sample_folder)
    journal_work(journal, sample_folder / GLOSSARY, "Inside")
    template = json.loads(journal.file_for(sample_folder / GLOSSARY).read_text(encoding="utf-8"))
    for name, stored in (("abs", str(outside)), ("up", "../outside.md"), ("etc", "/etc/hostname")):
        (journal.dir / f"{name}.json").write_text(json.dumps({**template, "path": stored}))

    seen: list[RecoveryDialog] = []
    dialog_script.expect("recover", drive("restore_all_button", seen=seen))
    window = make_window(sample_folder)
    assert [row.split(" — ")[0] for row in rows(seen[0])] == [GLOSSARY]
    assert [o.path for o in window.session.dirty_entries()] == [
        (sample_folder / GLOSSARY).resolve()
    ]
    assert outside.read_bytes() == (sample_folder / GLOSSARY).read_bytes()


@pytest.fixture
def deleted(tmp_path: Path, fixtures_dir: Path) -> tuple[Journal, dict[str, Any], Path]:
    """A journal holding work for ``kept.md`` and for ``gone.md``, deleted since."""
    folder = tmp_path / "content"
    folder.mkdir()
    for name in ("kept.md", "gone.md"):
        shutil.copy(fixtures_dir / "qa_article.md", folder / name)
    journal = Journal(folder, tmp_path / "journal")
    journal_work(journal, folder / "kept.md", "Kept work")
    data = journal_work(journal, folder / "gone.md", "Rescued work")
    (folder / "gone.md").unlink()
    return journal, data, folder / "gone.md"


def _dialog(qtbot: QtBot, journal: Journal) -> RecoveryDialog:
    dialog = RecoveryDialog(journal)
    qtbot.addWidget(dialog)
    return dialog


def _select(dialog: RecoveryDialog, name: str) -> None:
    row = next(r for r, text in enumerate(rows(dialog)) if text.startswith(name))
    dialog.list.setCurrentRow(row)


def test_deleted_file_is_marked_and_cannot_be_restored_in_place(
    qtbot: QtBot, deleted: tuple[Journal, dict[str, Any], Path]
) -> None:
    journal, _data, gone = deleted
    dialog = _dialog(qtbot, journal)
    _select(dialog, "gone.md")
    assert MISSING_NOTE in dialog.list.currentItem().text()
    assert not dialog.restore_button.isEnabled()
    assert dialog.save_as_button.isEnabled() and dialog.save_as_button.isDefault()
    assert "Rescued work" in dialog.diff_view.toPlainText()
    assert "Save As" in dialog.diff_view.toPlainText()
    _select(dialog, "kept.md")
    assert dialog.restore_button.isEnabled()
    # Restore All restores what it can and leaves the deleted file's work to decide.
    dialog.restore_all_button.click()
    assert dialog.result() == 0
    assert dialog.choices() == {journal.folder / "kept.md": "restore"}
    assert dialog.list.currentItem().text().startswith("gone.md")
    dialog.restore_button.click()  # disabled, and refused if reached anyway
    dialog._decide_current("restore")
    assert gone not in dialog.choices()


def test_deleted_file_work_is_saved_where_the_user_picks(
    deleted: tuple[Journal, dict[str, Any], Path], dialog_script: Any, tmp_path: Path
) -> None:
    journal, data, gone = deleted
    target = tmp_path / "rescued.md"
    dialog_script.expect("save_file", None, target)  # cancelled once, then a file
    seen: list[RecoveryDialog] = []
    run = drive("save_as_button", "save_as_button", "discard_button", seen=seen)
    restored = run(None, _GoneFirst(journal))
    dialog = seen[0]
    title, suggested, _filters = dialog_script.called("save_file")[-1]
    assert suggested == gone and "Save" in title
    assert dialog.saved() == {gone: target}
    assert dialog.choices() == {gone: "saved", journal.folder / "kept.md": "discard"}
    entry = parse_entry(target.read_bytes(), target)
    assert entry.data == data
    assert restored == []
    assert journal.pending() == []  # kept.md discarded, gone.md saved: nothing left


class _GoneFirst(Journal):
    """The same journal, listing the deleted file's work first (the dialog starts there)."""

    def __init__(self, journal: Journal) -> None:
        super().__init__(journal.folder, journal.dir)

    def pending(self) -> list[Any]:
        return sorted(super().pending(), key=lambda item: item.path.name != "gone.md")


def test_saving_elsewhere_that_fails_keeps_the_work(
    qtbot: QtBot, deleted: tuple[Journal, dict[str, Any], Path], dialog_script: Any, tmp_path: Path
) -> None:
    journal, _data, gone = deleted
    dialog = _dialog(qtbot, journal)
    _select(dialog, "gone.md")
    dialog_script.expect("save_file", tmp_path / "no-such-folder" / "x.md")
    dialog_script.expect("error")
    qtbot.mouseClick(dialog.save_as_button, Qt.MouseButton.LeftButton)
    assert "journal" in dialog_script.called("error")[0][1]
    assert gone not in dialog.choices()
    assert len(journal.pending()) == 2


def test_deleted_file_work_is_offered_once_then_gone(
    make_window: Any, sample_folder: Path, journal_root: Path, dialog_script: Any
) -> None:
    """Restore used to fail with "Cannot restore" at every start; now Discard ends it."""
    journal = window_journal(journal_root, sample_folder)
    journal_work(journal, sample_folder / GLOSSARY, "Work of a deleted file")
    (sample_folder / GLOSSARY).unlink()
    seen: list[RecoveryDialog] = []
    dialog_script.expect("recover", drive("restore_all_button", "discard_button", seen=seen))
    window = make_window(sample_folder)
    assert MISSING_NOTE in rows(seen[0])[0]
    assert window.session.dirty_entries() == []
    assert dialog_script.called("error") == []  # no "Cannot restore"
    assert journal.pending() == []

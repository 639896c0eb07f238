"""The recovery dialog: diff per entry, Restore / Discard / Restore All / Discard All."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from editor.content.document import load_entry
from editor.content.journal import Journal
from editor.ui import recovery_dialog
from editor.ui.recovery_dialog import STALE_NOTE, RecoveryDialog, recover


@pytest.fixture
def journal(tmp_path: Path, fixtures_dir: Path) -> Journal:
    folder = tmp_path / "content"
    folder.mkdir()
    for name in ("one.md", "two.md", "three.md"):
        shutil.copy(fixtures_dir / "qa_article.md", folder / name)
    journal = Journal(folder, tmp_path / "journal")
    for name in ("one.md", "two.md", "three.md"):
        entry = load_entry(folder / name)
        data = copy.deepcopy(entry.data)
        data["seo"]["title"] = f"Unsaved title of {name}"
        journal.record(entry.path, data, entry.body, entry.fingerprint)
    return journal


def _dialog(qtbot: QtBot, journal: Journal) -> RecoveryDialog:
    dialog = RecoveryDialog(journal)
    qtbot.addWidget(dialog)  # not shown: the offscreen platform warns on top-level dialogs
    return dialog


def _select(dialog: RecoveryDialog, name: str) -> None:
    for row in range(dialog.list.count()):
        if dialog.list.item(row).text().startswith(name):
            dialog.list.setCurrentRow(row)
            return
    raise AssertionError(name)


def test_lists_entries_and_shows_the_diff(qtbot: QtBot, journal: Journal) -> None:
    dialog = _dialog(qtbot, journal)
    texts = sorted(dialog.list.item(r).text().split(" — ")[0] for r in range(3))
    assert texts == ["one.md", "three.md", "two.md"]
    _select(dialog, "two.md")
    diff = dialog.diff_view.toPlainText()
    assert "+  title: Unsaved title of two.md" in diff
    assert "-  title: QuickTakes | Business and Management" in diff
    assert STALE_NOTE not in diff


def test_restore_one_discard_another(qtbot: QtBot, journal: Journal) -> None:
    dialog = _dialog(qtbot, journal)
    _select(dialog, "one.md")
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    _select(dialog, "two.md")
    qtbot.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == 0  # not accepted: three.md is still undecided
    assert "will restore" in dialog.list.item(_row(dialog, "one.md")).text()
    folder = journal.folder
    assert dialog.choices() == {folder / "one.md": "restore", folder / "two.md": "discard"}
    _select(dialog, "three.md")
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)
    assert [i.path.name for i in dialog.to_restore()] == ["one.md"]
    assert sorted(i.path.name for i in dialog.to_discard()) == ["three.md", "two.md"]
    assert dialog.to_restore()[0].data["seo"]["title"] == "Unsaved title of one.md"


def _row(dialog: RecoveryDialog, name: str) -> int:
    return next(
        r for r in range(dialog.list.count()) if dialog.list.item(r).text().startswith(name)
    )


@pytest.mark.parametrize(
    ("button", "choice"), [("restore_all", "restore"), ("discard_all", "discard")]
)
def test_all_buttons_decide_the_rest(
    qtbot: QtBot, journal: Journal, button: str, choice: str
) -> None:
    dialog = _dialog(qtbot, journal)
    _select(dialog, "two.md")
    other = "discard" if choice == "restore" else "restore"
    qtbot.mouseClick(getattr(dialog, f"{other}_button"), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.mouseClick(getattr(dialog, f"{button}_button"), Qt.MouseButton.LeftButton)
    choices = {p.name: c for p, c in dialog.choices().items()}
    assert choices == {"one.md": choice, "two.md": other, "three.md": choice}


def test_stale_entry_is_marked(qtbot: QtBot, journal: Journal) -> None:
    path = journal.folder / "three.md"
    path.write_bytes(path.read_bytes().replace(b"Business and Management", b"Changed by git"))
    dialog = _dialog(qtbot, journal)
    assert STALE_NOTE in dialog.list.item(_row(dialog, "three.md")).text()
    assert STALE_NOTE not in dialog.list.item(_row(dialog, "one.md")).text()
    _select(dialog, "three.md")
    assert STALE_NOTE in dialog.diff_view.toPlainText()


def test_unparseable_file_shows_the_journaled_version(qtbot: QtBot, journal: Journal) -> None:
    (journal.folder / "one.md").write_bytes(b"---\ntitle: [broken\n---\n")
    dialog = _dialog(qtbot, journal)
    _select(dialog, "one.md")
    text = dialog.diff_view.toPlainText()
    assert "cannot be opened" in text
    assert "Unsaved title of one.md" in text


def test_recover_discards_the_discarded(
    qtbot: QtBot, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    def answer(dialog: RecoveryDialog) -> int:
        qtbot.addWidget(dialog)
        _select(dialog, "two.md")
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialog.discard_all_button, Qt.MouseButton.LeftButton)
        return int(dialog.result())

    monkeypatch.setattr(recovery_dialog.RecoveryDialog, "exec", answer)
    restored = recover(journal)
    assert [i.path.name for i in restored] == ["two.md"]
    assert [i.path.name for i in journal.pending()] == ["two.md"]


def test_recover_without_pending_work_shows_nothing(tmp_path: Path) -> None:
    assert recover(Journal(tmp_path, tmp_path / "empty")) == []


def test_closing_leaves_everything_for_later(qtbot: QtBot, journal: Journal) -> None:
    dialog = _dialog(qtbot, journal)
    with qtbot.waitSignal(dialog.rejected, timeout=1000):
        qtbot.mouseClick(dialog.later_button, Qt.MouseButton.LeftButton)
    assert dialog.choices() == {}
    assert len(journal.pending()) == 3

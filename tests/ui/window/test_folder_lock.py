"""One editing window per folder: a second window opens it read-only and leaves the
first one's journal alone; a dead window's lock is taken over."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from editor.content.journal import Journal, folder_key
from editor.ui.window.folder_lock import FolderLock

GLOSSARY = "strategic-leverage.md"


def journal_of(journal_root: Path, folder: Path) -> Journal:
    folder = folder.resolve()
    return Journal(folder, journal_root / folder_key(folder))


def type_in_definition(qtbot: Any, window: Any, text: str) -> None:
    edit = window.form.editor("definition").focus_widget()
    assert isinstance(edit, QPlainTextEdit)
    edit.setFocus()
    edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(edit, text)


def test_second_window_on_a_folder_is_read_only_and_leaves_the_journal_alone(
    qtbot: Any, make_window: Any, sample_folder: Path, journal_root: Path, dialog_script: Any
) -> None:
    path = sample_folder / GLOSSARY
    original = path.read_bytes()
    first = make_window(sample_folder)
    first.entry_list.select(path)
    type_in_definition(qtbot, first, " live edit")
    assert first.session.journal is not None
    first.session.journal.flush()
    assert len(journal_of(journal_root, sample_folder).pending()) == 1

    # Before the lock, the second window offered these live edits as crash recovery
    # (a "recover" dialog nobody scripted fails this test) and could discard them.
    dialog_script.expect("info")
    second = make_window(sample_folder)
    (title, text) = dialog_script.called("info")[0]
    assert title == "Folder open in another window" and "read-only" in text
    assert second.is_locked_out() and second.session.journal is None
    assert "(read only)" in second.windowTitle()
    second.entry_list.select(path)
    assert second.form.is_read_only()
    assert not second.acts.save.isEnabled() and not second.acts.new.isEnabled()
    assert not second.acts.delete.isEnabled() and not second.acts.duplicate.isEnabled()
    assert not second.save_current() and second.delete_current() is False
    assert path.read_bytes() == original

    broken = sample_folder / "broken.md"
    broken.write_text("---\ntitle: a: b\n---\n", encoding="utf-8")
    second.open_entry(broken)
    assert second.pane.raw_view.edit.isReadOnly()  # not fixed here either

    (item,) = journal_of(journal_root, sample_folder).pending()  # the first's work, kept
    assert item.path == path and "live edit" in str(item.data["definition"])
    assert first.session.is_dirty(path) and not first.is_locked_out()


def test_folder_is_editable_again_once_the_first_window_closes(
    make_window: Any, sample_folder: Path, dialog_script: Any
) -> None:
    first = make_window(sample_folder)
    assert first.close()
    again = make_window(sample_folder)  # no "open in another window" notice
    assert not again.is_locked_out() and again.session.journal is not None
    assert dialog_script.called("info") == []


def test_a_window_on_another_folder_is_not_locked_out(
    make_window: Any, sample_folder: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / GLOSSARY).write_bytes((sample_folder / GLOSSARY).read_bytes())
    make_window(sample_folder)
    assert not make_window(other).is_locked_out()


def test_a_dead_windows_lock_is_taken_over(make_window: Any, sample_folder: Path) -> None:
    lock = FolderLock(sample_folder)
    holder = (
        "import os, sys\n"
        "from PySide6.QtCore import QLockFile\n"
        "lock = QLockFile(sys.argv[1])\n"
        "lock.setStaleLockTime(0)\n"
        "assert lock.tryLock(0)\n"
        "os._exit(0)  # gone without unlocking, as a crash or a kill leaves it\n"
    )
    lock.path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-c", holder, str(lock.path)], check=True, timeout=60)
    assert lock.path.exists()
    window = make_window(sample_folder)
    assert not window.is_locked_out() and window.session.journal is not None


def test_lock_is_one_per_folder_and_released(sample_folder: Path, tmp_path: Path) -> None:
    first, second = FolderLock(sample_folder), FolderLock(sample_folder)
    assert first.acquire() and first.held
    assert not second.acquire()
    assert "process" in second.owner()
    assert FolderLock(tmp_path).acquire()  # another folder, another lock
    first.release()
    assert second.acquire()
    second.release()

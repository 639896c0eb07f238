"""Unsaved work survives a crash: journaled while typing, offered back at the next start."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, QThreadPool, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit

from editor.content.journal import Journal, folder_key
from editor.ui import recovery_dialog
from editor.ui.recovery_dialog import RecoveryDialog
from editor.ui.settings import SettingsStore
from editor.ui.window.main_window import MainWindow

GLOSSARY = "strategic-leverage.md"
WORDS = " Leverage moves with deadlines, alternatives and information"
TITLE_WORDS = " (Bargaining Power)"


def definition(window: Any) -> QPlainTextEdit:
    widget = window.form.editor("definition").focus_widget()
    assert isinstance(widget, QPlainTextEdit)
    return widget


def title(window: Any) -> QLineEdit:
    widget = window.form.editor("title").focus_widget()
    assert isinstance(widget, QLineEdit)
    return widget


def journal_of(journal_root: Path, folder: Path) -> Journal:
    """A fresh Journal object over the windows' journal folder (as a new process would)."""
    folder = folder.resolve()
    return Journal(folder, journal_root / folder_key(folder))


def crashed_window(
    qtbot: Any,
    folder: Path,
    qsettings: QSettings,
    pool: QThreadPool,
    journal_root: Path,
    **kwargs: Any,
) -> MainWindow:
    """A window of its own (not the fixture's): the test destroys it without closing."""
    window = MainWindow(
        folder,
        settings=SettingsStore(qsettings),
        pool=pool,
        use_cache=False,
        journal_root=journal_root,
        **kwargs,
    )
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.index is not None, timeout=10_000)
    return window


def crash(qtbot: Any, window: MainWindow, pool: QThreadPool) -> None:
    """Destroy the window as a crash would: no closeEvent, no prompt, no journal discard."""
    pool.waitForDone()  # no render or index job may outlive the objects it reports to
    with qtbot.waitSignal(window.destroyed):
        window.deleteLater()


def type_work(qtbot: Any, window: MainWindow) -> None:
    edit = definition(window)
    edit.setFocus()
    edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(edit, WORDS)
    line = title(window)
    line.setFocus()
    line.end(False)
    qtbot.keyClicks(line, TITLE_WORDS)


def work_left_by_a_crash(
    qtbot: Any, path: Path, qsettings: QSettings, pool: QThreadPool, journal_root: Path
) -> str:
    """A window types into ``path``'s entry, its journal is written, and it crashes;
    the definition it had typed."""
    window = crashed_window(qtbot, path.parent, qsettings, pool, journal_root)
    assert window.entry_list.select(path)
    type_work(qtbot, window)
    typed = definition(window).toPlainText()
    assert window.session.journal is not None
    window.session.journal.flush()
    crash(qtbot, window, pool)
    return typed


def drive_dialog(button: str, seen: list[str]) -> Callable[..., Any]:
    """Run the real recovery dialog and click ``button`` ("restore_all_button", ...)."""

    def run(parent: Any, journal: Journal, **kwargs: Any) -> Any:
        def click() -> None:
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, RecoveryDialog) and widget.isVisible():
                    seen.append(widget.list.item(0).text())
                    seen.append(widget.diff_view.toPlainText())
                    getattr(widget, button).click()

        QTimer.singleShot(0, click)
        return recovery_dialog.recover(journal, parent, **kwargs)

    return run


def test_crash_then_restore_brings_every_word_back(
    qtbot: Any,
    make_window: Any,
    sample_folder: Path,
    qsettings: QSettings,
    thread_pool: QThreadPool,
    journal_root: Path,
    dialog_script: Any,
) -> None:
    path = sample_folder / GLOSSARY
    original = path.read_text(encoding="utf-8")
    typed_definition = work_left_by_a_crash(qtbot, path, qsettings, thread_pool, journal_root)
    assert len(journal_of(journal_root, sample_folder).pending()) == 1
    assert path.read_text(encoding="utf-8") == original  # nothing was saved

    seen: list[str] = []
    dialog_script.expect("recover", drive_dialog("restore_all_button", seen))
    window = make_window(sample_folder)

    assert seen[0].startswith(GLOSSARY) and "changed on disk" not in seen[0]
    assert "Leverage moves with deadlines" in seen[1]  # the diff a save would write
    assert window.current_path() == path
    assert window.session.is_dirty(path)
    assert window.isWindowModified()
    assert window.model.row_for(path).dirty
    assert definition(window).toPlainText() == typed_definition
    assert title(window).text() == "Strategic Leverage" + TITLE_WORDS
    assert not window.pane.banner.isVisible()  # not stale: nothing to warn about
    assert path.read_text(encoding="utf-8") == original  # still nothing written

    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = path.read_text(encoding="utf-8")
    assert WORDS.strip() in saved and TITLE_WORDS.strip() in saved
    assert not window.session.is_dirty(path)
    assert journal_of(journal_root, sample_folder).pending() == []  # saved: journal gone


def test_stale_work_restores_as_a_conflict(
    qtbot: Any,
    make_window: Any,
    sample_folder: Path,
    qsettings: QSettings,
    thread_pool: QThreadPool,
    journal_root: Path,
    dialog_script: Any,
) -> None:
    path = sample_folder / GLOSSARY
    work_left_by_a_crash(qtbot, path, qsettings, thread_pool, journal_root)
    theirs = path.read_text(encoding="utf-8").replace("Negotiation", "Bargaining")
    path.write_text(theirs, encoding="utf-8")  # a git pull while the editor was down

    dialog_script.expect("recover", "restore")
    window = make_window(sample_folder)
    assert window.session.is_dirty(path)
    assert definition(window).toPlainText().endswith(WORDS)
    assert window.pane.banner.isVisible()
    assert "changed on disk" in window.pane.banner.text()

    dialog_script.expect("choose", "Cancel")
    assert not window.save_current()
    assert dialog_script.called("choose")[0][2] == ["Overwrite theirs", "Cancel"]
    assert path.read_text(encoding="utf-8") == theirs
    assert len(journal_of(journal_root, sample_folder).pending()) == 1  # still safe


def test_journal_follows_edits_saves_and_discards(
    qtbot: Any, make_window: Any, sample_folder: Path, journal_root: Path, dialog_script: Any
) -> None:
    path = sample_folder / GLOSSARY
    journal = journal_of(journal_root, sample_folder)
    window = make_window(sample_folder, journal_interval_ms=20)
    assert window.entry_list.select(path)
    type_work(qtbot, window)
    qtbot.waitUntil(lambda: len(journal.pending()) == 1, timeout=5000)  # by itself
    (item,) = journal.pending()
    assert item.path == path.resolve() and item.data["definition"].endswith(WORDS)

    assert window.save_current()
    assert journal.pending() == []

    type_work(qtbot, window)
    qtbot.waitUntil(lambda: len(journal.pending()) == 1, timeout=5000)
    dialog_script.expect("ask_save", "discard")
    assert window.close()
    assert journal.pending() == []  # discarded on purpose: nothing to offer next time


def test_decide_later_keeps_the_work_for_next_time(
    qtbot: Any,
    make_window: Any,
    sample_folder: Path,
    qsettings: QSettings,
    thread_pool: QThreadPool,
    journal_root: Path,
    dialog_script: Any,
) -> None:
    path = sample_folder / GLOSSARY
    work_left_by_a_crash(qtbot, path, qsettings, thread_pool, journal_root)

    seen: list[str] = []
    dialog_script.expect("recover", drive_dialog("later_button", seen))
    window = make_window(sample_folder)
    assert seen and window.session.dirty_entries() == []
    assert window.current_path() is None
    assert len(journal_of(journal_root, sample_folder).pending()) == 1

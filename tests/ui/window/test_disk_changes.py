"""Changes other programs make on disk, seen from the window (git pull, other editors)."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest
from helpers.keys import type_at_end
from helpers.unreadable import refuse_listing
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit

from editor.content.index import CorpusIndex
from editor.ui.report.findings_rows import R_PATH
from editor.ui.window.index_feed import SYNC_UPDATE_MAX

GLOSSARY = "strategic-leverage.md"
WAIT_MS = 5000


def definition(window: Any) -> QPlainTextEdit:
    widget = window.form.editor("definition").focus_widget()
    assert isinstance(widget, QPlainTextEdit)
    return widget


def replace_atomically(path: Path, text: str) -> None:
    """Write as git and most editors do: a temporary file renamed over the entry."""
    tmp = path.with_name(f".{path.name}.theirs")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def theirs_of(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    assert "Strategic leverage is the capacity" in text
    return text.replace("Strategic leverage is the capacity", "Leverage, theirs, is the capacity")


def shown_names(window: Any) -> set[str]:
    model = window.entry_list.model
    return {model.path_at(model.index(r, 0)).name for r in range(model.rowCount())}


@pytest.fixture
def opened(make_window: Any, sample_folder: Path) -> tuple[Any, Path]:
    window = make_window(sample_folder)
    path = sample_folder / GLOSSARY
    assert window.entry_list.select(path)
    return window, path


def test_clean_entry_reloads_quietly(qtbot: Any, opened: tuple[Any, Path]) -> None:
    window, path = opened
    path.write_text(theirs_of(path), encoding="utf-8")  # in place, like a plain editor
    qtbot.waitUntil(
        lambda: definition(window).toPlainText().startswith("Leverage, theirs"), timeout=WAIT_MS
    )
    assert not window.isWindowModified()
    qtbot.waitUntil(lambda: "Leverage, theirs" in window.preview.html(), timeout=WAIT_MS)

    again = path.read_text(encoding="utf-8").replace("Leverage, theirs", "Leverage, again")
    replace_atomically(path, again)  # the watch survived the first change
    qtbot.waitUntil(
        lambda: definition(window).toPlainText().startswith("Leverage, again"), timeout=WAIT_MS
    )


def test_dirty_entry_take_theirs(qtbot: Any, opened: tuple[Any, Path], dialog_script: Any) -> None:
    window, path = opened
    type_at_end(qtbot, definition(window), " Mine.")
    dialog_script.expect("choose", "Take theirs")
    replace_atomically(path, theirs_of(path))
    qtbot.waitUntil(lambda: bool(dialog_script.called("choose")), timeout=WAIT_MS)
    (title, text, choices) = dialog_script.called("choose")[0]
    assert title == "Entry changed on disk" and "unsaved changes" in text
    assert choices == ["Keep mine", "Take theirs", "Show differences"]
    assert definition(window).toPlainText().startswith("Leverage, theirs")
    assert not definition(window).toPlainText().endswith(" Mine.")
    assert not window.isWindowModified()
    assert not window.model.row_for(path).dirty


def test_dirty_entry_keep_mine_then_save_asks(
    qtbot: Any, opened: tuple[Any, Path], dialog_script: Any
) -> None:
    window, path = opened
    type_at_end(qtbot, definition(window), " Mine.")
    dialog_script.expect("choose", "Show differences", "Keep mine")
    dialog_script.expect("show_diff")
    theirs = theirs_of(path)
    replace_atomically(path, theirs)
    qtbot.waitUntil(lambda: len(dialog_script.called("choose")) == 2, timeout=WAIT_MS)
    ((_title, diff),) = dialog_script.called("show_diff")
    assert "-    Leverage, theirs, is the capacity" in diff  # theirs -> mine
    assert "+    Strategic leverage is the capacity" in diff and "Mine." in diff
    assert definition(window).toPlainText().endswith(" Mine.")
    assert window.isWindowModified()
    assert "changed on disk" in window.pane.banner.text() and window.pane.banner.isVisible()

    dialog_script.expect("choose", "Cancel")
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    (_title, text, choices) = dialog_script.called("choose")[2]
    assert choices == ["Overwrite theirs", "Cancel"] and "changed on disk" in text
    assert path.read_text(encoding="utf-8") == theirs  # their bytes kept
    assert window.session.is_dirty(path)

    dialog_script.expect("choose", "Overwrite theirs")
    assert window.save_current()
    saved = path.read_text(encoding="utf-8")
    assert "Strategic leverage is the capacity" in saved and "Mine." in saved
    assert not window.isWindowModified() and not window.pane.banner.isVisible()


def test_own_save_does_not_prompt(qtbot: Any, opened: tuple[Any, Path], dialog_script: Any) -> None:
    window, path = opened
    type_at_end(qtbot, definition(window), " Saved here.")
    with qtbot.waitSignal(window.disk.watcher.folder_changed, timeout=WAIT_MS) as folder:
        assert window.save_current()
    # The folder report comes after the debounce, so the file's own event came first.
    assert path in folder.args[0].modified
    assert dialog_script.calls == []
    assert "Saved here." in definition(window).toPlainText()


def test_new_and_deleted_files_follow_in_the_list(
    qtbot: Any, make_window: Any, sample_folder: Path
) -> None:
    window = make_window(sample_folder)
    window.acts.check_all.trigger()  # the report's rows are made when it is first shown
    total = window.model.total()
    source = (sample_folder / "batna.md").read_text(encoding="utf-8")
    (sample_folder / "hard-bargaining.md").write_text(
        source.replace("BATNA", "Hard Bargaining"), encoding="utf-8"
    )
    qtbot.waitUntil(lambda: "hard-bargaining.md" in shown_names(window), timeout=WAIT_MS)
    assert window.model.total() == total + 1
    assert window.index.record(sample_folder / "hard-bargaining.md") is not None

    (sample_folder / "zopa.md").unlink()
    qtbot.waitUntil(lambda: "zopa.md" not in shown_names(window), timeout=WAIT_MS)
    assert window.model.total() == total
    assert window.index.record(sample_folder / "zopa.md") is None
    assert all(row[R_PATH] != "zopa.md" for row in window.report.model.visible_rows())


def test_deleted_open_entry_shows_a_banner_and_save_recreates_it(
    qtbot: Any, opened: tuple[Any, Path]
) -> None:
    window, path = opened
    original = path.read_bytes()
    path.unlink()
    qtbot.waitUntil(window.pane.banner.isVisible, timeout=WAIT_MS)
    assert "deleted on disk" in window.pane.banner.text()
    assert window.current_path() == path
    assert window.acts.save.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert path.read_bytes() == original
    assert not window.pane.banner.isVisible()
    qtbot.waitUntil(lambda: GLOSSARY in shown_names(window), timeout=WAIT_MS)


def test_many_files_changed_on_disk_are_checked_and_read_on_the_pool(
    qtbot: Any, make_window: Any, sample_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window(sample_folder)
    checked: list[threading.Thread] = []
    real = CorpusIndex.is_current

    def spy(index: CorpusIndex, path: Path | str) -> bool:
        checked.append(threading.current_thread())
        return real(index, path)

    monkeypatch.setattr(CorpusIndex, "is_current", spy)
    source = (sample_folder / "batna.md").read_text(encoding="utf-8")
    names = [f"copy-{i}.md" for i in range(SYNC_UPDATE_MAX + 5)]
    for i, name in enumerate(names):  # as a git checkout brings them: one burst
        (sample_folder / name).write_text(source.replace("BATNA", f"Copy {i}"), encoding="utf-8")
    qtbot.waitUntil(lambda: set(names) <= shown_names(window), timeout=WAIT_MS)
    assert len(checked) >= len(names)
    assert threading.main_thread() not in checked


def test_a_folder_the_watcher_cannot_list_is_said_in_the_status_bar(
    qtbot: Any, opened: tuple[Any, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the first listing no change made by another program is seen: the editor
    is told, not left trusting a list that no longer follows the disk."""
    window, folder = opened
    watcher = window.disk.watcher
    qtbot.waitUntil(lambda: watcher.ready, timeout=10_000)

    def refuse(path: Path) -> None:
        raise RuntimeError("the listing broke")  # OSErrors are folders gone, not failures

    monkeypatch.setattr(os, "scandir", refuse)
    with qtbot.waitSignal(watcher.watch_failed, timeout=10_000):
        watcher.watch_folder(folder)
    message = window.statusBar().currentMessage()
    assert "not followed" in message and "the listing broke" in message


def test_a_folder_that_cannot_be_read_is_said_and_its_entries_stay(
    qtbot: Any, opened: tuple[Any, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unreadable read as gone: every entry of the folder left the list, and the open
    one got the "deleted on disk" banner."""
    window, path = opened
    folder = path.parent
    watcher = window.disk.watcher
    qtbot.waitUntil(lambda: watcher.ready, timeout=10_000)
    total = window.model.total()
    refuse_listing(monkeypatch, folder)
    with qtbot.waitSignal(watcher.folder_unreadable, timeout=WAIT_MS):
        (folder / "new.md").write_bytes(b"---\ntitle: new\n---\n")
    message = window.statusBar().currentMessage()
    assert f'"{folder.name}" cannot be read (Permission denied)' in message
    assert window.statusBar().fontMetrics().horizontalAdvance(message) < 700  # read whole
    qtbot.wait(200)
    assert window.model.total() == total
    assert not window.pane.banner.isVisible()

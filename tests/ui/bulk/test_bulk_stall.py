"""Bulk work never freezes the window: every batch's file work and the index's re-reading
of its files run on the pool, the GUI thread only puts the results in place, and the
window's edits are locked while a batch is written, so no edit is silently replaced."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers.bulk_dialog import _apply, _click_and_wait, _open_dialog, _preview, _undo
from PySide6.QtCore import Qt

from editor.content.index import CorpusIndex
from editor.ui.bulk import history as history_module
from editor.ui.bulk import rename_dialog, set_dialog, unify_dialog
from editor.ui.bulk.install import BUSY_MESSAGE
from editor.ui.report.findings_rows import R_ENTRY, R_PATH

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

GUI = threading.main_thread()


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.md"))}


def _spy(
    monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, seen: list[threading.Thread]
) -> None:
    """Record the thread each call of ``owner.name`` runs on."""
    real = getattr(owner, name)

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, spy)


def _shown_titles(window: Any, rel: str) -> tuple[str, set[str]]:
    """The title the entry list shows for ``rel``, and the report's entry titles for it."""
    row = window.model.row_for(window.folder / rel)
    report = {r[R_ENTRY] for r in window.report.model.visible_rows() if r[R_PATH] == rel}
    return row.title, report


def _settled(qtbot: Any, window: Any) -> None:
    qtbot.waitUntil(lambda: not window.feed.updating and not window.bulk.history.busy)


def test_apply_undo_and_the_index_update_run_off_the_gui_thread(
    qtbot: Any, make_window: Any, sample_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: dict[str, list[threading.Thread]] = {"write": [], "undo": [], "read": [], "swap": []}
    _spy(monkeypatch, history_module, "apply_changes", threads["write"])
    _spy(monkeypatch, history_module, "_undo_files", threads["undo"])
    _spy(monkeypatch, CorpusIndex, "read_paths", threads["read"])
    _spy(monkeypatch, CorpusIndex, "apply_update", threads["swap"])
    before = _snapshot(sample_folder)
    window = make_window(sample_folder)
    qtbot.waitUntil(lambda: window.index is not None)
    window.acts.check_all.trigger()  # the report's rows are made when it is first shown
    rel = "coercive-diplomacy.md"  # its report row: description-missing
    old = _shown_titles(window, rel)
    assert old == ("Coercive Diplomacy", {"Coercive Diplomacy"})
    dialog = _open_dialog(qtbot, window)
    dialog.fields.setCurrentText("title")
    dialog.case.setChecked(True)
    _preview(qtbot, dialog, "Coercive Diplomacy", "Zorblax Doctrine")
    _apply(qtbot, dialog)
    _settled(qtbot, window)
    # the index, the list and the report show the new title
    record = window.index.record(rel)
    assert record.title == "Zorblax Doctrine"
    assert record.size == (sample_folder / rel).stat().st_size
    assert _shown_titles(window, rel) == ("Zorblax Doctrine", {"Zorblax Doctrine"})
    assert window.index.search("zorblax") == [window.index.row_of(rel)]

    _undo(qtbot, window)
    _settled(qtbot, window)
    assert _snapshot(sample_folder) == before  # every file byte for byte
    assert window.index.record(rel).title == "Coercive Diplomacy"
    assert _shown_titles(window, rel) == old
    assert window.index.search("zorblax") == []
    assert threads["write"] and threads["undo"] and len(threads["read"]) == 2
    assert all(t is not GUI for t in threads["write"] + threads["undo"] + threads["read"])
    assert threads["swap"] and all(t is GUI for t in threads["swap"])


def test_set_field_unify_and_rename_read_and_write_off_the_gui_thread(
    qtbot: Any, make_window: Any, sample_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    odd = sample_folder / "anchoring.md"
    odd.write_bytes(
        odd.read_bytes().replace(b"\nsubject: Negotiation\n", b"\nsubject: negotiation\n")
    )
    seen: list[threading.Thread] = []
    for owner, name in (
        (set_dialog, "plan_edit"),
        (unify_dialog, "plan_edit"),
        (rename_dialog, "plan_rename"),
        (history_module, "apply_changes"),
        (history_module, "apply_rename"),
        (history_module, "_undo_files"),
    ):
        _spy(monkeypatch, owner, name, seen)
    before = _snapshot(sample_folder)
    window = make_window(sample_folder)
    qtbot.waitUntil(lambda: window.index is not None)
    path = sample_folder / "batna.md"
    assert window.entry_list.select(path)

    setter = window.bulk.open_set_field()
    setter.value.setText("Bargaining")
    _click_and_wait(qtbot, setter.preview_button, setter.previewed)
    _click_and_wait(qtbot, setter.apply_button, setter.applied)
    _settled(qtbot, window)
    assert window.model.row_for(path) is not None
    assert window.index.record(path).subject == "Bargaining"
    _undo(qtbot, window)

    unify = window.bulk.open_unify()
    _click_and_wait(qtbot, unify.preview_button, unify.previewed)
    _click_and_wait(qtbot, unify.apply_button, unify.applied)
    _settled(qtbot, window)
    assert window.index.record(odd).subject == "Negotiation"
    _undo(qtbot, window)

    rename = window.bulk.open_rename()
    rename.slug.setText("walk-away")
    _click_and_wait(qtbot, rename.preview_button, rename.previewed)
    _click_and_wait(qtbot, rename.rename_button, rename.applied)
    _settled(qtbot, window)
    assert window.index.record(sample_folder / "walk-away.md") is not None
    assert window.index.record(path) is None
    _undo(qtbot, window)
    _settled(qtbot, window)

    assert _snapshot(sample_folder) == before
    assert window.index.record(path) is not None
    assert len(seen) == 3 * 3  # each dialog: a plan, a write and an undo
    assert all(t is not GUI for t in seen)


def _held(
    monkeypatch: pytest.MonkeyPatch, owner: Any, name: str
) -> tuple[threading.Event, threading.Event]:
    """Make ``owner.name`` wait on the pool until released: (started, release)."""
    started, release = threading.Event(), threading.Event()
    real = getattr(owner, name)

    def run(*args: Any, **kwargs: Any) -> Any:
        started.set()
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, run)
    return started, release


@pytest.mark.parametrize("stage", ["apply", "undo", "set"])
def test_edits_are_locked_while_a_batch_is_written(
    qtbot: Any,
    make_window: Any,
    sample_folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    stage: str,
) -> None:
    window = make_window(sample_folder)
    qtbot.waitUntil(lambda: window.index is not None)
    assert window.entry_list.select(sample_folder / "batna.md")
    history = window.bulk.history
    begin: Callable[[], Any]
    if stage == "set":
        dialog: Any = window.bulk.open_set_field()
        dialog.value.setText("Bargaining")
        _click_and_wait(qtbot, dialog.preview_button, dialog.previewed)
        ended = dialog.applied
        begin = lambda: qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)  # noqa: E731
    else:
        dialog = _open_dialog(qtbot, window)
        _preview(qtbot, dialog, "negotiation", "bargaining")
        if stage == "apply":
            ended = dialog.applied
            begin = lambda: qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)  # noqa: E731
        else:
            _apply(qtbot, dialog)
            ended = window.bulk.undo_ended
            begin = window.bulk.undo.trigger
    name = "_undo_files" if stage == "undo" else "apply_changes"
    started, release = _held(monkeypatch, history_module, name)
    with qtbot.waitSignal(ended, timeout=10_000):
        begin()
        qtbot.waitUntil(started.is_set)
        assert history.busy
        assert not window.pane.isEnabled()  # the form and the file text take no edits
        assert not window.bulk.undo.isEnabled()
        assert not window.bulk.replace.isEnabled() and not window.bulk.set_field.isEnabled()
        assert window.statusBar().currentMessage() == BUSY_MESSAGE
        release.set()
    qtbot.waitUntil(lambda: not history.busy)  # the index shows the batch too
    assert window.pane.isEnabled() and window.bulk.replace.isEnabled()
    assert window.statusBar().currentMessage() != BUSY_MESSAGE
    _settled(qtbot, window)


def test_a_save_while_the_index_reads_a_batch_is_taken_after_it(
    qtbot: Any, make_window: Any, sample_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file changed while the batch's files are read on the pool is read again after
    them, so the index ends with its newest text (never the older read)."""
    window = make_window(sample_folder)
    qtbot.waitUntil(lambda: window.index is not None)
    started, release = _held(monkeypatch, CorpusIndex, "read_paths")
    path = sample_folder / "zopa.md"
    window.feed.files_changed_in_background([path])
    qtbot.waitUntil(started.is_set)
    path.write_bytes(path.read_bytes().replace(b"ZOPA", b"Overlap zone", 1))
    window.files_changed([path])  # a save meanwhile: waits for the read on the pool
    assert window.feed.updating
    release.set()
    _settled(qtbot, window)
    assert "overlap zone" in window.index.record(path).search.decode()


def test_edits_wait_until_the_index_shows_the_batch(
    qtbot: Any, make_window: Any, sample_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch is written, its files still being read on the pool: no edit, no undo
    yet (an undo then would open the entry by rows the list does not have yet)."""
    window = make_window(sample_folder)
    qtbot.waitUntil(lambda: window.index is not None)
    dialog = _open_dialog(qtbot, window)
    _preview(qtbot, dialog, "negotiation", "bargaining")
    started, release = _held(monkeypatch, CorpusIndex, "read_paths")
    with qtbot.waitSignal(dialog.applied, timeout=10_000):
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(started.is_set)
    assert window.bulk.history.busy and window.feed.updating
    assert not window.pane.isEnabled() and not window.bulk.undo.isEnabled()
    release.set()
    _settled(qtbot, window)
    assert window.pane.isEnabled() and window.bulk.undo.isEnabled()


def test_a_batch_queued_behind_a_read_keeps_its_lock_until_it_is_in(
    qtbot: Any, make_window: Any, sample_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch's files reach the feed while another read is under way (the watcher's,
    after a pull): its ``then`` (which ends the edit lock) waits until they are in."""
    window = make_window(sample_folder)
    qtbot.waitUntil(lambda: window.index is not None)
    started, release = _held(monkeypatch, CorpusIndex, "read_paths")
    window.feed.files_changed_in_background([sample_folder / "batna.md"])
    qtbot.waitUntil(started.is_set)
    path = sample_folder / "zopa.md"
    path.write_bytes(path.read_bytes().replace(b"ZOPA", b"Overlap zone", 1))
    ended: list[bool] = []
    window.feed.files_changed_in_background(
        [path],
        then=lambda: ended.append("overlap zone" in window.index.record(path).search.decode()),
    )
    assert ended == []  # queued: the lock holds
    release.set()
    qtbot.waitUntil(lambda: bool(ended))
    assert ended == [True]  # and it ended with the batch in the index
    _settled(qtbot, window)


def test_a_failure_putting_an_update_in_is_said_and_the_feed_goes_on(
    qtbot: Any,
    make_window: Any,
    sample_folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    dialog_script: Any,
) -> None:
    window = make_window(sample_folder)
    qtbot.waitUntil(lambda: window.index is not None)
    real = CorpusIndex.apply_update

    def broken(self: CorpusIndex, update: Any) -> Any:
        monkeypatch.setattr(CorpusIndex, "apply_update", real)  # once
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(CorpusIndex, "apply_update", broken)
    dialog_script.expect("error")
    ended: list[str] = []
    window.feed.files_changed_in_background(
        [sample_folder / "zopa.md"], then=lambda: ended.append("then")
    )
    qtbot.waitUntil(lambda: ended == ["then"])
    assert not window.feed.updating
    ((title, message),) = dialog_script.called("error")
    assert title == "Updating the index failed" and "No space left" in message
    path = sample_folder / "zopa.md"  # the next change is taken as usual
    path.write_bytes(path.read_bytes().replace(b"ZOPA", b"Overlap zone", 1))
    window.files_changed([path])
    assert "overlap zone" in window.index.record(path).search.decode()

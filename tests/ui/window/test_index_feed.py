"""The index feed: the entry list and the index change together after a background update."""

from __future__ import annotations

import gc
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool, QTimer

from editor.content.index import CorpusIndex
from editor.content.index.records import IndexChange

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def _listed(window: Any, path: Path) -> bool:
    return window.model.row_for(path) is not None


@pytest.mark.parametrize("kind", ["added", "removed"])
def test_the_list_changes_in_the_same_turn_as_the_index(
    qtbot: Any, make_window: Any, sample_folder: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """At the first turn of the event loop after the index has taken the update, the
    list holds exactly the files the index holds: a row of a file the index no longer
    has (or none for one it has) would be opened, searched and counted by the wrong rows
    meanwhile. (Zero timers run in the order they were started: the check's, started
    as the index takes the update, runs before anything the feed leaves for later.)"""
    window = make_window(sample_folder)
    path = sample_folder / ("new-entry.md" if kind == "added" else "zopa.md")
    if kind == "added":
        path.write_bytes((sample_folder / "batna.md").read_bytes().replace(b"batna", b"new"))
    else:
        path.unlink()
    seen: list[tuple[bool, int, int]] = []
    real = CorpusIndex.apply_update

    def apply_then_look(self: CorpusIndex, update: Any) -> Any:
        def look() -> None:
            seen.append((_listed(window, path), window.model.rowCount(), len(self.records)))

        QTimer.singleShot(0, look)
        return real(self, update)

    monkeypatch.setattr(CorpusIndex, "apply_update", apply_then_look)
    window.feed.files_changed_in_background([path])
    qtbot.waitUntil(lambda: bool(seen) and not window.feed.updating)
    listed, rows, records = seen[0]
    assert listed == (kind == "added")
    assert rows == records
    assert _listed(window, path) == (kind == "added")


class _Freed:
    """Says on which thread it was freed."""

    def __init__(self, threads: list[str]) -> None:
        self.threads = threads

    def __del__(self) -> None:
        self.threads.append(threading.current_thread().name)


@pytest.mark.parametrize("background", [False, True])
def test_what_an_update_lets_go_of_is_freed_on_the_pool(
    qtbot: Any,
    make_window: Any,
    sample_folder: Path,
    thread_pool: QThreadPool,
    monkeypatch: pytest.MonkeyPatch,
    background: bool,
) -> None:
    """An update's old search texts (~140 MB at 50k entries) freed on the window's
    thread held it up to 91 ms after a bulk batch's files were put in."""
    window = make_window(sample_folder)
    path = sample_folder / "new-entry.md"
    path.write_bytes((sample_folder / "batna.md").read_bytes().replace(b"batna", b"new"))
    threads: list[str] = []
    real_apply, real_update = CorpusIndex.apply_update, CorpusIndex.update_paths

    def releasing(change: IndexChange) -> IndexChange:
        assert change.released  # a file added: the search texts were made anew
        change.released.append(_Freed(threads))
        return change

    monkeypatch.setattr(CorpusIndex, "apply_update", lambda s, u: releasing(real_apply(s, u)))
    monkeypatch.setattr(CorpusIndex, "update_paths", lambda s, p: releasing(real_update(s, p)))
    if background:
        window.feed.files_changed_in_background([path])
    else:
        window.feed.files_changed([path])
    qtbot.waitUntil(lambda: _listed(window, path) and not window.feed.updating)
    thread_pool.waitForDone()
    gc.collect()
    assert threads  # (the watcher may report the new file too: one update more)
    assert threading.main_thread().name not in threads


class _WitnessedText(bytearray):
    """A search text that says on which thread it was freed."""

    threads: list[str]

    def __del__(self) -> None:
        self.threads.append(threading.current_thread().name)


def test_a_search_running_on_the_window_s_thread_does_not_keep_the_old_text(
    qtbot: Any,
    make_window: Any,
    sample_folder: Path,
    thread_pool: QThreadPool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The filter's search runs in slices on the window's thread, across the update that
    replaces the search text: had it held the old text (a buffer, a slice of it, a bound
    ``find``) between slices, the old text would be freed there, not on the pool, once
    the search let go of it. The text itself is watched, not the list that hands it
    over; the search then answers from the new text."""
    monkeypatch.setattr("editor.content.search_job._SLICE_BYTES", 256)  # many slices,
    monkeypatch.setattr("editor.ui.entries.list_filter.KEYSTROKE_SECONDS", 0.0)  # one a turn
    monkeypatch.setattr("editor.ui.entries.list_filter.SLICE_SECONDS", 0.0)
    window = make_window(sample_folder)
    store = window.feed.index.text
    threads: list[str] = []
    old = _WitnessedText(store.buffer)
    old.threads = threads
    store.buffer = old
    del old
    path = sample_folder / "new-entry.md"
    path.write_bytes((sample_folder / "batna.md").read_bytes().replace(b"batna", b"zyxwv"))
    window.model.set_query("zyxwv")
    assert window.model.search_pending
    window.feed.files_changed_in_background([path])
    qtbot.waitUntil(lambda: _listed(window, path) and not window.feed.updating)
    qtbot.waitUntil(lambda: not window.model.search_pending)
    thread_pool.waitForDone()
    gc.collect()
    assert threads and threading.main_thread().name not in threads
    assert window.model.path_at(window.model.index(0, 0)) == path

"""The journal worker: writes dirty entries off the GUI thread, only when something changed."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from editor.content.edit_session import DirtyItem
from editor.content.journal import Journal
from editor.ui.window.journal_worker import JournalWorker


class Dirty:
    """Stands in for the window: the dirty entries and where the snapshot was taken."""

    def __init__(self) -> None:
        self.items: dict[Path, tuple[dict[str, Any], str, str | None]] = {}
        self.threads: list[threading.Thread] = []

    def __call__(self) -> list[DirtyItem]:
        self.threads.append(threading.current_thread())
        return [(p, d, b, f) for p, (d, b, f) in self.items.items()]


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    (tmp_path / "content").mkdir()
    return Journal(tmp_path / "content", tmp_path / "journal")


@pytest.fixture
def worker(journal: Journal, qtbot: QtBot) -> Iterator[tuple[JournalWorker, Dirty]]:
    dirty = Dirty()
    w = JournalWorker(journal, dirty, interval_ms=20)
    yield w, dirty
    w.stop()  # drains the pool


def test_marked_dirty_entries_are_written_off_the_gui_thread(
    worker: tuple[JournalWorker, Dirty], journal: Journal, qtbot: QtBot, monkeypatch: Any
) -> None:
    w, dirty = worker
    path = journal.folder / "a.md"
    dirty.items[path] = ({"title": "draft", "date": dt.date(2025, 3, 1)}, "body", "abc")
    writer_threads: list[threading.Thread] = []
    record = journal.record

    def spy(*args: Any, **kwargs: Any) -> Path:
        writer_threads.append(threading.current_thread())
        return record(*args, **kwargs)

    monkeypatch.setattr(journal, "record", spy)
    with qtbot.waitSignal(w.written, timeout=3000) as blocker:
        w.mark_dirty()
    assert blocker.args == [1]
    assert journal.file_for(path).is_file()
    [item] = journal.pending()
    assert item.data == {"title": "draft", "date": dt.date(2025, 3, 1)}
    assert item.base_fingerprint == "abc"
    assert dirty.threads == [threading.main_thread()]  # snapshot copied on the GUI thread
    assert writer_threads and writer_threads[0] is not threading.main_thread()


def test_nothing_written_without_a_change(
    worker: tuple[JournalWorker, Dirty], journal: Journal, qtbot: QtBot
) -> None:
    w, dirty = worker
    dirty.items[journal.folder / "a.md"] = ({"t": 1}, "", None)
    with qtbot.assertNotEmitted(w.written, wait=100):
        pass
    assert dirty.threads == []
    w.flush()
    assert journal.pending() == []


def test_snapshot_is_copied_before_the_write(
    worker: tuple[JournalWorker, Dirty], journal: Journal, qtbot: QtBot
) -> None:
    w, dirty = worker
    data: dict[str, Any] = {"title": "first"}
    dirty.items[journal.folder / "a.md"] = (data, "", None)
    w.mark_dirty()
    w.flush()
    data["title"] = "edited after the snapshot"
    assert journal.pending()[0].data == {"title": "first"}


def test_entries_no_longer_dirty_are_forgotten(
    worker: tuple[JournalWorker, Dirty], journal: Journal, qtbot: QtBot
) -> None:
    w, dirty = worker
    a, b = journal.folder / "a.md", journal.folder / "b.md"
    dirty.items = {a: ({"t": "a"}, "", None), b: ({"t": "b"}, "", None)}
    with qtbot.waitSignal(w.written, timeout=3000):
        w.mark_dirty()
    del dirty.items[a]  # reverted
    with qtbot.waitSignal(w.written, timeout=3000):
        w.mark_dirty()
    assert [i.path.name for i in journal.pending()] == ["b.md"]


def test_discard_after_snapshot_wins(
    worker: tuple[JournalWorker, Dirty], journal: Journal, qtbot: QtBot
) -> None:
    w, dirty = worker
    path = journal.folder / "a.md"
    dirty.items[path] = ({"t": "unsaved"}, "", None)
    gate = threading.Event()
    original = journal.record

    def slow_record(*args: Any, **kwargs: Any) -> Path:
        gate.wait(5)
        return original(*args, **kwargs)

    journal.record = slow_record  # type: ignore[method-assign]
    w.mark_dirty()
    qtbot.waitUntil(lambda: w.busy and not w._timer.isActive(), timeout=3000)
    # the job holds the snapshot; the entry is saved meanwhile
    del dirty.items[path]
    gate.set()
    w.discard(path)
    w.flush()
    assert journal.pending() == []


def test_failed_write_is_reported(
    worker: tuple[JournalWorker, Dirty], journal: Journal, qtbot: QtBot
) -> None:
    w, dirty = worker
    dirty.items[journal.folder / "a.md"] = ({"bad": object()}, "", None)
    with qtbot.waitSignal(w.failed, timeout=3000) as blocker:
        w.mark_dirty()
    assert "a.md" in blocker.args[0]


def test_changes_during_a_write_are_written_next(
    worker: tuple[JournalWorker, Dirty], journal: Journal, qtbot: QtBot
) -> None:
    w, dirty = worker
    path = journal.folder / "a.md"
    dirty.items[path] = ({"v": 1}, "", None)
    w.mark_dirty()
    dirty.items[path] = ({"v": 2}, "", None)
    w.mark_dirty()
    qtbot.waitUntil(lambda: not w.busy, timeout=3000)
    qtbot.waitUntil(lambda: journal.pending()[0].data == {"v": 2}, timeout=3000)


def test_job_snapshotted_before_a_discard_skips_that_entry(
    worker: tuple[JournalWorker, Dirty], journal: Journal
) -> None:
    w, dirty = worker
    path = journal.folder / "a.md"
    dirty.items[path] = ({"t": "unsaved"}, "", None)
    job = w._prepare()  # snapshot taken...
    w.discard(path)  # ...then the entry is saved, before the job gets to run
    assert job() == (0, [])
    assert journal.pending() == []

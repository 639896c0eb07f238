"""The file watcher: real changes only, own saves ignored, re-watch after atomic replace."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.unreadable import refuse_listing
from PySide6.QtCore import QCoreApplication, QThreadPool, QTimer
from pytestqt.qtbot import QtBot

from editor.content.atomic import atomic_write, fingerprint
from editor.ui.window import file_watcher
from editor.ui.window.file_watcher import FILE_SETTLE_MS, FileWatcher, FolderChange


@pytest.fixture
def folder(folder: Path) -> Path:
    (folder / "sub").mkdir()
    (folder / "a.md").write_bytes(b"---\ntitle: a\n---\n")
    (folder / "sub" / "b.md").write_bytes(b"---\ntitle: b\n---\n")
    return folder


@pytest.fixture
def watcher(qtbot: QtBot, thread_pool: QThreadPool) -> Iterator[FileWatcher]:
    """A watcher on the test's own pool, drained before the watcher goes: its listings
    report to this test, never into the next one (``test_workers.py`` shows a receiver
    deleted under a running job is safe)."""
    w = FileWatcher(debounce_ms=50, pool=thread_pool)
    yield w
    w.unwatch_folder()
    for path in w.watched_files():
        w.unwatch_file(path)
    thread_pool.waitForDone()
    QCoreApplication.sendPostedEvents()  # the relays' queued reports, while w lives


def watch(watcher: FileWatcher, folder: Path, qtbot: QtBot) -> None:
    """Watch ``folder`` and wait for the first listing (made on the pool): what changes
    after it is news."""
    watcher.watch_folder(folder)
    qtbot.waitUntil(lambda: watcher.ready, timeout=3000)


def _replace_like_another_program(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".other~")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def test_external_write_is_reported(watcher: FileWatcher, folder: Path, qtbot: QtBot) -> None:
    path = folder / "a.md"
    watcher.watch_file(path)
    with qtbot.waitSignal(watcher.file_changed, timeout=3000) as blocker, path.open("ab") as f:
        f.write(b"more\n")
    assert blocker.args == [path]


def test_touch_without_new_content_is_not_a_change(
    watcher: FileWatcher, folder: Path, qtbot: QtBot
) -> None:
    path = folder / "a.md"
    watcher.watch_file(path)
    with qtbot.assertNotEmitted(watcher.file_changed, wait=300):
        path.write_bytes(path.read_bytes())  # same bytes rewritten in place


def test_own_write_announced_is_ignored_and_the_watch_survives(
    watcher: FileWatcher, folder: Path, qtbot: QtBot
) -> None:
    path = folder / "a.md"
    watcher.watch_file(path)
    mine = b"---\ntitle: mine\n---\n"
    watcher.expect_own_write(path, fingerprint(mine))
    with qtbot.assertNotEmitted(watcher.file_changed, wait=300):
        atomic_write(path, mine)
    qtbot.waitUntil(lambda: str(path) in watcher._watcher.files(), timeout=3000)
    # a later change by someone else is still seen
    with qtbot.waitSignal(watcher.file_changed, timeout=3000):
        _replace_like_another_program(path, b"---\ntitle: theirs\n---\n")


def test_atomic_replace_is_seen_twice(watcher: FileWatcher, folder: Path, qtbot: QtBot) -> None:
    path = folder / "a.md"
    watcher.watch_file(path)
    with qtbot.waitSignal(watcher.file_changed, timeout=3000):
        _replace_like_another_program(path, b"---\ntitle: one\n---\n")
    with qtbot.waitSignal(watcher.file_changed, timeout=3000) as blocker:
        _replace_like_another_program(path, b"---\ntitle: two\n---\n")
    assert blocker.args == [path]


def test_a_file_written_in_place_after_an_unlink_is_reported_once_written(
    watcher: FileWatcher, folder: Path, qtbot: QtBot
) -> None:
    """git writes an entry as it checks it out: unlink, create it empty, then write. The
    empty file read at the first event was reported, then the written one again (a
    dirty entry asked "Keep mine?" twice for one pull; ``test_git_panel.py``'s sync test
    failed so under load). Now the file is read once its events have settled."""
    path = folder / "a.md"
    watcher.watch_file(path)
    seen: list[bytes] = []
    watcher.file_changed.connect(lambda changed: seen.append(changed.read_bytes()))
    path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    theirs = b"---\ntitle: theirs\n---\n"

    def write() -> None:  # git, a moment later
        os.write(fd, theirs)
        os.close(fd)

    QTimer.singleShot(50, write)
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    with qtbot.assertNotEmitted(watcher.file_changed, wait=FILE_SETTLE_MS + 100):
        pass  # (a second report came 50 ms after the first)
    assert seen == [theirs]


def test_a_file_written_without_a_pause_does_not_put_off_the_others(
    watcher: FileWatcher, folder: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file's event restarts the one settle timer: a file written every 50 ms (a
    log kept in the folder) put off every other file's check for as long as it went on."""
    monkeypatch.setattr(file_watcher, "FILE_SETTLE_MAX_MS", 400)
    busy, other = folder / "busy.md", folder / "a.md"
    busy.write_bytes(b"---\ntitle: 0\n---\n")
    watcher.watch_file(busy)
    watcher.watch_file(other)
    seen: list[Path] = []
    watcher.file_changed.connect(seen.append)
    count = [0]

    def write_busy() -> None:
        count[0] += 1
        busy.write_bytes(f"---\ntitle: {count[0]}\n---\n".encode())

    writer = QTimer()
    writer.timeout.connect(write_busy)
    writer.start(50)
    other.write_bytes(b"---\ntitle: changed\n---\n")
    try:
        qtbot.waitUntil(lambda: other in seen, timeout=2500)  # while busy.md is written
    finally:
        writer.stop()


def test_deleted_file_is_reported_removed(watcher: FileWatcher, folder: Path, qtbot: QtBot) -> None:
    path = folder / "a.md"
    watcher.watch_file(path)
    with qtbot.waitSignal(watcher.file_removed, timeout=3000) as blocker:
        path.unlink()
    assert blocker.args == [path]


def test_new_file_in_folder_is_added(watcher: FileWatcher, folder: Path, qtbot: QtBot) -> None:
    watch(watcher, folder, qtbot)
    new = folder / "sub" / "new.md"
    with qtbot.waitSignal(watcher.folder_changed, timeout=3000) as blocker:
        new.write_bytes(b"---\ntitle: new\n---\n")
    change = blocker.args[0]
    assert isinstance(change, FolderChange)
    assert change.folder == folder
    assert change.added == {new}
    assert change.removed == frozenset()


def test_burst_is_reported_once(watcher: FileWatcher, folder: Path, qtbot: QtBot) -> None:
    watch(watcher, folder, qtbot)
    changes: list[FolderChange] = []
    watcher.folder_changed.connect(changes.append)
    with qtbot.waitSignal(watcher.folder_changed, timeout=3000):
        for i in range(30):
            (folder / f"n{i}.md").write_bytes(b"x")
        (folder / "a.md").rename(folder / "renamed.md")
        shutil.rmtree(folder / "sub")
        (folder / "deep" / "er").mkdir(parents=True)
        (folder / "deep" / "er" / "d.md").write_bytes(b"x")
        (folder / ".hidden.md").write_bytes(b"x")
        (folder / "notes.txt").write_bytes(b"x")
    qtbot.waitUntil(lambda: not watcher._debounce.isActive(), timeout=3000)
    [change] = changes
    assert change.added == {folder / f"n{i}.md" for i in range(30)} | {
        folder / "renamed.md",
        folder / "deep" / "er" / "d.md",
    }
    assert change.removed == {folder / "a.md", folder / "sub" / "b.md"}
    # the new subfolder is watched too
    with qtbot.waitSignal(watcher.folder_changed, timeout=3000) as blocker:
        (folder / "deep" / "er" / "d.md").unlink()
    assert blocker.args[0].removed == {folder / "deep" / "er" / "d.md"}


def test_own_temp_files_do_not_count(watcher: FileWatcher, folder: Path, qtbot: QtBot) -> None:
    watch(watcher, folder, qtbot)
    changes: list[FolderChange] = []
    watcher.folder_changed.connect(changes.append)
    with qtbot.waitSignal(watcher.folder_changed, timeout=3000):
        atomic_write(folder / "a.md", b"---\ntitle: saved\n---\n")  # temp + rename
    assert changes[0].added == frozenset() and changes[0].removed == frozenset()
    assert changes[0].modified == {folder / "a.md"}


def test_rescan_runs_on_the_pool_and_its_report_reaches_the_gui_thread(
    watcher: FileWatcher, folder: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    watch(watcher, folder, qtbot)
    listed: list[threading.Thread] = []
    real = file_watcher.list_folder

    def spy(path: Path) -> Any:
        listed.append(threading.current_thread())
        return real(path)

    monkeypatch.setattr(file_watcher, "list_folder", spy)
    reported: list[threading.Thread] = []
    watcher.folder_changed.connect(lambda _change: reported.append(threading.current_thread()))
    with qtbot.waitSignal(watcher.folder_changed, timeout=3000) as blocker:
        (folder / "new.md").write_bytes(b"---\ntitle: new\n---\n")
        (folder / "a.md").unlink()
    assert blocker.args[0].added == {folder / "new.md"}
    assert blocker.args[0].removed == {folder / "a.md"}
    assert listed and threading.main_thread() not in listed
    assert reported == [threading.main_thread()]


def test_changes_during_a_rescan_are_reported_after_it(
    watcher: FileWatcher, folder: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    watch(watcher, folder, qtbot)
    scanning, go = threading.Event(), threading.Event()
    real = file_watcher.list_folder

    def paused(path: Path) -> Any:
        listing = real(path)
        scanning.set()
        assert go.wait(10)
        return listing

    monkeypatch.setattr(file_watcher, "list_folder", paused)
    changes: list[FolderChange] = []
    watcher.folder_changed.connect(changes.append)
    (folder / "one.md").write_bytes(b"x")
    qtbot.waitUntil(scanning.is_set, timeout=3000)
    (folder / "two.md").write_bytes(b"x")  # while the pool lists the folder
    # its debounce runs out during the rescan: the folder waits for the next one
    qtbot.waitUntil(lambda: bool(watcher._dirty_dirs) and not watcher._debounce.isActive())
    go.set()
    qtbot.waitUntil(lambda: len(changes) == 2, timeout=3000)
    assert changes[0].added == {folder / "one.md"}
    assert changes[1].added == {folder / "two.md"}


def test_a_file_made_in_a_new_subfolder_before_it_is_watched_is_reported(
    watcher: FileWatcher, folder: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pool lists a new subfolder; a file written there before the GUI thread puts the
    listing in and watches the folder makes no event of its own: the folder is listed
    again once watched, so it is reported."""
    watch(watcher, folder, qtbot)
    real = file_watcher.rescan_folders
    late = folder / "new" / "late.md"

    def then_a_late_file(*args: Any) -> Any:
        found = real(*args)
        if not late.exists() and (folder / "new") in found.listed:
            late.write_bytes(b"---\ntitle: late\n---\n")  # listed already, not yet watched
        return found

    monkeypatch.setattr(file_watcher, "rescan_folders", then_a_late_file)
    added: set[Path] = set()
    watcher.folder_changed.connect(lambda change: added.update(change.added))
    (folder / "new").mkdir()
    (folder / "new" / "first.md").write_bytes(b"---\ntitle: first\n---\n")
    qtbot.waitUntil(lambda: late in added, timeout=5000)
    assert added == {folder / "new" / "first.md", late}


def test_the_first_scan_runs_on_the_pool_and_reports_nothing(
    watcher: FileWatcher, folder: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening a folder of 50,000 entries held the GUI thread ~0.3 s in the first scan."""
    threads: list[threading.Thread] = []
    for name in ("list_folder", "folders_below"):
        real = getattr(file_watcher, name)

        def spy(path: Path, real: Any = real) -> Any:
            threads.append(threading.current_thread())
            return real(path)

        monkeypatch.setattr(file_watcher, name, spy)
    changes: list[FolderChange] = []
    watcher.folder_changed.connect(changes.append)
    watcher.watch_folder(folder)
    assert not watcher.ready  # listed on the pool, put in by the GUI thread later
    assert threading.main_thread() not in threads
    qtbot.waitUntil(lambda: watcher.ready, timeout=3000)
    assert threads and threading.main_thread() not in threads
    assert set(watcher._dirs) == {folder, folder / "sub"}
    assert set(watcher._watcher.directories()) == {str(folder), str(folder / "sub")}
    qtbot.wait(100)
    assert changes == []  # what is there at the start is not news


def _first_listing_held(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """The first scan's listing held on the pool until ``go`` is set (``listing`` says it
    waits): changes made meanwhile come before the listing."""
    listing, go = threading.Event(), threading.Event()
    real = file_watcher.list_tree

    def held(top: Path, *more: Any) -> Any:
        listing.set()
        assert go.wait(10)
        return real(top, *more)

    monkeypatch.setattr(file_watcher, "list_tree", held)
    return listing, go


def test_a_change_while_the_first_scan_lists_is_reported(
    watcher: FileWatcher, folder: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folders are watched before they are listed: a file written meanwhile makes an
    event, and once the listing is in it is reported (the index, listing the folder at
    the same time, may not hold it); a folder with no event is not."""
    listing, go = _first_listing_held(monkeypatch)
    reported: set[Path] = set()
    watcher.folder_changed.connect(lambda c: reported.update(c.added | c.modified))
    watcher.watch_folder(folder)
    qtbot.waitUntil(listing.is_set, timeout=3000)
    new, old = folder / "sub" / "new.md", folder / "a.md"
    new.write_bytes(b"---\ntitle: new\n---\n")
    qtbot.waitUntil(lambda: bool(watcher._dirty_dirs), timeout=3000)  # the event came
    go.set()
    qtbot.waitUntil(lambda: new in reported, timeout=3000)
    assert old not in reported  # its folder had no event


def test_a_deletion_and_a_move_in_before_the_first_listing_are_reported(
    watcher: FileWatcher, folder: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file deleted, or moved in with its old mtime, after the watch was added but
    before the pool listed the folder: only entries with a recent mtime were reported,
    so the index kept a ghost row of the one and never had the other. The folder is now
    reported whole: every entry in it, and the folder for the receiver to compare."""
    listing, go = _first_listing_held(monkeypatch)
    changes: list[FolderChange] = []
    watcher.folder_changed.connect(changes.append)
    watcher.watch_folder(folder)
    qtbot.waitUntil(listing.is_set, timeout=3000)
    outside = folder.parent / "moved.md"
    outside.write_bytes(b"---\ntitle: moved\n---\n")
    os.utime(outside, ns=(0, 0))  # mv keeps the old mtime
    os.replace(outside, folder / "sub" / "moved.md")
    (folder / "sub" / "b.md").unlink()
    qtbot.waitUntil(lambda: folder / "sub" in watcher._dirty_dirs, timeout=3000)
    go.set()
    qtbot.waitUntil(lambda: bool(changes), timeout=3000)
    assert changes[0].relisted == {folder / "sub"}
    assert folder / "sub" / "moved.md" in changes[0].modified
    # what the receiver holds there and is gone (the index's paths)
    held = sorted(["a.md", "sub/b.md", "sub/deeper/c.md"])
    assert file_watcher.entries_in(folder, held, changes[0].relisted) == [folder / "sub" / "b.md"]
    assert file_watcher.entries_in(folder, held, [folder]) == [folder / "a.md"]


def test_a_failed_first_scan_is_said_and_a_late_one_is_nobodys_news(
    watcher: FileWatcher, folder: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    """The failure of a folder's first scan left the watcher ready with nothing listed:
    it went silent, saying nothing; and a late failure of a folder watched before made
    the next folder's watch "ready" before its listing was in."""
    listing, go = threading.Event(), threading.Event()
    real = file_watcher.list_tree

    def fails_for_the_first(top: Path, *more: Any) -> Any:
        if top == folder:
            listing.set()
            assert go.wait(10)
            raise OSError("Input/output error")
        return real(top, *more)

    monkeypatch.setattr(file_watcher, "list_tree", fails_for_the_first)
    said: list[str] = []
    watcher.watch_failed.connect(said.append)
    watcher.watch_folder(folder)
    qtbot.waitUntil(listing.is_set, timeout=3000)
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.md").write_bytes(b"---\ntitle: x\n---\n")
    watcher.watch_folder(other)
    go.set()  # the first folder's listing fails now, late
    qtbot.waitUntil(lambda: watcher.ready, timeout=3000)
    assert said == []
    assert set(watcher._dirs) == {other}

    listing.clear()
    go.clear()
    watcher.watch_folder(folder)
    qtbot.waitUntil(listing.is_set, timeout=3000)
    with caplog.at_level("WARNING"), qtbot.waitSignal(watcher.watch_failed, timeout=3000):
        go.set()
    assert not watcher.ready
    assert watcher.failed is not None and "Input/output error" in watcher.failed
    assert str(folder) in said[0]
    assert "Input/output error" in caplog.text


def test_the_window_drops_a_ghost_and_takes_a_moved_in_file_from_the_first_listing(
    qtbot: QtBot, make_window: Any, sample_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end: the index is in, the watcher's first listing not yet; a file deleted
    and one moved in (old mtime) meanwhile. The index's ghost row goes and the moved-in
    file comes once the listing is in."""
    listing, go = _first_listing_held(monkeypatch)
    window = make_window(sample_folder)
    qtbot.waitUntil(listing.is_set, timeout=3000)
    ghost = sorted(sample_folder.glob("*.md"))[0]
    outside = sample_folder.parent / "moved-in.md"
    outside.write_bytes(ghost.read_bytes().replace(b"title:", b"title: Moved", 1))
    os.utime(outside, ns=(0, 0))
    assert window.index.record(ghost) is not None
    ghost.unlink()
    os.replace(outside, sample_folder / "moved-in.md")
    qtbot.waitUntil(lambda: sample_folder in window.disk.watcher._dirty_dirs, timeout=3000)
    go.set()
    qtbot.waitUntil(
        lambda: window.index.record(sample_folder / "moved-in.md") is not None, timeout=5000
    )
    qtbot.waitUntil(lambda: window.index.record(ghost) is None, timeout=5000)


def test_a_folder_that_cannot_be_read_is_said_not_reported_gone(
    watcher: FileWatcher, folder: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An ``OSError`` listing a folder read as "the folder went away": every entry in it
    was reported removed (and dropped from the list) when it only could not be read."""
    watch(watcher, folder, qtbot)
    sub = folder / "sub"
    changes: list[FolderChange] = []
    watcher.folder_changed.connect(changes.append)
    refuse_listing(monkeypatch, sub)
    with qtbot.waitSignal(watcher.folder_unreadable, timeout=3000) as said:
        (sub / "new.md").write_bytes(b"---\ntitle: new\n---\n")
    assert said.args == [sub, "Permission denied"]
    qtbot.wait(100)
    assert all(not c.removed for c in changes)
    assert str(sub) in watcher._watcher.directories()
    monkeypatch.undo()  # readable again: compared with the listing it had
    with qtbot.waitSignal(watcher.folder_changed, timeout=3000) as later:
        (sub / "newer.md").write_bytes(b"---\ntitle: newer\n---\n")
    assert later.args[0].added == {sub / "new.md", sub / "newer.md"}
    assert later.args[0].removed == frozenset()


def _refuse_watching(monkeypatch: pytest.MonkeyPatch, watcher: FileWatcher, refused: Path) -> None:
    """The system refuses to watch ``refused`` as it does a folder without read
    permission (``inotify_add_watch``: EACCES; as root it would not)."""
    qt_watcher = watcher._watcher
    real = qt_watcher.addPaths

    def add_paths(paths: list[str]) -> list[str]:
        kept = [p for p in paths if Path(p) != refused]
        return (real(kept) if kept else []) + [p for p in paths if Path(p) == refused]

    monkeypatch.setattr(qt_watcher, "addPaths", add_paths)


def test_a_subfolder_unreadable_at_the_first_scan_is_said_and_listed_later(
    watcher: FileWatcher, folder: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Listed empty, the unreadable folder passed for a watched one: its parent's rescans
    skipped it, and neither its files nor any made later were ever seen."""
    sub = folder / "sub"
    refuse_listing(monkeypatch, sub)
    _refuse_watching(monkeypatch, watcher, sub)
    with qtbot.waitSignal(watcher.folder_unreadable, timeout=3000) as said:
        watcher.watch_folder(folder)
    assert said.args == [sub, "Permission denied"]
    qtbot.waitUntil(lambda: watcher.ready, timeout=3000)
    monkeypatch.undo()  # readable again (chmod: an event of its parent's)
    with qtbot.waitSignal(watcher.folder_changed, timeout=3000) as later:
        sub.chmod(0o755)
    assert later.args[0].added == {sub / "b.md"}  # never listed before
    with qtbot.waitSignal(watcher.folder_changed, timeout=3000) as latest:
        (sub / "new.md").write_bytes(b"---\ntitle: new\n---\n")
    assert latest.args[0].added == {sub / "new.md"}  # and now watched


def test_a_top_folder_that_cannot_be_read_fails_the_first_scan_with_why(
    watcher: FileWatcher, folder: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    refuse_listing(monkeypatch, folder)
    with qtbot.waitSignal(watcher.watch_failed, timeout=3000) as failed:
        watcher.watch_folder(folder)
    assert "cannot be read: Permission denied" in failed.args[0]


@pytest.mark.skipif(os.geteuid() == 0, reason="as root, chmod does not stop a listing")
def test_a_folder_made_unreadable_with_chmod_is_said(
    watcher: FileWatcher, folder: Path, qtbot: QtBot
) -> None:
    watch(watcher, folder, qtbot)
    sub = folder / "sub"
    sub.chmod(0o300)  # writable and searchable, not listable
    try:
        with qtbot.waitSignal(watcher.folder_unreadable, timeout=3000) as said:
            (sub / "new.md").write_bytes(b"---\ntitle: new\n---\n")
        assert said.args == [sub, "Permission denied"]
    finally:
        sub.chmod(0o755)

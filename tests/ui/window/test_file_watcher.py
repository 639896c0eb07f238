"""The file watcher: real changes only, own saves ignored, re-watch after atomic replace."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from editor.content.atomic import atomic_write, fingerprint
from editor.ui.window import file_watcher
from editor.ui.window.file_watcher import FileWatcher, FolderChange


@pytest.fixture
def folder(folder: Path) -> Path:
    (folder / "sub").mkdir()
    (folder / "a.md").write_bytes(b"---\ntitle: a\n---\n")
    (folder / "sub" / "b.md").write_bytes(b"---\ntitle: b\n---\n")
    return folder


@pytest.fixture
def watcher(qtbot: QtBot) -> Iterator[FileWatcher]:
    w = FileWatcher(debounce_ms=50)
    yield w
    w.unwatch_folder()
    for path in w.watched_files():
        w.unwatch_file(path)


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


def test_a_change_while_the_first_scan_lists_is_reported(
    watcher: FileWatcher, folder: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folders are watched before they are listed: a file written meanwhile makes an
    event, and once the listing is in it is reported (the index, listing the folder at
    the same time, may not hold it)."""
    listing, go = threading.Event(), threading.Event()
    real = file_watcher.list_tree

    def held(top: Path) -> Any:
        listing.set()
        assert go.wait(10)
        return real(top)

    monkeypatch.setattr(file_watcher, "list_tree", held)
    reported: set[Path] = set()
    watcher.folder_changed.connect(lambda c: reported.update(c.added | c.modified))
    watcher.watch_folder(folder)
    qtbot.waitUntil(listing.is_set, timeout=3000)
    new, old = folder / "sub" / "new.md", folder / "a.md"
    new.write_bytes(b"---\ntitle: new\n---\n")
    os.utime(old, ns=(0, 0))  # an entry untouched for long: not reported
    qtbot.waitUntil(lambda: bool(watcher._dirty_dirs), timeout=3000)  # the event came
    go.set()
    qtbot.waitUntil(lambda: new in reported, timeout=3000)
    assert old not in reported

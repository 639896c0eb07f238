"""Files opened ahead of their reader: right file, right order, nothing left open."""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path

import pytest

from editor.content import read_ahead
from editor.content.read_ahead import opened_ahead


def _open_fds() -> set[str]:
    return {entry.name for entry in Path("/proc/self/fd").iterdir()}


def _files(folder: Path, count: int) -> list[str]:
    paths = []
    for n in range(count):
        path = folder / f"entry-{n:03d}.md"
        path.write_bytes(f"---\ntitle: {n}\n---\n".encode())
        paths.append(str(path))
    return paths


@pytest.mark.parametrize("window", [0, 1, 3, 32])
def test_each_path_comes_open_in_order(tmp_path: Path, window: int) -> None:
    paths = _files(tmp_path, 10)
    texts = []
    for fd in opened_ahead(paths, window):
        assert isinstance(fd, int)
        texts.append(os.read(fd, 100).decode())
        os.close(fd)
    assert texts == [f"---\ntitle: {n}\n---\n" for n in range(10)]


def test_a_file_that_cannot_be_opened_is_its_error_in_its_place(tmp_path: Path) -> None:
    paths = _files(tmp_path, 4)
    paths.insert(2, str(tmp_path / "gone.md"))
    got = list(opened_ahead(paths, 2))
    assert isinstance(got[2], FileNotFoundError)
    assert got[2].filename == paths[2]
    for fd in got[:2] + got[3:]:
        assert isinstance(fd, int)
        os.close(fd)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_stopping_early_closes_the_files_opened_ahead(tmp_path: Path) -> None:
    paths = _files(tmp_path, 20)
    before = _open_fds()
    opened = opened_ahead(paths, 8)
    assert isinstance(opened, Generator)  # close() is what is tested
    first = next(opened)
    assert isinstance(first, int)
    assert len(_open_fds() - before) > 1  # the next ones are open already
    opened.close()
    os.close(first)
    assert _open_fds() == before


def test_the_kernel_is_advised_of_each_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if read_ahead._ADVISE is None:
        pytest.skip("no posix_fadvise here")
    advised: list[int] = []
    monkeypatch.setattr(read_ahead, "_ADVISE", lambda fd, *_: advised.append(fd))
    paths = _files(tmp_path, 5)
    fds = list(opened_ahead(paths, 2))
    assert advised == fds
    for fd in fds:
        assert isinstance(fd, int)
        os.close(fd)


def _evict(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)  # dirty pages are not dropped
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


@pytest.mark.skipif(read_ahead._NOWAIT is None, reason="no RWF_NOWAIT reads here")
def test_a_file_just_read_is_cached_and_an_evicted_one_is_not(tmp_path: Path) -> None:
    path = _files(tmp_path, 1)[0]
    Path(path).read_bytes()
    if not read_ahead.cached(path):
        pytest.skip("this file system cannot say what it has cached")
    assert read_ahead.cached(str(tmp_path / "gone.md"))  # nothing to read ahead
    _evict(path)
    if read_ahead.cached(path):
        pytest.skip("the system kept the pages (tmpfs, or it declined the advice)")
    # A NOWAIT probe that misses may set off the kernel's own read-ahead of the file,
    # so the next probe could find it cached (a flake seen once): evict it again.
    _evict(path)
    assert read_ahead.needs_reading_ahead([path])
    Path(path).read_bytes()
    assert read_ahead.cached(path)


def test_reading_ahead_is_asked_for_when_a_probed_file_is_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if read_ahead._ADVISE is None:
        pytest.skip("no posix_fadvise here: never reads ahead")
    paths = _files(tmp_path, 12)
    asked: list[str] = []
    out: set[str] = set()

    def cached(path: str) -> bool:
        asked.append(path)
        return path not in out

    monkeypatch.setattr(read_ahead, "cached", cached)
    assert not read_ahead.needs_reading_ahead(paths)
    assert asked == [paths[0], paths[3], paths[6], paths[9]]  # four, spread over the list
    out.add(paths[6])
    assert read_ahead.needs_reading_ahead(paths)
    out.clear()
    out.add(paths[11])  # not probed: the next list's probes may find it
    assert not read_ahead.needs_reading_ahead(paths)
    assert not read_ahead.needs_reading_ahead([])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_put_in_place_of_a_listed_file_never_blocks_the_reader(tmp_path: Path) -> None:
    """Opening ahead uses the content reader's non-blocking flags: a FIFO with no writer
    (swapped in after the scan) opens at once and reads as empty, then the index's own
    ``fstat`` check refuses it."""
    import threading

    fifo = tmp_path / "swapped.md"
    os.mkfifo(fifo)
    results: list[object] = []
    reader = threading.Thread(
        target=lambda: results.extend(opened_ahead([str(fifo)], window=1)), daemon=True
    )
    reader.start()
    reader.join(timeout=5)
    assert not reader.is_alive(), "opening a FIFO ahead blocked"
    (fd,) = results
    assert isinstance(fd, int)
    try:
        assert os.read(fd, 10) == b""
    finally:
        os.close(fd)

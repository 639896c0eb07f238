"""Files opened ahead of their reader: right file, right order, nothing left open."""

from __future__ import annotations

import os
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

"""A same-size change within the file system's timestamp granularity is still seen.

On FAT (2 s) or some network shares (1 s) a save right after the index read a file can
leave its size and mtime as they were. The clock is simulated: every file's mtime is set
to a whole second, and the index's clock (``reconcile.read_clock``) to a moment after it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from editor.content.index import CorpusIndex, reconcile

SECOND = 1_000_000_000
TICK = 1_700_000_000 * SECOND  # the coarse timestamp every write below gets


def write(path: Path, text: bytes) -> None:
    """Write as a coarse file system does: the mtime rounded to the tick."""
    path.write_bytes(text)
    os.utime(path, ns=(TICK, TICK))


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    now = [TICK + SECOND // 2]  # half a second after the tick: a racy read
    monkeypatch.setattr(reconcile, "time_ns", lambda: now[0], raising=False)
    return now


def test_a_same_size_save_after_an_updates_read_is_not_current(
    sample_folder: Path, clock: list[int]
) -> None:
    index = CorpusIndex(sample_folder, cache=False).build_all()
    path = sample_folder / "zopa.md"
    first = path.read_bytes()
    write(path, first.replace(b"ZOPA", b"ZAPO", 1))
    index.update_paths([path])  # the read the save races with
    assert index.is_current(path)  # nothing changed since: no second read needed
    write(path, first.replace(b"ZOPA", b"ZIPO", 1))  # same size, same mtime
    record = index.record(path)
    assert record is not None and path.stat().st_size == record.size
    assert not index.is_current(path)
    index.update_paths([path])
    record = index.record(path)
    assert record is not None and b"zipo" in record.search
    assert index.is_current(path)


def test_a_same_size_save_after_the_builds_read_is_not_current(
    sample_folder: Path, clock: list[int]
) -> None:
    path = sample_folder / "zopa.md"
    first = path.read_bytes()
    write(path, first)
    index = CorpusIndex(sample_folder, cache=False).build_all()
    write(path, first.replace(b"ZOPA", b"ZIPO", 1))
    assert not index.is_current(path)  # the build kept no digest: read it again


def test_a_read_well_after_the_mtime_is_trusted_without_a_digest(
    sample_folder: Path, clock: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock[0] = TICK + 3 * SECOND  # past the granularity: size and mtime are proof
    path = sample_folder / "zopa.md"
    write(path, path.read_bytes())
    index = CorpusIndex(sample_folder, cache=False).build_all()
    index.update_paths([path])
    read: list[Path] = []

    def reading(path: Path, *_args: object) -> bytes:
        read.append(path)
        return b""

    monkeypatch.setattr(reconcile, "read_content", reading, raising=False)
    assert index.is_current(path)
    assert read == []  # no file read for it


def test_a_file_an_update_read_well_after_its_mtime_is_current(
    sample_folder: Path, clock: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changed after the build, read by an update seconds later: size and mtime prove it
    unchanged (no second read of a batch's files when the watcher reports them)."""
    clock[0] = TICK - 10 * SECOND  # the build, before the change
    index = CorpusIndex(sample_folder, cache=False).build_all()
    path = sample_folder / "zopa.md"
    write(path, path.read_bytes().replace(b"ZOPA", b"ZAPO", 1))
    clock[0] = TICK + 3 * SECOND
    index.update_paths([path])
    assert index.is_current(path)

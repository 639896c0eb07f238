"""Search texts in a file: same bytes as in memory, pages handed back, files cleaned up."""

from __future__ import annotations

import mmap
import os
from pathlib import Path
from typing import Any

import pytest

from editor.content import index_cache, text_file
from editor.content.index import CorpusIndex
from editor.content.text_file import TextSink, copy_range, release

posix_only = pytest.mark.skipif(not text_file.MAP, reason="files are read, not mapped, here")


def _entry(folder: Path, name: str, words: str) -> Path:
    path = folder / name
    path.write_text(
        f"---\ntitle: {name[:-3].title()}\ndescription: {words}\n---\nBody.\n", encoding="utf-8"
    )
    return path


def _bump(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))


def _text_files(folder: Path) -> list[Path]:
    return sorted(index_cache.cache_path(folder).parent.glob("*.text"))


def test_a_file_sink_gives_back_exactly_what_was_written(tmp_path: Path) -> None:
    pieces: list[bytes | bytearray | memoryview] = [
        b"alpha beta\n",
        memoryview(b"gamma\n"),
        bytearray(b"\xc3\xa9t\xc3\xa9\n"),
    ]
    named, unnamed, memory = (
        TextSink(tmp_path / "named.text"),
        TextSink(directory=tmp_path),
        TextSink(memory=True),
    )
    for sink in (named, unnamed, memory):
        for piece in pieces:
            sink.write(piece)
    expected = b"".join(bytes(p) for p in pieces)
    assert named.path == tmp_path / "named.text"
    assert unnamed.path is None
    assert memory.in_memory and not named.in_memory and not unnamed.in_memory
    for sink in (named, unnamed, memory):
        assert sink.size == len(expected)
        assert bytes(sink.finish()) == expected
    assert (tmp_path / "named.text").read_bytes() == expected
    assert [p.name for p in tmp_path.iterdir()] == ["named.text"]  # the unnamed one is not


@posix_only
def test_a_file_sink_is_mapped_and_released_pages_still_read_the_same(tmp_path: Path) -> None:
    sink = TextSink(directory=tmp_path)
    data = bytes(range(256)) * 5000  # ~1.3 MB, many pages
    sink.write(data)
    buffer = sink.finish()
    assert isinstance(buffer, mmap.mmap)
    assert buffer.find(b"\xfe\xff\x00", 1000) == 254 + 256 * 3
    release(buffer, 1, len(buffer) + 4096)  # unaligned start, end past the mapping
    release(buffer, 0, 0)
    assert buffer[:] == data


def test_a_failing_file_moves_its_texts_to_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sink = TextSink(tmp_path / "fails.text")
    sink.write(b"first\n")
    stream: Any = sink._stream
    real_write = stream.write

    def full(data: Any) -> int:
        stream.flush()
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(stream, "write", full)
    sink.write(b"second\n")
    monkeypatch.setattr(stream, "write", real_write)
    sink.write(b"third\n")
    assert sink.in_memory
    assert bytes(sink.finish()) == b"first\nsecond\nthird\n"
    assert not (tmp_path / "fails.text").exists()  # a half-written file is not left


def test_no_file_at_all_keeps_the_texts_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    sink = TextSink(blocker / "x.text")
    sink.write(b"kept\n")
    assert sink.in_memory
    assert sink.finish() == bytearray(b"kept\n")
    unwritable = TextSink(blocker / "y.text")
    unwritable.write(b"lost for the file\n")
    assert unwritable.close() is False  # the cache then gives up on this text file
    written = TextSink(tmp_path / "z.text")
    written.write(b"kept\n")
    assert written.close() is True
    assert (tmp_path / "z.text").read_bytes() == b"kept\n"


def test_copy_range_copies_across_slices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_file, "COPY_SLICE", 7)
    source = TextSink(directory=tmp_path)
    source.write(b"0123456789abcdefghijklmnopqrstuvwxyz")
    buffer = source.finish()
    target = TextSink(memory=True)
    copy_range(buffer, 3, 30, target)
    assert bytes(target.finish()) == b"3456789abcdefghijklmnopqrst"


def _write_corpus(folder: Path, n: int) -> None:
    for i in range(n):
        _entry(folder, f"e{i:02}.md", f"word{i} shared zebra{i % 3}")


def test_a_big_index_keeps_its_texts_in_the_cache_file_and_maps_them_back(
    tmp_path: Path,
) -> None:
    _write_corpus(tmp_path, 30)
    in_memory = CorpusIndex(tmp_path, cache=False).build_all()
    cold = CorpusIndex(tmp_path, text_file_min=10).build_all()
    store = cold._search
    assert store is not None and store.path is not None
    assert _text_files(tmp_path) == [store.path]
    assert store.path.read_bytes() == bytes(in_memory._search.buffer)  # type: ignore[union-attr]
    warm = CorpusIndex(tmp_path, text_file_min=10).build_all()
    assert warm.parsed == 0
    assert warm._search is not None and warm._search.path == store.path
    for query in ["zebra1", "word2", "shared e0", "nothing"]:
        assert warm.search(query) == cold.search(query) == in_memory.search(query)


def test_updates_write_unnamed_files_and_the_cache_keeps_one_text_file(tmp_path: Path) -> None:
    _write_corpus(tmp_path, 30)
    index = CorpusIndex(tmp_path, text_file_min=10).build_all()
    first = _text_files(tmp_path)
    for n in range(3):
        changed = _entry(tmp_path, "e05.md", f"okapi{n}")
        _bump(changed)
        index.update_paths([changed])
        assert index.search(f"okapi{n}") == [5]
        assert index._search is not None and list(index._search.overrides) == [5]
        assert _text_files(tmp_path) == first  # the cache's file is left alone
    index.save_cache()
    index_cache.wait_for_writes(tmp_path)
    after = _text_files(tmp_path)
    assert len(after) == 1 and after != first  # a new one, the old one removed
    again = CorpusIndex(tmp_path, text_file_min=10).build_all()
    assert again.parsed == 0
    assert again.search("okapi2") == [5] and again.search("okapi1") == []
    index_cache.clear(tmp_path)
    assert _text_files(tmp_path) == []
    assert not index_cache.cache_path(tmp_path).exists()


def test_a_cache_whose_text_file_is_gone_or_cut_is_rebuilt(tmp_path: Path) -> None:
    _write_corpus(tmp_path, 30)
    CorpusIndex(tmp_path, text_file_min=10).build_all()
    (text,) = _text_files(tmp_path)
    text.write_bytes(text.read_bytes()[:-5])
    assert CorpusIndex(tmp_path, text_file_min=10).build_all().parsed == 30
    for path in _text_files(tmp_path):
        path.unlink()
    rebuilt = CorpusIndex(tmp_path, text_file_min=10).build_all()
    assert rebuilt.parsed == 30
    assert rebuilt.search("zebra2") == [2, 5, 8, 11, 14, 17, 20, 23, 26, 29]


@posix_only
@pytest.mark.parametrize("kernel", [True, False], ids=["copy_file_range", "slices"])
def test_a_rebuild_copies_a_mapped_files_ranges_in_the_kernel_or_by_slices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kernel: bool
) -> None:
    calls: list[int] = []
    real = getattr(os, "copy_file_range", None)
    if real is None:
        pytest.skip("no os.copy_file_range here")

    def counted(*args: Any) -> int:
        calls.append(args[2])
        if not kernel:
            raise OSError(18, "Invalid cross-device link")  # as from another file system
        copied: int = real(*args)
        return copied

    monkeypatch.setattr(os, "copy_file_range", counted)
    monkeypatch.setattr(text_file, "COPY_SLICE", 5)
    source = TextSink(directory=tmp_path)
    source.write(b"0123456789abcdefghijklmnopqrstuvwxyz")
    buffer = source.finish()
    target = TextSink(directory=tmp_path)
    target.write(b"head:")
    copy_range(buffer, 3, 30, target)
    target.write(b":tail")
    assert bytes(target.finish()) == b"head:3456789abcdefghijklmnopqrst:tail"
    assert calls  # the kernel was asked first either way

"""Where the filter's search texts live: a file read through the OS's file cache.

Why: the search text is most of what an index holds (2-3 KB an entry, ~140 MB for 50k
entries). Kept in a file and mapped read-only, its pages come from the OS file cache
while a search reads them and are handed back after each slice (:func:`release`), so
they never add up in the window's memory, and reading them costs no more than reading
a ``bytearray`` (measured here: 89 ms to scan 141 MB either way; 177 ms when the whole
mapping stays resident). The OS keeps the pages cached while memory allows and drops
them under pressure, which a process's own buffer could never do.

No library offers "bytes that live in the page cache and can be searched with
``bytes.find``"; this is ``mmap`` plus ``madvise(MADV_DONTNEED)``. Where a file cannot
be written (or mapping is unsupported), the texts stay in memory as before.
"""

from __future__ import annotations

import contextlib
import logging
import mmap
import os
import tempfile
import weakref
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

Buffer = bytes | bytearray | mmap.mmap  # the search texts, one after another

# Map files where a mapped file may be replaced or deleted (POSIX); elsewhere read them.
MAP = os.name == "posix"
_DONTNEED: int | None = getattr(mmap, "MADV_DONTNEED", None) if MAP else None
_PAGE = mmap.PAGESIZE
COPY_SLICE = 4 << 20  # bytes copied (and released) at a time when rewriting


def _private_file(path: Path) -> Any:
    """Open ``path`` for writing, readable by its owner only (0600, as the cache and the
    journals are): it holds the text of every entry of the folder."""
    flags = os.O_RDWR | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags | getattr(os, "O_BINARY", 0), 0o600)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)  # a file left by an older version may be 0644
        return os.fdopen(fd, "w+b")
    except BaseException:
        os.close(fd)
        raise


class MappedText(mmap.mmap):
    """A read-only mapping of a text file that keeps a descriptor of the file, so a
    rebuild copies the kept ranges inside the kernel (``os.copy_file_range``)."""

    fd: int

    @classmethod
    def of(cls, fileno: int, size: int) -> MappedText:
        mapped = cls(fileno, size, access=mmap.ACCESS_READ)
        mapped.fd = os.dup(fileno)
        weakref.finalize(mapped, os.close, mapped.fd)
        return mapped


def release(buffer: Buffer, lo: int, hi: int) -> None:
    """Hand the pages of ``buffer[lo:hi]`` back to the OS file cache (mapped files only).

    The data stays where it is: the next read maps the cached page again (a minor
    fault, no disk read while the OS keeps it cached). Memory buffers are left alone.
    """
    if _DONTNEED is None or not isinstance(buffer, mmap.mmap):
        return
    lo -= lo % _PAGE
    hi = min(hi, len(buffer))
    if hi > lo:
        with contextlib.suppress(OSError, ValueError):
            buffer.madvise(_DONTNEED, lo, hi - lo)


def pread_exact(fd: int, length: int, offset: int) -> bytes:
    """Bytes ``offset`` to ``offset + length`` of the file ``fd`` (``os.pread`` may
    return fewer); OSError if the file is shorter."""
    chunks = []
    while length > 0:
        chunk = os.pread(fd, length, offset)
        if not chunk:
            raise OSError(f"the file ends before byte {offset + length}")
        chunks.append(chunk)
        offset, length = offset + len(chunk), length - len(chunk)
    return b"".join(chunks)


class TextSink:
    """Search texts being written, in order: to a file (mapped once complete) or memory.

    ``path`` names the file to create (the index cache's); without it the file is an
    unnamed temporary one in ``directory`` (gone when no longer mapped). When no file can
    be created or written, the texts written so far move to memory and the rest follow.
    """

    def __init__(
        self, path: Path | None = None, directory: Path | None = None, *, memory: bool = False
    ) -> None:
        self.path: Path | None = None
        self.size = 0
        self._memory: bytearray | None = bytearray() if memory else None
        self._stream: Any = None
        if memory:
            return
        try:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                self._stream = _private_file(path)
                self.path = path
            else:
                if directory is not None:
                    directory.mkdir(parents=True, exist_ok=True)
                self._stream = tempfile.TemporaryFile(  # noqa: SIM115 - closed by finish/abort
                    prefix="glossary-search-", dir=directory
                )
        except OSError as exc:
            log.warning("search text kept in memory (no file: %s)", exc)
            self._memory = bytearray()

    @property
    def in_memory(self) -> bool:
        return self._memory is not None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._memory is None:
            try:
                self._stream.write(data)
            except OSError as exc:
                self._to_memory(exc)
        if self._memory is not None:
            self._memory += data
        self.size += len(data)

    def _to_memory(self, exc: OSError) -> None:
        """The file failed (disk full...): what it holds moves to memory."""
        log.warning("search text moved to memory (writing its file failed: %s)", exc)
        stream, self._stream = self._stream, None
        stream.flush()
        stream.seek(0)
        self._memory = bytearray(stream.read(self.size))
        self._close(stream)

    def finish(self) -> Buffer:
        """The texts written, to search: mapped from the file, or the memory buffer."""
        if self._memory is not None:
            return self._memory
        stream, self._stream = self._stream, None
        try:
            stream.flush()
            if self.size == 0:
                return bytearray()
            if MAP:
                return MappedText.of(stream.fileno(), self.size)
            stream.seek(0)
            return bytearray(stream.read(self.size))
        finally:
            stream.close()  # a mapping keeps its own reference to the file

    def copy_file_range(self, fd: int, lo: int, hi: int) -> int:
        """Append bytes ``lo:hi`` of the file ``fd`` inside the kernel; how many were
        copied (fewer, even 0, where the kernel or the file system cannot)."""
        copy = getattr(os, "copy_file_range", None)
        if self._memory is not None or copy is None:
            return 0
        stream = self._stream
        done = 0
        try:
            stream.flush()
            target = stream.fileno()
            while done < hi - lo:
                step = copy(fd, target, hi - lo - done, lo + done, self.size + done)
                if step <= 0:
                    break
                done += step
        except OSError:
            pass  # not here (another file system, an old kernel): the caller copies
        self.size += done
        stream.seek(self.size)
        return done

    def close(self) -> bool:
        """Stop writing, keeping the file unmapped; False if the texts are not all in
        it (it could not be made or written: they went to memory)."""
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.close()
        return self._memory is None

    def append_from(self, fd: int, lo: int, hi: int) -> None:
        """Append bytes ``lo:hi`` of the file ``fd``: inside the kernel where it can,
        else read and written a slice at a time."""
        lo += self.copy_file_range(fd, lo, hi)
        for start in range(lo, hi, COPY_SLICE):
            self.write(pread_exact(fd, min(hi, start + COPY_SLICE) - start, start))

    def abort(self) -> None:
        """Give up: close the file and remove it if it was named."""
        stream, self._stream = self._stream, None
        if stream is not None:
            self._close(stream)
        self._memory = None

    def _close(self, stream: Any) -> None:
        discard(stream, self.path)
        self.path = None


def discard(stream: Any, path: Path | None) -> None:
    """Close ``stream`` and remove ``path``, whatever fails (giving up on a file)."""
    if stream is not None:
        with contextlib.suppress(OSError):
            stream.close()
    if path is not None:
        with contextlib.suppress(OSError):
            path.unlink()


def copy_range(buffer: Buffer, lo: int, hi: int, sink: TextSink) -> None:
    """Write ``buffer[lo:hi]`` to ``sink``: in the kernel from a mapped file, else a slice
    at a time, releasing what was read."""
    if isinstance(buffer, MappedText):
        lo += sink.copy_file_range(buffer.fd, lo, hi)
    for start in range(lo, hi, COPY_SLICE):
        end = min(hi, start + COPY_SLICE)
        sink.write(buffer[start:end])
        release(buffer, start, end)

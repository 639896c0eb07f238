"""Parsing in a process pool on every core, each worker returning packed chunks.

``fork`` where it is safe (the command line), else a fork server that has imported
this module once, or ``spawn``. A worker appends its chunks to a spill file when it
can (see :class:`_SpillFile`) and sends only where they lie. When a worker dies, the
chunks not yet handed on are parsed one process each, halved down to the file that
kills its process, which becomes a ``parse-error`` row.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from pathlib import Path

from editor.content import index_cache
from editor.content.errors import ContentError
from editor.content.gc_pause import collector_off_for_good
from editor.content.index.chunk_parser import InProcessParser
from editor.content.index.chunks import PACKED_SPILL, Packed, ParsedChunk, Spilled
from editor.content.index.parse import error_parts, parse_files
from editor.content.index.records import Progress
from editor.content.index.rows import FileParts
from editor.content.index.scan import Listed
from editor.content.read_ahead import READ_FLAGS
from editor.content.schema import SchemaRegistry
from editor.content.seo import SeoConfig
from editor.content.text_file import MAP

log = logging.getLogger(__name__)

CHUNK_MAX = 400


# --- in the worker processes -------------------------------------------------------------


class _SpillFile:
    """Where this worker appends its chunks (see :meth:`write`).

    Why: a chunk is ~1.5 MB (~190 MB at 50k entries, most of it search text). Through
    the pool's pipe it is pickled, pushed 64 KB at a time, read and unpickled; from a
    file the main process reads the rows in one call and copies the texts into its
    text file inside the kernel. Measured on 50k entries (bench/RESULTS.md, 2026-12-06):
    the cold build took 14-25 % longer with spilling off (median 4.52 s against 3.75 s).

    (Starting the fork server early, while the window lists the names, was measured
    in the same runs and bought nothing, so the server starts with the pool.)
    """

    def __init__(self, folder: str | None) -> None:
        self.folder = folder  # None: no spilling (none asked for, or it failed)
        self.path = ""
        self.fd = -1
        self.offset = 0

    def write(self, parts: tuple[bytes, bytes, bytes]) -> Spilled | None:
        """Append a chunk's marshalled rows, facts and search texts: ``(path, offset,
        lengths)``, or None to send them through the pipe after all."""
        if self.folder is None:
            return None
        try:
            if self.fd < 0:
                self.path = f"{self.folder}{os.sep}{os.getpid()}.chunks"
                flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
                self.fd = os.open(self.path, flags, 0o600)
            for part in parts:
                view = memoryview(part)
                while view:
                    view = view[os.write(self.fd, view) :]
        except OSError:
            self.folder = None  # e.g. the disk is full: the pipe from now on
            return None
        lengths = (len(parts[0]), len(parts[1]), len(parts[2]))
        offset = self.offset
        self.offset += sum(lengths)
        return self.path, offset, lengths


class _Worker:
    """A worker process's context, set once by the pool's initializer."""

    folder = ""
    registry: SchemaRegistry | None = None
    config: SeoConfig | None = None
    spill = _SpillFile(None)


def _init_worker(
    folder: str, registry: SchemaRegistry, config: SeoConfig, spill: str | None = None
) -> None:
    _Worker.folder, _Worker.registry, _Worker.config = folder, registry, config
    _Worker.spill = _SpillFile(spill)
    collector_off_for_good()  # a worker only makes short-lived acyclic tuples


def _parse_chunk(items: list[Listed]) -> Packed:
    """A chunk's rows, packed as plain bytes (see :mod:`.chunks`)."""
    assert _Worker.registry is not None and _Worker.config is not None
    parsed = parse_files(_Worker.folder, items, _Worker.registry, _Worker.config)
    return parsed.pack(_Worker.spill.write((parsed.blob, parsed.facts_blob, parsed.texts)))


# --- in the main process -----------------------------------------------------------------


def _spill_folder() -> str | None:
    """A new folder for the workers' spill files (see :class:`_SpillFile`), next to the
    text files they are copied into (one file system: the copy stays in the kernel);
    None where files are not mapped or the folder cannot be made."""
    if not MAP:
        return None
    try:
        folder = index_cache.cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return tempfile.mkdtemp(prefix="spill-", dir=folder)
    except OSError:
        return None


def pool_context() -> BaseContext:
    """How to start the workers: never fork a process that may be running Qt threads.

    ``fork`` starts a worker in milliseconds with everything loaded, but is only safe in
    a process that runs no other thread: the command line, not the window (Qt is never
    imported by the core, so its presence means a GUI). Otherwise ``forkserver``, whose
    server imports this module once so each worker starts with it loaded, or ``spawn``.
    """
    methods = multiprocessing.get_all_start_methods()
    if (
        sys.platform.startswith("linux")
        and "fork" in methods
        and threading.active_count() == 1
        and not any(name.startswith(("PySide6", "PyQt")) for name in sys.modules)
    ):
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        return context
    return multiprocessing.get_context("spawn")


class PoolParser:
    """Parses in a pool of ``workers`` processes, handing chunks on in the files' order."""

    def __init__(
        self, folder: str, registry: SchemaRegistry, config: SeoConfig, workers: int
    ) -> None:
        self.folder, self.registry, self.config, self.workers = folder, registry, config, workers

    def chunks(self, todo: list[Listed], done: int, total: int) -> Iterator[ParsedChunk | Progress]:
        chunk = max(50, min(CHUNK_MAX, len(todo) // (self.workers * 8) or 1))
        chunks = [todo[i : i + chunk] for i in range(0, len(todo), chunk)]
        emitted = 0  # chunks handed out, in order
        spill = _spill_folder()
        spill_fds: dict[str, int] = {}
        try:
            with ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=pool_context(),
                initializer=_init_worker,
                initargs=(self.folder, self.registry, self.config, spill),
            ) as pool:
                submitted = [pool.submit(_parse_chunk, c) for c in chunks]
                sizes = {f: len(c) for f, c in zip(submitted, chunks, strict=True)}
                futures: list[Future[Packed] | None] = list(submitted)
                del submitted
                pending = set(sizes)
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    done += sum(sizes.pop(f) for f in finished)
                    # Hand rows on in path order (chunks finish nearly in order anyway).
                    while emitted < len(futures):
                        future = futures[emitted]
                        if future is None or not future.done():
                            break
                        yield self._unpack(future.result(), spill_fds)
                        futures[emitted] = None  # the rows are the caller's now
                        emitted += 1
                    yield Progress(done, total, "parse")
        except BrokenProcessPool as exc:  # a worker died: parse the rest chunk by chunk
            log.warning("a parsing process died (%s); parsing the rest one chunk at a time", exc)
            done = total - sum(map(len, chunks[emitted:]))
            for parsed in self._parse_isolated(chunks[emitted:]):
                done += len(parsed.rows)
                yield parsed
                yield Progress(done, total, "parse")
        except OSError as exc:  # no pool here: carry on in-process
            log.warning("process pool failed (%s); parsing in this process", exc)
            here = InProcessParser(self.folder, self.registry, self.config)
            for items in chunks[emitted:]:
                yield here.parse(items)
            yield Progress(total, total, "parse")
        finally:
            for fd in spill_fds.values():
                os.close(fd)
            if spill is not None:
                shutil.rmtree(spill, ignore_errors=True)

    @staticmethod
    def _unpack(packed: Packed, spill_fds: dict[str, int]) -> ParsedChunk:
        """A worker's chunk, from its packed bytes or from its spill file."""
        spilled = packed[PACKED_SPILL]
        if spilled is None:
            return ParsedChunk.unpack(packed)
        path = spilled[0]
        fd = spill_fds.get(path)
        if fd is None:
            fd = spill_fds[path] = os.open(path, READ_FLAGS)
        return ParsedChunk.unspill(packed, fd)

    def _parse_isolated(self, chunks: list[list[Listed]]) -> Iterator[ParsedChunk]:
        """Parse ``chunks`` in order, each in a process of its own; a chunk whose process
        dies is halved until the file that kills it is found, which becomes a
        ``parse-error`` row. The guards make this a last resort (a crash in a C
        library, the OOM killer): the build goes on, and this process is never the one
        to run a file that crashes."""
        queue = deque(chunks)
        while queue:
            items = queue.popleft()
            try:
                with ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=pool_context(),
                    initializer=_init_worker,
                    initargs=(self.folder, self.registry, self.config, None),
                ) as pool:
                    packed = pool.submit(_parse_chunk, items).result()
            except BrokenProcessPool:
                if len(items) > 1:
                    half = len(items) // 2
                    queue.extendleft((items[half:], items[:half]))
                    continue
                yield ParsedChunk.of([self._crashed(*items[0])])
                continue
            yield ParsedChunk.unpack(packed)

    def _crashed(self, rel: str, size: int, mtime_ns: int) -> FileParts:
        """The row of a file whose parsing killed its process."""
        log.warning("%s: parsing it stopped the parsing process", rel)
        try:  # its size and mtime, so that a warm reopen takes the row from the cache
            st = Path(self.folder, rel).stat()
            size, mtime_ns = st.st_size, st.st_mtime_ns
        except OSError:
            pass
        err = ContentError(
            "could not be checked: reading it stopped the parsing process", Path(rel)
        )
        return error_parts(rel, size, mtime_ns, err, self.config)

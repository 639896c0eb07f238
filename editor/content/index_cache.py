"""The corpus index's cache: one file per content folder in the user cache dir.

A file's row is reused when its relative path, size and mtime_ns are unchanged; the
whole cache is dropped when its *fingerprint* differs (cache format, app version,
parser versions, schemas, SEO settings), so a rule or schema change recomputes every
finding. The corpus rules' findings are kept too: they are reused when no file changed.

Rows are written with :mod:`marshal`, not pickle: they are plain tuples of str, int
and None, which marshal reads several times faster (and it shares repeated interned
strings); the filter's search texts follow as the index keeps them, one buffer (its
offsets and letter masks are in the marshalled part), mapped back in one piece. marshal's
format may change between Python versions, so the version is part of the fingerprint.
A cache that cannot be read for any reason is treated as absent (and replaced on the
next save): a cache never stops the app.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import marshal
import mmap
import os
import struct
import sys
import tempfile
import threading
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

import editor
from editor.content.schema import SchemaRegistry
from editor.content.seo import SeoConfig

log = logging.getLogger("editor.index")

CACHE_FORMAT = 4
APP_NAME = "glossary-editor"

Row = tuple[Any, ...]
Buffer = bytes | bytearray | mmap.mmap  # the filter's search texts, one after another


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME)) / "index"


def cache_path(folder: Path) -> Path:
    """The cache file of a content folder, named from a hash of its resolved path."""
    digest = hashlib.sha256(str(folder.resolve()).encode("utf-8", "surrogatepass")).hexdigest()
    return cache_dir() / f"{digest[:24]}.index"


def fingerprint(registry: SchemaRegistry, config: SeoConfig, parser: str) -> str:
    """Changes whenever cached findings could be stale: format, versions, schemas, rules."""
    import yaml

    parts = [
        f"format={CACHE_FORMAT}",
        f"app={editor.__version__}",
        f"pyyaml={yaml.__version__}",
        f"parser={parser}",
        f"python={sys.version_info[:2]}",
        f"config={config.fingerprint()}",
    ]
    for name in registry.names():
        schema = registry[name]
        # repr of the frozen dataclasses lists every field attribute, in order.
        parts.append(f"schema={name}:{schema.fields!r}:{schema.title_key}:{schema.generic}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@dataclass
class Payload:
    """What a cache holds: rows, corpus findings and the filter's search buffer.

    A row's last field, its SEO facts (the largest part, needed only to run the corpus
    rules again), is kept apart, still marshalled: :meth:`load_facts` reads it when
    asked. A reopen of an unchanged folder reuses the corpus findings and never does.
    """

    rows: list[Row]  # the rows without their facts
    corpus: list[Row]
    buffer: Buffer  # every row's search text, each followed by b"\n"
    starts: array[int]  # starts[i] .. starts[i + 1] - 1 is row i's text
    masks: array[int]  # which ASCII letters each row holds
    facts: list[bytes]  # the rows' facts, as marshalled lists, in row order

    def text_view(self) -> memoryview:
        return memoryview(self.buffer)

    def load_facts(self) -> list[Any]:
        """Every row's facts (``FactsRow`` or None), in row order."""
        return load_facts(self.facts)


def load_facts(pieces: Sequence[bytes]) -> list[Any]:
    """The facts of :attr:`Payload.facts`'s pieces, in one list."""
    facts: list[Any] = []
    collecting = gc.isenabled()
    gc.disable()
    try:
        for piece in pieces:
            facts += marshal.loads(piece)
    finally:
        if collecting:
            gc.enable()
    return facts


# magic, offset and length of the marshalled head, offset of the search buffer
_HEADER = struct.Struct("<8sQQQ")
_MAGIC = b"GEIDX\x00\x00\x07"
# The search buffer starts at a multiple of this, so it can be mapped in place.
_ALIGN = max(mmap.ALLOCATIONGRANULARITY, 1 << 16)
# Map the buffer (no copy: pages come from the OS's file cache as the filter reads
# them) where replacing a mapped file is allowed; elsewhere (Windows) read it.
_MAP = os.name == "posix"
# Rows are marshalled in pieces: marshal holds the GIL for a whole call, and a window
# reading or writing its cache from a worker thread must not freeze that long.
_PIECE_ROWS = 4000

_pending: dict[Path, threading.Thread] = {}  # cache writes still running, per file


class _OtherFormatError(ValueError):
    """The cache file was written by another version of the cache format."""


def wait_for_writes(folder: Path | None = None) -> None:
    """Wait until the background write of ``folder``'s cache (or of all) has ended."""
    for path, thread in list(_pending.items()):
        if folder is None or path == cache_path(folder):
            thread.join()
            _pending.pop(path, None)


def load(folder: Path, key: str) -> Payload | None:
    """The cached payload for ``folder`` if it was written with fingerprint ``key``."""
    path = cache_path(folder)
    wait_for_writes(folder)
    try:
        with path.open("rb", buffering=0) as stream:
            magic, at, length, offset = _HEADER.unpack(stream.read(_HEADER.size))
            if magic != _MAGIC:
                raise _OtherFormatError(path)
            stream.seek(at)
            stored_key, _folder, corpus, starts, masks, pieces = marshal.loads(
                _read_exactly(stream, length)
            )
            if stored_key != key:
                return None
            stream.seek(_HEADER.size)
            rows: list[Row] = []
            facts: list[bytes] = []
            collecting = gc.isenabled()
            gc.disable()  # a million new tuples, no cycle: collections would be waste
            try:
                for rows_length, facts_length in pieces:
                    rows += marshal.loads(_read_exactly(stream, rows_length))
                    facts.append(_read_exactly(stream, facts_length))
            finally:
                if collecting:
                    gc.enable()
            size = os.fstat(stream.fileno()).st_size - offset
            buffer: bytes | mmap.mmap
            if _MAP and size > 0:
                buffer = mmap.mmap(stream.fileno(), size, access=mmap.ACCESS_READ, offset=offset)
            else:
                stream.seek(offset)
                buffer = stream.read()
        if not isinstance(corpus, list):
            raise ValueError("the findings are not a list")
        starts_array, masks_array = array("q"), array("Q")
        starts_array.frombytes(starts)
        masks_array.frombytes(masks)
        if not (
            len(starts_array) == len(rows) + 1 == len(masks_array) + 1
            and starts_array[-1] == len(buffer)
        ):
            raise ValueError("the search buffer does not match the rows")
    except FileNotFoundError:
        return None
    except _OtherFormatError:  # written by another version: expected after an upgrade
        log.info("index cache %s is from another version; rebuilding it", path)
        return None
    except Exception as exc:  # truncated, corrupt...
        log.warning("ignoring unreadable index cache %s: %s", path, exc)
        return None
    return Payload(rows, corpus, buffer, starts_array, masks_array, facts)


def _read_exactly(stream: Any, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise ValueError("truncated")
    return bytes(data)


def save(
    folder: Path,
    key: str,
    rows: Sequence[Row],
    corpus: Sequence[Row],
    search: tuple[Buffer, array[int], array[int]],
    *,
    background: bool = False,
) -> None:
    """Write the cache atomically (temp file + rename); failure only logs.

    ``rows`` are whole rows, their facts last. Layout: a header, the rows in marshalled
    pieces (each the rows without facts, then their facts), the marshalled head (findings,
    search offsets, the pieces' lengths), then (at an aligned offset) the search buffer
    as it is, written from the index's own buffer: saving never holds a second copy of
    the data, only one piece at a time. With ``background`` the last part runs in a
    thread (the next :func:`load` of the folder waits for it); the caller must then
    leave the buffer unchanged until :func:`wait_for_writes` returns.
    """
    writer = Writer(folder)
    for start in range(0, len(rows), _PIECE_ROWS):
        piece = rows[start : start + _PIECE_ROWS]
        writer.piece(
            marshal.dumps([row[:-1] for row in piece]), marshal.dumps([row[-1] for row in piece])
        )
    writer.finish(key, corpus, search, background=background)


class Writer:
    """A cache file written as the rows come: :meth:`piece` by piece, then :meth:`finish`.

    The corpus index hands on the marshalled rows its workers send, so a cold build's
    rows are never marshalled twice nor held in memory for the cache. Failures only log
    (and leave no temporary file); the cache is then simply not written.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = cache_path(folder)
        self.pieces: list[tuple[int, int]] = []
        self.finishing = False
        self.stream: Any = None
        self.tmp: Path | None = None
        wait_for_writes(folder)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=self.path.name, suffix=".tmp", dir=self.path.parent)
            self.tmp = Path(tmp)
            self.stream = os.fdopen(fd, "wb")
            self.stream.write(bytes(_HEADER.size))  # filled in at the end
        except OSError as exc:
            self._failed(exc)

    def _failed(self, exc: BaseException) -> None:
        log.warning("could not write the index cache %s: %s", self.path, exc)
        self.abort()

    def abort_unfinished(self) -> None:
        """:meth:`abort` unless :meth:`finish` was called."""
        if not self.finishing:
            self.abort()

    def abort(self) -> None:
        """Give up: close and remove the temporary file."""
        stream, self.stream = self.stream, None
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
        if self.tmp is not None:
            with contextlib.suppress(OSError):
                self.tmp.unlink()
            self.tmp = None

    def piece(self, rows: bytes, facts: bytes) -> None:
        """Add the next rows: ``marshal.dumps`` of the rows without their facts, and of
        the list of their facts."""
        if self.stream is None:
            return
        try:
            self.pieces.append((self.stream.write(rows), self.stream.write(facts)))
        except OSError as exc:
            self._failed(exc)

    def finish(
        self,
        key: str,
        corpus: Sequence[Row],
        search: tuple[Buffer, array[int], array[int]],
        *,
        background: bool = False,
    ) -> None:
        """Write the findings and the search buffer, then put the file in place."""
        if self.stream is None:
            return
        self.finishing = True
        buffer, starts, masks = search
        head = marshal.dumps(
            (
                key,
                str(self.folder.resolve()),
                list(corpus),
                starts.tobytes(),
                masks.tobytes(),
                self.pieces,
            )
        )
        if background:
            thread = threading.Thread(
                target=self._end, args=(head, buffer), name="index-cache-write"
            )
            _pending[self.path] = thread
            thread.start()
        else:
            self._end(head, buffer)

    def _end(self, head: bytes, buffer: Buffer) -> None:
        stream, tmp = self.stream, self.tmp
        assert stream is not None and tmp is not None
        try:
            at = stream.tell()
            stream.write(head)
            offset = -(-(at + len(head)) // _ALIGN) * _ALIGN
            stream.write(bytes(offset - at - len(head)))
            stream.write(buffer)
            stream.seek(0)
            stream.write(_HEADER.pack(_MAGIC, at, len(head), offset))
            stream.close()
            self.stream = None
            tmp.replace(self.path)
            self.tmp = None
        except (OSError, ValueError) as exc:
            self._failed(exc)


def clear(folder: Path) -> None:
    wait_for_writes(folder)
    with contextlib.suppress(OSError):
        cache_path(folder).unlink()

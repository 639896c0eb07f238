"""The corpus index's cache: one file per content folder in the user cache dir.

A file's row is reused when its relative path, size and mtime_ns are unchanged; the
whole cache is dropped when its *fingerprint* differs (cache format, app version,
parser versions, schemas, SEO settings), so a rule or schema change recomputes every
finding. The corpus rules' findings are kept too, and every finding in the order the
``check`` command reports them: both are reused when no file changed.

Rows are written with :mod:`marshal`, not pickle: they are plain tuples of str, int
and None, which marshal reads several times faster (and it shares repeated interned
strings). The filter's search texts are a second file beside it, named in the first
(``<hash>-<token>.text``: the index writes it while it builds and reads it mapped, see
:mod:`editor.content.text_file`), so a cold build never copies them again. marshal's
format may change between Python versions, so the version is part of the fingerprint.
A cache that cannot be read for any reason is treated as absent (and replaced on the
next save): a cache never stops the app.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import os
import secrets
import struct
import sys
import tempfile
import threading
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

import editor
from editor.content import text_file
from editor.content.gc_pause import gc_paused
from editor.content.schema import SchemaRegistry
from editor.content.seo import SeoConfig
from editor.content.text_file import Buffer

if TYPE_CHECKING:
    from editor.content.index.rows import ParsedRow, RecordRow
    from editor.content.seo.rules import FactsRow, FindingRow

log = logging.getLogger(__name__)

# 6: the check's order kept with it; 7: the facts hold digests of title and description;
# 8: the search text holds the body's Markdown links (the link rules read them there);
# 9: they are out of the search text, in a column after an entry's facts instead
CACHE_FORMAT = 9
APP_NAME = "glossary-editor"


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME)) / "index"


def cache_path(folder: Path) -> Path:
    """The cache file of a content folder, named from a hash of its resolved path."""
    digest = hashlib.sha256(str(folder.resolve()).encode("utf-8", "surrogatepass")).hexdigest()
    return cache_dir() / f"{digest[:24]}.index"


def new_text_path(folder: Path) -> Path:
    """A new, unused name for a search-text file of ``folder``'s cache."""
    return cache_path(folder).with_suffix(f".{secrets.token_hex(6)}.text")


def _text_files(folder: Path) -> list[Path]:
    stem = cache_path(folder).with_suffix("").name
    return sorted(cache_dir().glob(f"{stem}.*.text"))


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
    parts.append(f"site={registry.fingerprint_text()}")  # the site's CMS setup, SEO mapping
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@dataclass
class Payload:
    """What a cache holds: rows, corpus findings and the filter's search buffer.

    A row's last field, its SEO facts (the largest part, needed only to run the corpus
    rules again), is kept apart, still marshalled: :meth:`load_facts` reads it when
    asked. A reopen of an unchanged folder reuses the corpus findings and never does.
    """

    rows: list[ParsedRow]  # the rows without their facts
    corpus: list[FindingRow]
    buffer: Buffer  # every row's search text, each followed by b"\n"
    starts: array[int]  # starts[i] .. starts[i + 1] - 1 is row i's text
    masks: array[int]  # which ASCII letters each row holds
    facts: list[bytes]  # the rows' facts, as marshalled lists, in row order
    text_path: Path | None = None  # the file ``buffer`` comes from
    # The check's order of the findings (``CorpusIndex.ordered_finding_rows``): the
    # bytes of an array of positions; None when not written.
    ordered: bytes | None = None

    def text_view(self) -> memoryview:
        return memoryview(self.buffer)

    def load_facts(self) -> list[FactsRow | None]:
        """Every row's facts (``FactsRow`` or None), in row order."""
        return load_facts(self.facts)


def load_facts(pieces: Sequence[bytes]) -> list[FactsRow | None]:
    """The facts of :attr:`Payload.facts`'s pieces, in one list."""
    facts: list[FactsRow | None] = []
    with gc_paused():  # tens of thousands of new tuples, no cycle
        for piece in pieces:
            facts += marshal.loads(piece)
    return facts


# magic, offset and length of the marshalled head
_HEADER = struct.Struct("<8sQQ")
# A new last byte with every change of the file's layout (9: the check's order in the
# head), so a cache of the layout before is told apart ("another version", rebuilt
# quietly) rather than failing to read ("unreadable", a warning).
_MAGIC = b"GEIDX\x00\x00\x09"
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
            magic, at, length = _HEADER.unpack(stream.read(_HEADER.size))
            if magic != _MAGIC:
                raise _OtherFormatError(path)
            stream.seek(at)
            stored_key, _folder, corpus, starts, masks, pieces, text_name, ordered = marshal.loads(
                _read_exactly(stream, length)
            )
            if stored_key != key:
                return None
            stream.seek(_HEADER.size)
            rows: list[ParsedRow] = []
            facts: list[bytes] = []
            with gc_paused():  # a million new tuples, no cycle: collections would be waste
                for rows_length, facts_length in pieces:
                    rows += marshal.loads(_read_exactly(stream, rows_length))
                    facts.append(_read_exactly(stream, facts_length))
        if (
            not isinstance(corpus, list)
            or not isinstance(text_name, str)
            or not isinstance(ordered, bytes | None)
        ):
            raise ValueError("the head is not as written")
        starts_array, masks_array = array("q"), array("Q")
        starts_array.frombytes(starts)
        masks_array.frombytes(masks)
        text_path = cache_dir() / Path(text_name).name
        buffer = _map_text(text_path, starts_array[-1] if starts_array else 0)
        if not len(starts_array) == len(rows) + 1 == len(masks_array) + 1:
            raise ValueError("the search buffer does not match the rows")
    except FileNotFoundError:
        return None
    except _OtherFormatError:  # written by another version: expected after an upgrade
        log.info("index cache %s is from another version; rebuilding it", path)
        return None
    except Exception as exc:  # truncated, corrupt...
        log.warning("ignoring unreadable index cache %s: %s", path, exc)
        return None
    return Payload(rows, corpus, buffer, starts_array, masks_array, facts, text_path, ordered)


def _map_text(path: Path, size: int) -> Buffer:
    """The search-text file, mapped (or read where mapping is not used)."""
    with path.open("rb", buffering=0) as stream:
        if os.fstat(stream.fileno()).st_size != size:
            raise ValueError(f"{path.name} is not the size the cache says")
        if size == 0:
            return bytearray()
        if text_file.MAP:
            return text_file.MappedText.of(stream.fileno(), size)
        return bytearray(stream.read())


def _read_exactly(stream: Any, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise ValueError("truncated")
    return bytes(data)


def save(
    folder: Path,
    key: str,
    rows: Sequence[RecordRow],
    corpus: Sequence[FindingRow],
    search: tuple[Buffer, array[int], array[int]],
    *,
    text_path: Path | None = None,
    background: bool = False,
    ordered: bytes | None = None,
) -> None:
    """Write the cache atomically (temp file + rename); failure only logs.

    ``rows`` are whole rows, their facts last. Layout: a header, the rows in marshalled
    pieces (each the rows without facts, then their facts), then the marshalled head
    (findings, search offsets, the pieces' lengths, the name of the search-text file).
    ``text_path`` is the file the search buffer is mapped from when it is one of this
    cache's (:func:`new_text_path`); otherwise the buffer is written to a new one. With
    ``background`` that part runs in a thread (the next :func:`load` of the folder waits
    for it); the buffer is never changed in place, so the caller may go on meanwhile.
    """
    writer = Writer(folder)
    for start in range(0, len(rows), _PIECE_ROWS):
        piece = rows[start : start + _PIECE_ROWS]
        writer.piece(
            marshal.dumps([row[:-1] for row in piece]), marshal.dumps([row[-1] for row in piece])
        )
    writer.finish(key, corpus, search, text_path, background=background, ordered=ordered)


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
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # mkstemp makes it 0600: the cache holds every entry's facts
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
        text_file.discard(stream, self.tmp)
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
        corpus: Sequence[FindingRow],
        search: tuple[Buffer, array[int], array[int]],
        text_path: Path | None = None,
        *,
        background: bool = False,
        ordered: bytes | None = None,
    ) -> None:
        """Write the head (and the search texts unless ``text_path`` holds them), then
        put the file in place and remove the folder's other search-text files.
        ``ordered``: the check's order of the findings, as bytes (or None)."""
        if self.stream is None:
            return
        self.finishing = True
        buffer, starts, masks = search
        if text_path is not None and text_path.parent != self.path.parent:
            text_path = None  # not one of the cache's files: write the texts anew
        if background:
            thread = threading.Thread(
                target=self._end,
                args=(key, corpus, buffer, starts, masks, text_path, ordered),
                name="index-cache-write",
            )
            _pending[self.path] = thread
            thread.start()
        else:
            self._end(key, corpus, buffer, starts, masks, text_path, ordered)

    def _end(  # noqa: PLR0917 - finish's arguments, handed to a thread
        self,
        key: str,
        corpus: Sequence[FindingRow],
        buffer: Buffer,
        starts: array[int],
        masks: array[int],
        text_path: Path | None,
        ordered: bytes | None,
    ) -> None:
        stream, tmp = self.stream, self.tmp
        assert stream is not None and tmp is not None
        written: Path | None = None
        try:
            if text_path is None:
                written = text_path = new_text_path(self.folder)
                texts = text_file.TextSink(text_path)
                text_file.copy_range(buffer, 0, len(buffer), texts)
                if not texts.close():
                    raise OSError(f"could not write {text_path.name}")
            head = marshal.dumps(
                (
                    key,
                    str(self.folder.resolve()),
                    list(corpus),
                    starts.tobytes(),
                    masks.tobytes(),
                    self.pieces,
                    text_path.name,
                    ordered,
                )
            )
            at = stream.tell()
            stream.write(head)
            stream.seek(0)
            stream.write(_HEADER.pack(_MAGIC, at, len(head)))
            stream.close()
            self.stream = None
            tmp.replace(self.path)
            self.tmp = None
        except (OSError, ValueError) as exc:
            if written is not None:
                with contextlib.suppress(OSError):
                    written.unlink()
            self._failed(exc)
            return
        for other in _text_files(self.folder):
            if other.name != text_path.name:
                with contextlib.suppress(OSError):  # mapped elsewhere (Windows): next time
                    other.unlink()


def clear(folder: Path) -> None:
    wait_for_writes(folder)
    for path in [cache_path(folder), *_text_files(folder)]:
        with contextlib.suppress(OSError):
            path.unlink()

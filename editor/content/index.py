"""The corpus index: one compact record per content file, its findings and a fast filter.

Building is a generator of :class:`Progress` steps, so the window (from a worker
thread) and the terminal drive the same code. The file names are known right after the
first step (``index.paths``), long before parsing ends. Files are parsed in a process
pool (both cores) in chunks; each worker returns plain tuples with the per-entry
findings already computed, and the corpus rules (duplicates, broken links) run in the
main process over the small facts tuples. Rows are cached per folder
(:mod:`editor.content.index_cache`), so reopening an unchanged folder parses nothing.

The filter's text lives in :mod:`editor.content.search`.
"""

from __future__ import annotations

import bisect
import gc
import logging
import marshal
import multiprocessing
import os
import shutil
import stat
import sys
import tempfile
import threading
from array import array
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, NamedTuple

from editor.content import fast_yaml, frontmatter, index_cache
from editor.content.errors import ContentError, ParseError
from editor.content.gc_pause import GcPaused
from editor.content.read_ahead import READ_FLAGS, needs_reading_ahead, opened_ahead
from editor.content.safe_read import MAX_CONTENT_BYTES
from editor.content.schema import SchemaRegistry
from editor.content.search import (
    OVERRIDES_MAX,
    SearchBuilder,
    SearchJob,
    SearchText,
    collect_values,
    letter_mask,
    search_bytes,
    search_text,
    value_text,
)
from editor.content.seo import (
    Finding,
    SeoConfig,
    SeoFacts,
    finding_from_error,
    load_config,
)
from editor.content.seo.link_rules import LinkFacts, WholeCorpusRules, link_facts, link_findings
from editor.content.seo.rules import (
    CorpusTally,
    FactsRow,
    FindingRow,
    check_corpus_rows,
    check_entry_rows,
    facts_from_row,
    finding_of,
)
from editor.content.text_file import MAP, TextSink, pread_exact, release

log = logging.getLogger("editor.index")

POOL_MIN_FILES = 1500  # below this a process pool costs more than it saves
CHUNK_MAX = 400
BACKGROUND_SAVE_MIN = 5000  # rows from which the cache is written in a background thread
TEXT_FILE_MIN = 2000  # entries from which the search texts live in a file, not in memory
_RANK = {"error": 0, "warning": 1, "info": 2}
_BY_RANK = ("error", "warning", "info", "")
_NO_SEVERITY = 3

# A record's fields as a tuple (worker -> main process -> cache), its facts apart.
Row = tuple[Any, ...]
# What :func:`parse_file` gives: the row, its facts, and its search text and letter
# mask (which go to the index's search buffer instead of the record). Kept apart so a
# chunk is packed without slicing every row.
FileParts = tuple[Row, FactsRow | None, bytes, int]


class Progress(NamedTuple):
    """One step of :meth:`CorpusIndex.build`: ``done`` of ``total`` files in ``phase``."""

    done: int
    total: int
    phase: str  # scan | cache | parse | check | done


@dataclass
class IndexChange:
    """What :meth:`CorpusIndex.update_paths` did, as relative paths."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    # Other entries whose corpus findings (and so maybe severity) changed with these:
    # a duplicate group joined or left, a link target that came or went.
    refreshed: list[str] = field(default_factory=list)
    # Whether any entry's URL or title came, went or changed (link completion and the
    # preview's link titles need redoing only then).
    links_changed: bool = False


class EntryRecord:
    """One content file as the list, the filter and the bulk check need it.

    Built positionally from a row tuple (``EntryRecord(*row[:12])``). Findings are kept
    as tuples (made into :class:`Finding` objects only when asked for) and the search
    text lives in the index's buffer, so a record costs a few hundred bytes.
    """

    __slots__ = (
        "_corpus",
        "_error",
        "_facts",
        "_own",
        "_own_severity",
        "_row",
        "_store",
        "_text",
        "date",
        "mtime_ns",
        "path",
        "schema",
        "severity",
        "size",
        "subject",
        "title",
        "url",
    )

    def __init__(  # noqa: PLR0917 - mirrors the row tuple
        self,
        path: str,
        size: int,
        mtime_ns: int,
        schema: str,
        title: str,
        subject: str,
        url: str,
        date: str,
        severity: str,
        own: tuple[Any, ...],
        error: tuple[str, str, int | None, int | None] | None,
        facts: FactsRow | _LazyFacts | None,
    ) -> None:
        self.path = path  # relative, with "/" separators
        self.size = size
        self.mtime_ns = mtime_ns
        self.schema = schema
        self.title = title
        self.subject = subject
        self.url = url
        self.date = date  # ISO date or "" (or the text as written when not a date)
        self.severity = severity  # worst finding: error | warning | info | ""
        self._own_severity = severity  # worst of the per-entry findings only
        self._own = own  # per-entry findings, their fields flat in one tuple (see _grouped)
        self._error = error
        self._facts = facts
        self._corpus: tuple[Any, ...] = ()  # corpus findings, flat too
        self._store: SearchText | None = None  # the index's buffer holding the text...
        self._row = -1  # ...at this row
        self._text = b""  # the text itself, for a record no index holds

    @property
    def search(self) -> bytes:
        """All values and the file name, lower-cased, UTF-8 (what the filter searches)."""
        if self._store is not None:
            return self._store.text_of(self._row)
        return self._text

    def _facts_row(self) -> FactsRow | None:
        facts = self._facts
        if isinstance(facts, _LazyFacts):
            facts.load()
            facts = self._facts
            assert not isinstance(facts, _LazyFacts)
        return facts

    def row(self) -> Row:
        """The record as a row tuple (corpus findings left out: they depend on others)."""
        return (
            self.path, self.size, self.mtime_ns, self.schema, self.title, self.subject,
            self.url, self.date, self._own_severity, self._own, self._error, self._facts_row(),
        )  # fmt: skip

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Per-entry findings, then those of the corpus rules (duplicates, links)."""
        return tuple(map(finding_of, _grouped(self._own + self._corpus)))

    @property
    def error(self) -> ContentError | None:
        """Why the file could not be read or parsed, or None."""
        if self._error is None:
            return None
        kind, message, line, column = self._error
        cls = ParseError if kind == "ParseError" else ContentError
        return cls(message, self.path, line, column)

    @property
    def facts(self) -> SeoFacts | None:
        facts = self._facts_row()
        return facts_from_row(facts) if facts is not None else None

    def __repr__(self) -> str:
        return f"EntryRecord({self.path!r}, schema={self.schema!r}, severity={self.severity!r})"


class _LazyFacts:
    """The facts of records made from the cache, still marshalled (see
    ``index_cache.Payload``): read into every record at once, the first time one
    record's are needed (the corpus rules run again, the cache is written)."""

    __slots__ = ("pieces", "records")

    def __init__(self, pieces: list[bytes], records: list[EntryRecord]) -> None:
        self.pieces, self.records = pieces, records  # the records in the cache's order

    def load(self) -> None:
        records, self.records = self.records, []
        facts = index_cache.load_facts(self.pieces)
        self.pieces = []
        if len(facts) != len(records):
            raise ValueError("the index cache's facts do not match its rows")
        for record, row in zip(records, facts, strict=True):
            if record._facts is self:
                record._facts = row


# --- walking and parsing (also run in worker processes) --------------------------------


_BY_FD = os.scandir in os.supports_fd and hasattr(os, "O_DIRECTORY")


def _entries(path: str) -> tuple[list[os.DirEntry[str]], int | None]:
    """A folder's entries, and (where supported) an open descriptor of the folder.

    Listing through a descriptor makes each ``DirEntry.stat()`` a ``fstatat`` relative to
    it: no walk of the whole path per file, a quarter off a 50k-file scan.
    """
    if not _BY_FD:
        with os.scandir(path) as listing:
            return list(listing), None
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        with os.scandir(fd) as listing:
            return list(listing), fd
    except BaseException:
        os.close(fd)
        raise


def scan_folder(folder: Path, *, stat: bool = True) -> list[tuple[str, int, int]]:
    """``(relative path, size, mtime_ns)`` of every ``**/*.md``, sorted by path.

    Hidden files and folders (``.git``) are skipped; a symlinked folder is entered once
    (loops are safe); unreadable subfolders are skipped. Symlinks are followed only to
    what lies inside the folder (a link to ``/etc/passwd`` named ``x.md`` is not an
    entry), and only regular files are listed (a FIFO or a device is never opened).
    Without ``stat`` size and mtime are -1 (a cold build: the workers take them from the
    files they open, in parallel, rather than this loop one ``stat`` at a time).
    """
    root = os.fspath(folder)
    real_root = os.path.realpath(root)
    top = folder.stat()
    seen = {(top.st_dev, top.st_ino)}
    out: list[tuple[str, int, int]] = []
    append = out.append
    stack = [(root, "")]
    while stack:
        path, prefix = stack.pop()
        try:
            entries, fd = _entries(path)
        except OSError:
            if not prefix:
                raise
            continue
        try:
            for entry in entries:
                name = entry.name
                if name[:1] == ".":
                    continue
                try:
                    if entry.is_symlink() and not _inside(real_root, f"{path}{os.sep}{name}"):
                        continue
                    if name[-3:] == ".md" and entry.is_file():
                        if stat:
                            st = entry.stat()
                            append((prefix + name, st.st_size, st.st_mtime_ns))
                        else:
                            append((prefix + name, -1, -1))
                    elif entry.is_dir():
                        st = entry.stat()
                        key = (st.st_dev, st.st_ino)
                        if key not in seen:
                            seen.add(key)
                            stack.append((f"{path}{os.sep}{name}", f"{prefix}{name}/"))
                except OSError:
                    continue
        finally:
            if fd is not None:
                os.close(fd)
    out.sort()
    return out


def _inside(real_root: str, path: str) -> bool:
    """Whether ``path``, symlinks resolved, is ``real_root`` or lies inside it."""
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


_FINDING_WIDTH = 7  # fields of a Finding


def _grouped(flat: Iterable[Any]) -> Iterator[FindingRow]:
    """Findings' fields, stored flat (one tuple per record, not one per finding: fewer
    objects for the garbage collector to walk), back as one tuple per finding."""
    fields = iter(flat)
    return zip(*[fields] * _FINDING_WIDTH, strict=True)


def _worst(severities: Iterable[str]) -> str:
    rank = min((_RANK[s] for s in severities), default=_NO_SEVERITY)
    return _BY_RANK[rank]


# Files over this are not read (a 20 GB sparse file named ``.md`` would be read whole):
# the one limit of every content reader (``safe_read``).
MAX_FILE_BYTES = MAX_CONTENT_BYTES


def _read(
    path: str, size: int, mtime_ns: int, opened: int | OSError | None = None
) -> tuple[bytes, int, int]:
    """The file's bytes, size and mtime (from the open file when ``size`` is -1: not
    listed with a ``stat``); plain ``os.read`` saves the buffered reader's set-up.

    Reads regular files of at most MAX_FILE_BYTES only (:class:`ContentError` else).
    ``opened`` is the file already opened (and closed here), or the error opening it,
    from :func:`~editor.content.read_ahead.opened_ahead`."""
    if isinstance(opened, OSError):
        raise opened
    fd = os.open(path, READ_FLAGS) if opened is None else opened
    try:
        if size < 0:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise ContentError("not a regular file: only files are read as entries")
            size, mtime_ns = st.st_size, st.st_mtime_ns
        if size > MAX_FILE_BYTES:
            raise _too_big(size)
        data = os.read(fd, size + 1)
        if len(data) <= size:
            return data, size, mtime_ns
        chunks = [data]  # the file grew since it was listed
        read = len(data)
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
            read += len(chunk)
            if read > MAX_FILE_BYTES:
                raise _too_big(read)
        return b"".join(chunks), size, mtime_ns
    finally:
        os.close(fd)


def _too_big(size: int) -> ContentError:
    shown = f"{size / 1e9:,.1f} GB" if size >= 1e9 else f"{size / 1e6:,.1f} MB"
    return ContentError(
        f"the file is {shown}; entries over {MAX_FILE_BYTES // 2**20} MB are not read"
    )


def parse_file(  # noqa: PLR0917 - called per file from the workers
    folder: str,
    rel: str,
    size: int,
    mtime_ns: int,
    registry: SchemaRegistry,
    config: SeoConfig,
    opened: int | OSError | None = None,
) -> FileParts:
    """Read, parse and check one file into its parts; never raises for bad files.

    Whatever goes wrong with one file (a parse error, or anything unforeseen a hostile
    file sets off: RecursionError, MemoryError, ValueError...) is a ``parse-error`` in
    its own row, so every other entry of the folder is still checked.
    ``opened`` is the file's descriptor if it is open already (see :func:`_read`)."""
    try:
        return _parse_file(folder, rel, size, mtime_ns, registry, config, opened)
    except Exception as exc:  # one file must never stop the folder's check
        log.info("%s: could not be checked", rel, exc_info=True)
        detail = str(exc)
        detail = detail if len(detail) <= 120 else detail[:117] + "..."
        err = ContentError(
            f"could not be checked ({type(exc).__name__}{': ' if detail else ''}{detail})",
            Path(rel),
        )
        return _error_parts(rel, size, mtime_ns, err, config)


def _error_parts(
    rel: str, size: int, mtime_ns: int, err: ContentError, config: SeoConfig
) -> FileParts:
    """The row of a file that could not be read or parsed: one ``parse-error`` finding."""
    finding = finding_from_error(err, rel, config)
    error = (type(err).__name__, err.message, err.line, err.column)
    own = (finding.rule, finding.severity, rel, finding.field, finding.message,
           finding.line, finding.column)  # fmt: skip
    search = search_text(rel, {})
    return (
        (rel, size, mtime_ns, "", "", "", "", "", finding.severity, own, error),
        None, search, letter_mask(search),
    )  # fmt: skip


def _parse_file(  # noqa: PLR0917 - see parse_file
    folder: str,
    rel: str,
    size: int,
    mtime_ns: int,
    registry: SchemaRegistry,
    config: SeoConfig,
    opened: int | OSError | None,
) -> FileParts:
    data: dict[str, Any] = {}
    try:
        try:
            raw, size, mtime_ns = _read(f"{folder}{os.sep}{rel}", size, mtime_ns, opened)
        except OSError as exc:
            raise ContentError(f"cannot read the file: {exc.strerror or exc}", Path(rel)) from exc
        except ContentError as exc:
            raise ContentError(exc.message, Path(rel)) from exc
        try:
            text, _ = frontmatter.decode(raw)
        except ParseError:
            text, _ = frontmatter.decode(raw, Path(rel))  # again, to name the file
        texts = [rel]  # the search text's parts, gathered by the fast path's own walk
        front, fast = fast_yaml.fast_front(text, texts)  # quick_front, then try_fast
        if fast is not None:
            data = fast
        elif front is not None:
            data = frontmatter.parse_yaml(front, Path(rel), 2)
        else:
            where = Path(rel)
            parts = frontmatter.split(text, where)
            if parts.format == "yaml":
                data = fast_yaml.load_front(parts.front, where, parts.front_line)
            elif parts.format != "none":
                _, data, _ = frontmatter.load_bytes(raw, where)
    except ContentError as err:
        return _error_parts(rel, size, mtime_ns, err, config)
    schema = registry.for_data(data, rel)
    findings, facts = check_entry_rows(data, schema, config, rel)
    if fast is None:
        texts = [rel]
        collect_values(data, texts)
    search = search_bytes(texts)
    # ``value_text`` of a string (the usual value) is its strip: no call for it
    get = data.get
    title = get(schema.title_key) if schema.title_key else ""
    subject, url = get("subject"), get("url")
    # Subjects and dates repeat from file to file: interned here, marshal keeps them
    # interned, so the main process gets one shared object each without any work.
    intern = sys.intern
    return (
        (
            rel, size, mtime_ns, schema.name,
            title.strip() if type(title) is str else value_text(title),
            intern(subject.strip() if type(subject) is str else value_text(subject)),
            url.strip() if type(url) is str else value_text(url),
            intern(value_text(get("date"))),
            _BY_RANK[min([_RANK[f[1]] for f in findings])] if findings else "",  # ``_worst``
            tuple(chain.from_iterable(findings)), None,
        ),
        facts, search, letter_mask(search),
    )  # fmt: skip


_WORKER: tuple[str, SchemaRegistry, SeoConfig] | None = None
# Where this worker appends its chunks' search texts (see _spill): folder, then the
# open file's descriptor and length once written to.
_SPILL: list[Any] = []


def _init_worker(
    folder: str, registry: SchemaRegistry, config: SeoConfig, spill: str | None = None
) -> None:
    global _WORKER  # noqa: PLW0603 - per-process context, set once by the pool
    _WORKER = (folder, registry, config)
    _SPILL[:] = [spill]
    gc.disable()  # a worker only makes short-lived acyclic tuples; collections are waste


Spilled = tuple[str, int, tuple[int, int, int]]  # path, offset, the three parts' lengths


def _spill(parts: tuple[bytes, bytes, bytes]) -> Spilled | None:
    """Append a chunk's marshalled rows, facts and search texts to this worker's spill
    file: ``(path, offset, lengths)``, or None to send them through the pipe after all.

    Why: a chunk is ~1.5 MB (~190 MB at 50k entries, most of it search text). Through
    the pool's pipe it is pickled, pushed 64 KB at a time, read and unpickled; from a
    file the main process reads the rows in one call and copies the texts into its
    text file inside the kernel. Measured: ~0.2 s of a 3 s cold build of 50k entries.
    """
    if not _SPILL or _SPILL[0] is None:
        return None
    try:
        if len(_SPILL) == 1:
            path = f"{_SPILL[0]}{os.sep}{os.getpid()}.chunks"
            flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
            _SPILL.extend((path, os.open(path, flags, 0o600), 0))
        _, path, fd, offset = _SPILL
        for part in parts:
            view = memoryview(part)
            while view:
                view = view[os.write(fd, view) :]
    except OSError:
        _SPILL[0] = None  # e.g. the disk is full: the pipe from now on
        return None
    lengths = (len(parts[0]), len(parts[1]), len(parts[2]))
    _SPILL[3] = offset + sum(lengths)
    return path, offset, lengths


class _Parsed:
    """A chunk of parsed files: record rows, and their search texts and masks apart.

    From a worker it comes as four bytes objects (cheap to send): the marshalled rows
    (which also go into the cache file as they are), the texts joined with newlines,
    the texts' lengths and the masks (arrays' bytes).
    """

    __slots__ = ("blob", "facts", "facts_blob", "lengths", "masks", "rows", "spill", "texts")

    def __init__(  # noqa: PLR0917 - the packed parts
        self,
        rows: list[Row],
        facts: list[FactsRow | None],
        texts: bytes,
        lengths: array[int],
        masks: array[int],
        blob: bytes,
        facts_blob: bytes,
    ) -> None:
        self.rows, self.facts, self.texts, self.lengths, self.masks = (
            rows, facts, texts, lengths, masks,
        )  # fmt: skip
        self.blob = blob  # marshal.dumps(rows): the rows without their facts
        self.facts_blob = facts_blob  # marshal.dumps(facts)
        # Where the texts are instead, when a worker spilled them: (descriptor of the
        # spill file, offset, length); ``texts`` is then empty.
        self.spill: tuple[int, int, int] | None = None

    @classmethod
    def of(cls, parsed: list[FileParts]) -> _Parsed:
        """From :func:`parse_file` results: transposed in one C call, no row sliced."""
        if not parsed:
            return cls([], [], b"", array("q"), array("Q"), marshal.dumps([]), marshal.dumps([]))
        row_tuple, facts_tuple, texts, masks = zip(*parsed, strict=True)
        rows, facts = list(row_tuple), list(facts_tuple)  # lists: the cache reads lists
        return cls(
            rows,
            facts,
            b"\n".join([*texts, b""]),  # each text followed by a newline, one copy
            array("q", map(len, texts)),
            array("Q", masks),
            marshal.dumps(rows),
            marshal.dumps(facts),
        )

    def pack(self, spill: Spilled | None = None) -> Packed:
        lengths, masks = self.lengths.tobytes(), self.masks.tobytes()
        if spill is not None:
            return b"", b"", b"", lengths, masks, spill
        return self.blob, self.facts_blob, self.texts, lengths, masks, None

    @classmethod
    def unspill(cls, packed: Packed, fd: int) -> _Parsed:
        """:meth:`unpack` of a chunk its worker spilled to the file ``fd``."""
        assert packed[5] is not None
        _, offset, (rows, facts, texts) = packed[5]
        head = pread_exact(fd, rows + facts, offset)
        parsed = cls.unpack((head[:rows], head[rows:], b"", packed[3], packed[4], None))
        parsed.spill = (fd, offset + rows + facts, texts)
        return parsed

    @classmethod
    def unpack(cls, packed: Packed) -> _Parsed:
        blob, facts_blob, texts, lengths, masks, _ = packed
        lengths_array, masks_array = array("q"), array("Q")
        lengths_array.frombytes(lengths)
        masks_array.frombytes(masks)
        return cls(
            marshal.loads(blob), marshal.loads(facts_blob), texts, lengths_array, masks_array,
            blob, facts_blob,
        )  # fmt: skip

    def text_bytes(self) -> bytes:
        """The texts, read back from the spill file if they are there."""
        if self.spill is None:
            return self.texts
        fd, offset, length = self.spill
        return pread_exact(fd, length, offset)


# rows, facts, texts, lengths, masks, and where the first three are when spilled (they
# are empty then)
Packed = tuple[bytes, bytes, bytes, bytes, bytes, Spilled | None]


def parse_files(
    folder: str, items: list[tuple[str, int, int]], registry: SchemaRegistry, config: SeoConfig
) -> _Parsed:
    """:func:`parse_file` of each ``(path, size, mtime)``, reading a few files ahead
    when some of them are not in the page cache (see :mod:`.read_ahead`)."""
    paths = [f"{folder}{os.sep}{rel}" for rel, _, _ in items]
    if not needs_reading_ahead(paths):
        return _Parsed.of(
            [parse_file(folder, rel, size, mtime, registry, config) for rel, size, mtime in items]
        )
    return _Parsed.of(
        [
            parse_file(folder, rel, size, mtime, registry, config, fd)
            for (rel, size, mtime), fd in zip(items, opened_ahead(paths), strict=True)
        ]
    )


def _parse_chunk(items: list[tuple[str, int, int]]) -> Packed:
    """A chunk's rows, packed as plain bytes (marshal: faster both ways than pickle)."""
    assert _WORKER is not None
    folder, registry, config = _WORKER
    parsed = parse_files(folder, items, registry, config)
    return parsed.pack(_spill((parsed.blob, parsed.facts_blob, parsed.texts)))


def _spill_folder() -> str | None:
    """A new folder for the workers' spill files (see :func:`_spill`), next to the text
    files they are copied into (one file system: the copy stays in the kernel); None
    where files are not mapped or the folder cannot be made."""
    if not MAP:
        return None
    try:
        folder = index_cache.cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return tempfile.mkdtemp(prefix="spill-", dir=folder)
    except OSError:
        return None


def _pool_context() -> Any:
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


def _start_pool_server() -> None:
    """Start the fork server now, if the pool will use one, rather than at the pool's
    first task: it imports this module (~0.2 s) while the window lists the names."""
    context = _pool_context()
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver  # here: the module is POSIX only

        try:
            forkserver.ensure_running()
        except OSError as exc:  # the pool will try again, and fall back if it must
            log.warning("could not start the fork server early (%s)", exc)


# --- the index --------------------------------------------------------------------------


class CorpusIndex:
    """All entries of one content folder, their findings, and a filter over them."""

    def __init__(
        self,
        folder: Path,
        registry: SchemaRegistry | None = None,
        config: SeoConfig | None = None,
        *,
        cache: bool = True,
        workers: int | None = None,
        pool_min_files: int = POOL_MIN_FILES,
        text_file_min: int = TEXT_FILE_MIN,
    ) -> None:
        self.folder = Path(folder)
        self.registry = registry if registry is not None else SchemaRegistry.load(self.folder)
        self.config = config if config is not None else load_config(self.folder)
        self.use_cache = cache
        self.workers = workers or min(2, os.cpu_count() or 1)
        self.pool_min_files = pool_min_files
        self.text_file_min = text_file_min
        self.paths: list[str] = []  # known after the first build step, before parsing
        self.parsed = 0  # files parsed (not taken from the cache) by the last build/update
        self.cache_stale = False  # updated since the cache was written: see save_cache
        self._records: list[EntryRecord] = []
        self._by_path: dict[str, EntryRecord] = {}
        self._corpus: list[FindingRow] = []
        self._with_corpus: set[str] = set()  # paths of the records with corpus findings
        self._rules: WholeCorpusRules | None = None  # made at the first update (see _rerun_corpus)
        self._corpus_objects: list[Finding] | None = None
        self._search: SearchText | None = SearchText(bytearray(), array("q", [0]), array("Q"))
        self._found: list[tuple[str, int, int]] = []
        self._key = index_cache.fingerprint(
            self.registry, self.config, "yaml-rs" if fast_yaml.fast_available() else "pyyaml"
        )

    # -- building

    def scan(self, *, stat: bool = True) -> list[str]:
        """Walk the folder and return the relative paths (quick: no file is opened)."""
        try:
            found = scan_folder(self.folder, stat=stat)
        except OSError as exc:
            raise ContentError(
                f"cannot read the folder: {exc.strerror or exc}", self.folder
            ) from exc
        self.paths = [rel for rel, _, _ in found]
        self._found = found
        return self.paths

    def build(self) -> Iterator[Progress]:
        """Index the folder, yielding progress; names are in ``paths`` after the first step.

        The cyclic garbage collector is paused meanwhile: building makes a million
        tuples and records, none in a cycle, and each full collection would walk them
        all again (a third of the main process's time on 50k files). At the end they
        go straight to the oldest generation (``gc.freeze`` then ``gc.unfreeze``, which
        only move lists), so the allocations that follow do not set off a walk of the
        whole young generation, up to 300k objects: a pause of 100 ms or more, maybe in
        the window's thread. They are walked at the next full collection, as any
        long-lived object; nothing is pinned for good.
        """
        collecting = gc.isenabled()
        gc.disable()
        try:
            yield from self._build()
        finally:
            if collecting:
                gc.freeze()
                gc.unfreeze()
                gc.enable()

    def _build(self) -> Iterator[Progress]:
        cached: index_cache.Payload | None = None
        if self.use_cache:
            cached = index_cache.load(self.folder, self._key)
        cached_none = cached is None
        # Sizes and mtimes only matter to compare with a cache; without one the workers
        # read them from the files they open.
        self.scan(stat=not cached_none)
        found, self._found = self._found, []  # ~11 MB at 50k: not kept past the build
        total = len(found)
        if cached_none and total >= self.pool_min_files and self.workers >= 2:
            _start_pool_server()  # while the caller lists the names
        yield Progress(0, total, "scan")

        todo: list[tuple[str, int, int]] = []
        reuse: list[tuple[int, Row] | None] = []
        if cached is None:
            todo, reuse = found, [None] * total  # a cold build: every file to parse
        elif [(r[0], r[1], r[2]) for r in cached.rows] == found:
            reuse = list(enumerate(cached.rows))  # the usual reopen: nothing changed
        else:
            cached_rows: dict[str, tuple[int, Row]] = {}
            if cached is not None:
                cached_rows = {row[0]: (n, row) for n, row in enumerate(cached.rows)}
            for rel, size, mtime in found:
                hit = cached_rows.get(rel)
                if hit is not None and hit[1][1] == size and hit[1][2] == mtime:
                    reuse.append(hit)
                else:
                    reuse.append(None)
                    todo.append((rel, size, mtime))
            del cached_rows
        yield Progress(total - len(todo), total, "cache")

        unchanged = cached is not None and not todo and len(cached.rows) == total
        records: list[EntryRecord] = []
        writer: index_cache.Writer | None = None
        # A cold build counts the corpus rules' values chunk by chunk, while the workers
        # parse on, leaving less for the end, when one core would idle.
        tally = CorpusTally(self.config) if cached is None else None
        if unchanged and cached is not None:
            with GcPaused():
                lazy = _LazyFacts(cached.facts, records)
                records.extend([EntryRecord(*(*row, lazy)) for row in cached.rows])
                store = SearchText(cached.buffer, cached.starts, cached.masks, cached.text_path)
        else:
            builder = SearchBuilder(self._text_sink(total))
            taken = _Taker(records, builder, reuse, cached)
            todo_positions = (
                list(range(total))
                if cached is None
                else [n for n, hit in enumerate(reuse) if hit is None]
            )
            # A cold build streams its workers' marshalled rows into the cache file.
            writer = index_cache.Writer(self.folder) if self.use_cache and cached_none else None
            parsed = 0
            try:
                for item in self._parse_rows(todo, total):
                    if isinstance(item, Progress):
                        yield item
                        continue
                    with GcPaused():
                        self._place(item, taken, todo_positions, parsed)
                        if tally is not None:
                            tally.add(item.facts)
                    parsed += len(item.rows)
                    if writer is not None:
                        writer.piece(item.blob, item.facts_blob)
                with GcPaused():
                    taken.upto(total)
                store = builder.finish()
            except BaseException:
                builder.abort()
                if writer is not None:
                    writer.abort()
                raise
            del taken
        try:
            self.parsed = len(todo)
            self._records = records
            self._by_path = {r.path: r for r in records}
            self._attach(store)
            yield Progress(total, total, "check")

            if unchanged and cached is not None:
                self._set_corpus(list(cached.corpus))
            else:
                self._run_corpus(tally)
            cached = tally = None
            if writer is not None:
                writer.finish(
                    self._key,
                    self._corpus,
                    (store.buffer, store.starts, store.masks),
                    store.path,
                    background=len(self._records) >= BACKGROUND_SAVE_MIN,
                )
            elif self.use_cache and not unchanged:
                self._save()
            yield Progress(total, total, "done")
        finally:
            if writer is not None:
                writer.abort_unfinished()  # closed early: leave no temporary file

    def _text_sink(self, rows: int) -> TextSink:
        """Where the search texts of ``rows`` entries go: memory for a small corpus, else
        a file (the cache's own, or an unnamed one when not caching)."""
        if rows < self.text_file_min:
            return TextSink(memory=True)
        if self.use_cache:
            return TextSink(index_cache.new_text_path(self.folder))
        return TextSink(directory=index_cache.cache_dir())

    def build_all(self) -> CorpusIndex:
        """Build without looking at the progress (tests, scripts)."""
        for _ in self.build():
            pass
        return self

    @staticmethod
    def _place(item: _Parsed, taken: _Taker, todo_positions: list[int], parsed: int) -> None:
        """Add a parsed chunk's records and texts, after the cached rows before each."""
        records, builder, count = taken.records, taken.builder, len(item.rows)
        if taken.position == todo_positions[parsed] and (
            todo_positions[parsed + count - 1] == taken.position + count - 1
        ):  # no cached row among these (a cold build): take them in one go
            records.extend(
                [
                    EntryRecord(*(*row, facts))
                    for row, facts in zip(item.rows, item.facts, strict=True)
                ]
            )
            if item.spill is not None:
                builder.add_chunk_from(*item.spill, item.lengths, item.masks)
            else:
                builder.add_chunk(item.texts, item.lengths, item.masks)
            taken.position += count
            return
        view = memoryview(item.text_bytes())
        offset = 0
        for n, row in enumerate(item.rows):
            taken.upto(todo_positions[parsed + n])  # cached rows before this one
            records.append(EntryRecord(*(*row, item.facts[n])))
            length = item.lengths[n]
            builder.add(view[offset : offset + length], item.masks[n])
            offset += length + 1
            taken.position += 1

    def _attach(self, store: SearchText) -> None:
        self._search = store
        for row, record in enumerate(self._records):
            record._store = store
            record._row = row

    def _parse_rows(
        self, todo: list[tuple[str, int, int]], total: int
    ) -> Iterator[_Parsed | Progress]:
        """Rows of ``todo`` in its order (in chunks), with progress steps between."""
        done = total - len(todo)
        folder = os.fspath(self.folder)

        def here(items: list[tuple[str, int, int]]) -> _Parsed:
            return parse_files(folder, items, self.registry, self.config)

        if len(todo) < self.pool_min_files or self.workers < 2:
            for start in range(0, len(todo), 200):
                yield here(todo[start : start + 200])
                yield Progress(done + min(len(todo), start + 200), total, "parse")
            if not todo:
                yield Progress(total, total, "parse")
            return
        chunk = max(50, min(CHUNK_MAX, len(todo) // (self.workers * 8) or 1))
        chunks = [todo[i : i + chunk] for i in range(0, len(todo), chunk)]
        emitted = 0  # chunks handed out, in order
        spill = _spill_folder()
        spill_fds: dict[str, int] = {}
        try:
            with ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=_pool_context(),
                initializer=_init_worker,
                initargs=(folder, self.registry, self.config, spill),
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
                        packed = future.result()
                        if packed[5] is None:
                            parsed = _Parsed.unpack(packed)
                        else:
                            path = packed[5][0]
                            fd = spill_fds.get(path)
                            if fd is None:
                                fd = spill_fds[path] = os.open(path, READ_FLAGS)
                            parsed = _Parsed.unspill(packed, fd)
                        futures[emitted] = None  # the rows are the caller's now
                        emitted += 1
                        yield parsed
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
            for items in chunks[emitted:]:
                yield here(items)
            yield Progress(total, total, "parse")
        finally:
            for fd in spill_fds.values():
                os.close(fd)
            if spill is not None:
                shutil.rmtree(spill, ignore_errors=True)

    def _parse_isolated(self, chunks: list[list[tuple[str, int, int]]]) -> Iterator[_Parsed]:
        """Parse ``chunks`` in order, each in a process of its own; a chunk whose process
        dies is halved until the file that kills it is found, which becomes a
        ``parse-error`` row. The guards make this a last resort (a crash in a C
        library, the OOM killer): the build goes on, and this process is never the one
        to run a file that crashes."""
        folder = os.fspath(self.folder)
        queue = deque(chunks)
        while queue:
            items = queue.popleft()
            try:
                with ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=_pool_context(),
                    initializer=_init_worker,
                    initargs=(folder, self.registry, self.config, None),
                ) as pool:
                    packed = pool.submit(_parse_chunk, items).result()
            except BrokenProcessPool:
                if len(items) > 1:
                    half = len(items) // 2
                    queue.extendleft((items[half:], items[:half]))
                    continue
                yield _Parsed.of([self._crashed(folder, *items[0])])
                continue
            yield _Parsed.unpack(packed)

    def _crashed(self, folder: str, rel: str, size: int, mtime_ns: int) -> FileParts:
        """The row of a file whose parsing killed its process."""
        log.warning("%s: parsing it stopped the parsing process", rel)
        try:  # its size and mtime, so that a warm reopen takes the row from the cache
            st = Path(folder, rel).stat()
            size, mtime_ns = st.st_size, st.st_mtime_ns
        except OSError:
            pass
        err = ContentError(
            "could not be checked: reading it stopped the parsing process", Path(rel)
        )
        return _error_parts(rel, size, mtime_ns, err, self.config)

    def _all_facts(self) -> list[FactsRow]:
        return [f for f in map(EntryRecord._facts_row, self._records) if f is not None]

    def _run_corpus(self, tally: CorpusTally | None = None) -> None:
        """The corpus rules over every entry; ``tally`` has counted them already (a cold
        build: every record's facts, in order, as the chunks came)."""
        self._rules = None
        if tally is None:
            found = check_corpus_rows(self._all_facts(), self.config)
        else:
            found = tally.findings()
        found += link_findings(self.config, map(self._link_facts, self._by_path))
        self._set_corpus(found)

    def _link_facts(self, rel: str) -> LinkFacts | None:
        """What the link and spelling rules (``seo/link_rules.py``) need of an entry."""
        record = self._by_path.get(rel)
        facts = record._facts_row() if record is not None else None
        if record is None or facts is None:
            return None
        return link_facts(rel, record.subject, facts, record.search)

    def prepare_updates(self) -> None:
        """Make the incremental corpus rules now (the window does, off its GUI thread,
        once the index is built), so the first save does not pay ~0.3 s for them."""
        if self._rules is None:
            rules = WholeCorpusRules(self.config, self._link_facts)
            rules.build(self._all_facts())
            self._rules = rules

    def _rerun_corpus(self, change: IndexChange) -> None:
        """The corpus rules after an update: only the groups and links the changed
        entries touch are looked at again (:class:`CorpusRules`, made from every entry's
        facts by :meth:`prepare_updates` or at the first update)."""
        rules = self._rules
        fresh = [*change.added, *change.changed]
        if rules is None:
            rules = self._rules = WholeCorpusRules(self.config, self._link_facts)
            rules.build(self._all_facts())
            before = {r.path: r._corpus for r in self._records}
            self._set_corpus(rules.all())
            known = set(fresh)
            change.refreshed = [
                r.path for r in self._records if r._corpus != before[r.path] and r.path not in known
            ]
            return
        by_path = self._by_path
        added = [f for f in (by_path[rel]._facts_row() for rel in fresh) if f is not None]
        touched = rules.update([*change.removed, *change.changed], added)
        self._with_corpus.difference_update(change.removed)
        self._corpus = rules.all()
        self._corpus_objects = None
        rank_of = _RANK
        known = set(fresh)
        change.refreshed = sorted(rel for rel in touched - known if rel in by_path)
        for rel in touched.union(fresh):
            record = by_path.get(rel)
            if record is None:
                continue
            findings = rules.findings_of(rel)
            record._corpus = tuple(chain.from_iterable(findings))
            if findings:
                self._with_corpus.add(rel)
            else:
                self._with_corpus.discard(rel)
            rank = rank_of.get(record._own_severity, _NO_SEVERITY)
            for finding in findings:
                rank = min(rank, rank_of[finding[1]])
            record.severity = _BY_RANK[rank]

    def _set_corpus(self, findings: list[FindingRow]) -> None:
        self._corpus = findings
        self._corpus_objects = None
        grouped: dict[str, Any] = {}
        setdefault = grouped.setdefault
        for finding in findings:
            first = setdefault(finding[2], finding)
            if first is not finding:
                if type(first) is list:
                    first.append(finding)
                else:
                    grouped[finding[2]] = [first, finding]
        rank_of, by_path = _RANK, self._by_path
        # Only the records with corpus findings, before or now: not a pass over all.
        for path in self._with_corpus.difference(grouped):
            record = by_path.get(path)
            if record is not None:
                record._corpus = ()
                record.severity = record._own_severity
        self._with_corpus = set(grouped)
        for path, found in grouped.items():
            record = by_path.get(path)
            if record is None:
                continue
            if type(found) is list:
                extra = found
                record._corpus = tuple(chain.from_iterable(extra))
            else:
                record._corpus, extra = found, [found]
            rank = rank_of.get(record._own_severity, _NO_SEVERITY)
            for finding in extra:
                rank = min(rank, rank_of[finding[1]])
            record.severity = _BY_RANK[rank]

    def _save(self) -> None:
        """Write the cache; a big one in a background thread (the results are ready now)."""
        store = self._search
        assert store is not None
        if store.overrides:  # saved rows' texts: into the buffer the cache is made of
            store.rebuild([range(store.rows)], _rebuild_sink(store))
        index_cache.save(
            self.folder,
            self._key,
            [r.row() for r in self._records],
            self._corpus,
            (store.buffer, store.starts, store.masks),
            text_path=store.path,
            background=len(self._records) >= BACKGROUND_SAVE_MIN,
        )

    # -- incremental

    def relative(self, path: Path | str) -> str:
        """The index's key for ``path`` (absolute or relative to the folder)."""
        p = Path(path)
        if p.is_absolute():
            try:
                p = p.relative_to(self.folder)
            except ValueError:
                p = p.resolve().relative_to(self.folder.resolve())
        return p.as_posix()

    def update_paths(self, paths: Iterable[Path | str]) -> IndexChange:
        """Re-read changed, added or removed files, then re-run the corpus rules."""
        change = IndexChange()
        folder = os.fspath(self.folder)
        if self._search is None:
            self.search("")
        index_cache.wait_for_writes(self.folder)
        store = self._search
        assert store is not None
        old_paths = self.paths
        # (old row, path, new row or None): a new row goes before the old row it names
        # (added) or in its place (changed); None drops the old row (removed).
        edits: dict[str, tuple[int, str, FileParts | None]] = {}
        for path in paths:
            rel = self.relative(path)
            if any(part.startswith(".") for part in rel.split("/")) or not rel.endswith(".md"):
                continue
            target = Path(folder, rel)
            try:
                st = target.stat()
                exists = stat.S_ISREG(st.st_mode) and _inside(
                    os.path.realpath(folder), os.fspath(target)
                )
            except OSError:
                exists = False
            position = bisect.bisect_left(old_paths, rel)
            present = position < len(old_paths) and old_paths[position] == rel
            if not exists:
                if present:
                    edits[rel] = (position, rel, None)
                    change.removed.append(rel)
                continue
            parts = parse_file(folder, rel, st.st_size, st.st_mtime_ns, self.registry, self.config)
            edits[rel] = (position, rel, parts)
            (change.changed if present else change.added).append(rel)
        if edits:
            change.links_changed = self._apply(
                store, sorted(edits.values(), key=lambda e: (e[0], e[1]))
            )
        self.parsed = len(change.added) + len(change.changed)
        self._rerun_corpus(change)
        self.cache_stale = self.use_cache
        return change

    def save_cache(self) -> None:
        """Write the cache if :meth:`update_paths` changed the index since it was read.

        Updates do not write it each time (a save would rewrite the whole cache): the
        window calls this when it closes the folder. A cache left behind by a crash is
        only older, never wrong: the files changed since are parsed again on reopen.
        """
        if self.cache_stale:
            self.cache_stale = False
            self._save()

    def _apply(self, store: SearchText, edits: list[tuple[int, str, FileParts | None]]) -> bool:
        """Put the edits (sorted by old row, then path) into the paths, records and
        search texts. True when an entry's URL or title came, went or changed."""
        links: set[tuple[str, str]] = set()  # (url, title) of the entries gone or changed...
        new_links: set[tuple[str, str]] = set()  # ...and of those that replace them
        if not self._change_in_place(store, edits, links, new_links):
            self._rebuild_rows(store, edits, links, new_links)
        return {link for link in links if link[0]} != {link for link in new_links if link[0]}

    def _change_in_place(
        self,
        store: SearchText,
        edits: list[tuple[int, str, FileParts | None]],
        links: set[tuple[str, str]],
        new_links: set[tuple[str, str]],
    ) -> bool:
        """Edits that only change files (a save): each record and search text replaced in
        its row, nothing moved or copied. False (and nothing done) when a file comes or
        goes, or the store would take too many overrides."""
        paths, count = self.paths, len(self.paths)
        if len(store.overrides) + len(edits) > OVERRIDES_MAX or not all(
            parts is not None and row < count and paths[row] == rel for row, rel, parts in edits
        ):
            return False
        for row, rel, parts in edits:
            assert parts is not None
            links.add(self._detach(rel))
            record, search, mask = self._new_record(rel, parts, new_links)
            self._records[row] = record
            record._store, record._row = store, row
            store.override(row, search, mask)
        return True

    def _rebuild_rows(
        self,
        store: SearchText,
        edits: list[tuple[int, str, FileParts | None]],
        links: set[tuple[str, str]],
        new_links: set[tuple[str, str]],
    ) -> None:
        """Edits that add or remove files: paths, records and search texts made anew,
        the kept rows between the edits moving as whole ranges."""
        old_paths = self.paths
        old_count = len(old_paths)
        segments: list[range | tuple[bytes, int]] = []
        paths: list[str] = []
        done = 0  # old rows up to here are placed
        for position, rel, parts in edits:
            if position > done:
                segments.append(range(done, position))
                paths += old_paths[done:position]
                done = position
            if position < old_count and old_paths[position] == rel:  # present before
                links.add(self._detach(rel))
                done = position + 1
            if parts is not None:
                _, search, mask = self._new_record(rel, parts, new_links)
                segments.append((search, mask))
                paths.append(rel)
        segments.append(range(done, old_count))
        paths += old_paths[done:]
        store.rebuild(segments, _rebuild_sink(store))
        self.paths = paths  # a new list: holders of the old one keep theirs
        self._records = [self._by_path[rel] for rel in paths]
        self._attach(store)

    def _detach(self, rel: str) -> tuple[str, str]:
        """Drop ``rel``'s record (it keeps its own text); its ``(url, title)``."""
        old = self._by_path.pop(rel)
        old._text, old._store = old.search, None
        return old.url, old.title

    def _new_record(
        self, rel: str, parts: FileParts, new_links: set[tuple[str, str]]
    ) -> tuple[EntryRecord, bytes, int]:
        """``rel``'s record from a parse, registered; with its search text and mask."""
        row, facts, search, mask = parts
        record = self._by_path[rel] = EntryRecord(*(*row, facts))
        new_links.add((record.url, record.title))
        return record, search, mask

    # -- reading

    @property
    def records(self) -> list[EntryRecord]:
        """Records in path order (row numbers of :meth:`search` index this list)."""
        return self._records

    def __len__(self) -> int:
        return len(self._records)

    def record(self, path: Path | str) -> EntryRecord | None:
        return self._by_path.get(self.relative(path))

    def row_of(self, path: Path | str) -> int:
        """Row of ``path`` in :attr:`records`, or -1."""
        rel = self.relative(path)
        row = bisect.bisect_left(self.paths, rel)
        return row if row < len(self.paths) and self.paths[row] == rel else -1

    @property
    def corpus_findings(self) -> list[Finding]:
        if self._corpus_objects is None:
            self._corpus_objects = list(map(finding_of, self._corpus))
        return self._corpus_objects

    def findings(self) -> Iterator[Finding]:
        """Every finding, file by file (each file's own findings, then corpus ones)."""
        # All records' flat tuples in one stream, cut into findings in one go (each has
        # the same number of fields): no tuple or generator per record.
        flat = chain.from_iterable(chain.from_iterable((r._own, r._corpus) for r in self._records))
        return map(finding_of, _grouped(flat))

    # -- filtering

    def search(self, query: str) -> list[int]:
        """Rows whose file name or any value contains every whitespace-separated term."""
        if self._search is None:  # dropped (tests): build it again from the records
            builder = SearchBuilder()
            for record in self._records:
                text = record.search
                builder.add(text, letter_mask(text))
            self._attach(builder.finish())
        assert self._search is not None
        return self._search.find(query)

    def search_job(self, query: str) -> SearchJob:
        """:meth:`search` as a job to run in slices (the window's filter-as-you-type)."""
        if self._search is None:
            self.search("")
        assert self._search is not None
        return self._search.job(query)

    def search_mask(self, query: str) -> bytearray:
        """``mask[row]`` is 1 when the row matches ``query`` (for a filter proxy)."""
        mask = bytearray(len(self._records))
        for row in self.search(query):
            mask[row] = 1
        return mask


def _rebuild_sink(store: SearchText) -> TextSink | None:
    """Where a store's rebuilt text goes: memory, or an unnamed file when it was in one
    (the cache's text file is left as it is until the cache is written again)."""
    file_backed = store.path is not None or not isinstance(store.buffer, bytearray)
    return TextSink(directory=index_cache.cache_dir()) if file_backed else None


class _Taker:
    """Places cached rows (records and search texts) in order, around parsed ones."""

    def __init__(
        self,
        records: list[EntryRecord],
        builder: SearchBuilder,
        reuse: list[tuple[int, Row] | None],
        cached: index_cache.Payload | None,
    ) -> None:
        self.records, self.builder, self.reuse, self.cached = records, builder, reuse, cached
        self.view = cached.text_view() if cached is not None else memoryview(b"")
        self.facts = cached.load_facts() if cached is not None else []
        self.position = 0  # the next entry to place

    def upto(self, end: int) -> None:
        cached, view, add = self.cached, self.view, self.builder.add
        records, facts = self.records, self.facts
        first = -1
        n = 0
        while self.position < end:
            hit = self.reuse[self.position]
            assert hit is not None and cached is not None  # parsed rows are placed apart
            n, row = hit
            if first < 0:
                first = n
            records.append(EntryRecord(*(*row, facts[n])))
            add(view[cached.starts[n] : cached.starts[n + 1] - 1], cached.masks[n])
            self.position += 1
        if first >= 0 and cached is not None:  # cached rows come in order: one range read
            release(cached.buffer, cached.starts[first], cached.starts[n + 1])

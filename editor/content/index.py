"""The corpus index: one compact record per content file, its findings and a fast filter.

Building is a generator of :class:`Progress` steps, so the window (from a worker
thread) and the terminal drive the same code. The file names are known right after the
first step (``index.paths``), long before parsing ends. Files are parsed in a process
pool (both cores) in chunks; each worker returns plain tuples with the per-entry
findings already computed, and the corpus rules (duplicates, broken links) run in the
main process over the small :class:`SeoFacts`. Rows are cached per folder
(:mod:`editor.content.index_cache`), so reopening an unchanged folder parses nothing.

The filter is hand-written because no library fits its budget (30 ms a keystroke over
50k entries, no extra memory): each record keeps its distinct lower-cased words once
(whitespace-separated query terms must each occur in a word, so this loses nothing),
and the search runs ``bytes.find`` over one joined buffer, jumping to the next row on a
hit; a query that extends the previous one only re-checks the previous matches.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import multiprocessing
import os
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, NamedTuple

from editor.content import fast_yaml, frontmatter, index_cache
from editor.content.errors import ContentError, ParseError
from editor.content.schema import SchemaRegistry
from editor.content.seo import (
    Finding,
    SeoConfig,
    SeoFacts,
    check_corpus,
    check_entry,
    finding_from_error,
    load_config,
    seo_facts,
    severity_rank,
)

log = logging.getLogger("editor.index")

POOL_MIN_FILES = 1500  # below this a process pool costs more than it saves
CHUNK_MAX = 400
_FINDING_FIELDS = tuple(f.name for f in fields(Finding))
_FACTS_FIELDS = tuple(f.name for f in fields(SeoFacts))
_NO_SEVERITY = 99


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


class EntryRecord:
    """One content file as the list, the filter and the bulk check need it.

    Built positionally from a cached row tuple (``EntryRecord(*row)``), hence the long
    positional signature.
    """

    __slots__ = (
        "_corpus",
        "_error",
        "_facts",
        "_own",
        "date",
        "mtime_ns",
        "path",
        "schema",
        "search",
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
        own: tuple[tuple[Any, ...], ...],
        search: bytes,
        error: tuple[str, str, int | None, int | None] | None,
        facts: tuple[Any, ...] | None,
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
        self.search = search  # distinct lower-cased words of all values, UTF-8
        self._own = own  # per-entry findings as tuples (cheap to cache)
        self._error = error
        self._facts = facts
        self._corpus: tuple[Finding, ...] = ()

    def row(self) -> tuple[Any, ...]:
        """The cacheable tuple (without corpus findings, which depend on other files)."""
        own_severity = _worst(f[1] for f in self._own)
        return (
            self.path, self.size, self.mtime_ns, self.schema, self.title, self.subject,
            self.url, self.date, own_severity, self._own, self.search, self._error,
            self._facts,
        )  # fmt: skip

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Per-entry findings, then those of the corpus rules (duplicates, links)."""
        return tuple(Finding(*f) for f in self._own) + self._corpus

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
        return SeoFacts(*self._facts) if self._facts is not None else None

    def __repr__(self) -> str:
        return f"EntryRecord({self.path!r}, schema={self.schema!r}, severity={self.severity!r})"


# --- walking and parsing (also run in worker processes) --------------------------------


def scan_folder(folder: Path) -> list[tuple[str, int, int]]:
    """``(relative path, size, mtime_ns)`` of every ``**/*.md``, sorted by path.

    Hidden files and folders (``.git``) are skipped; a symlinked folder is entered once
    (loops are safe); unreadable subfolders are skipped.
    """
    root = os.fspath(folder)
    top = folder.stat()
    seen = {(top.st_dev, top.st_ino)}
    out: list[tuple[str, int, int]] = []
    stack = [(root, "")]
    while stack:
        path, prefix = stack.pop()
        try:
            entries = os.scandir(path)
        except OSError:
            if not prefix:
                raise
            continue
        with entries:
            for entry in entries:
                name = entry.name
                if name.startswith("."):
                    continue
                try:
                    if entry.is_dir():
                        st = entry.stat()
                        key = (st.st_dev, st.st_ino)
                        if key not in seen:
                            seen.add(key)
                            stack.append((entry.path, f"{prefix}{name}/"))
                    elif name.endswith(".md") and entry.is_file():
                        st = entry.stat()
                        out.append((prefix + name, st.st_size, st.st_mtime_ns))
                except OSError:
                    continue
    out.sort()
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip() if not isinstance(value, dict | list) else ""


def _collect(value: Any, out: list[str]) -> None:
    if isinstance(value, dict):
        for item in value.values():
            _collect(item, out)
    elif isinstance(value, list):
        for item in value:
            _collect(item, out)
    elif isinstance(value, str):
        out.append(value)
    elif value is not None:
        out.append(_text(value))


def search_text(rel: str, data: dict[str, Any]) -> bytes:
    """Distinct lower-cased words of the file name and every value, once each."""
    parts = [rel]
    _collect(data, parts)
    text = " ".join(parts).lower()
    if "\\n" in text:
        text = text.replace("\\n", " ")
    return " ".join(dict.fromkeys(text.split())).encode("utf-8")


def _worst(severities: Iterable[str]) -> str:
    rank = min((severity_rank(s) for s in severities), default=_NO_SEVERITY)
    return "" if rank == _NO_SEVERITY else ("error", "warning", "info")[rank]


def _as_tuple(obj: Any, names: Sequence[str]) -> tuple[Any, ...]:
    return tuple(getattr(obj, n) for n in names)


def _read(path: str, size: int) -> bytes:
    """The file's bytes; plain ``os.read`` saves the buffered reader's set-up per file."""
    fd = os.open(path, os.O_RDONLY)
    try:
        data = os.read(fd, size + 1)
        if len(data) <= size:
            return data
        chunks = [data]  # the file grew since it was listed
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def parse_file(  # noqa: PLR0917 - called per file from the workers
    folder: str, rel: str, size: int, mtime_ns: int, registry: SchemaRegistry, config: SeoConfig
) -> tuple[Any, ...]:
    """Read, parse and check one file into a cacheable row; never raises for bad files."""
    where = Path(rel)
    data: dict[str, Any] = {}
    try:
        try:
            raw = _read(f"{folder}{os.sep}{rel}", size)  # str joins: hot path
        except OSError as exc:
            raise ContentError(f"cannot read the file: {exc.strerror or exc}", where) from exc
        text, _ = frontmatter.decode(raw, where)
        front = fast_yaml.quick_front(text)
        if front is not None:
            data = fast_yaml.load_front(front, where, 2)
        else:
            parts = frontmatter.split(text, where)
            if parts.format == "yaml":
                data = fast_yaml.load_front(parts.front, where, parts.front_line)
            elif parts.format != "none":
                _, data, _ = frontmatter.load_bytes(raw, where)
    except ContentError as err:
        finding = finding_from_error(err, rel, config)
        error = (type(err).__name__, err.message, err.line, err.column)
        own: tuple[tuple[Any, ...], ...] = (_as_tuple(finding, _FINDING_FIELDS),)
        search = search_text(rel, {})
        return (rel, size, mtime_ns, "", "", "", "", "", finding.severity, own, search, error,
                None)  # fmt: skip
    schema = registry.for_data(data)
    findings = check_entry(data, schema, config, rel)
    facts = seo_facts(data, schema, rel)
    own = tuple(_as_tuple(f, _FINDING_FIELDS) for f in findings)
    return (
        rel, size, mtime_ns, schema.name,
        _text(data.get(schema.title_key)) if schema.title_key else "",
        _text(data.get("subject")), _text(data.get("url")), _text(data.get("date")),
        _worst(f.severity for f in findings), own, search_text(rel, data), None,
        _as_tuple(facts, _FACTS_FIELDS),
    )  # fmt: skip


_WORKER: tuple[str, SchemaRegistry, SeoConfig] | None = None


def _init_worker(folder: str, registry: SchemaRegistry, config: SeoConfig) -> None:
    global _WORKER  # noqa: PLW0603 - per-process context, set once by the pool
    _WORKER = (folder, registry, config)


def _parse_chunk(items: list[tuple[str, int, int]]) -> list[tuple[Any, ...]]:
    assert _WORKER is not None
    folder, registry, config = _WORKER
    return [parse_file(folder, rel, size, mtime, registry, config) for rel, size, mtime in items]


def _pool_context() -> Any:
    """``forkserver`` (or ``spawn``): never fork a process that may be running Qt threads."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


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
    ) -> None:
        self.folder = Path(folder)
        self.registry = registry if registry is not None else SchemaRegistry.load(self.folder)
        self.config = config if config is not None else load_config(self.folder)
        self.use_cache = cache
        self.workers = workers or min(2, os.cpu_count() or 1)
        self.pool_min_files = pool_min_files
        self.paths: list[str] = []  # known after the first build step, before parsing
        self.parsed = 0  # files parsed (not taken from the cache) by the last build/update
        self._records: list[EntryRecord] = []
        self._by_path: dict[str, EntryRecord] = {}
        self._corpus: list[Finding] = []
        self._search: _SearchBuffer | None = None
        self._key = index_cache.fingerprint(
            self.registry, self.config, "yaml-rs" if fast_yaml.fast_available() else "pyyaml"
        )

    # -- building

    def scan(self) -> list[str]:
        """Walk the folder and return the relative paths (quick: no file is opened)."""
        try:
            found = scan_folder(self.folder)
        except OSError as exc:
            raise ContentError(
                f"cannot read the folder: {exc.strerror or exc}", self.folder
            ) from exc
        self.paths = [rel for rel, _, _ in found]
        self._found = found
        return self.paths

    def build(self) -> Iterator[Progress]:
        """Index the folder, yielding progress; names are in ``paths`` after the first step."""
        self.scan()
        found = self._found
        total = len(found)
        yield Progress(0, total, "scan")

        cached_rows: dict[str, tuple[Any, ...]] = {}
        cached_corpus: list[tuple[Any, ...]] | None = None
        if self.use_cache:
            payload = index_cache.load(self.folder, self._key)
            if payload is not None:
                cached_rows = {row[0]: row for row in payload["rows"]}
                cached_corpus = payload.get("corpus")
                del payload
        by_path: dict[str, EntryRecord] = {}
        todo: list[tuple[str, int, int]] = []
        for rel, size, mtime in found:
            row = cached_rows.get(rel)
            if row is not None and row[1] == size and row[2] == mtime:
                by_path[rel] = EntryRecord(*row)
            else:
                todo.append((rel, size, mtime))
        self._by_path = by_path
        yield Progress(len(by_path), total, "cache")

        for row in self._parse_rows(todo, total):
            if isinstance(row, Progress):
                yield row
            else:
                by_path[row[0]] = EntryRecord(*row)
        self.parsed = len(todo)
        self._records = [by_path[rel] for rel in self.paths]
        yield Progress(total, total, "check")

        unchanged = not todo and len(cached_rows) == total
        if unchanged and cached_corpus is not None:
            self._set_corpus([Finding(*f) for f in cached_corpus])
        else:
            self._run_corpus()
        del cached_rows, cached_corpus, todo
        # The filter's buffer is built here, off the GUI thread, not on the first keystroke.
        self._search = _SearchBuffer([r.search for r in self._records])
        if self.use_cache and not unchanged:
            self._save()
        yield Progress(total, total, "done")

    def build_all(self) -> CorpusIndex:
        """Build without looking at the progress (tests, scripts)."""
        for _ in self.build():
            pass
        return self

    def _parse_rows(
        self, todo: list[tuple[str, int, int]], total: int
    ) -> Iterator[tuple[Any, ...] | Progress]:
        done = total - len(todo)
        folder = os.fspath(self.folder)
        if len(todo) < self.pool_min_files or self.workers < 2:
            for count, (rel, size, mtime) in enumerate(todo, 1):
                yield parse_file(folder, rel, size, mtime, self.registry, self.config)
                if count % 200 == 0:
                    yield Progress(done + count, total, "parse")
            yield Progress(total, total, "parse")
            return
        chunk = max(50, min(CHUNK_MAX, len(todo) // (self.workers * 8) or 1))
        chunks = [todo[i : i + chunk] for i in range(0, len(todo), chunk)]
        returned: set[str] = set()
        try:
            with ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=_pool_context(),
                initializer=_init_worker,
                initargs=(folder, self.registry, self.config),
            ) as pool:
                pending: set[Future[list[tuple[Any, ...]]]] = {
                    pool.submit(_parse_chunk, c) for c in chunks
                }
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        rows = future.result()
                        returned.update(row[0] for row in rows)
                        yield from rows
                        done += len(rows)
                    yield Progress(done, total, "parse")
        except (BrokenProcessPool, OSError) as exc:  # no pool here: carry on in-process
            log.warning("process pool failed (%s); parsing in this process", exc)
            for rel, size, mtime in todo:
                if rel not in returned:
                    yield parse_file(folder, rel, size, mtime, self.registry, self.config)
            yield Progress(total, total, "parse")

    def _run_corpus(self) -> None:
        facts = [SeoFacts(*r._facts) for r in self._records if r._facts is not None]
        self._set_corpus(check_corpus(facts, self.config))

    def _set_corpus(self, findings: list[Finding]) -> None:
        self._corpus = findings
        grouped: dict[str, list[Finding]] = defaultdict(list)
        for finding in findings:
            grouped[finding.path].append(finding)
        for record in self._records:
            extra = grouped.get(record.path)
            record._corpus = tuple(extra) if extra else ()
            if extra:
                record.severity = _worst(
                    [*(f[1] for f in record._own), *(f.severity for f in extra)]
                )
            else:
                record.severity = _worst(f[1] for f in record._own)

    def _save(self) -> None:
        index_cache.save(
            self.folder,
            self._key,
            [r.row() for r in self._records],
            [_as_tuple(f, _FINDING_FIELDS) for f in self._corpus],
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
        for path in paths:
            rel = self.relative(path)
            if any(part.startswith(".") for part in rel.split("/")) or not rel.endswith(".md"):
                continue
            target = Path(folder, rel)
            try:
                st = target.stat()
                exists = target.is_file()
            except OSError:
                exists = False
            if not exists:
                if self._by_path.pop(rel, None) is not None:
                    change.removed.append(rel)
                continue
            row = parse_file(folder, rel, st.st_size, st.st_mtime_ns, self.registry, self.config)
            (change.changed if rel in self._by_path else change.added).append(rel)
            self._by_path[rel] = EntryRecord(*row)
        self.parsed = len(change.added) + len(change.changed)
        if change.added or change.removed:
            self.paths = sorted(self._by_path)
        self._records = [self._by_path[rel] for rel in self.paths]
        self._run_corpus()
        self._search = _SearchBuffer([r.search for r in self._records])
        if self.use_cache:
            self._save()
        return change

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
        return self._corpus

    def findings(self) -> Iterator[Finding]:
        """Every finding, file by file (each file's own findings, then corpus ones)."""
        for record in self._records:
            yield from record.findings

    # -- filtering

    def search(self, query: str) -> list[int]:
        """Rows whose file name or any value contains every whitespace-separated term."""
        if self._search is None:
            self._search = _SearchBuffer([r.search for r in self._records])
        return self._search.find(query)

    def search_mask(self, query: str) -> bytearray:
        """``mask[row]`` is 1 when the row matches ``query`` (for a filter proxy)."""
        mask = bytearray(len(self._records))
        for row in self.search(query):
            mask[row] = 1
        return mask


class _SearchBuffer:
    """All records' search words in one buffer, rows separated by a newline."""

    def __init__(self, texts: list[bytes]) -> None:
        self.buffer = b"\n".join(texts) + b"\n"
        starts = array("q", [0])
        position = 0
        for text in texts:
            position += len(text) + 1
            starts.append(position)
        self.starts = starts  # starts[i] .. starts[i + 1] - 1 is row i
        self.rows = len(texts)
        self._last_terms: list[bytes] = []
        self._last_rows: list[int] = []

    def find(self, query: str) -> list[int]:
        terms = list(dict.fromkeys(query.lower().encode("utf-8").split()))
        if not terms:
            self._last_terms, self._last_rows = [], []
            return list(range(self.rows))
        terms.sort(key=len, reverse=True)  # the longest term prunes most
        narrows = bool(self._last_terms) and all(
            any(old in new for new in terms) for old in self._last_terms
        )
        buffer, starts = self.buffer, self.starts
        if narrows:
            candidates: Iterable[int] = self._last_rows
            rest = terms
        else:
            candidates = self._scan(terms[0])
            rest = terms[1:]
        if rest:
            rows = [
                row
                for row in candidates
                if all(buffer.find(t, starts[row], starts[row + 1]) >= 0 for t in rest)
            ]
        else:
            rows = list(candidates)
        self._last_terms, self._last_rows = terms, rows
        return rows

    def _scan(self, term: bytes) -> list[int]:
        """Rows containing ``term``: one ``find`` runs over non-matching rows at C speed."""
        buffer, starts = self.buffer, self.starts
        find, locate = buffer.find, bisect.bisect_right
        rows: list[int] = []
        position = find(term)
        while position >= 0:
            row = locate(starts, position) - 1
            rows.append(row)
            position = find(term, starts[row + 1])
        return rows

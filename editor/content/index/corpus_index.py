"""The corpus index: one compact record per content file, its findings and a fast filter.

Building is a generator of :class:`Progress` steps, so the window (from a worker
thread) and the terminal drive the same code. The file names are known right after the
first step (``index.paths``), long before parsing ends. Files are parsed by a chunk
parser (:mod:`.chunk_parser`: in this process, or in a process pool on every core,
:mod:`.pool`); each chunk comes with the per-entry findings already computed, and the
corpus rules (duplicates, broken links) run here over the small facts tuples. Rows are
cached per folder (:mod:`editor.content.index_cache`, reconciled with the folder by
:mod:`.reconcile`), so reopening an unchanged folder parses nothing.

The filter's text lives in :mod:`editor.content.search`; :attr:`CorpusIndex.text` is
that store. The rows and corpus findings it builds are :class:`.state.IndexState`'s;
updates after saves and batches are :class:`.updates.IndexUpdates`'.
"""

from __future__ import annotations

import bisect
import logging
import os
from array import array
from collections.abc import Iterable, Iterator
from itertools import chain
from operator import attrgetter
from pathlib import Path

from editor.content import index_cache
from editor.content.errors import ContentError
from editor.content.gc_pause import gc_paused
from editor.content.index.cached_findings import CachedFindings
from editor.content.index.chunk_parser import ChunkParser, InProcessParser
from editor.content.index.cold_findings import ColdFindings
from editor.content.index.reconcile import Placer, racy, read_clock, reconcile, still_same
from editor.content.index.records import (
    EntryRecord,
    LazyFacts,
    Progress,
    check_positions,
    grouped,
    order_from_bytes,
)
from editor.content.index.scan import Listed, scan_folder
from editor.content.index.state import (
    BACKGROUND_SAVE_MIN,
    POOL_MIN_FILES,
    TEXT_FILE_MIN,
    IndexState,
    rebuild_sink,
)
from editor.content.index.updates import IndexUpdates, PreparedUpdate, Ready
from editor.content.search import SearchBuilder, SearchText
from editor.content.search_job import SearchJob
from editor.content.seo import Finding
from editor.content.seo.rules import (
    CorpusTally,
    FindingRow,
    finding_of,
)
from editor.content.text_file import TextSink

log = logging.getLogger(__name__)

__all__ = [
    "BACKGROUND_SAVE_MIN",
    "POOL_MIN_FILES",
    "TEXT_FILE_MIN",
    "CorpusIndex",
    "IndexState",
    "PreparedUpdate",
    "Ready",
]


class CorpusIndex(IndexUpdates):
    """All entries of one content folder, their findings, and a filter over them."""

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

    def build(self, *, findings_only: bool = False) -> Iterator[Progress]:
        """Index the folder, yielding progress; names are in ``paths`` after the first step.

        The cyclic garbage collector is paused meanwhile (:func:`gc_paused`): building
        makes a million tuples and records, none in a cycle. At the end they go to the
        oldest generation, so the allocations that follow do not set off a walk of them
        all, maybe in the window's thread; nothing is pinned for good.

        ``findings_only``: for a reader of the findings alone (the ``check`` command).
        When the cache answers for every file, no record is made (50k of them, and
        their corpus findings put back, were ~0.1 s of a ~0.9 s warm check): the index
        then knows its size and its findings (:meth:`finding_rows`,
        :meth:`ordered_finding_rows`) and nothing else; :attr:`records` refuses. In
        every other case but a cold build (no cache: every file parsed, the chunks
        taken by :class:`~.cold_findings.ColdFindings`) it is built in full.
        """
        with gc_paused("old"):
            yield from self._build(findings_only)

    def _build(self, findings_only: bool = False) -> Iterator[Progress]:
        self._build_ns, self._doubts = read_clock(), {}  # before any file is listed
        cached: index_cache.Payload | None = None
        if self.use_cache:
            cached = index_cache.load(self.folder, self._key)
        cached_none = cached is None
        # Sizes and mtimes only matter to compare with a cache; without one the workers
        # read them from the files they open.
        self.scan(stat=not cached_none)
        found, self._found = self._found, []  # ~11 MB at 50k: not kept past the build
        total = len(found)
        yield Progress(0, total, "scan")

        todo, reuse = reconcile(found, cached)
        yield Progress(total - len(todo), total, "cache")

        unchanged = cached is not None and not todo and len(cached.rows) == total
        if unchanged and findings_only and cached is not None:
            self.parsed = 0
            self._records, self._by_path = [], {}
            self._set_cached_findings(CachedFindings(cached.rows, cached.corpus))
            self._ordered_blob = cached.ordered
            self._generation += 1
            yield Progress(total, total, "check")
            yield Progress(total, total, "done")
            return
        if findings_only and cached is None:
            yield from self._build_findings(todo, total)
            return
        records: list[EntryRecord] = []
        writer: index_cache.Writer | None = None
        # A cold build counts the corpus rules' values chunk by chunk, while the workers
        # parse on, leaving less for the end, when one core would idle.
        tally = CorpusTally(self.config) if cached is None else None
        if unchanged and cached is not None:
            lazy = LazyFacts(cached.facts, records)
            records.extend([EntryRecord(*row, lazy) for row in cached.rows])
            store = SearchText(cached.buffer, cached.starts, cached.masks, cached.text_path)
        else:
            builder = SearchBuilder(self._text_sink(total))
            placer = Placer(records, builder, reuse, cached)
            # A cold build streams its workers' marshalled rows into the cache file.
            writer = index_cache.Writer(self.folder) if self.use_cache and cached_none else None
            try:
                for item in self._parser(len(todo)).chunks(todo, total - len(todo), total):
                    if isinstance(item, Progress):
                        yield item
                        continue
                    placer.place(item)
                    if tally is not None:
                        tally.add(item.facts)
                    if writer is not None:
                        writer.piece(item.blob, item.facts_blob)
                placer.upto(total)
                store = builder.finish()
            except BaseException:
                builder.abort()
                if writer is not None:
                    writer.abort()
                raise
            del placer
        try:
            self.parsed = len(todo)
            self._set_cached_findings(None)
            self._records = records
            self._by_path = {r.path: r for r in records}
            self._generation += 1
            self._attach(store)
            yield Progress(total, total, "check")

            if unchanged and cached is not None:
                self._set_corpus(list(cached.corpus))
                self._ordered_blob = cached.ordered
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
                    ordered=self._check_order().tobytes(),
                )
            elif self.use_cache and not unchanged:
                self._save()
            yield Progress(total, total, "done")
        finally:
            if writer is not None:
                writer.abort_unfinished()  # closed early: leave no temporary file

    def _build_findings(self, todo: list[Listed], total: int) -> Iterator[Progress]:
        """A cold build for a reader of the findings alone: the chunks go to
        :class:`ColdFindings` and no record is made (see :meth:`build`)."""
        writer = index_cache.Writer(self.folder) if self.use_cache else None
        builder = SearchBuilder(self._text_sink(total)) if writer is not None else None
        cold = ColdFindings(self.config, builder, writer)
        try:
            for item in self._parser(len(todo)).chunks(todo, 0, total):
                if isinstance(item, Progress):
                    yield item
                else:
                    cold.add(item)
            store = builder.finish() if builder is not None else None
        except BaseException:
            if builder is not None:
                builder.abort()
            if writer is not None:
                writer.abort()
            raise
        try:
            self.parsed = len(todo)
            self._records, self._by_path = [], {}
            self._generation += 1
            yield Progress(total, total, "check")
            self._set_cached_findings(CachedFindings(cold.rows, cold.corpus()))
            del cold
            if writer is not None and store is not None:
                writer.finish(
                    self._key,
                    self._corpus,
                    (store.buffer, store.starts, store.masks),
                    store.path,
                    background=total >= BACKGROUND_SAVE_MIN,
                    ordered=self._check_order().tobytes(),
                )
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

    def _parser(self, files: int) -> ChunkParser:
        """Who parses ``files`` files: a process pool, unless they are too few."""
        folder = os.fspath(self.folder)
        if files < self.pool_min_files or self.workers < 2:
            return InProcessParser(folder, self.registry, self.config)
        # imported here: a warm reopen or check never needs the pool, and multiprocessing
        # with concurrent.futures was a tenth of a warm check's imports
        from editor.content.index.pool import PoolParser

        return PoolParser(folder, self.registry, self.config, self.workers)

    def _save(self, *, order: bool = True) -> None:
        """Write the cache; a big one in a background thread (the results are ready now).
        With ``order`` the check's order of the findings is worked out for it if it is
        not known (~0.1 s at 50k entries); without, it is written only if known."""
        store = self._search
        assert store is not None
        if store.overrides:  # saved rows' texts: into the buffer the cache is made of
            store.rebuild([range(store.rows)], rebuild_sink(store))
        index_cache.save(
            self.folder,
            self._key,
            [r.row() for r in self._records],
            self._corpus,
            (store.buffer, store.starts, store.masks),
            text_path=store.path,
            background=len(self._records) >= BACKGROUND_SAVE_MIN,
            ordered=self._check_order().tobytes() if order or self._ordered is not None else None,
        )

    def save_cache(self) -> None:
        """Write the cache if :meth:`update_paths` changed the index since it was read.

        Updates do not write it each time (a save would rewrite the whole cache): the
        window calls this when it closes the folder. A cache left behind by a crash is
        only older, never wrong: the files changed since are parsed again on reopen.
        """
        if self.cache_stale:
            self.cache_stale = False
            self._save(order=False)  # on the window's thread: the next check sorts instead

    # -- reading

    @property
    def records(self) -> list[EntryRecord]:
        """Records in path order (row numbers of :meth:`search` index this list)."""
        if self._cached_findings is not None:
            raise RuntimeError("built with findings_only: the index holds no records")
        return self._records

    def __len__(self) -> int:
        if self._cached_findings is not None:
            return self._cached_findings.entries
        return len(self._records)

    def record(self, path: Path | str) -> EntryRecord | None:
        return self._by_path.get(self.relative(path))

    def records_of(self, rels: Iterable[str]) -> list[EntryRecord]:
        """The records of these index keys (as :class:`IndexChange` names them), in that
        order; keys the index does not hold are left out."""
        return [r for r in map(self._by_path.get, rels) if r is not None]

    def row_of(self, path: Path | str) -> int:
        """Row of ``path`` in :attr:`records`, or -1."""
        rel = self.relative(path)
        row = bisect.bisect_left(self.paths, rel)
        return row if row < len(self.paths) and self.paths[row] == rel else -1

    def is_current(self, path: Path | str) -> bool:
        """Whether the index holds ``path`` as it is on disk (same size and mtime; a file
        gone that it does not hold counts too): a report of a change to such a file (our
        own save, a batch already read) needs no update. Stats the file: any thread.

        Size and mtime are not enough for a file read within the timestamp granularity of
        its mtime (``reconcile.racy``: a same-size save in the same second on FAT): an
        update's read kept the digest of its bytes, compared here; the build kept none,
        so such a file is not current."""
        record = self.record(path)
        target = self.folder / path  # an absolute path stays itself
        try:
            st = target.stat()
        except OSError:
            return record is None
        if record is None or (record.mtime_ns, record.size) != (st.st_mtime_ns, st.st_size):
            return False
        if record.path not in self._doubts:  # read by the build
            return not racy(record.mtime_ns, self._build_ns)
        return still_same(target, self._doubts[record.path], st.st_size, st.st_mtime_ns)

    @property
    def corpus_findings(self) -> list[Finding]:
        if self._corpus_objects is None:
            self._corpus_objects = list(map(finding_of, self._corpus))
        return self._corpus_objects

    def findings(self) -> Iterator[Finding]:
        """Every finding, file by file (each file's own findings, then corpus ones)."""
        return map(finding_of, self.finding_rows())

    def finding_rows(self) -> Iterator[FindingRow]:
        """:meth:`findings` as plain tuples (the bulk check's writers need no more)."""
        if self._cached_findings is not None:
            return self._cached_findings.rows()
        # All records' flat tuples in one stream, cut into findings in one go (each has
        # the same number of fields): no tuple or generator per record.
        pairs = map(attrgetter("_own", "_corpus"), self._records)
        flat = chain.from_iterable(chain.from_iterable(pairs))
        return grouped(flat)

    def ordered_finding_rows(self) -> list[FindingRow]:
        """Every finding in the order the ``check`` command reports them: by path, line,
        column, rule and field (findings alike in all five keep :meth:`finding_rows`'s
        order). The order is worked out once and kept with the cache, as positions in
        :meth:`finding_rows`: a check of an unchanged folder sorts nothing (sorting
        190k findings took ~0.1 s, a tenth of a warm check; taking them in the kept
        order a third of that)."""
        rows = list(self.finding_rows())
        return list(map(rows.__getitem__, self._check_order(rows)))

    def _check_order(self, rows: list[FindingRow] | None = None) -> array[int]:
        """Positions in :meth:`finding_rows` (``rows``, when the caller has them) in the
        check's order."""
        if self._ordered is None:
            blob, self._ordered_blob = self._ordered_blob, None
            if rows is None:
                rows = list(self.finding_rows())
            order = order_from_bytes(blob, len(rows)) if blob is not None else None
            self._ordered = check_positions(rows) if order is None else order
        return self._ordered

    # -- filtering

    def search(self, query: str) -> list[int]:
        """Rows whose file name or any value contains every whitespace-separated term."""
        return self.text.find(query)

    def search_job(self, query: str) -> SearchJob:
        """:meth:`search` as a job to run in slices (the window's filter-as-you-type);
        the list holds this method, which always asks the index's current store."""
        return self.text.job(query)

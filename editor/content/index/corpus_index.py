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
that store.
"""

from __future__ import annotations

import bisect
import logging
import os
import stat
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter
from pathlib import Path, PurePosixPath

from editor.content import fast_yaml, index_cache
from editor.content.errors import ContentError
from editor.content.gc_pause import gc_paused
from editor.content.index.chunk_parser import ChunkParser, InProcessParser
from editor.content.index.parse import parse_file
from editor.content.index.reconcile import Placer, reconcile
from editor.content.index.records import (
    BY_RANK,
    NO_SEVERITY,
    RANK,
    EntryRecord,
    FileParts,
    FlatFindings,
    IndexChange,
    LazyFacts,
    Progress,
    check_positions,
    grouped,
    order_from_bytes,
)
from editor.content.index.scan import Listed, inside, scan_folder
from editor.content.schema import SchemaRegistry
from editor.content.search import OVERRIDES_MAX, Rebuilt, SearchBuilder, SearchText
from editor.content.search_job import SearchJob
from editor.content.search_rows import letter_mask
from editor.content.seo import Finding, SeoConfig, load_config
from editor.content.seo.link_rules import LinkFacts, WholeCorpusRules, link_facts, link_findings
from editor.content.seo.rules import (
    CorpusTally,
    FactsRow,
    FindingRow,
    check_corpus_rows,
    finding_of,
)
from editor.content.text_file import TextSink

log = logging.getLogger(__name__)

POOL_MIN_FILES = 1500  # below this a process pool costs more than it saves
BACKGROUND_SAVE_MIN = 5000  # rows from which the cache is written in a background thread
TEXT_FILE_MIN = 2000  # entries from which the search texts live in a file, not in memory


@dataclass
class Ready:
    """An update that only changes files, made ready off the GUI thread (see
    :meth:`CorpusIndex.read_paths`) against the index's ``generation``."""

    generation: int
    records: list[tuple[int, EntryRecord, EntryRecord, bytes]]  # row, old, new, old's text
    texts: list[tuple[int, bytes, int]]  # row, new search text, letter mask
    rebuilt: Rebuilt | None  # the search text made anew, or None: the texts as overrides
    corpus: list[FindingRow]  # every corpus finding after the update
    findings: list[tuple[EntryRecord, FlatFindings, str, bool]]  # corpus findings, severity
    refreshed: list[str]
    links_changed: bool


@dataclass
class PreparedUpdate:
    """Files read again by :meth:`CorpusIndex.read_paths` (on any thread) for
    :meth:`CorpusIndex.apply_update`: each relative path's parse (None: the file is gone),
    and for an update that only changes files, all it makes, ready to be put in."""

    files: dict[str, FileParts | None]
    ready: Ready | None = None


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
        self._root = f"{self.folder}/" if self.folder.is_absolute() else "\0"  # see relative
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
        # made at the first update (see _rerun_corpus)
        self._rules: WholeCorpusRules | None = None
        self._corpus_objects: list[Finding] | None = None
        # the check's order of the findings (ordered_finding_rows): positions in
        # finding_rows(); or their bytes, as the cache of an unchanged folder gave them
        self._ordered: array[int] | None = None
        self._ordered_blob: bytes | None = None
        self._search: SearchText | None = SearchText(bytearray(), array("q", [0]), array("Q"))
        self._found: list[Listed] = []
        self._generation = 0  # counts the changes of the rows (see read_paths)
        self._overlay: dict[str, EntryRecord] = {}  # records of an update being made ready
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

        The cyclic garbage collector is paused meanwhile (:func:`gc_paused`): building
        makes a million tuples and records, none in a cycle. At the end they go to the
        oldest generation, so the allocations that follow do not set off a walk of them
        all, maybe in the window's thread; nothing is pinned for good.
        """
        with gc_paused("old"):
            yield from self._build()

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
        yield Progress(0, total, "scan")

        todo, reuse = reconcile(found, cached)
        yield Progress(total - len(todo), total, "cache")

        unchanged = cached is not None and not todo and len(cached.rows) == total
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

    def _attach(self, store: SearchText) -> None:
        self._search = store
        for row, record in enumerate(self._records):
            record._store = store
            record._row = row

    def _parser(self, files: int) -> ChunkParser:
        """Who parses ``files`` files: a process pool, unless they are too few."""
        folder = os.fspath(self.folder)
        if files < self.pool_min_files or self.workers < 2:
            return InProcessParser(folder, self.registry, self.config)
        # imported here: a warm reopen or check never needs the pool, and multiprocessing
        # with concurrent.futures was a tenth of a warm check's imports
        from editor.content.index.pool import PoolParser

        return PoolParser(folder, self.registry, self.config, self.workers)

    def _all_facts(self) -> list[FactsRow]:
        return [f for f in map(EntryRecord.facts_row, self._records) if f is not None]

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
        record = self._overlay.get(rel) or self._by_path.get(rel)
        facts = record.facts_row() if record is not None else None
        if record is None or facts is None:
            return None
        # Links only for the rules that read them: the text is the costly part.
        wanted = self.config.enabled("orphan") or self.config.enabled("link-moved")
        search = record.search if wanted else b""
        return link_facts(rel, record.subject, facts, search, with_links=wanted)

    def prepare_updates(self) -> None:
        """Make the incremental corpus rules now (the window does, off its GUI thread,
        once the index is built), so the first save does not pay ~0.3 s for them."""
        if self._rules is None:
            rules = WholeCorpusRules(self.config, self._link_facts)
            rules.build(self._all_facts())
            self._rules = rules

    def _rerun_corpus(self, change: IndexChange) -> None:
        """The corpus rules after an update: only the groups and links the changed
        entries touch are looked at again (:class:`WholeCorpusRules`, made from every entry's
        facts by :meth:`prepare_updates` or at the first update)."""
        self._ordered = self._ordered_blob = None
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
        added = [f for f in (by_path[rel].facts_row() for rel in fresh) if f is not None]
        touched = rules.update([*change.removed, *change.changed], added)
        self._with_corpus.difference_update(change.removed)
        self._corpus = rules.all()
        self._corpus_objects = None
        rank_of = RANK
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
            rank = rank_of.get(record._own_severity, NO_SEVERITY)
            for finding in findings:
                rank = min(rank, rank_of[finding[1]])
            record.severity = BY_RANK[rank]

    def _set_corpus(self, findings: list[FindingRow]) -> None:
        self._corpus = findings
        self._corpus_objects = None
        self._ordered = self._ordered_blob = None
        by_file: dict[str, FindingRow | list[FindingRow]] = {}
        setdefault = by_file.setdefault
        for finding in findings:
            first = setdefault(finding[2], finding)
            if first is not finding:
                if isinstance(first, list):
                    first.append(finding)
                else:
                    by_file[finding[2]] = [first, finding]
        rank_of, by_path = RANK, self._by_path
        # Only the records with corpus findings, before or now: not a pass over all.
        for path in self._with_corpus.difference(by_file):
            record = by_path.get(path)
            if record is not None:
                record._corpus = ()
                record.severity = record._own_severity
        self._with_corpus = set(by_file)
        for path, found in by_file.items():
            record = by_path.get(path)
            if record is None:
                continue
            if isinstance(found, list):
                extra = found
                record._corpus = tuple(chain.from_iterable(extra))
            else:
                record._corpus, extra = found, [found]
            rank = rank_of.get(record._own_severity, NO_SEVERITY)
            for finding in extra:
                rank = min(rank, rank_of[finding[1]])
            record.severity = BY_RANK[rank]

    def _save(self, *, order: bool = True) -> None:
        """Write the cache; a big one in a background thread (the results are ready now).
        With ``order`` the check's order of the findings is worked out for it if it is
        not known (~0.1 s at 50k entries); without, it is written only if known."""
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
            ordered=self._check_order().tobytes() if order or self._ordered is not None else None,
        )

    # -- incremental

    def relative(self, path: Path | str) -> str:
        """The index's key for ``path`` (absolute or relative to the folder)."""
        if isinstance(path, PurePosixPath):  # already normal: a string cut, ~20x cheaper
            text, root = str(path), self._root  # (1,000 look-ups after a batch: 50 -> 3 ms)
            if text.startswith(root):
                return text[len(root) :]
        p = Path(path)
        if p.is_absolute():
            try:
                p = p.relative_to(self.folder)
            except ValueError:
                p = p.resolve().relative_to(self.folder.resolve())
        return p.as_posix()

    def update_paths(self, paths: Iterable[Path | str]) -> IndexChange:
        """Re-read changed, added or removed files, then re-run the corpus rules."""
        return self.apply_update(self.read_paths(paths))

    def read_paths(self, paths: Iterable[Path | str]) -> PreparedUpdate:
        """The work of :meth:`update_paths` that may run on a worker thread while another
        reads the index: each file read and parsed again, and, when the update only
        changes files, all it makes (:meth:`_make_ready`); :meth:`apply_update` then puts
        it in at once. What readers of the index see does not change here; the
        incremental corpus rules (which only updates use) move on, so an update made
        ready must be applied before the next is made (the window queues them)."""
        folder = os.fspath(self.folder)
        index_cache.wait_for_writes(self.folder)  # so the apply does not wait for it
        files: dict[str, FileParts | None] = {}
        for path in paths:
            rel = self.relative(path)
            if any(part.startswith(".") for part in rel.split("/")) or not rel.endswith(".md"):
                continue
            target = Path(folder, rel)
            try:
                st = target.stat()
                exists = stat.S_ISREG(st.st_mode) and inside(
                    os.path.realpath(folder), os.fspath(target)
                )
            except OSError:
                exists = False
            files[rel] = (
                parse_file(folder, rel, st.st_size, st.st_mtime_ns, self.registry, self.config)
                if exists
                else None
            )
        return PreparedUpdate(files, self._make_ready(files))

    def _make_ready(self, files: dict[str, FileParts | None]) -> Ready | None:
        """New records, search text and corpus findings for files that were only changed,
        made without touching what readers see. At 50k entries, 1,000 changed files took
        the GUI thread ~0.5-1.1 s to put in the slow way (the search text copied anew,
        the corpus rules re-run); made ready here, putting them in takes a few ms. None
        when files come or go or the corpus rules are not made yet (the slow way then)."""
        rules = self._rules
        if rules is None or not files:
            return None
        paths, by_path, store = self.paths, self._by_path, self.text
        rows: list[tuple[int, str, FileParts]] = []
        for rel, parts in files.items():
            row = bisect.bisect_left(paths, rel)
            if parts is None or row >= len(paths) or paths[row] != rel:
                return None
            rows.append((row, rel, parts))
        rows.sort()
        generation = self._generation
        records: list[tuple[int, EntryRecord, EntryRecord, bytes]] = []
        texts: list[tuple[int, bytes, int]] = []
        links: set[tuple[str, str]] = set()
        new_links: set[tuple[str, str]] = set()
        for row, rel, (parsed, facts, search, mask) in rows:
            old = by_path[rel]
            new = EntryRecord(*parsed, facts)
            new._text = search  # its own until it is put in the store
            records.append((row, old, new, old.search))
            texts.append((row, search, mask))
            links.add((old.url, old.title))
            new_links.add((new.url, new.title))
        rebuilt: Rebuilt | None = None
        if len(store.overrides) + len(texts) > OVERRIDES_MAX:
            segments: list[range | tuple[bytes, int]] = []
            done = 0
            for row, search, mask in texts:
                segments += [range(done, row), (search, mask)]
                done = row + 1
            segments.append(range(done, store.rows))
            rebuilt = store.rebuilt(segments, _rebuild_sink(store))
        fresh = [rel for _row, rel, _parts in rows]
        overlay = {new.path: new for _row, _old, new, _text in records}
        self._overlay = overlay  # what the link rules read of the changed entries
        try:
            added = [f for f in (r.facts_row() for r in overlay.values()) if f is not None]
            touched = rules.update(fresh, added)
        finally:
            self._overlay = {}
        known = set(fresh)
        findings: list[tuple[EntryRecord, FlatFindings, str, bool]] = []
        for rel in touched.union(fresh):
            record = overlay.get(rel) or by_path.get(rel)
            if record is None:
                continue
            found = rules.findings_of(rel)
            rank = RANK.get(record._own_severity, NO_SEVERITY)
            for finding in found:
                rank = min(rank, RANK[finding[1]])
            flat = tuple(chain.from_iterable(found))
            findings.append((record, flat, BY_RANK[rank], bool(found)))
        return Ready(
            generation,
            records,
            texts,
            rebuilt,
            rules.all(),
            findings,
            sorted(rel for rel in touched - known if rel in by_path),
            {link for link in links if link[0]} != {link for link in new_links if link[0]},
        )

    def apply_update(self, update: PreparedUpdate) -> IndexChange:
        """Put files read by :meth:`read_paths` into the paths, records, search texts and
        corpus findings; no file is read. An update made ready is only assigned."""
        ready = update.ready
        if ready is not None and ready.generation == self._generation:
            return self._put_in(ready)
        if ready is not None:  # made against rows changed since: its rules moved on too
            self._rules = None  # made again from every entry by _rerun_corpus
        change = IndexChange()
        store = self.text
        index_cache.wait_for_writes(self.folder)
        old_paths = self.paths
        # (old row, path, new row or None): a new row goes before the old row it names
        # (added) or in its place (changed); None drops the old row (removed).
        edits: list[tuple[int, str, FileParts | None]] = []
        for rel, parts in update.files.items():
            position = bisect.bisect_left(old_paths, rel)
            present = position < len(old_paths) and old_paths[position] == rel
            if parts is None:
                if present:
                    edits.append((position, rel, None))
                    change.removed.append(rel)
                continue
            edits.append((position, rel, parts))
            (change.changed if present else change.added).append(rel)
        if edits:
            change.links_changed = self._apply(store, sorted(edits, key=lambda e: (e[0], e[1])))
        self._generation += 1
        self.parsed = len(change.added) + len(change.changed)
        self._ordered = self._ordered_blob = None
        self._rerun_corpus(change)
        self.cache_stale = self.use_cache
        return change

    def _put_in(self, ready: Ready) -> IndexChange:
        """An update made ready (:meth:`_make_ready`), put in by assignments only."""
        change = IndexChange(refreshed=ready.refreshed, links_changed=ready.links_changed)
        store = self.text
        records, by_path = self._records, self._by_path
        for row, old, new, old_text in ready.records:
            old._text, old._store = old_text, None  # a holder of the old record keeps it
            records[row] = by_path[new.path] = new
            new._store, new._row, new._text = store, row, b""
            change.changed.append(new.path)
        if ready.rebuilt is not None:
            store.take(ready.rebuilt)
        else:
            for row, search, mask in ready.texts:
                store.override(row, search, mask)
        self._corpus, self._corpus_objects = ready.corpus, None
        self._ordered = self._ordered_blob = None  # the findings changed: the order too
        with_corpus = self._with_corpus
        for record, flat, severity, has in ready.findings:
            record._corpus, record.severity = flat, severity
            if has:
                with_corpus.add(record.path)
            else:
                with_corpus.discard(record.path)
        self._generation += 1
        self.parsed = len(change.changed)
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
            self._save(order=False)  # on the window's thread: the next check sorts instead

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
        record = self._by_path[rel] = EntryRecord(*row, facts)
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
        own save, a batch already read) needs no update. Stats the file: any thread."""
        record = self.record(path)
        try:
            st = (self.folder / path).stat()  # an absolute path stays itself
        except OSError:
            return record is None
        return record is not None and (record.mtime_ns, record.size) == (st.st_mtime_ns, st.st_size)

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

    @property
    def text(self) -> SearchText:
        """The store of every row's search text; query it directly (``find``, ``job``)."""
        if self._search is None:  # dropped (tests): build it again from the records
            builder = SearchBuilder()
            for record in self._records:
                text = record.search
                builder.add(text, letter_mask(text))
            self._attach(builder.finish())
        assert self._search is not None
        return self._search

    def search(self, query: str) -> list[int]:
        """Rows whose file name or any value contains every whitespace-separated term."""
        return self.text.find(query)

    def search_job(self, query: str) -> SearchJob:
        """:meth:`search` as a job to run in slices (the window's filter-as-you-type);
        the list holds this method, which always asks the index's current store."""
        return self.text.job(query)


def _rebuild_sink(store: SearchText) -> TextSink | None:
    """Where a store's rebuilt text goes: memory, or an unnamed file when it was in one
    (the cache's text file is left as it is until the cache is written again)."""
    file_backed = store.path is not None or not isinstance(store.buffer, bytearray)
    return TextSink(directory=index_cache.cache_dir()) if file_backed else None

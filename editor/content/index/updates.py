"""Updating the index after files change: read (on any thread), then put in.

A save changes one file; a bulk batch a thousand. :meth:`IndexUpdates.read_paths`
reads and parses the files and, when they were only changed, makes everything the
update makes without touching what readers see; :meth:`IndexUpdates.apply_update`
puts it in by assignments (a few ms for 1,000 files at 50k entries), or the slow way
(rows moved, rules re-run) when files came or went.
"""

from __future__ import annotations

import bisect
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from editor.content import index_cache
from editor.content.index.parse import parse_file
from editor.content.index.reconcile import Doubt, content_digest, racy, read_clock
from editor.content.index.records import (
    BY_RANK,
    NO_SEVERITY,
    RANK,
    EntryRecord,
    IndexChange,
)
from editor.content.index.rows import FileParts, FlatFindings
from editor.content.index.scan import inside
from editor.content.index.state import IndexState, rebuild_sink
from editor.content.search import OVERRIDES_MAX, Rebuilt, SearchText
from editor.content.seo.rules import (
    FindingRow,
)


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
    # the files read too close to their mtime to trust it later (see reconcile.racy)
    doubts: dict[str, Doubt] = field(default_factory=dict)


class IndexUpdates(IndexState):
    """The incremental half of :class:`~editor.content.index.corpus_index.CorpusIndex`."""

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
        if self._cached_findings is not None:
            raise RuntimeError("built with findings_only: the index holds no records to update")
        folder = os.fspath(self.folder)
        index_cache.wait_for_writes(self.folder)  # so the apply does not wait for it
        files: dict[str, FileParts | None] = {}
        doubts: dict[str, Doubt] = {}
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
            if not exists:
                files[rel] = None
                continue
            if racy(st.st_mtime_ns, read_clock()):  # its digest first: a change after it
                digest = content_digest(target)  # then differs from it, never agrees
                if digest is not None:
                    doubts[rel] = (st.st_size, st.st_mtime_ns, digest)
            files[rel] = parse_file(
                folder, rel, st.st_size, st.st_mtime_ns, self.registry, self.config
            )
        return PreparedUpdate(files, self._make_ready(files), doubts)

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
            rebuilt = store.rebuilt(segments, rebuild_sink(store))
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

    def discard_prepared(self) -> None:
        """A read whose update will never be put in (it failed, or putting it in did):
        the incremental corpus rules may have moved on with it, so they are made again
        from every entry at the next update rather than answer for files never put in."""
        self._rules = None
        self._generation += 1  # and an update made ready meanwhile is put in the slow way

    def apply_update(self, update: PreparedUpdate) -> IndexChange:
        """Put files read by :meth:`read_paths` into the paths, records, search texts and
        corpus findings; no file is read. An update made ready is only assigned."""
        doubts = self._doubts  # what is known of each file's read now
        for rel, parts in update.files.items():
            if parts is None:
                doubts.pop(rel, None)
            else:  # None: read well after its mtime, which then proves it unchanged
                doubts[rel] = update.doubts.get(rel)
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
            ordered = sorted(edits, key=lambda e: (e[0], e[1]))
            change.links_changed = self._apply(store, ordered, change.released)
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
            change.released.append(store.take(ready.rebuilt))
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

    def _apply(
        self,
        store: SearchText,
        edits: list[tuple[int, str, FileParts | None]],
        released: list[object],
    ) -> bool:
        """Put the edits (sorted by old row, then path) into the paths, records and
        search texts (the old texts into ``released``). True when an entry's URL or
        title came, went or changed."""
        links: set[tuple[str, str]] = set()  # (url, title) of the entries gone or changed...
        new_links: set[tuple[str, str]] = set()  # ...and of those that replace them
        if not self._change_in_place(store, edits, links, new_links):
            released.append(self._rebuild_rows(store, edits, links, new_links))
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
    ) -> Rebuilt:
        """Edits that add or remove files: paths, records and search texts made anew,
        the kept rows between the edits moving as whole ranges; the old texts."""
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
        old = store.rebuild(segments, rebuild_sink(store))
        self.paths = paths  # a new list: holders of the old one keep theirs
        self._records = [self._by_path[rel] for rel in paths]
        self._attach(store)
        return old

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

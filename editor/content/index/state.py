"""What every part of the corpus index stands on: its rows, its search text, and the
corpus findings over them.

:class:`IndexState` holds the records (one per file, in path order), the search store
and the corpus rules' results; building (:mod:`.corpus_index`) and incremental updates
(:mod:`.updates`) both change them through what is here, so neither needs the other.
"""

from __future__ import annotations

import logging
import os
from array import array
from itertools import chain
from pathlib import Path, PurePosixPath

from editor.content import fast_yaml, index_cache
from editor.content.index.cached_findings import CachedFindings
from editor.content.index.reconcile import Doubt
from editor.content.index.records import (
    BY_RANK,
    NO_SEVERITY,
    RANK,
    EntryRecord,
    IndexChange,
)
from editor.content.index.scan import Listed
from editor.content.schema import SchemaRegistry
from editor.content.search import SearchBuilder, SearchText
from editor.content.search_rows import letter_mask
from editor.content.seo import Finding, SeoConfig, load_config
from editor.content.seo.link_rules import (
    LinkFacts,
    WholeCorpusRules,
    link_facts,
    link_findings,
    links_read,
)
from editor.content.seo.rules import (
    CorpusTally,
    FactsRow,
    FindingRow,
    check_corpus_rows,
)
from editor.content.text_file import TextSink

log = logging.getLogger(__name__)

POOL_MIN_FILES = 1500  # below this a process pool costs more than it saves
BACKGROUND_SAVE_MIN = 5000  # rows from which the cache is written in a background thread
TEXT_FILE_MIN = 2000  # entries from which the search texts live in a file, not in memory


class IndexState:
    """The rows of one content folder's index and their corpus findings."""

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
        # the findings of a build made with findings_only, in place of records
        self._cached_findings: CachedFindings | None = None
        self._found: list[Listed] = []
        self._generation = 0  # counts the changes of the rows (see read_paths)
        self._overlay: dict[str, EntryRecord] = {}  # records of an update being made ready
        # the files an update read: the digest of a racy read (see reconcile.racy), None
        # for a sure one; and when the build (which read the others) began
        self._doubts: dict[str, Doubt | None] = {}
        self._build_ns = 0
        self._key = index_cache.fingerprint(
            self.registry, self.config, "yaml-rs" if fast_yaml.fast_available() else "pyyaml"
        )

    def _set_cached_findings(self, findings: CachedFindings | None) -> None:
        self._cached_findings = findings
        self._corpus_objects = None
        self._ordered = self._ordered_blob = None
        if findings is not None:
            self._corpus = findings.corpus

    def _attach(self, store: SearchText) -> None:
        self._search = store
        for row, record in enumerate(self._records):
            record._store = store
            record._row = row

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
        # Links only for the rules that read them (a LinkFacts each costs memory).
        return link_facts(rel, record.subject, facts, with_links=links_read(self.config))

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


def rebuild_sink(store: SearchText) -> TextSink | None:
    """Where a store's rebuilt text goes: memory, or an unnamed file when it was in one
    (the cache's text file is left as it is until the cache is written again)."""
    file_backed = store.path is not None or not isinstance(store.buffer, bytearray)
    return TextSink(directory=index_cache.cache_dir()) if file_backed else None

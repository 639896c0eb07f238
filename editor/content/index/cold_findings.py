"""A cold build for a reader of the findings alone (the ``check`` command): no record made.

What a cold ``check`` needs of the parsed chunks: every finding, and the cache for the
next run. So each chunk's rows are kept as the worker sent them (a row's own findings
and path are all :class:`~.cached_findings.CachedFindings` needs), its facts are counted
by the corpus rules while the workers parse on, and its marshalled bytes and search
texts go to the cache as they came. The window's records (50k
:class:`~.records.EntryRecord` s with shared facts strings, the corpus findings put on
each) are never made: on two cores that main-process work ran beside the two workers
and slowed them down by as much.
"""

from __future__ import annotations

from itertools import compress, repeat
from operator import is_not, itemgetter

from editor.content.index.chunks import ParsedChunk
from editor.content.index.rows import ROW_PATH, ROW_SUBJECT, ParsedRow
from editor.content.index_cache import Writer
from editor.content.search import SearchBuilder
from editor.content.seo import SeoConfig
from editor.content.seo.common import FindingRow
from editor.content.seo.corpus_check import CorpusTally
from editor.content.seo.link_rules import (
    LinkFacts,
    SubjectTally,
    corpus_link_findings,
    link_facts,
    links_read,
)


class ColdFindings:
    """Takes a cold build's chunks in path order (:meth:`add`); then :meth:`corpus`.

    ``builder`` and ``writer`` are where the search texts and the marshalled rows go for
    the cache (None: not caching, and the texts are not read at all).
    """

    def __init__(
        self, config: SeoConfig, builder: SearchBuilder | None, writer: Writer | None
    ) -> None:
        self.config = config
        self.builder, self.writer = builder, writer
        self.rows: list[ParsedRow] = []
        self.tally = CorpusTally(config)
        self.subjects = SubjectTally(config)
        # Each entry's links only for the rules that read them (off by default).
        self.links: list[LinkFacts] | None = None
        if links_read(config):
            self.links = []

    def add(self, chunk: ParsedChunk) -> None:
        """A chunk's rows, in path order after those added before."""
        rows, facts = chunk.rows, chunk.facts
        self.rows += rows
        self.tally.add(facts)
        # the link rules look at the entries that parsed (those with facts)
        parsed = list(compress(rows, map(is_not, facts, repeat(None))))
        self.subjects.add(map(itemgetter(ROW_PATH), parsed), map(itemgetter(ROW_SUBJECT), parsed))
        if self.links is not None:
            self.links += [
                link_facts(row[ROW_PATH], row[ROW_SUBJECT], fact)
                for row, fact in zip(rows, facts, strict=True)
                if fact is not None
            ]
        builder = self.builder
        if builder is not None:
            if chunk.spill is not None:
                builder.add_chunk_from(*chunk.spill, chunk.lengths, chunk.masks)
            else:
                builder.add_chunk(chunk.texts, chunk.lengths, chunk.masks)
        if self.writer is not None:
            self.writer.piece(chunk.blob, chunk.facts_blob)

    def corpus(self) -> list[FindingRow]:
        """The corpus rules' findings over every chunk added: those of
        :meth:`~.state.IndexState._run_corpus` for the same files, in the same order."""
        found = self.tally.findings()
        found += corpus_link_findings(self.config, self.links or (), self.subjects)
        return found

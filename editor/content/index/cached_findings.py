"""A folder's findings straight from its rows (the cache's, or a cold build's), no record made.

What the ``check`` command needs of a folder: every finding, in
:meth:`CorpusIndex.finding_rows`'s order (each file's own findings, then its corpus
ones), so the kept check order applies. Making 50k :class:`~.records.EntryRecord`\\ s and
putting the corpus findings back on them took a tenth of a warm check.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain

from editor.content.index.records import grouped
from editor.content.index.rows import ROW_OWN, ROW_PATH, FlatFindings, ParsedRow
from editor.content.seo.rules import FindingRow


class CachedFindings:
    """The cache's rows and corpus findings, read as findings (see the module)."""

    __slots__ = ("_found", "_rows", "corpus", "entries")

    def __init__(self, rows: list[ParsedRow], corpus: list[FindingRow]) -> None:
        self._rows = rows
        self.corpus = corpus
        self.entries = len(rows)
        self._found: list[FindingRow] | None = None

    def rows(self) -> Iterator[FindingRow]:
        """Every finding: file by file, its own findings then its corpus ones (in the
        corpus findings' order, as ``IndexState._set_corpus`` puts them on records).
        Made once (nothing here changes): a cold check asks twice, for the order it
        keeps in the cache and for the report."""
        if self._found is None:
            self._found = list(self._make())
        return iter(self._found)

    def _make(self) -> Iterator[FindingRow]:
        by_path: dict[str, FlatFindings] = {}
        for finding in self.corpus:
            path = finding[2]
            by_path[path] = by_path.get(path, ()) + finding
        get = by_path.get
        pairs = [(row[ROW_OWN], get(row[ROW_PATH], ())) for row in self._rows]
        return grouped(chain.from_iterable(chain.from_iterable(pairs)))

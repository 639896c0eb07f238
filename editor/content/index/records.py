"""The index's records: one :class:`EntryRecord` per file, made from its row.

The rows themselves (what a worker sends and the cache stores) are the typed tuples of
:mod:`.rows`; the main process keeps one record per file, its facts read from the cache
only when asked (:class:`LazyFacts`).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from sys import intern
from typing import TYPE_CHECKING, Final, NamedTuple, cast

from editor.content import index_cache
from editor.content.errors import ContentError, ParseError
from editor.content.index.rows import ErrorRow, FlatFindings, RecordRow
from editor.content.seo import Finding, SeoFacts
from editor.content.seo.rules import FactsRow, FindingRow, facts_from_row, finding_of

if TYPE_CHECKING:
    from editor.content.search import SearchText

RANK: Final = {"error": 0, "warning": 1, "info": 2}
BY_RANK: Final = ("error", "warning", "info", "")
NO_SEVERITY: Final = 3
FINDING_WIDTH: Final = 7  # fields of a Finding


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
    # What the update let go of (the search texts' old buffer, ~140 MB at 50k entries):
    # the caller drops it where freeing it stalls nobody (see ``SearchText.take``).
    released: list[object] = field(default_factory=list)


def grouped(flat: Iterable[str | int | None]) -> Iterator[FindingRow]:
    """Findings' fields, stored flat (one tuple per record, not one per finding: fewer
    objects for the garbage collector to walk), back as one tuple per finding."""
    fields = iter(flat)
    return zip(*[fields] * FINDING_WIDTH, strict=True)


def check_order(row: FindingRow) -> tuple[str, int, int, str, str]:
    """The order findings are reported in: by path, line, column, rule and field."""
    rule, _, path, field, _, line, column = row
    return path, line or 0, column or 0, rule, field


POSITION: Final = "L"  # array type of positions in a list of findings (32 bits at least)


def check_positions(rows: list[FindingRow]) -> array[int]:
    """The positions of ``rows`` in the check's order (:func:`check_order`; rows alike
    in it keep their order)."""
    keys = list(map(check_order, rows))
    return array(POSITION, sorted(range(len(rows)), key=keys.__getitem__))


def order_from_bytes(blob: bytes, count: int) -> array[int] | None:
    """Positions of ``count`` findings as :func:`check_positions` gave them and the
    cache kept them (``tobytes``), or None when ``blob`` is not such an order."""
    order = array(POSITION)
    try:
        order.frombytes(blob)
    except ValueError:
        return None
    if len(order) != count or (count and max(order) >= count):
        return None
    return order


def severities_of(record: EntryRecord) -> tuple[str, ...]:
    """The severity of each of one record's findings (own, then corpus), read straight
    from their flat tuples: what the status bar's running total takes off and puts back
    when the record is replaced (``ui/report/severity_tally.py``)."""
    severities = record._own[1::FINDING_WIDTH] + record._corpus[1::FINDING_WIDTH]
    return cast("tuple[str, ...]", severities)  # a finding's 2nd field is always a str


def shared_facts(facts: FactsRow, path: str, url: str) -> FactsRow:
    """``facts`` holding the record's own path and URL strings instead of equal copies
    (the facts arrive marshalled apart from the row), and its related links' fields and
    URLs interned: one string per URL with the entry it links to. At 50k entries the
    copies were ~20 MB of the facts (``bench/bench_preview.py --breakdown``)."""
    _, title, description, key, related, *fields = facts
    if related:
        related = tuple(map(intern, related))
    return (path, title, description, url if key == url else key, related, *fields)


def worst(severities: Iterable[str]) -> str:
    """The worst of ``severities`` ("" when there is none)."""
    return BY_RANK[min((RANK[s] for s in severities), default=NO_SEVERITY)]


class EntryRecord:
    """One content file as the list, the filter and the bulk check need it.

    Built positionally from a row and its facts (``EntryRecord(*row, facts)``).
    Findings are kept as tuples (made into :class:`Finding` objects only when asked
    for) and the search text lives in the index's buffer, so a record costs a few
    hundred bytes.
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
        own: FlatFindings,
        error: ErrorRow | None,
        facts: FactsRow | LazyFacts | None,
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
        self._own = own  # per-entry findings, their fields flat in one tuple (see grouped)
        self._error = error
        self._facts = facts
        if type(facts) is tuple:
            self._share(facts)
        self._corpus: FlatFindings = ()  # corpus findings, flat too
        self._store: SearchText | None = None  # the index's buffer holding the text...
        self._row = -1  # ...at this row
        self._text = b""  # the text itself, for a record no index holds

    @property
    def search(self) -> bytes:
        """All values and the file name, lower-cased, UTF-8 (what the filter searches)."""
        if self._store is not None:
            return self._store.text_of(self._row)
        return self._text

    def _share(self, facts: FactsRow) -> None:
        """Hold ``facts`` with shared strings (:func:`shared_facts`), the URL interned so
        the related links to this entry share it. Done when facts are made or first
        read, not for every record a warm ``check`` loads (~25 ms at 50k entries)."""
        self.url = intern(self.url)
        self._facts = shared_facts(facts, self.path, self.url)

    def facts_row(self) -> FactsRow | None:
        """The SEO facts as a tuple (read from the cache now if they were left there)."""
        facts = self._facts
        if isinstance(facts, LazyFacts):
            facts.load()
            facts = self._facts
            assert not isinstance(facts, LazyFacts)
        return facts

    def row(self) -> RecordRow:
        """The record as a row tuple (corpus findings left out: they depend on others)."""
        return (
            self.path, self.size, self.mtime_ns, self.schema, self.title, self.subject,
            self.url, self.date, self._own_severity, self._own, self._error, self.facts_row(),
        )  # fmt: skip

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Per-entry findings, then those of the corpus rules (duplicates, links)."""
        return tuple(map(finding_of, grouped(self._own + self._corpus)))

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
        facts = self.facts_row()
        return facts_from_row(facts) if facts is not None else None

    def __repr__(self) -> str:
        return f"EntryRecord({self.path!r}, schema={self.schema!r}, severity={self.severity!r})"


class LazyFacts:
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
                if row:
                    record._share(row)

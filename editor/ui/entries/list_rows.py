"""The entry list's rows without Qt: making them from index records, sorting them by a
column, and the quick search over their titles, subjects and file names.

Plain Python on plain lists, so the index thread prepares a list off the GUI thread and
tests run without a display; ``entry_model.EntryListModel`` shows the result.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, islice
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple, Protocol

from editor.ui.word_query import refines

TITLE, STATUS, SCHEMA, DATE = range(4)
RECENT_QUERIES = 32
HEADERS = ("Title", "SEO", "Type", "Date")

# Severity of an entry, worst first. "pending": not indexed yet.
STATUS_RANK = {"broken": 0, "error": 1, "warning": 2, "info": 3, "ok": 4, "pending": 5}
STATUS_TEXT = {
    "broken": "Broken",
    "error": "Error",
    "warning": "Warning",
    "info": "Info",
    "ok": "OK",
    "pending": "…",
}
STATUS_HELP = {
    "broken": "The file does not parse; it opens read-only",
    "error": "SEO errors",
    "warning": "SEO warnings",
    "info": "SEO suggestions",
    "ok": "No SEO findings",
    "pending": "Not indexed yet",
}
# Signal colours read on light and dark backgrounds alike (Material 600 tones).
STATUS_COLOUR = {
    "broken": "#d32f2f",
    "error": "#e53935",
    "warning": "#f9a825",
    "info": "#1e88e5",
    "ok": "#43a047",
}


class RecordLike(Protocol):
    """What the list reads from an index record (``editor.content.index.EntryRecord``)."""

    path: str  # relative to the folder, "/" separators
    title: str
    schema: str
    subject: str
    date: str
    severity: str  # worst finding: error | warning | info | ""

    @property
    def error(self) -> object | None: ...


@dataclass(slots=True)
class ListRow:
    rel: str  # path relative to the folder, as the index keys it
    title: str = ""
    schema: str = ""
    date: str = ""
    status: str = "pending"
    haystack: str = ""  # lower-cased title, subject and file name (fallback search)
    error: str = ""
    dirty: bool = False
    title_key: str = ""  # shown_title.casefold(), made with the row (off the GUI thread)

    def __post_init__(self) -> None:
        if not self.title_key:
            self.title_key = self.shown_title.casefold()

    @property
    def name(self) -> str:
        """The file name (made when asked: a string fewer per row, ~3 MB at 50k)."""
        return self.rel.rsplit("/", 1)[-1]

    @property
    def shown_title(self) -> str:
        return self.title or self.name


def _status(record: RecordLike) -> str:
    if record.error is not None:
        return "broken"
    return record.severity or "ok"


def worst_status(findings: Iterable[Any]) -> str:
    """The list's status for some findings (each with a ``severity``): worst, or "ok"."""
    severities = {f.severity for f in findings}
    return next((s for s in ("error", "warning", "info") if s in severities), "ok")


def row_from_record(record: RecordLike) -> ListRow:
    rel = record.path
    title = " ".join(record.title.split())
    if title == record.title:
        title = record.title  # the record's own string, not a copy (~3 MB at 50k)
    error = record.error
    return ListRow(
        rel=rel,
        title=title,
        schema=record.schema,
        date=record.date,
        status=_status(record),
        haystack=f"{title}\n{record.subject}\n{rel}".lower(),
        error=str(error) if error is not None else "",
    )


def _name_row(rel: str) -> ListRow:
    # the file name is all a row knows before its record: the filter finds it by that
    return ListRow(rel=rel, haystack=rel.lower())


def rows_from_paths(rels: Sequence[str]) -> list[ListRow]:
    """Name-only rows for the quick listing; plain Python, so a worker can make them."""
    return [_name_row(rel) for rel in rels]


def rows_from_records(records: Sequence[RecordLike]) -> list[ListRow]:
    """Rows for the list; plain Python, so a worker thread can make them."""
    return [row_from_record(r) for r in records]


def sort_key(column: int) -> Callable[[ListRow], Any]:
    if column == STATUS:
        return lambda r: (STATUS_RANK.get(r.status, 9), r.title_key)
    if column == SCHEMA:
        return attrgetter("schema", "title_key")
    if column == DATE:
        return attrgetter("date", "title_key")
    return attrgetter("title_key")  # the default: a C-level getter, no call into Python


class SortOrder(NamedTuple):
    """Every row id sorted by one column: the order, each id's place in it, and a picker
    of a per-id mask's values in that order."""

    column: int
    descending: bool
    ids: list[int]
    rank: list[int]  # rank[id]: the id's place in ids
    pick: Callable[[bytearray], Sequence[int]]


def sort_rows(rows: Sequence[ListRow], column: int, descending: bool) -> SortOrder:
    """The rows sorted by ``column`` (ties by file order); plain Python, any thread."""
    keys = list(map(sort_key(column), rows))  # one key per row, then a C-level sort
    ids = sorted(range(len(keys)), key=keys.__getitem__, reverse=descending)
    rank = [0] * len(keys)
    deque(map(rank.__setitem__, ids, range(len(keys))), maxlen=0)
    # mask -> the mask's values in display order, in one C call: ~1 ms less than
    # ``map(mask.__getitem__, ids)`` at 50k rows.
    pick = itemgetter(*ids) if len(ids) > 1 else _pick_slowly(ids)
    return SortOrder(column, descending, ids, rank, pick)


class JoinedHays:
    """Every row's haystack in one string (NUL between them), in display order, so one
    word is found in all rows by the regex engine at C speed, one match per row (the
    match runs on to the row's end), instead of a Python test per row; and the first
    matches found are the top of the list.

    Measured at 50k rows: a 10-letter word 3.8 ms against 8.5 ms row by row, a rare
    three-letter one 1.6 against 9.4, a common two-letter one 9.8 against 13.4 (and
    ~2 ms for its first 1,000 rows). A single letter, held by most rows, is faster row
    by row. Unusable (``text`` is None) when a haystack itself holds a NUL.
    """

    __slots__ = ("ids", "starts", "text")

    def __init__(self, hays: Sequence[str], ids: Sequence[int]) -> None:
        self.ids = ids  # row ids in the order joined: the order shown
        ordered = list(map(hays.__getitem__, ids))
        text = "\0".join(ordered)
        self.text: str | None = text if text.count("\0") == max(0, len(hays) - 1) else None
        # starts[k]: where the k-th haystack joined begins (and one past the last)
        self.starts = array("q", accumulate([len(hay) + 1 for hay in ordered], initial=0))

    def rows_with(self, word: str, limit: int | None = None) -> list[int]:
        """Ids, ascending, of the rows whose haystack holds ``word``: all of them, or
        the first ``limit`` in the joined order."""
        assert self.text is not None
        pattern = re.compile(re.escape(word) + "[^\0]*")
        found = list(map(re.Match.start, islice(pattern.finditer(self.text), limit)))
        starts, ids = self.starts, self.ids
        return sorted([ids[bisect_right(starts, at) - 1] for at in found])


class PreparedList(NamedTuple):
    """List rows with their lookups and sort order, made by :func:`prepare_list` off the
    GUI thread: at 50k entries doing this on taking the index stalled the window ~90 ms."""

    rows: list[ListRow]
    rels: list[str]
    by_rel: dict[str, int]
    hays: list[str]
    order: SortOrder | None  # for the sort asked for (None: none was)
    joined: JoinedHays | None  # the haystacks in that order


def prepare_list(
    records: Sequence[RecordLike],
    sort: tuple[int, bool] | None = None,
    like: PreparedList | None = None,
) -> PreparedList:
    """Everything :meth:`EntryListModel.set_rows` needs; pure Python, any thread.
    ``sort``: the column and descending flag the model is likely to show; ``like``:
    the list shown now (see :func:`prepare_list_rows`)."""
    return prepare_list_rows(rows_from_records(records), sort, like)


def prepare_list_rows(
    rows: list[ListRow], sort: tuple[int, bool] | None = None, like: PreparedList | None = None
) -> PreparedList:
    """:func:`prepare_list` of rows already made. When ``like`` (the names-only list
    shown while indexing) holds the same files in the same order, its file list and
    lookup are shared rather than made again: ~4 MB less at 50k entries, at the moment
    both lists live (the window's peak memory)."""
    rels = list(map(attrgetter("rel"), rows))
    if like is not None and like.rels == rels:
        rels, by_rel = like.rels, like.by_rel  # never changed in place: safe to share
    else:
        by_rel = dict(zip(rels, range(len(rels)), strict=True))
    hays = list(map(attrgetter("haystack"), rows))
    order = sort_rows(rows, *sort) if sort is not None else None
    return PreparedList(
        rows,
        rels,
        by_rel,
        hays,
        order,
        JoinedHays(hays, order.ids) if order is not None else None,
    )


def quick_matches(
    query: str,
    pool: Sequence[int],
    hays: Sequence[str],
    joined: Callable[[], JoinedHays],
    last: tuple[str, list[int]],
    *,
    limit: int | None = None,
) -> tuple[list[int], bool]:
    """Rows whose title, subject or file name hold every word (a subset of the
    full-text result: those are among the values it searches). With ``limit``, a
    whole-list pass may stop at the first ``limit`` rows shown: the sliced search
    brings the rest.

    ``pool`` holds distinct ids, so one as long as the rows is all of them. The
    loops are comprehensions with ``in``: at 50k rows they take ~40% less time than
    ``compress`` over ``map(str.__contains__, ...)``, whose slot-wrapper call per row
    is the cost.

    ``last`` is the previous whole answer (query, ids); returns the ids and whether they
    are the whole answer (not cut short at ``limit``), so the caller keeps it or not."""
    last_query, last_ids = last
    if refines(query, last_query):
        # Typing on: only the previous quick answer can hold the longer words.
        pool = last_ids if len(last_ids) < len(pool) else pool
    # Any row whose haystack holds the words is a match, in the pool or not: a pool
    # of most rows is not worth indexing into (a pass over all is ~2x faster a row).
    ids: list[int] | None = None if len(pool) * 2 > len(hays) else list(pool)
    whole = True
    for word in query.split():
        if ids is not None:
            ids = [i for i in ids if word in hays[i]]
        elif len(word) > 1 and joined().text is not None:
            ids = joined().rows_with(word, limit)
            whole = whole and (limit is None or len(ids) < limit)
        else:
            ids = [i for i, hay in enumerate(hays) if word in hay]
    if ids is None:
        ids = list(range(len(hays)))
    return ids, whole


def _pick_slowly(order: list[int]) -> Callable[[bytearray], Sequence[int]]:
    """``itemgetter(*order)`` for fewer than two rows (where it would return the item
    itself, or refuse to be made)."""
    return lambda mask: [mask[i] for i in order]

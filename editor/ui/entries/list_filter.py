"""The entry list's sort and filter, done in bulk: which rows show, and in which order.

:class:`FilteredRowsModel` is the half of the entry list that decides ``_visible``: the
sort column, the query, the full-text search run in timer slices, and the layout change
that swaps the new visible rows in. :class:`~.entry_model.EntryListModel` builds on it
with what a row holds and shows (its roles, the rows set and updated in place). Kept
apart because the two change for different reasons: a new column or role touches the
model, a faster search or sort only this module.

Why the filtering is done in bulk and not in ``filterAcceptsRow``: measured with
PySide6 6.12 on 50,000 rows, merely *calling* a Python ``filterAcceptsRow`` override
once per row costs ~27 ms (0.55 µs a call, before doing any matching), and the proxy's
incremental invalidation (``invalidateRowsFilter`` / ``begin/endFilterChange``) emits
one remove/insert signal per scattered range — 100-170 ms when half the rows go. So the
model computes the visible rows with a few list comprehensions over plain lists (the
query narrowed from the previous one when the user keeps typing) and swaps them in with
one layout change that keeps persistent indexes (selection, current row) valid.
Sorting works the same way: ``list.sort`` with a key per column, instead of a Python
``lessThan`` called n·log n times.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections.abc import Callable, Sequence
from itertools import compress
from typing import Protocol

from PySide6.QtCore import QModelIndex, QObject, Qt, QTimer, Signal

from editor.ui.entries.list_rows import (
    HEADERS,
    RECENT_QUERIES,
    TITLE,
    JoinedHays,
    ListRow,
    SortOrder,
    quick_matches,
    sort_rows,
)
from editor.ui.entries.visible_rows import VisibleRowsModel
from editor.ui.word_query import refines

# The full-text search's share of a keystroke (which also pays for the quick answer
# and the layout, a few ms at 50k), and of each zero-timer slice after it: a key typed
# while a slice runs waits for it, so slices stay short.
KEYSTROKE_SECONDS = 0.004
SLICE_SECONDS = 0.005
# How long a keystroke's search waits before its first slice: the table lays out and
# paints the quick answer in the next passes of the event loop (5-15 ms after a
# keystroke at 50k rows, more on a busy machine), and a slice run before them would
# make the user wait for it too. The full answer comes that much later, unnoticed.
FIRST_SLICE_DELAY_MS = 25
# Rows the quick answer of a keystroke lists at most while the search runs on: the top
# of the list for a few screens (a common two-letter word is in ~10k of 50k titles).
QUICK_LIMIT = 1000


class SearchJobLike(Protocol):
    """A search running in slices (``editor.content.search.SearchJob``)."""

    result: list[int] | None

    def step(self, deadline: float) -> bool: ...


class FilteredRowsModel(VisibleRowsModel):
    """Rows (``_rows``, with their quick-search haystacks ``_hays``) shown filtered by a
    query and sorted by a column: ``_visible`` is always the matching ids in sort order.
    A subclass sets the rows and calls :meth:`_relayout` (or resets) when they change."""

    filter_changed = Signal()
    searching = Signal(bool)  # True while the full-text part of a query still runs

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ListRow] = []
        self._sort: SortOrder | None = None  # all ids sorted by the sort column (cache)
        # Every row's haystack (quick search), made with the rows: made lazily, it cost
        # the first keystroke needing it ~4 ms at 50k rows.
        self._hays: list[str] = []
        self._joined: JoinedHays | None = None  # of _hays in the order shown, once needed
        self._sort_column = TITLE
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._query = ""
        self._matches: list[int] | None = None  # ids matching _query (None: all)
        self._recent: dict[str, tuple[int, ...]] = {}  # query -> matching ids
        self._quick: tuple[str, list[int]] = ("", [])  # last quick answer (narrows next)
        self._jobs: Callable[[str], SearchJobLike] | None = None
        self._pending: SearchJobLike | None = None  # the query's search still running
        self._slicer = QTimer(self)
        self._slicer.setSingleShot(True)
        self._slicer.setInterval(0)
        self._slicer.timeout.connect(self._continue_search)

    # -- sorting ------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(HEADERS):
            return
        self._sort_column, self._sort_order = column, order
        self._sort = None
        self._relayout()

    @property
    def sort_wanted(self) -> tuple[int, bool]:
        """The sort column and whether descending: what :func:`prepare_list` should make."""
        return self._sort_column, self._sort_order == Qt.SortOrder.DescendingOrder

    # -- filtering ----------------------------------------------------------------

    @property
    def query(self) -> str:
        return self._query

    def set_query(self, text: str) -> None:
        """Show only rows whose title, file name, subject or field text hold every word.

        With a sliced search (an index's ``search_job``), the keystroke does at most
        :data:`SLICE_SECONDS` of it; when that does not finish, the list shows at once
        the rows whose title, subject or file name match (all of which the full result
        holds), and the rest comes from a zero timer in slices of the same length, then
        swapped in with one layout change (``searching`` says meanwhile). A newer query
        drops the running one, whose result is never shown."""
        query = " ".join(text.lower().split())
        if query == self._query:
            return
        self._cancel_search()
        if not query:
            self._matches = None
        elif query in self._recent:
            # Backspace returns to a query already answered.
            self._matches = list(self._recent[query])
        else:
            # Typing on narrows the previous result instead of scanning everything;
            # deleting widens it: the previous result is then a sure part of the new one.
            old = self._matches
            narrowing = old is not None and refines(query, self._query)
            widening = old is not None and refines(self._query, query)
            pool: Sequence[int] = old if narrowing and old is not None else range(len(self._rows))
            self._matches = self._search(query, pool, old if widening else None)
            if self._pending is None:
                self._recent[query] = tuple(self._matches)
            while len(self._recent) > RECENT_QUERIES:
                del self._recent[next(iter(self._recent))]
        self._query = query
        self._relayout()
        self.filter_changed.emit()

    @property
    def search_pending(self) -> bool:
        """True while the full-text part of the query is still being searched."""
        return self._pending is not None

    def finish_search(self) -> None:
        """Complete the running search now (tests, and callers needing the full list)."""
        while self._pending is not None:
            self._continue_search(float("inf"))

    def _cancel_search(self) -> None:
        if self._pending is not None:
            self._pending = None
            self._slicer.stop()
            self.searching.emit(False)

    def _continue_search(self, budget: float = SLICE_SECONDS) -> None:
        job = self._pending
        if job is None:
            return
        if not job.step(time.perf_counter() + budget):
            self._slicer.start(0)
            return
        assert job.result is not None
        self._pending = None
        self._matches = list(job.result)
        self._recent[self._query] = tuple(self._matches)
        while len(self._recent) > RECENT_QUERIES:
            del self._recent[next(iter(self._recent))]
        self._relayout()
        self.filter_changed.emit()
        self.searching.emit(False)

    def _search(self, query: str, pool: Sequence[int], known: list[int] | None = None) -> list[int]:
        """The rows matching ``query`` (all among ``pool``); ``known``: rows already
        known to match (a shorter query's subset), shown while a sliced search runs."""
        if self._jobs is not None:
            job = self._jobs(query)
            if job.step(time.perf_counter() + min(KEYSTROKE_SECONDS, SLICE_SECONDS)):
                assert job.result is not None
                return list(job.result)
            # Not done within the keystroke: the sure part now, the rest in slices.
            started = self._pending is None
            self._pending = job
            self._slicer.start(FIRST_SLICE_DELAY_MS)
            if started:
                self.searching.emit(True)
            if known is not None and len(known) >= QUICK_LIMIT:
                return list(known)  # a backspace: the rows shown stay, the rest follows
            quick = self._quick_search(query, pool, QUICK_LIMIT)
            if known:  # and the rows whose names match: a few rows shown would look lost
                # A new list: the quick answer is also kept, to narrow the next one.
                seen = set(quick)
                return [*quick, *(i for i in known if i not in seen)]
            return quick
        return self._quick_search(query, pool)

    def _quick_search(self, query: str, pool: Sequence[int], limit: int | None = None) -> list[int]:
        """Rows whose title, subject or file name hold every word (:func:`quick_matches`),
        the last whole answer kept to narrow the next query typed on."""
        ids, whole = quick_matches(
            query, pool, self._hays, self._joined_hays, self._quick, limit=limit
        )
        self._quick = (query, ids) if whole else ("", [])  # cut short: narrows nothing
        return ids

    def _joined_hays(self) -> JoinedHays:
        """The haystacks joined in the order shown (made again after a save or sort)."""
        ids = self._sorted().ids
        if self._joined is None or self._joined.ids is not ids:
            self._joined = JoinedHays(self._hays, ids)
        return self._joined

    def _sorted(self) -> SortOrder:
        if self._sort is None:
            self._sort = sort_rows(self._rows, *self.sort_wanted)
        return self._sort

    def _compute_visible(self) -> list[int]:
        order = self._sorted()
        matches = self._matches
        if matches is None or len(matches) == len(self._rows):
            return list(order.ids)
        if len(matches) * 4 < len(order.ids):  # few: sort them by their place
            return sorted(matches, key=order.rank.__getitem__)
        mask = bytearray(len(self._rows))
        for i in matches:  # measured: ~1.5 ms less at 50k than deque(map(__setitem__))
            mask[i] = 1
        return list(compress(order.ids, order.pick(mask)))

    def _position(self, row_id: int) -> int | None:
        """Where ``row_id`` is shown (None: hidden). The visible ids are always in the
        sort order, so a bisection by rank finds it in ~16 steps where ``list.index``
        compares up to 50k ids (all of them for a hidden row)."""
        visible, rank = self._visible, self._sorted().rank
        pos = bisect_left(visible, rank[row_id], key=rank.__getitem__)
        return pos if pos < len(visible) and visible[pos] == row_id else None

    def _relayout(self) -> None:
        """Swap in the new visible rows with one layout change, keeping persistent
        indexes (the view's selection and current row) on their rows. The same rows
        as shown (typing on while every row matches) change nothing."""
        visible = self._compute_visible()
        if visible == self._visible:
            return
        self.layoutAboutToBeChanged.emit()
        old_visible = self._visible
        self._visible = visible
        persistent = self.persistentIndexList()
        if persistent:
            new_indexes: list[QModelIndex] = []
            for index in persistent:
                n = index.row()
                pos = self._position(old_visible[n]) if 0 <= n < len(old_visible) else None
                new_indexes.append(
                    self.index(pos, index.column()) if pos is not None else QModelIndex()
                )
            self.changePersistentIndexList(persistent, new_indexes)
        self.layoutChanged.emit()

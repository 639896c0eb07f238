"""The bulk SEO report's table: every finding of the corpus, filtered and sorted in bulk.

Each finding is one plain tuple (:data:`ReportRow`); the model keeps them in a list and the
rows shown as a list of ids into it, in display order. Nothing else is kept per row.

Why filtering and sorting are done by the model and not in
``QSortFilterProxyModel``'s per-row hooks (as in :mod:`editor.ui.entries.list_filter`): a
Python ``lessThan`` runs n·log n times (about 1.7 million calls for 100,000 findings,
seconds), and a Python ``filterAcceptsRow`` costs ~0.5 µs a call before doing any
work. So the model sorts with ``list.sort`` and a key per column, filters with list
comprehensions, and swaps the result in with one layout change that keeps persistent
indexes (selection, current row) on their rows. The table shows this model itself:
a pass-through proxy rebuilt its mapping of ~140k rows on every filter change.

A save changes one entry's findings: :meth:`FindingsModel.replace_for_path` removes
and inserts just those rows (``begin/endRemoveRows``, ``begin/endInsertRows``), at the
places the current sort and filter give them, without a reset.
"""

from __future__ import annotations

import dataclasses
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import itemgetter
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QStyle

from editor.content.seo import RULE_NAMES
from editor.ui.entries.visible_rows import VisibleRowsModel
from editor.ui.report.findings_rows import (
    GONE,
    HEADERS,
    R_COLUMN,
    R_FIELD,
    R_LINE,
    R_MESSAGE,
    R_PATH,
    R_RANK,
    R_RULE,
    R_SCHEMA,
    R_SEVERITY,
    R_SUBJECT,
    RANK,
    ROW_OF_COLUMN,
    SEVERITY,
    SEVERITY_COLOURS,
    SEVERITY_LABEL,
    FindingsFilter,
    PreparedRows,
    RecordLike,
    ReportRow,
    RowInput,
    Summary,
    build_rows,
    filter_ids,
    prepare_rows,
    record_inputs,
    records_inputs,
    row_haystack,
    row_key,
    sorted_ids,
)
from editor.ui.word_query import refines

ModelIndex = QModelIndex | QPersistentModelIndex

PathRole = Qt.ItemDataRole.UserRole + 1
FieldRole = Qt.ItemDataRole.UserRole + 2

_ICON_OF = {
    "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
    "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
}
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_PATH = int(PathRole)
_FIELD = int(FieldRole)


class FindingsModel(VisibleRowsModel):
    """All findings of the corpus; the rows shown are the filtered, sorted ones."""

    headers = HEADERS

    summary_changed = Signal()  # rows, counts or the filter changed

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ReportRow] = []  # GONE where replace_for_path removed a row
        self._by_path: dict[str, Sequence[int]] = {}
        self._order: list[int] | None = None  # every live id, sorted (cache)
        self._haystack: list[str] | None = None  # lower-cased text (lazy)
        # Per id, for the filtered summary (lazy): the rank as a byte and the entry's
        # number, with the numbers given to paths so far.
        self._columns: tuple[bytearray, array[int], dict[str, int]] | None = None
        self._sort_column = SEVERITY
        self._descending = False
        self._filter = FindingsFilter()
        self._rules: Counter[str] = Counter()
        self._severities: Counter[str] = Counter()
        self._subjects: Counter[str] = Counter()
        self._schemas: Counter[str] = Counter()
        self._colours = {k: QColor(v) for k, v in SEVERITY_COLOURS[False].items()}
        self._icons: dict[str, QIcon] = {}

    # -- Qt model API -------------------------------------------------------------

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        n = index.row()
        if not 0 <= n < len(self._visible) or not index.isValid():
            return None
        row = self._rows[self._visible[n]]
        column = index.column()
        if role == _DISPLAY:
            if column == SEVERITY:
                return SEVERITY_LABEL.get(row[R_SEVERITY], row[R_SEVERITY])
            return row[ROW_OF_COLUMN[column]]
        if column == SEVERITY:
            if role == _DECORATION:
                return self._icon(row[R_SEVERITY])
            if role == _FOREGROUND:
                return self._colours.get(row[R_SEVERITY])
        if role == _TOOLTIP:
            where = row[R_PATH]
            if row[R_LINE] is not None:
                where += f":{row[R_LINE]}:{row[R_COLUMN] or 1}"
            return f"{where}\n{row[R_FIELD] or '(file)'}: {row[R_MESSAGE]}\n[{row[R_RULE]}]"
        if role == _PATH:
            return row[R_PATH]
        if role == _FIELD:
            return row[R_FIELD]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(HEADERS):
            return
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._order = None
        self._relayout()

    # -- content ------------------------------------------------------------------

    def set_rows(self, inputs: Iterable[RowInput]) -> None:
        """Every finding of the corpus, as ``(finding, title, subject, schema)``."""
        self.set_prepared(prepare_rows(inputs))

    def set_prepared(self, prepared: PreparedRows) -> None:
        """Swap in rows made by :func:`prepare_rows` (possibly on another thread)."""
        self.beginResetModel()
        # Taken over, not copied: prepared rows are made for one model and used once.
        self._rows = prepared.rows
        self._by_path = prepared.by_path
        self._rules = prepared.rules
        self._severities = prepared.severities
        self._subjects = prepared.subjects
        self._schemas = prepared.schemas
        default_order = self._sort_column == SEVERITY and not self._descending
        self._order = prepared.by_severity if default_order else None
        self._haystack = None
        self._columns = None
        self._visible = self._compute_visible()
        self.endResetModel()
        self.summary_changed.emit()

    def set_records(self, records: Iterable[RecordLike]) -> None:
        """Every finding of the index's records (``CorpusIndex.records``)."""
        self.set_rows(records_inputs(records))

    def replace_for_path(self, path: str, inputs: Iterable[RowInput]) -> None:
        """Swap one entry's findings (after a save) with row removals and insertions.

        The new rows take the entry's old ids first, so they keep the entry's place
        among equal keys (ids break ties in every sort)."""
        new_rows = build_rows(inputs)
        old = self._by_path.pop(path, [])
        if old:
            self._remove_ids(old)
        elif not new_rows:
            return
        new_ids: list[int] = []
        for n, row in enumerate(new_rows):
            i = old[n] if n < len(old) else len(self._rows)
            self._put(i, row)
            self._count(row, 1)
            new_ids.append(i)
        for i in new_ids:
            if self._order is not None:
                self._order.insert(self._position(self._order, i), i)
            if self._filtered([i]):
                pos = self._position(self._visible, i)
                self.beginInsertRows(QModelIndex(), pos, pos)
                self._visible.insert(pos, i)
                self.endInsertRows()
        if new_ids:
            self._by_path[path] = sorted(new_ids)
        self.summary_changed.emit()

    def replace_record(self, record: RecordLike) -> None:
        self.replace_for_path(record.path, record_inputs(record))

    def sync_records(self, records: Iterable[RecordLike]) -> list[str]:
        """Bring the rows in line with the index after an update (a save can change the
        corpus findings of *other* entries, e.g. a duplicate title resolved), touching
        only entries whose findings differ; returns their paths."""
        seen: set[str] = set()
        changed = self.sync_changed(records, (), seen=seen)
        for path in [p for p in self._by_path if p not in seen]:
            self.replace_for_path(path, [])
            changed.append(path)
        return changed

    def sync_changed(
        self, records: Iterable[RecordLike], removed: Iterable[str], *, seen: set[str] | None = None
    ) -> list[str]:
        """:meth:`sync_records` for the entries an update names (``CorpusIndex``'s
        ``IndexChange``): those records, and the paths gone. A save in a big folder then
        costs the entries it touched, not a comparison of every entry's findings."""
        changed: list[str] = []
        for record in records:
            if seen is not None:
                seen.add(record.path)
            inputs = record_inputs(record)
            current = [self._rows[i] for i in self._by_path.get(record.path, ())]
            if current != build_rows(inputs):
                self.replace_for_path(record.path, inputs)
                changed.append(record.path)
        for path in removed:
            if path in self._by_path:
                self.replace_for_path(path, [])
                changed.append(path)
        return changed

    def _put(self, i: int, row: ReportRow) -> None:
        """ReportRow ``i`` is now ``row`` (``i`` one past the last: a new row), and so are the
        lookups made from the rows, where made: the search text, the summary columns."""
        rows, hay, columns = self._rows, self._haystack, self._columns
        text = "" if row is GONE or hay is None else row_haystack(row)
        number = -1
        if columns is not None:
            numbers = columns[2]
            number = numbers.setdefault(row[R_PATH], len(numbers))
        if i == len(rows):
            rows.append(row)
            if hay is not None:
                hay.append(text)
            if columns is not None:
                columns[0].append(row[R_RANK])
                columns[1].append(number)
        else:
            rows[i] = row
            if hay is not None:
                hay[i] = text
            if columns is not None:
                columns[0][i] = row[R_RANK]
                columns[1][i] = number

    def _remove_ids(self, ids: Sequence[int]) -> None:
        gone = set(ids)
        positions = [n for n, i in enumerate(self._visible) if i in gone]
        for start, end in reversed(_runs(positions)):
            self.beginRemoveRows(QModelIndex(), start, end)
            del self._visible[start : end + 1]
            self.endRemoveRows()
        for i in ids:
            self._count(self._rows[i], -1)
            self._put(i, GONE)
        if self._order is not None:
            self._order = [i for i in self._order if i not in gone]

    def _count(self, row: ReportRow, step: int) -> None:
        for counter, value in (
            (self._rules, row[R_RULE]),
            (self._severities, row[R_SEVERITY]),
            (self._subjects, row[R_SUBJECT]),
            (self._schemas, row[R_SCHEMA]),
        ):
            counter[value] += step
            if counter[value] <= 0:
                del counter[value]

    # -- filtering ----------------------------------------------------------------

    @property
    def filter(self) -> FindingsFilter:
        return self._filter

    def set_min_severity(self, severity: str) -> None:
        """Show ``severity`` and worse ("info": everything)."""
        self.set_filter(dataclasses.replace(self._filter, min_severity=severity))

    def set_rules(self, rules: Iterable[str] | None) -> None:
        """Show only these rules (``None`` or empty: all)."""
        self.set_filter(dataclasses.replace(self._filter, rules=frozenset(rules or ())))

    def set_subject(self, subject: str | None) -> None:
        self.set_filter(dataclasses.replace(self._filter, subject=subject))

    def set_schema(self, schema: str | None) -> None:
        self.set_filter(dataclasses.replace(self._filter, schema=schema))

    def set_text(self, text: str) -> None:
        """Words that must all occur in the message, the entry or the file path."""
        self.set_filter(dataclasses.replace(self._filter, text=" ".join(text.split())))

    def set_filter(self, new: FindingsFilter) -> None:
        if new == self._filter:
            return
        old, self._filter = self._filter, new
        # Typing on in the search: only the rows shown can match the longer words.
        narrower = dataclasses.replace(old, text=new.text) == new and refines(new.text, old.text)
        self._relayout(self._visible if narrower else None)
        self.summary_changed.emit()

    def _filtered(self, ids: list[int]) -> list[int]:
        """The ids of ``ids`` the filter lets through, in their order (also used for
        single rows, so bulk and incremental updates agree)."""
        return filter_ids(self._filter, self._rows, ids, self._subjects, self._hays)

    def _hays(self) -> list[str]:
        """Every row's lower-cased text for the filter's words, made when first needed."""
        if self._haystack is None:
            self._haystack = [row_haystack(r) for r in self._rows]
        return self._haystack

    # -- sorting ------------------------------------------------------------------

    def _key_of(self, row: ReportRow) -> Any:
        """The sort key of one row in the current sort column (ids break ties)."""
        return row_key(row, self._sort_column)

    def _sorted_ids(self) -> list[int]:
        if self._order is None:
            self._order = sorted_ids(self._rows, self._sort_column, self._descending)
        return self._order

    def _position(self, ids: list[int], new: int) -> int:
        """Where id ``new`` goes in ``ids`` (sorted by the sort key, then by id)."""
        rows, key_of, descending = self._rows, self._key_of, self._descending
        k = key_of(rows[new])
        lo, hi = 0, len(ids)
        while lo < hi:
            mid = (lo + hi) // 2
            other = ids[mid]
            mk = key_of(rows[other])
            before = other < new if mk == k else (mk < k) != descending
            if before:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _compute_visible(self) -> list[int]:
        return self._filtered(list(self._sorted_ids()))

    def _relayout(self, pool: list[int] | None = None) -> None:
        """Swap in the new visible rows with one layout change, keeping persistent
        indexes (the view's selection and current row) on their rows. ``pool``: ids
        (in display order) known to hold every row the filter now lets through."""
        self.layoutAboutToBeChanged.emit()
        old_visible = self._visible
        self._visible = self._compute_visible() if pool is None else self._filtered(pool)
        persistent = self.persistentIndexList()
        if persistent:
            # A few indexes (selection, current row): list.index runs in C; many: a dict.
            visible = self._visible
            where: Callable[[int], int | None]
            if len(persistent) > 16:
                where = {i: n for n, i in enumerate(visible)}.get
            else:
                members = set(visible)
                where = lambda i: visible.index(i) if i in members else None  # noqa: E731
            new_indexes: list[QModelIndex] = []
            for index in persistent:
                n = index.row()
                pos = where(old_visible[n]) if 0 <= n < len(old_visible) else None
                new_indexes.append(
                    self.index(pos, index.column()) if pos is not None else QModelIndex()
                )
            self.changePersistentIndexList(persistent, new_indexes)
        self.layoutChanged.emit()

    # -- reading ------------------------------------------------------------------

    def total(self) -> int:
        """Findings in the corpus (shown or not)."""
        return sum(self._severities.values())

    def entry_count(self) -> int:
        """Entries with at least one finding."""
        return len(self._by_path)

    def rule_counts(self) -> dict[str, int]:
        """Findings per rule, in the order reports list rules (unknown rules last)."""
        known = {r: self._rules[r] for r in RULE_NAMES if r in self._rules}
        return known | {r: n for r, n in sorted(self._rules.items()) if r not in known}

    def severity_counts(self) -> dict[str, int]:
        return dict(self._severities)

    def subjects(self) -> list[str]:
        """Distinct subjects, case-insensitively, each as most findings spell it."""
        best: dict[str, tuple[int, str]] = {}
        for subject, n in self._subjects.items():
            key = subject.casefold()
            if key not in best or n > best[key][0]:
                best[key] = (n, subject)
        return sorted((s for _, s in best.values()), key=str.casefold)

    def schemas(self) -> list[str]:
        return sorted(self._schemas, key=str.casefold)

    def visible_summary(self) -> Summary:
        visible = self._visible
        if self._filter.is_default():  # everything shown: the running counts
            counts = self._severities
            return Summary(
                len(visible), len(self._by_path), counts["error"], counts["warning"],
                counts["info"],
            )  # fmt: skip
        # From two compact columns, picked by one ``itemgetter`` (a C loop): reading the
        # ~140k row tuples of 50k entries took ~50 ms a filter change.
        ranks, entry_of, _ = self._summary_columns()
        if len(visible) > 1:
            pick = itemgetter(*visible)
            picked, entries = bytes(pick(ranks)), len(set(pick(entry_of)))
        else:  # ``itemgetter`` of one id gives the item itself, of none refuses
            picked, entries = bytes(ranks[i] for i in visible), len(visible)
        return Summary(
            len(visible),
            entries,
            picked.count(RANK["error"]),
            picked.count(RANK["warning"]),
            picked.count(RANK["info"]),
        )

    def _summary_columns(self) -> tuple[bytearray, array[int], dict[str, int]]:
        if self._columns is None:
            rows = self._rows
            numbers: dict[str, int] = {}
            number = numbers.setdefault
            entry_of = array("q", [number(p, len(numbers)) for p in map(itemgetter(R_PATH), rows)])
            self._columns = (bytearray(map(itemgetter(R_RANK), rows)), entry_of, numbers)
        return self._columns

    def row_at(self, row: int) -> ReportRow | None:
        """The finding shown at ``row``, or None."""
        if not 0 <= row < len(self._visible):
            return None
        return self._rows[self._visible[row]]

    def visible_rows(self) -> Iterator[ReportRow]:
        """The rows shown, in display order."""
        rows = self._rows
        for i in self._visible:
            yield rows[i]

    # -- look ---------------------------------------------------------------------

    def set_palette(self, palette: QPalette) -> None:
        """Pick severity colours that read on this palette's base colour."""
        dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
        colours = {k: QColor(v) for k, v in SEVERITY_COLOURS[dark].items()}
        if colours == self._colours:
            return
        self._colours = colours
        if self._visible:
            last = self.index(len(self._visible) - 1, SEVERITY)
            self.dataChanged.emit(self.index(0, SEVERITY), last, [Qt.ItemDataRole.ForegroundRole])

    def colour(self, severity: str) -> QColor | None:
        return self._colours.get(severity)

    def _icon(self, severity: str) -> QIcon | None:
        icon = self._icons.get(severity)
        if icon is None and severity in _ICON_OF:
            style = QApplication.style()  # None without a QApplication (no icons then)
            if style is None:
                return None
            icon = style.standardIcon(_ICON_OF[severity])
            self._icons[severity] = icon
        return icon


def _runs(positions: list[int]) -> list[tuple[int, int]]:
    """Sorted positions grouped into ``(first, last)`` runs of consecutive numbers."""
    runs: list[tuple[int, int]] = []
    for p in positions:
        if runs and runs[-1][1] == p - 1:
            runs[-1] = (runs[-1][0], p)
        else:
            runs.append((p, p))
    return runs

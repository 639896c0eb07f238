"""The bulk SEO report's table: every finding of the corpus, filtered and sorted in bulk.

Each finding is one plain tuple (:data:`Row`); the model keeps them in a list and the
rows shown as a list of ids into it, in display order. Nothing else is kept per row.

Why filtering and sorting are done by the model and not in
``QSortFilterProxyModel``'s per-row hooks (as in :mod:`editor.ui.entries.entry_model`): a
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

import csv
import dataclasses
import io
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any, Final, NamedTuple, Protocol

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QStyle

from editor.content.atomic import atomic_write
from editor.content.seo import RULE_NAMES, SEVERITIES, Finding
from editor.ui.entries.visible_rows import VisibleRowsModel
from editor.ui.qt_compat import emit
from editor.ui.word_query import refines

ModelIndex = QModelIndex | QPersistentModelIndex

# One finding: rank, severity, rule, path, entry label, field, message, subject,
# schema, line, column.
Row = tuple[int, str, str, str, str, str, str, str, str, int | None, int | None]
RowInput = tuple[Finding, str, str, str]  # (finding, title, subject, schema)
_GONE: Row = (99, "", "", "", "", "", "", "", "", None, None)  # a row replace_for_path removed
# Literal positions (Final), so type checkers know each field's type.
R_RANK: Final = 0
R_SEVERITY: Final = 1
R_RULE: Final = 2
R_PATH: Final = 3
R_ENTRY: Final = 4
R_FIELD: Final = 5
R_MESSAGE: Final = 6
R_SUBJECT: Final = 7
R_SCHEMA: Final = 8
R_LINE: Final = 9
R_COLUMN: Final = 10

SEVERITY, RULE, ENTRY, FIELD, MESSAGE, SUBJECT, SCHEMA = range(7)
HEADERS = ("Severity", "Rule", "Entry", "Field", "Message", "Subject", "Schema")
_ROW_OF_COLUMN = (R_SEVERITY, R_RULE, R_ENTRY, R_FIELD, R_MESSAGE, R_SUBJECT, R_SCHEMA)
CSV_HEADER = ("severity", "rule", "entry", "path", "field", "line", "column", "message",
              "subject", "schema")  # fmt: skip

PathRole = Qt.ItemDataRole.UserRole + 1
FieldRole = Qt.ItemDataRole.UserRole + 2

_RANK = {name: n for n, name in enumerate(SEVERITIES)}
_UNKNOWN_RANK = len(SEVERITIES)
SEVERITY_LABEL = {"error": "Error", "warning": "Warning", "info": "Info"}
_ICON_OF = {
    "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
    "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
}
# Darker tones on light backgrounds, lighter ones on dark backgrounds (Material 800/300).
SEVERITY_COLOURS = {
    False: {"error": "#c62828", "warning": "#a65c00", "info": "#1565c0"},
    True: {"error": "#ef5350", "warning": "#ffb74d", "info": "#64b5f6"},
}

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_PATH = int(PathRole)
_FIELD = int(FieldRole)


class RecordLike(Protocol):
    """What the report reads from an index record (``editor.content.index.EntryRecord``)."""

    path: str
    title: str
    subject: str
    schema: str

    @property
    def findings(self) -> Sequence[Finding]: ...


def build_rows(inputs: Iterable[RowInput]) -> list[Row]:
    """Flatten ``(finding, title, subject, schema)`` into row tuples (title falls back to
    the file name; labels are shared between an entry's findings)."""
    labels: dict[tuple[str, str], str] = {}
    rows: list[Row] = []
    append = rows.append
    for f, title, subject, schema in inputs:
        label = labels.get((title, f.path))
        if label is None:
            label = " ".join(title.split()) or f.path.rsplit("/", 1)[-1]
            if label == title:
                label = title  # the record's string, not a copy (~3 MB at 50k entries)
            labels[title, f.path] = label
        append(
            (_RANK.get(f.severity, _UNKNOWN_RANK), f.severity, f.rule, f.path, label,
             f.field, f.message, subject, schema, f.line, f.column)
        )  # fmt: skip
    return rows


class PreparedRows(NamedTuple):
    """Rows with their lookups, made by :func:`prepare_rows` off the GUI thread (at 50k
    entries building ~140k rows on the GUI thread stalled the window for half a second)."""

    rows: list[Row]
    by_path: dict[str, Sequence[int]]  # ids of each path's rows (a range when adjacent)
    rules: Counter[str]
    severities: Counter[str]
    subjects: Counter[str]
    schemas: Counter[str]
    by_severity: list[int]  # ids in the default order (severity, then id)


def prepare_rows(inputs: Iterable[RowInput]) -> PreparedRows:
    """Everything :meth:`FindingsModel.set_prepared` needs; pure Python, any thread."""
    rows = build_rows(inputs)
    # An entry's rows are adjacent (records give theirs one after another): a range per
    # entry, not a list of int objects (~11 MB at 50k entries, ~140k rows).
    by_path: dict[str, Sequence[int]] = {}
    start = 0
    for path, run in groupby(map(itemgetter(R_PATH), rows)):
        end = start + sum(1 for _ in run)
        ids = by_path.get(path)
        by_path[path] = range(start, end) if ids is None else [*ids, *range(start, end)]
        start = end
    ranks = [r[R_RANK] for r in rows]
    by_severity = sorted(range(len(rows)), key=ranks.__getitem__)
    return PreparedRows(
        rows,
        by_path,
        Counter(map(itemgetter(R_RULE), rows)),
        Counter(map(itemgetter(R_SEVERITY), rows)),
        Counter(map(itemgetter(R_SUBJECT), rows)),
        Counter(map(itemgetter(R_SCHEMA), rows)),
        by_severity,
    )


def record_inputs(record: RecordLike) -> list[RowInput]:
    """One index record's findings in the input form of :meth:`FindingsModel.set_rows`."""
    return [(f, record.title, record.subject, record.schema) for f in record.findings]


def records_inputs(records: Iterable[RecordLike]) -> Iterator[RowInput]:
    for record in records:
        yield from record_inputs(record)


@dataclass(frozen=True)
class FindingsFilter:
    """What the report shows; empty or ``None`` criteria let every row through."""

    min_severity: str = "info"  # show this severity and worse
    rules: frozenset[str] = frozenset()
    subject: str | None = None  # compared case-insensitively ("Digital Media" = "digital media")
    schema: str | None = None
    text: str = ""  # every word must occur in the message, the entry label or the path

    def is_default(self) -> bool:
        return self == FindingsFilter()


class Summary(NamedTuple):
    findings: int
    entries: int
    errors: int
    warnings: int
    infos: int


class FindingsModel(VisibleRowsModel):
    """All findings of the corpus; the rows shown are the filtered, sorted ones."""

    headers = HEADERS

    summary_changed = Signal()  # rows, counts or the filter changed

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []  # _GONE where replace_for_path removed a row
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
            return row[_ROW_OF_COLUMN[column]]
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
        emit(self.summary_changed)

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
        emit(self.summary_changed)

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

    def _put(self, i: int, row: Row) -> None:
        """Row ``i`` is now ``row`` (``i`` one past the last: a new row), and so are the
        lookups made from the rows, where made: the search text, the summary columns."""
        rows, hay, columns = self._rows, self._haystack, self._columns
        text = "" if row is _GONE or hay is None else _hay(row)
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
            self._put(i, _GONE)
        if self._order is not None:
            self._order = [i for i in self._order if i not in gone]

    def _count(self, row: Row, step: int) -> None:
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
        emit(self.summary_changed)

    def _filtered(self, ids: list[int]) -> list[int]:
        """The ids of ``ids`` the filter lets through, in their order. One list
        comprehension per active criterion (no call per row); also used for single
        rows, so bulk and incremental updates agree."""
        f, rows = self._filter, self._rows
        rank = _RANK.get(f.min_severity, _UNKNOWN_RANK)
        if rank < _UNKNOWN_RANK - 1:
            ids = [i for i in ids if rows[i][R_RANK] <= rank]
        if f.rules:
            rules = f.rules
            ids = [i for i in ids if rows[i][R_RULE] in rules]
        if f.subject is not None:
            key = f.subject.casefold()
            spellings = {s for s in self._subjects if s.casefold() == key}
            ids = [i for i in ids if rows[i][R_SUBJECT] in spellings]
        if f.schema is not None:
            schema = f.schema
            ids = [i for i in ids if rows[i][R_SCHEMA] == schema]
        words = f.text.lower().split()
        if words:
            if self._haystack is None:
                self._haystack = [_hay(r) for r in rows]
            hay = self._haystack
            for word in sorted(words, key=len, reverse=True):  # the longest prunes most
                ids = [i for i in ids if word in hay[i]]
        return ids

    # -- sorting ------------------------------------------------------------------

    def _key_of(self, row: Row) -> Any:
        """The sort key of one row in the current sort column (ids break ties)."""
        if self._sort_column == SEVERITY:
            return row[R_RANK]
        return str(row[_ROW_OF_COLUMN[self._sort_column]]).casefold()

    def _sorted_ids(self) -> list[int]:
        if self._order is None:
            rows = self._rows
            live = [i for i, r in enumerate(rows) if r is not _GONE]
            if self._sort_column == SEVERITY:
                keys: list[Any] = [r[R_RANK] for r in rows]
            else:
                field = _ROW_OF_COLUMN[self._sort_column]
                keys = [str(r[field]).casefold() for r in rows]
            # Stable, also when reversed: ties keep id order, as _position assumes.
            live.sort(key=keys.__getitem__, reverse=self._descending)
            self._order = live
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
        emit(self.layoutAboutToBeChanged)
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
        emit(self.layoutChanged)

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
            picked.count(_RANK["error"]),
            picked.count(_RANK["warning"]),
            picked.count(_RANK["info"]),
        )

    def _summary_columns(self) -> tuple[bytearray, array[int], dict[str, int]]:
        if self._columns is None:
            rows = self._rows
            numbers: dict[str, int] = {}
            number = numbers.setdefault
            entry_of = array("q", [number(p, len(numbers)) for p in map(itemgetter(R_PATH), rows)])
            self._columns = (bytearray(map(itemgetter(R_RANK), rows)), entry_of, numbers)
        return self._columns

    def row_at(self, row: int) -> Row | None:
        """The finding shown at ``row``, or None."""
        if not 0 <= row < len(self._visible):
            return None
        return self._rows[self._visible[row]]

    def visible_rows(self) -> Iterator[Row]:
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
            emit(self.dataChanged, self.index(0, SEVERITY), last, [Qt.ItemDataRole.ForegroundRole])

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


def _hay(row: Row) -> str:
    return f"{row[R_ENTRY]}\n{row[R_MESSAGE]}\n{row[R_PATH]}".lower()


def _runs(positions: list[int]) -> list[tuple[int, int]]:
    """Sorted positions grouped into ``(first, last)`` runs of consecutive numbers."""
    runs: list[tuple[int, int]] = []
    for p in positions:
        if runs and runs[-1][1] == p - 1:
            runs[-1] = (runs[-1][0], p)
        else:
            runs.append((p, p))
    return runs


def write_csv(path: Path, rows: Iterable[Row]) -> int:
    """Write ``rows`` with a header line; returns how many rows were written."""
    count = 0
    with io.StringIO(newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(CSV_HEADER)
        for r in rows:
            line = "" if r[R_LINE] is None else r[R_LINE]
            column = "" if r[R_COLUMN] is None else r[R_COLUMN]
            writer.writerow(
                (r[R_SEVERITY], r[R_RULE], r[R_ENTRY], r[R_PATH], r[R_FIELD], line, column,
                 r[R_MESSAGE], r[R_SUBJECT], r[R_SCHEMA])
            )  # fmt: skip
            count += 1
        # Atomic, through a symlink to its target, never replacing a FIFO or device.
        atomic_write(path, stream.getvalue().encode("utf-8"))
    return count

"""The replace preview as a flat table model: a row per entry, then a row per match.

A ``QAbstractTableModel`` over the preview's own lists, with one byte per match for its
checkbox and the counts kept as boxes change. Flat, not a tree: rows appended to a
table cost the view nothing more than the new rows, where a ``QTreeView`` lays out
every row again at each insertion (26,000 entries arriving in batches took a minute,
and 1.2 s a batch). An entry's row carries a checkbox for all its matches.

Results come from the preview job in batches of up to ~5,000 entries (a quarter of a
second's reading); :meth:`PreviewModel.queue` puts them in :data:`SLICE` entries per
event-loop turn (~3 ms each), so one batch never holds the window for the time a
whole batch's rows take, and what the user does between two slices (a box ticked, a
row selected) comes first and stays. Each slice put in repaints the rows in sight, on
the GUI thread while the job reads (and waits for the GIL): a slice is a batch's worth,
and a painted cell asks for all its roles in one call (:meth:`PreviewModel.multiData`).
"""

from __future__ import annotations

import functools
from array import array
from collections import deque
from collections.abc import Iterable
from itertools import accumulate, chain, repeat
from pathlib import Path
from typing import Any, Final, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont

from editor.content.bulk.replace import EntryMatches, Match
from editor.ui.bulk.match_delegate import MATCH_ROLE
from editor.ui.gil_switch import PaintGate

__all__ = ["SLICE", "PreviewModel"]

ModelIndex = QModelIndex | QPersistentModelIndex
CHECKED, UNCHECKED, PARTLY = (
    Qt.CheckState.Checked,
    Qt.CheckState.Unchecked,
    Qt.CheckState.PartiallyChecked,
)
HEADERS = ("Entry / field", "Change in context")
ENTRY = -1  # ``match`` of an entry's own row
SLICE: Final = 4000
"""Entries :meth:`PreviewModel.queue` puts in per event-loop turn (~3 ms with their rows;
1,000 made 33 repaints of the table in a 26k-entry preview, 4,000 make 14)."""


_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.CheckStateRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.ToolTipRole,
        MATCH_ROLE,
    }
)  # the roles :meth:`PreviewModel.data` answers
_ONES_MAX = 64
_ONES = b"\x01" * _ONES_MAX  # an entry's checks, all on (most entries have one match)


@functools.lru_cache(maxsize=64)
def _match_rows(n: int) -> tuple[int, ...]:
    """An entry's rows' ``row_match``: its own row, then its ``n`` matches'."""
    return (ENTRY, *range(n))


class PreviewModel(QAbstractTableModel):
    """Rows: each entry with matches, followed by its matches; each row checkable."""

    fed = Signal()  # a slice of queued entries was put in (see :meth:`queue`)

    def __init__(self, folder: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.bold = QFont()
        self.bold.setBold(True)
        self._pending: deque[EntryMatches] = deque()
        self.gate = PaintGate()  # held while rows go in; the view holds it as it paints
        self._feeder = QTimer(self, singleShot=True, interval=0)
        self._feeder.timeout.connect(self._feed)
        self.clear()

    # -- filling ----------------------------------------------------------------

    def queue(self, found: Iterable[EntryMatches]) -> None:
        """Append entries (every match checked) :data:`SLICE` at a time, one slice per
        event-loop turn from the next; :attr:`fed` follows each slice."""
        self._pending.extend(entry for entry in found if entry.matches)
        if self._pending and not self._feeder.isActive():
            self._feeder.start()

    @property
    def pending(self) -> int:
        """Entries queued and not yet put in."""
        return len(self._pending)

    def drop_pending(self) -> None:
        """Forget the entries queued and not yet put in."""
        self._pending.clear()
        self._feeder.stop()

    def _feed(self) -> None:
        pending = self._pending
        with self.gate.held():  # (the rows' insertion calls back into Python)
            self.add([pending.popleft() for _ in range(min(SLICE, len(pending)))])
        if pending:
            self._feeder.start()
        self.fed.emit()

    def clear(self) -> None:
        self.drop_pending()
        self.beginResetModel()
        self.entries: list[EntryMatches] = []
        self.checks: list[bytearray] = []  # per entry, 1 per checked match
        self.counts: list[int] = []  # checked matches per entry
        self.first_row: list[int] = []  # the entry's own row
        self.row_entry = array("i")  # per row: its entry
        self.row_match = array("i")  # per row: its match, or ENTRY
        self.checked = 0  # checked matches in all
        self.files = 0  # entries with a checked match
        self.total = 0  # matches in all
        self.endResetModel()

    def add(self, found: list[EntryMatches]) -> None:
        """Append entries now, every match checked (a job's batches go through
        :meth:`queue`). Each list grows by one call, not one per entry: this runs on the
        GUI thread while the preview's job reads, and the job waits for the GIL."""
        found = [entry for entry in found if entry.matches]
        if not found:
            return
        counts = [len(entry.matches) for entry in found]
        matches = sum(counts)
        first = len(self.row_entry)
        self.beginInsertRows(QModelIndex(), first, first + len(found) + matches - 1)
        number = len(self.entries)
        self.entries.extend(found)
        self.checks.extend(
            [bytearray(_ONES[:n] if n <= _ONES_MAX else b"\x01" * n) for n in counts]
        )
        self.counts.extend(counts)
        self.first_row.extend(accumulate([1 + n for n in counts[:-1]], initial=first))
        self.row_entry.extend(
            chain.from_iterable(repeat(i, 1 + n) for i, n in enumerate(counts, number))
        )
        self.row_match.extend(chain.from_iterable(_match_rows(n) for n in counts))
        self.checked += matches
        self.total += matches
        self.files += len(found)
        self.endInsertRows()

    def selection(self) -> dict[Path, list[int]]:
        """The checked matches by entry (positions in its list of matches)."""
        return {
            entry.path: [i for i, c in enumerate(bits) if c]
            for entry, bits, count in zip(self.entries, self.checks, self.counts, strict=True)
            if count
        }

    def match_at(self, index: ModelIndex) -> tuple[EntryMatches, int | None] | None:
        """The entry of a row and, for a match's row, the match's position."""
        if not index.isValid():
            return None
        match = self.row_match[index.row()]
        return self.entries[self.row_entry[index.row()]], None if match == ENTRY else match

    def entry_index(self, number: int) -> QModelIndex:
        """The row of entry ``number`` (its checkbox column)."""
        return self.index(self.first_row[number], 0)

    def match_index(self, number: int, match: int) -> QModelIndex:
        return self.index(self.first_row[number] + 1 + match, 0)

    # -- the model ----------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.row_entry)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES or not index.isValid():
            return None
        return self._value(index.row(), index.column(), role)

    def multiData(
        self,
        index: ModelIndex,
        roleDataSpan: QModelRoleDataSpan | QModelRoleData,  # noqa: N803
    ) -> None:
        """Every role a painted cell asks for in one call: Qt's delegate asks for seven,
        each a call into Python that waits for the GIL behind the preview's job (the
        table repaints as rows come in)."""
        valid = index.isValid()
        row, column = (index.row(), index.column()) if valid else (0, 0)
        asks: Iterable[QModelRoleData] = (
            [roleDataSpan]
            if isinstance(roleDataSpan, QModelRoleData)
            else cast(Iterable[QModelRoleData], roleDataSpan)  # (a sequence; not in its stubs)
        )
        for asked in asks:
            role = asked.role()
            value = self._value(row, column, role) if valid and role in _ROLES else None
            if value is None:
                asked.clearData()
            else:
                asked.setData(value)

    def _value(self, row: int, column: int, role: int) -> Any:
        number, position = self.row_entry[row], self.row_match[row]
        entry = self.entries[number]
        if position == ENTRY:
            if role == Qt.ItemDataRole.DisplayRole:
                return self._name(entry) if column == 0 else _title(entry)
            if role == Qt.ItemDataRole.CheckStateRole and column == 0:
                count = self.counts[number]
                if not count:
                    return UNCHECKED
                return CHECKED if count == len(entry.matches) else PARTLY
            if role == Qt.ItemDataRole.FontRole:
                return self.bold
            if role == Qt.ItemDataRole.ToolTipRole:
                return str(entry.path)
            return None
        match = entry.matches[position]
        if role == Qt.ItemDataRole.DisplayRole:
            return "    " + match.field if column == 0 else _context(match)
        if role == Qt.ItemDataRole.CheckStateRole and column == 0:
            return CHECKED if self.checks[number][position] else UNCHECKED
        if role == MATCH_ROLE and column == 1:
            return match
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{match.found!r} → {match.replacement!r}"
        return None

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole or index.column():
            return False
        on = Qt.CheckState(value) != UNCHECKED
        row = index.row()
        number, position = self.row_entry[row], self.row_match[row]
        first = self.first_row[number]
        bits = self.checks[number]
        if position == ENTRY:
            bits[:] = (b"\x01" if on else b"\x00") * len(bits)
            self._set_count(number, len(bits) if on else 0)
            self.dataChanged.emit(self.index(first, 0), self.index(first + len(bits), 0), [role])
            return True
        if bool(bits[position]) != on:
            bits[position] = on
            self._set_count(number, self.counts[number] + (1 if on else -1))
            self.dataChanged.emit(index, index, [role])
            self.dataChanged.emit(self.index(first, 0), self.index(first, 0), [role])
        return True

    def _set_count(self, number: int, count: int) -> None:
        old = self.counts[number]
        self.checked += count - old
        self.files += (count > 0) - (old > 0)
        self.counts[number] = count

    def _name(self, entry: EntryMatches) -> str:
        name = entry.path.name
        if self.folder is not None and entry.path.is_relative_to(self.folder):
            name = entry.path.relative_to(self.folder).as_posix()
        return name + ("  (unsaved edits: changed in the editor)" if entry.in_editor else "")


def _title(entry: EntryMatches) -> str:
    title = entry.top_value("title")  # (painted often: never a parse)
    n = len(entry.matches)
    head = f"{n} match{'es' if n != 1 else ''}"
    return f"{head} — {' '.join(str(title).split())}" if title else head


def _context(match: Match) -> str:
    return f"…{match.before}{match.found} → {match.replacement}{match.after}…"

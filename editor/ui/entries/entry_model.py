"""The entry list: one row per content file, what each row shows, and its updates.

``EntryListModel`` holds a row per file of the folder: the file name at once (from the
index's quick listing), the details (title, schema, SEO status, search text) as the
background index delivers its records, and the dirty marker from the session. A save's
or a batch's records replace their rows in place. Which rows show, and in which order,
is its base's work (:mod:`.list_filter`: the sort, the filter and the sliced search,
done in bulk).

The view shows this model itself, through no proxy: a pass-through
``QSortFilterProxyModel`` rebuilt its 50k-row mapping on every layout change (~2.3 ms a
keystroke) and, painting, mapped each cell's index back through the model's Python
``rowCount`` and ``columnCount`` (~30% of a repaint's time).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

from editor.ui.entries.list_filter import FilteredRowsModel, SearchJobLike
from editor.ui.entries.list_rows import (
    DATE,
    HEADERS,
    SCHEMA,
    STATUS,
    STATUS_COLOUR,
    STATUS_HELP,
    STATUS_TEXT,
    TITLE,
    ListRow,
    PreparedList,
    RecordLike,
    prepare_list,
    prepare_list_rows,
    row_from_record,
    rows_from_paths,
    sort_key,
)
from editor.ui.memory import release_memory

ModelIndex = QModelIndex | QPersistentModelIndex

PathRole = Qt.ItemDataRole.UserRole + 1
StatusRole = Qt.ItemDataRole.UserRole + 2

# The roles ``data`` answers, as plain ints (what Qt passes it).
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_DECORATION = Qt.ItemDataRole.DecorationRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole.value
_FONT = Qt.ItemDataRole.FontRole.value
_ROLES = frozenset(
    (_DISPLAY, _DECORATION, _TOOLTIP, _ACCESSIBLE, _FONT, int(PathRole), int(StatusRole))
)

# How long after new rows the freed memory is handed back: once the list has painted.
RELEASE_DELAY_MS = 150


class EntryListModel(FilteredRowsModel):
    """Rows of the content folder; ``visible`` rows are the filtered, sorted ones."""

    headers = HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._folder = Path()
        self._rels: list[str] = []  # each row's rel, in row order
        self._by_rel: dict[str, int] = {}
        self._dirty: set[str] = set()  # rels of the rows with unsaved edits
        self._icons: dict[str, QIcon] = {}

    # -- Qt model API -------------------------------------------------------------

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> Any:
        # Painted ~7 roles a cell, ~120 cells a screen after every keystroke: roles are
        # compared as ints (an enum attribute costs a lookup each), the row read once.
        if role not in _ROLES:
            return None
        n = index.row()  # -1 for an invalid index
        if not 0 <= n < len(self._visible):
            return None
        row = self._rows[self._visible[n]]
        column = index.column()
        if role == _DISPLAY:
            if column == TITLE:
                return f"{row.shown_title} *" if row.dirty else row.shown_title
            if column == SCHEMA:
                return row.schema
            if column == DATE:
                return row.date
            return None  # the status: its coloured marker says it, words in the tooltip
        if role == _DECORATION:
            return self._icon(row.status) if column == STATUS else None
        if role == _TOOLTIP:
            tip = [row.shown_title] if column == TITLE else []  # the full, unelided title
            tip += [row.name, STATUS_HELP.get(row.status, "")]
            if row.dirty:
                tip.append("Unsaved changes")
            if row.error:
                tip.append(row.error)
            return "\n".join(t for t in tip if t)
        if role == _ACCESSIBLE:
            if column == STATUS:
                return STATUS_TEXT.get(row.status, row.status)
            if column == TITLE:
                dirty = ", unsaved" if row.dirty else ""
                return f"{row.shown_title}, {STATUS_TEXT.get(row.status, '')}{dirty}"
            return None
        if role == _FONT:
            if row.dirty and column == TITLE:
                font = QFont()
                font.setItalic(True)
                return font
            return None
        if role == PathRole:
            return str(self._folder / row.rel)
        return row.status  # StatusRole

    # -- content ------------------------------------------------------------------

    @property
    def folder(self) -> Path:
        return self._folder

    def set_paths(self, folder: Path, rels: Sequence[str] | PreparedList) -> None:
        """The quick listing (relative paths in the index's order, or name rows made from
        them by ``prepare_list_rows(rows_from_paths(...))`` off the GUI thread), before any
        file is read."""
        if isinstance(rels, PreparedList):
            prepared = rels
        else:
            prepared = prepare_list_rows(rows_from_paths(rels))
        self.beginResetModel()
        self._folder = folder
        self._dirty.clear()  # another folder, or the same one anew: the session re-marks
        self._take(prepared)
        self._reset_rows()
        self.endResetModel()

    def set_records(
        self, records: Sequence[RecordLike], jobs: Callable[[str], SearchJobLike] | None = None
    ) -> None:
        """The index's records (see :meth:`set_rows`), prepared here."""
        self.set_rows(prepare_list(records, self.sort_wanted), jobs)

    def set_rows(
        self,
        prepared: PreparedList,
        jobs: Callable[[str], SearchJobLike] | None = None,
    ) -> None:
        """The index's records as :func:`prepare_list` made them (maybe on another
        thread), and its one search engine, ``jobs`` (giving row numbers into the
        records); without it, the quick search over titles, subjects and names. Taken over, not
        copied: prepared rows are made for one model and used once.

        Same files in the same order: rows are updated in place (a file being read
        keeps its place under the user's eyes); otherwise the list is rebuilt. Dirty
        markers are kept either way.

        Costly queries run in slices off the keystroke (see :meth:`set_query`).

        Once the event loop is back (the report has taken its rows too), the memory the
        build freed is handed back to the OS (:func:`release_memory`)."""
        # Not at once: a zero timer ran it in the same pass of the event loop as the
        # taking of the rows and the first paint, adding its 20-40 ms to that stall.
        QTimer.singleShot(RELEASE_DELAY_MS, release_memory)
        self._jobs = jobs
        self._cancel_search()
        rows, by_rel = prepared.rows, prepared.by_rel
        for rel in self._dirty:  # a few rows, not a pass over all of them
            i = by_rel.get(rel)
            if i is not None:
                rows[i].dirty = True
        self._dirty = {rel for rel in self._dirty if rel in by_rel}  # the files still here
        same = prepared.rels == self._rels
        if not same:
            self.beginResetModel()
        self._take(prepared)
        if not same:
            self._reset_rows()
            self.endResetModel()
            return
        self._recent.clear()
        self._quick = ("", [])
        if self._query:
            self._matches = self._search(self._query, range(len(rows)))
        self._relayout()
        if self._visible:
            last = self.index(len(self._visible) - 1, len(HEADERS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def _take(self, prepared: PreparedList) -> None:
        self._rows, self._rels, self._by_rel = prepared.rows, prepared.rels, prepared.by_rel
        self._hays, self._joined = prepared.hays, prepared.joined
        order = prepared.order  # made for the sort asked then: still the one shown?
        fits = order is not None and (order.column, order.descending) == self.sort_wanted
        self._sort = order if fits else None

    def update_records(self, records: Iterable[RecordLike]) -> None:
        """Some entries' records changed (a save: the entry itself, and others whose
        corpus findings followed; a bulk batch: a thousand): only their rows are made
        anew, and only their rows are said to have changed (:meth:`_emit_rows_changed`).
        The order is redone only when a sort key changed, the filter only when a query
        is set; otherwise the rows shown stay as they are, with no layout change."""
        key = sort_key(self._sort_column)
        changed: list[int] = []
        reorder = False
        for record in records:
            i = self._by_rel.get(record.path)
            if i is None:
                continue
            old, row = self._rows[i], row_from_record(record)
            row.dirty = old.dirty
            reorder = reorder or key(row) != key(old)
            self._rows[i] = row
            self._hays[i] = row.haystack
            self._joined = None
            changed.append(i)
        if not changed:
            return
        self._recent.clear()
        self._quick = ("", [])
        if reorder:
            self._sort = None
        if self._query:
            self._cancel_search()
            self._matches = self._search(self._query, range(len(self._rows)))
        if reorder or self._query:
            self._relayout()
        self._emit_rows_changed(changed)

    def _reset_rows(self) -> None:
        """The filter and visible rows anew, after the rows and their lookups changed."""
        self._recent.clear()
        self._quick = ("", [])
        self._matches = self._search(self._query, range(len(self._rows))) if self._query else None
        self._visible = self._compute_visible()

    def set_dirty(self, path: Path, dirty: bool) -> None:
        i = self._id_of(path)
        if i is None or self._rows[i].dirty == dirty:
            return
        self._rows[i].dirty = dirty
        if dirty:
            self._dirty.add(self._rels[i])
        else:
            self._dirty.discard(self._rels[i])
        self._emit_row_changed(i)

    def set_title(self, path: Path, title: str) -> None:
        """Follow the title being typed in the form (the index catches up on save)."""
        i = self._id_of(path)
        title = " ".join(title.split())
        if i is None or self._rows[i].title == title:
            return
        row = self._rows[i]
        row.title = title
        row.title_key = row.shown_title.casefold()
        self._emit_row_changed(i)

    def set_status(self, path: Path, status: str) -> None:
        """Follow the open entry's findings as edited (the index catches up on save), so
        its dot is not green while its unsaved text has warnings."""
        i = self._id_of(path)
        if i is None or self._rows[i].status == status or self._rows[i].status == "broken":
            return
        self._rows[i].status = status
        self._emit_row_changed(i)

    def _emit_rows_changed(self, ids: Iterable[int]) -> None:
        """One ``dataChanged`` per run of adjacent rows shown among ``ids``.

        A bulk batch's 1,000 rows each cost ~10 µs as a signal of its own through
        ``index()`` (which asks the Python ``rowCount`` and ``columnCount``) and a
        bisection: ~10 ms on the GUI thread at 50k rows. With every row shown a row's
        place is its rank, and ``createIndex`` asks Python nothing."""
        if len(self._visible) == len(self._rows):  # all shown: in the sort order
            rank = self._sorted().rank
            places = sorted(rank[i] for i in ids)
        else:
            places = sorted(p for p in map(self._position, ids) if p is not None)
        last = len(HEADERS) - 1
        end = -2
        start = -2
        for place in places:
            if place == end + 1:
                end = place
                continue
            if start >= 0:
                self.dataChanged.emit(self.createIndex(start, 0), self.createIndex(end, last))
            start = end = place
        if start >= 0:
            self.dataChanged.emit(self.createIndex(start, 0), self.createIndex(end, last))

    def _emit_row_changed(self, i: int) -> None:
        pos = self._position(i)
        if pos is None:
            return
        self.dataChanged.emit(self.index(pos, 0), self.index(pos, len(HEADERS) - 1))

    # -- lookups ------------------------------------------------------------------

    def total(self) -> int:
        return len(self._rows)

    def dirty_paths(self) -> list[Path]:
        ids = sorted(map(self._by_rel.__getitem__, self._dirty))
        return [self._folder / self._rels[i] for i in ids]

    def _id_of(self, path: Path) -> int | None:
        try:
            rel = path.relative_to(self._folder).as_posix()
        except ValueError:
            return None
        return self._by_rel.get(rel)

    def row_for(self, path: Path) -> ListRow | None:
        i = self._id_of(path)
        return None if i is None else self._rows[i]

    def index_of(self, path: Path) -> QModelIndex:
        i = self._id_of(path)
        pos = None if i is None else self._position(i)
        return QModelIndex() if pos is None else self.index(pos, 0)

    def path_at(self, index: ModelIndex) -> Path | None:
        if not index.isValid() or not 0 <= index.row() < len(self._visible):
            return None
        return self._folder / self._rows[self._visible[index.row()]].rel

    # -- icons --------------------------------------------------------------------

    def _icon(self, status: str) -> QIcon | None:
        colour = STATUS_COLOUR.get(status)
        if colour is None:
            return None
        icon = self._icons.get(status)
        if icon is None:
            icon = status_icon(colour, broken=status == "broken")
            self._icons[status] = icon
        return icon


def status_icon(colour: str, *, broken: bool = False, size: int = 12) -> QIcon:
    """A filled dot (a ring with a cross for a broken file), drawn at 1x and 2x."""
    icon = QIcon()
    for scale in (1, 2):
        pixmap = QPixmap(size * scale, size * scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(scale, scale)
        painter.setBrush(QColor(colour))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(1, 1, size - 2, size - 2)
        if broken:
            pen = painter.pen()
            pen.setStyle(Qt.PenStyle.SolidLine)
            pen.setColor(QColor("white"))
            pen.setWidthF(1.6)
            painter.setPen(pen)
            m = size * 0.32
            painter.drawLine(int(m), int(m), int(size - m), int(size - m))
            painter.drawLine(int(size - m), int(m), int(m), int(size - m))
        painter.end()
        icon.addPixmap(pixmap)
    return icon

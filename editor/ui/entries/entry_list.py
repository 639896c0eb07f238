"""The left pane: a search box over the entry table, driven from the keyboard.

Ctrl+F / Ctrl+L (window actions) focus the search box; Down moves from the box into
the list, arrows walk the list (each step opens that entry), Enter or a double click
moves on into the form, Escape clears the search.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from editor.ui.entries.entry_model import EntryListModel
from editor.ui.entries.list_rows import DATE, SCHEMA, STATUS, TITLE


class EntryList(QWidget):
    """Search box and table over an :class:`EntryListModel` (it filters and sorts)."""

    current_changed = Signal(object)  # Path | None: the entry to show
    activated = Signal(object)  # Path: Enter / double click (go to the form)

    def __init__(self, model: EntryListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._current: Path | None = None

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search titles, names and text…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search entries")
        self.search.textChanged.connect(self._on_query)
        self.search.installEventFilter(self)
        # A quiet sign in the box while the full text is still being searched.
        self.busy = self.search.addAction(
            self.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload),
            QLineEdit.ActionPosition.TrailingPosition,
        )
        self.busy.setToolTip("Searching the full text…")
        self.busy.setVisible(False)
        model.searching.connect(self._on_searching)

        self.view = QTableView()
        self.view.setAccessibleName("Entries")
        self.view.setModel(model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        self.view.setTabKeyNavigation(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.view.horizontalHeader()
        header.setMinimumSectionSize(24)
        self._widths: dict[int, int] = {}  # each fixed column's width, from the font
        self._size_columns()
        # A model reset gives the header new sections at default sizes: size them again.
        model.modelReset.connect(self._size_columns)
        header.setHighlightSections(False)
        # Q&A titles all start "How does…": cut the middle, keep start and end.
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self._viewport = self.view.viewport()
        self._viewport.installEventFilter(self)
        # Fitted once the header's own resizing is over: hiding or sizing a section from
        # inside it leaves the stretched title at its old width.
        self._fit_timer = QTimer(self, singleShot=True, interval=0)
        self._fit_timer.timeout.connect(self._fit_columns)
        header.sectionResized.connect(lambda *_: self._fit_timer.start())
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(TITLE, Qt.SortOrder.AscendingOrder)
        self.view.selectionModel().currentRowChanged.connect(self._on_current)
        self.view.activated.connect(self._on_activated)
        self.view.installEventFilter(self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.setSpacing(6)
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)
        model.modelReset.connect(self._restore_current)
        model.layoutChanged.connect(self._restore_current)

    # -- public -------------------------------------------------------------------

    def current_path(self) -> Path | None:
        return self._current

    def select(self, path: Path | None) -> bool:
        """Make ``path`` the current row (clearing the search if it hides the entry)."""
        if path is None:
            self.view.selectionModel().clearSelection()
            self._current = None
            return True
        index = self.model.index_of(path)
        if not index.isValid() and self.search.text():
            self.search.clear()
            index = self.model.index_of(path)
        if not index.isValid():
            return False
        self.view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.scrollTo(index)
        return True

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def visible_count(self) -> int:
        return self.model.rowCount()

    # -- internals ----------------------------------------------------------------

    def _on_query(self, text: str) -> None:
        self.model.set_query(text)

    def _on_searching(self, running: bool) -> None:
        self.busy.setVisible(running)
        self.search.setAccessibleDescription("Searching…" if running else "")

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        path = self.model.path_at(current) if current.isValid() else None
        if path is None or path == self._current:
            return
        self._current = path
        self.current_changed.emit(path)

    def _on_activated(self, index: QModelIndex) -> None:
        path = self.model.path_at(index)
        if path is not None:
            self.activated.emit(path)

    def _restore_current(self) -> None:
        """After a reset the view forgets its row: put the open entry back."""
        if self._current is None:
            return
        index = self.model.index_of(self._current)
        selection = self.view.selectionModel()
        if index.isValid() and selection.currentIndex().row() != index.row():
            # Same path as before, so _on_current does not reopen the entry.
            selection.setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def _size_columns(self) -> None:
        """The title takes the spare width; the other columns are as wide as their
        longest value, measured from the font (ResizeToContents would ask the model for
        up to 1,000 rows' data per column after every filter keystroke). Fixed, not
        Interactive: beside a stretched title, Qt shrinks interactive sections to their
        minimum in a narrow list ("202…-12"); these step aside whole (_fit_columns)."""
        header = self.view.horizontalHeader()
        if header.count() <= max(STATUS, SCHEMA, DATE, TITLE):
            return
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        metrics = self.view.fontMetrics()
        for column, sample in ((STATUS, "SEO"), (SCHEMA, "glossary"), (DATE, "2024-12-31")):
            self._widths[column] = metrics.horizontalAdvance(sample) + 16
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, self._widths[column])
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Keep most of a narrow list for the titles: the Type, then the Date column
        step aside while the title would get under 55 % of the width, and come back."""
        header = self.view.horizontalHeader()
        width = self.view.viewport().width()
        if width <= 0:
            return
        shown = [STATUS]
        for column in (DATE, SCHEMA):
            # Their own widths, not the sections': a hidden section measures 0, and one
            # shown again comes back at the minimum size unless it is given its width.
            need = sum(self._widths.get(c, header.sectionSize(c)) for c in (*shown, column))
            visible = width - need >= 0.55 * width
            if header.isSectionHidden(column) == visible:
                header.setSectionHidden(column, not visible)
                if visible and column in self._widths:
                    header.resizeSection(column, self._widths[column])
            if visible:
                shown.append(column)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            # Compared, not asked: no call into widgets that may be half torn down.
            if watched is getattr(self, "_viewport", None):
                self._fit_timer.start()
            return super().eventFilter(watched, event)
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key = event.key()
        if watched is self.search:
            if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
                self.view.setFocus(Qt.FocusReason.OtherFocusReason)
                if not self.view.currentIndex().isValid() and self.model.rowCount():
                    self.select(self.model.path_at(self.model.index(0, 0)))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.model.rowCount():
                first = self.model.path_at(self.model.index(0, 0))
                if first is not None:
                    self.select(first)
                    self.activated.emit(first)
                return True
            if key == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                return True
        elif watched is self.view:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                index = self.view.currentIndex()
                if index.isValid():
                    self._on_activated(index)
                return True
            if key == Qt.Key.Key_Up and self.view.currentIndex().row() <= 0:
                self.focus_search()
                return True
        return super().eventFilter(watched, event)

"""The bulk SEO check in the window: every finding of the corpus, filtered and exported.

A toolbar row (severity, rule, subject, schema, search, Export CSV…), a summary line and
the table. Double-click or Enter on a row asks the window to open that entry at that
field (:attr:`SeoReportView.open_requested`); the view never opens files itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from editor.content.errors import ContentError
from editor.ui import dialogs
from editor.ui.report.findings_rows import (
    ENTRY,
    FIELD,
    MESSAGE,
    R_FIELD,
    R_PATH,
    RULE,
    SCHEMA,
    SEVERITY,
    SUBJECT,
    PreparedRows,
    RecordLike,
    RowInput,
    write_csv,
)
from editor.ui.report.report_model import FindingsModel

ModelIndex = QModelIndex | QPersistentModelIndex

EMPTY_PASSES = "No findings — every entry passes the SEO rules"
EMPTY_INDEXING = "Indexing… findings appear as entries are checked"
EMPTY_FILTERED = "No findings match these filters"
EMPTY_BUILDING = "Gathering the findings of every entry…"
SEVERITY_CHOICES = (
    ("All severities", "info"),
    ("Errors and warnings", "warning"),
    ("Errors only", "error"),
)
NO_SUBJECT = "(no subject)"
# From this many findings on, the search box filters once typing pauses for
# SEARCH_DELAY_MS: a pass over ~140k findings (50k entries) takes 30-50 ms, which on
# every key would make typing stutter. Smaller reports filter on every key; clearing
# the box or pressing Enter filters at once.
SEARCH_DELAY_ROWS = 20_000
SEARCH_DELAY_MS = 150


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


class FindingsTable(QTableView):
    """The table; Enter or Return on the current row emits :attr:`row_activated`.

    Handled here rather than through ``activated``, which some styles emit on a single
    click and which double-click would emit a second time."""

    row_activated = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.row_activated.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


class SeoReportView(QWidget):
    """The SEO report; feed it with :meth:`set_records` and keep it current with
    :meth:`sync_records` or :meth:`replace_for_path` after saves."""

    open_requested = Signal(str, str)  # path relative to the content folder, dotted field
    # The report came on screen (its dock shown): ``report_feed`` makes the rows then.
    shown = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("SEO report")
        self.model = FindingsModel(self)
        self._indexing = True
        self._building = False  # the rows are being made (report_feed)
        self._rule_items: tuple[tuple[str, int], ...] | None = None
        self._subject_items: list[str] | None = None
        self._schema_items: list[str] | None = None

        self.severity_combo = self._combo("Minimum severity")
        for label, severity in SEVERITY_CHOICES:
            self.severity_combo.addItem(label, severity)
        self.rule_combo = self._combo("Rule")
        self.subject_combo = self._combo("Subject")
        self.schema_combo = self._combo("Schema")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search messages and entries")
        self.search.setAccessibleName("Search findings")
        self.search.setClearButtonEnabled(True)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setAccessibleName("Export the findings shown as CSV")
        self.summary = QLabel()
        self.summary.setAccessibleName("Findings summary")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.table = FindingsTable()
        self.table.setAccessibleName("SEO findings")
        self._setup_table()
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName("SEO report status")
        self.empty.setEnabled(False)  # drawn in the palette's disabled (muted) text colour
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for widget in (self.severity_combo, self.rule_combo, self.subject_combo,
                       self.schema_combo):  # fmt: skip
            bar.addWidget(widget)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.stack, 1)

        self.severity_combo.currentIndexChanged.connect(self._severity_chosen)
        self.rule_combo.currentIndexChanged.connect(self._rule_chosen)
        self.subject_combo.currentIndexChanged.connect(self._subject_chosen)
        self.schema_combo.currentIndexChanged.connect(self._schema_chosen)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(self._search_typed)
        self.search.returnPressed.connect(self._apply_search)
        self.export_button.clicked.connect(self.export_csv)
        self.table.doubleClicked.connect(self._open)
        self.table.row_activated.connect(self._open)
        self.model.summary_changed.connect(self._refresh)
        self.model.set_palette(self.palette())
        self._refresh()

    # -- feeding ------------------------------------------------------------------

    def set_rows(self, rows: Iterable[RowInput], *, complete: bool = True) -> None:
        """Every finding as ``(finding, title, subject, schema)``; ``complete=False``
        while indexing goes on (the empty state then says so)."""
        self._indexing = not complete
        self.model.set_rows(rows)

    def set_records(self, records: Iterable[RecordLike], *, complete: bool = True) -> None:
        """Every finding of the index (``CorpusIndex.records``)."""
        self._indexing, self._building = not complete, False
        self.model.set_records(records)

    def set_prepared(self, prepared: PreparedRows, *, complete: bool = True) -> None:
        """Rows made off the GUI thread by ``findings_rows.prepare_rows``."""
        self._indexing, self._building = not complete, False
        self.model.set_prepared(prepared)

    def replace_for_path(self, path: str, rows: Iterable[RowInput]) -> None:
        self.model.replace_for_path(path, rows)

    def sync_records(self, records: Iterable[RecordLike]) -> list[str]:
        """After ``CorpusIndex.update_paths``: update the entries whose findings changed."""
        return self.model.sync_records(records)

    def sync_changed(self, records: Iterable[RecordLike], removed: Iterable[str]) -> list[str]:
        """:meth:`sync_records` for only the entries an update touched (and the paths gone)."""
        return self.model.sync_changed(records, removed)

    def set_indexing(self, indexing: bool) -> None:
        self._indexing = indexing
        self._refresh()

    def set_building(self, building: bool) -> None:
        """The rows are being made (the report says so until they arrive)."""
        self._building = building
        self._refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.shown.emit()

    # -- export -------------------------------------------------------------------

    def export_csv(self) -> Path | None:
        """Write the rows shown (filtered, in display order) to a chosen CSV file."""
        if self._search_timer.isActive():
            self._apply_search()  # the rows the search box asks for, not the ones before
        chosen = self._ask_export_path()
        if not chosen:
            return None
        path = Path(chosen)
        if not path.suffix:
            path = path.with_suffix(".csv")
        try:
            write_csv(path, self.model.visible_rows())
        except ContentError as exc:
            dialogs.error(self, "Export failed", f"Could not write {path}: {exc.message}")
            return None
        return path

    def _ask_export_path(self) -> str:
        """The save dialog (its own method so tests can replace it)."""
        path, _ = QFileDialog.getSaveFileName(
            self, "Export SEO findings", "seo-findings.csv", "CSV files (*.csv)"
        )
        return path

    # -- internals ----------------------------------------------------------------

    @staticmethod
    def _combo(name: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.setToolTip(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        return combo

    def _setup_table(self) -> None:
        table = self.table
        table.setModel(self.model)
        table.setSortingEnabled(True)
        table.sortByColumn(SEVERITY, Qt.SortOrder.AscendingOrder)
        table.setAlternatingRowColors(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
        rows.setDefaultSectionSize(table.fontMetrics().height() + 6)
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(MESSAGE, QHeaderView.ResizeMode.Stretch)
        metrics = table.fontMetrics()
        char = metrics.averageCharWidth()
        table.setColumnWidth(SEVERITY, metrics.horizontalAdvance("Warning") + 40)  # + icon
        for column, chars in {RULE: 22, ENTRY: 24, FIELD: 20, SUBJECT: 16, SCHEMA: 10}.items():
            table.setColumnWidth(column, chars * char + 16)

    def table_row_height(self) -> int:
        return int(self.table.verticalHeader().defaultSectionSize())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.model.set_palette(self.palette())
        super().changeEvent(event)

    def _refresh(self) -> None:
        self._fill_choices()
        total = self.model.total()
        shown = self.model.visible_summary()
        if total == 0 and self._building and not self._indexing:
            self.summary.setText("Gathering findings…")
            self.empty.setText(EMPTY_BUILDING)
        elif total == 0:
            self.summary.setText("Indexing…" if self._indexing else "No findings")
            self.empty.setText(EMPTY_INDEXING if self._indexing else EMPTY_PASSES)
        else:
            found = (
                _plural(shown.findings, "finding")
                if shown.findings == total
                else f"{shown.findings:,} of {_plural(total, 'finding')}"
            )
            parts = [
                f"{found} in {_plural(shown.entries, 'entry', 'entries')}",
                _plural(shown.errors, "error"),
                _plural(shown.warnings, "warning"),
                f"{shown.infos:,} info",
            ]
            self.summary.setText(" · ".join(parts) + (" · indexing…" if self._indexing else ""))
            self.empty.setText(EMPTY_FILTERED)
        self.stack.setCurrentWidget(self.table if shown.findings else self.empty)
        self.export_button.setEnabled(shown.findings > 0)

    def _fill_choices(self) -> None:
        """Refill the rule, subject and schema combos when their items changed, keeping
        the current choice (kept even at a count of 0, so a save does not reset it)."""
        counts = self.model.rule_counts()
        current_rule = self.rule_combo.currentData() or ""
        if current_rule and current_rule not in counts:
            counts[current_rule] = 0
        rule_items = tuple(counts.items())
        if rule_items != self._rule_items:
            self._rule_items = rule_items
            items: list[tuple[str, str | None]] = [(f"All rules ({self.model.total():,})", "")]
            items += [(f"{rule} ({n:,})", rule) for rule, n in rule_items]
            _refill(self.rule_combo, items, current_rule)

        subjects = self.model.subjects()
        current_subject = self.subject_combo.currentData()
        if subjects != self._subject_items:
            self._subject_items = subjects
            if current_subject is not None:  # the most common spelling may have changed
                key = current_subject.casefold()
                current_subject = next((s for s in subjects if s.casefold() == key), None)
            items = [("All subjects", None), *((s or NO_SUBJECT, s) for s in subjects)]
            if not _refill(self.subject_combo, items, current_subject):
                self._subject_chosen()

        schemas = self.model.schemas()
        current_schema = self.schema_combo.currentData()
        if schemas != self._schema_items:
            self._schema_items = schemas
            items = [("All schemas", None), *((s or "(none)", s) for s in schemas)]
            if not _refill(self.schema_combo, items, current_schema):
                self._schema_chosen()

    def _search_typed(self, text: str) -> None:
        if text.strip() and self.model.total() >= SEARCH_DELAY_ROWS:
            self._search_timer.start()
        else:
            self._apply_search()

    def _apply_search(self) -> None:
        self._search_timer.stop()
        self.model.set_text(self.search.text())

    def _severity_chosen(self) -> None:
        self.model.set_min_severity(str(self.severity_combo.currentData() or "info"))

    def _rule_chosen(self) -> None:
        rule = self.rule_combo.currentData()
        self.model.set_rules([rule] if rule else None)

    def _subject_chosen(self) -> None:
        self.model.set_subject(self.subject_combo.currentData())

    def _schema_chosen(self) -> None:
        self.model.set_schema(self.schema_combo.currentData())

    def _open(self, index: ModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.open_requested.emit(row[R_PATH], row[R_FIELD])


def _refill(combo: QComboBox, items: Sequence[tuple[str, str | None]], current: str | None) -> bool:
    """Replace a combo's items without emitting a change, keeping ``current`` selected;
    False when it is gone (the first item, "All", is selected instead)."""
    combo.blockSignals(True)
    try:
        combo.clear()
        selected = -1
        for n, (label, value) in enumerate(items):
            combo.addItem(label, value)
            if value == current:
                selected = n
        combo.setCurrentIndex(max(selected, 0))
    finally:
        combo.blockSignals(False)
    return selected >= 0

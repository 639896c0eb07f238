"""Find and Replace across the glossary (Edit › Find and Replace…, Ctrl+Shift+H).

The editor types a pattern (a regular expression's error shows as they type), picks
the options and the scope, and previews: every match in context, a checkbox each and
per file, found off the GUI thread. Apply writes the checked matches as one batch
(:class:`BulkHistory`), which Edit › Undo Replace takes back in one step. Double-click
a match to open its entry at that field.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QModelIndex, QThreadPool, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from editor.content.bulk.batch import BatchError, Problem
from editor.content.bulk.pattern import FindOptions, PatternError, compile_find
from editor.content.bulk.replace import EntryMatches, Plan, Preview, plan
from editor.content.bulk.scope import BODY, Scope
from editor.content.errors import ContentError
from editor.content.index import CorpusIndex
from editor.ui import dialogs
from editor.ui.bulk.history import BulkHistory, Step
from editor.ui.bulk.match_delegate import MatchDelegate
from editor.ui.bulk.preview_job import PreviewRelay, PreviewRunner
from editor.ui.bulk.preview_model import PreviewModel
from editor.ui.bulk.preview_table import PreviewTable
from editor.ui.window.session import Session

__all__ = ["ALL_FIELDS", "ReplaceDialog"]

ALL_FIELDS = "All fields and the body"
ANY_SCHEMA = "Any schema"
COMMON_FIELDS = (
    "title",
    "seo.title",
    "seo.page_description",
    "seo.page_keywords",
    "faq.*.question",
    "faq.*.answer",
    "definition",
    "subject",
    "url",
    BODY,
)


class Host(Protocol):
    """What the dialog needs of the main window."""

    folder: Path | None
    session: Session
    pool: QThreadPool

    @property
    def index(self) -> CorpusIndex | None: ...
    def open_entry(self, path: Path, field: str | None = None) -> None: ...


class ReplaceDialog(QDialog):
    """Find, preview, tick, apply; one batch per apply."""

    applied = Signal()  # an apply ended: written, or refused with a message

    def __init__(
        self,
        host: Host,
        history: BulkHistory,
        selected: Callable[[], list[Path]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("replaceDialog")
        self.setWindowTitle("Find and Replace")
        self.host, self.history, self.selected = host, history, selected
        self.applying = False  # a batch is being planned or written on the pool
        self.runner = PreviewRunner(host.pool, self)
        self.preview: Preview | None = None
        self._searching = False  # the preview job has not finished
        self._updating = False
        self._summary_timer = QTimer(self, singleShot=True, interval=0)
        self._summary_timer.timeout.connect(self._update_summary)

        self.find_edit = QLineEdit(placeholderText="Text to find")
        self.replace_edit = QLineEdit(placeholderText="Replace with (\\1 or \\g<name> for groups)")
        self.regex = QCheckBox("Regular e&xpression")
        self.word = QCheckBox("&Whole words")
        self.case = QCheckBox("Match &case")
        self.error = QLabel()
        self.error.setObjectName("patternError")
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setWordWrap(True)
        self.fields = QComboBox(editable=True)
        self.fields.addItems([ALL_FIELDS, *COMMON_FIELDS])
        self.fields.setToolTip(
            "Dotted keys, comma-separated; * stands for any one part (faq.*.answer); "
            "body is the Markdown body"
        )
        self.schema = QComboBox()
        self.subject = QLineEdit(placeholderText="Any subject")
        self.only_selected = QCheckBox()
        self.find_button = QPushButton("&Preview")
        self.find_button.setDefault(True)
        self.model = PreviewModel(host.folder, self)
        self.tree = PreviewTable(self.model.gate)
        self.tree.setObjectName("replacePreview")
        self.tree.setModel(self.model)
        self.tree.setItemDelegateForColumn(1, MatchDelegate(self.tree))
        self.tree.setShowGrid(False)
        self.tree.setWordWrap(False)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.verticalHeader().hide()
        self.tree.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.tree.verticalHeader().setDefaultSectionSize(self.tree.fontMetrics().height() + 6)
        self.tree.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.horizontalHeader().resizeSection(0, 250)
        self.tree.horizontalHeader().setStretchLastSection(True)
        self.summary = QLabel("Type what to find, then Preview.")
        self.summary.setObjectName("replaceSummary")
        self.progress = QProgressBar(textVisible=False)
        self.progress.setMaximumHeight(14)
        self.progress.hide()
        buttons = QDialogButtonBox()
        self.apply_button = buttons.addButton(
            "&Replace Checked", QDialogButtonBox.ButtonRole.ApplyRole
        )
        self.apply_button.setEnabled(False)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.close)

        options = QHBoxLayout()
        for box in (self.regex, self.word, self.case):
            options.addWidget(box)
        options.addStretch(1)
        scope = QHBoxLayout()
        scope.addWidget(self.fields, 2)
        scope.addWidget(self.schema, 1)
        scope.addWidget(self.subject, 1)
        form = QFormLayout()
        form.addRow("&Find:", self.find_edit)
        form.addRow("Re&place:", self.replace_edit)
        form.addRow("", options)
        form.addRow("", self.error)
        form.addRow("Scope:", scope)
        form.addRow("", self.only_selected)
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.progress)
        row.addWidget(self.find_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.resize(900, 620)

        for edit in (self.find_edit, self.replace_edit, self.subject):
            edit.textChanged.connect(self._options_changed)
            edit.returnPressed.connect(self.start_preview)
        for box in (self.regex, self.word, self.case, self.only_selected):
            box.toggled.connect(self._options_changed)
        self.fields.currentTextChanged.connect(self._options_changed)
        self.schema.currentTextChanged.connect(self._options_changed)
        self.find_button.clicked.connect(self.start_preview)
        self.apply_button.clicked.connect(self.apply)
        self.model.dataChanged.connect(self._checks_changed)
        self.model.fed.connect(self._rows_in)
        self.tree.doubleClicked.connect(self._open_item)
        self.find_edit.setFocus()
        self.refresh_scope()
        self._options_changed()

    # -- options ------------------------------------------------------------------

    def refresh_scope(self) -> None:
        """Schemas of the folder and the count of selected entries, as they are now.

        The schemas are the window's (its session's registry, loaded with the folder):
        loading them again read the site's configuration and sampled its entries on the
        GUI thread each time the dialog opened, a 58-132 ms stall at 50k entries."""
        current = self.schema.currentText()
        self.schema.blockSignals(True)
        self.schema.clear()
        names = self.host.session.registry.names()
        self.schema.addItems([ANY_SCHEMA, *names])
        self.schema.setCurrentText(current or ANY_SCHEMA)
        self.schema.blockSignals(False)
        count = len(self.selected())
        self.only_selected.setText(f"Only the entries selected in the list ({count})")
        self.only_selected.setEnabled(count > 0)
        if not count:
            self.only_selected.setChecked(False)

    def options(self) -> FindOptions:
        return FindOptions(
            self.find_edit.text(),
            self.replace_edit.text(),
            regex=self.regex.isChecked(),
            word=self.word.isChecked(),
            case=self.case.isChecked(),
        )

    def scope(self) -> Scope:
        text = self.fields.currentText().strip()
        fields = () if text in ("", ALL_FIELDS) else tuple(
            part.strip() for part in text.split(",") if part.strip()
        )  # fmt: skip
        schema = self.schema.currentText()
        paths = None
        if self.only_selected.isChecked():
            paths = frozenset(self.selected())
        return Scope(
            fields=fields,
            schema=None if schema in ("", ANY_SCHEMA) else schema,
            subject=self.subject.text().strip() or None,
            paths=paths,
        )

    def _options_changed(self) -> None:
        """Check the pattern as it is typed; an earlier preview no longer applies."""
        message = ""
        if self.find_edit.text():
            try:
                compile_find(self.options())
                self.scope()
            except PatternError as exc:
                where = f" (at character {exc.column})" if exc.column else ""
                message = f"{exc.message[:1].upper()}{exc.message[1:]}{where}"
            except KeyError as exc:
                message = f"Field: {exc}"
        self.error.setText(message)
        self.error.setVisible(bool(message))
        self.find_button.setEnabled(bool(self.find_edit.text()) and not message)
        if self.preview is not None:
            self.runner.cancel()
            self.model.drop_pending()
            self._searching = False
            self.preview = None
            self.apply_button.setEnabled(False)
            self.progress.hide()
            self.summary.setText("The search changed: Preview again.")

    # -- preview ------------------------------------------------------------------

    def start_preview(self) -> None:
        if not self.find_button.isEnabled() or self.host.folder is None:
            return
        options, scope = self.options(), self.scope()
        docs = {o.path: (dict(o.data), o.body) for o in self.host.session.dirty_entries()}
        self._drop_preview()
        self.preview = Preview(options)
        self._searching = True
        self.apply_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.summary.setText("Searching…")

        def connect(relay: PreviewRelay) -> None:
            relay.found.connect(self._add_found)
            relay.progress.connect(self._on_progress)
            relay.finished.connect(self._on_finished)
            relay.failed.connect(self._on_failed)

        self.runner.start(
            self.host.folder, options, scope, self.host.index, docs, connect, self.model.gate
        )

    def _add_found(self, found: list[EntryMatches]) -> None:
        if self.preview is None:
            return
        self.preview.entries.extend(found)
        self.model.queue(found)  # a slice per event-loop turn: see the model

    def _rows_in(self) -> None:
        """A slice of results is in the table: count it, and end the preview when the
        job has finished and nothing is left to put in."""
        if self.preview is None:
            return
        if not self._searching and not self.model.pending:
            self.progress.hide()
        self._update_summary()

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _on_finished(self, skipped: list[Problem]) -> None:
        if self.preview is None:
            return
        self.preview.skipped = skipped
        self._searching = False
        self._rows_in()

    def _on_failed(self, message: str) -> None:
        self._searching = False
        self.model.drop_pending()
        self.progress.hide()
        self.summary.setText(f"The search failed: {message}")

    def _checks_changed(self) -> None:
        self._summary_timer.start()  # once after a file's boxes all changed

    def _update_summary(self) -> None:
        if self.preview is None:
            return
        checked, files = self.model.checked, self.model.files
        # the model's running counts: summing the preview's 26k entries at each batch of
        # results cost the GUI thread ~80 ms a preview
        total, skipped = self.model.total, len(self.preview.skipped)
        text = f"{checked} of {total} matches checked, in {files} of "
        text += f"{len(self.model.entries)} files"
        if not total:
            text = "No matches."
        if skipped:
            text += f" ({skipped} files skipped: they do not parse or are read-only)"
            self.summary.setToolTip("\n".join(map(str, self.preview.skipped[:30])))
        self.summary.setText(text)
        self.apply_button.setEnabled(checked > 0 and self.progress.isHidden())

    def checked_count(self) -> tuple[int, int]:
        """Checked matches and the files they are in."""
        return self.model.checked, self.model.files

    def selection(self) -> dict[Path, list[int]]:
        """The checked matches by file (positions in each entry's list of matches)."""
        return self.model.selection()

    # -- apply --------------------------------------------------------------------

    def apply(self) -> None:
        """Plan and write the checked matches on the thread pool (1,000 files froze the
        window for seconds on the GUI thread); the dialog waits, disabled, and
        :attr:`applied` is emitted once the batch is written or refused."""
        preview = self.preview
        history = self.history
        if preview is None or self.applying or history.busy:
            return
        label = preview.options.describe()
        selection = self.selection()

        def planned(changes: Plan) -> None:  # on the GUI thread, between the two jobs
            history.apply(changes, label, lambda step: written(changes, step), failed)

        def written(changes: Plan, step: Step) -> None:
            self._applied_done()
            self._drop_preview()
            self.apply_button.setEnabled(False)
            self.summary.setText(
                f"Replaced {changes.match_count} matches in {step.size} entries. "
                f"Edit › {UNDO_TEXT} takes it back."
            )
            self.applied.emit()

        def failed(exc: BaseException) -> None:
            self._applied_done()
            self.applied.emit()
            if isinstance(exc, BatchError):
                dialogs.error(self, "Nothing was replaced", batch_message(exc))
            elif isinstance(exc, ContentError):
                dialogs.error(self, "Nothing was replaced", str(exc))
            else:
                raise exc

        self.applying = True
        self.setEnabled(False)
        self.summary.setText("Writing the changes…")
        # the plan reads the open entries' edits: the window's edits wait from here
        history.jobs.run(lambda: plan(preview, selection), planned, failed)

    def _applied_done(self) -> None:
        self.applying = False
        self.setEnabled(True)

    def _clear_tree(self) -> None:
        self.model.clear()

    def _drop_preview(self) -> None:
        """Forget the preview (applied, or replaced by a new one). Its objects (26k
        entries' matches, data and bytes) are freed on the pool, a slice at a time:
        freeing them here stalled the window ~150 ms, and in one call on the pool it
        held the GIL, and so the window, as long."""
        garbage: list[list[Any]] = [self.model.entries]
        if self.preview is not None:
            garbage.append(self.preview.entries)
        self._clear_tree()
        self.preview = None
        if any(garbage):
            self.history.jobs.run(lambda: free_in_slices(garbage), _ignore, _ignore, lock=False)

    def _open_item(self, index: QModelIndex) -> None:
        found = self.model.match_at(index)
        if found is None:
            return
        entry, position = found
        field = None
        if position is not None:
            match = entry.matches[position]
            field = None if match.in_body else match.field
        self.host.open_entry(entry.path, field)

    def closeEvent(self, event: object) -> None:
        self.runner.cancel()
        super().closeEvent(event)  # type: ignore[arg-type]


UNDO_TEXT = "Undo Replace"


def _ignore(_result: object) -> None:
    """A job's result or exception nobody waits for."""


FREE_SLICE = 2000  # entries freed at a time (~1 ms): the GIL can change hands between


def free_in_slices(lists: list[list[Any]]) -> None:
    """Empty each list from its end, :data:`FREE_SLICE` items at a time, so that the
    objects only they hold are freed in short steps rather than in one long C call."""
    for items in lists:
        while items:
            del items[-FREE_SLICE:]


def batch_message(exc: BatchError) -> str:
    """A batch error for a message box: the summary, then each file and why."""
    listed = "\n".join(f"• {p}" for p in exc.problems[:15])
    more = f"\n… and {len(exc.problems) - 15} more" if len(exc.problems) > 15 else ""
    return f"{exc.summary[:1].upper()}{exc.summary[1:]}.\n\n{listed}{more}"


SHORTCUT = QKeySequence("Ctrl+Shift+H")

"""The git dialogs: Review, Commit, Conflicts and History.

Each only shows data gathered off the GUI thread (:mod:`editor.content.git_changes`)
and reports what the editor chose through signals; the panel (:mod:`panel`) does the
work. They are non-modal, so the window stays usable and tests drive them directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from editor.content.field_diff import FieldChange
from editor.content.git_changes import ConflictItem, EntryChange, HistoryItem
from editor.content.merge import BODY, MISSING, FieldConflict

STATUS_WORDS = {
    "modified": "Modified",
    "added": "Added",
    "untracked": "New",
    "deleted": "Deleted",
    "conflicted": "Conflicted",
    "upstream": "Changed upstream",
}


def _shown(value: Any) -> str:
    if value is MISSING:
        return "(absent)"
    return value if isinstance(value, str) else repr(value)


def _change_tree(parent: QWidget | None = None) -> QTreeWidget:
    tree = QTreeWidget(parent)
    tree.setColumnCount(3)
    tree.setHeaderLabels(["Field", "Before", "After"])
    tree.setRootIsDecorated(False)
    tree.setAlternatingRowColors(True)
    tree.setWordWrap(True)
    return tree


def _fill_changes(tree: QTreeWidget, changes: Sequence[FieldChange], error: str | None) -> None:
    tree.clear()
    if error:
        QTreeWidgetItem(tree, ["(cannot compare fields)", error, ""])
    for change in changes:
        if change.kind == "moved":
            before, after = f"position {change.moved_from}", "moved here"
        else:
            before, after = _shown(change.old), _shown(change.new)
        item = QTreeWidgetItem(tree, [change.key, before[:300], after[:300]])
        item.setData(0, Qt.ItemDataRole.UserRole, change.key)
        item.setToolTip(1, before[:2000])
        item.setToolTip(2, after[:2000])
    for column in range(3):
        tree.resizeColumnToContents(column)


def _entry_label(entry: EntryChange) -> str:
    return f"{STATUS_WORDS.get(entry.kind, entry.kind)}: {entry.rel}"


def _select_key(tree: QTreeWidget, key: str) -> None:
    """Make the row of field *key* current (the dialogs' tests and the panel pick fields)."""
    for n in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(n)
        if item is not None and item.data(0, Qt.ItemDataRole.UserRole) == key:
            tree.setCurrentItem(item)


def _list_detail_layout(
    dialog: QDialog,
    left: QWidget,
    right: QWidget,
    sizes: list[int],
    buttons: Sequence[QPushButton],
    *,
    header: QWidget | None = None,
) -> None:
    """Lay out the shape the Review, Conflicts and History dialogs share.

    A list beside its detail in a splitter, then the dialog's buttons and Close;
    *header* (if any) goes above the splitter.
    """
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    close = QPushButton("Close")
    close.clicked.connect(dialog.close)
    row.addWidget(close)
    splitter = QSplitter()
    splitter.addWidget(left)
    splitter.addWidget(right)
    splitter.setSizes(sizes)
    layout = QVBoxLayout(dialog)
    if header is not None:
        layout.addWidget(header)
    layout.addWidget(splitter, 1)
    layout.addLayout(row)


class ReviewDialog(QDialog):
    """Every changed entry against HEAD, field by field; discard a field or an entry."""

    discard_entry = Signal(str)  # rel
    discard_field = Signal(str, str)  # rel, key
    raw_diff = Signal(str, str)  # title, diff

    def __init__(self, entries: Sequence[EntryChange], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Review changes")
        self.resize(1000, 600)
        self.entries = list(entries)
        self.entry_list = QListWidget()
        for entry in self.entries:
            item = QListWidgetItem(_entry_label(entry))
            self.entry_list.addItem(item)
        self.tree = _change_tree()
        self.raw_button = QPushButton("Raw Diff…")
        self.field_button = QPushButton("Discard Field")
        self.entry_button = QPushButton("Discard Entry…")
        _list_detail_layout(
            self,
            self.entry_list,
            self.tree,
            [300, 700],
            (self.raw_button, self.field_button, self.entry_button),
        )
        self.entry_list.currentRowChanged.connect(self._show)
        self.raw_button.clicked.connect(self._raw)
        self.field_button.clicked.connect(self._discard_field)
        self.entry_button.clicked.connect(self._discard_entry)
        if self.entries:
            self.entry_list.setCurrentRow(0)
        self._update_buttons()

    def current(self) -> EntryChange | None:
        row = self.entry_list.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def select(self, rel: str) -> None:
        for row, entry in enumerate(self.entries):
            if entry.rel == rel:
                self.entry_list.setCurrentRow(row)

    def select_field(self, key: str) -> None:
        _select_key(self.tree, key)

    def _show(self, _row: int) -> None:
        entry = self.current()
        _fill_changes(self.tree, entry.changes if entry else [], entry.error if entry else None)
        self._update_buttons()

    def _update_buttons(self) -> None:
        entry = self.current()
        self.raw_button.setEnabled(entry is not None)
        self.entry_button.setEnabled(entry is not None)
        self.field_button.setEnabled(
            entry is not None and entry.head_text is not None and entry.work_text is not None
        )

    def _raw(self) -> None:
        entry = self.current()
        if entry is not None:
            self.raw_diff.emit(f"{entry.rel}: HEAD → working copy", entry.raw_diff)

    def _discard_field(self) -> None:
        entry, item = self.current(), self.tree.currentItem()
        if entry is not None and item is not None:
            key = item.data(0, Qt.ItemDataRole.UserRole)
            if key:
                self.discard_field.emit(entry.rel, key)

    def _discard_entry(self) -> None:
        entry = self.current()
        if entry is not None:
            self.discard_entry.emit(entry.rel)


class CommitDialog(QDialog):
    """Pick the entries to commit (every saved change by default) and write a message."""

    def __init__(
        self,
        entries: Sequence[EntryChange],
        message: str,
        author: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Commit")
        self.resize(640, 520)
        self.entries = list(entries)
        self.entry_list = QListWidget()
        for entry in self.entries:
            item = QListWidgetItem(_entry_label(entry))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.entry_list.addItem(item)
        self.message = QPlainTextEdit(message)
        self.message.setAccessibleName("Commit message")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Commit")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Entries to commit:"))
        layout.addWidget(self.entry_list, 1)
        layout.addWidget(QLabel("Message:"))
        layout.addWidget(self.message)
        layout.addWidget(QLabel(f"Author: {author}"))
        layout.addWidget(self.buttons)
        self.entry_list.itemChanged.connect(self._update_ok)
        self.message.textChanged.connect(self._update_ok)
        self._update_ok()

    def chosen(self) -> list[str]:
        return [
            entry.rel
            for n, entry in enumerate(self.entries)
            if (item := self.entry_list.item(n)) is not None
            and item.checkState() == Qt.CheckState.Checked
        ]

    def set_checked(self, rel: str, checked: bool) -> None:
        for n, entry in enumerate(self.entries):
            item = self.entry_list.item(n)
            if entry.rel == rel and item is not None:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def text(self) -> str:
        return self.message.toPlainText().strip()

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.chosen()) and bool(self.text()))

    def _accept(self) -> None:
        if self.chosen() and self.text():
            self.accept()


MINE, THEIRS, EDIT = "mine", "theirs", "edit"


class _ConflictRow:
    """Mine / theirs / edit for one field."""

    def __init__(self, conflict: FieldConflict, grid: QGridLayout, row: int) -> None:
        self.conflict = conflict
        grid.addWidget(QLabel(f"<b>{conflict.key}</b>"), row, 0, 1, 3)
        self.mine = QRadioButton(f"Mine: {_shown(conflict.ours)[:200]}")
        self.theirs = QRadioButton(f"Theirs: {_shown(conflict.theirs)[:200]}")
        self.edit = QRadioButton("Edit:")
        self.group = QButtonGroup(grid.parentWidget())
        for button in (self.mine, self.theirs, self.edit):
            self.group.addButton(button)
        self.mine.setChecked(True)
        start = conflict.merged_text if conflict.key == BODY else conflict.ours
        self.text = QPlainTextEdit(_shown(start) if start is not MISSING else "")
        self.text.setMaximumHeight(80)
        self.text.setEnabled(False)
        self.edit.toggled.connect(self.text.setEnabled)
        grid.addWidget(self.mine, row + 1, 0, 1, 3)
        grid.addWidget(self.theirs, row + 2, 0, 1, 3)
        grid.addWidget(self.edit, row + 3, 0)
        grid.addWidget(self.text, row + 3, 1, 1, 2)

    def choose(self, which: str, text: str | None = None) -> None:
        {MINE: self.mine, THEIRS: self.theirs, EDIT: self.edit}[which].setChecked(True)
        if text is not None:
            self.text.setPlainText(text)

    def value(self) -> Any:
        if self.mine.isChecked():
            return self.conflict.ours
        if self.theirs.isChecked():
            return self.conflict.theirs
        return self.text.toPlainText()


class ConflictDialog(QDialog):
    """The conflicted entries, each merged by field; the editor picks each field's value."""

    resolved = Signal(str, dict)  # rel, {key: value}
    take_whole = Signal(str, str)  # rel, "mine" | "theirs" (for entries with no field merge)

    def __init__(self, items: Sequence[ConflictItem], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Resolve conflicts")
        self.resize(900, 600)
        self.items = list(items)
        self.entry_list = QListWidget()
        for item in self.items:
            self.entry_list.addItem(item.rel)
        self.area = QScrollArea(widgetResizable=True)
        self.rows: list[_ConflictRow] = []
        self.resolve_button = QPushButton("Resolve Entry")
        self.mine_button = QPushButton("Take Mine Whole")
        self.theirs_button = QPushButton("Take Theirs Whole")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        _list_detail_layout(
            self,
            self.entry_list,
            self.area,
            [250, 650],
            (self.resolve_button, self.mine_button, self.theirs_button),
            header=self.summary,
        )
        self.entry_list.currentRowChanged.connect(self._show)
        self.resolve_button.clicked.connect(self._resolve)
        self.mine_button.clicked.connect(lambda: self._whole(MINE))
        self.theirs_button.clicked.connect(lambda: self._whole(THEIRS))
        if self.items:
            self.entry_list.setCurrentRow(0)

    def current(self) -> ConflictItem | None:
        row = self.entry_list.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _show(self, _row: int) -> None:
        item = self.current()
        page = QWidget()
        grid = QGridLayout(page)
        self.rows = []
        if item is None:
            self.summary.setText("No conflicts left.")
        elif item.result is None:
            self.summary.setText(f"{item.rel}: {item.error}. Take one side whole.")
        else:
            count = len(item.result.conflicts)
            self.summary.setText(
                f"{item.rel}: every other change merged; {count} field"
                f"{'s' * (count != 1)} changed on both sides."
            )
            for n, conflict in enumerate(item.result.conflicts):
                self.rows.append(_ConflictRow(conflict, grid, n * 4))
        grid.setRowStretch(len(self.rows) * 4, 1)
        self.area.setWidget(page)
        self.resolve_button.setEnabled(item is not None and item.result is not None)

    def choose(self, key: str, which: str, text: str | None = None) -> None:
        for row in self.rows:
            if row.conflict.key == key:
                row.choose(which, text)

    def _resolve(self) -> None:
        item = self.current()
        if item is not None and item.result is not None:
            self.resolved.emit(item.rel, {row.conflict.key: row.value() for row in self.rows})

    def _whole(self, which: str) -> None:
        item = self.current()
        if item is not None:
            self.take_whole.emit(item.rel, which)

    def remove(self, rel: str) -> None:
        for n, item in enumerate(self.items):
            if item.rel == rel:
                del self.items[n]
                self.entry_list.takeItem(n)
                break
        self._show(self.entry_list.currentRow())


class HistoryDialog(QDialog):
    """The commits that touched an entry, each field by field; restore a field or all."""

    restore_field = Signal(int, str)  # commit row, key
    restore_entry = Signal(int)  # commit row

    def __init__(self, rel: str, items: Sequence[HistoryItem], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"History of {rel}")
        self.resize(1000, 600)
        self.rel = rel
        self.items = list(items)
        self.commit_list = QListWidget()
        for item in self.items:
            c = item.commit
            self.commit_list.addItem(f"{c.date[:10]}  {c.author}: {c.subject}  ({c.sha[:7]})")
        self.tree = _change_tree()
        self.field_button = QPushButton("Restore Field")
        self.entry_button = QPushButton("Restore Entry…")
        self.field_button.setToolTip("Set the selected field as it was after this commit")
        self.entry_button.setToolTip("Put the whole entry back as it was after this commit")
        _list_detail_layout(
            self, self.commit_list, self.tree, [380, 620], (self.field_button, self.entry_button)
        )
        self.commit_list.currentRowChanged.connect(self._show)
        self.field_button.clicked.connect(self._restore_field)
        self.entry_button.clicked.connect(self._restore_entry)
        if self.items:
            self.commit_list.setCurrentRow(0)

    def _show(self, row: int) -> None:
        item = self.items[row] if 0 <= row < len(self.items) else None
        _fill_changes(self.tree, item.changes if item else [], item.error if item else None)
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)

    def select_field(self, key: str) -> None:
        _select_key(self.tree, key)

    def _restore_field(self) -> None:
        item = self.tree.currentItem()
        key = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        if key:
            self.restore_field.emit(self.commit_list.currentRow(), key)

    def _restore_entry(self) -> None:
        if self.commit_list.currentRow() >= 0:
            self.restore_entry.emit(self.commit_list.currentRow())

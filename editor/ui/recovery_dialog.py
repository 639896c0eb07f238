"""Offer back the unsaved work a crash left in the journal.

Shown at start when :meth:`Journal.pending` is not empty: the entries with unsaved
work (file name, when it was journaled, whether the file changed on disk since), and
for the selected one the unified diff a save of the journaled version would write to
the file as it is now. Each entry is restored or discarded; entries left undecided
(the dialog closed) stay in the journal and are offered again at the next start.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from editor.content.document import load_entry, save_diff
from editor.content.errors import ContentError
from editor.content.journal import Journal, JournalItem

Choice = Literal["restore", "discard"]
KeyOrderFor = Callable[[Mapping[str, Any]], Sequence[str]]

STALE_NOTE = "changed on disk since"


def describe_item(
    journal: Journal, item: JournalItem, key_order_for: KeyOrderFor | None = None
) -> str:
    """What restoring ``item`` would change in the file as it is on disk now."""
    notes: list[str] = []
    if journal.is_stale(item):
        notes.append(
            f"⚠ The file {STALE_NOTE} this work was journaled: another program changed "
            "or removed it. Restoring opens the work as a conflict; review it before saving.\n"
        )
    try:
        entry = load_entry(item.path)
    except ContentError as exc:
        notes.append(f"The file on disk cannot be opened: {exc}\n\nThe journaled version:\n")
        notes.append(_as_yaml(item))
        return "\n".join(notes)
    key_order = key_order_for(item.data) if key_order_for is not None else ()
    try:
        diff = save_diff(entry, item.data, item.body, key_order)
    except ContentError as exc:
        notes.append(f"Cannot show the differences: {exc}\n\nThe journaled version:\n")
        notes.append(_as_yaml(item))
        return "\n".join(notes)
    notes.append(diff or "The journaled version is the same as the file on disk.")
    return "\n".join(notes)


def _as_yaml(item: JournalItem) -> str:
    try:
        front = yaml.safe_dump(item.data, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        front = repr(item.data)
    return f"---\n{front}---\n{item.body}"


class RecoveryDialog(QDialog):
    """Restore / Discard per entry, Restore All / Discard All; read the result after exec()."""

    def __init__(
        self,
        journal: Journal,
        items: Sequence[JournalItem] | None = None,
        *,
        key_order_for: KeyOrderFor | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Recover unsaved work")
        self._journal = journal
        self._items = list(items if items is not None else journal.pending())
        self._key_order_for = key_order_for
        self._choices: dict[Path, Choice] = {}
        self._stale = {item.path: journal.is_stale(item) for item in self._items}
        self._diffs: dict[Path, str] = {}

        intro = QLabel(
            "The editor closed before this work was saved. Restore it to keep editing "
            "(it is not written to the files until you save), or discard it."
        )
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("recoveryList")
        for item in self._items:
            row = QListWidgetItem()
            row.setData(Qt.ItemDataRole.UserRole, str(item.path))
            row.setToolTip(str(item.path))
            self.list.addItem(row)
            self._refresh_row(self.list.count() - 1)
        self.diff_view = QPlainTextEdit()
        self.diff_view.setObjectName("recoveryDiff")
        self.diff_view.setReadOnly(True)
        self.diff_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.diff_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))

        self.restore_button = QPushButton("&Restore")
        self.discard_button = QPushButton("&Discard")
        self.restore_all_button = QPushButton("Restore &All")
        self.discard_all_button = QPushButton("Discard A&ll")
        self.later_button = QPushButton("Decide &Later")
        self.restore_button.setDefault(True)
        self.restore_button.clicked.connect(lambda: self._decide_current("restore"))
        self.discard_button.clicked.connect(lambda: self._decide_current("discard"))
        self.restore_all_button.clicked.connect(lambda: self._decide_rest("restore"))
        self.discard_all_button.clicked.connect(lambda: self._decide_rest("discard"))
        self.later_button.clicked.connect(self.reject)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.list)
        splitter.addWidget(self.diff_view)
        splitter.setStretchFactor(1, 3)
        buttons = QHBoxLayout()
        for button in (self.restore_button, self.discard_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.restore_all_button, self.discard_all_button, self.later_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        self.resize(900, 520)

        self.list.currentRowChanged.connect(self._show_diff)
        if self._items:
            self.list.setCurrentRow(0)

    # -- results

    def choices(self) -> dict[Path, Choice]:
        """What was decided, per content file (undecided entries are absent)."""
        return dict(self._choices)

    def to_restore(self) -> list[JournalItem]:
        return [i for i in self._items if self._choices.get(i.path) == "restore"]

    def to_discard(self) -> list[JournalItem]:
        return [i for i in self._items if self._choices.get(i.path) == "discard"]

    def is_stale(self, item: JournalItem) -> bool:
        return self._stale[item.path]

    # -- internals

    def _refresh_row(self, row: int) -> None:
        item = self._items[row]
        text = f"{item.path.name} — {item.saved_at.astimezone():%Y-%m-%d %H:%M}"
        if self._stale[item.path]:
            text += f" — {STALE_NOTE}"
        choice = self._choices.get(item.path)
        if choice is not None:
            text += " — will restore" if choice == "restore" else " — will discard"
        self.list.item(row).setText(text)

    def _show_diff(self, row: int) -> None:
        if not 0 <= row < len(self._items):
            self.diff_view.clear()
            return
        item = self._items[row]
        if item.path not in self._diffs:
            self._diffs[item.path] = describe_item(self._journal, item, self._key_order_for)
        self.diff_view.setPlainText(self._diffs[item.path])

    def _decide_current(self, choice: Choice) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self._items):
            return
        self._choices[self._items[row].path] = choice
        self._refresh_row(row)
        undecided = [i for i, it in enumerate(self._items) if it.path not in self._choices]
        if not undecided:
            self.accept()
            return
        after = [i for i in undecided if i > row]
        self.list.setCurrentRow(after[0] if after else undecided[0])

    def _decide_rest(self, choice: Choice) -> None:
        for row, item in enumerate(self._items):
            if item.path not in self._choices:
                self._choices[item.path] = choice
                self._refresh_row(row)
        self.accept()


def recover(
    journal: Journal,
    parent: QWidget | None = None,
    *,
    key_order_for: KeyOrderFor | None = None,
) -> list[JournalItem]:
    """At start: ask about pending work, forget what was discarded, return what to restore.

    Restored items stay journaled until the window saves or reverts them.
    """
    items = journal.pending()
    if not items:
        return []
    dialog = RecoveryDialog(journal, items, key_order_for=key_order_for, parent=parent)
    dialog.exec()
    for item in dialog.to_discard():
        journal.discard(item.path)
    return dialog.to_restore()

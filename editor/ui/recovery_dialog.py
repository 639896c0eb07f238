"""Offer back the unsaved work a crash left in the journal.

Shown at start when :meth:`Journal.pending` is not empty: the entries with unsaved
work (file name, when it was journaled, whether the file changed on disk since), and
for the selected one the unified diff a save of the journaled version would write to
the file as it is now. Each entry is restored or discarded; entries left undecided
(the dialog closed) stay in the journal and are offered again at the next start.

Work whose file was deleted since (or is no regular file any more) cannot be restored
in place, and offering it at every start would be a dead end: it is marked, and
"Save As…" writes it to a file the user picks in a native save dialog (through
:mod:`editor.ui.dialogs`, suggested at its old path), or it is discarded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from editor.content.atomic import atomic_write
from editor.content.document import load_entry, save_diff
from editor.content.errors import ContentError
from editor.content.journal import Journal, JournalItem, journaled_bytes
from editor.ui import dialogs
from editor.ui.diff_dialog import DiffView

Choice = Literal["restore", "discard", "saved"]
KeyOrderFor = Callable[[Mapping[str, Any]], Sequence[str]]

STALE_NOTE = "changed on disk since"
MISSING_NOTE = "file deleted: save it elsewhere or discard"
SAVE_FILTERS = "Markdown files (*.md);;All files (*)"


def describe_item(
    journal: Journal, item: JournalItem, key_order_for: KeyOrderFor | None = None
) -> str:
    """What restoring ``item`` would change in the file as it is on disk now."""
    notes: list[str] = []
    if journal.is_missing(item):
        notes.append(
            "⚠ The file was deleted (or replaced by something that is not a file) since "
            "this work was journaled, so it cannot be restored in place. Save it "
            "elsewhere with Save As…, or discard it.\n\nThe journaled version:\n"
        )
        notes.append(_as_yaml(item))
        return "\n".join(notes)
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
        self._missing = {item.path: journal.is_missing(item) for item in self._items}
        self._saved_to: dict[Path, Path] = {}
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
        self.diff_view = DiffView()  # wraps, changed words marked (diff_dialog.py)
        self.diff_view.setObjectName("recoveryDiff")

        self.restore_button = QPushButton("&Restore")
        self.save_as_button = QPushButton("&Save As…")
        self.save_as_button.setToolTip("Write this work to a file you choose")
        self.discard_button = QPushButton("&Discard")
        self.restore_all_button = QPushButton("Restore &All")
        self.discard_all_button = QPushButton("Discard A&ll")
        self.later_button = QPushButton("Decide &Later")
        self.restore_button.setDefault(True)
        self.restore_button.clicked.connect(lambda: self._decide_current("restore"))
        self.discard_button.clicked.connect(lambda: self._decide_current("discard"))
        self.save_as_button.clicked.connect(self._save_current_as)
        self.restore_all_button.clicked.connect(lambda: self._decide_rest("restore"))
        self.discard_all_button.clicked.connect(lambda: self._decide_rest("discard"))
        self.later_button.clicked.connect(self.reject)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.list)
        splitter.addWidget(self.diff_view)
        splitter.setStretchFactor(1, 3)
        buttons = QHBoxLayout()
        for button in (self.restore_button, self.save_as_button, self.discard_button):
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

    def saved(self) -> dict[Path, Path]:
        """The work written elsewhere: content file -> where it was saved."""
        return dict(self._saved_to)

    def is_stale(self, item: JournalItem) -> bool:
        return self._stale[item.path]

    def is_missing(self, item: JournalItem) -> bool:
        return self._missing[item.path]

    # -- internals

    def _refresh_row(self, row: int) -> None:
        item = self._items[row]
        text = f"{item.path.name} — {item.saved_at.astimezone():%Y-%m-%d %H:%M}"
        if self._missing[item.path]:
            text += f" — {MISSING_NOTE}"
        elif self._stale[item.path]:
            text += f" — {STALE_NOTE}"
        choice = self._choices.get(item.path)
        if choice == "saved":
            text += f" — saved as {self._saved_to[item.path].name}"
        elif choice is not None:
            text += " — will restore" if choice == "restore" else " — will discard"
        self.list.item(row).setText(text)

    def _show_diff(self, row: int) -> None:
        if not 0 <= row < len(self._items):
            self.diff_view.clear()
            return
        item = self._items[row]
        missing = self._missing[item.path]
        self.restore_button.setEnabled(not missing)
        (self.save_as_button if missing else self.restore_button).setDefault(True)
        if item.path not in self._diffs:
            self._diffs[item.path] = describe_item(self._journal, item, self._key_order_for)
        self.diff_view.set_diff(self._diffs[item.path])

    def _decide_current(self, choice: Choice) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self._items):
            return
        if choice == "restore" and self._missing[self._items[row].path]:
            return  # nothing to restore into: Save As… or Discard
        self._choices[self._items[row].path] = choice
        self._refresh_row(row)
        self._next_undecided(after=row)

    def _next_undecided(self, after: int) -> None:
        """Select the next entry still to decide, or close when none is left."""
        undecided = [i for i, it in enumerate(self._items) if it.path not in self._choices]
        if not undecided:
            self.accept()
            return
        later = [i for i in undecided if i > after]
        self.list.setCurrentRow(later[0] if later else undecided[0])

    def _decide_rest(self, choice: Choice) -> None:
        """Decide every undecided entry; Restore All leaves deleted files' work to decide."""
        for row, item in enumerate(self._items):
            if item.path in self._choices:
                continue
            if choice == "restore" and self._missing[item.path]:
                continue
            self._choices[item.path] = choice
            self._refresh_row(row)
        self._next_undecided(after=-1)

    def _save_current_as(self) -> None:
        """Write the selected work to a file the user picks; it is then forgotten."""
        row = self.list.currentRow()
        if not 0 <= row < len(self._items):
            return
        item = self._items[row]
        target = dialogs.save_file(self, "Save the unsaved work as", item.path, SAVE_FILTERS)
        if target is None:
            return
        key_order = self._key_order_for(item.data) if self._key_order_for is not None else ()
        try:
            atomic_write(target, journaled_bytes(item, key_order))
        except (ContentError, OSError) as exc:
            dialogs.error(self, "Cannot save the work", f"{exc}\n\nThe work stays in the journal.")
            return
        self._saved_to[item.path] = target
        self._choices[item.path] = "saved"
        self._refresh_row(row)
        self._next_undecided(after=row)


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
    for path, choice in dialog.choices().items():
        if choice in ("discard", "saved"):
            journal.discard(path)
    return dialog.to_restore()

"""The one place that shows message boxes.

Every error, confirmation, save prompt, choice, save-as location, diff and the recovery
offer of the window goes through these functions (called as ``dialogs.error(...)``,
never imported by name), so tests replace them in one fixture and an unexpected dialog
fails the test instead of blocking it. Each message is logged too, so a headless run still tells
what happened.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from editor.content.journal import Journal, JournalItem
from editor.ui import recovery_dialog
from editor.ui.diff_dialog import DiffDialog

log = logging.getLogger(__name__)

SaveAnswer = Literal["save", "discard", "cancel"]


def error(parent: QWidget | None, title: str, text: str) -> None:
    """Tell the user something failed and what was kept as it was."""
    log.error("%s: %s", title, text)
    QMessageBox.critical(parent, title, text)


def info(parent: QWidget | None, title: str, text: str) -> None:
    log.info("%s: %s", title, text)
    QMessageBox.information(parent, title, text)


def confirm(parent: QWidget | None, title: str, text: str, *, action: str = "OK") -> bool:
    """Ask before something that cannot be undone; the safe answer is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    ok = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is ok


def ask_save(parent: QWidget | None, names: list[str]) -> SaveAnswer:
    """Save / Discard / Cancel for unsaved entries (Save All when there are several)."""
    if len(names) == 1:
        text = f"“{names[0]}” has unsaved changes. Save them?"
        save_label = "Save"
    else:
        listed = "\n".join(f"• {name}" for name in names[:10])
        more = f"\n… and {len(names) - 10} more" if len(names) > 10 else ""
        text = f"{len(names)} entries have unsaved changes:\n{listed}{more}\n\nSave them?"
        save_label = "Save All"
    box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes", text, parent=parent)
    save = box.addButton(save_label, QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton(QMessageBox.StandardButton.Discard)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    if clicked is save:
        return "save"
    if clicked is discard:
        return "discard"
    return "cancel"


def choose(
    parent: QWidget | None,
    title: str,
    text: str,
    choices: Sequence[str],
    *,
    default: str | None = None,
    escape: str | None = None,
) -> str:
    """One of ``choices`` (button labels, returned as given). Closing the box answers
    ``escape`` (else ``default``, else the first choice), so make that the safe one."""
    log.info("%s: %s", title, text)
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    buttons = [box.addButton(c, QMessageBox.ButtonRole.ActionRole) for c in choices]
    for label, button in zip(choices, buttons, strict=True):
        if label == default:
            box.setDefaultButton(button)
        if label == escape:
            box.setEscapeButton(button)
    box.exec()
    clicked = box.clickedButton()
    for label, button in zip(choices, buttons, strict=True):
        if clicked is button:
            return label
    return escape or default or choices[0]


def save_file(parent: QWidget | None, title: str, suggested: Path, filters: str) -> Path | None:
    """The platform's save dialog (it asks before replacing a file); None: cancelled."""
    name, _chosen_filter = QFileDialog.getSaveFileName(parent, title, str(suggested), filters)
    log.info("%s: %s", title, name or "cancelled")
    return Path(name) if name else None


def show_diff(parent: QWidget | None, title: str, diff: str) -> None:
    """Show a unified diff (read only) until the user closes it."""
    DiffDialog(title, diff, parent).exec()


def recover(
    parent: QWidget | None,
    journal: Journal,
    *,
    key_order_for: Callable[[Mapping[str, Any]], Sequence[str]] | None = None,
) -> list[JournalItem]:
    """At start: offer back the journaled unsaved work; returns the items to restore."""
    return recovery_dialog.recover(journal, parent, key_order_for=key_order_for)


def open_file(parent: QWidget | None, title: str, filters: str) -> Path | None:
    """A native "open file" dialog; None when cancelled (the image/file picker)."""
    chosen, _ = QFileDialog.getOpenFileName(parent, title, "", filters)
    return Path(chosen) if chosen else None

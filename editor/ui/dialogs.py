"""The one place that shows message boxes.

Every error, confirmation and save prompt of the window goes through these functions
(called as ``dialogs.error(...)``, never imported by name), so tests replace them in
one fixture and an unexpected dialog fails the test instead of blocking it. Each
message is logged too, so a headless run still tells what happened.
"""

from __future__ import annotations

import logging
from typing import Literal

from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger("editor.ui.dialogs")

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

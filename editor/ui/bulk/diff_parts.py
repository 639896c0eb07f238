"""The parts every bulk dialog that previews a diff builds the same way.

Rename, Set Field and Unify each show the planned change as a unified diff before
anything is written, then apply it with one button beside Close; built here once so
the three look and behave alike.
"""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

__all__ = ["apply_buttons", "diff_view", "form_preview_layout"]


def diff_view(object_name: str = "") -> QPlainTextEdit:
    """A read-only, fixed-width, unwrapped text view for a diff."""
    view = QPlainTextEdit(readOnly=True)
    if object_name:
        view.setObjectName(object_name)
    view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    return view


def apply_buttons(dialog: QDialog, label: str) -> tuple[QDialogButtonBox, QPushButton]:
    """The button row: *label* (disabled until a preview allows it) and Close."""
    buttons = QDialogButtonBox()
    apply = buttons.addButton(label, QDialogButtonBox.ButtonRole.ApplyRole)
    apply.setEnabled(False)
    buttons.addButton(QDialogButtonBox.StandardButton.Close).clicked.connect(dialog.close)
    return buttons, apply


def form_preview_layout(  # noqa: PLR0917 - the dialog's parts, top to bottom
    dialog: QDialog,
    form: QLayout,
    preview: QPushButton,
    diff: QPlainTextEdit,
    buttons: QDialogButtonBox,
    status: QWidget | None = None,
) -> None:
    """Rename's and Set Field's layout: the form, Preview, the diff, a status line, buttons."""
    layout = QVBoxLayout(dialog)
    layout.addLayout(form)
    layout.addWidget(preview)
    layout.addWidget(diff, 1)
    if status is not None:
        layout.addWidget(status)
    layout.addWidget(buttons)
    dialog.resize(760, 520)

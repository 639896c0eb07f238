"""Rename the open entry's slug (Edit › Rename Entry Slug…): file, url, every link to it.

The new slug is checked as it is typed; Preview shows the diff of every file the rename
touches and the move; Rename applies it as one batch (Edit › Undo takes it back).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from editor.content.bulk.batch import BatchError
from editor.content.bulk.rename import SLUG, RenamePlan, plan_rename
from editor.content.errors import ContentError
from editor.ui import dialogs
from editor.ui.bulk.diff_parts import apply_buttons, diff_view, form_preview_layout
from editor.ui.bulk.history import BulkHistory, busy
from editor.ui.bulk.replace_dialog import Host, batch_message

__all__ = ["RenameDialog"]


class RenameDialog(QDialog):
    """New slug, preview of every change, rename."""

    def __init__(
        self, host: Host, history: BulkHistory, path: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("renameDialog")
        self.setWindowTitle(f"Rename {path.name}")
        self.host, self.history, self.path = host, history, path
        self.plan: RenamePlan | None = None
        self.slug = QLineEdit(path.stem)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b;")
        self.diff = diff_view("renameDiff")
        self.preview_button = QPushButton("&Preview")
        buttons, self.rename_button = apply_buttons(self, "&Rename")
        form = QFormLayout()
        form.addRow("New &slug:", self.slug)
        form.addRow("", self.error)
        form_preview_layout(self, form, self.preview_button, self.diff, buttons)
        self.slug.textChanged.connect(self._changed)
        self.slug.returnPressed.connect(self.preview)
        self.preview_button.clicked.connect(self.preview)
        self.rename_button.clicked.connect(self.rename)
        self._changed()

    def _changed(self) -> None:
        self.plan = None
        self.rename_button.setEnabled(False)
        slug = self.slug.text()
        ok = bool(SLUG.fullmatch(slug)) and slug != self.path.stem
        self.error.setText(
            "" if ok or slug == self.path.stem
            else "Lowercase letters, digits and single hyphens only."
        )  # fmt: skip
        self.preview_button.setEnabled(ok)

    def preview(self) -> None:
        if not self.preview_button.isEnabled() or self.host.folder is None:
            return
        opened = self.host.session.get(self.path)
        if opened is not None and opened.dirty:
            self.error.setText("Save or revert this entry's changes first.")
            return
        try:
            with busy():
                self.plan = plan_rename(
                    self.host.folder, self.path, self.slug.text(), index=self.host.index
                )
        except (BatchError, ContentError) as exc:
            text = batch_message(exc) if isinstance(exc, BatchError) else exc.message
            self.error.setText(text)
            return
        plan = self.plan
        self.diff.setPlainText(
            plan.changes.diff(self.host.folder)
            + f"rename {plan.old_path.name} -> {plan.new_path.name}\n"
        )
        self.error.setText(
            f"{plan.old_url} → {plan.new_url}; {plan.references} other entries link to it."
        )
        self.error.setStyleSheet("")
        self.rename_button.setEnabled(True)

    def rename(self) -> None:
        if self.plan is None:
            return
        try:
            self.history.apply_rename(self.plan)
        except BatchError as exc:
            dialogs.error(self, "Nothing was renamed", batch_message(exc))
            return
        self.accept()

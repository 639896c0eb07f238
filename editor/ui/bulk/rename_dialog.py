"""Rename the open entry's slug (Edit › Rename Entry Slug…): file, url, every link to it.

The new slug is checked as it is typed; Preview shows the diff of every file the rename
touches and the move; Rename applies it as one batch (Edit › Undo takes it back).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from editor.content.bulk.batch import BatchError
from editor.content.bulk.rename import SLUG, RenamePlan, plan_rename
from editor.content.errors import ContentError
from editor.content.index import IndexSnapshot
from editor.ui.bulk.diff_parts import PlanDialog, apply_buttons, diff_view, form_preview_layout
from editor.ui.bulk.history import BulkHistory
from editor.ui.bulk.replace_dialog import Host, batch_message

__all__ = ["RenameDialog"]


class RenameDialog(PlanDialog):
    """New slug, preview of every change, rename; the plan (a search of the corpus) and
    the batch run on the pool."""

    def __init__(
        self, host: Host, history: BulkHistory, path: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(history, parent)
        self.setObjectName("renameDialog")
        self.setWindowTitle(f"Rename {path.name}")
        self.host, self.path = host, path
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
        self.outdate()
        self.rename_button.setEnabled(False)
        slug = self.slug.text()
        ok = bool(SLUG.fullmatch(slug)) and slug != self.path.stem
        self.error.setText(
            "" if ok or slug == self.path.stem
            else "Lowercase letters, digits and single hyphens only."
        )  # fmt: skip
        self.preview_button.setEnabled(ok)

    def preview(self) -> None:
        folder = self.host.folder
        if not self.preview_button.isEnabled() or folder is None or self.planning:
            return
        opened = self.host.session.get(self.path)
        if opened is not None and opened.dirty:
            self.error.setText("Save or revert this entry's changes first.")
            return
        path, slug, live = self.path, self.slug.text(), self.host.index
        # the index as it is now: a save put in while the plan is made cannot change it
        index = IndexSnapshot.of(live) if live is not None else None
        self.plan = None
        self.rename_button.setEnabled(False)
        self.plan_on_pool(
            lambda: plan_rename(folder, path, slug, index=index), self._show, self._refused
        )

    def _refused(self, exc: ContentError) -> None:
        self.error.setText(batch_message(exc) if isinstance(exc, BatchError) else exc.message)

    def _show(self, plan: RenamePlan) -> None:
        self.plan = plan
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
        plan = self.plan
        if plan is None or self.history.busy:
            return
        self.apply_on_pool(
            lambda ok, failed: self.history.apply_rename(plan, ok, failed), "Nothing was renamed"
        )

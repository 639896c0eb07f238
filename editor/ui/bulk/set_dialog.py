"""Set a field on the entries selected in the list (Edit › Set Field on Selected Entries…).

Set a text field, add an item to a list or remove one (``related``, tags), or remove
the field; the diff of every file is shown before anything is written, and the batch
is one step for Edit › Undo Bulk Edit. The value completes from the values the
corpus already uses for that field, where the index knows them (subject).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from editor.content.bulk.batch import BatchError
from editor.content.bulk.bulk_set import FieldEdit, Operation, plan_edit
from editor.content.bulk.replace import Plan
from editor.content.errors import ContentError
from editor.content.schema import SchemaRegistry
from editor.ui.bulk.diff_parts import PlanDialog, apply_buttons, diff_view, form_preview_layout
from editor.ui.bulk.history import BulkHistory, Step
from editor.ui.bulk.replace_dialog import Host, batch_message

__all__ = ["SetFieldDialog"]

OPERATIONS: tuple[tuple[str, Operation], ...] = (
    ("Set to", "set"),
    ("Add to the list", "add"),
    ("Remove from the list", "remove"),
    ("Remove the field", "unset"),
)
FIELDS = ("subject", "author", "seo.page_keywords", "seo.focus_keyphrase", "related", "tags")


class SetFieldDialog(PlanDialog):
    """One field edit on the chosen entries: preview (the diff), then apply as a batch;
    both read or write the files on the pool."""

    def __init__(
        self,
        host: Host,
        history: BulkHistory,
        paths: list[Path],
        values: Callable[[str], list[str]] = lambda _key: [],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(history, parent)
        self.setObjectName("setFieldDialog")
        self.setWindowTitle("Set Field on Selected Entries")
        self.host, self.paths, self.values = host, paths, values
        self.plan: Plan | None = None
        self.field = QComboBox(editable=True)
        self.field.addItems(FIELDS)
        self.operation = QComboBox()
        for label, op in OPERATIONS:
            self.operation.addItem(label, op)
        self.value = QLineEdit()
        self.choices = QStringListModel(self)
        self.completer = QCompleter(self.choices, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.value.setCompleter(self.completer)
        self.diff = diff_view("setFieldDiff")
        self.summary = QLabel(f"{len(paths)} entries selected.")
        self.preview_button = QPushButton("&Preview")
        buttons, self.apply_button = apply_buttons(self, "&Apply")
        form = QFormLayout()
        form.addRow("&Field:", self.field)
        form.addRow("&Action:", self.operation)
        form.addRow("&Value:", self.value)
        form_preview_layout(self, form, self.preview_button, self.diff, buttons, self.summary)
        self.field.currentTextChanged.connect(self._changed)
        self.operation.currentIndexChanged.connect(self._changed)
        self.value.textChanged.connect(self._changed)
        self.preview_button.clicked.connect(self.preview)
        self.apply_button.clicked.connect(self.apply)
        self._changed()

    def edit(self) -> FieldEdit:
        op: Operation = self.operation.currentData()
        return FieldEdit(self.field.currentText().strip(), op, self.value.text())

    def _changed(self) -> None:
        self.plan = None
        self.outdate()
        self.apply_button.setEnabled(False)
        key = self.field.currentText().strip()
        self.value.setEnabled(self.operation.currentData() != "unset")
        self.choices.setStringList(self.values(key))
        self.preview_button.setEnabled(bool(key))

    def preview(self) -> None:
        """Plan the edit on the pool (nothing is written), then show the diff of every file."""
        if self.planning:
            return
        docs = {o.path: (dict(o.data), o.body) for o in self.host.session.dirty_entries()}
        folder, paths, edit = self.host.folder, self.paths, self.edit()
        self.plan = None
        self.apply_button.setEnabled(False)
        self.summary.setText("Reading the entries…")

        def work() -> Plan:
            registry = SchemaRegistry.load(folder)
            return plan_edit(paths, edit, registry=registry, open_docs=docs)

        self.plan_on_pool(work, self._show, self._refused)

    def _refused(self, exc: ContentError) -> None:
        self.plan = None
        text = batch_message(exc) if isinstance(exc, BatchError) else exc.message
        self.diff.setPlainText(text)
        self.summary.setText("Nothing can be changed as asked.")

    def _show(self, plan: Plan) -> None:
        self.plan = plan
        text = plan.diff(self.host.folder)
        editors = len(plan.in_editor)
        if editors:
            text += f"\n{editors} entries with unsaved edits change in their editor.\n"
        self.diff.setPlainText(text or "Nothing would change.")
        count = len(plan.changes) + editors
        self.summary.setText(f"{count} of {len(self.paths)} entries change.")
        self.apply_button.setEnabled(count > 0)

    def apply(self) -> None:
        plan = self.plan
        if plan is None or self.history.busy:
            return
        label = self.edit().describe()

        def done(step: Step) -> None:
            self.plan = None
            self.apply_button.setEnabled(False)
            self.summary.setText(
                f"Changed {step.size} entries. Edit › Undo Bulk Edit takes it back."
            )

        self.apply_on_pool(
            lambda ok, failed: self.history.apply(plan, label, ok, failed),
            "Nothing was changed",
            done,
        )

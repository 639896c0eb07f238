"""Unify spellings of a field's values (Edit › Unify Spellings…): "Digital media" → one form.

Lists every group of values that differ only in case, spacing or punctuation
(:mod:`editor.content.bulk.variants`), from the index's records, with the spelling to
keep chosen per group (the most used, to start with). Preview shows the diff; Apply is a
bulk set on the entries holding the other spellings, one batch with one undo.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from editor.content.bulk.batch import BatchError
from editor.content.bulk.bulk_set import FieldEdit, plan_edit
from editor.content.bulk.replace import Plan
from editor.content.bulk.variants import variant_groups
from editor.content.errors import ContentError
from editor.ui.bulk.diff_parts import PlanDialog, apply_buttons, diff_view
from editor.ui.bulk.history import BulkHistory
from editor.ui.bulk.replace_dialog import Host, batch_message

__all__ = ["UnifyDialog"]


class UnifyDialog(PlanDialog):
    """One row per group of variant spellings of the subject: keep which, and whether.
    The plan and the batch read and write the files on the pool."""

    def __init__(self, host: Host, history: BulkHistory, parent: QWidget | None = None) -> None:
        super().__init__(history, parent)
        self.setObjectName("unifyDialog")
        self.setWindowTitle("Unify Subject Spellings")
        self.host = host
        self.plan: Plan | None = None
        index = host.index
        self.by_value: dict[str, list[Path]] = {}
        if index is not None:
            for record in index.records:
                if record.subject:
                    self.by_value.setdefault(record.subject, []).append(index.folder / record.path)
        self.groups = variant_groups(
            v for v, paths in self.by_value.items() for _ in range(len(paths))
        )
        grid = QGridLayout()
        self.rows: list[tuple[QCheckBox, QComboBox, list[str]]] = []
        for i, group in enumerate(self.groups):
            spellings = [value for value, _uses in group]
            box = QCheckBox(" / ".join(f"{v!r} ×{n}" for v, n in group))
            box.setChecked(True)
            keep = QComboBox()
            keep.addItems(spellings)
            grid.addWidget(box, i, 0)
            grid.addWidget(QLabel("keep"), i, 1)
            grid.addWidget(keep, i, 2)
            box.toggled.connect(self._changed)
            keep.currentIndexChanged.connect(self._changed)
            self.rows.append((box, keep, spellings))
        holder = QWidget()
        holder.setLayout(grid)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(holder)
        self.summary = QLabel(
            f"{len(self.groups)} subjects are spelled in more than one way."
            if self.groups
            else "Every subject is spelled one way."
        )
        self.diff = diff_view()
        self.preview_button = QPushButton("&Preview")
        self.preview_button.setEnabled(bool(self.groups))
        buttons, self.apply_button = apply_buttons(self, "&Unify")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.preview_button)
        layout.addWidget(self.diff, 2)
        layout.addWidget(buttons)
        self.resize(760, 560)
        self.preview_button.clicked.connect(self.preview)
        self.apply_button.clicked.connect(self.apply)

    def _changed(self) -> None:
        self.plan = None
        self.outdate()
        self.apply_button.setEnabled(False)

    def preview(self) -> None:
        if self.planning:
            return
        docs = {o.path: (dict(o.data), o.body) for o in self.host.session.dirty_entries()}
        edits: list[tuple[str, list[Path]]] = []
        for box, keep, spellings in self.rows:
            if box.isChecked():
                target = keep.currentText()
                edits.append(
                    (target, [p for v in spellings if v != target for p in self.by_value[v]])
                )

        def work() -> Plan:
            combined = Plan()
            for target, paths in edits:
                part = plan_edit(paths, FieldEdit("subject", "set", target), open_docs=docs)
                combined.changes += part.changes
                combined.in_editor.update(part.in_editor)
                combined.match_count += part.match_count
            return combined

        self.plan = None
        self.apply_button.setEnabled(False)
        self.plan_on_pool(work, self._show, self._refused)

    def _refused(self, exc: ContentError) -> None:
        self.diff.setPlainText(batch_message(exc) if isinstance(exc, BatchError) else exc.message)

    def _show(self, plan: Plan) -> None:
        self.plan = plan
        self.diff.setPlainText(plan.diff(self.host.folder) or "Nothing would change.")
        self.apply_button.setEnabled(plan.match_count > 0)

    def apply(self) -> None:
        plan = self.plan
        if plan is None or self.history.busy:
            return
        self.apply_on_pool(
            lambda ok, failed: self.history.apply(plan, "Unify subject spellings", ok, failed),
            "Nothing was changed",
        )

"""The parts every bulk dialog that previews a diff builds the same way.

Rename, Set Field and Unify each show the planned change as a unified diff before
anything is written, then apply it with one button beside Close; built here once so
the three look and behave alike. :class:`PlanDialog` is how the three run their file
work: the plan (every entry read and changed through the writer) and the batch's writes
both on the pool, through the history's one :class:`~editor.ui.bulk.apply_job.BatchRunner`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Signal
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

from editor.content.bulk.batch import BatchError
from editor.content.errors import ContentError
from editor.ui import dialogs
from editor.ui.bulk.history import BulkHistory, Step
from editor.ui.bulk.replace_dialog import batch_message

__all__ = ["PlanDialog", "apply_buttons", "diff_view", "form_preview_layout"]

T = TypeVar("T")
Start = Callable[[Callable[[Step], None], Callable[[BaseException], None]], None]


class PlanDialog(QDialog):
    """A bulk dialog whose plan and batch run on the pool (the window stays free)."""

    previewed = Signal()  # a plan is shown, or why there is none
    applied = Signal()  # an apply ended: written, or refused with a message

    def __init__(self, history: BulkHistory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self.planning = False
        self._asked = 0  # the plan asked for last: an older one that comes back is dropped

    def outdate(self) -> None:
        """The options changed: a plan still being made no longer applies."""
        self._asked += 1

    def plan_on_pool(
        self,
        work: Callable[[], T],
        show: Callable[[T], None],
        refused: Callable[[ContentError], None],
    ) -> None:
        """Run ``work`` (reading and planning; nothing is written) on the pool, then
        ``show`` its plan, or ``refused`` the reason there is none."""
        self.planning = True
        self.outdate()
        asked = self._asked

        def shown(result: T) -> None:
            self.planning = False
            if asked == self._asked:
                show(result)
                self.previewed.emit()

        def failed(exc: BaseException) -> None:
            self.planning = False
            if not isinstance(exc, ContentError):
                raise exc
            if asked == self._asked:
                refused(exc)
                self.previewed.emit()

        self.history.jobs.run(work, shown, failed, lock=False)

    def apply_on_pool(
        self, start: Start, title: str, done: Callable[[Step], None] | None = None
    ) -> None:
        """``start(done, failed)`` a batch of the history (written on the pool, the
        window's edits locked); the dialog waits, disabled, and says why if nothing
        was changed. Once it is written, ``done(step)``, or without one the dialog closes."""
        self.setEnabled(False)

        def finished(step: Step) -> None:
            self.setEnabled(True)
            if done is None:
                self.accept()
            else:
                done(step)
            self.applied.emit()

        def failed(exc: BaseException) -> None:
            self.setEnabled(True)
            self.applied.emit()
            if isinstance(exc, BatchError):
                dialogs.error(self, title, batch_message(exc))
            elif isinstance(exc, ContentError):
                dialogs.error(self, title, exc.message)
            else:
                raise exc

        start(finished, failed)


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

"""The replace preview's table: it paints while the preview's job steps aside.

A repaint of the rows in sight calls into Python a few hundred times (each cell's
delegate, roles and flags), and while the preview's job runs Python each call waited
for the GIL: the window stood still 70-220 ms at a time as results came in. The table
holds the model's :class:`~editor.ui.gil_switch.PaintGate` while it paints, and the
job waits at the gate between two files.
"""

from __future__ import annotations

from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QTableView, QWidget

from editor.ui.gil_switch import PaintGate

__all__ = ["PreviewTable"]


class PreviewTable(QTableView):
    """A ``QTableView`` that holds ``gate`` while it paints."""

    def __init__(self, gate: PaintGate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.gate = gate

    def paintEvent(self, event: QPaintEvent) -> None:
        with self.gate.held():
            super().paintEvent(event)

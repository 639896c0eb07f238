"""The entry's SEO findings as a compact list; activating one jumps to its field."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QStyle

if TYPE_CHECKING:
    from editor.content.seo.rules import Finding

ROLE_FIELD = Qt.ItemDataRole.UserRole + 1
_ORDER = {"error": 0, "warning": 1, "info": 2}
_ICONS = {
    "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
    "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
}
EMPTY_TEXT = "No SEO findings for this entry"
MAX_ROWS = 5


class SeoFindingsView(QListWidget):
    """Worst first; ``field_activated(path)`` on Enter or double-click."""

    field_activated = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName("SEO findings")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformItemSizes(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setIconSize(QSize(16, 16))
        self.itemActivated.connect(self._activated)
        self.set_findings([])

    def set_findings(self, findings: Sequence[Finding]) -> None:
        self.clear()
        style = self.style()
        ordered = sorted(findings, key=lambda f: _ORDER.get(f.severity, 3))
        for finding in ordered:
            item = QListWidgetItem(finding.message)
            icon = _ICONS.get(finding.severity, QStyle.StandardPixmap.SP_MessageBoxInformation)
            item.setIcon(style.standardIcon(icon))
            item.setData(ROLE_FIELD, finding.field)
            item.setToolTip(f"{finding.severity}: {finding.message}\n[{finding.rule}]")
            self.addItem(item)
        if not ordered:
            item = QListWidgetItem(EMPTY_TEXT)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addItem(item)
        rows = max(1, min(MAX_ROWS, self.count()))
        row_height = max(self.sizeHintForRow(0), self.fontMetrics().height() + 6, 20)
        self.setFixedHeight(rows * row_height + 2 * self.frameWidth() + 2)

    def fields(self) -> list[str]:
        """The field paths listed, in display order (empty when there are no findings)."""
        return [
            str(self.item(i).data(ROLE_FIELD))
            for i in range(self.count())
            if self.item(i).data(ROLE_FIELD) is not None
        ]

    def _activated(self, item: QListWidgetItem) -> None:
        field = item.data(ROLE_FIELD)
        if field:
            self.field_activated.emit(str(field))

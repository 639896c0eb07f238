"""The part the entry list and the SEO report share: a flat, read-only table model
whose rows are ``_visible`` (ids into the model's own rows, in display order).

Both models filter and sort in bulk themselves (a Python call per row from a proxy is
too slow at 50k rows), so what is left in common is Qt's bookkeeping, and the rule
that lets a longer query search only the rows a shorter one matched (:func:`refines`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

ModelIndex = QModelIndex | QPersistentModelIndex


class VisibleRowsModel(QAbstractTableModel):
    """``rowCount`` is the visible rows; ``headers`` name the columns. Items are
    selectable, never editable, never have children: ``QAbstractTableModel``'s own
    ``flags``, left to C++ (the view asks for them per painted cell)."""

    headers: ClassVar[tuple[str, ...]] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._visible: list[int] = []  # ids into the model's rows, in display order

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.headers):
            return self.headers[section]
        return None

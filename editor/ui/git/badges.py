"""Each entry's git status in the list: a coloured letter at the right of its name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

BADGE_WIDTH = 16
BADGES = {
    "modified": ("M", "#fb8c00"),
    "added": ("A", "#43a047"),
    "untracked": ("N", "#43a047"),
    "deleted": ("D", "#e53935"),
    "conflicted": ("C", "#d81b60"),
    "upstream": ("↓", "#1e88e5"),
}


class StatusBadges(QStyledItemDelegate):
    """Paints each entry's git status as a coloured letter at the right of its name."""

    def __init__(
        self,
        kind_of: Callable[[Path], str | None],
        path_at: Callable[[QModelIndex | QPersistentModelIndex], Path | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.kind_of = kind_of  # a path's status kind (a key of BADGES), None when clean
        self.path_at = path_at  # the entry a list index shows

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        path = self.path_at(index)
        kind = self.kind_of(path) if path is not None else None
        if kind is None:
            super().paint(painter, option, index)
            return
        rect: QRect = option.rect
        whole = QStyleOptionViewItem(option)
        self.initStyleOption(whole, index)
        widget = whole.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, whole, painter, widget)
        narrowed = QStyleOptionViewItem(option)
        narrowed.rect = rect.adjusted(0, 0, -BADGE_WIDTH, 0)  # the title elides before it
        super().paint(painter, narrowed, index)
        letter, colour = BADGES[kind]
        painter.save()
        painter.setPen(QColor(colour))
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(
            rect.adjusted(0, 0, -6, 0),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            letter,
        )
        painter.restore()

"""Paints a match in context: the found text struck through, its replacement beside it.

A ``QStyledItemDelegate`` drawing a small ``QTextDocument`` (the HTML is escaped text
plus two spans), since an item's plain text cannot mark which part changes.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from editor.content.bulk.replace import Match

MATCH_ROLE = Qt.ItemDataRole.UserRole + 1  # the item's Match

ModelIndex = QModelIndex | QPersistentModelIndex


def match_html(match: Match) -> str:
    """``…before <s>found</s> <b>replacement</b> after…``, escaped."""
    esc = html.escape
    return (
        f"…{esc(match.before)}"
        f'<span style="color:#b03a2e;text-decoration:line-through">{esc(match.found)}</span>'
        f'<span style="color:#1e8449;font-weight:600">{esc(match.replacement)}</span>'
        f"{esc(match.after)}…"
    )


class MatchDelegate(QStyledItemDelegate):
    """Draws items that hold a :class:`Match`; others as usual."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        match = index.data(MATCH_ROLE)
        if not isinstance(match, Match):
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget is not None else None
        option.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(0)
        doc.setHtml(match_html(match))
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        rect = option.rect
        painter.save()
        painter.translate(rect.left() + 3, rect.top() + (rect.height() - doc.size().height()) / 2)
        painter.setClipRect(0, 0, rect.width() - 3, rect.height())
        doc.documentLayout().draw(painter, context)
        painter.restore()

"""Paints a match in context: the found text struck through, its replacement beside it.

A ``QStyledItemDelegate`` that draws the match's four runs of text (context, found,
replacement, context) one after the other with the painter, since an item's plain text
cannot mark which part changes. It used to lay out a small ``QTextDocument`` from HTML
for every cell it painted: 0.3-1 ms a cell, 5-20 ms each time the preview's table
repainted (after every batch of results and every progress step, on the GUI thread);
with the runs drawn, a repaint of the table takes ~2 ms.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from editor.content.bulk.replace import Match

__all__ = ["MATCH_ROLE", "MatchDelegate", "Run", "match_runs"]

MATCH_ROLE = Qt.ItemDataRole.UserRole + 1  # the item's Match

ModelIndex = QModelIndex | QPersistentModelIndex

FOUND_COLOUR = QColor("#b03a2e")
REPLACEMENT_COLOUR = QColor("#1e8449")
PADDING = 3  # pixels left of the text, as a plain item has


class Run(Enum):
    """How a part of the context line is drawn."""

    CONTEXT = "context"
    FOUND = "found"  # struck through, red
    REPLACEMENT = "replacement"  # semi-bold, green


def match_runs(match: Match) -> list[tuple[str, Run]]:
    """``…before``, the found text, its replacement and ``after…``: the line the cell
    shows, in the parts drawn each their own way (empty parts left out)."""
    runs = [
        (f"…{match.before}", Run.CONTEXT),
        (match.found, Run.FOUND),
        (match.replacement, Run.REPLACEMENT),
        (f"{match.after}…", Run.CONTEXT),
    ]
    return [(text, run) for text, run in runs if text]


class MatchDelegate(QStyledItemDelegate):
    """Draws items that hold a :class:`Match`; others as usual."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        match = index.data(MATCH_ROLE)
        if not isinstance(match, Match):
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        option.text = ""
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:  # background, selection and focus, as any item
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        fonts, metrics = _fonts(option.font)
        colours = {
            Run.CONTEXT: option.palette.color(role),
            Run.FOUND: FOUND_COLOUR,
            Run.REPLACEMENT: REPLACEMENT_COLOUR,
        }
        rect = option.rect.adjusted(PADDING, 0, -PADDING, 0)
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        flags = int(align) | int(Qt.TextFlag.TextSingleLine)
        painter.save()
        painter.setClipRect(rect)
        x = rect.left()
        for text, run in match_runs(match):
            if x > rect.right():
                break
            font = fonts[run]
            painter.setFont(font)
            painter.setPen(colours[run])
            painter.drawText(QRect(x, rect.top(), rect.right() - x + 1, rect.height()), flags, text)
            x += metrics[run].horizontalAdvance(text)
        painter.restore()


Fonts = tuple[dict[Run, QFont], dict[Run, QFontMetrics]]
_FONTS: dict[str, Fonts] = {}  # by the item font's key: a view has one or two


def _fonts(base: QFont) -> Fonts:
    """The item's font for the context, struck through for the found text, semi-bold
    for the replacement, and their metrics. Kept: made anew for every cell painted they
    were a third of a paint (the preview's table repaints as its rows come in, on the
    GUI thread, while the job waits for the GIL)."""
    key = base.key()
    made = _FONTS.get(key)
    if made is None:
        found = QFont(base)
        found.setStrikeOut(True)
        replacement = QFont(base)
        replacement.setWeight(QFont.Weight.DemiBold)
        fonts = {Run.CONTEXT: QFont(base), Run.FOUND: found, Run.REPLACEMENT: replacement}
        made = fonts, {run: QFontMetrics(font) for run, font in fonts.items()}
        if len(_FONTS) > 8:  # fonts changed many times (zoom): keep the last ones only
            _FONTS.clear()
        _FONTS[key] = made
    return made

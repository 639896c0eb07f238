"""What every page view tells the pane: the text view, the engine here, the preview process.

The pane swaps one view for another when an engine cannot start or dies, so each says
the same three things the same way; only how it shows the page differs.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class PageViewSignals(QObject):
    """The signals the pane listens to, and which engine the view is."""

    shown = Signal()  # the page asked for is on screen
    field_clicked = Signal(str)  # the dotted path of the field whose part was clicked
    failed = Signal(str)  # the view cannot go on (the pane falls back), with why

    engine = "web"

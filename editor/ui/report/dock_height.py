"""The SEO report dock opens at a usable height and keeps the height it was given.

A bottom dock shown for the first time gets whatever the central widget leaves, and a
state saved after the handle was dragged nearly shut brings back a 2-row report with a
thin handle. So the dock has a floor (header, filters and a few rows) and, each time it
is shown, a usable height unless the user chose one; the height the user gives it is
kept by the window's own ``saveState()``.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow

MIN_ROWS = 4  # never less than this many rows of findings
USABLE_ROWS = 12  # what a report opens with at least
USABLE_SHARE = 0.45  # ... or this share of the window, whichever is smaller
SHRUNK = 0.75  # shown under this share of the usable height: reopen at the usable one


class DockHeight(QObject):
    """Keeps ``dock`` (at the window's bottom) at least usable whenever it shows."""

    def __init__(self, window: QMainWindow, dock: QDockWidget, row_height: int) -> None:
        super().__init__(dock)
        self.window = window
        self.dock = dock
        self.row_height = row_height
        self._chrome = 0  # dock title, filters and table header, learnt when shown
        widget = dock.widget()
        if widget is not None:
            self._chrome = max(widget.minimumSizeHint().height(), 4 * row_height)
            widget.setMinimumHeight(self._chrome + MIN_ROWS * row_height)
        dock.visibilityChanged.connect(self._on_visibility)

    def usable(self) -> int:
        wanted = self._chrome + USABLE_ROWS * self.row_height
        return min(wanted, max(int(self.window.height() * USABLE_SHARE), self.floor()))

    def floor(self) -> int:
        return self._chrome + MIN_ROWS * self.row_height

    def _on_visibility(self, visible: bool) -> None:
        if visible:  # laid out after this signal: size it once it has its geometry
            QTimer.singleShot(0, self.fit)

    def fit(self) -> None:
        """A report shown well under the usable height opens at it; a height the user
        chose above that (kept by ``saveState``) is left alone."""
        if self.dock.isFloating() or not self.dock.isVisible():
            return
        if self.dock.height() < SHRUNK * self.usable():
            self.window.resizeDocks([self.dock], [self.usable()], Qt.Orientation.Vertical)

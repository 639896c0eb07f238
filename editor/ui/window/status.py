"""The window's status bar: entry count, folder, SEO totals, last save, indexing progress.

Its own small class so the window only says *what* happened ("these counts", "saved
that file"); the wording and the widgets live here.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' * (n != 1)}"


class WindowStatus:
    """Fills a ``QStatusBar`` with the window's permanent labels."""

    def __init__(self, bar: QStatusBar) -> None:
        self.bar = bar
        self.count_label = QLabel()
        self.folder_label = QLabel(textFormat=Qt.TextFormat.PlainText)
        self.findings_button = QToolButton(autoRaise=True)
        self.findings_button.setToolTip("Show the SEO report")
        self.findings_button.hide()
        self.saved_label = QLabel()
        self.progress = QProgressBar(textVisible=True)
        self.progress.setMaximumWidth(180)
        self.progress.setFormat("Indexing %v/%m")
        self.progress.hide()
        for widget, name in (
            (self.count_label, "Entry count"),
            (self.folder_label, "Content folder"),
            (self.findings_button, "SEO findings"),
            (self.saved_label, "Last save"),
            (self.progress, "Indexing progress"),
        ):
            widget.setAccessibleName(name)
        bar.addWidget(self.count_label)
        bar.addWidget(self.folder_label, 1)
        for widget in (self.findings_button, self.saved_label, self.progress):
            bar.addPermanentWidget(widget)

    def set_counts(self, total: int, shown: int) -> None:
        noun = "entry" if total == 1 else "entries"
        text = f"{total} {noun}" if shown == total else f"{shown} of {total} {noun} shown"
        self.count_label.setText(text)

    def set_folder(self, folder: Path) -> None:
        self.folder_label.setText(folder.name)
        self.folder_label.setToolTip(str(folder))

    def set_findings(self, severity_counts: Mapping[str, int] | None) -> None:
        """ "12 errors · 950 warnings" once the index is in; None hides it (indexing)."""
        if severity_counts is None:
            self.findings_button.hide()
            return
        errors = _plural(severity_counts.get("error", 0), "error")
        warnings = _plural(severity_counts.get("warning", 0), "warning")
        self.findings_button.setText(f"{errors} · {warnings}")
        self.findings_button.show()

    def saved(self, path: Path) -> None:
        self.saved_label.setText(f"Saved {path.name} at {time.strftime('%H:%M:%S')}")

    def message(self, text: str) -> None:
        self.bar.showMessage(text, 8000)

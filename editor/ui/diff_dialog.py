"""Review changes: the exact unified diff a save would write, with the changed words
marked and long lines wrapped.

The diff comes from ``save_diff`` (the writer's own output, verified), so what is
shown is what will be written. ``word_diff.marked_lines`` pairs each removed line with
its replacement and marks only the words that differ; a folded answer is one long line,
so the view wraps. Colours are picked against the palette's base colour, so they read
in light and dark mode. The recovery dialog shows its diffs through the same view.
"""

from __future__ import annotations

from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QPalette,
    QTextCharFormat,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget

from editor.content.word_diff import Style, marked_lines

LIGHT = {"added": "#2e7d32", "removed": "#c62828", "hunk": "#1565c0",
         "added-back": "#c8f0c8", "removed-back": "#f6caca"}  # fmt: skip
DARK = {"added": "#81c784", "removed": "#e57373", "hunk": "#64b5f6",
        "added-back": "#1e4620", "removed-back": "#5c1f1f"}  # fmt: skip


def _formats(dark: bool) -> dict[Style, QTextCharFormat]:
    colours = DARK if dark else LIGHT
    formats: dict[Style, QTextCharFormat] = {}
    for style in ("plain", "header", "hunk", "added", "removed", "added-word", "removed-word"):
        fmt = QTextCharFormat()
        base = style.split("-")[0]
        if base in colours:
            fmt.setForeground(QColor(colours[base]))
        if style.endswith("-word"):
            fmt.setBackground(QColor(colours[f"{base}-back"]))
            if base == "removed":
                fmt.setFontStrikeOut(True)
        if style == "header":
            fmt.setFontWeight(QFont.Weight.Bold)
        formats[style] = fmt
    return formats


class DiffView(QPlainTextEdit):
    """A read-only, wrapping view of a diff (or notes around one), words marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))

    def set_diff(self, diff: str) -> None:
        dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
        formats = _formats(dark)
        self.clear()
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        for n, line in enumerate(marked_lines(diff)):
            if n:
                cursor.insertBlock()
            for text, style in line:
                cursor.insertText(text, formats[style])
        cursor.endEditBlock()
        self.moveCursor(QTextCursor.MoveOperation.Start)


class DiffDialog(QDialog):
    """Shows a unified diff read-only."""

    def __init__(self, title: str, diff: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Review changes — {title}")
        self.text = DiffView()
        self.text.setAccessibleName("Changes a save would write")
        self.text.set_diff(diff)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(820, 520)

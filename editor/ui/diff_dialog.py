"""Review changes: the exact unified diff a save would write, coloured.

The diff comes from ``save_diff`` (the writer's own output, verified), so what is
shown is what will be written. Colours are picked against the palette's base colour,
so they read in light and dark mode.
"""

from __future__ import annotations

from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QPalette,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget


def _format(colour: str, *, bold: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(colour))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    return fmt


class DiffHighlighter(QSyntaxHighlighter):
    """Added lines green, removed red, hunk headers blue, file headers bold."""

    def __init__(self, document: QTextDocument, *, dark: bool) -> None:
        super().__init__(document)
        if dark:
            self.added, self.removed, self.hunk = "#81c784", "#e57373", "#64b5f6"
        else:
            self.added, self.removed, self.hunk = "#2e7d32", "#c62828", "#1565c0"
        self._formats = {
            "+": _format(self.added),
            "-": _format(self.removed),
            "@": _format(self.hunk),
        }
        self._header = QTextCharFormat()
        self._header.setFontWeight(QFont.Weight.Bold)

    def highlightBlock(self, text: str) -> None:
        if text.startswith(("+++", "---")):
            self.setFormat(0, len(text), self._header)
        elif text[:1] in self._formats:
            self.setFormat(0, len(text), self._formats[text[:1]])


class DiffDialog(QDialog):
    """Shows a unified diff read-only."""

    def __init__(self, title: str, diff: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Review changes — {title}")
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Changes a save would write")
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlainText(diff)
        dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
        self.highlighter = DiffHighlighter(self.text.document(), dark=dark)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(820, 520)

"""New entry: choose the content type, type the term; the file name follows the slug.

The dialog only asks; the window creates the file (``create_entry``), so the same
refusals (duplicate, empty slug) reach the user whichever way an entry is made. The
dialog already warns while typing when the slug's file exists.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from editor.content.new_entry import slugify


class NewEntryDialog(QDialog):
    """Asks for a schema and a term; ``values()`` gives them once accepted."""

    def __init__(
        self,
        schemas: Sequence[tuple[str, str]],  # (name, label)
        exists: Callable[[str], bool],  # is there already a file with this name?
        parent: QWidget | None = None,
        *,
        default_schema: str = "glossary",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New entry")
        self._exists = exists
        self.schema_box = QComboBox()
        self.schema_box.setAccessibleName("Content type")
        for name, label in schemas:
            self.schema_box.addItem(label, name)
        index = self.schema_box.findData(default_schema)
        if index >= 0:
            self.schema_box.setCurrentIndex(index)
        self.term = QLineEdit()
        self.term.setAccessibleName("Term")
        self.term.setPlaceholderText("e.g. Zone of possible agreement")
        self.file_label = QLabel()
        self.file_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.file_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Create")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("&Type:", self.schema_box)
        form.addRow("&Term:", self.term)
        form.addRow("", self.file_label)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.term.textChanged.connect(self._update)
        self.setMinimumWidth(420)
        # Typing starts the term: in the Type box letters would switch the content type
        # and a space would open its list.
        QWidget.setTabOrder(self.term, self.schema_box)
        self.term.setFocus()
        self._update()

    def _update(self) -> None:
        slug = slugify(self.term.text())
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if not self.term.text().strip():
            self.file_label.setText("The file is named after the term.")
            ok.setEnabled(False)
        elif not slug:
            self.file_label.setText("Use letters or digits: this term gives no file name.")
            ok.setEnabled(False)
        elif self._exists(f"{slug}.md"):
            self.file_label.setText(f"An entry named {slug}.md already exists.")
            ok.setEnabled(False)
        else:
            self.file_label.setText(f"File: {slug}.md")
            ok.setEnabled(True)

    def message(self) -> str:
        return self.file_label.text()

    def values(self) -> tuple[str, str]:
        """(schema name, term)."""
        return str(self.schema_box.currentData()), " ".join(self.term.text().split())

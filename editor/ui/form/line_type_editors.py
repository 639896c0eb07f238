"""Typed inputs built on a line of text: URL, colour (with a picker) and image/file.

The image/file editor shows a thumbnail and has a picker that copies the chosen file
into the site's uploads folder under a slugged name.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from editor.content.errors import ContentError
from editor.content.schema import Field
from editor.content.site.uploads import copy_into_uploads, local_file
from editor.ui import dialogs
from editor.ui.form.fields import LineEditor
from editor.ui.form.typed_parts import compact

_IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.gif *.webp *.svg *.avif);;All files (*)"
_THUMB = 96


class UrlEditor(LineEditor):
    """``url``: a line with a web-address hint (validated under the field)."""

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.edit.setPlaceholderText(field.help or "https://… or /path/")
        self.edit.setInputMethodHints(Qt.InputMethodHint.ImhUrlCharactersOnly)


class ColorEditor(LineEditor):
    """``color``: the value as text beside a swatch that opens a colour picker."""

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.swatch = QPushButton()
        self.swatch.setFixedWidth(36)
        self.swatch.setToolTip("Pick a colour")
        self.swatch.setAccessibleName(f"Pick {field.label}")
        self.swatch.clicked.connect(self._pick)
        self.edit.setPlaceholderText("#336699")
        self.edit.setMaximumWidth(self.edit.fontMetrics().horizontalAdvance("0") * 14 + 16)
        self.edit.textChanged.connect(self._paint)
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit)
        row.addWidget(self.swatch)
        row.addStretch(1)
        self.widget = compact(box)

    def focus_widget(self) -> QWidget:
        return self.edit

    def focus_widgets(self) -> list[QWidget]:
        return [self.edit, self.swatch]

    def _paint(self, *_: object) -> None:
        color = QColor(self.edit.text().strip())
        fill = color.name() if color.isValid() else "transparent"
        self.swatch.setStyleSheet(f"background-color: {fill}; border: 1px solid palette(mid);")

    def _pick(self) -> None:
        if self._read_only:
            return
        start = QColor(self.edit.text().strip())
        chosen = QColorDialog.getColor(start if start.isValid() else QColor("#ffffff"), self.swatch)
        if chosen.isValid():
            self.edit.setText(chosen.name())

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.swatch.setEnabled(not read_only)


class MediaEditor(LineEditor):
    """``image`` / ``file``: the path, a thumbnail (images) and a picker that copies a new
    file into the site's uploads folder under a slugged name."""

    def __init__(self, field: Field) -> None:
        super().__init__(field)
        self.site_root = ""
        self.thumbnail = QLabel()
        self.thumbnail.setFixedSize(_THUMB, _THUMB if field.kind == "image" else 24)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbnail.setFrameShape(QLabel.Shape.StyledPanel)
        self.thumbnail.setVisible(field.kind == "image")
        self.pick_button = QPushButton("Choose…")
        self.pick_button.setAccessibleName(f"Choose {field.label}")
        self.pick_button.setToolTip(f"Copy a file into {field.uploads or 'the uploads folder'}")
        self.pick_button.clicked.connect(self.pick)
        self.edit.setPlaceholderText("/images/…" if field.kind == "image" else "/files/…")
        self.edit.textChanged.connect(self._show_thumbnail)
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.thumbnail, 0, Qt.AlignmentFlag.AlignTop)
        side = QVBoxLayout()
        side.addWidget(self.edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pick_button)
        buttons.addStretch(1)
        side.addLayout(buttons)
        side.addStretch(1)
        row.addLayout(side, 1)
        self.widget = compact(box)

    def focus_widget(self) -> QWidget:
        return self.edit

    def focus_widgets(self) -> list[QWidget]:
        return [self.edit, self.pick_button]

    def set_site_root(self, root: str) -> None:
        self.site_root = root
        self._show_thumbnail()

    def local_file(self) -> Path | None:
        text = self.text().strip()
        return local_file(self.site_root, text, self.field.uploads) if self.site_root else None

    def _show_thumbnail(self, *_: object) -> None:
        if self.field.kind != "image":
            return
        text = self.text().strip()
        found = self.local_file()
        pixmap = QPixmap(str(found)) if found is not None else QPixmap()
        if not pixmap.isNull():
            self.thumbnail.setPixmap(
                pixmap.scaled(
                    _THUMB - 4, _THUMB - 4, Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )  # fmt: skip
            self.thumbnail.setToolTip(str(found))
        else:
            self.thumbnail.setPixmap(QPixmap())
            self.thumbnail.setText("Missing" if text and self.site_root else "No image")
            self.thumbnail.setToolTip("The file is not in the site" if text else "")

    def pick(self) -> None:
        """Ask for a file, copy it into the uploads folder, and point the field at it."""
        if self._read_only:
            return
        filters = _IMAGE_FILTER if self.field.kind == "image" else "All files (*)"
        source = dialogs.open_file(self.widget, f"Choose {self.field.label}", filters)
        if source is None:
            return
        if not self.site_root:
            self.edit.setText(str(source))
            return
        try:
            value = copy_into_uploads(Path(self.site_root), self.field.uploads or "uploads", source)
        except ContentError as exc:
            dialogs.error(self.widget, "Cannot copy the file", str(exc))
            return
        self.edit.setText(value)

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.pick_button.setEnabled(not read_only)

"""The search-result snippet above the page: title, breadcrumb and description as a
results page shows them, cut where the SEO rules cut them.

The title is measured in Arial 20 px (the SEO rules' pixel limit, 580 px, via the
Liberation Sans metrics of :mod:`editor.content.seo.metrics`) and cut there at a word
with " …". It is also *shown* in Arial 20 px (Liberation Sans where Arial is missing),
and a pane narrower than the title elides it again with "…" instead of clipping it
mid-word, so what the editor sees always ends in a mark when text is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QMouseEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from editor.content.document import get_path
from editor.content.schema import Schema
from editor.content.seo.metrics import text_width

TITLE_PX = 580.0
TITLE_FONT_PX = 20.0
DESCRIPTION_FONT_PX = 14.0
TITLE_CHARS = 60
DESCRIPTION_CHARS = 156
ELLIPSIS = " …"


def truncate_title(title: str, max_px: float = TITLE_PX) -> str:
    """Cut a title as a results page does: to 580 px of Arial 20 px, at a word."""
    title = " ".join(title.split())
    if text_width(title, TITLE_FONT_PX) <= max_px:
        return title
    room = max_px - text_width(ELLIPSIS, TITLE_FONT_PX)
    cut = title
    while cut and text_width(cut, TITLE_FONT_PX) > room:
        cut = cut[:-1]
    word_cut = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return word_cut.rstrip(" ,;:-") + ELLIPSIS


def truncate_description(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """Cut a description to about ``limit`` characters, at a word."""
    text = " ".join(text.replace("\\n", " ").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS) + 1]
    word_cut = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return word_cut.rstrip(" ,;:-") + ELLIPSIS


def breadcrumb(url: str) -> str:
    """``/learn/x/questions/y`` -> ``learn › x › questions › y`` as results pages show."""
    text = url.strip()
    for prefix in ("https://", "http://"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    parts = [p for p in text.split("/") if p]
    return " › ".join(parts)


def field_text(data: Mapping[str, Any], schema: Schema, role: str) -> str:
    """The text of the field with SEO ``role`` (whitespace tidied), "" when absent."""
    field = schema.seo_field(role)  # type: ignore[arg-type]
    if field is None:
        return ""
    try:
        value = get_path(data, field.path)
    except KeyError:
        return ""
    return "" if value is None else " ".join(str(value).split())


def snippet_parts(data: Mapping[str, Any], schema: Schema) -> tuple[str, str, str]:
    """(title, breadcrumb, description) of the search-result snippet, truncated."""
    title = field_text(data, schema, "title") or field_text(data, schema, "h1")
    if not title and schema.title_key:
        title = " ".join(str(data.get(schema.title_key) or "").split())
    description = field_text(data, schema, "description") or field_text(data, schema, "lead")
    url = field_text(data, schema, "slug") or str(data.get("url") or "")
    return truncate_title(title), breadcrumb(url), truncate_description(description)


def snippet_field(schema: Schema, part: str) -> str | None:
    """The form field a snippet part shows (``title``, ``url``, ``description``)."""
    roles = {"title": ("title", "h1"), "url": ("slug",), "description": ("description", "lead")}
    for role in roles[part]:
        field = schema.seo_field(role)  # type: ignore[arg-type]
        if field is not None:
            return field.path
    return schema.title_key if part == "title" else None


def arial(pixels: float) -> QFont:
    """The SEO rules' font (Arial metrics) at ``pixels`` px."""
    font = QFont("Arial")
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPixelSize(round(pixels))
    return font


class ElidedLabel(QLabel):
    """One line of plain text, elided with "…" at the right when the label is narrower."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width()
        metrics = self.fontMetrics()
        shown = self._full
        if width > 0 and metrics.horizontalAdvance(shown) > width:
            shown = metrics.elidedText(shown, Qt.TextElideMode.ElideRight, width)
        self.setText(shown)


class SearchSnippet(QFrame):
    """How the entry would show in a search results page; a click names its field."""

    clicked = Signal(str)  # "title", "url" or "description"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Search result preview")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMaximumWidth(round(TITLE_PX) + 24)  # a results column, not the pane's width
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(2)
        self.url_label = ElidedLabel()
        self.url_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.title_label = ElidedLabel()
        self.title_label.setForegroundRole(QPalette.ColorRole.Link)
        self.title_label.setFont(arial(TITLE_FONT_PX))
        self.description_label = QLabel()
        self.description_label.setWordWrap(True)
        self.description_label.setFont(arial(DESCRIPTION_FONT_PX))
        self.description_label.setTextFormat(Qt.TextFormat.PlainText)
        self.description_label.setSizePolicy(
            QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred
        )
        for label in (self.url_label, self.title_label, self.description_label):
            label.setCursor(Qt.CursorShape.PointingHandCursor)
            layout.addWidget(label)
        self.title_label.setAccessibleName("Search result title")
        self.description_label.setAccessibleName("Search result description")

    def set_parts(self, title: str, url: str, description: str) -> None:
        self.title_label.set_full_text(title or "(no SEO title)")
        self.url_label.set_full_text(url or "(no URL)")
        self.description_label.setText(description or "(no page description)")

    def texts(self) -> tuple[str, str, str]:
        """What the snippet says (the title and URL before any eliding to the pane)."""
        return (
            self.title_label.full_text(),
            self.url_label.full_text(),
            self.description_label.text(),
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:
        parts: dict[QWidget, str] = {
            self.title_label: "title",
            self.url_label: "url",
            self.description_label: "description",
        }
        child = self.childAt(event.position().toPoint())
        if child is not None and child in parts:
            self.clicked.emit(parts[child])
        super().mousePressEvent(event)

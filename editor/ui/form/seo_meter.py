"""Live length meter under the SEO title and page description.

Counts characters and the Arial pixel width the search result will use
(``editor.content.seo.metrics.text_width``) against the folder's ``SeoConfig``, so the
editor sees while typing what the bulk check will say. Green inside the limits, amber
when short, red when over; the colours are picked for the palette's light or dark base.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from editor.content.seo.config import SeoConfig
from editor.content.seo.metrics import text_width

MeterRole = Literal["title", "description"]
State = Literal["ok", "short", "over"]

# (light palette, dark palette): dark colours on light windows and the reverse.
_COLOURS: dict[State, tuple[str, str]] = {
    "ok": ("#2e7d32", "#81c784"),
    "short": ("#a15c00", "#ffb74d"),
    "over": ("#c62828", "#ef9a9a"),
}


def state_colour(state: State, palette: QPalette) -> QColor:
    """The status colour that reads well on this palette's window colour."""
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    return QColor(_COLOURS[state][1 if dark else 0])


@dataclass(frozen=True)
class Limits:
    max_chars: int
    max_px: float
    min_chars: int
    min_px: float | None
    font_px: float
    short_inclusive: bool  # description: "120 chars or fewer" is short

    @classmethod
    def for_role(cls, role: MeterRole, config: SeoConfig) -> Limits:
        if role == "title":
            return cls(
                config.title_max_chars,
                config.title_max_px,
                config.title_min_chars,
                config.title_min_px,
                config.title_font_px,
                short_inclusive=False,
            )
        return cls(
            config.description_max_chars,
            config.description_max_px,
            config.description_min_chars,
            getattr(config, "description_min_px", None),
            config.description_font_px,
            short_inclusive=True,
        )


@dataclass(frozen=True)
class Measure:
    chars: int
    px: float
    state: State


def measure(text: str, limits: Limits) -> Measure:
    """Length and state of ``text`` as a search result shows it (whitespace collapsed)."""
    shown = " ".join(text.split())
    chars = len(shown)
    px = text_width(shown, limits.font_px)
    state: State = "ok"
    if chars > limits.max_chars or px > limits.max_px:
        state = "over"
    elif (chars <= limits.min_chars if limits.short_inclusive else chars < limits.min_chars) or (
        limits.min_px is not None and px < limits.min_px
    ):
        state = "short"
    return Measure(chars, px, state)


class _Bar(QWidget):
    """A thin bar: filled to the pixel width's share of the limit, in the state colour."""

    def __init__(self) -> None:
        super().__init__()
        self.fraction = 0.0
        self.marker: float | None = None
        self.colour = QColor()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(6)

    def sizeHint(self) -> QSize:
        return QSize(120, 6)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.palette().color(QPalette.ColorRole.Mid))
        painter.drawRoundedRect(rect, 3, 3)
        if self.fraction > 0:
            filled = QRectF(rect)
            filled.setWidth(rect.width() * min(1.0, self.fraction))
            painter.setBrush(self.colour)
            painter.drawRoundedRect(filled, 3, 3)
        if self.marker is not None:
            x = rect.left() + rect.width() * self.marker
            painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
            painter.drawLine(int(x), 0, int(x), self.height())
        painter.end()


class SeoMeter(QWidget):
    """ "52 / 60 chars · 498 / 580 px" with a coloured bar; feed it with ``set_text``."""

    def __init__(self, role: MeterRole, config: SeoConfig | None = None) -> None:
        super().__init__()
        self.role: MeterRole = role
        self._limits = Limits.for_role(role, config or SeoConfig())
        self._text = ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.bar = _Bar()
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.label)
        self.setAccessibleName("SEO title length" if role == "title" else "Description length")
        self.measure = measure("", self._limits)
        self.set_text("")

    def set_config(self, config: SeoConfig) -> None:
        self._limits = Limits.for_role(self.role, config)
        self.set_text(self._text)

    @property
    def state(self) -> State:
        return self.measure.state

    def text(self) -> str:
        return self.label.text()

    def colour(self) -> QColor:
        return state_colour(self.measure.state, self.palette())

    def set_text(self, text: str) -> None:
        self._text = text
        self.measure = m = measure(text, self._limits)
        lim = self._limits
        self.label.setText(f"{m.chars} / {lim.max_chars} chars · {m.px:.0f} / {lim.max_px:.0f} px")
        colour = self.colour()
        palette = self.label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, colour)
        self.label.setPalette(palette)
        self.bar.colour = colour
        self.bar.fraction = m.px / lim.max_px if lim.max_px else 0.0
        self.bar.marker = (lim.min_px / lim.max_px) if lim.min_px and lim.max_px else None
        tip = {
            "ok": "Within the limits",
            "short": "Short: search results have room for more",
            "over": "Too long: search results will cut it off",
        }[m.state]
        self.setToolTip(tip)
        self.bar.update()

    def changeEvent(self, event: QEvent) -> None:
        """Recolour when the palette switches between light and dark."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.set_text(self._text)

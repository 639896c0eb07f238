"""The SEO length meter: counts, pixel widths and colours against the limits."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QColor, QPalette
from pytestqt.qtbot import QtBot

from editor.content.seo.config import SeoConfig
from editor.content.seo.metrics import text_width
from editor.ui.form.seo_meter import Limits, SeoMeter, measure, state_colour

CONFIG = SeoConfig()


def narrow(chars: int) -> str:
    """A title of ``chars`` characters that stays well inside the pixel limit."""
    return ("lit-" * chars)[:chars]


@pytest.fixture
def title_meter(qtbot: Any) -> SeoMeter:
    meter = SeoMeter("title")
    qtbot.addWidget(meter)
    return meter


def test_sixty_chars_is_green_sixty_one_is_red(title_meter: SeoMeter) -> None:
    at_limit = narrow(CONFIG.title_max_chars)
    assert CONFIG.title_min_px <= text_width(at_limit, CONFIG.title_font_px) <= CONFIG.title_max_px
    title_meter.set_text(at_limit)
    assert title_meter.state == "ok"
    ok_colour = title_meter.label.palette().color(QPalette.ColorRole.WindowText)
    assert ok_colour == state_colour("ok", title_meter.palette())
    px = text_width(at_limit, CONFIG.title_font_px)
    expected = f"{CONFIG.title_max_chars} / {CONFIG.title_max_chars} chars · {px:.0f} / "
    assert title_meter.text().startswith(expected)

    title_meter.set_text(narrow(CONFIG.title_max_chars + 1))
    assert title_meter.state == "over"  # type: ignore[comparison-overlap]  # set_text changed it; mypy keeps the earlier narrowing
    over_colour = title_meter.label.palette().color(QPalette.ColorRole.WindowText)
    assert over_colour == state_colour("over", title_meter.palette())
    assert over_colour != ok_colour
    assert title_meter.bar.colour == over_colour


def test_wide_letters_go_over_on_pixels_alone(title_meter: SeoMeter) -> None:
    wide = "W" * 40
    assert len(wide) <= CONFIG.title_max_chars
    assert text_width(wide, CONFIG.title_font_px) > CONFIG.title_max_px
    title_meter.set_text(wide)
    assert title_meter.state == "over"


def test_short_titles_are_amber(title_meter: SeoMeter) -> None:
    title_meter.set_text(narrow(CONFIG.title_min_chars - 1))
    assert title_meter.state == "short"
    title_meter.set_text("")
    assert title_meter.state == "short"
    assert title_meter.text().startswith("0 / ")


def test_description_limits(qtbot: QtBot) -> None:
    meter = SeoMeter("description", CONFIG)
    qtbot.addWidget(meter)
    meter.set_text(narrow(CONFIG.description_min_chars))
    assert meter.state == "short"  # "120 characters or fewer" is short
    meter.set_text(narrow(CONFIG.description_min_chars + 1))
    assert meter.state == "ok"  # type: ignore[comparison-overlap]  # set_text changed it; mypy keeps the earlier narrowing
    meter.set_text(narrow(CONFIG.description_max_chars + 1))
    assert meter.state == "over"
    assert meter.text().startswith(f"{CONFIG.description_max_chars + 1} / ")


def test_config_from_the_folder_changes_the_limits(title_meter: SeoMeter) -> None:
    title_meter.set_text(narrow(50))
    assert title_meter.state == "ok"
    title_meter.set_config(SeoConfig(title_max_chars=40))
    assert title_meter.state == "over"  # type: ignore[comparison-overlap]  # set_text changed it; mypy keeps the earlier narrowing
    assert "/ 40 chars" in title_meter.text()


def test_colours_follow_a_dark_palette() -> None:
    light, dark = QPalette(), QPalette()
    light.setColor(QPalette.ColorRole.Window, QColor("#f0f0f0"))
    dark.setColor(QPalette.ColorRole.Window, QColor("#202020"))
    for state in ("ok", "short", "over"):
        assert state_colour(state, dark).lightness() > state_colour(state, light).lightness()


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=120))
def test_measure_agrees_with_the_limits(text: str) -> None:
    limits = Limits.for_role("title", CONFIG)
    result = measure(text, limits)
    shown = " ".join(text.split())
    assert result.chars == len(shown)
    over = result.chars > CONFIG.title_max_chars or result.px > CONFIG.title_max_px
    short = result.chars < CONFIG.title_min_chars or result.px < CONFIG.title_min_px
    assert result.state == ("over" if over else "short" if short else "ok")

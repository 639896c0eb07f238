"""Rendered width of a string in an Arial-metric font, for the SEO pixel limits.

Search results cut titles and descriptions by width in Arial, not by character count.
The advance widths come from ``resources/metrics/liberation-sans-widths.json`` (Liberation
Sans, Arial's metric twin, read with fontTools by ``tools/make_font_metrics.py``), so no
font and no Qt are needed at run time. Written by hand because no library measures text
from a width table: fontTools reads fonts but does not lay out strings, and a shaping
engine (HarfBuzz, Qt) would need the font file and be far slower for a bulk check.
Kerning is ignored, as Yoast and Screaming Frog do.
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache

from editor.paths import resources_dir

WIDTHS_FILE = "liberation-sans-widths.json"


class _WidthTable(dict[str, int]):
    """Advance width (font units) per character; unknown characters get a fallback once."""

    def __init__(self, widths: dict[str, int], units_per_em: int) -> None:
        super().__init__(widths)
        self.units_per_em = units_per_em
        lower = [widths[c] for c in "abcdefghijklmnopqrstuvwxyz" if c in widths]
        self.average_lower = round(sum(lower) / len(lower)) if lower else units_per_em // 2

    def __missing__(self, char: str) -> int:
        width = self.fallback(char)
        self[char] = width
        return width

    def fallback(self, char: str) -> int:
        """Zero for marks and controls, a full em for wide (CJK, emoji), else average."""
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf", "Cc"):
            return 0
        if unicodedata.east_asian_width(char) in ("W", "F"):
            return self.units_per_em
        return self.average_lower


def _load_table() -> _WidthTable:
    raw = json.loads((resources_dir() / "metrics" / WIDTHS_FILE).read_text(encoding="utf-8"))
    widths: dict[str, int] = {}
    for start, run in raw["ranges"]:
        for offset, width in enumerate(run):
            widths[chr(start + offset)] = int(width)
    return _WidthTable(widths, int(raw["units_per_em"]))


_TABLE = _load_table()


def _ascii_tables() -> tuple[bytes, bytes]:
    """The ASCII characters' widths as two ``bytes.translate`` tables, high and low byte."""
    widths = [_TABLE[chr(code)] for code in range(128)]
    if not all(0 <= width < 1 << 16 for width in widths):  # pragma: no cover - font data
        raise ValueError(f"{WIDTHS_FILE}: an ASCII advance width out of range")
    high = bytes(width >> 8 for width in widths) + bytes(128)
    low = bytes(width & 0xFF for width in widths) + bytes(128)
    return high, low


_ASCII_HIGH, _ASCII_LOW = _ascii_tables()


@lru_cache(maxsize=8192)
def text_units(text: str) -> int:
    """Sum of advance widths in font units; cached because titles repeat across a corpus.

    ASCII text (most titles) is summed in C: two translations of its bytes to the widths'
    high and low bytes, each summed, instead of a table lookup per character.
    """
    if text.isascii():
        data = text.encode("ascii")
        return (sum(data.translate(_ASCII_HIGH)) << 8) + sum(data.translate(_ASCII_LOW))
    return sum(map(_TABLE.__getitem__, text))


def text_width(text: str, size_px: float) -> float:
    """Width in CSS pixels of ``text`` set in Arial at ``size_px`` (no kerning, no wrapping)."""
    return text_units(text) * size_px / _TABLE.units_per_em


def char_units(char: str) -> int:
    """Advance width of one character in font units (fallback for ones the table lacks)."""
    return _TABLE[char]


def units_per_em() -> int:
    return _TABLE.units_per_em

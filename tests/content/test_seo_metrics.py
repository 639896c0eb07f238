"""Pixel widths: the committed table matches the font, and widths behave like widths."""

from __future__ import annotations

import importlib.util
import json
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.content.seo.metrics import char_units, text_width, units_per_em
from editor.paths import resources_dir

REPO_ROOT = Path(__file__).resolve().parents[2]
TABLE = resources_dir() / "metrics" / "liberation-sans-widths.json"


def _tool() -> ModuleType:  # tools/ is not a package: load the generator script by path
    spec = importlib.util.spec_from_file_location(
        "make_font_metrics", REPO_ROOT / "tools" / "make_font_metrics.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def font_path() -> Path:
    found: Path | None = _tool().find_font()
    if found is None:
        pytest.skip("Liberation Sans is not installed (apt-get install fonts-liberation2)")
    # The table was made from one release; another (Debian's fonts-liberation is 1.x)
    # has other widths, so only the same release can reproduce it.
    from fontTools.ttLib import TTFont

    with TTFont(str(found)) as font:
        version = font["name"].getDebugName(5) or ""
    source = json.loads(TABLE.read_text(encoding="utf-8"))["source"]
    if version.split(";")[0] not in source:
        pytest.skip(f"the installed Liberation Sans is {version!r}, the table's is another")
    return found


def test_table_names_its_source_and_covers_the_scripts_we_write() -> None:
    raw = json.loads(TABLE.read_text(encoding="utf-8"))
    assert "Liberation Sans" in raw["source"]
    covered = {start + i for start, run in raw["ranges"] for i in range(len(run))}
    for text in (
        "Strategic leverage",
        "naïve façade",
        "Ωμέγα",
        "/strəˈtiːdʒɪk ˈlɛvərɪdʒ/",
        "“quoted” — dash…",
        "Łódź Ærø",
    ):
        missing = [c for c in text if ord(c) not in covered]
        assert not missing, f"{text!r}: no width for {missing}"


def test_widths_match_the_font_read_with_fonttools(font_path: Path) -> None:
    from fontTools.ttLib import TTFont

    with TTFont(str(font_path)) as font:
        cmap, hmtx, upm = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    assert units_per_em() == upm
    for char in "Wi .mé–ɪˈΩ":
        expected = hmtx[cmap[ord(char)]][0]
        assert char_units(char) == expected
        assert text_width(char, 20) == pytest.approx(expected * 20 / units_per_em())


def test_generator_reproduces_the_committed_table(font_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "widths.json"
    assert _tool().main([str(font_path), "-o", str(out)]) == 0
    assert json.loads(out.read_text()) == json.loads(TABLE.read_text(encoding="utf-8"))


def test_wide_letters_are_wider() -> None:
    assert text_width("W", 20) > text_width("n", 20) > text_width("i", 20) > 0
    assert text_width("WWWW", 20) > text_width("iiii", 20)
    assert text_width("", 20) == 0


def test_fallbacks_for_characters_the_font_lacks() -> None:
    em = units_per_em()
    for wide in ("漢", "字", "😀", "ア"):
        assert unicodedata.east_asian_width(wide) in ("W", "F")
        assert text_width(wide, 20) == pytest.approx(20.0)
    assert char_units("\u200b") == 0  # zero-width space: a format character
    assert char_units("\u0301") == 0  # combining acute accent
    lower = [char_units(c) for c in "abcdefghijklmnopqrstuvwxyz"]
    assert char_units("\U0001d400") == round(sum(lower) / len(lower)) < em  # math bold A


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40), st.floats(min_value=1, max_value=100))
def test_width_adds_up_and_scales_with_size(a: str, b: str, size: float) -> None:
    assert text_width(a + b, size) == pytest.approx(text_width(a, size) + text_width(b, size))
    assert text_width(a, size * 2) == pytest.approx(2 * text_width(a, size))

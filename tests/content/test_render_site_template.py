"""The site's page template is read through the file layer: bounded, UTF-8 checked, and
a broken one named by file, line and column (never a Jinja traceback)."""

from __future__ import annotations

from pathlib import Path

import pytest

from editor.content.errors import ContentError
from editor.content.render import render_page
from editor.content.render_config import load_render_config
from editor.content.render_template import TEMPLATE_MAX_BYTES
from editor.content.schema import SchemaRegistry

DATA = {"title": "Quorum", "definition": "Enough members."}


@pytest.fixture
def registry() -> SchemaRegistry:
    return SchemaRegistry.load(None)


def _render(tmp_path: Path, registry: SchemaRegistry, template: bytes) -> str:
    folder = tmp_path / "site"
    (folder / "layouts").mkdir(parents=True, exist_ok=True)
    (folder / "layouts" / "entry.html.j2").write_bytes(template)
    (folder / "glossary-editor.yaml").write_text("render:\n  template: layouts/entry.html.j2\n")
    config = load_render_config(folder)
    return render_page(DATA, "", registry["glossary"], config=config)


def test_a_good_site_template_renders(tmp_path: Path, registry: SchemaRegistry) -> None:
    page = _render(tmp_path, registry, b'{% extends "base.html.j2" %}{% block content %}'
                   b"<b>{{ title }}</b>{% endblock %}")  # fmt: skip
    assert "<b>Quorum</b>" in page


@pytest.mark.parametrize(
    ("template", "line", "column", "words"),
    [
        (b"<p>\n  <b>{{ title }</b>\n", 2, 6, "unexpected"),
        (b"<p>\n{% for x in data %}\n  {{ x }}\n", 3, 10, "endfor"),
        (b"<p>\n\n   {% frobnicate %}\n", 3, 4, "frobnicate"),
    ],
)
def test_a_broken_template_is_named_by_file_line_and_column(
    tmp_path: Path, registry: SchemaRegistry, template: bytes, line: int, column: int, words: str
) -> None:
    with pytest.raises(ContentError) as caught:
        _render(tmp_path, registry, template)
    error = caught.value
    assert error.path is not None and Path(error.path).name == "entry.html.j2"
    assert (error.line, error.column) == (line, column)
    assert words in error.message.lower()
    assert str(error).startswith(f"{error.path}:{line}:{column}: the page template")


def test_a_template_that_is_not_utf8_is_named_by_line_and_column(
    tmp_path: Path, registry: SchemaRegistry
) -> None:
    with pytest.raises(ContentError, match="not UTF-8") as caught:
        _render(tmp_path, registry, b"<p>\n<b>caf\xe9</b>\n")
    assert (caught.value.line, caught.value.column) == (2, 7)


def test_a_binary_template_is_refused(tmp_path: Path, registry: SchemaRegistry) -> None:
    with pytest.raises(ContentError, match="binary"):
        _render(tmp_path, registry, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_a_huge_template_is_refused_unread(tmp_path: Path, registry: SchemaRegistry) -> None:
    with pytest.raises(ContentError, match="over"):
        _render(tmp_path, registry, b"<p>{{ title }}</p>\n" * (TEMPLATE_MAX_BYTES // 10))


def test_a_changed_template_is_read_again(tmp_path: Path, registry: SchemaRegistry) -> None:
    assert "<b>Quorum</b>" in _render(tmp_path, registry, b"<b>{{ title }}</b>")
    template = tmp_path / "site" / "layouts" / "entry.html.j2"
    template.write_bytes(b"<i>{{ title }}</i>, longer")
    config = load_render_config(tmp_path / "site")
    assert "<i>Quorum</i>" in render_page(DATA, "", registry["glossary"], config=config)


@pytest.mark.parametrize(
    "top",
    [
        b'{% extends "broken.html.j2" %}{% block content %}{{ title }}{% endblock %}',
        b'<p>{{ title }}</p>\n{% include "broken.html.j2" %}\n',
        b'{% import "broken.html.j2" as parts %}<p>{{ title }}</p>\n',
    ],
)
def test_a_broken_template_it_extends_or_includes_is_named_by_its_place(
    tmp_path: Path, registry: SchemaRegistry, top: bytes
) -> None:
    """The site template parses; the one it extends, includes or imports does not (Jinja
    reads those while rendering): the same :class:`ContentError`, naming that file."""
    (tmp_path / "site" / "layouts").mkdir(parents=True)
    (tmp_path / "site" / "layouts" / "broken.html.j2").write_bytes(
        b"<main>\n  <b>{{ title }</b>\n</main>\n"
    )
    with pytest.raises(ContentError) as caught:
        _render(tmp_path, registry, top)
    error = caught.value
    assert error.path is not None and Path(error.path).name == "broken.html.j2"
    assert (error.line, error.column) == (2, 6)
    assert "unexpected" in error.message.lower()
    assert str(error).startswith(f"{error.path}:2:6: the page template does not parse")

"""Raw HTML in Markdown: sanitised by default, escaped or allowed per site; no script runs.

The hostile sample and its expected pages (one per ``raw_html`` mode) live in
``tests/_reference/hostile-html.*``; regenerate after an intended change with
``UPDATE_REFERENCE=1 pytest tests/content/test_sanitise.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from editor.cli import main as cli_main
from editor.content.document import load_entry
from editor.content.errors import ContentError
from editor.content.markdown_sanitise import RAW_HTML_MODES, safe_url, sanitise_html
from editor.content.render import render_markdown, render_page
from editor.content.render_config import RenderConfig, load_render_config, parse_render_config
from editor.content.schema import SchemaRegistry
from editor.paths import sample_content_dir

REFERENCE = Path(__file__).resolve().parent.parent / "_reference"
HOSTILE = REFERENCE / "hostile-html.md"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
CSP = "default-src 'none'"


@pytest.fixture(scope="module")
def registry() -> SchemaRegistry:
    return SchemaRegistry.load()


class _Active(HTMLParser):
    """Everything in a page that could run script, navigate by itself or load a frame."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.csp: list[str] = []
        self._script_type: str | None = None
        self._in_head = False  # the page's own <style> sits there

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self._in_head = self._in_head or tag == "head"
        if tag == "script":
            self._script_type = values.get("type", "")
            if self._script_type != "application/ld+json" or "src" in values:
                self.problems.append(f"script {values}")
        if tag in {"iframe", "frame", "object", "embed", "base", "form", "link", "style"}:
            own = (tag == "link" and values.get("rel") == "canonical") or (
                tag == "style" and self._in_head
            )
            if not own:
                self.problems.append(tag)
        if tag == "meta" and "http-equiv" in values:
            if values["http-equiv"].lower() == "content-security-policy":
                self.csp.append(values.get("content", ""))
            else:
                self.problems.append(f"meta http-equiv={values['http-equiv']}")
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name in URL_ATTRIBUTES:
                scheme = re.match(r"([a-z][a-z0-9+.\-]*):", re.sub(r"[\x00-\x20]", "", value), re.I)
                if scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
                    self.problems.append(f"{tag} {name}={value!r}")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self._script_type == "application/ld+json":
            json.loads(data)  # a data block, never code

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script_type = None
        if tag == "head":
            self._in_head = False


def active_content(html: str) -> list[str]:
    parser = _Active()
    parser.feed(html)
    parser.close()
    return parser.problems


def page_csp(html: str) -> list[str]:
    parser = _Active()
    parser.feed(html)
    return parser.csp


def render_hostile(registry: SchemaRegistry, mode: Any) -> str:
    entry = load_entry(HOSTILE)
    return render_page(entry.data, entry.body, registry.for_data(entry.data), raw_html=mode)


# --- the hostile sample ----------------------------------------------------------------


@pytest.mark.parametrize("mode", RAW_HTML_MODES)
def test_hostile_sample_matches_reference(mode: Any, registry: SchemaRegistry) -> None:
    page = render_hostile(registry, mode)
    expected = REFERENCE / f"hostile-html.{mode}.html"
    if os.environ.get("UPDATE_REFERENCE"):
        expected.write_text(page, encoding="utf-8", newline="\n")
    assert page == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize("mode", ["sanitise", "escape"])
def test_hostile_sample_has_no_active_content(mode: Any, registry: SchemaRegistry) -> None:
    page = render_hostile(registry, mode)
    assert active_content(page) == []
    # What is harmless stays: text, emphasis, the safe link, tables, code, math.
    assert "<strong>bold</strong>" in page
    assert '<a href="https://example.org/ok" title="fine">ok</a>' in page
    assert '<a href="/learn/good">Good link</a>' in page
    assert '<td style="text-align:left"><b>1</b></td>' in page or mode == "escape"
    assert "kept as code" in page
    assert 'class="math"' in page


def test_sanitise_keeps_harmless_raw_html_and_escape_shows_it(registry: SchemaRegistry) -> None:
    sanitised = render_hostile(registry, "sanitise")
    assert "<details><summary>More</summary>Kept</details>" in sanitised
    assert '<span style="color:red">styled</span>' in sanitised  # position:fixed dropped
    escaped = render_hostile(registry, "escape")
    assert "&lt;details&gt;" in escaped
    assert "&lt;script&gt;alert" in escaped


def test_allow_publishes_raw_html_but_the_page_forbids_script(registry: SchemaRegistry) -> None:
    page = render_hostile(registry, "allow")
    assert '<iframe src="https://evil.example/frame"></iframe>' in page
    assert active_content(page)  # as written
    # Template URLs are checked whatever the mode: front matter is not raw HTML.
    assert "javascript:alert('related')" not in page
    assert "javascript:alert(&#39;canonical&#39;)" not in page
    assert "Bad link" in page  # shown, not linked


@pytest.mark.parametrize("mode", RAW_HTML_MODES)
def test_every_page_forbids_scripts(mode: Any, registry: SchemaRegistry) -> None:
    for page in (
        render_hostile(registry, mode),
        render_page({"title": "x"}, "", registry["default"], raw_html=mode),
    ):
        csp = page_csp(page)
        assert len(csp) == 1 and csp[0].startswith(CSP + ";")
        assert "script-src" not in csp[0] and "unsafe-eval" not in csp[0]
        # Before anything content can put into the page.
        assert page.index("Content-Security-Policy") < page.index("<title>")


# --- the pipeline's own output is kept -------------------------------------------------


BOOLEAN = {"checked", "disabled", "open"}
VOID = {"br", "hr", "img", "input", "col", "wbr"}


class _Events(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[Any, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # nh3 writes style without spaces ("color:red") and boolean attributes with a
        # value (checked=""); what a browser reads is the same.
        norm = [
            (k, (v or "").replace(" ", "") if k == "style" else k in BOOLEAN or v) for k, v in attrs
        ]
        self.events.append(("start", tag, tuple(sorted(norm, key=str))))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)  # <br /> and <br> are the same element

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID:
            self.events.append(("end", tag))

    def handle_data(self, data: str) -> None:
        if self.events and self.events[-1][0] == "data":
            self.events[-1] = ("data", self.events[-1][1] + data)
        else:
            self.events.append(("data", data))


def events(html: str) -> list[tuple[Any, ...]]:
    parser = _Events()
    parser.feed(html)
    parser.close()
    return parser.events


def _content_files() -> list[Path]:
    """The samples, and the shared real content beside the checkout when it is there."""
    real = Path(__file__).resolve().parents[3] / "shared" / "real_content"
    files = sorted(sample_content_dir().glob("*.md"))
    return files + sorted(p for p in real.glob("*.md") if p.name != "SOURCES.md")


def test_sanitising_keeps_everything_the_pipeline_emits() -> None:
    """Highlighted code, math, tables, lists... of every sample and real file survive."""
    files = _content_files()
    assert len(files) >= 10
    for path in files:
        entry = load_entry(path)
        schema = SchemaRegistry.load(path.parent).for_data(entry.data)
        allowed = render_page(entry.data, entry.body, schema, raw_html="allow")
        sanitised = render_page(entry.data, entry.body, schema)
        assert events(sanitised) == events(allowed), path.name
        assert active_content(sanitised) == [], path.name


def test_common_extensions_output_is_kept() -> None:
    """Heading ids, footnotes, definitions, details...: ready if the pipeline grows."""
    import markdown

    extensions = ["footnotes", "toc", "attr_list", "def_list", "abbr", "admonition"]
    md = markdown.Markdown(extensions=[*extensions, "pymdownx.details"])
    html = md.convert(
        "# Head {#custom}\n\nText[^1] with *HTML*.\n\n*[HTML]: Hyper Text\n\n"
        'Term\n:   Def\n\n!!! note "Title"\n    body\n\n'
        '??? info "More"\n    hidden\n\n[^1]: The note.'
    )
    assert 'id="custom"' in html and "footnote" in html and "<details" in html
    assert events(sanitise_html(html)) == events(html)


def test_code_block_inside_a_list_paragraph_is_valid_html() -> None:
    """A fence right under a line of text sat in the <p>: a browser split it there."""
    html = render_markdown("1. Run:\n   ```bash\n   ls\n   ```\n   then $$x$$\n   and more")
    assert not re.search(r"<p>(?:(?!</p>).)*<div", html, re.S)
    assert "<p>" not in html.split('class="highlight"')[1].split("</div>")[0]
    assert events(sanitise_html(html)) == events(html)


# --- property: nothing active ever survives --------------------------------------------

FRAGMENTS = [
    "<script>alert(1)</script>", "<SCRIPT SRC=//evil.example/x.js>", "<scr<script>ipt>",
    "<img src=x onerror=alert(1)>", "<iframe src=//e.example>", "<svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">', "<a href=' jav&#x09;ascript:x'>", "[l](javascript:x)",
    "[l](JAVASCRIPT:x)", "[d](data:text/html,x)", "![i](javascript:x)",
    "<meta http-equiv=refresh content=0>",
    "<object data=x>", "<embed src=x>", "<form action=//e>", "<base href=//e>",
    '<div style="background:url(javascript:x)">', "<math><mi xlink:href=javascript:x>",
    "<!--", "-->", "<![CDATA[", "]]>", "`", "```\n", "$", "\\n", "\n", "\n\n", "- ", "1. ",
    "> ", "| a |\n|---|\n", "**", "<", ">", '"', "'", "=", "&#", "&lt;", ":", "on", "click=",
]  # fmt: skip


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet="abc <>/=\"':-\n&#;", max_size=8)),
        max_size=14,
    ).map("".join),
    st.sampled_from(["sanitise", "escape"]),
)
@example("a :", "sanitise")  # a canonical URL read as the scheme "a" once spaces go
def test_no_script_handler_or_script_url_survives(text: str, mode: Any) -> None:
    html = render_markdown(text, raw_html=mode)
    assert active_content(html) == []
    lowered = html.lower()
    assert "<script" not in lowered
    # An attribute named on*; quoted values (data-tex="&lt;img onerror=...") are text.
    unquoted = re.sub(r'"[^"]*"|\'[^\']*\'', '""', lowered)
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", unquoted)
    page = render_page({"title": text, "question": text, "answer": text, "url": text},
                       text, SchemaRegistry.load()["default"], raw_html=mode)  # fmt: skip
    assert active_content(page) == []


# --- URLs the templates link to --------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("/glossary/term", True),
        ("term", True),
        ("#top", True),
        ("https://example.org/a?b=c", True),
        ("mailto:a@example.org", True),
        ("javascript:alert(1)", False),
        ("  JavaScript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("\x01javascript:alert(1)", False),
        ("data:text/html,x", False),
        ("vbscript:x", False),
    ],
)
def test_safe_url(url: str, kept: bool) -> None:
    assert safe_url(url) == (url if kept else "")


# --- the per-site setting -----------------------------------------------------------


def test_render_config_defaults_and_modes(tmp_path: Path) -> None:
    assert load_render_config(None) == RenderConfig("sanitise")
    assert load_render_config(tmp_path) == RenderConfig("sanitise")
    assert parse_render_config("seo:\n  title_max_chars: 50\n") == RenderConfig("sanitise")
    assert parse_render_config("render:\n") == RenderConfig("sanitise")
    for mode in RAW_HTML_MODES:
        (tmp_path / "glossary-editor.yaml").write_text(f"render:\n  raw_html: {mode}\n")
        assert load_render_config(tmp_path).raw_html == mode


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        (
            "render:\n  raw_html: unsafe\n",
            "render.raw_html must be one of sanitise, escape, allow",
            2,
        ),
        ("render:\n  raw: allow\n", "unknown setting render.raw", 2),
        ("render: allow\n", "'render' must be a mapping", 1),
        ("render:\n  raw_html: allow\n  raw_html: escape\n", "set twice", 3),
    ],
)
def test_render_config_mistakes_name_their_line(text: str, message: str, line: int) -> None:
    with pytest.raises(ContentError, match=re.escape(message)) as caught:
        parse_render_config(text, "glossary-editor.yaml")
    assert caught.value.line == line


def test_cli_render_follows_the_site_setting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "site"
    (folder / ".glossary-editor").mkdir(parents=True)
    entry = folder / "entry.md"
    entry.write_text(
        "---\n_schema: default\ntitle: T\nanswer: a <b>b</b> <script>x</script>\n---\n"
    )
    assert cli_main(["render", str(entry)]) == 0
    assert "a <b>b</b> </p>" in capsys.readouterr().out
    (folder / "glossary-editor.yaml").write_text("render:\n  raw_html: escape\n")
    assert cli_main(["render", str(entry)]) == 0
    assert "a &lt;b&gt;b&lt;/b&gt; &lt;script&gt;x&lt;/script&gt;" in capsys.readouterr().out

"""Page rendering: expected-output files, escaping, JSON-LD, literal newlines, math, code.

The expected pages live in ``tests/_reference/<sample>.html``. After an intended change
to the templates, CSS or Markdown pipeline, regenerate them with

    UPDATE_REFERENCE=1 pytest tests/content/test_render.py

and review the diff before committing.
"""

from __future__ import annotations

import json
import os
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from editor.content.document import load_entry
from editor.content.errors import ContentError
from editor.content.markdown_lists import normalize_list_indent
from editor.content.markdown_math import expand_literal_newlines
from editor.content.render import format_date, render_markdown, render_page
from editor.content.render_config import RenderConfig, load_render_config
from editor.content.schema import SchemaRegistry, generic_schema
from editor.paths import sample_content_dir

REFERENCE = Path(__file__).resolve().parent.parent / "_reference"
REFERENCE_SAMPLES = [
    "strategic-leverage",
    "soft-power",
    "how-does-game-theory-model-coercive-diplomacy",
]


@pytest.fixture(scope="module")
def registry() -> SchemaRegistry:
    return SchemaRegistry.load()


def render_file(path: Path, registry: SchemaRegistry) -> str:
    entry = load_entry(path)
    return render_page(entry.data, entry.body, registry.for_data(entry.data))


def json_ld(page: str) -> Any:
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert m is not None
    return json.loads(m.group(1))


class _Tags(HTMLParser):
    """Collects (tag, attrs, text) so tests can look at the page's structure."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[tuple[str, dict[str, str | None], str]] = []
        self._open: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.items.append((tag, dict(attrs), ""))
        self._open.append(len(self.items) - 1)

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            index = self._open.pop()
            if self.items[index][0] == tag:
                break

    def handle_data(self, data: str) -> None:
        for index in self._open:
            tag, attrs, text = self.items[index]
            self.items[index] = (tag, attrs, text + data)

    def texts(self, tag: str) -> list[str]:
        return [" ".join(text.split()) for t, _a, text in self.items if t == tag]


def tags(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    return parser


# --- expected output -----------------------------------------------------------------


@pytest.mark.parametrize("name", REFERENCE_SAMPLES)
def test_sample_matches_reference(name: str, registry: SchemaRegistry) -> None:
    page = render_file(sample_content_dir() / f"{name}.md", registry)
    expected = REFERENCE / f"{name}.html"
    if os.environ.get("UPDATE_REFERENCE"):
        expected.parent.mkdir(exist_ok=True)
        expected.write_text(page, encoding="utf-8", newline="\n")
    assert page == expected.read_text(encoding="utf-8")


def test_every_sample_renders_with_its_sections(registry: SchemaRegistry) -> None:
    for path in sorted(sample_content_dir().glob("*.md")):
        entry = load_entry(path)
        page = render_file(path, registry)
        parsed = tags(page)
        assert parsed.texts("h1") == [" ".join(str(entry.data["title"]).split())]
        if entry.data["_schema"] == "glossary":
            term = entry.data["title"]
            assert parsed.texts("h2")[:4] == [
                "Definition",
                f"What Is {term}?",
                f"Why Does {term} Matter?",
                "Conceptual Context",
            ]
            assert entry.data["pronunciation"] in page


# --- head, escaping, JSON-LD ---------------------------------------------------------


def test_head_uses_seo_fields_and_falls_back_to_title(registry: SchemaRegistry) -> None:
    data: dict[str, Any] = {
        "_schema": "glossary",
        "title": "Quorum",
        "definition": "Enough members.",
        "url": "/glossary/quorum",
        "seo": {"page_description": "What a quorum is.", "page_keywords": "quorum, vote"},
    }
    page = render_page(data, "", registry["glossary"])
    parsed = tags(page)
    assert parsed.texts("title") == ["Quorum"]
    metas = {a.get("name"): a.get("content") for t, a, _ in parsed.items if t == "meta"}
    assert metas["description"] == "What a quorum is."
    assert metas["keywords"] == "quorum, vote"
    links = [a for t, a, _ in parsed.items if t == "link"]
    assert links == [{"rel": "canonical", "href": "/glossary/quorum"}]

    data["seo"]["title"] = "Quorum rules explained"
    assert tags(render_page(data, "", registry["glossary"])).texts("title") == [
        "Quorum rules explained"
    ]


def test_script_in_title_and_fields_is_escaped(registry: SchemaRegistry) -> None:
    evil = "<script>alert('x')</script>"
    data = {
        "_schema": "glossary",
        "title": evil,
        "definition": "plain",
        "faq": [{"question": evil, "answer": "fine"}],
        "seo": {"title": evil},
    }
    page = render_page(data, "", registry["glossary"])
    scripts = [t for t, _a, _ in tags(page).items if t == "script"]
    assert scripts == ["script"]  # only the JSON-LD block
    assert "&lt;script&gt;alert(" in page
    assert (
        "</script>" not in page.split('type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    )
    assert json_ld(page)["@graph"][0]["name"] == evil


def test_glossary_json_ld_has_term_and_answered_faq(registry: SchemaRegistry) -> None:
    page = render_file(sample_content_dir() / "soft-power.md", registry)
    entry = load_entry(sample_content_dir() / "soft-power.md")
    data = json_ld(page)
    term, faq_page = data["@graph"]
    assert term["@type"] == "DefinedTerm"
    assert term["name"] == entry.data["title"]
    assert term["description"] == entry.data["definition"]
    answered = [item for item in entry.data["faq"] if item.get("answer")]
    assert len(answered) < len(entry.data["faq"])  # the sample has an unanswered item
    assert [q["name"] for q in faq_page["mainEntity"]] == [i["question"] for i in answered]
    # The unanswered question is still shown, without an answer.
    questions = tags(page).texts("dt")
    assert [i["question"] for i in entry.data["faq"]] == questions


def test_qa_json_ld_is_qapage(registry: SchemaRegistry) -> None:
    path = sample_content_dir() / "how-does-a-batna-shape-negotiating-power.md"
    entry = load_entry(path)
    data = json_ld(render_file(path, registry))
    assert data["@type"] == "QAPage"
    assert data["mainEntity"]["name"] == entry.data["question"]
    assert data["mainEntity"]["datePublished"] == entry.data["date"].isoformat()
    assert "\\n" not in data["mainEntity"]["acceptedAnswer"]["text"]


def test_empty_sections_are_left_out(registry: SchemaRegistry) -> None:
    data = {
        "_schema": "glossary",
        "title": "Demarche",
        "definition": "A formal step.",
        "what_is": "",
        "faq": [],
        "related": [],
    }
    parsed = tags(render_page(data, "\n&nbsp;", registry["glossary"]))
    assert parsed.texts("h2") == ["Definition"]
    assert not [t for t, _a, _ in parsed.items if t in ("dl", "ul")]


def test_posted_on_line_uses_date_format(registry: SchemaRegistry) -> None:
    path = sample_content_dir() / "how-does-a-batna-shape-negotiating-power.md"
    entry = load_entry(path)
    posted = [
        t for t, a, _ in tags(render_file(path, registry)).items if a.get("class") == "posted"
    ]
    assert posted
    expected = format_date(entry.data["date"], entry.data["date_format"])
    assert expected in tags(render_file(path, registry)).texts("p")[1]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("MMM DD, YYYY", "Nov 07, 2024"),
        ("D MMMM YY", "7 November 24"),
        ("dddd YYYY-MM-DD", "Thursday 2024-11-07"),
        (None, "2024-11-07"),
    ],
)
def test_format_date(pattern: str | None, expected: str) -> None:
    import datetime as dt

    assert format_date(dt.date(2024, 11, 7), pattern) == expected
    assert format_date("2024-11-07", pattern) == expected


def test_generic_schema_lists_fields() -> None:
    data = {
        "_schema": "recipe",
        "title": "Tea",
        "steps": ["Boil", "Steep"],
        "notes": "Use *fresh* water.\n\nNot boiling.",
    }
    page = render_page(data, "", generic_schema(data, "recipe"))
    parsed = tags(page)
    assert parsed.texts("h1") == ["Tea"]
    assert {"Steps", "Notes"} <= set(parsed.texts("dt"))
    assert parsed.texts("li") == ["Boil", "Steep"]


def test_related_titles_given_by_caller_are_used(registry: SchemaRegistry) -> None:
    data = {"_schema": "glossary", "title": "X", "related": ["/glossary/batna", "/glossary/zopa"]}
    page = render_page(data, "", registry["glossary"], link_titles={"/glossary/batna": "BATNA"})
    links = [(a["href"], text) for t, a, text in tags(page).items if t == "a"]
    assert links == [("/glossary/batna", "BATNA"), ("/glossary/zopa", "Zopa")]


# --- Markdown: literal newlines, math, code -------------------------------------------


def test_literal_newlines_make_paragraphs_and_breaks() -> None:
    html = render_markdown(r"First para.\n\nSecond para.\n- one\n- two", literal_newlines=True)
    parsed = tags(html)
    assert parsed.texts("p") == ["First para.", "Second para."]
    assert parsed.texts("li") == ["one", "two"]
    # Without the flag the sequence is text.
    assert tags(render_markdown(r"a\n\nb")).texts("p") == [r"a\n\nb"]


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        # A row separator followed by a literal \n: the \\ stays, a line break follows.
        (
            r"$$\nA = \begin{pmatrix}\na & b \\\nc & d\n\end{pmatrix}\n$$",
            "$$\nA = \\begin{pmatrix}\na & b \\\\\nc & d\n\\end{pmatrix}\n$$",
        ),
        # TeX commands starting with n inside math are kept...
        (r"$\text{det}(A) \neq 0$", r"$\text{det}(A) \neq 0$"),
        (r"\(f(c) \neq 0\)\nnext", "\\(f(c) \\neq 0\\)\nnext"),
        (r"\[ \nabla V \nu \not= 0 \]", r"\[ \nabla V \nu \not= 0 \]"),
        # ...but not after a row separator or right after an opening $$.
        (r"$$x \\\nu$$", "$$x \\\\\nu$$"),
        (r"$$\neq$$", "$$\neq$$"),
        # Outside math every \n is a line break, even before "not".
        (r"end.\nnot here", "end.\nnot here"),
        # Code keeps its text but gets real lines.
        ("```bash\\necho '$USER'\\n```", "```bash\necho '$USER'\n```"),
        # An escaped backslash before n is not a newline.
        (r"C:\\new", r"C:\\new"),
    ],
)
def test_expand_literal_newlines(literal: str, expected: str) -> None:
    assert expand_literal_newlines(literal) == expected


def math_spans(html: str) -> list[tuple[str, str, str]]:
    """(class, TeX, Unicode reading) of each formula; each must hold one MathML ``math``."""
    items = tags(html).items
    found = []
    for i, (_t, a, _text) in enumerate(items):
        if (a.get("class") or "").startswith("math"):
            tag, inner, _ = items[i + 1]
            assert tag == "math", html
            display = "block" if "display" in (a.get("class") or "") else "inline"
            assert inner.get("display") == display
            reading = inner.get("alttext") or ""
            found.append((a.get("class") or "", a.get("data-tex") or "", reading))
    return found


def test_math_is_protected_and_readable() -> None:
    html = render_markdown(r"Let $a_*b_*c$ and \(x \neq y\) hold; $\frac{\pi}{2}$ too.")
    assert math_spans(html) == [
        ("math", "a_*b_*c", "a*b*c"),
        ("math", r"x \neq y", "x ≠ y"),
        ("math", r"\frac{\pi}{2}", "π/2"),
    ]
    assert "<em>" not in html
    assert "<msub><mi>a</mi><mo>*</mo></msub>" in html
    assert "<mfrac><mrow><mi>π</mi></mrow><mrow><mn>2</mn></mrow></mfrac>" in html


def test_tex_that_latex2mathml_rejects_is_shown_as_text() -> None:
    html = render_markdown(r"Broken $\left( x$ formula.")
    assert '<span class="math" data-tex="\\left( x">( x</span>' in html
    assert "<math" not in html


def test_mathml_survives_the_sanitiser_but_not_its_links_or_handlers() -> None:
    kept = render_markdown(r"Area $\pi r^2$ here.")
    assert "<msup><mi>r</mi><mn>2</mn></msup>" in kept
    hostile = render_markdown('<math><mi href="javascript:x()" onclick="x()">a</mi></math>')
    assert "<math><mi>a</mi></math>" in hostile


def test_display_math_becomes_a_block() -> None:
    html = render_markdown("Before\n\n$$\nS = b - s\n$$\n\nafter \\[ x^2 \\]")
    spans = math_spans(html)
    assert spans == [("math display", "S = b - s", "S = b - s"), ("math display", "x^2", "x^2")]
    assert '<div class="math display"' in html
    assert "<p><div" not in html


def test_determinant_matrix_from_literal_text() -> None:
    literal = r"For a 2x2 matrix:\n\n$$\nA = \begin{pmatrix}\na & b \\\nc & d\n\end{pmatrix}\n$$"
    html = render_markdown(literal, literal_newlines=True)
    ((cls, tex, text),) = math_spans(html)
    assert cls == "math display"
    assert "a & b \\\\\nc & d" in tex.replace("&amp;", "&")
    assert text == "A = [ a b; c d ]"


@pytest.mark.parametrize(
    "text",
    [
        "It costs $5 and then $10 more.",
        "Use `echo $HOME` and `$PATH`.",
        r"Pay \$3 or \$4.",
        "```sh\necho $a $b\n```",
    ],
)
def test_dollars_that_are_not_math(text: str) -> None:
    html = render_markdown(text)
    assert math_spans(html) == []
    assert "$" in html


def test_code_fence_inside_list_item_is_highlighted() -> None:
    text = (
        r"1. **Single quotes**: \n   - Everything is literal. For example:\n"
        r"     ```bash\n     echo 'cost: $USER'\n     ```\n     Output follows.\n\n2. Next"
    )
    html = render_markdown(text, literal_newlines=True)
    parsed = tags(html)
    assert parsed.texts("li")[0].startswith("Single quotes")
    code = [(a, text) for t, a, text in parsed.items if t == "code" and "echo" in text]
    assert code and "echo 'cost: $USER'" in code[0][1]
    highlight = [a for t, a, _ in parsed.items if t == "div" and a.get("class") == "highlight"]
    assert highlight and "background" in (highlight[0].get("style") or "")
    assert re.search(r'<span style="[^"]+">echo</span>', html)
    assert math_spans(html) == []


def test_list_nesting_by_content_column() -> None:
    two = "- a\n  - b\n- c"
    four = "- a\n    - b\n- c"
    ordered = "1. a\n   - b\n2. c"
    for src in (two, four, ordered):
        html = render_markdown(src)
        assert html.count("<ul>") + html.count("<ol>") == 2, src
    assert normalize_list_indent(ordered) == "1. a\n    - b\n2. c"


def test_inline_html_passes_through() -> None:
    html = render_markdown("Intro\n\n<div>Kept *as is*</div>\n\nAfter")
    assert "<div>Kept *as is*</div>" in html


# --- real content ---------------------------------------------------------------------


def test_real_content_renders(shared_dir: Path, registry: SchemaRegistry) -> None:
    files = sorted(p for p in (shared_dir / "real_content").glob("*.md") if p.name != "SOURCES.md")
    assert len(files) >= 20
    for path in files:
        entry = load_entry(path)
        page = render_file(path, registry)
        answer = expand_literal_newlines(str(entry.data["answer"]))
        headings = [" ".join(h[4:].split()) for h in answer.split("\n") if h.startswith("### ")]
        rendered = tags(page).texts("h3")
        for heading in headings:
            assert any(heading.replace("**", "") in h for h in rendered), (path.name, heading)
        assert "\\n" not in page.split("<body>", 1)[1].replace("\\neq", "").replace(
            "\\nabla", ""
        ), path.name
        json_ld(page)


def test_real_content_code_and_math(shared_dir: Path, registry: SchemaRegistry) -> None:
    folder = shared_dir / "real_content"
    bash = render_file(
        folder / "what-is-the-significance-of-quoting-in-strings-in-bash-scripts.md", registry
    )
    assert bash.count('<div class="highlight"') == 3
    det = render_file(
        folder / "how-is-the-determinant-of-a-matrix-calculated-and-what-does-it-signify.md",
        registry,
    )
    texts = [text for _c, _t, text in math_spans(det)]
    assert "det(A) ≠ 0" in texts
    assert "A = [ a b c; d e f; g h i ]" in texts


# --- speed ----------------------------------------------------------------------------


def test_render_time_is_measured(registry: SchemaRegistry) -> None:
    path = sample_content_dir() / "how-does-game-theory-model-coercive-diplomacy.md"
    entry = load_entry(path)
    schema = registry.for_data(entry.data)
    render_page(entry.data, entry.body, schema)  # warm: templates compiled, caches filled
    runs = 20
    start = time.perf_counter()
    for _ in range(runs):
        render_page(entry.data, entry.body, schema)
    per_render = (time.perf_counter() - start) / runs * 1000
    print(f"\nrender_page: {per_render:.2f} ms per render ({path.name})")
    assert per_render > 0


# --- keys that are not strings -------------------------------------------------------

NON_STRING_KEYS = "7: seven\nnull: nothing\ntrue: yes\n2024-01-01: new year\nnested:\n  2: two\n"


@pytest.mark.parametrize("schema_line", ["_schema: default\n", "_schema: glossary\n", ""])
def test_keys_that_are_not_strings_are_shown_as_text(
    schema_line: str, tmp_path: Path, registry: SchemaRegistry
) -> None:
    """YAML ``1:``/``null:``/``true:``/date keys stay int/None/bool/date in the data."""
    path = tmp_path / "keys.md"
    path.write_text(f"---\n{schema_line}title: Keys\n{NON_STRING_KEYS}---\nbody\n")
    entry = load_entry(path)
    assert {7, None, True} <= set(entry.data)
    page = render_page(entry.data, entry.body, registry.for_data(entry.data))
    assert tags(page).texts("h1") == ["Keys"]
    if not schema_line:  # the generic page lists every field, under the key's YAML text
        labels = tags(page).texts("dt")
        assert labels == ["Title", "7", "null", "true", "2024-01-01", "Nested", "2"]
        assert tags(page).texts("dd")[1:5] == ["seven", "nothing", "True", "new year"]


# --- the site's own look ----------------------------------------------------------------


def _site(tmp_path: Path, settings: str) -> Path:
    folder = tmp_path / "site"
    (folder / "assets").mkdir(parents=True)
    (folder / "layouts").mkdir()
    (folder / "assets" / "site.css").write_text("h1 { color: rgb(10, 20, 30); }\n")
    (folder / "assets" / "extra.css").write_text(".x { content: '</style><script>'; }\n")
    (folder / "layouts" / "entry.html.j2").write_text(
        '{% extends "base.html.j2" %}\n{% block content %}'
        '<article class="site" data-field="title">{{ title }} / {{ schema.name }}</article>'
        '{{ data.get("definition")|markdown }}{% endblock %}\n'
    )
    (folder / "glossary-editor.yaml").write_text(settings)
    return folder


def test_site_stylesheets_and_template_replace_the_built_in_ones(
    tmp_path: Path, registry: SchemaRegistry
) -> None:
    folder = _site(
        tmp_path,
        "render:\n  stylesheets: [assets/site.css, assets/extra.css]\n"
        "  template: layouts/entry.html.j2\n",
    )
    config = load_render_config(folder)
    assert config.stylesheets == (
        (folder / "assets" / "site.css").resolve(),
        (folder / "assets" / "extra.css").resolve(),
    )
    data = {"title": "Quorum", "definition": "Enough *members*."}
    page = render_page(data, "", registry["glossary"], config=config)
    assert "h1 { color: rgb(10, 20, 30); }" in page
    assert "page.css" not in page and "Charis SIL" not in page  # ours is replaced
    assert "<\\/style><script>" in page and page.count("</style>") == 1  # cannot break out
    assert '<article class="site" data-field="title">Quorum / glossary</article>' in page
    assert "<p>Enough <em>members</em>.</p>" in page
    assert "Content-Security-Policy" in page  # the built-in head, extended


def test_site_template_per_schema_and_the_default_for_others(
    tmp_path: Path, registry: SchemaRegistry
) -> None:
    folder = _site(tmp_path, "render:\n  template:\n    default: layouts/entry.html.j2\n")
    config = load_render_config(folder)
    glossary = render_page({"title": "Quorum"}, "", registry["glossary"], config=config)
    qa = render_page({"title": "Why?", "question": "Why?"}, "", registry["default"], config=config)
    assert 'class="term"' in glossary and "article" not in glossary
    assert "Why? / default" in qa


def test_cli_render_uses_the_site_look(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from editor.cli import main

    folder = _site(tmp_path, "render:\n  stylesheets: assets/site.css\n")
    entry = folder / "quorum.md"
    entry.write_text("---\n_schema: glossary\ntitle: Quorum\ndefinition: Enough.\n---\n")
    assert main(["render", str(entry)]) == 0
    assert "h1 { color: rgb(10, 20, 30); }" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("settings", "message", "line"),
    [
        ("render:\n  stylesheets: [assets/missing.css]\n", "no such file assets/missing.css", 2),
        ("render:\n  template: {glossary: nope.j2}\n", "render.template.glossary: no such", 2),
        ("render:\n  remote: 1\n", "render.remote must be true or false", 2),
        ("render:\n  preview_url: localhost:1313\n", "must be an http(s) address", 2),
    ],
)
def test_site_look_mistakes_name_their_line(
    tmp_path: Path, settings: str, message: str, line: int
) -> None:
    folder = _site(tmp_path, settings)
    with pytest.raises(ContentError, match=re.escape(message)) as caught:
        load_render_config(folder)
    assert caught.value.line == line


def test_live_url_and_remote_settings(tmp_path: Path) -> None:
    folder = _site(
        tmp_path, "render:\n  remote: true\n  preview_url: 'http://localhost:1313{url}'\n"
    )
    config = load_render_config(folder)
    assert config.remote
    assert config.live_url("/glossary/quorum/") == "http://localhost:1313/glossary/quorum/"
    assert config.live_url("  ") == ""
    assert RenderConfig(preview_url="http://h/{slug}.html").live_url("/a/b/") == "http://h/b.html"

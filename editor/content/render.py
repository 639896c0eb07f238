"""The page an entry publishes as: Markdown + Jinja2 template -> one self-contained HTML.

The preview (a browser engine) shows exactly this HTML and ``glossary-editor render``
writes it; the site's own stylesheets and page template replace the built-in ones when
``glossary-editor.yaml`` names them (:mod:`editor.content.render_config`). The built-in
CSS stays within what Qt's QTextBrowser also understands, for the fallback preview.

Literal newlines: the site's Q&A answers are folded YAML scalars, which cannot hold line
breaks, so they carry the two characters ``\\n`` instead. A Markdown value is read that
way when it has no real line break and contains ``\\n``; TeX commands such as ``\\neq``
inside math are kept (see :mod:`editor.content.markdown_math`).

Raw HTML inside Markdown is treated as the site's renderer treats it (``raw_html``:
sanitised by default, or escaped, or allowed; :mod:`editor.content.markdown_sanitise`),
URLs the templates link to are checked the same way, and the page's
Content-Security-Policy forbids every script, so no content runs script in a browser.

Keys that are not strings (YAML ``1:``, ``null:``, ``true:``, ``2024-01-01:``) are shown
as the text the file has for them.

Speed: the Markdown converters (per thread and raw-HTML mode, reset between documents)
and the Jinja environment are built once; a typical entry renders in a few
milliseconds, sanitising included (nh3 is Rust: ~0.1 ms for the longest real answer).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import markdown
from markupsafe import Markup

from editor.content.errors import ContentError
from editor.content.markdown_blocks import BlockSplitExtension
from editor.content.markdown_lists import ListIndentExtension
from editor.content.markdown_math import MathExtension, expand_literal_newlines
from editor.content.markdown_sanitise import DEFAULT_RAW_HTML, RawHtml, safe_url, sanitise_html
from editor.content.render_config import RenderConfig
from editor.content.render_template import SiteLoader, template_error
from editor.content.safe_read import read_text
from editor.content.schema import SCHEMA_KEY, Schema, infer_field
from editor.paths import resources_dir

_EXTENSIONS: list[Any] = [
    # SuperFences instead of fenced_code: it finds fences inside list items too.
    "pymdownx.superfences",
    "pymdownx.highlight",
    "tables",
    "sane_lists",
    ListIndentExtension(),
    MathExtension(),
    BlockSplitExtension(),
]
_EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {
    # Inline styles (no classes): QTextBrowser shows the colours without a stylesheet.
    "pymdownx.highlight": {
        "noclasses": True,
        "use_pygments": True,
        "guess_lang": False,
        "pygments_style": "friendly",
    },
}
_PYGMENTS_PRE = '<pre style="line-height: 125%;">'
_local = threading.local()


def _converter(raw_html: RawHtml) -> markdown.Markdown:
    converters: dict[str, markdown.Markdown] | None = getattr(_local, "converters", None)
    if converters is None:
        converters = _local.converters = {}
    md = converters.get(raw_html)
    if md is None:
        md = markdown.Markdown(extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIGS)
        if raw_html == "escape":
            # Without these two steps Python-Markdown treats "<tag>" as text, escaped.
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")
        converters[raw_html] = md
    return md


def has_literal_newlines(text: str) -> bool:
    """True when ``text`` carries ``\\n`` sequences in place of line breaks."""
    return "\n" not in text and "\\n" in text


def render_markdown(
    text: str, *, literal_newlines: bool = False, raw_html: RawHtml = DEFAULT_RAW_HTML
) -> str:
    """HTML for a Markdown value (math protected, code highlighted inline, raw HTML
    treated as ``raw_html`` says)."""
    if literal_newlines:
        text = expand_literal_newlines(text)
    html = _converter(raw_html).reset().convert(text)
    # Pygments puts line-height on <pre>; QTextBrowser then leaves gaps between lines.
    html = html.replace(_PYGMENTS_PRE, "<pre>")
    return html if raw_html == "allow" else sanitise_html(html)


@jinja2.pass_context
def _markdown_filter(context: jinja2.runtime.Context, value: Any) -> Markup:
    if value is None:
        return Markup("")
    text = str(value)
    mode: RawHtml = context.get("raw_html", DEFAULT_RAW_HTML)
    return Markup(render_markdown(text, literal_newlines=has_literal_newlines(text), raw_html=mode))


def key_text(key: Any) -> str:
    """A mapping key as YAML wrote it: ``null``, ``true``, ``2024-01-01``, ``1``..."""
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, dt.date):
        return key.isoformat()
    return str(key)


def _plain_text(value: Any) -> str:
    """Text for JSON-LD: literal newlines expanded, whitespace tidied, Markdown kept."""
    if value is None:
        return ""
    text = str(value)
    if has_literal_newlines(text):
        text = expand_literal_newlines(text)
    return text.strip()


_DATE_TOKENS = re.compile(r"YYYY|YY|MMMM|MMM|MM|M|DD|D|dddd|ddd")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def format_date(value: Any, pattern: str | None) -> str:
    """A date in the site's moment-style pattern (``MMM DD, YYYY`` -> ``Nov 27, 2024``).

    Hand-written: a dozen tokens, English names whatever the machine's locale; a
    date library (arrow, babel) would be a dependency for this one call.
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        text = value
        try:
            value = dt.date.fromisoformat(text.strip())
        except ValueError:
            return text
    if not isinstance(value, dt.date):
        return "" if value is None else str(value)
    tokens = {
        "YYYY": f"{value.year:04d}", "YY": f"{value.year % 100:02d}",
        "MMMM": _MONTHS[value.month - 1], "MMM": _MONTHS[value.month - 1][:3],
        "MM": f"{value.month:02d}", "M": str(value.month),
        "DD": f"{value.day:02d}", "D": str(value.day),
        "dddd": _DAYS[value.weekday()], "ddd": _DAYS[value.weekday()][:3],
    }  # fmt: skip
    return _DATE_TOKENS.sub(lambda m: tokens[m.group()], pattern or "YYYY-MM-DD")


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _slug_label(url: str) -> str:
    slug = url.rstrip("/").rsplit("/", 1)[-1]
    return slug.replace("-", " ").strip().capitalize() or url


def _faq_items(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    items = data.get("faq")
    if not isinstance(items, list):
        return []
    pairs: list[dict[str, Any]] = []
    for index, item in enumerate(items):  # index: the item's place in the file's list
        if isinstance(item, Mapping) and _text(item.get("question")):
            pairs.append({"question": _text(item.get("question")),
                          "answer": _text(item.get("answer")), "index": index})  # fmt: skip
    return pairs


def _related_articles(data: Mapping[str, Any]) -> list[dict[str, str]]:
    """``related_article1`` … ``related_articleN`` blocks, duplicates (same URL) once."""
    seen: set[str] = set()
    out: list[dict[str, str]] = []
    keys = sorted((k for k in data if re.fullmatch(r"related_article\d+", str(k))),
                  key=lambda k: int(str(k)[len("related_article"):]))  # fmt: skip
    for key in keys:
        block = data[key]
        if not isinstance(block, Mapping):
            continue
        url, title = _text(block.get("url")), _text(block.get("title"))
        if not (url or title) or (url and url in seen):
            continue
        seen.add(url)
        out.append({"url": safe_url(url), "title": title or _slug_label(url),
                    "subject": _text(block.get("subject")), "key": str(key)})  # fmt: skip
    return out


def _related_entries(data: Mapping[str, Any], titles: Mapping[str, str]) -> list[dict[str, str]]:
    related = data.get("related")
    if not isinstance(related, list):
        return []
    out = []
    for item in related:
        url = _text(item)
        if url:
            out.append({"url": safe_url(url), "title": titles.get(url) or _slug_label(url)})
    return out


def _body_is_empty(body: str) -> bool:
    return not body.replace("&nbsp;", "").strip()


def _json_ld(data: Mapping[str, Any], schema: Schema, title: str,
             faq: list[dict[str, Any]]) -> dict[str, Any] | None:  # fmt: skip
    """Structured data for search engines: DefinedTerm (+ FAQPage) or QAPage."""
    url = safe_url(_text(data.get("url")))
    if schema.name == "glossary":
        term: dict[str, Any] = {"@type": "DefinedTerm", "name": title,
                                "description": _plain_text(data.get("definition"))}  # fmt: skip
        if url:
            term["url"] = url
        if _text(data.get("subject")):
            term["inDefinedTermSet"] = _text(data.get("subject"))
        graph: list[dict[str, Any]] = [term]
        answered = [p for p in faq if p["answer"]]
        if answered:
            graph.append({
                "@type": "FAQPage",
                "mainEntity": [
                    {"@type": "Question", "name": p["question"],
                     "acceptedAnswer": {"@type": "Answer", "text": p["answer"]}}
                    for p in answered
                ],
            })  # fmt: skip
        return {"@context": "https://schema.org", "@graph": graph}
    if schema.name == "default":
        question = _text(data.get("question")) or title
        entity: dict[str, Any] = {"@type": "Question", "name": question, "text": question,
                                  "answerCount": 1 if _text(data.get("answer")) else 0}  # fmt: skip
        if data.get("date") is not None:
            entity["datePublished"] = format_date(data.get("date"), "YYYY-MM-DD")
        if _text(data.get("author")):
            entity["author"] = {"@type": "Organization", "name": _text(data.get("author"))}
        if _text(data.get("answer")):
            answer: dict[str, Any] = {"@type": "Answer", "text": _plain_text(data["answer"])}
            if url:
                answer["url"] = url
            entity["acceptedAnswer"] = answer
        return {"@context": "https://schema.org", "@type": "QAPage", "mainEntity": entity}
    return None


@lru_cache(maxsize=8)
def _environment(site_dir: str = "") -> jinja2.Environment:
    """The built-in templates, behind the site's template folder when it has one (so a
    site template can extend ``base.html.j2``)."""
    builtin = jinja2.FileSystemLoader(resources_dir() / "templates")
    loader: jinja2.BaseLoader = (  # the site's through the file layer (render_template.py)
        jinja2.ChoiceLoader([SiteLoader(site_dir), builtin]) if site_dir else builtin
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["markdown"] = _markdown_filter
    env.filters["format_date"] = format_date
    env.filters["key_text"] = key_text
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False}
    return env


@lru_cache(maxsize=1)
def _css() -> str:
    return (resources_dir() / "templates" / "page.css").read_text(encoding="utf-8")


@lru_cache(maxsize=32)
def _read_css(path: Path, _stamp: tuple[int, int]) -> str:
    return read_text(path)


def site_css(stylesheets: tuple[Path, ...]) -> str:
    """The site's stylesheets, joined, read again when one changes on disk. ``</`` is
    written ``<\\/`` so no stylesheet can close the page's ``<style>`` element."""
    parts = []
    for path in stylesheets:
        try:
            stat = path.stat()
            parts.append(_read_css(path, (stat.st_mtime_ns, stat.st_size)))
        except (OSError, ContentError) as exc:
            raise ContentError(f"cannot read the stylesheet: {exc}", path) from exc
    return "\n".join(parts).replace("</", "<\\/")


def _generic_fields(data: Mapping[str, Any], schema: Schema) -> list[dict[str, Any]]:
    """Label, kind and value of every field to list: the schema's in its order, then the
    rest in file order. A key that is not a string is listed under its YAML text."""
    declared = {f.key: f for f in schema.fields}
    order = {key: i for i, key in enumerate(declared)}
    rows: list[tuple[int, dict[str, Any]]] = []
    for key, value in data.items():
        if key == SCHEMA_KEY or _is_blank(value):
            continue
        if isinstance(key, str):
            known = declared.get(key)
            label, kind = (known.label, known.kind) if known else _inferred(key, value)
        else:
            label, kind = key_text(key), infer_field(key_text(key), key_text(key), value).kind
        # A generic schema's fields are the file's keys in file order: keep that order.
        rank = 0 if schema.generic else order.get(key, len(order))
        path = key if isinstance(key, str) else key_text(key)
        rows.append((rank, {"label": label, "kind": kind, "value": value, "path": path}))
    rows.sort(key=lambda row: row[0])
    return [row for _rank, row in rows]


def _inferred(key: str, value: Any) -> tuple[str, str]:
    field = infer_field(key, key, value)
    return field.label, field.kind


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | dict) and not value)


def _template_name(schema: Schema, env: jinja2.Environment) -> str:
    if schema.generic or schema.template not in env.list_templates():
        return "generic.html.j2"
    return schema.template


def _site_template(
    schema: Schema, config: RenderConfig | None
) -> tuple[jinja2.Environment, str] | None:
    path = config.template_for(schema.name) if config is not None else None
    if path is None:
        return None
    return _environment(str(path.parent)), path.name


def render_page(
    data: Mapping[str, Any],
    body: str,
    schema: Schema,
    *,
    link_titles: Mapping[str, str] | None = None,
    raw_html: RawHtml | None = None,
    config: RenderConfig | None = None,
) -> str:
    """The full HTML document for an entry; ``link_titles`` names related URLs if known,
    ``config`` is the site's look (stylesheets, template, raw HTML), ``raw_html`` overrides
    its setting for HTML inside Markdown.

    A site template (Jinja, autoescaped, strict) gets these fields: ``data`` (the front
    matter), ``schema`` (``schema.name``, ``schema.label``), ``title``, ``page_title``,
    ``description``, ``keywords``, ``canonical``, ``css`` (the stylesheets' text),
    ``json_ld`` (dict or None; ``{{ json_ld|tojson }}``), ``faq`` (``question``, ``answer``,
    ``index``), ``related_entries`` (``url``, ``title``), ``related_articles`` (``url``,
    ``title``, ``subject``, ``key``), ``body`` (Markdown, "" when empty), ``fields`` (the
    generic template's rows); filters ``markdown``, ``format_date``, ``key_text``. It may
    ``{% extends "base.html.j2" %}`` to keep the built-in head (Content-Security-Policy
    included); ``data-field="<field path>"`` on an element links it to the form.
    """
    mode: RawHtml = raw_html or (config.raw_html if config is not None else DEFAULT_RAW_HTML)
    site = _site_template(schema, config)
    env, template = site if site is not None else (_environment(), "")
    title = _text(data.get(schema.title_key)) if schema.title_key else ""
    raw_seo = data.get("seo")
    seo: Mapping[str, Any] = raw_seo if isinstance(raw_seo, Mapping) else {}
    faq = _faq_items(data)
    template = template or _template_name(schema, env)
    css = site_css(config.stylesheets) if config is not None and config.stylesheets else _css()
    context = {
        "data": data,
        "schema": schema,
        "title": title,
        "page_title": _text(seo.get("title")) or title or "Untitled entry",
        "description": _text(seo.get("page_description")),
        "keywords": _text(seo.get("page_keywords")),
        "canonical": safe_url(_text(data.get("url"))),
        "css": Markup(css),
        "json_ld": _json_ld(data, schema, title, faq),
        "faq": faq,
        "related_entries": _related_entries(data, link_titles or {}),
        "related_articles": _related_articles(data),
        "body": "" if _body_is_empty(body) or not (schema.has_body or schema.generic) else body,
        "fields": _generic_fields(data, schema) if template == "generic.html.j2" else [],
        "raw_html": mode,
    }
    try:
        page = env.get_template(template)
    except jinja2.TemplateSyntaxError as exc:  # a site template's mistake, by its place
        raise template_error(exc) from None
    except jinja2.TemplateNotFound as exc:
        where = config.template_for(schema.name) if config is not None else None
        raise ContentError(f"the page template names no such template: {exc.name}", where) from None
    return page.render(context)

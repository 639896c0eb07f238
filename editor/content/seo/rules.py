"""The SEO rules: per-entry checks and the corpus-wide ones (duplicates, broken links).

Pure functions over plain data, so the index can run them in worker processes and the
SEO panel can run them on every keystroke. Fields are found through the schema's
``seo_role`` marks; generic (unknown-schema) entries fall back to the conventional keys
of the site (``seo.title``, ``seo.page_description``, ``seo.page_keywords``, ``title``,
``url``). Messages say what to do, and tell a missing key from an empty value.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from editor.content.errors import ContentError
from editor.content.schema import Schema, SeoRole
from editor.content.seo.config import RULE_NAMES, SEVERITIES, SeoConfig
from editor.content.seo.metrics import text_width

__all__ = [
    "RULE_NAMES",
    "SEVERITIES",
    "Finding",
    "SeoFacts",
    "check_corpus",
    "check_entry",
    "finding_from_error",
    "seo_facts",
    "severity_rank",
]

_MISSING: Any = object()
_FALLBACK = {
    "title": "seo.title",
    "description": "seo.page_description",
    "keywords": "seo.page_keywords",
    "keyphrase": "seo.focus_keyphrase",
    "slug": "url",
    "h1": "title",
}
_LEAD_FALLBACKS = ("definition", "answer")
_RELATED_ARTICLE = re.compile(r"related_article\d+\Z")
_SLUG_SEGMENT = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_NON_WORD = re.compile(r"\\n|[\W_]+")
_Add = Callable[[str, str, str], None]  # add(rule, field, message)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem with one entry; ``path`` is relative to the content folder when known."""

    rule: str
    severity: str
    path: str
    field: str
    message: str
    line: int | None = None
    column: int | None = None


def severity_rank(severity: str) -> int:
    """0 for error, 1 for warning, 2 for info: lower is worse (for sorting and --fail-on)."""
    return SEVERITIES.index(severity)


def finding_from_error(err: ContentError, path: str, config: SeoConfig | None = None) -> Finding:
    """A ``parse-error`` finding for a file that did not parse (always reported)."""
    severity = config.severity("parse-error") if config else "error"
    return Finding("parse-error", severity, path, "", err.message, err.line, err.column)


@dataclass(frozen=True, slots=True)
class SeoFacts:
    """The few strings the corpus rules compare across entries (small, cheap to pickle)."""

    path: str
    title: str = ""  # case- and space-normalised; "" when empty or missing
    description: str = ""
    url: str = ""  # path part, trailing slash dropped
    related: tuple[tuple[str, str], ...] = ()  # (field, url as written)
    title_field: str = "seo.title"
    description_field: str = "seo.page_description"
    url_field: str = "url"


# --- field plans ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    """Where one schema keeps each SEO field (worked out once per schema)."""

    title: str
    description: str
    keywords: str
    keyphrase: str
    keyphrase_declared: bool
    slug: str
    slug_declared: bool
    h1: str
    lead: tuple[str, ...]
    faq: tuple[str, ...]
    related: tuple[str, ...]


_PLANS: dict[int, tuple[Schema, _Plan]] = {}


def _plan(schema: Schema) -> _Plan:
    cached = _PLANS.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    plan = _make_plan(schema)
    if not schema.generic:  # generic schemas are made per entry; do not hoard them
        _PLANS[id(schema)] = (schema, plan)
    return plan


def _make_plan(schema: Schema) -> _Plan:
    def role(name: SeoRole, fallback: str) -> str:
        found = None if schema.generic else schema.seo_field(name)
        return found.path if found else fallback

    lead_field = None if schema.generic else schema.seo_field("lead")
    keyphrase_field = None if schema.generic else schema.seo_field("keyphrase")
    slug_field = None if schema.generic else schema.seo_field("slug")
    faq = tuple(
        f.path
        for f in schema.fields
        if f.kind == "objects" and f.child("question") and f.child("answer")
    )
    related = tuple(f.path for f in schema.fields if f.kind == "entries")
    return _Plan(
        title=role("title", _FALLBACK["title"]),
        description=role("description", _FALLBACK["description"]),
        keywords=role("keywords", _FALLBACK["keywords"]),
        keyphrase=keyphrase_field.path if keyphrase_field else _FALLBACK["keyphrase"],
        keyphrase_declared=keyphrase_field is not None,
        slug=slug_field.path if slug_field else _FALLBACK["slug"],
        slug_declared=slug_field is not None,
        h1=role("h1", schema.title_key or _FALLBACK["h1"]),
        lead=(lead_field.path,) if lead_field else _LEAD_FALLBACKS,
        faq=faq if faq else ("faq",),
        related=(*related, "related") if "related" not in related else related,
    )


# --- small helpers -------------------------------------------------------------------


def _get(data: Mapping[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _text(value: Any) -> str:
    """A field's value as the page shows it: whitespace collapsed, lists joined."""
    if value is _MISSING or value is None:
        return ""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if v is not None)
    return " ".join(str(value).split())


def _words(text: str) -> str:
    """Case-folded words between single spaces (literal ``\\n`` of Q&A answers too)."""
    return " " + " ".join(_NON_WORD.sub(" ", text.casefold()).split()) + " "


def _url_key(url: str) -> str:
    """The path an URL points at, so ``https://site/a/`` and ``/a`` compare equal."""
    url = url.strip()
    if not url:
        return ""
    path = urlsplit(url).path or "/"
    if not path.startswith("/"):
        path = "/" + path
    return path.rstrip("/") or "/"


def _suggest_segment(segment: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", segment).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


# --- per-entry rules -----------------------------------------------------------------


def check_entry(
    data: Mapping[str, Any], schema: Schema, config: SeoConfig, path: str
) -> list[Finding]:
    """Findings of every enabled per-entry rule for one entry's front matter."""
    plan = _plan(schema)
    out: list[Finding] = []

    def add(rule: str, field: str, message: str) -> None:
        if config.enabled(rule):
            out.append(Finding(rule, config.severity(rule), path, field, message))

    title_raw = _get(data, plan.title)
    title = _text(title_raw)
    _check_title(add, plan.title, title_raw, title, config)
    description_raw = _get(data, plan.description)
    description = _text(description_raw)
    _check_description(add, plan.description, description_raw, description, config)

    keywords_raw = _get(data, plan.keywords)
    if not _text(keywords_raw):
        how = "is not in the file" if keywords_raw is _MISSING else "is empty"
        add(
            "keywords-missing",
            plan.keywords,
            f"Keywords ({plan.keywords}) {how}: list a few comma-separated keywords",
        )

    h1_raw = _get(data, plan.h1)
    h1 = _text(h1_raw)
    if not h1:
        how = "is not in the file" if h1_raw is _MISSING else "is empty"
        add(
            "h1-missing",
            plan.h1,
            f"Page title ({plan.h1}) {how}: the page would have no heading; write the term",
        )

    keyphrase_raw = _get(data, plan.keyphrase)
    if plan.keyphrase_declared or _text(keyphrase_raw):
        _check_keyphrase(
            add,
            data,
            plan,
            keyphrase=_text(keyphrase_raw),
            term=h1,
            title=title,
            description=description,
            config=config,
        )

    _check_slug(add, data, plan)
    _check_faq(add, data, plan)
    return out


def _check_title(add: _Add, field: str, raw: Any, title: str, config: SeoConfig) -> None:
    if not title:
        how = "is not in the file" if raw is _MISSING else "is empty"
        add(
            "title-missing",
            field,
            f"SEO title ({field}) {how}: write one of {config.title_min_chars}–"
            f"{config.title_max_chars} characters",
        )
        return
    chars = len(title)
    px = text_width(title, config.title_font_px)
    font = f"{config.title_font_px:g} px Arial"
    if chars > config.title_max_chars:
        add(
            "title-long",
            field,
            f"SEO title is {chars} characters (max {config.title_max_chars}): shorten it, "
            "search results cut it off",
        )
    elif px > config.title_max_px:
        add(
            "title-long",
            field,
            f"SEO title is {px:.0f} px wide in {font} (max {config.title_max_px:g} px): "
            "shorten it or use narrower letters, search results cut it off",
        )
    if chars < config.title_min_chars:
        add(
            "title-short",
            field,
            f"SEO title is {chars} characters (min {config.title_min_chars}): "
            "make it more descriptive",
        )
    elif px < config.title_min_px:
        add(
            "title-short",
            field,
            f"SEO title is {px:.0f} px wide in {font} (min {config.title_min_px:g} px): "
            "make it more descriptive",
        )


def _check_description(
    add: _Add, field: str, raw: Any, description: str, config: SeoConfig
) -> None:
    if not description:
        how = "is not in the file" if raw is _MISSING else "is empty"
        add(
            "description-missing",
            field,
            f"Page description ({field}) {how}: write {config.description_min_chars + 1}–"
            f"{config.description_max_chars} characters summing up the page",
        )
        return
    chars = len(description)
    if chars > config.description_max_chars:
        add(
            "description-long",
            field,
            f"Page description is {chars} characters (max {config.description_max_chars}): "
            "shorten it, search results cut it off",
        )
    else:
        px = text_width(description, config.description_font_px)
        if px > config.description_max_px:
            add(
                "description-long",
                field,
                f"Page description is {px:.0f} px wide in {config.description_font_px:g} px "
                f"Arial (max {config.description_max_px:g} px): shorten it",
            )
    if chars <= config.description_min_chars:
        add(
            "description-short",
            field,
            f"Page description is {chars} characters (more than "
            f"{config.description_min_chars} recommended): expand it",
        )


def _check_keyphrase(
    add: _Add,
    data: Mapping[str, Any],
    plan: _Plan,
    *,
    keyphrase: str,
    term: str,
    title: str,
    description: str,
    config: SeoConfig,
) -> None:
    source = plan.keyphrase
    if not keyphrase:
        keyphrase, source = term, plan.h1
    if not keyphrase:
        return  # h1-missing already says the term is missing
    count = len(keyphrase.split())
    if count > config.keyphrase_max_words:
        add(
            "keyphrase-long",
            source,
            f"Focus keyphrase ({source}) has {count} words (max "
            f"{config.keyphrase_max_words}): set a shorter one",
        )
    needle = _words(keyphrase)
    if needle.strip() == "":
        return
    quoted = f'"{keyphrase}"'
    if title and needle not in _words(title):
        add(
            "keyphrase-not-in-title",
            plan.title,
            f"Focus keyphrase {quoted} is not in the SEO title: work it in, near the start",
        )
    if description and needle not in _words(description):
        add(
            "keyphrase-not-in-description",
            plan.description,
            f"Focus keyphrase {quoted} is not in the page description: mention it",
        )
    for lead_path in plan.lead:
        lead = _get(data, lead_path)
        if lead is _MISSING:
            continue
        lead_text = _text(lead)
        if lead_text and needle not in _words(lead_text):
            add(
                "keyphrase-not-in-lead",
                lead_path,
                f"Focus keyphrase {quoted} is not in the {lead_path}: use it there",
            )
        break


def _check_slug(add: _Add, data: Mapping[str, Any], plan: _Plan) -> None:
    raw = _get(data, plan.slug)
    url = _text(raw)
    if not url:
        if plan.slug_declared or raw is not _MISSING:
            how = "is not in the file" if raw is _MISSING else "is empty"
            add(
                "slug-format",
                plan.slug,
                f"URL ({plan.slug}) {how}: set one such as /glossary/the-term",
            )
        return
    path = urlsplit(url).path
    if path == "/":
        return
    for segment in path.strip("/").split("/") if path.strip("/") else [path]:
        if _SLUG_SEGMENT.match(segment):
            continue
        suggestion = _suggest_segment(segment)
        hint = (
            f'use "{suggestion}"'
            if suggestion
            else "use lowercase ASCII letters, digits and hyphens"
        )
        what = f'segment "{segment}"' if segment else "an empty segment (//)"
        add(
            "slug-format",
            plan.slug,
            f"URL {url} has {what} that is not lowercase-hyphenated ASCII: {hint}",
        )
        return


def _check_faq(add: _Add, data: Mapping[str, Any], plan: _Plan) -> None:
    for faq_path in plan.faq:
        items = _get(data, faq_path)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            where = f"{faq_path}.{index}"
            if not isinstance(item, Mapping):
                add(
                    "faq-incomplete",
                    where,
                    f"FAQ item {index + 1} is not a question/answer pair: fix or remove it",
                )
                continue
            for part in ("question", "answer"):
                value = item.get(part, _MISSING)
                if _text(value):
                    continue
                how = f"has no {part}" if value is _MISSING else f"has an empty {part}"
                add(
                    "faq-incomplete",
                    f"{where}.{part}",
                    f"FAQ item {index + 1} {how}: write one or remove the item",
                )


# --- corpus rules ---------------------------------------------------------------------


def seo_facts(data: Mapping[str, Any], schema: Schema, path: str) -> SeoFacts:
    """What :func:`check_corpus` needs from one entry."""
    plan = _plan(schema)
    related: list[tuple[str, str]] = []
    for field in plan.related:
        value = _get(data, field)
        if isinstance(value, list):
            for index, item in enumerate(value):
                url = item.get("url") if isinstance(item, Mapping) else item
                if isinstance(url, str) and url.strip():
                    related.append((f"{field}.{index}", url.strip()))
        elif isinstance(value, str) and value.strip():
            related.append((field, value.strip()))
    for key, value in data.items():
        if isinstance(value, Mapping) and _RELATED_ARTICLE.match(str(key)):
            url = value.get("url")
            if isinstance(url, str) and url.strip():
                related.append((f"{key}.url", url.strip()))
    return SeoFacts(
        path=path,
        title=_text(_get(data, plan.title)).casefold(),
        description=_text(_get(data, plan.description)).casefold(),
        url=_url_key(_text(_get(data, plan.slug))),
        related=tuple(related),
        title_field=plan.title,
        description_field=plan.description,
        url_field=plan.slug,
    )


def _others(paths: list[str], own: str) -> str:
    rest = [p for p in paths if p != own]
    shown = ", ".join(rest[:2])
    return shown + (f" and {len(rest) - 2} more" if len(rest) > 2 else "")


def check_corpus(records: Iterable[SeoFacts], config: SeoConfig) -> list[Finding]:
    """Duplicate titles, descriptions and URLs, and related links to no entry."""
    facts = list(records)
    out: list[Finding] = []
    duplicates = (
        (
            "title-duplicate",
            lambda f: f.title,
            lambda f: f.title_field,
            "SEO title is also used by {others}: make each title unique",
        ),
        (
            "description-duplicate",
            lambda f: f.description,
            lambda f: f.description_field,
            "Page description is also used by {others}: write one for this page",
        ),
        (
            "slug-duplicate",
            lambda f: f.url.casefold(),
            lambda f: f.url_field,
            "URL {url} is also used by {others}: each entry needs its own URL",
        ),
    )
    for rule, key, field, template in duplicates:
        if not config.enabled(rule):
            continue
        groups: dict[str, list[SeoFacts]] = defaultdict(list)
        for fact in facts:
            value = key(fact)
            if value:
                groups[value].append(fact)
        severity = config.severity(rule)
        for group in groups.values():
            if len(group) < 2:
                continue
            paths = [f.path for f in group]
            for fact in group:
                message = template.format(others=_others(paths, fact.path), url=fact.url)
                out.append(Finding(rule, severity, fact.path, field(fact), message))

    if config.enabled("related-broken"):
        urls = {f.url for f in facts if f.url}
        severity = config.severity("related-broken")
        for fact in facts:
            for field_path, url in fact.related:
                if _url_key(url) not in urls:
                    out.append(
                        Finding(
                            "related-broken",
                            severity,
                            fact.path,
                            field_path,
                            f"Related link {url} points to no entry in this folder: "
                            "fix the URL or remove the link",
                        )
                    )
    return out

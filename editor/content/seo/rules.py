"""The per-entry SEO rules, and the facts of an entry the corpus rules compare.

Pure functions over plain data, so the index can run them in worker processes and the
SEO panel can run them on every keystroke. Fields are found through the schema's
``seo_role`` marks; generic (unknown-schema) entries fall back to the conventional keys
of the site (``seo.title``, ``seo.page_description``, ``seo.page_keywords``, ``title``,
``url``). Messages say what to do, and tell a missing key from an empty value.

Where rules live: a per-entry rule is a ``_check_*`` function called from
:func:`_check`; the corpus rules are in :mod:`~editor.content.seo.corpus_check`; the
types and helpers both use are in :mod:`~editor.content.seo.common`. Every rule's name
and default severity are registered in :mod:`~editor.content.seo.config`. The corpus
names are re-exported here for callers that know this module only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from sys import intern
from typing import Any

from editor.content.schema import Schema, SeoRole
from editor.content.seo.common import (
    FactsRow,
    Finding,
    FindingRow,
    SeoFacts,
    finding_from_error,
    finding_of,
    severity_rank,
    url_key,
    url_path,
)
from editor.content.seo.config import RULE_NAMES, SEVERITIES, SeoConfig
from editor.content.seo.corpus_check import CorpusTally, check_corpus, check_corpus_rows
from editor.content.seo.metrics import text_width
from editor.content.validation import validate_entry

__all__ = [
    "RULE_NAMES",
    "SEVERITIES",
    "CorpusTally",
    "FactsRow",
    "Finding",
    "FindingRow",
    "SeoFacts",
    "check_corpus",
    "check_corpus_rows",
    "check_entry",
    "check_entry_rows",
    "facts_from_row",
    "finding_from_error",
    "finding_of",
    "seo_facts",
    "seo_field_map",
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
# A path whose every segment is fine (the usual case), in one match: no split, no loop.
# Possessive throughout: the parts never share a character, so giving back never helps.
_SLUG_PATH = re.compile(r"/*+[a-z0-9]++(?:-[a-z0-9]++)*+(?:/[a-z0-9]++(?:-[a-z0-9]++)*+)*+/*+\Z")
_SLUG_URL = re.compile(r"/[a-z0-9]++(?:-[a-z0-9]++)*+(?:/[a-z0-9]++(?:-[a-z0-9]++)*+)*+/*+\Z")
_NON_WORD = re.compile(r"\\n|[\W_]+")
_Add = Callable[[str, str, str], None]  # add(rule, field, message)


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
    # title, description, keywords, h1, keyphrase, slug as ``_fetch`` reads them
    steps: tuple[_Step, ...]


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
    # A role the schema's fields do not declare comes from the site's SEO mapping
    # (``site/seo_map.py``: Hugo's top-level ``description``...), else the glossary's keys.
    mapped = dict(schema.seo_map)

    def role(name: SeoRole, fallback: str) -> str:
        found = None if schema.generic else schema.seo_field(name)
        return found.path if found else mapped.get(name, fallback)

    lead_field = None if schema.generic else schema.seo_field("lead")
    keyphrase_field = None if schema.generic else schema.seo_field("keyphrase")
    slug_field = None if schema.generic else schema.seo_field("slug")
    faq = tuple(
        f.path
        for f in schema.fields
        if f.kind == "objects" and f.child("question") and f.child("answer")
    )
    related = tuple(f.path for f in schema.fields if f.kind == "entries")
    title = role("title", _FALLBACK["title"])
    description = role("description", _FALLBACK["description"])
    keywords = role("keywords", _FALLBACK["keywords"])
    keyphrase = (
        keyphrase_field.path if keyphrase_field else role("keyphrase", _FALLBACK["keyphrase"])
    )
    slug = slug_field.path if slug_field else role("slug", _FALLBACK["slug"])
    h1 = role("h1", schema.title_key or _FALLBACK["h1"])
    return _Plan(
        title=title,
        description=description,
        keywords=keywords,
        keyphrase=keyphrase,
        keyphrase_declared=keyphrase_field is not None,
        slug=slug,
        slug_declared=slug_field is not None,
        h1=h1,
        lead=(lead_field.path,) if lead_field else _LEAD_FALLBACKS,
        faq=faq if faq else ("faq",),
        related=(*related, "related") if "related" not in related else related,
        steps=tuple(map(_step, (title, description, keywords, h1, keyphrase, slug))),
    )


def seo_field_map(schema: Schema) -> dict[str, str]:
    """Which key each SEO role is read from for entries of ``schema`` (panel, report)."""
    plan = _plan(schema)
    return {
        "title": plan.title,
        "description": plan.description,
        "keywords": plan.keywords,
        "keyphrase": plan.keyphrase,
        "slug": plan.slug,
        "h1": plan.h1,
    }


def _step(path: str) -> _Step:
    parts = path.split(".")
    if len(parts) == 1:
        return (path, path, None)
    if len(parts) == 2:  # a key of a key
        return (path, parts[0], parts[1])
    return (path, None, None)


# --- small helpers -------------------------------------------------------------------
# These run for every entry of a bulk check (tens of thousands): plain dicts take a fast
# path before the general ``Mapping`` test (an ABC check costs several times more).

_PARTS: dict[str, tuple[str, ...]] = {}
# A field path as ``_fetch`` reads it: (path, key, None) for a top-level key, (path, key,
# subkey) for a key of a key, (path, None, None) for a longer path (left to ``_get``).
_Step = tuple[str, str | None, str | None]


def _get(data: Mapping[str, Any], path: str) -> Any:
    parts = _PARTS.get(path)
    if parts is None:
        parts = _PARTS[path] = tuple(path.split("."))
    if type(data) is dict:  # the usual cases: a key, or a key of a key, in plain dicts
        if len(parts) == 1:
            return data.get(path, _MISSING)
        if len(parts) == 2:  # a key of a key (``seo.title``)
            inner = data.get(parts[0], _MISSING)
            if type(inner) is dict:
                return inner.get(parts[1], _MISSING)
    value: Any = data
    for part in parts:
        if type(value) is dict:
            value = value.get(part, _MISSING)
            if value is _MISSING:
                return _MISSING
        elif isinstance(value, Mapping) and part in value:
            value = value[part]
        else:
            return _MISSING
    return value


def _fetch(data: Mapping[str, Any], steps: tuple[_Step, ...]) -> list[Any]:
    """``[_get(data, path) for path in ...]``, the plan's paths split beforehand: one call
    for the six fields every entry is checked for, not six."""
    if type(data) is not dict:
        return [_get(data, step[0]) for step in steps]
    values = []
    for path, key, subkey in steps:
        if key is None:
            values.append(_get(data, path))
            continue
        value = data.get(key, _MISSING)
        if subkey is not None:
            value = value.get(subkey, _MISSING) if type(value) is dict else _get(data, path)
        values.append(value)
    return values


def _is_mapping(value: Any) -> bool:
    return type(value) is dict or isinstance(value, Mapping)


# ASCII characters ``str.split`` splits on, besides the space.
_ASCII_SPACES = b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"
_DOUBLE_SPACE = re.compile("  ")  # the regex engine finds it faster than ``in`` does


_SQUASH_CHECK_MIN = 80  # shorter texts split and join faster than they are checked


def _squash(text: str) -> str:
    """``" ".join(text.split())``: a text already like that (most values) is kept, found
    so in C passes over it, without making a string per word."""
    if " " not in text:  # every other whitespace character is unprintable
        if text.isprintable():
            return text
    elif (
        len(text) > _SQUASH_CHECK_MIN
        and text.isascii()
        and text[:1] != " " != text[-1:]
        and len(text.encode().translate(None, _ASCII_SPACES)) == len(text)
        and _DOUBLE_SPACE.search(text) is None
    ):
        return text
    return " ".join(text.split())


def _text(value: Any) -> str:
    """A field's value as the page shows it: whitespace collapsed, lists joined."""
    if type(value) is str:
        return _squash(value)
    if value is _MISSING or value is None:
        return ""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if v is not None)
    return " ".join(str(value).split())


def _filled(value: Any) -> bool:
    """``bool(_text(value))`` without building the text."""
    if type(value) is str:
        return not (value == "" or value.isspace())
    return bool(_text(value))


def _words(text: str) -> str:
    """Case-folded words between single spaces (literal ``\\n`` of Q&A answers too)."""
    folded = text.casefold()
    # words of letters and digits between single spaces (a keyphrase, a term) are so
    bare = folded.replace(" ", "")
    if bare.isalnum() and folded[:1] != " " != folded[-1:] and "  " not in folded:
        return f" {folded} "
    return " " + " ".join(_NON_WORD.sub(" ", folded).split()) + " "


def _has_words(needle: str, words: list[str], text: str) -> bool:
    """``needle in _words(text)``, where ``needle = _words(x)`` and ``words`` its words.

    Each word of ``_words(text)`` is a run of ``text.casefold()``, so a word missing from
    the folded text settles it without the regex (the common case when a rule fires).
    """
    folded = text.casefold()
    for word in words:
        if word not in folded:
            return False
    # Found as written (single spaces) between non-word characters, it is in the words
    # too; a backslash before it could be a literal \n taking its first letter.
    core = needle[1:-1]
    start = folded.find(core)
    if start >= 0:
        end = start + len(core)
        before = folded[start - 1] if start else " "
        if not (before.isalnum() or before == "\\") and not folded[end : end + 1].isalnum():
            return True
    return needle in " " + " ".join(_NON_WORD.sub(" ", folded).split()) + " "


def _suggest_segment(segment: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", segment).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


# --- per-entry rules -----------------------------------------------------------------


def check_entry(
    data: Mapping[str, Any], schema: Schema, config: SeoConfig, path: str
) -> list[Finding]:
    """Findings of every enabled per-entry rule for one entry's front matter."""
    rows = _check(data, _plan(schema), config, path, None)
    rows.extend(_validation_rows(data, schema, config, path))
    return [Finding(*row) for row in rows]


def check_entry_rows(
    data: Mapping[str, Any], schema: Schema, config: SeoConfig, path: str
) -> tuple[list[FindingRow], FactsRow]:
    """:func:`check_entry` and :func:`seo_facts` in one pass, as plain tuples.

    What the corpus index runs for every file: fields both need are looked up once, and
    tuples (``Finding(*row)``, ``SeoFacts(*facts)``) are cheap to send between processes.
    """
    plan = _plan(schema)
    facts: list[FactsRow] = []
    rows = _check(data, plan, config, path, facts)
    if not schema.generic:
        rows.extend(_validation_rows(data, schema, config, path))
    return rows, facts[0]


def _validation_rows(
    data: Mapping[str, Any], schema: Schema, config: SeoConfig, path: str
) -> list[FindingRow]:
    """``field-required`` / ``field-invalid`` / ``image-missing`` (``validation.py``)."""
    disabled, severity = config.disabled, config.severity
    return [
        (rule, severity(rule), path, field, intern(message), None, None)
        for rule, field, message in validate_entry(data, schema)
        if rule not in disabled
    ]


def _check(
    data: Mapping[str, Any],
    plan: _Plan,
    config: SeoConfig,
    path: str,
    facts: list[FactsRow] | None,
) -> list[FindingRow]:
    out: list[FindingRow] = []
    disabled = config.disabled
    severity = config.severity

    def add(rule: str, field: str, message: str) -> None:
        if rule not in disabled:
            # interned: most messages recur across a corpus (marshal keeps them shared)
            out.append((rule, severity(rule), path, field, intern(message), None, None))

    title_raw, description_raw, keywords_raw, h1_raw, keyphrase_raw, url_raw = _fetch(
        data, plan.steps
    )
    title = _text(title_raw)
    _check_title(add, plan.title, title_raw, title, config)
    description = _text(description_raw)
    _check_description(add, plan.description, description_raw, description, config)

    if not _filled(keywords_raw):
        how = "is not in the file" if keywords_raw is _MISSING else "is empty"
        add(
            "keywords-missing",
            plan.keywords,
            f"Keywords ({plan.keywords}) {how}: list a few comma-separated keywords",
        )

    h1 = _text(h1_raw)
    if not h1 and plan.h1 != plan.title:  # one key for both (Hugo's title): said once
        how = "is not in the file" if h1_raw is _MISSING else "is empty"
        add(
            "h1-missing",
            plan.h1,
            f"Page title ({plan.h1}) {how}: the page would have no heading; write the term",
        )

    keyphrase = _text(keyphrase_raw)
    if plan.keyphrase_declared or keyphrase:
        _check_keyphrase(
            add,
            data,
            plan,
            keyphrase=keyphrase,
            term=h1,
            title=title,
            description=description,
            config=config,
        )

    url = _text(url_raw)
    _check_slug(add, plan, url_raw, url)
    _check_faq(add, data, plan)
    if facts is not None:
        facts.append(_facts(data, plan, path, title=title, description=description, url=url))
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
            f"SEO title is {px:.0f} px wide in {config.title_font_px:g} px Arial (max "
            f"{config.title_max_px:g} px): shorten it or use narrower letters, search "
            "results cut it off",
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
            f"SEO title is {px:.0f} px wide in {config.title_font_px:g} px Arial (min "
            f"{config.title_min_px:g} px): make it more descriptive",
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
    words = needle.split()
    if not words:
        return
    if title and not _has_words(needle, words, title):
        add(
            "keyphrase-not-in-title",
            plan.title,
            f'Focus keyphrase "{keyphrase}" is not in the SEO title: work it in, near the start',
        )
    if description and not _has_words(needle, words, description):
        add(
            "keyphrase-not-in-description",
            plan.description,
            f'Focus keyphrase "{keyphrase}" is not in the page description: mention it',
        )
    for lead_path in plan.lead:
        lead = _get(data, lead_path)
        if lead is _MISSING:
            continue
        # ``_has_words`` collapses inner whitespace itself: a string needs only its ends cut
        lead_text = lead.strip() if type(lead) is str else _text(lead)
        if lead_text and not _has_words(needle, words, lead_text):
            add(
                "keyphrase-not-in-lead",
                lead_path,
                f'Focus keyphrase "{keyphrase}" is not in the {lead_path}: use it there',
            )
        break


def _check_slug(add: _Add, plan: _Plan, raw: Any, url: str) -> None:
    if not url:
        if plan.slug_declared or raw is not _MISSING:
            how = "is not in the file" if raw is _MISSING else "is empty"
            add(
                "slug-format",
                plan.slug,
                f"URL ({plan.slug}) {how}: set one such as /glossary/the-term",
            )
        return
    if _SLUG_URL.match(url):  # a site path of good segments: its own path, and fine
        return
    path = url_path(url)
    if path == "/" or _SLUG_PATH.match(path):
        return
    inner = path.strip("/")
    for segment in inner.split("/") if inner else [path]:
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
            if type(item) is not dict and not _is_mapping(item):
                add(
                    "faq-incomplete",
                    f"{faq_path}.{index}",
                    f"FAQ item {index + 1} is not a question/answer pair: fix or remove it",
                )
                continue
            for part in ("question", "answer"):
                value = item.get(part, _MISSING)
                if type(value) is str:  # ``_filled`` inlined: two per item add up
                    if value and not value.isspace():
                        continue
                elif _filled(value):
                    continue
                how = f"has no {part}" if value is _MISSING else f"has an empty {part}"
                add(
                    "faq-incomplete",
                    f"{faq_path}.{index}.{part}",
                    f"FAQ item {index + 1} {how}: write one or remove the item",
                )


# --- facts for the corpus rules -------------------------------------------------------


def seo_facts(data: Mapping[str, Any], schema: Schema, path: str) -> SeoFacts:
    """What :func:`check_corpus` needs from one entry."""
    plan = _plan(schema)
    return facts_from_row(
        _facts(
            data,
            plan,
            path,
            title=_text(_get(data, plan.title)),
            description=_text(_get(data, plan.description)),
            url=_text(_get(data, plan.slug)),
        )
    )


def facts_from_row(row: FactsRow) -> SeoFacts:
    """The :class:`SeoFacts` of a facts tuple (see ``FactsRow``)."""
    path, title, description, url, flat, title_field, description_field, url_field = row
    links = iter(flat)
    return SeoFacts(
        path=path,
        title=title,
        description=description,
        url=url,
        related=tuple(zip(links, links, strict=True)),
        title_field=title_field,
        description_field=description_field,
        url_field=url_field,
    )


def _facts(
    data: Mapping[str, Any], plan: _Plan, path: str, *, title: str, description: str, url: str
) -> FactsRow:
    related: list[str] = []  # field, url, field, url...
    add = related.append
    for field in plan.related:
        value = _get(data, field)
        if isinstance(value, list):
            for index, item in enumerate(value):
                # a plain URL (the usual item) settles it without the Mapping check
                link = item if type(item) is str or not _is_mapping(item) else item.get("url")
                if isinstance(link, str) and link.strip():
                    add(f"{field}.{index}")
                    add(link.strip())
        elif isinstance(value, str) and value.strip():
            add(field)
            add(value.strip())
    for key, url_field in _related_fields(data):
        value = data[key]
        if type(value) is dict or _is_mapping(value):
            link = value.get("url")
            if type(link) is str or isinstance(link, str):
                link = link.strip()
                if link:
                    add(url_field)
                    add(link)
    return (
        path,
        title.casefold(),
        description.casefold(),
        url_key(url),
        tuple(related),
        plan.title,
        plan.description,
        plan.slug,
    )


_URL_FIELDS: dict[str, str] = {}  # one string per name, shared by every entry's facts
_RELATED_KEYS: dict[tuple[Any, ...], tuple[tuple[Any, str], ...]] = {}


def _related_fields(data: Mapping[str, Any]) -> tuple[tuple[Any, str], ...]:
    """(key, its URL's field) for the keys of ``data`` that are ``related_articleN``, in
    order (files of one site share a few key sequences: remembered per sequence)."""
    keys = tuple(data)
    found = _RELATED_KEYS.get(keys)
    if found is None:
        names = [(k, k if type(k) is str else str(k)) for k in keys]
        found = tuple(
            (k, _URL_FIELDS.setdefault(name, f"{name}.url"))
            for k, name in names
            if _RELATED_ARTICLE.match(name)
        )
        if len(_RELATED_KEYS) < 1000:
            _RELATED_KEYS[keys] = found
    return found

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
from sys import intern
from typing import Any

from editor.content.schema import Schema
from editor.content.seo.common import (
    FactsRow,
    Finding,
    FindingRow,
    SeoFacts,
    finding_from_error,
    finding_of,
    severity_rank,
    text_digest,
    url_key,
    url_path,
)
from editor.content.seo.config import RULE_NAMES, SEVERITIES, SeoConfig
from editor.content.seo.corpus_check import CorpusTally, check_corpus, check_corpus_rows
from editor.content.seo.entry_fields import (
    MISSING,
    RELATED_ARTICLE,
    FieldPlan,
    field_plan,
    field_value,
    field_values,
    has_words,
    is_filled,
    is_mapping,
    seo_field_map,
    shown_text,
    word_text,
)
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

_SLUG_SEGMENT = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
# A path whose every segment is fine (the usual case), in one match: no split, no loop.
# Possessive throughout: the parts never share a character, so giving back never helps.
_SLUG_PATH = re.compile(r"/*+[a-z0-9]++(?:-[a-z0-9]++)*+(?:/[a-z0-9]++(?:-[a-z0-9]++)*+)*+/*+\Z")
_SLUG_URL = re.compile(r"/[a-z0-9]++(?:-[a-z0-9]++)*+(?:/[a-z0-9]++(?:-[a-z0-9]++)*+)*+/*+\Z")
_Add = Callable[[str, str, str], None]  # add(rule, field, message)


def _suggest_segment(segment: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", segment).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


# --- per-entry rules -----------------------------------------------------------------


def check_entry(
    data: Mapping[str, Any], schema: Schema, config: SeoConfig, path: str
) -> list[Finding]:
    """Findings of every enabled per-entry rule for one entry's front matter."""
    rows = _check(data, field_plan(schema), config, path, None)
    rows.extend(_validation_rows(data, schema, config, path))
    return [Finding(*row) for row in rows]


def check_entry_rows(
    data: Mapping[str, Any], schema: Schema, config: SeoConfig, path: str
) -> tuple[list[FindingRow], FactsRow]:
    """:func:`check_entry` and :func:`seo_facts` in one pass, as plain tuples.

    What the corpus index runs for every file: fields both need are looked up once, and
    tuples (``Finding(*row)``, ``SeoFacts(*facts)``) are cheap to send between processes.
    """
    plan = field_plan(schema)
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
    plan: FieldPlan,
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

    title_raw, description_raw, keywords_raw, h1_raw, keyphrase_raw, url_raw = field_values(
        data, plan.steps
    )
    title = shown_text(title_raw)
    _check_title(add, plan.title, title_raw, title, config)
    description = shown_text(description_raw)
    _check_description(add, plan.description, description_raw, description, config)

    if not is_filled(keywords_raw):
        how = "is not in the file" if keywords_raw is MISSING else "is empty"
        add(
            "keywords-missing",
            plan.keywords,
            f"Keywords ({plan.keywords}) {how}: list a few comma-separated keywords",
        )

    h1 = shown_text(h1_raw)
    if not h1 and plan.h1 != plan.title:  # one key for both (Hugo's title): said once
        how = "is not in the file" if h1_raw is MISSING else "is empty"
        add(
            "h1-missing",
            plan.h1,
            f"Page title ({plan.h1}) {how}: the page would have no heading; write the term",
        )

    keyphrase = shown_text(keyphrase_raw)
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

    url = shown_text(url_raw)
    _check_slug(add, plan, url_raw, url)
    _check_faq(add, data, plan)
    if facts is not None:
        facts.append(_facts(data, plan, path, title=title, description=description, url=url))
    return out


def _check_title(add: _Add, field: str, raw: Any, title: str, config: SeoConfig) -> None:
    if not title:
        how = "is not in the file" if raw is MISSING else "is empty"
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
        how = "is not in the file" if raw is MISSING else "is empty"
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
    plan: FieldPlan,
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
    needle = word_text(keyphrase)
    words = needle.split()
    if not words:
        return
    if title and not has_words(needle, words, title):
        add(
            "keyphrase-not-in-title",
            plan.title,
            f'Focus keyphrase "{keyphrase}" is not in the SEO title: work it in, near the start',
        )
    if description and not has_words(needle, words, description):
        add(
            "keyphrase-not-in-description",
            plan.description,
            f'Focus keyphrase "{keyphrase}" is not in the page description: mention it',
        )
    for lead_path in plan.lead:
        lead = field_value(data, lead_path)
        if lead is MISSING:
            continue
        # ``has_words`` collapses inner whitespace itself: a string needs only its ends cut
        lead_text = lead.strip() if type(lead) is str else shown_text(lead)
        if lead_text and not has_words(needle, words, lead_text):
            add(
                "keyphrase-not-in-lead",
                lead_path,
                f'Focus keyphrase "{keyphrase}" is not in the {lead_path}: use it there',
            )
        break


def _check_slug(add: _Add, plan: FieldPlan, raw: Any, url: str) -> None:
    if not url:
        if plan.slug_declared or raw is not MISSING:
            how = "is not in the file" if raw is MISSING else "is empty"
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


def _check_faq(add: _Add, data: Mapping[str, Any], plan: FieldPlan) -> None:
    for faq_path in plan.faq:
        items = field_value(data, faq_path)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if type(item) is not dict and not is_mapping(item):
                add(
                    "faq-incomplete",
                    f"{faq_path}.{index}",
                    f"FAQ item {index + 1} is not a question/answer pair: fix or remove it",
                )
                continue
            for part in ("question", "answer"):
                value = item.get(part, MISSING)
                if type(value) is str:  # ``is_filled`` inlined: two per item add up
                    if value and not value.isspace():
                        continue
                elif is_filled(value):
                    continue
                how = f"has no {part}" if value is MISSING else f"has an empty {part}"
                add(
                    "faq-incomplete",
                    f"{faq_path}.{index}.{part}",
                    f"FAQ item {index + 1} {how}: write one or remove the item",
                )


# --- facts for the corpus rules -------------------------------------------------------


def seo_facts(data: Mapping[str, Any], schema: Schema, path: str) -> SeoFacts:
    """What :func:`check_corpus` needs from one entry."""
    plan = field_plan(schema)
    return facts_from_row(
        _facts(
            data,
            plan,
            path,
            title=shown_text(field_value(data, plan.title)),
            description=shown_text(field_value(data, plan.description)),
            url=shown_text(field_value(data, plan.slug)),
        )
    )


def facts_from_row(row: FactsRow) -> SeoFacts:
    """The :class:`SeoFacts` of a facts tuple (see ``FactsRow``; the index may add columns
    after these, ``seo/link_rules.py``'s Markdown links)."""
    path, title, description, url, flat, title_field, description_field, url_field = row[:8]
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
    data: Mapping[str, Any], plan: FieldPlan, path: str, *, title: str, description: str, url: str
) -> FactsRow:
    related: list[str] = []  # field, url, field, url...
    add = related.append
    for field in plan.related:
        value = field_value(data, field)
        if isinstance(value, list):
            for index, item in enumerate(value):
                # a plain URL (the usual item) settles it without the Mapping check
                link = item if type(item) is str or not is_mapping(item) else item.get("url")
                if isinstance(link, str) and link.strip():
                    add(f"{field}.{index}")
                    add(link.strip())
        elif isinstance(value, str) and value.strip():
            add(field)
            add(value.strip())
    for key, url_field in _related_fields(data):
        value = data[key]
        if type(value) is dict or is_mapping(value):
            link = value.get("url")
            if type(link) is str or isinstance(link, str):
                link = link.strip()
                if link:
                    add(url_field)
                    add(link)
    return (
        path,
        text_digest(title.casefold()),
        text_digest(description.casefold()),
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
            if RELATED_ARTICLE.match(name)
        )
        if len(_RELATED_KEYS) < 1000:
            _RELATED_KEYS[keys] = found
    return found

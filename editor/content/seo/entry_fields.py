"""Where an entry keeps its SEO fields, and their values as a page shows them.

A schema marks its SEO fields (``seo_role``); a generic entry falls back to the site's
conventional keys. :func:`field_plan` works that out once per schema, and the readers
below take a field's value out of the front matter and normalise it the way the rules
compare it. Shared by the per-entry rules and the facts the corpus rules compare.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from editor.content.schema import Schema, SeoRole
from editor.content.seo.common import GLOSSARY_SEO_MAP

__all__ = [
    "MISSING",
    "RELATED_ARTICLE",
    "FieldPlan",
    "FieldStep",
    "field_plan",
    "field_step",
    "field_value",
    "field_values",
    "has_words",
    "is_filled",
    "is_mapping",
    "seo_field_map",
    "shown_text",
    "squash",
    "word_text",
]

MISSING: Any = object()
_FALLBACK = GLOSSARY_SEO_MAP
_LEAD_FALLBACKS = ("definition", "answer")
RELATED_ARTICLE = re.compile(r"related_article\d+\Z")
_NON_WORD = re.compile(r"\\n|[\W_]+")

# --- field plans ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldPlan:
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
    # title, description, keywords, h1, keyphrase, slug as ``field_values`` reads them
    steps: tuple[FieldStep, ...]


def field_plan(schema: Schema) -> FieldPlan:
    """Where each SEO role reads its value in entries of ``schema`` (made once a schema,
    kept on it: it goes when the schema goes, a generic per-entry one included)."""
    plan: FieldPlan | None = schema.derived.get("seo.field_plan")
    if plan is None:
        plan = schema.derived["seo.field_plan"] = _make_plan(schema)
    return plan


def _make_plan(schema: Schema) -> FieldPlan:
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
    return FieldPlan(
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
        steps=tuple(map(field_step, (title, description, keywords, h1, keyphrase, slug))),
    )


def seo_field_map(schema: Schema) -> dict[str, str]:
    """Which key each SEO role is read from for entries of ``schema`` (panel, report)."""
    plan = field_plan(schema)
    return {
        "title": plan.title,
        "description": plan.description,
        "keywords": plan.keywords,
        "keyphrase": plan.keyphrase,
        "slug": plan.slug,
        "h1": plan.h1,
    }


def field_step(path: str) -> FieldStep:
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
# A field path as ``field_values`` reads it: (path, key, None) for a top-level key, (path, key,
# subkey) for a key of a key, (path, None, None) for a longer path (left to ``field_value``).
FieldStep = tuple[str, str | None, str | None]


def field_value(data: Mapping[str, Any], path: str) -> Any:
    parts = _PARTS.get(path)
    if parts is None:
        parts = _PARTS[path] = tuple(path.split("."))
    if type(data) is dict:  # the usual cases: a key, or a key of a key, in plain dicts
        if len(parts) == 1:
            return data.get(path, MISSING)
        if len(parts) == 2:  # a key of a key (``seo.title``)
            inner = data.get(parts[0], MISSING)
            if type(inner) is dict:
                return inner.get(parts[1], MISSING)
    value: Any = data
    for part in parts:
        if type(value) is dict:
            value = value.get(part, MISSING)
            if value is MISSING:
                return MISSING
        elif isinstance(value, Mapping) and part in value:
            value = value[part]
        else:
            return MISSING
    return value


def field_values(data: Mapping[str, Any], steps: tuple[FieldStep, ...]) -> list[Any]:
    """``[field_value(data, path) for path in ...]``, the plan's paths split beforehand: one call
    for the six fields every entry is checked for, not six."""
    if type(data) is not dict:
        return [field_value(data, step[0]) for step in steps]
    values = []
    for path, key, subkey in steps:
        if key is None:
            values.append(field_value(data, path))
            continue
        value = data.get(key, MISSING)
        if subkey is not None:
            value = value.get(subkey, MISSING) if type(value) is dict else field_value(data, path)
        values.append(value)
    return values


def is_mapping(value: Any) -> bool:
    return type(value) is dict or isinstance(value, Mapping)


# ASCII characters ``str.split`` splits on, besides the space.
_ASCII_SPACES = b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"
_DOUBLE_SPACE = re.compile("  ")  # the regex engine finds it faster than ``in`` does


_SQUASH_CHECK_MIN = 80  # shorter texts split and join faster than they are checked


def squash(text: str) -> str:
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


def shown_text(value: Any) -> str:
    """A field's value as the page shows it: whitespace collapsed, lists joined."""
    if type(value) is str:
        return squash(value)
    if value is MISSING or value is None:
        return ""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if v is not None)
    return " ".join(str(value).split())


def is_filled(value: Any) -> bool:
    """``bool(shown_text(value))`` without building the text."""
    if type(value) is str:
        return not (value == "" or value.isspace())
    return bool(shown_text(value))


def word_text(text: str) -> str:
    """Case-folded words between single spaces (literal ``\\n`` of Q&A answers too)."""
    folded = text.casefold()
    # words of letters and digits between single spaces (a keyphrase, a term) are so
    bare = folded.replace(" ", "")
    if bare.isalnum() and folded[:1] != " " != folded[-1:] and "  " not in folded:
        return f" {folded} "
    return " " + " ".join(_NON_WORD.sub(" ", folded).split()) + " "


def has_words(needle: str, words: list[str], text: str) -> bool:
    """``needle in word_text(text)``, where ``needle = word_text(x)`` and ``words`` its words.

    Each word of ``word_text(text)`` is a run of ``text.casefold()``, so a word missing from
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

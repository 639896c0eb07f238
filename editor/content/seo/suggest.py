"""Fixes the SEO report can offer for a finding, derived from the entry itself.

A suggestion is only ever offered: the window shows it beside the finding and the
editor accepts it (it then becomes an ordinary, unsaved edit of the field) or not.

* a missing, short or long page description: the lead text's (the definition's, the
  answer's) first sentence as plain text, cut at a word boundary to the configured
  limit (characters and pixel width);
* missing keywords: the term and the subject.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from editor.content.document import get_path
from editor.content.schema import Schema
from editor.content.seo.config import SeoConfig
from editor.content.seo.metrics import text_width
from editor.content.seo.rules import seo_field_map

__all__ = ["Suggestion", "first_sentence", "plain_text", "suggest", "trim_to_limit"]

DESCRIPTION_RULES = frozenset({"description-missing", "description-short", "description-long"})
KEYWORDS_RULES = frozenset({"keywords-missing"})
LEAD_FALLBACKS = ("definition", "answer", "what_is")
ELLIPSIS = "…"

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"<[^>]+>|[*_`]+|^\s{0,3}(?:#{1,6}|[-+>]|\d+[.)])\s+", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")


@dataclass(frozen=True)
class Suggestion:
    """A value for ``field`` and a one-line summary of where it comes from."""

    field: str
    value: str | list[str]
    summary: str


def plain_text(markdown: str) -> str:
    """Markdown as the words a reader sees (links keep their text, markup and literal
    ``\\n`` go), whitespace collapsed."""
    text = markdown.replace("\\n", "\n")
    text = _LINK.sub(r"\1", text)
    text = _MARKUP.sub("", text)
    return " ".join(text.split())


def first_sentence(text: str) -> str:
    """The text up to its first sentence end (the whole text when it has none)."""
    return _SENTENCE_END.split(text, maxsplit=1)[0].strip()


def trim_to_limit(text: str, max_chars: int, fits: Callable[[str], bool] | None = None) -> str:
    """``text`` when it is within ``max_chars`` (and ``fits(text)``), else cut at the last
    word boundary that leaves room for an ellipsis, trailing punctuation dropped."""

    def ok(candidate: str) -> bool:
        return len(candidate) <= max_chars and (fits is None or fits(candidate))

    if ok(text):
        return text
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        candidate = " ".join(words).rstrip(",;:–—-") + ELLIPSIS
        if ok(candidate):
            return candidate
    return ""


def _lead(data: Mapping[str, Any], schema: Schema) -> tuple[str, str]:
    field = schema.seo_field("lead") if not schema.generic else None
    keys = (field.path,) if field is not None else LEAD_FALLBACKS
    for key in keys:
        value = _value(data, key)
        if isinstance(value, str) and value.strip():
            return key, value
    return "", ""


def _value(data: Mapping[str, Any], key: str) -> Any:
    try:
        return get_path(data, key)
    except (KeyError, IndexError, TypeError):
        return None


def suggest(
    rule: str, data: Mapping[str, Any], schema: Schema, config: SeoConfig
) -> Suggestion | None:
    """The fix for ``rule``'s finding on an entry holding ``data``; None when there is
    no rule-specific fix or nothing to derive it from (or it is what the field holds)."""
    roles = seo_field_map(schema)
    if rule in DESCRIPTION_RULES:
        field = roles["description"]
        source, lead = _lead(data, schema)
        if not lead:
            return None
        px = config.description_max_px
        size = config.description_font_px
        value = trim_to_limit(
            first_sentence(plain_text(lead)),
            config.description_max_chars,
            lambda text: text_width(text, size) <= px,
        )
        summary = f"first sentence of {source}"
    elif rule in KEYWORDS_RULES:
        field = roles["keywords"]
        words: list[str] = []
        for key in (roles["h1"], "subject"):
            found = _value(data, key)
            text = " ".join(found.split()) if isinstance(found, str) else ""
            if text and text.casefold() not in (w.casefold() for w in words):
                words.append(text)
        if not words:
            return None
        current = _value(data, field)
        schema_field = schema.field(field)
        as_list = isinstance(current, list) or (
            schema_field is not None and schema_field.kind in {"strings", "tags"}
        )
        value_text = ", ".join(words)
        summary = "the term and the subject"
        if as_list:
            return None if current == words else Suggestion(field, words, summary)
        value = value_text
    else:
        return None
    if not value or value == _value(data, field):
        return None
    return Suggestion(field, value, summary)

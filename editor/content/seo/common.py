"""What the per-entry and the corpus SEO rules share: the finding and facts types, and
the key an URL is compared by.

:mod:`~editor.content.seo.rules` makes findings and facts entry by entry;
:mod:`~editor.content.seo.corpus_check` (and its incremental twin
:mod:`~editor.content.seo.corpus_rules`) compares the facts across entries. Both build
on the names here, which are public so no module imports another's private helpers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from hashlib import blake2b
from typing import Any, NamedTuple, cast
from urllib.parse import urlsplit

from editor.content.errors import ContentError
from editor.content.seo.config import SEVERITIES, SeoConfig

# Where each SEO role lives in the built-in glossary schema: what the rules read when
# neither the schema nor the site's mapping names a key, and what site detection starts
# from for a glossary-shaped corpus.
GLOSSARY_SEO_MAP: dict[str, str] = {
    "title": "seo.title",
    "description": "seo.page_description",
    "keywords": "seo.page_keywords",
    "keyphrase": "seo.focus_keyphrase",
    "slug": "url",
    "h1": "title",
}

__all__ = [
    "FactsRow",
    "Finding",
    "FindingRow",
    "SeoFacts",
    "finding_from_error",
    "finding_of",
    "severity_rank",
    "text_digest",
    "url_key",
    "url_path",
]

# A finding as a plain tuple, in the order of :class:`Finding`'s fields (cheap to pickle,
# marshal and keep by the ten thousand); ``Finding(*row)`` makes the object.
FindingRow = tuple[str, str, str, str, str, int | None, int | None]
# SeoFacts' fields in order, but ``related`` flat: (field, url, field, url, ...) - fewer
# tuples for the garbage collector to walk when the index holds tens of thousands - and
# the title and description as their :func:`text_digest` (only compared, never shown).
FactsRow = tuple[Any, ...]


def text_digest(text: str) -> int:
    """A 64-bit digest of ``text`` (0 for ""): what the duplicate title and description
    rules compare instead of the text. At 50k entries the casefolded texts were ~18 MB
    of the index's facts, the digests ~3.5 MB; two different texts share a digest with a
    chance of about one in 10^10 for the whole folder."""
    if not text:
        return 0
    return int.from_bytes(blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest())


class Finding(NamedTuple):
    """One problem with one entry; ``path`` is relative to the content folder when known.

    A named tuple: a bulk check makes hundreds of thousands of them from the index's
    plain tuples (:data:`FindingRow`, same fields in the same order), and
    ``tuple.__new__`` does that in C, several times faster than any class's
    ``__init__``.
    """

    rule: str
    severity: str
    path: str
    field: str
    message: str
    line: int | None = None
    column: int | None = None


finding_of = cast(Callable[[FindingRow], Finding], partial(tuple.__new__, Finding))


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
    # case- and space-normalised, as text or its text_digest (facts from the rules);
    # "" or 0 when empty or missing
    title: str | int = ""
    description: str | int = ""
    url: str = ""  # path part, trailing slash dropped
    related: tuple[tuple[str, str], ...] = ()  # (field, url as written)
    title_field: str = "seo.title"
    description_field: str = "seo.page_description"
    url_field: str = "url"


_URL_KEYS: dict[str, str] = {}
_URL_KEYS_MAX = 200_000


def url_path(url: str) -> str:
    """``urlsplit(url).path``; a plain site path (the usual case) is its own path."""
    plain = url[:1] == "/" and url[1:2] != "/" and "?" not in url and "#" not in url
    if plain and " " not in url and url.isprintable():
        return url
    return urlsplit(url).path


def url_key(url: str) -> str:
    """The path an URL points at, so ``https://site/a/`` and ``/a`` compare equal."""
    key = _URL_KEYS.get(url)
    if key is not None:
        return key
    stripped = url.strip()
    if not stripped:
        key = ""
    else:
        path = url_path(stripped) or "/"
        if not path.startswith("/"):
            path = "/" + path
        key = path.rstrip("/") or "/"
    if len(_URL_KEYS) < _URL_KEYS_MAX:  # related links repeat across a corpus
        _URL_KEYS[url] = key
    return key

"""Which entries and which of their values a bulk operation looks at.

A field pattern is a dotted key (``seo.title``); ``*`` stands for any one part
(``faq.*.answer``: every FAQ answer) and a pattern names everything under it (``seo``:
every SEO field). ``body`` is the Markdown body. No pattern means every text value and
the body. Only strings are looked at: numbers, dates and booleans keep their types.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from editor.content.key_path import join_key, split_key
from editor.content.schema import SCHEMA_KEY

__all__ = ["BODY", "Scope", "string_values"]

BODY = "body"

Parts = tuple[str | int, ...]


@dataclass(frozen=True)
class Scope:
    """Fields, schema, subject and entries a bulk operation is limited to."""

    fields: tuple[str, ...] = ()
    schema: str | None = None
    subject: str | None = None  # compared without regard to case and outer spaces
    paths: frozenset[Path] | None = None  # the chosen entries, named as the candidates are
    _patterns: tuple[tuple[str, ...], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        patterns = tuple(tuple(split_key(f)) for f in self.fields if f != BODY)
        object.__setattr__(self, "_patterns", patterns)

    @property
    def body(self) -> bool:
        return not self.fields or BODY in self.fields

    @property
    def front_matter(self) -> bool:
        return not self.fields or bool(self._patterns)

    def wants_path(self, path: Path) -> bool:
        return self.paths is None or path in self.paths

    @property
    def patterns(self) -> tuple[tuple[str, ...], ...]:
        """The field patterns split into parts (``body`` left out)."""
        return self._patterns

    def first_parts(self) -> set[str]:
        """The top-level keys the field patterns start with (``*`` when one starts so)."""
        return {pattern[0] for pattern in self._patterns}

    def may_hold(self, prefix: Parts) -> bool:
        """Whether a value under ``prefix`` can be in scope (so a walk can skip the rest:
        with ``seo.title`` only the ``seo`` mapping is walked)."""
        if not self.fields:
            return not prefix or prefix[0] != SCHEMA_KEY
        names = [str(p) for p in prefix]
        return any(
            all(p in ("*", n) for p, n in zip(pattern, names, strict=False))
            for pattern in self._patterns
        )

    def wants_entry(self, data: Mapping[str, Any]) -> bool:
        if self.schema is not None and data.get(SCHEMA_KEY) != self.schema:
            return False
        if self.subject is not None:
            subject = data.get("subject")
            if not isinstance(subject, str) or _norm(subject) != _norm(self.subject):
                return False
        return True

    def wants_field(self, parts: Parts) -> bool:
        if not self.fields:
            return parts[0] != SCHEMA_KEY  # the schema name is changed on purpose only
        names = [str(p) for p in parts]
        for pattern in self._patterns:
            if len(pattern) <= len(names) and all(
                p in ("*", n) for p, n in zip(pattern, names, strict=False)
            ):
                return True
        return False


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def string_values(
    data: Any, prefix: Parts = (), scope: Scope | None = None
) -> Iterator[tuple[Parts, str]]:
    """Every string value in ``data`` with its path (keys and list positions), in order;
    with ``scope``, only those in its fields, found by following each field pattern
    down (a walk of the whole entry for ``seo.title`` costs ten times as much)."""
    if scope is not None:
        if not scope.fields:
            for parts, value in string_values(data, prefix):
                if parts[0] != SCHEMA_KEY:
                    yield parts, value
            return
        patterns = scope.patterns
        if len(patterns) == 1:  # the usual scope (seo.title): no set, no nested walk
            yield from _follow(data, patterns[0], prefix)
            return
        seen: set[Parts] = set()
        for pattern in patterns:
            for parts, value in _follow(data, pattern, prefix):
                if parts not in seen:
                    seen.add(parts)
                    yield parts, value
        return
    for key, value in _items(data):
        parts = (*prefix, key)
        if isinstance(value, str):
            yield parts, value
        elif isinstance(value, Mapping | list):
            yield from string_values(value, parts)


def _items(data: Any) -> Sequence[tuple[str | int, Any]]:
    """A container's items whose keys a path can name (a date or null key cannot)."""
    if isinstance(data, Mapping):
        return [
            (k, v) for k, v in data.items() if isinstance(k, str | int) and not isinstance(k, bool)
        ]
    if isinstance(data, list):
        return list(enumerate(data))
    return []


def _follow(node: Any, pattern: tuple[str, ...], prefix: Parts) -> Iterator[tuple[Parts, str]]:
    # Plain keys down dictionaries: one look-up a level, no generator per level. Only
    # the string key itself can be named so (an int key's text is digits).
    while pattern and type(node) is dict:
        head = pattern[0]
        if head == "*" or head.lstrip("-").isdigit():
            break
        if head not in node:
            return
        node, pattern, prefix = node[head], pattern[1:], (*prefix, head)
    if not pattern:
        if isinstance(node, str):
            yield prefix, node
        else:
            yield from string_values(node, prefix)
        return
    head, rest = pattern[0], pattern[1:]
    for key, value in _items(node):
        if head == "*" or str(key) == head:
            yield from _follow(value, rest, (*prefix, key))


@functools.lru_cache(maxsize=4096)
def dotted(parts: Parts) -> str:
    """The dotted key of a value's path (cached: the same few fields recur in every
    entry, and joining with escapes costs more than the match itself)."""
    return join_key([str(p) for p in parts])

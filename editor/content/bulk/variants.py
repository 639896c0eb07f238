"""Near-duplicate values: the same subject (author, tag...) spelled in several ways.

"Digital Media" and "Digital media" both occur in the real files; so do doubled spaces
and stray punctuation. Two values are variants of each other when they are equal once
case is folded, punctuation dropped and runs of spaces made one. Unifying a group is a
bulk set (:mod:`bulk_set`) of the chosen spelling on the entries holding the others.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable

__all__ = ["variant_groups", "variant_key"]


def variant_key(value: str) -> str:
    """What variants of one value have in common."""
    kept = "".join(
        " " if unicodedata.category(c).startswith(("P", "Z")) else c for c in value.casefold()
    )
    return " ".join(kept.split())


def variant_groups(values: Iterable[str]) -> list[list[tuple[str, int]]]:
    """Groups of two or more spellings of one value, each ``(spelling, uses)``, the most
    used spelling first; the groups with the most uses first."""
    counts = Counter(v for v in values if v and v.strip())
    groups: dict[str, list[tuple[str, int]]] = {}
    for value, uses in counts.items():
        groups.setdefault(variant_key(value), []).append((value, uses))
    found = [sorted(g, key=lambda vu: (-vu[1], vu[0])) for g in groups.values() if len(g) > 1]
    return sorted(found, key=lambda g: (-sum(u for _, u in g), g[0][0]))

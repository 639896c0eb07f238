"""Dotted key paths (``seo.title``, ``faq.0.answer``), shared by the command line and
the form.

A key is split at each dot; ``\\.`` is a dot inside a key (``og\\.title`` names the key
``og.title``) and ``\\\\`` a backslash. A part that names a list item is a position
counted from 0, in ASCII digits: ``-1`` (or ``+1``, `` 1``) is refused everywhere.
Apart from :mod:`editor.content.document` so the command line can parse its arguments
without loading the writer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["INDEX_PATTERN", "KeyPathError", "join_key", "split_key"]

INDEX_PATTERN = re.compile(r"[0-9]+")


class KeyPathError(KeyError):
    """A dotted key that names nothing (or a list position that is not one)."""

    def __init__(self, dotted: str, reason: str = "") -> None:
        super().__init__(dotted)
        self.dotted = dotted
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.dotted!r}: {self.reason or 'no such key'}"


def split_key(dotted: str) -> list[str]:
    r"""The parts of a dotted key; ``\.`` stays a dot and ``\\`` a backslash."""
    if "\\" not in dotted:
        parts = dotted.split(".")
    else:
        parts, current, i = [], [], 0
        while i < len(dotted):
            char = dotted[i]
            if char == "\\" and dotted[i + 1 : i + 2] in (".", "\\"):
                current.append(dotted[i + 1])
                i += 2
                continue
            if char == ".":
                parts.append("".join(current))
                current = []
            else:
                current.append(char)
            i += 1
        parts.append("".join(current))
    if "" in parts:
        raise KeyPathError(dotted, "a key has an empty part (two dots, or a dot at an end)")
    return parts


def join_key(parts: Sequence[str | int]) -> str:
    """The dotted key for ``parts``, escaping dots and backslashes inside them."""
    return ".".join(str(p).replace("\\", "\\\\").replace(".", "\\.") for p in parts)

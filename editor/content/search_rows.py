"""What an entry's row of the filter's text holds: its lower-cased values, and their letters.

Made once per file when the folder is indexed (also in worker processes), so each
function here is written for the per-file budget; the search (:mod:`search_job`) finds
a query's terms in these texts, and skips rows whose letter mask lacks a term's letters.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

__all__ = [
    "collect_values",
    "letter_mask",
    "search_bytes",
    "search_text",
    "term_mask",
    "value_text",
]


def value_text(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is str:
        return value.strip()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip() if not isinstance(value, dict | list) else ""


def collect_values(value: Any, out: list[str]) -> None:
    for item in value.values() if type(value) is dict else value:
        kind = type(item)
        if kind is str:
            out.append(item)
        elif kind is dict or kind is list:
            collect_values(item, out)
        elif item is not None:
            if isinstance(item, dict | list):
                collect_values(item, out)
            else:
                out.append(value_text(item))


def search_text(rel: str, data: dict[str, Any]) -> bytes:
    """The file name and every value, lower-cased, in one line of UTF-8.

    Values are joined as they are (a value repeated in several keys once): splitting into
    words to drop repeated ones costs more per file than it saves, and a query term never
    holds whitespace, so it matches within one value either way. Literal ``\\n``
    sequences (Q&A answers) become spaces.
    """
    parts = [rel]
    collect_values(data, parts)
    return search_bytes(parts)


_LITERAL_NEWLINE = re.compile(r"\\n")


def search_bytes(parts: list[str]) -> bytes:
    """:func:`search_text` of the name and the values' texts (``_collect``'s list)."""
    text = " ".join(dict.fromkeys(parts)).lower()
    if "\\" in text:  # a one-character test is memchr: many texts have no backslash
        # the regex engine finds a two-character literal ~3x faster than ``str.replace``
        # (whose search checks the last character first, here the common letter n)
        text = _LITERAL_NEWLINE.sub(" ", text)
    if "\n" in text:
        text = text.replace("\n", " ")  # the buffer's row separator
    return text.encode("utf-8", "surrogatepass")


# Letters whose presence each row records in a bit mask (digits are rare in text and
# would each cost a scan of the whole text per file).
_MASK_CHARS = b"abcdefghijklmnopqrstuvwxyz"
# As ints: ``int in bytes`` is a bare memchr, three times cheaper than a bytes operand.
_MASK_ITEMS = tuple((c, 1 << bit) for bit, c in enumerate(_MASK_CHARS))
_BIT_OF = {c: 1 << bit for bit, c in enumerate(_MASK_CHARS)}


def letter_mask(text: bytes) -> int:
    """Bit ``i`` set when ``_MASK_CHARS[i]`` occurs in ``text`` (26 ``in`` tests, C speed)."""
    mask = 0
    for char, bit in _MASK_ITEMS:
        if char in text:
            mask |= bit
    return mask


def term_mask(term: bytes) -> int:
    """The letter mask a row must hold all of to hold ``term``."""
    mask = 0
    for c in term:
        mask |= _BIT_OF.get(c, 0)
    return mask

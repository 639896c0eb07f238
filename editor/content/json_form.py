"""The JSON form of front-matter data: what ``glossary-editor get`` prints for every YAML value.

YAML (as PyYAML reads it) has values JSON has no word for: dates, binary data, sets,
ordered pairs, keys that are not strings, NaN and the infinities. ``json.dumps`` either
refuses them (a traceback) or writes ``NaN``, which is not JSON. :func:`to_json_form`
maps every value PyYAML's safe loader can give to plain JSON data, by this table:

==========================================  =============================================
YAML value (Python type)                    JSON form
==========================================  =============================================
string (``str``)                            string; a lone surrogate (from a ``"\\ud800"``
                                            escape) is written as the escape ``\\ud800``
integer (``int``), any size                 number with every digit (beyond ±2**53 a
                                            reader using doubles rounds it: read big
                                            numbers as such); past 4,300 decimal digits
                                            (only a hex, octal or binary YAML integer
                                            gets there) the string ``"0x..."`` of its
                                            hex digits, as Python will not write it in
                                            decimal (that takes quadratic time)
float (``float``)                           number; ``.nan`` -> ``"NaN"``, ``.inf`` ->
                                            ``"Infinity"``, ``-.inf`` -> ``"-Infinity"``
                                            (strings that ``float()`` and JavaScript's
                                            ``Number()`` read back)
boolean, null                               ``true`` / ``false``, ``null``
date (``datetime.date``)                    string ``YYYY-MM-DD``
timestamp (``datetime.datetime``)           ISO 8601 string, ``YYYY-MM-DDTHH:MM:SS[.ffffff]``
                                            plus ``+HH:MM`` when the YAML gave a zone
``!!binary`` (``bytes``)                    string: standard base64 (with ``=`` padding,
                                            no line breaks)
sequence (``list``)                         array
``!!set`` (``set``)                         array of the members, sorted by their JSON text
                                            (a YAML set has no order)
``!!omap`` / ``!!pairs`` (list of tuples)   array of ``[key, value]`` arrays, in order
mapping (``dict``)                          object; a key that is not a string becomes the
                                            text of its JSON form (``1`` -> ``"1"``,
                                            ``null`` -> ``"null"``, ``true`` -> ``"true"``,
                                            ``2019-01-01`` -> ``"2019-01-01"``)
mapping whose keys collide as JSON text     array of ``[key, value]`` arrays, as ``!!pairs``
(``1`` and ``"1"``)                         (an object would lose one of them)
==========================================  =============================================

A value that contains itself (a recursive YAML alias) has no JSON form:
:class:`JsonFormError` says so. Written by hand because no library maps YAML 1.1's
types to JSON with stated rules; the encoding itself is the standard ``json`` module.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
import re
import sys
from collections.abc import Mapping
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")
# Python writes an int in decimal only up to 4,300 digits (its default limit), ~14,284 bits.
_DECIMAL_BITS = int((sys.get_int_max_str_digits() or 4300) * math.log2(10)) - 4
_FLOAT_WORDS = {math.inf: "Infinity", -math.inf: "-Infinity"}


class JsonFormError(ValueError):
    """A value that has no JSON form (it contains itself)."""


def to_json_form(value: Any) -> Any:
    """Plain JSON data (str, int, float, bool, None, list, dict) for a YAML value."""
    return _convert(value, set())


def _scalar(value: Any) -> Any:
    """The JSON form of a value that is not a container; ``value`` itself when plain."""
    if isinstance(value, int) and value.bit_length() > _DECIMAL_BITS:
        return hex(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        return _FLOAT_WORDS.get(value, value)
    if isinstance(value, dt.date):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    return value


def key_text(key: Any) -> str:
    """The JSON object key for a YAML mapping key."""
    form = _convert(key, set())
    return form if isinstance(form, str) else json.dumps(form, ensure_ascii=False)


def _convert(value: Any, seen: set[int]) -> Any:
    if not isinstance(value, Mapping | list | tuple | set | frozenset):
        return _scalar(value)
    ident = id(value)
    if ident in seen:
        raise JsonFormError("a value contains itself (a recursive YAML alias): JSON cannot show it")
    seen.add(ident)
    try:
        if isinstance(value, Mapping):
            keys = [key_text(k) for k in value]
            if len(set(keys)) == len(keys):
                return {k: _convert(v, seen) for k, v in zip(keys, value.values(), strict=True)}
            return [[_convert(k, seen), _convert(v, seen)] for k, v in value.items()]
        if isinstance(value, set | frozenset):
            members = [_convert(v, seen) for v in value]
            return sorted(members, key=lambda m: json.dumps(m, sort_keys=True))
        return [_convert(v, seen) for v in value]
    finally:
        seen.discard(ident)


def _escape_surrogate(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def dumps(value: Any, *, indent: int | None = 2) -> str:
    """JSON text of a value's JSON form; always encodable as UTF-8.

    Lone surrogates can only stand inside JSON strings, so each is swapped for its
    ``\\uXXXX`` escape: the text stays valid JSON and ``json.loads`` gives the same string.
    """
    text = json.dumps(to_json_form(value), ensure_ascii=False, indent=indent, allow_nan=False)
    return _SURROGATE.sub(_escape_surrogate, text)

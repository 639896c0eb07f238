"""The data side of a save: values compared with their types, normalised, looked up by path.

The writer patches text, but decides *what* to patch from the data: a value is rewritten
only when it differs from the file's (``1``, ``1.0`` and ``True`` differ, as do a date
and a datetime), and the verified result must equal the intended data exactly.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from editor.content.errors import WriteError

__all__ = [
    "KEY",
    "MISSING",
    "canon",
    "first_difference",
    "hashable",
    "lookup",
    "normalise",
    "same_data",
    "tag_of",
]

KEY = object()  # a path step into a mapping key: no new value is ever found there
MISSING = object()


def same_data(a: Any, b: Any, *, ordered: bool = False) -> bool:
    """Equality that also compares types: ``1 != 1.0 != True``, a date is not a datetime.

    ``ordered`` also requires mappings' keys in the same order (two parsers agreeing);
    the writer leaves it off, since a new key goes where the schema puts it."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        keys_match = list(a) == list(b) if ordered else a.keys() == b.keys()
        return keys_match and all(same_data(a[k], b[k], ordered=ordered) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(
            same_data(x, y, ordered=ordered) for x, y in zip(a, b, strict=True)
        )
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def first_difference(a: Any, b: Any, where: str = "") -> str:
    """The dotted key of the first place ``a`` and ``b`` differ (for an error message)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in [*a, *(k for k in b if k not in a)]:
            if key not in a or key not in b or not same_data(a[key], b[key]):
                sub = f"{where}.{key}" if where else str(key)
                if key in a and key in b:
                    return first_difference(a[key], b[key], sub)
                return sub
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if not same_data(x, y):
                return first_difference(x, y, f"{where}.{i}" if where else str(i))
    return where or "(front matter)"


def normalise(value: Any, where: str, path: Path | None, like: Any = None) -> Any:
    """Plain dicts, lists and YAML scalar types only; anything else cannot be written.

    ``like`` is the file's value at the same place: a tuple stays a tuple where the file
    had one (the pairs of ``!!omap`` and ``!!pairs``), so a value nobody edited compares
    equal and keeps its text; elsewhere a tuple is a list.
    """
    if isinstance(value, Mapping):
        out = {}
        old = like if isinstance(like, dict) else {}
        for key, item in value.items():
            if not isinstance(key, str | int | float | bool | dt.date) and key is not None:
                raise WriteError(f"cannot write a {type(key).__name__} key at {where!r}", path)
            sub = f"{where}.{key}" if where else str(key)
            out[key] = normalise(item, sub, path, old.get(key))
        return out
    if isinstance(value, list | tuple):
        olds = like if isinstance(like, list | tuple) else ()
        items = [  # a new item is like the last old one (a pair in a list of pairs)
            normalise(v, f"{where}.{i}", path, olds[min(i, len(olds) - 1)] if olds else None)
            for i, v in enumerate(value)
        ]
        return tuple(items) if isinstance(value, tuple) and isinstance(like, tuple) else items
    if value is None or type(value) in (bool, str, int, float, dt.datetime, dt.date):
        return value
    if type(value) in (bytes, set):  # !!binary, !!set: written by PyYAML's representer
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return float(value)
    raise WriteError(f"cannot write a {type(value).__name__} value at {where!r}", path)


def canon(value: Any) -> Any:
    """A hashable, type-aware stand-in for a value (to match list items)."""
    if isinstance(value, dict):
        return ("d", tuple(sorted((repr(k), canon(v)) for k, v in value.items())))
    if isinstance(value, list):
        return ("l", tuple(canon(v) for v in value))
    return (type(value).__name__, repr(value))


def hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def lookup(data: Any, path: tuple[Any, ...]) -> Any:
    """The value at ``path`` in ``data`` (``MISSING`` if there is none)."""
    for step in path:
        in_dict = isinstance(data, dict) and step is not KEY and hashable(step) and step in data
        in_list = isinstance(data, list | tuple) and isinstance(step, int) and 0 <= step < len(data)
        if not (in_dict or in_list):
            return MISSING
        data = data[step]
    return data


def tag_of(value: Any) -> str | None:
    """The tag PyYAML gives ``value`` (None for values it cannot represent)."""
    try:
        return str(yaml.representer.SafeRepresenter().represent_data(value).tag)
    except yaml.YAMLError:
        return None

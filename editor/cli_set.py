"""``glossary-editor set``: change fields of one entry, touching only their lines.

``set`` reads each value as the type the schema gives its field (or, for a key no schema
lists, the type of the value already there) and refuses what does not fit, rather than
guess: ``KEY=TEXT`` is read as that type, ``KEY:=JSON`` is checked against it. Keys are
dotted; ``\\.`` is a dot inside a key and list positions count from 0. The bulk ``set``
over many files (:mod:`editor.cli_bulk`) plans each file with :func:`planned_set`.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import datetime as dt
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from editor.cli_common import EXIT_OK, UsageError, emit, literal_parts, registry_for
from editor.content.atomic import file_lock
from editor.content.document import Entry, delete_path, get_path, load_entry, save_diff, save_entry
from editor.content.document import set_path as set_value
from editor.content.key_path import INDEX_PATTERN, KeyPathError, join_key, split_key
from editor.content.schema import Field, FieldKind

MAX_NUMBER_DIGITS = 4000  # Python refuses to read 4,300+ digits; no field needs 4,000
MAX_VALUE_DEPTH = 100  # no front matter nests deeper; deeper JSON would only crash later
_INTEGER = re.compile(r"[-+]?[0-9]+")
_DECIMAL = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_KIND_WORDS = {
    "date": "a date (YYYY-MM-DD, or YYYY-MM-DD HH:MM:SS with an optional zone)",
    "number": "a number",
    "boolean": "true or false",
    "objects": "a list of mappings",
    "strings": "a list of texts",
    "entries": "a list of texts",
    "group": "a mapping",
}


@dataclass(frozen=True)
class Assignment:
    """One ``KEY=TEXT`` or ``KEY:=JSON`` argument of ``set``."""

    key: str
    raw: str
    typed: bool

    @property
    def text(self) -> str:
        return f"{self.key}{':=' if self.typed else '='}{self.raw}"


def _shown(text: str, limit: int = 60) -> str:
    """A value quoted for a message, cut short: a 5,000-digit number is not a message."""
    return (
        repr(text) if len(text) <= limit else repr(text[:limit]) + f"... ({len(text)} characters)"
    )


def _parse_assignment(text: str) -> Assignment:
    """``KEY=TEXT`` gives text; ``KEY:=JSON`` a typed value (number, list, null...)."""
    key, sep, raw = text.partition("=")
    if not sep:
        raise UsageError(f"{_shown(text)}: write KEY=VALUE or KEY:=JSON")
    typed = key.endswith(":")
    key = key.removesuffix(":")
    if not key:
        raise UsageError(f"{_shown(text)}: the key is empty")
    return Assignment(key, raw, typed)


def _load_json(assignment: Assignment) -> Any:
    key = assignment.key
    try:
        value = json.loads(assignment.raw)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{key}: the value after := is not valid JSON: {exc}") from None
    except ValueError:  # int() refuses 4,300+ digits
        raise UsageError(
            f"{key}: the value after := holds a number with too many digits to read"
        ) from None
    except RecursionError:
        raise UsageError(f"{key}: the value after := is nested too deeply") from None
    if _depth(value) > MAX_VALUE_DEPTH:
        raise UsageError(
            f"{key}: the value after := is nested deeper than {MAX_VALUE_DEPTH} levels"
        )
    return value


def _depth(value: Any) -> int:
    """How deeply lists and mappings nest in ``value`` (walked without recursion)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level + 1)
            if deepest > MAX_VALUE_DEPTH:
                break
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def read_date(text: str, key: str, *, hint: bool = False) -> dt.date:
    """A YAML date or timestamp, read as PyYAML reads one in a file; else a usage error."""
    value: Any = None
    if SafeConstructor.timestamp_regexp.match(text) is not None:
        node = yaml.ScalarNode("tag:yaml.org,2002:timestamp", text)
        with contextlib.suppress(ValueError):  # 2020-02-30, hour 25...
            value = yaml.SafeLoader("").construct_yaml_timestamp(node)
    if isinstance(value, dt.date):
        return value
    advice = f" (--unset {key} removes it; {key}:=null empties it)" if not text else ""
    raise UsageError(
        f"{key} is a date field: {_shown(text)} is not {_KIND_WORDS['date']}{advice}"
        + _other_type(key, not hint)
    )


def read_number(text: str) -> int | float:
    """An integer or decimal number; ValueError otherwise (words such as ``nan`` too)."""
    text = text.strip()
    if _INTEGER.fullmatch(text):
        return int(text)  # more than 4,300 digits raises ValueError
    if _DECIMAL.fullmatch(text):
        number = float(text)
        if math.isfinite(number):
            return number
    raise ValueError(text)


def _field_at(fields: Sequence[Field], parts: Sequence[str]) -> Field | None:
    """The schema field a dotted path lands on (list items get an item field), or None."""
    field = next((f for f in fields if f.key == parts[0]), None)
    rest = list(parts[1:])
    while field is not None and rest:
        part = rest.pop(0)
        if field.kind == "group":
            field = field.child(part)
        elif field.kind in ("objects", "strings", "entries") and INDEX_PATTERN.fullmatch(part):
            item_kind: FieldKind = "group" if field.kind == "objects" else "line"
            field = Field(
                key=part,
                path=f"{field.path}.{part}",
                label=field.label,
                kind=item_kind,
                fields=field.fields,
            )
        else:
            return None
    return field


def _fits(kind: str, value: Any) -> bool:
    """Whether a JSON value has the shape a field kind holds (null fits every kind)."""
    if value is None:
        return True
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "group":
        return isinstance(value, dict)
    if kind == "objects":
        return isinstance(value, list) and all(isinstance(v, dict) for v in value)
    if kind in ("strings", "entries"):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, str)  # line, text, markdown; date is read from a string


def _typed_value(
    assignment: Assignment, field: Field | None, *, declared: bool, force: bool
) -> Any:
    """The value to store: read as the field's kind, or a clear error (never a guess).

    ``field`` comes from the schema (``declared``) or, for a key no schema lists, from
    the value already there: ``KEY=TEXT`` keeps that value's type either way, while
    ``KEY:=JSON`` may change an undeclared key's type (that is what it is for). A mapping
    or list field takes another kind of value only with ``force``.
    """
    key, kind = assignment.key, field.kind if field is not None else "line"
    wanted = _KIND_WORDS.get(kind, "text")
    container = kind in ("group", "objects", "strings", "entries")
    if assignment.typed:
        value = _load_json(assignment)
        if not declared:
            return value
        if _fits(kind, value) or (container and force):
            return read_date(value, key) if kind == "date" and isinstance(value, str) else value
        raise UsageError(
            f"{key} is a {kind} field: it takes {wanted}, not {_shown(assignment.raw)}"
        )
    text = assignment.raw
    if kind == "date":
        return read_date(text, key, hint=not declared)
    if kind == "number":
        if len(text) > MAX_NUMBER_DIGITS:
            raise UsageError(f"{key} is a number field: {_shown(text)} has too many digits")
        try:
            return read_number(text)
        except ValueError:
            raise UsageError(
                f"{key} is a number field: {_shown(text)} is not a number"
                + _other_type(key, declared)
            ) from None
    if kind == "boolean":
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise UsageError(
            f"{key} is a boolean field: write true or false, not {_shown(text)}"
            + _other_type(key, declared)
        )
    if container and declared and not force:
        items = f"{key}.KEY" if kind == "group" else f"{key}.0"
        raise UsageError(
            f"{key} is a {kind} field: it takes {wanted}; set its items ({items}=...), write"
            f" {key}:=JSON, or give --force to replace it with text"
        )
    return text


def _other_type(key: str, declared: bool) -> str:
    return "" if declared else f" (write {key}:=JSON to store another type)"


def _shape(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "a single value"


def _check_replace(data: Mapping[str, Any], assignment: Assignment, value: Any) -> None:
    """Refuse replacing a mapping or list with something of another shape."""
    try:
        old = get_path(data, assignment.key)
    except KeyPathError:
        return
    if isinstance(old, Mapping | list) and _shape(old) != _shape(value):
        raise UsageError(
            f"{assignment.key} holds {_shape(old)}: {assignment.text!r} would replace all of it "
            f"with {_shape(value)}; give --force to do that"
        )


def _check_dotted_key(data: Mapping[str, Any], key: str) -> None:
    """Refuse a dotted path that names nothing while a key with those dots in it exists."""
    parts = split_key(key)
    if len(parts) < 2:
        return
    try:
        get_path(data, key)
    except KeyPathError:
        literal = literal_parts(data, parts)
        if literal is not None and literal != parts:
            raise UsageError(
                f"{key}: the entry has a key with a dot in its name there; "
                f"write '{join_key(literal)}' to set it, or give --force to create {key}"
            ) from None


def cmd_set(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not args.assignments and not args.unset:
        raise UsageError("nothing to set: give KEY=VALUE, KEY:=JSON or --unset KEY")
    if args.dry_run:
        emit(save_diff(*planned_set(load_entry(path), args)))
        return EXIT_OK
    # Load and save under the file's writer lock, so two `set`s of one file queue
    # (each sees the other's edit) instead of the later one ending in a conflict.
    with file_lock(path):
        save_entry(*planned_set(load_entry(path), args))
    return EXIT_OK


def planned_set(
    entry: Entry, args: argparse.Namespace
) -> tuple[Entry, dict[str, Any], str, list[str]]:
    """The data and body ``set``'s arguments give ``entry`` (written by the caller)."""
    path = entry.path
    assignments = [_parse_assignment(a) for a in args.assignments]
    registry = registry_for(path)
    schema = registry.for_file(entry.data, path)
    declared = () if schema.generic else schema.fields
    inferred = schema.fields if schema.generic else schema.extra_fields(entry.data)
    data = copy.deepcopy(entry.data)
    body = entry.body
    for key in args.unset:
        try:
            delete_path(data, key)
        except KeyPathError as exc:
            raise UsageError(f"{path}: no key {key!r} to remove" + (
                f": {exc.reason}" if exc.reason else "")) from None  # fmt: skip
    for assignment in assignments:
        key = assignment.key
        if key == "body":
            if assignment.typed:
                raise UsageError("body takes text: write body=TEXT")
            body = assignment.raw
            continue
        parts = split_key(key)
        field = _field_at(declared, parts)
        value = _typed_value(
            assignment,
            field or _field_at(inferred, parts),
            declared=field is not None,
            force=args.force,
        )
        if not args.force:
            _check_replace(data, assignment, value)
            _check_dotted_key(data, key)
        try:
            set_value(data, key, value)
        except KeyPathError as exc:
            raise UsageError(f"{path}: cannot set {exc}") from None
    return entry, data, body, registry.for_file(data, path).key_order()

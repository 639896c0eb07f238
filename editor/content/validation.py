"""Field validation: required, length, pattern, allowed values and type.

One set of rules for the form (a message under the field as the editor types) and for
``check`` (findings ``field-required``, ``field-invalid`` and ``image-missing``, so CI
catches them too). A schema's checks are worked out once (:func:`plan`): the fields
with something to check and how, so an entry with nothing declared costs one lookup.
Fields whose emptiness an SEO rule already reports (``title-missing``, ``h1-missing``,
``description-missing``) and FAQ items (``faq-incomplete``) are not reported twice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from editor.content.schema import Field, Schema

_SEO_COVERED = frozenset({"title", "description", "h1"})
_LIST_KINDS = frozenset({"strings", "tags", "multiselect", "entries", "objects"})
_TEXT_KINDS = frozenset({"line", "text", "markdown", "url", "select"})
_COLOR = re.compile(
    r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})|(?:rgba?|hsla?)\([^()]*\)|[a-zA-Z]+"
)
_URL_SCHEMES = ("http://", "https://", "mailto:", "tel:")
MISSING: Any = object()  # a key that is not in the entry

# (rule, dotted field, message)
Problem = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class _Check:
    keys: tuple[str, ...]  # where the value is, from the entry's top
    field: Field
    required: bool  # report an empty value (False where an SEO rule already does)
    enforce: bool  # the schema reports empty required fields at all
    path: str  # ``keys`` joined, as findings name the field
    # A value of this type needs no further look (None: always run ``check_value``).
    fine: type | tuple[type, ...] | None


# Per kind, the types a value may have that need no further check when the field has no
# limits, pattern or options: most values of a corpus, settled by one ``isinstance``.
_FINE_TYPES: dict[str, type | tuple[type, ...]] = {
    "line": str, "text": str, "markdown": str, "select": str, "boolean": bool,
    "date": dt.date, "datetime": dt.date, "strings": list, "tags": list,
    "multiselect": list, "entries": list,
}  # fmt: skip


def needs_check(f: Field) -> bool:
    """Whether a field declares anything to validate."""
    return bool(
        f.required
        or f.kind
        in (
            "number",
            "range",
            "date",
            "datetime",
            "boolean",
            "url",
            "color",
            "image",
            "file",
            "multiselect",
            "tags",
            "strings",
        )
        or f.options
        or f.min_length is not None
        or f.max_length is not None
        or f.pattern
        or f.minimum is not None
        or f.maximum is not None
    )


def plan(schema: Schema) -> tuple[_Check, ...]:
    """The checks of a schema, worked out once per schema object (kept on it)."""
    if schema.generic:
        return ()  # nothing declared: keys inferred from the values themselves
    checks: tuple[_Check, ...] | None = schema.derived.get("validation.plan")
    if checks is None:
        checks = schema.derived["validation.plan"] = _make_plan(schema)
    return checks


def _make_plan(schema: Schema) -> tuple[_Check, ...]:
    covered = {path for role, path in schema.seo_map if role in _SEO_COVERED}
    enforce = schema.checks_required
    checks: list[_Check] = []

    def walk(fields: Iterable[Field], keys: tuple[str, ...]) -> None:
        for f in fields:
            here = (*keys, f.key)
            if f.kind == "group":
                walk(f.fields, here)
                continue
            if f.kind == "other":
                continue
            required = f.required and enforce and f.seo_role not in _SEO_COVERED
            required = required and f.path not in covered
            if f.kind == "objects":
                if required or any(_child_checked(c, enforce) for c in f.fields):
                    checks.append(_Check(here, f, required, enforce, ".".join(here), None))
                continue
            limited = _limited(f)
            if not (required or limited or f.kind in _TYPED_KINDS):
                continue  # a required mark the schema does not enforce, and nothing else
            fine = None if limited else _FINE_TYPES.get(f.kind)
            if f.kind in ("number", "range"):
                fine = None if limited else (int, float)  # bool is refused in check_value
            checks.append(_Check(here, f, required, enforce, ".".join(here), fine))

    walk(schema.fields, ())
    return tuple(checks)


_TYPED_KINDS = frozenset(
    {"number", "range", "date", "datetime", "boolean", "url", "color", "image", "file",
     "multiselect", "tags", "strings"}
)  # fmt: skip


def _limited(f: Field) -> bool:
    """Limits, a pattern, allowed values or a file to find: always a full check."""
    return bool(
        f.options
        or f.min_length is not None
        or f.max_length is not None
        or f.pattern
        or f.minimum is not None
        or f.maximum is not None
        or f.kind in ("image", "file", "url", "color")
    )


def _child_checked(f: Field, enforce: bool) -> bool:
    return f.kind not in ("group", "objects", "other") and (
        (f.required and enforce) or _limited(f) or f.kind in _TYPED_KINDS
    )


def _lookup(data: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    value: Any = data
    for key in keys:
        # plain dicts first: an ABC check costs several times more
        if type(value) is dict or isinstance(value, Mapping):
            value = value.get(key, MISSING)
        else:
            return MISSING
        if value is MISSING:
            return MISSING
    return value


def validate_entry(
    data: Mapping[str, Any], schema: Schema, site_root: str | None = None
) -> list[Problem]:
    """Every problem of one entry's front matter, in schema order."""
    checks = plan(schema)
    if not checks:
        return []
    root = schema.site_root if site_root is None else site_root
    out: list[Problem] = []
    for check in checks:
        value = _lookup(data, check.keys)
        if check.fine is not None and type(value) is not bool and isinstance(value, check.fine):
            if not check.required or not _empty(value):
                continue  # the usual case: a value of the right type, nothing else to check
        elif value is MISSING and not check.required:
            continue
        if check.field.kind == "objects":
            _items(out, check, value, check.path, root)
            continue
        for rule, message in check_value(check.field, value, required=check.required, root=root):
            out.append((rule, check.path, message))
    return out


def _items(out: list[Problem], check: _Check, value: Any, path: str, root: str) -> None:
    f = check.field
    if check.required and _empty(value):
        out.append(("field-required", path, f"{f.label} is required: add at least one item"))
    if not isinstance(value, list):
        return
    faq = f.child("question") is not None and f.child("answer") is not None
    children = [c for c in f.fields if _child_checked(c, check.enforce)]
    for index, item in enumerate(value):
        if not isinstance(item, Mapping):
            continue
        for child in children:
            required = child.required and not faq and check.enforce
            for rule, message in check_value(
                child, item.get(child.key, MISSING), required=required, root=root
            ):
                out.append((rule, f"{path}.{index}.{child.key}", message))


def _empty(value: Any) -> bool:
    if value is MISSING or value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | dict):
        return not value
    return False


def check_value(
    f: Field, value: Any, *, required: bool | None = None, root: str = ""
) -> list[tuple[str, str]]:
    """(rule, message) for one value; ``value`` may be absent (the module's marker or
    None). The form calls this as the editor types."""
    required = f.required if required is None else required
    if _empty(value):
        if required:
            how = "is not in the file" if value is MISSING else "is empty"
            return [("field-required", f"{f.label} ({f.path}) {how}: it is required, fill it in")]
        return []
    problem = _type_problem(f, value)
    if problem:
        return [("field-invalid", problem)]
    out: list[tuple[str, str]] = []
    out.extend(("field-invalid", m) for m in _limit_problems(f, value))
    media = f.kind in ("image", "file") and isinstance(value, str) and root
    if media and not media_exists(root, value, f.uploads):
        what = "Image" if f.kind == "image" else "File"
        message = f"{what} {value!r} ({f.path}) is not in the site: pick it again or fix the path"
        out.append(("image-missing", message))
    return out


def _type_problem(f: Field, value: Any) -> str:
    """What is wrong with the value's type for the field's kind ("" when nothing)."""
    kind, label = f.kind, f"{f.label} ({f.path})"
    wrong = ""
    if kind in ("number", "range"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            wrong = "must be a number, not {}: write digits only"
    elif kind in ("date", "datetime"):
        if not isinstance(value, dt.date) and not (isinstance(value, str) and _is_date(value)):
            wrong = "must be a date like 2024-05-31, not {}"
    elif kind == "boolean":
        if not isinstance(value, bool):
            wrong = "must be true or false, not {}"
    elif kind in _LIST_KINDS:
        if not isinstance(value, list):
            wrong = "must be a list, not {}: put each value on its own line"
    elif kind == "url":
        if not _is_url(value):
            wrong = "must be a web address (https://… or /path/), not {}"
    elif kind == "color" and (not isinstance(value, str) or not _COLOR.fullmatch(value.strip())):
        wrong = "must be a colour like #1a2b3c, not {}"
    return f"{label} {wrong.format(_show(value))}" if wrong else ""


def _is_url(value: Any) -> bool:
    if not isinstance(value, str) or any(c.isspace() for c in value.strip()):
        return False
    scheme = value.split("/", 1)[0]
    return ":" not in scheme or value.startswith(_URL_SCHEMES)


def _limit_problems(f: Field, value: Any) -> list[str]:
    out: list[str] = []
    label = f"{f.label} ({f.path})"
    if f.options and f.strict_options:
        allowed = set(map(_key, f.options))
        values = value if isinstance(value, list) else [value]
        wrong = [v for v in values if _key(v) not in allowed]
        if wrong:
            shown = ", ".join(map(str, f.option_labels or f.options))
            out.append(f"{label}: {_show(wrong[0])} is not one of the allowed values ({shown})")
    if isinstance(value, str):
        n = len(value)
        if f.min_length is not None and n < f.min_length:
            out.append(f"{label} is {n} characters: write at least {f.min_length}")
        if f.max_length is not None and n > f.max_length:
            out.append(f"{label} is {n} characters: shorten it to {f.max_length} at most")
        if f.pattern and not _matches(f.pattern, value):
            out.append(f"{label}: {f.pattern_message or 'does not match ' + f.pattern}")
    number = len(value) if isinstance(value, list) else value
    if isinstance(number, int | float) and not isinstance(number, bool):
        what = "items" if isinstance(value, list) else ""
        if f.minimum is not None and number < f.minimum:
            out.append(f"{label} is {number:g}{' ' + what if what else ''}: at least {f.minimum:g}")
        if f.maximum is not None and number > f.maximum:
            out.append(f"{label} is {number:g}{' ' + what if what else ''}: at most {f.maximum:g}")
    return out


def _key(value: Any) -> str:
    return str(value).strip()


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _matches(pattern: str, value: str) -> bool:
    compiled = _compiled(pattern)
    # JavaScript's RegExp.test, as CloudCannon and Decap use it: found anywhere
    return compiled is None or compiled.search(value) is not None


def _is_date(text: str) -> bool:
    text = text.strip()
    try:
        dt.datetime.fromisoformat(text.replace(" ", "T", 1) if len(text) > 10 else text)
    except ValueError:
        return False
    return True


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def media_candidates(root: str, value: str, uploads: str = "") -> list[Path]:
    """Where a site may keep the file an image/file value names."""
    clean = value.split("?", maxsplit=1)[0].split("#", maxsplit=1)[0].strip()
    if not clean or clean.startswith(("http://", "https://", "//", "data:")):
        return []
    rel = clean.lstrip("/")
    base = Path(root)
    found = [base / rel, base / "static" / rel, base / "public" / rel, base / "assets" / rel]
    if uploads:
        found.append(base / uploads / Path(rel).name)
    return found


def media_exists(root: str, value: str, uploads: str = "") -> bool:
    """True unless the value is a local path found nowhere (remote URLs count as found)."""
    candidates = media_candidates(root, value, uploads)
    return not candidates or any(p.is_file() for p in candidates)

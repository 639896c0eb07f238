"""What changed in an entry, field by field: for review, history and commit messages.

A line diff of YAML shows which lines moved; an editor wants ``seo.title: old → new``
and "FAQ item 3 added". This compares parsed data (lists item by item, so an inserted
FAQ item is one change, not every item after it) and names each change by its dotted
key. :func:`take_field` puts one field back as another version has it, through the
byte-preserving writer, for "discard this field" and "restore this field".
"""

from __future__ import annotations

import copy
import difflib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from editor.content import frontmatter
from editor.content.document import delete_path, get_path, set_path
from editor.content.key_path import KeyPathError
from editor.content.merge import BODY, MISSING, dotted, same_value, value_token
from editor.content.writer import update_text

__all__ = ["FieldChange", "commit_message", "field_changes", "take_field", "text_changes"]

Kind = Literal["changed", "added", "removed", "moved"]
_SHORT = 60


def _short(value: Any) -> str:
    if value is MISSING:
        return "—"
    text = value if isinstance(value, str) else repr(value)
    text = " ".join(text.split())
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


@dataclass(frozen=True)
class FieldChange:
    """One change: ``key`` dotted (``seo.title``, ``faq.2``, ``body``)."""

    key: str
    kind: Kind
    old: Any = MISSING
    new: Any = MISSING
    moved_from: int | None = None

    @property
    def field(self) -> str:
        """The key without list positions (``faq.answer``): what a summary counts."""
        return ".".join(p for p in self.key.split(".") if not p.isdigit()) or self.key

    def describe(self) -> str:
        if self.kind == "moved":
            return f"{self.key}: moved from position {self.moved_from}"
        if self.kind == "added":
            return f"{self.key}: added {_short(self.new)}"
        if self.kind == "removed":
            return f"{self.key}: removed {_short(self.old)}"
        return f"{self.key}: {_short(self.old)} → {_short(self.new)}"


def field_changes(
    old: Mapping[str, Any], new: Mapping[str, Any], old_body: str = "", new_body: str = ""
) -> list[FieldChange]:
    """Every change from ``old`` to ``new``, in the new entry's key order."""
    changes: list[FieldChange] = []
    _diff_mapping("", old, new, changes)
    if old_body != new_body:
        changes.append(FieldChange(BODY, "changed", old_body, new_body))
    return changes


def _diff(where: str, old: Any, new: Any, out: list[FieldChange]) -> None:
    if same_value(old, new):
        return
    if old is MISSING:
        out.append(FieldChange(where, "added", MISSING, new))
    elif new is MISSING:
        out.append(FieldChange(where, "removed", old, MISSING))
    elif isinstance(old, Mapping) and isinstance(new, Mapping):
        _diff_mapping(where, old, new, out)
    elif isinstance(old, list) and isinstance(new, list):
        _diff_list(where, old, new, out)
    else:
        out.append(FieldChange(where, "changed", old, new))


def _diff_mapping(
    where: str, old: Mapping[Any, Any], new: Mapping[Any, Any], out: list[FieldChange]
) -> None:
    for key in [*new, *(k for k in old if k not in new)]:
        _diff(dotted(where, key), old.get(key, MISSING), new.get(key, MISSING), out)


def _diff_list(where: str, old: list[Any], new: list[Any], out: list[FieldChange]) -> None:
    a, b = [value_token(x) for x in old], [value_token(x) for x in new]
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    removed = {a[i]: i for tag, i1, i2, _, _ in ops if tag in ("delete", "replace")
               for i in range(i1, i2)}  # fmt: skip
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for n in range(i2 - i1):
                _diff(dotted(where, j1 + n), old[i1 + n], new[j1 + n], out)
            continue
        for j in range(j1, j2):
            if b[j] in removed:
                out.append(FieldChange(dotted(where, j), "moved", new=new[j],
                                       moved_from=removed[b[j]]))  # fmt: skip
            else:
                out.append(FieldChange(dotted(where, j), "added", MISSING, new[j]))
        for i in range(i1, i2):
            if a[i] not in b:
                out.append(FieldChange(dotted(where, i), "removed", old[i], MISSING))


def text_changes(old_text: str | None, new_text: str | None) -> list[FieldChange]:
    """Field changes between two versions of a file's text (None: the file is absent)."""
    old, old_body = _read(old_text)
    new, new_body = _read(new_text)
    return field_changes(old, new, old_body, new_body)


def _read(text: str | None) -> tuple[dict[str, Any], str]:
    if text is None:
        return {}, ""
    parts = frontmatter.split(text)
    if parts.format != "yaml":
        return {}, text
    return frontmatter.parse_yaml(parts.front), parts.body


def take_field(text: str, source: str | None, key: str) -> str:
    """``text`` with field ``key`` (or :data:`BODY`) as ``source`` has it (absent: removed)."""
    data, _ = _read(text)
    other, other_body = _read(source)
    if key == BODY:
        return update_text(text, data, other_body)
    data = copy.deepcopy(data)
    try:
        value = get_path(other, key)
    except KeyPathError:
        delete_path(data, key)
    else:
        set_path(data, key, copy.deepcopy(value))
    return update_text(text, data, key_order=list(other) + list(data))


def commit_message(
    changes: Mapping[str, Sequence[FieldChange]], added: int = 0, removed: int = 0
) -> str:
    """A one-line summary: ``Update seo.page_description of 12 entries``.

    ``changes`` maps each modified entry's name to its field changes; ``added`` and
    ``removed`` count new and deleted entries.
    """
    parts: list[str] = []
    if changes:
        fields: Counter[str] = Counter()
        for entry_changes in changes.values():
            fields.update(list(dict.fromkeys(c.field for c in entry_changes)))
        count = len(changes)
        what = f"{count} entries" if count > 1 else next(iter(changes))
        names = [name for name, _ in fields.most_common()]
        if len(names) <= 3:
            parts.append(f"Update {', '.join(names) or 'formatting'} of {what}")
        else:
            parts.append(f"Update {what} ({', '.join(names[:3])} and {len(names) - 3} more)")
    if added:
        parts.append(f"add {added} {'entry' if added == 1 else 'entries'}")
    if removed:
        parts.append(f"remove {removed} {'entry' if removed == 1 else 'entries'}")
    if not parts:
        return ""
    text = "; ".join(parts)
    return text[0].upper() + text[1:]

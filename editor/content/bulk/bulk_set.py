"""Bulk edits of one field on many entries: set it, add or remove a list item, remove it.

The same shape as a replace: every entry is edited and verified through the writer
first (:func:`plan_edit` gives a :class:`~editor.content.bulk.replace.Plan`), then the
batch is written all or nothing and undone in one step (:mod:`batch`). Entries open
with unsaved edits are edited in their editor (``open_docs``), as for a replace.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from editor.content.bulk.batch import BatchError, FileChange, Problem
from editor.content.bulk.replace import OpenDocs, Plan
from editor.content.document import (
    delete_path,
    get_path,
    parse_entry,
    planned_bytes,
    read_bytes,
    set_path,
)
from editor.content.errors import ContentError
from editor.content.key_path import KeyPathError
from editor.content.schema import SchemaRegistry

__all__ = ["FieldEdit", "apply_edit", "plan_edit"]

Operation = Literal["set", "add", "remove", "unset"]


@dataclass(frozen=True)
class FieldEdit:
    """``set`` KEY to a value; ``add``/``remove`` an item of the list at KEY; ``unset`` KEY."""

    key: str
    op: Operation
    value: Any = None

    def describe(self) -> str:
        what = {"set": "Set", "add": "Add to", "remove": "Remove from", "unset": "Remove"}
        return f"{what[self.op]} {self.key}"


def apply_edit(data: Mapping[str, Any], edit: FieldEdit) -> dict[str, Any]:
    """``data`` with ``edit`` made (a copy); ContentError when it cannot be made.

    ``add`` leaves a list that already holds the value as it is, and ``remove`` one
    that does not, so applying an edit twice changes nothing the second time.
    """
    new = copy.deepcopy(dict(data))
    try:
        if edit.op == "set":
            with contextlib.suppress(KeyPathError):
                old = get_path(new, edit.key)
                if isinstance(edit.value, str) and not isinstance(old, str | None):
                    kind = type(old).__name__
                    raise ContentError(f"{edit.key} holds a {kind}, not text: edit it in its form")
            set_path(new, edit.key, edit.value)
        elif edit.op == "unset":
            with contextlib.suppress(KeyPathError):  # already absent: nothing to remove
                delete_path(new, edit.key)
        else:
            try:
                items = get_path(new, edit.key)
            except KeyPathError:
                items = None
            if items is None:
                items = []
                if edit.op == "add":
                    set_path(new, edit.key, items)
            if not isinstance(items, list):
                raise ContentError(f"{edit.key} is not a list")
            if edit.op == "add" and edit.value not in items:
                items.append(edit.value)
            elif edit.op == "remove":
                items[:] = [item for item in items if item != edit.value]
    except KeyPathError as exc:
        raise ContentError(str(exc)) from None
    return new


def plan_edit(
    paths: Iterable[Path],
    edit: FieldEdit,
    *,
    registry: SchemaRegistry | None = None,
    open_docs: OpenDocs | None = None,
) -> Plan:
    """Verified new bytes for each entry ``edit`` changes; BatchError names each entry
    it cannot be made in (nothing is written)."""
    out = Plan()
    problems: list[Problem] = []
    docs = open_docs or {}
    for path in paths:
        doc = docs.get(path)
        try:
            if doc is not None:
                data, body = doc
                new = apply_edit(data, edit)
                if new != data:
                    out.in_editor[path] = (new, body or "")
                    out.match_count += 1
                continue
            raw = read_bytes(path)
            entry = parse_entry(raw, path)
            new = apply_edit(entry.data, edit)
            if new == entry.data:
                continue
            order = registry.for_data(new).key_order() if registry is not None else []
            new_bytes = planned_bytes(entry, new, entry.body, order)
        except ContentError as exc:
            problems.append(Problem(path, exc.message))
            continue
        if new_bytes != raw:
            out.changes.append(FileChange(path, raw, new_bytes))
            out.match_count += 1
    if problems:
        noun = "entry" if len(problems) == 1 else "entries"
        raise BatchError(f"nothing was changed: {len(problems)} {noun} cannot be edited", problems)
    return out

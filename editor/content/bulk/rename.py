"""Rename an entry's slug: the file, its ``url`` (and ``file_name``), and every reference.

A reference is the entry's URL standing as a whole in any text of the corpus: a
``related`` item, a ``related_articleN.url``, a Markdown link ``[text](/glossary/old)``
or ``(/glossary/old#part)`` in a field or a body. They are rewritten through the find
and replace engine (a regular expression that will not match inside a longer slug),
so the diff of each file is as small as a hand edit, and the whole rename - the text
changes and the file's new name - is one batch with one undo. In a git checkout the file
is moved with ``git mv`` (so git records a rename), elsewhere with ``os.rename``. Links
written with the site's domain (``https://example.com/glossary/old``) are left alone:
the folder does not say which domain is the site's.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from editor.content.bulk.batch import (
    AppliedBatch,
    BatchError,
    FileChange,
    Problem,
    apply_changes,
    undo_batch,
)
from editor.content.bulk.links import reference_options
from editor.content.bulk.replace import Corpus, Plan, plan, preview
from editor.content.document import load_entry, parse_entry, planned_bytes, read_bytes
from editor.content.errors import ContentError

__all__ = ["AppliedRename", "RenamePlan", "apply_rename", "plan_rename", "undo_rename"]

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass
class RenamePlan:
    """What a rename will do: text changes (the entry's at its old path) and the move."""

    old_path: Path
    new_path: Path
    old_url: str
    new_url: str
    changes: Plan
    references: int  # references rewritten in other entries

    @property
    def label(self) -> str:
        return f"Rename {self.old_path.name} to {self.new_path.name}"


@dataclass
class AppliedRename:
    """A rename as written: the text batch and the move, for one undo."""

    plan: RenamePlan
    batch: AppliedBatch
    git: bool


def plan_rename(
    folder: Path, path: Path, new_slug: str, *, index: Corpus | None = None
) -> RenamePlan:
    """Plan renaming ``path`` to ``new_slug``; ContentError when it cannot be done."""
    if not SLUG.fullmatch(new_slug):
        raise ContentError(
            f"{new_slug!r} is not a slug: use lowercase letters, digits and single hyphens"
        )
    entry = load_entry(path)
    url = entry.data.get("url")
    if not isinstance(url, str) or not url.strip("/"):
        raise ContentError("the entry has no url to rename", path)
    new_path = path.with_name(f"{new_slug}.md")
    if new_path.exists() and new_path != path:
        raise ContentError(f"{new_path.name} exists already", new_path)
    base = url.rstrip("/")
    new_base = base.rsplit("/", 1)[0] + "/" + new_slug
    new_url = new_base + url[len(base) :]  # a trailing slash stays
    result = preview(folder, reference_options(url, new_base), index=index)
    changes = plan(result)
    references = sum(1 for c in changes.changes if c.path != path)
    own = next((c for c in changes.changes if c.path == path), None)
    old_bytes = own.old if own is not None else read_bytes(path)
    current = parse_entry(own.new if own is not None else old_bytes, path)
    if current.data.get("file_name") == path.name:
        data = dict(current.data)
        data["file_name"] = new_path.name
        new_bytes = planned_bytes(current, data, current.body)
        changes.changes = [c for c in changes.changes if c.path != path]
        changes.changes.append(FileChange(path, old_bytes, new_bytes))
    return RenamePlan(path, new_path, url, new_url, changes, references)


def _in_git(path: Path) -> bool:
    """Whether ``path`` is a file git tracks (then it is moved with ``git mv``)."""
    try:
        done = subprocess.run(
            ["git", "ls-files", "--error-unmatch", path.name],
            cwd=path.parent,
            capture_output=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _move(old: Path, new: Path, git: bool) -> None:
    if new.exists():
        raise ContentError(f"{new.name} exists already", new)
    if git:
        done = subprocess.run(
            ["git", "mv", old.name, new.name],
            cwd=old.parent,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        if done.returncode != 0:
            raise ContentError(f"git mv failed: {done.stderr.strip()}", old)
        return
    try:
        old.rename(new)
    except OSError as exc:
        raise ContentError(f"cannot rename: {exc.strerror or exc}", old) from exc


def apply_rename(rename: RenamePlan) -> AppliedRename:
    """Write the text changes, then move the file; on a failure, nothing is changed."""
    if rename.new_path.exists():
        raise BatchError(
            "nothing was changed", [Problem(rename.new_path, "a file of that name exists")]
        )
    git = _in_git(rename.old_path)
    batch = apply_changes(rename.changes.changes, rename.label)
    try:
        _move(rename.old_path, rename.new_path, git)
    except ContentError as exc:
        undo_batch(batch, skip_changed=True)
        raise BatchError("nothing was changed", [Problem(rename.old_path, exc.message)]) from exc
    return AppliedRename(rename, batch, git)


def undo_rename(applied: AppliedRename, *, skip_changed: bool = False) -> list[Path]:
    """Move the file back, then undo the text changes (see :func:`undo_batch`)."""
    old, new = applied.plan.old_path, applied.plan.new_path
    if old.exists() or not new.exists():
        raise BatchError(
            "undo was not done", [Problem(new, "the renamed file was moved or replaced since")]
        )
    _move(new, old, applied.git)
    try:
        return undo_batch(applied.batch, skip_changed=skip_changed)
    except BatchError:
        _move(old, new, applied.git)
        raise

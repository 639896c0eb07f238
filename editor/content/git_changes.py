"""What the window's git views show, gathered in one pass off the GUI thread.

Review (each changed entry against HEAD, field by field), History (the commits that
touched an entry, each as a field-level diff) and Conflicts (each conflicted entry merged
by field from git's three stages) read many file versions; each gathers them with one
``git cat-file --batch`` and returns plain data the dialogs only display.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from editor.content.errors import ContentError
from editor.content.field_diff import FieldChange, text_changes
from editor.content.git_output import Commit, RepoStatus
from editor.content.git_repo import GitRepo
from editor.content.merge import MergeError, MergeResult, merge_texts

EMPTY_ENTRY = "---\n---\n"  # the base of an entry both sides added

__all__ = ["ConflictItem", "EntryChange", "HistoryItem", "conflicts", "entry_history", "review"]


def _text(data: bytes | None) -> str | None:
    if data is None:
        return None
    return data.decode("utf-8", "replace").removeprefix("\ufeff")


def _changes(old: str | None, new: str | None) -> tuple[list[FieldChange], str | None]:
    try:
        return text_changes(old, new), None
    except ContentError as exc:
        return [], str(exc)


def unified(old: str | None, new: str | None, name: str) -> str:
    """The raw diff between two versions, as ``git diff`` shows it."""
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
        for line in difflib.unified_diff(
            (old or "").splitlines(keepends=True),
            (new or "").splitlines(keepends=True),
            fromfile=f"a/{name}" if old is not None else "/dev/null",
            tofile=f"b/{name}" if new is not None else "/dev/null",
        )
    )


@dataclass
class EntryChange:
    """One changed entry: repository-relative ``rel``, git's ``kind`` and both texts."""

    rel: str
    kind: str
    head_text: str | None
    work_text: str | None
    changes: list[FieldChange] = field(default_factory=list)
    error: str | None = None  # a version that does not parse: only the raw diff is shown

    @property
    def raw_diff(self) -> str:
        return unified(self.head_text, self.work_text, self.rel)


def review(repo: GitRepo, status: RepoStatus, suffix: str = ".md") -> list[EntryChange]:
    """Every changed entry of ``status`` (conflicted ones excepted) against HEAD."""
    rels = sorted(
        rel for rel, st in status.files.items() if rel.endswith(suffix) and st.kind != "conflicted"
    )
    heads = repo.show_many([("HEAD", rel) for rel in rels])
    result: list[EntryChange] = []
    for rel, head in zip(rels, heads, strict=True):
        path = repo.abs(rel)
        work = path.read_bytes() if path.is_file() else None
        head_text, work_text = _text(head), _text(work)
        changes, error = _changes(head_text, work_text)
        result.append(
            EntryChange(rel, status.files[rel].kind, head_text, work_text, changes, error)
        )
    return result


@dataclass
class HistoryItem:
    """One commit that touched the entry, with the entry's text before and after it."""

    commit: Commit
    text: str | None
    before: str | None
    changes: list[FieldChange] = field(default_factory=list)
    error: str | None = None


def entry_history(repo: GitRepo, rel: str, limit: int = 50) -> list[HistoryItem]:
    """The commits that touched ``rel``, newest first, each as field-level changes."""
    commits = repo.log(rel, limit)
    afters = repo.show_many([(c.sha, c.path) for c in commits])
    # The version before a commit is the next older commit's version (renames followed).
    befores = [*afters[1:], None]
    if commits:
        befores[-1] = repo.show(f"{commits[-1].sha}^", commits[-1].path)
    items: list[HistoryItem] = []
    for commit, after, before in zip(commits, afters, befores, strict=True):
        text, old = _text(after), _text(before)
        changes, error = _changes(old, text)
        items.append(HistoryItem(commit, text, old, changes, error))
    return items


@dataclass
class ConflictItem:
    """A conflicted entry: the field merge of git's three stages, or why there is none."""

    rel: str
    base: str | None
    ours: str | None
    theirs: str | None
    result: MergeResult | None = None
    error: str | None = None


def conflicts(repo: GitRepo, status: RepoStatus) -> list[ConflictItem]:
    """Each conflicted path merged by field (the clean parts merged, the rest listed)."""
    rels = sorted(rel for rel, st in status.files.items() if st.kind == "conflicted")
    items: list[ConflictItem] = []
    for rel in rels:
        base, ours, theirs = (_text(side) for side in repo.conflict_sides(rel))
        item = ConflictItem(rel, base, ours, theirs)
        if ours is None or theirs is None:
            item.error = "deleted on one side and changed on the other"
        else:
            try:
                item.result = merge_texts(base or EMPTY_ENTRY, ours, theirs)
            except MergeError as exc:
                item.error = str(exc)
        items.append(item)
    return items

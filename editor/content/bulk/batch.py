"""A batch of file changes written all or nothing, and undone in one step.

Each file is written by :func:`editor.content.atomic.atomic_write` (temporary file,
fsync, rename, conflict check against the bytes the change was planned from). A batch
adds what one file cannot: every file is checked before the first is written (changed
on disk since the preview, vanished, read-only, not a regular file), and when a write
still fails part-way, the files already written are put back as they were, so no batch
is ever left half-applied. Undo is the same transaction run backwards, refused (or
narrowed, on request) when a file changed on disk after the batch wrote it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from editor.content.atomic import atomic_write, fingerprint
from editor.content.errors import ContentError, WriteError

__all__ = ["AppliedBatch", "BatchError", "FileChange", "apply_changes", "undo_batch"]

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class FileChange:
    """One file going from ``old`` to ``new`` bytes (``old``: what was read when planned)."""

    path: Path
    old: bytes
    new: bytes

    def reverse(self) -> FileChange:
        return FileChange(self.path, self.new, self.old)


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class BatchError(WriteError):
    """Some files of a batch cannot be written; ``problems`` names each one.

    ``written`` is empty when nothing was changed (the usual case); it lists files that
    stayed changed only when putting them back failed too, which the message says.
    """

    def __init__(self, summary: str, problems: Sequence[Problem], written: Sequence[Path] = ()):
        lines = [summary, *(f"  {p}" for p in problems)]
        super().__init__("\n".join(lines))
        self.summary = summary
        self.problems = list(problems)
        self.written = list(written)

    def __str__(self) -> str:
        return self.message

    @property
    def paths(self) -> list[Path]:
        return [p.path for p in self.problems]


@dataclass
class AppliedBatch:
    """What a batch wrote: enough to undo it byte for byte."""

    label: str
    changes: list[FileChange] = field(default_factory=list)

    @property
    def paths(self) -> list[Path]:
        return [c.path for c in self.changes]

    def changed_since(self) -> list[Path]:
        """Files whose bytes on disk are no longer what the batch wrote."""
        return [c.path for c in self.changes if _current(c.path) != c.new]


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def check_writable(path: Path) -> str | None:
    """Why ``path`` cannot be replaced in place, or None when it can."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return "the file was deleted or moved on disk"
    except OSError as exc:
        return f"cannot read the file: {exc.strerror or exc}"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if not os.access(path, os.W_OK):
        return "the file is read-only"
    folder = path.resolve().parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return "its folder is read-only (a save writes a temporary file beside it)"
    return None


def precheck(changes: Sequence[FileChange]) -> list[Problem]:
    """Every reason a batch would fail before anything is written, file by file."""
    problems: list[Problem] = []
    for change in changes:
        current = _current(change.path)
        if current is None and change.path.exists():
            problems.append(Problem(change.path, "cannot read the file"))
        elif current != change.old:
            what = "deleted or moved" if current is None else "changed"
            problems.append(Problem(change.path, f"the file was {what} on disk since the preview"))
        else:
            reason = check_writable(change.path)
            if reason is not None:
                problems.append(Problem(change.path, reason))
    return problems


def apply_changes(
    changes: Sequence[FileChange], label: str, *, progress: Progress | None = None
) -> AppliedBatch:
    """Write every change or none; :class:`BatchError` names the files that stopped it."""
    changes = [c for c in changes if c.new != c.old]
    problems = precheck(changes)
    if problems:
        noun = "file" if len(problems) == 1 else "files"
        raise BatchError(f"nothing was changed: {len(problems)} {noun} cannot be written", problems)
    written: list[FileChange] = []
    total = len(changes)
    for done, change in enumerate(changes):
        try:
            atomic_write(change.path, change.new, expected_fingerprint=fingerprint(change.old))
        except ContentError as exc:
            _roll_back(written, Problem(change.path, exc.message))
        written.append(change)
        if progress is not None:
            progress(done + 1, total)
    return AppliedBatch(label, written)


def _roll_back(written: list[FileChange], cause: Problem) -> NoReturn:
    """Put back the files already written, then raise saying what happened."""
    stuck: list[Problem] = []
    for change in reversed(written):
        try:
            atomic_write(change.path, change.old, expected_fingerprint=fingerprint(change.new))
        except ContentError as exc:
            stuck.append(Problem(change.path, f"could not be put back: {exc.message}"))
    if stuck:
        summary = (
            f"writing stopped at {cause.path}; {len(stuck)} file(s) already written "
            "could not be put back and keep the new text"
        )
        raise BatchError(summary, [cause, *stuck], [p.path for p in stuck])
    noun = "file" if len(written) == 1 else "files"
    raise BatchError(
        f"nothing was changed: writing failed, and the {len(written)} {noun} already "
        "written were put back",
        [cause],
    )


def undo_batch(batch: AppliedBatch, *, skip_changed: bool = False) -> list[Path]:
    """Put every file of ``batch`` back as it was; returns the files left alone.

    A file that changed on disk after the batch wrote it is someone's later work: undo
    refuses (``BatchError`` naming those files, nothing written) unless ``skip_changed``,
    when it restores the others and returns the ones it left.
    """
    changed = set(batch.changed_since())
    if changed and not skip_changed:
        raise BatchError(
            "undo was not done: these files changed on disk after the replace",
            [Problem(p, "changed since") for p in batch.paths if p in changed],
        )
    reverse = [c.reverse() for c in batch.changes if c.path not in changed]
    apply_changes(reverse, f"Undo {batch.label}")
    return [p for p in batch.paths if p in changed]

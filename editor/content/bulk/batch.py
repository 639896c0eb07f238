"""A batch of file changes written all or nothing, and undone in one step.

Each file is written as :func:`editor.content.atomic.atomic_write` writes one
(temporary file beside it, fsync, rename, conflict check against the bytes the change
was planned from, mode kept, through a symlink to its target), but all the temporary
files are made durable at once (see :func:`_stage`). A batch adds what one file
cannot: every file is checked before the first is written (changed on disk since the
preview, vanished, read-only, not a regular file), and when a write still fails
part-way, the files already written are put back as they were, so no batch is ever
left half-applied. Undo is the same transaction run backwards, refused (or
narrowed, on request) when a file changed on disk after the batch wrote it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from editor.content.atomic import _reason, atomic_write, fingerprint
from editor.content.errors import ContentError, WriteError
from editor.content.safe_read import read_content

__all__ = ["AppliedBatch", "BatchError", "FileChange", "apply_changes", "undo_batch"]

Progress = Callable[[int, int], None]
FSYNC_THREADS = 16


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
        return read_content(path)
    except (OSError, ContentError):
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
    staged = _stage(changes)
    written: list[FileChange] = []
    total = len(staged)
    try:
        for done, (change, target, tmp) in enumerate(staged):
            try:
                if _current(Path(target)) != change.old:
                    raise ContentError("the file was changed on disk while the batch was written")
                os.replace(tmp, target)
            except OSError as exc:
                _roll_back(written, Problem(change.path, f"cannot save: {_reason(exc)}"))
            except ContentError as exc:
                _roll_back(written, Problem(change.path, exc.message))
            written.append(change)
            if progress is not None:
                progress(done + 1, total)
    finally:
        for _change, _target, tmp in staged[len(written) :]:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    _fsync_all(sorted({str(Path(target).parent) for _c, target, _t in staged}))
    return AppliedBatch(label, written)


def _stage(changes: Sequence[FileChange]) -> list[tuple[FileChange, str, str]]:
    """Each change's new bytes in a temporary file beside its target, flushed to disk.

    The one cost of a batch that grows with its size is making each file durable before
    its rename. One ``fsync`` after another waits for a journal commit each (~5 ms
    here); issued from many threads at once, the file system commits them together
    (1,000 files: ~5 s one by one, ~0.15 s in 16 threads). The target is the file a
    symlink points to, as a save writes it; the temporary file takes its mode.
    """
    staged: list[tuple[FileChange, str, str]] = []
    try:
        for change in changes:
            target = os.path.realpath(change.path)
            folder, name = os.path.split(target)
            mode = stat.S_IMODE(Path(target).stat().st_mode)
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
            staged.append((change, target, tmp))
            with os.fdopen(fd, "wb") as handle:
                handle.write(change.new)
            os.chmod(tmp, mode)
        _fsync_all([tmp for _c, _t, tmp in staged], strict=True)
    except OSError as exc:
        for _c, _t, tmp in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        where = staged[-1][0].path if staged else changes[0].path
        raise BatchError(
            "nothing was changed: the new files could not be written",
            [Problem(where, f"cannot save: {_reason(exc)}")],
        ) from exc
    return staged


def _fsync_all(names: Sequence[str], *, strict: bool = False) -> None:
    """fsync files (or folders) from a pool of threads; see :func:`_stage` for why."""

    def flush(name: str) -> None:
        try:
            fd = os.open(name, os.O_RDONLY)
        except OSError:
            if strict:
                raise
            return
        try:
            os.fsync(fd)
        except OSError:
            if strict:
                raise
        finally:
            os.close(fd)

    if len(names) <= 1:
        for name in names:
            flush(name)
        return
    with ThreadPoolExecutor(max_workers=min(FSYNC_THREADS, len(names))) as pool:
        list(pool.map(flush, names))


def _roll_back(written: list[FileChange], cause: Problem) -> NoReturn:
    """Put back the files already written, then raise saying what happened."""
    stuck: list[Problem] = []
    for change in reversed(written):
        target = Path(os.path.realpath(change.path))  # the file, not a symlink to it
        try:
            atomic_write(target, change.old, expected_fingerprint=fingerprint(change.new))
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

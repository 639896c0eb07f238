"""Atomic, conflict-checked file writes.

A save either leaves the complete old file or the complete new one: the bytes go to a
temporary file in the same folder (so the rename stays on one file system), are flushed
and fsynced, take the original's permission bits, and replace the original with
``os.replace``; the folder is fsynced so the rename survives a power cut. Before the
replace, the file on disk is compared with the fingerprint taken when it was loaded,
so a file changed behind the editor's back (git pull, another editor) is never
overwritten silently. ``QSaveFile`` does the same for Qt code, but the command line
and the core must not import Qt, hence this small helper.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import tempfile
from pathlib import Path

from editor.content.errors import ConflictError, WriteError


def fingerprint(data: bytes) -> str:
    """A content hash: what "unchanged on disk" means (mtimes lie after git checkouts)."""
    return hashlib.sha256(data).hexdigest()


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied (the file or its folder is read-only)"
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno == errno.ENOENT:
        return "the folder no longer exists"
    return exc.strerror or str(exc)


def _check_unchanged(path: Path, expected: str) -> None:
    try:
        current = path.read_bytes()
    except FileNotFoundError as exc:
        raise ConflictError(
            "the file was deleted or moved on disk since it was opened", path
        ) from exc
    except OSError as exc:
        raise WriteError(f"cannot read the file to check it: {_reason(exc)}", path) from exc
    if fingerprint(current) != expected:
        raise ConflictError(
            "the file was changed on disk since it was opened; "
            "reload it or review the differences before saving",
            path,
        )


def atomic_write(path: Path, data: bytes, *, expected_fingerprint: str | None = None) -> None:
    """Replace ``path`` with ``data`` completely or not at all."""
    path = Path(path)
    if expected_fingerprint is not None:
        _check_unchanged(path, expected_fingerprint)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise WriteError(f"cannot save: {_reason(exc)}", path) from exc
    if mode is not None and not os.access(path, os.W_OK):
        raise WriteError("cannot save: the file is read-only", path)

    tmp_name: str | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
        tmp_name = None
        _fsync_folder(path.parent)
    except OSError as exc:
        raise WriteError(f"cannot save: {_reason(exc)}", path) from exc
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

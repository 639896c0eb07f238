"""Atomic, locked, conflict-checked file writes.

A save either leaves the complete old file or the complete new one: the bytes go to a
temporary file beside the file written (so the rename stays on one file system), are
flushed and fsynced, and replace it with a rename; the folder is fsynced so the rename
survives a power cut. ``QSaveFile`` does the same for Qt code, but the command line and
the core must not import Qt, hence this helper.

**What is written.** A save writes what the path names: a symlink is followed to its
target (the link stays a link), and anything that is not a regular file (a FIFO, a
device, a folder) is refused with :class:`WriteError`, never replaced. An existing
file keeps its permission bits and, where the OS lets us, its owner and group; a new
file gets ``0666`` minus the umask, like any file a shell or editor creates (journals
and caches pass ``new_mode=0o600``). :func:`create_new` makes a file that must not
exist yet with ``O_EXCL``, so a file that appeared meanwhile is never replaced.

**Cooperating writers** (the window, the command line, a second window, on this
machine and as this user) serialise per file: :func:`file_lock` is an advisory lock
(``flock`` through the ``filelock`` library; ``msvcrt`` locking on Windows) on a lock
file in the user runtime folder (the cache folder where there is none), named by a
hash of the resolved target path, so no lock file ever lands in the content folder
(a git checkout). A writer waits up to :data:`LOCK_TIMEOUT` seconds for another, and
when the lock folder cannot be used at all the save goes on unlocked (logged) and
relies on the checks below alone.

**Outside writers** (``git pull``, ``sed -i``, another editor) take no lock. With an
``expected_fingerprint`` (the hash of the bytes the caller loaded), the file is read
again under the lock, after the new bytes are on disk: a different hash (or a file
gone) is a :class:`ConflictError` and nothing is written. Just before the rename its
identity (device, inode, size, mtime) is compared with the file just hashed. On Linux
the rename itself is ``renameat2(RENAME_EXCHANGE)``: the new file and the old swap
atomically, and the file swapped out is then checked to be the very inode and bytes
that were expected; if an outside writer slipped in between, the swap is undone and
the save is a conflict. So, on Linux:

* guaranteed: an outside writer that replaces the file (rename, as ``sed -i``, git
  and most editors do) or rewrites it in place *before* our swap is never overwritten
  silently; cooperating writers (same machine, same user) never interleave;
* not guaranteed: bytes an outside writer writes into the old file through a
  descriptor it opened earlier, *after* the swap, land in a file that is no longer the
  path's (true of every rename-based save); while a swap is undone, a reader may see
  our bytes for a moment; a rename by an outside writer in the microseconds between
  our swap and its undo is kept beside the file (``.<name>.*.kept``) and named in the
  error; a file with several hard links gets a new inode, so its other names keep the
  old bytes. Elsewhere (other OSes, file systems without ``RENAME_EXCHANGE``) the
  check runs a few system calls before a plain ``os.replace``, and an outside change
  inside that gap is not seen.

Mandatory locking does not exist in practice on Linux, so this is as small as the
window can be made without the outside writer's co-operation.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import logging
import os
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import platformdirs

from editor.content.errors import ConflictError, ParseError, WriteError
from editor.content.safe_read import OPEN_FLAGS, file_kind, read_open

log = logging.getLogger(__name__)

APP_NAME: Final = "glossary-editor"
LOCK_TIMEOUT: Final = 10.0
"""Seconds a save waits for another cooperating writer of the same file."""

_LOCK_POLL: Final = 0.005
_held = threading.local()  # the lock files this thread holds (file_lock is re-entrant)


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


def write_target(path: Path) -> Path:
    """The file a save of ``path`` writes: symlinks followed (the links are kept)."""
    return Path(os.path.realpath(path))


# -- the per-file lock of cooperating writers


def lock_dir() -> Path:
    """Where lock files live: the user runtime folder (``$XDG_RUNTIME_DIR``, a tmpfs
    emptied at boot) when the session has one, else the user cache folder. Never the
    content folder."""
    xdg = os.name == "posix" and sys.platform != "darwin"
    if xdg and not os.environ.get("XDG_RUNTIME_DIR"):
        return platformdirs.user_cache_path(APP_NAME) / "locks"
    return platformdirs.user_runtime_path(APP_NAME) / "locks"


def lock_file_for(target: Path) -> Path:
    """The lock file of a resolved target path (a hash: any path, any length)."""
    key = hashlib.sha256(os.fsencode(target)).hexdigest()[:32]
    return lock_dir() / f"{key}.lock"


@contextlib.contextmanager
def file_lock(path: Path, *, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the advisory lock of the file ``path`` names while the block runs.

    Re-entrant within a thread (a caller may hold it around load + save, and the save
    takes it again). Raises :class:`WriteError` when another writer holds it longer
    than ``timeout`` seconds. Lock files are left in place (removing them would let a
    waiter and a newcomer lock two different files); they are empty and tiny."""
    lock_path = lock_file_for(write_target(path))
    if not hasattr(_held, "paths"):
        _held.paths = set()
    held: set[Path] = _held.paths
    if lock_path in held:
        yield
        return
    from filelock import FileLock, Timeout  # imported on the first save only

    lock: FileLock | None = None
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock = FileLock(lock_path, timeout=timeout, mode=0o600)
        lock.acquire(poll_interval=_LOCK_POLL)
    except Timeout as exc:
        raise WriteError(
            f"another program has been saving this file for over {timeout:g} s; "
            "nothing was written, try again",
            path,
        ) from exc
    except OSError as exc:  # no usable lock folder: the save's own checks still hold
        log.warning("saving %s without a lock (%s: %s)", path, lock_path, exc)
        lock = None
    if lock is None:
        yield
        return
    held.add(lock_path)
    try:
        yield
    finally:
        held.discard(lock_path)
        lock.release()


# -- writing


def atomic_write(
    path: Path,
    data: bytes,
    *,
    expected_fingerprint: str | None = None,
    new_mode: int | None = None,
) -> None:
    """Replace what ``path`` names with ``data`` completely or not at all.

    With ``expected_fingerprint`` the file must still hold exactly those bytes (else
    :class:`ConflictError`); without it the file is written whatever it holds now.
    ``new_mode`` is the mode of a file created here (default: ``0666`` minus umask).
    Any failure raises :class:`WriteError` and leaves the file and its folder as they
    were (no temporary file left)."""
    path = Path(path)
    target = write_target(path)
    with file_lock(path):
        _write_locked(path, target, data, expected_fingerprint, new_mode)


def _write_locked(
    path: Path, target: Path, data: bytes, expected: str | None, new_mode: int | None
) -> None:
    before = _existing(target, path)
    if before is not None and not os.access(target, os.W_OK):
        raise WriteError("cannot save: the file is read-only", path)
    if expected is not None:
        _unchanged(target, path, expected)  # early: no work when it is already a conflict
    tmp_name: str | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if before is not None:
            os.chmod(tmp_name, stat.S_IMODE(before.st_mode))
            _keep_owner(tmp_name, before)
        else:
            os.chmod(tmp_name, new_mode if new_mode is not None else 0o666 & ~_umask())
        if expected is None:
            os.replace(tmp_name, target)
            tmp_name = None
        else:
            tmp_name = _replace_if_unchanged(tmp_name, target, path, expected)
        _fsync_folder(target.parent)
    except OSError as exc:
        raise WriteError(f"cannot save: {_reason(exc)}", path) from exc
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def _existing(target: Path, path: Path) -> os.stat_result | None:
    """The target's stat, None when it does not exist; refuses what is not a file."""
    try:
        st = target.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise WriteError(f"cannot save: {_reason(exc)}", path) from exc
    kind = file_kind(st.st_mode)
    if kind is not None:
        raise WriteError(
            f"cannot save: {target} is {kind}, not a regular file; it is left as it is", path
        )
    return st


def _unchanged(target: Path, path: Path, expected: str) -> os.stat_result:
    """Read the file again; its fstat when it still holds the expected bytes."""
    try:
        fd = os.open(target, OPEN_FLAGS)
    except FileNotFoundError as exc:
        raise ConflictError(
            "the file was deleted or moved on disk since it was opened", path
        ) from exc
    except OSError as exc:
        raise WriteError(f"cannot read the file to check it: {_reason(exc)}", path) from exc
    try:
        st = os.fstat(fd)
        current = read_open(fd, path)
    except ParseError as exc:
        raise ConflictError(f"the file was changed on disk: it {exc.message}", path) from exc
    except OSError as exc:
        raise WriteError(f"cannot read the file to check it: {_reason(exc)}", path) from exc
    finally:
        os.close(fd)
    if fingerprint(current) != expected:
        raise ConflictError(
            "the file was changed on disk since it was opened; "
            "reload it or review the differences before saving",
            path,
        )
    return st


def _identity(st: os.stat_result) -> tuple[int, int, int, int]:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _replace_if_unchanged(tmp_name: str, target: Path, path: Path, expected: str) -> str | None:
    """Rename ``tmp_name`` over ``target`` if it still holds the expected bytes.

    Returns the temporary name to remove afterwards (the old file after a swap)."""
    seen = _unchanged(target, path, expected)
    try:
        now = os.lstat(target)
    except FileNotFoundError as exc:
        raise ConflictError("the file was deleted or moved on disk while saving", path) from exc
    if _identity(now) != _identity(seen):
        raise ConflictError("the file was changed on disk while saving", path)
    ours = os.lstat(tmp_name)
    if not _exchange(tmp_name, target):
        os.replace(tmp_name, target)
        return None
    # The old file is now at tmp_name: it must be the one just checked.
    if _holds(tmp_name, seen, expected):
        return tmp_name
    try:
        _exchange(tmp_name, target)  # theirs back in place
        back = os.lstat(tmp_name)
        undone = (back.st_dev, back.st_ino) == (ours.st_dev, ours.st_ino)
    except OSError:
        undone = False
    if not undone:  # a third version arrived meanwhile: keep it, say where
        kept = tmp_name.removesuffix(".tmp") + ".kept"
        os.replace(tmp_name, kept)
        raise ConflictError(
            "the file was changed on disk several times while saving; "
            f"one of those versions was kept as {kept}: compare it with the file",
            path,
        )
    raise ConflictError("the file was changed on disk while saving", path)


def _holds(name: str, seen: os.stat_result, expected: str) -> bool:
    """True when ``name`` is the inode ``seen`` and still holds the expected bytes."""
    try:
        fd = os.open(name, OPEN_FLAGS)
        try:
            st = os.fstat(fd)
            if (st.st_dev, st.st_ino) != (seen.st_dev, seen.st_ino):
                return False
            return fingerprint(read_open(fd, name)) == expected
        finally:
            os.close(fd)
    except (OSError, ParseError):
        return False


_RENAME_EXCHANGE: Final = 2
_AT_FDCWD: Final = -100
_renameat2: Any = False  # False: not looked up yet; None: not offered


def _exchange(a: str | Path, b: str | Path) -> bool:
    """Swap two names atomically (Linux ``renameat2``); False where that is not offered
    (another OS, an old C library, a file system without it)."""
    global _renameat2  # noqa: PLW0603 - looked up once per process
    if _renameat2 is False:
        _renameat2 = None
        if sys.platform.startswith("linux"):
            with contextlib.suppress(OSError, AttributeError):
                func = ctypes.CDLL(None, use_errno=True).renameat2
                func.argtypes = [
                    ctypes.c_int,
                    ctypes.c_char_p,
                    ctypes.c_int,
                    ctypes.c_char_p,
                    ctypes.c_uint,
                ]
                func.restype = ctypes.c_int
                _renameat2 = func
    if not _renameat2:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _keep_owner(name: str, before: os.stat_result) -> None:
    """Give the new file the old one's owner and group, as far as we may (a user may
    only hand a file to a group of theirs; root may do both)."""
    if not hasattr(os, "chown"):
        return
    st = os.lstat(name)
    if (st.st_uid, st.st_gid) == (before.st_uid, before.st_gid):
        return
    try:
        os.chown(name, before.st_uid, before.st_gid)
    except PermissionError:
        with contextlib.suppress(OSError):
            os.chown(name, -1, before.st_gid)


def _umask() -> int:
    """The process umask, read without changing it where the OS shows it (Linux), as
    another thread may be creating files meanwhile."""
    with (
        contextlib.suppress(OSError, ValueError),
        Path("/proc/self/status").open(encoding="ascii") as status,
    ):
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def create_new(path: Path, data: bytes, *, new_mode: int = 0o666) -> None:
    """Create ``path`` holding ``data``; :class:`WriteError` when it already exists.

    ``O_EXCL`` makes "does not exist" and "create" one step, so a file that appears
    between a check and the write is never replaced. The mode is ``new_mode`` minus
    the umask. The file is small (a new entry); a failed write removes it again."""
    path = Path(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_BINARY", 0), new_mode)
    except FileExistsError as exc:
        raise WriteError(
            f"{path.name} already exists; choose another name or open it", path
        ) from exc
    except OSError as exc:
        raise WriteError(f"cannot create the file: {_reason(exc)}", path) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise WriteError(f"cannot create the file: {_reason(exc)}", path) from exc
    _fsync_folder(path.parent)


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

"""The one way to read a content file: a regular file, of bounded size, or a clear error.

A content folder is a git checkout that anyone (a teammate, a bot, a pull request) can
put a file into, so a path ending ``.md`` may name a FIFO (a plain ``open`` blocks for
ever waiting for a writer), a device (``/dev/zero`` never ends: ``read()`` runs out of
memory) or a file of gigabytes. Every reader of content therefore goes through here:

* the file is opened **non-blocking** (opening a FIFO does not wait for a writer) and
  without becoming the controlling terminal of a tty;
* the **open descriptor** is ``fstat``-ed: only a regular file is read, so swapping the
  path for something else between a check and the open cannot fool it;
* at most :data:`MAX_CONTENT_BYTES` (+1, to tell "too big") are read, also when the file
  grows while it is read or reports a size of 0 (``/proc``).

Problems are :class:`ParseError` with the path, so the command line exits 2 with
``path: message`` and the window shows the file as unreadable, like any broken file.
Readers with their own descriptors (the index's bulk reader) use :func:`file_kind` on
their ``fstat`` result and :data:`MAX_CONTENT_BYTES` to apply the same rule.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Final

from editor.content.errors import ParseError

MAX_CONTENT_BYTES: Final = 8 * 1024 * 1024
"""The largest content file read (8 MB: the biggest real entries are tens of KB)."""

OPEN_FLAGS: Final = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
"""Flags that make opening any kind of file return at once (FIFOs included)."""

_KINDS: Final = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(mode: int) -> str | None:
    """What a non-regular file is ("a FIFO (named pipe)"...); None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, name in _KINDS:
        if test(mode):
            return name
    return "a special file"


def not_regular_message(kind: str) -> str:
    return f"is {kind}, not a regular file; only regular files are read as content"


def too_big_message(size: int, limit: int = MAX_CONTENT_BYTES) -> str:
    return (
        f"the file is too large to be a content file ({_megabytes(size)}; "
        f"the limit is {_megabytes(limit)})"
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def read_open(fd: int, path: Path | str, limit: int = MAX_CONTENT_BYTES) -> bytes:
    """Read an open descriptor if it is a regular file of at most ``limit`` bytes.

    Raises :class:`ParseError` otherwise; the caller closes ``fd``."""
    st = os.fstat(fd)
    kind = file_kind(st.st_mode)
    if kind is not None:
        raise ParseError(not_regular_message(kind), path)
    if st.st_size > limit:
        raise ParseError(too_big_message(st.st_size, limit), path)
    chunks: list[bytes] = []
    total = 0
    want = max(st.st_size, 0) + 1  # one byte more tells that the file grew
    while True:
        chunk = os.read(fd, min(max(want - total, 1 << 16), limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise ParseError(too_big_message(total, limit), path)
    return b"".join(chunks)


def read_content(path: Path, limit: int = MAX_CONTENT_BYTES) -> bytes:
    """A content file's bytes; :class:`ParseError` (with the path) for anything else.

    Refuses folders, FIFOs, devices and sockets (also behind a symlink) and files over
    ``limit`` bytes, without blocking and without reading more than ``limit + 1``."""
    try:
        fd = os.open(path, OPEN_FLAGS)
    except PermissionError as exc:
        raise ParseError("cannot read the file: permission denied", path) from exc
    except FileNotFoundError as exc:
        raise ParseError("the file does not exist", path) from exc
    except IsADirectoryError as exc:  # Windows cannot open a folder at all
        raise ParseError(not_regular_message("a folder"), path) from exc
    except OSError as exc:
        raise ParseError(f"cannot read the file: {exc.strerror or exc}", path) from exc
    try:
        return read_open(fd, path, limit)
    except IsADirectoryError as exc:
        raise ParseError(not_regular_message("a folder"), path) from exc
    except OSError as exc:
        raise ParseError(f"cannot read the file: {exc.strerror or exc}", path) from exc
    finally:
        os.close(fd)


def read_text(path: Path, limit: int = MAX_CONTENT_BYTES) -> str:
    """A text file of the folder (a setting, a schema, a CMS configuration, a dictionary)
    read as content files are: regular, bounded, without blocking; UTF-8, a BOM dropped.

    A missing file raises :class:`FileNotFoundError` (callers treat "absent" apart);
    anything else that is wrong is a :class:`ParseError` with the path."""
    if not os.path.lexists(path):
        raise FileNotFoundError(2, "No such file or directory", str(path))
    data = read_content(path, limit)
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"cannot read the file: it is not UTF-8 (byte {exc.start + 1})", path
        ) from exc


def read_head(path: Path, size: int) -> bytes | None:
    """Up to ``size`` first bytes of a regular file; None for anything else (a FIFO, a
    device, a file that cannot be opened): for sampling, where a bad file is skipped."""
    try:
        fd = os.open(path, OPEN_FLAGS)
    except OSError:
        return None
    try:
        if file_kind(os.fstat(fd).st_mode) is not None:
            return None
        return os.read(fd, size)
    except OSError:
        return None
    finally:
        os.close(fd)

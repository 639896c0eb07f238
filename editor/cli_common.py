"""What every command of the command line shares: exit codes, errors, output, folders.

Exit codes: 0 success; 1 ``check`` found problems at or above ``--fail-on``; 2 bad usage
or a file that cannot be read, parsed or written (:mod:`editor.cli` turns every failure
into one line on stderr). :func:`emit` writes UTF-8 whatever the locale says; a reader
that went away raises :class:`StdoutClosedError`. Keys are dotted; ``\\.`` is a dot
inside a key, and :func:`missing_key` names that escape when a key with dots exists.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from editor.content.key_path import INDEX_PATTERN, KeyPathError, join_key, split_key
from editor.content.schema import SchemaRegistry

EXIT_OK, EXIT_FOUND, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments: reported on stderr with exit code 2."""


class StdoutClosedError(Exception):
    """The reader of standard output went away (``get ... | head``): stop quietly."""


def emit(text: str) -> None:
    """Write ``text`` to standard output as UTF-8, whatever the locale says.

    A lone surrogate (which no UTF-8 can hold) is written as its ``\\uXXXX`` escape, so
    the output is always valid UTF-8. A closed pipe raises :class:`StdoutClosedError`.
    """
    emit_pieces((text,))


def emit_pieces(pieces: Iterable[str]) -> None:
    """:func:`emit` of the pieces' text, each encoded and written as it comes, so a
    long report is never held whole (as text and again as bytes)."""
    stream = sys.stdout
    try:
        buffer = getattr(stream, "buffer", None)
        stream.flush()
        for piece in pieces:
            data = piece.encode("utf-8", "backslashreplace")
            if buffer is None:
                stream.write(data.decode("utf-8"))
            else:
                buffer.write(data)
        (stream if buffer is None else buffer).flush()
    except BrokenPipeError as exc:
        raise StdoutClosedError from exc


def content_root(path: Path) -> Path:
    """The content folder a file belongs to: the nearest parent with our config or .git."""
    for parent in path.resolve().parents:
        if (parent / ".glossary-editor").is_dir() or (parent / ".git").exists():
            return parent
    return path.resolve().parent


def registry_for(path: Path) -> SchemaRegistry:
    return SchemaRegistry.load(content_root(path))


def missing_key(path: Path, data: dict[str, Any], key: str, exc: KeyPathError) -> UsageError:
    """The message for a key that names nothing, with the escaped form when dots split a key."""
    message = f"{path}: no key {key!r}" if not exc.reason else f"{path}: {exc}"
    try:
        literal = literal_parts(data, split_key(key))
    except KeyPathError:  # the key itself is malformed (an empty part)
        literal = None
    if literal is not None:
        message += f" (a key with a dot in it is written with \\.: '{join_key(literal)}')"
    return UsageError(message)


def literal_parts(container: Any, parts: list[str]) -> list[str] | None:
    """An existing path that joins some of ``parts`` back into one key (``og.title``).

    The dots of a key such as ``og.title`` split it in two; when the data has such a key
    where the split path names nothing, this finds it so the message can name the escape.
    """
    if not parts:
        return []
    if isinstance(container, list):
        if not INDEX_PATTERN.fullmatch(parts[0]) or len(parts[0]) > 9:
            return None
        if int(parts[0]) >= len(container):
            return None
        rest = literal_parts(container[int(parts[0])], parts[1:])
        return None if rest is None else [parts[0], *rest]
    if not isinstance(container, Mapping):
        return None
    for end in range(len(parts), 0, -1):
        name = ".".join(parts[:end])
        if name in container:
            rest = literal_parts(container[name], parts[end:])
            if rest is not None:
                return [name, *rest]
    return None

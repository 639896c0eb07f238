"""Errors the content layer reports to the command line and the window.

Every error that concerns a file carries its path and, where it applies, a 1-based
line and column *in the file* (not in the front matter), so an editor can jump there.
"""

from __future__ import annotations

from pathlib import Path


class ContentError(Exception):
    """A file could not be read, parsed or written; the file was left as it was."""

    def __init__(
        self,
        message: str,
        path: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.column = column

    def location(self) -> str:
        """``path:line:column`` (parts that are unknown are left out)."""
        parts = [str(self.path) if self.path is not None else "<text>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"


class ParseError(ContentError):
    """The file's front matter is not valid (broken YAML, duplicate key, bad encoding...)."""


class WriteError(ContentError):
    """A save was refused or failed; nothing was written."""


class ConflictError(WriteError):
    """The file changed on disk since it was loaded; saving would overwrite someone's work."""


class ReadOnlyError(WriteError):
    """The entry is open read-only (TOML/JSON front matter, or a file that did not parse)."""


def yaml_error(what: str, exc: Exception, path: Path | str | None) -> ContentError:
    """A settings or schema file's YAML error, at the line and column PyYAML marks."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or exc
    return ContentError(
        f"{what} is not valid YAML: {problem}",
        path,
        mark.line + 1 if mark is not None else None,
        mark.column + 1 if mark is not None else None,
    )

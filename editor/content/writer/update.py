"""The writer's entry point: a file's text with new data and body, verified before it is given.

Only YAML front matter is written. The new text is parsed again and must give exactly
the intended data and body; otherwise a WriteError says where, and nothing is returned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from editor.content import frontmatter
from editor.content.errors import ParseError, ReadOnlyError, WriteError
from editor.content.writer.data import first_difference, normalise, same_data
from editor.content.writer.patcher import Patcher

__all__ = ["update_text"]


def update_text(
    text: str,
    new_data: Mapping[str, Any],
    new_body: str | None = None,
    *,
    key_order: Sequence[str] = (),
    path: Path | None = None,
) -> str:
    """The file's text with its front matter changed to ``new_data`` (and body to ``new_body``).

    ``key_order`` places keys the file lacks (dotted entries such as ``seo.title``
    order nested keys). Raises ReadOnlyError for non-YAML front matter and WriteError
    when the result would not read back exactly as ``new_data``.
    """
    parts = frontmatter.split(text, path)
    if parts.format != "yaml":
        what = (
            "no front matter" if parts.format == "none" else f"{parts.format.upper()} front matter"
        )
        raise ReadOnlyError(f"the file has {what}; only YAML front matter is written", path)
    old = frontmatter.parse_yaml(parts.front, path, parts.front_line)
    new = normalise(new_data, "", path, old)
    body = parts.body if new_body is None else new_body
    if body == parts.body and same_data(old, new):
        return text
    front = parts.front
    if not same_data(old, new):
        front = Patcher(parts.front, parts.newline, key_order, path, parts.front_line).patch(
            old, new
        )
    closing = parts.closing
    if body and not closing.endswith("\n"):
        closing += parts.newline
    result = parts.prefix + front + closing + body
    _verify(result, new, body, path)
    return result


def _verify(result: str, new: dict[str, Any], body: str, path: Path | None) -> None:
    try:
        parts = frontmatter.split(result, path)
        data = frontmatter.parse_yaml(parts.front, path, parts.front_line)
    except ParseError as exc:
        raise WriteError(
            f"the edited front matter would not parse ({exc.message}); nothing was written",
            path,
            exc.line,
            exc.column,
        ) from exc
    if not same_data(data, new):
        key = first_difference(data, new)
        raise WriteError(
            f"the edited text would not read back as intended at {key!r}; nothing was written",
            path,
        )
    if parts.body != body:
        raise WriteError("the edited body would not read back as intended", path)

"""The site's page templates read through the file layer, and their mistakes named by place.

Jinja's own ``FileSystemLoader`` opens a template with plain ``open``: it reads any size
(a 2 GB file named ``entry.html.j2`` whole), decodes with an error that names no line,
and its syntax errors carry a line but no column. :class:`SiteLoader` reads each site
template with :func:`~editor.content.safe_read.read_content` (a regular file of at most
:data:`TEMPLATE_MAX_BYTES`), refuses binary data and checks the UTF-8 with
:func:`~editor.content.frontmatter.decode` (line and column of a bad byte), and
:func:`template_error` turns Jinja's syntax errors into a :class:`ContentError` with the
file, line and column, whether it is the page's template or one it extends, includes or
imports. The built-in templates keep Jinja's loader: they ship with the app.
"""

from __future__ import annotations

import re
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2.loaders import split_template_path

from editor.content.errors import ContentError
from editor.content.frontmatter import decode
from editor.content.safe_read import read_content

__all__ = ["TEMPLATE_MAX_BYTES", "SiteLoader", "read_template", "template_error"]

# A page template is a few KB; a megabyte is far past any real one.
TEMPLATE_MAX_BYTES = 1 << 20
_OPENER = re.compile(r"\{[{%#]")
_QUOTED = re.compile(r"'([^']+)'")


def read_template(path: Path) -> str:
    """A site template's text: a regular UTF-8 file of at most TEMPLATE_MAX_BYTES, else a
    :class:`ContentError` naming the file (and the line and column of a bad byte)."""
    try:
        data = read_content(path, TEMPLATE_MAX_BYTES)
    except ContentError as exc:
        if "limit" in exc.message:
            exc = ContentError(
                f"the page template is over {TEMPLATE_MAX_BYTES // 2**20} MB: "
                "not read (a page template is a few KB of text)",
                path,
            )
        else:
            exc = ContentError(f"cannot read the page template: {exc.message}", path)
        raise exc from None
    try:
        text, _ = decode(data, path)
    except ContentError as exc:
        what = "binary data" if "NUL" in exc.message else "not UTF-8 text"
        raise ContentError(
            f"the page template is {what}: {exc.message}", path, exc.line, exc.column
        ) from None
    return text


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


class SiteLoader(jinja2.BaseLoader):
    """Templates from the site's folder, read by :func:`read_template`; one changed on
    disk (mtime or size) is read again. A syntax error is a :class:`ContentError` at its
    file, line and column (:func:`template_error`) as the loader compiles the template:
    the page's own, and the ones it extends, includes or imports, which Jinja loads only
    while rendering (outside the ``get_template`` that ``render_page`` guards)."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = Path(self.folder, *split_template_path(template))  # no ".." out of it
        if not path.is_file():
            raise jinja2.TemplateNotFound(template)
        stamp = _stamp(path)
        text = read_template(path)
        return text, str(path), lambda: _stamp(path) == stamp

    def load(
        self,
        environment: jinja2.Environment,
        name: str,
        globals: MutableMapping[str, Any] | None = None,
    ) -> jinja2.Template:
        try:
            return super().load(environment, name, globals)
        except jinja2.TemplateSyntaxError as exc:
            raise template_error(exc) from None


def _column(line: str, message: str) -> int:
    """Where on ``line`` the mistake is: the tag (``{{``, ``{%``, ``{#``) holding the
    token the message quotes, else the line's first tag, else its start."""
    openers = [m.start() for m in _OPENER.finditer(line)]
    for quoted in _QUOTED.findall(message):
        at = line.find(quoted)
        if at >= 0:
            before = [start for start in openers if start <= at]
            return (before[-1] if before else at) + 1
    return openers[0] + 1 if openers else 1


def template_error(exc: jinja2.TemplateSyntaxError) -> ContentError:
    """A Jinja syntax error as a :class:`ContentError` at its file, line and column."""
    source = exc.source
    if source is None and exc.filename:
        try:
            source = read_template(Path(exc.filename))
        except ContentError:
            source = None
    lines = (source or "").splitlines()
    line = lines[exc.lineno - 1] if 0 < exc.lineno <= len(lines) else ""
    if exc.message and exc.message.startswith("Unexpected end of template"):
        column = len(line) + 1  # where the template ends, still waiting for a tag
    else:
        column = _column(line, exc.message or "")
    return ContentError(
        f"the page template does not parse: {exc.message}", exc.filename, exc.lineno, column
    )

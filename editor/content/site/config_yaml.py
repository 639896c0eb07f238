"""Reading a CMS configuration file so that every mapping remembers its line.

A message about a configuration ("unknown input type 'fancy'") is only useful with the
file and line it comes from. PyYAML's constructor drops the marks, so mappings are built
as :class:`LineDict` (a ``dict`` with the 1-based line of itself and of each key). JSON
configurations (``cloudcannon.config.json``, ``frontmatter.json``) are checked with
:mod:`json` first (strict, and its errors carry a line), then read the same way (JSON is
YAML's flow style) for the lines.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from editor.content.errors import ContentError, yaml_error
from editor.content.frontmatter import load_bounded
from editor.content.safe_read import read_text


class LineDict(dict[str, Any]):
    """A mapping from a configuration file, with where it and its keys are."""

    line: int | None = None
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int | None:
        """The line of ``key`` (else of the mapping itself)."""
        return getattr(self, "key_lines", {}).get(key, self.line)


class _Loader(yaml.SafeLoader):
    """SafeLoader whose mappings are :class:`LineDict`."""


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        out[str(key)] = loader.construct_object(value_node, deep=True)
        out.key_lines[str(key)] = key_node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def read_config(path: Path, what: str) -> Any:
    """The data of a YAML or JSON configuration file; ``ContentError`` (with the line)
    when it cannot be read or parsed."""
    try:
        text = read_text(path)
    except OSError as exc:
        raise ContentError(f"cannot read the {what}: {exc.strerror or exc}", path) from exc
    except ContentError as exc:
        raise ContentError(f"cannot read the {what}: {exc.message}", path) from exc
    return parse_config_text(text, path, what)


def parse_config_text(text: str, path: Path, what: str) -> Any:
    """:func:`read_config` for text already read."""
    if path.suffix == ".json":
        try:  # strict JSON first: YAML would accept ``"b": }`` as a null
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise ContentError(
                f"{what} is not valid JSON: {err.msg}", path, err.lineno, err.colno
            ) from err
        try:
            return load_bounded(text, _Loader, path)
        except (yaml.YAMLError, ContentError):
            return data  # JSON that YAML reads otherwise (tabs): no lines, same data
    try:
        return load_bounded(text, _Loader, path)
    except yaml.YAMLError as exc:
        raise yaml_error(what, exc, path) from exc


def line_of(value: Any, key: str | None = None) -> int | None:
    """The line of a mapping (or of one of its keys), when it came from a file."""
    if isinstance(value, LineDict):
        return value.line_of(key) if key is not None else value.line
    return None

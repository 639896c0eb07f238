"""A new value's text, as PyYAML's emitter writes it, in the nearest style that holds it.

Each candidate is read back before it is used, falling to the next style (folded ->
literal -> double quoted) when a style cannot hold the value exactly; the next style is
only emitted when the one before it failed. Strings come from
:mod:`editor.content.yaml_scalars` (the emitter's text without its per-character loop),
other scalars from the emitter itself, always without line wrapping.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from editor.content.errors import WriteError
from editor.content.writer.data import hashable, same_data
from editor.content.writer.nodes import LOADER, MAP, STR
from editor.content.yaml_scalars import emit_str, has_odd_breaks

__all__ = ["flow_collection", "flow_text", "scalar_lines", "yaml_key"]

_WIDE = sys.maxsize  # folded and quoted values stay on one line, as in the real files

# Styles to try, in order, for a value whose old style was the key ("" = plain).
_FALLBACKS: dict[str, tuple[str, ...]] = {
    "": ("", "|", '"'),
    ">": (">", "|", '"'),
    "|": ("|", ">", '"'),
    "'": ("'", '"'),
    '"': ('"',),
}
# The same inside a flow collection, where block scalars cannot stand.
_FLOW_FALLBACKS: dict[str, tuple[str, ...]] = {"": ("", "'", '"'), "'": ("'", '"'), '"': ('"',)}


def yaml_key(key: Any, path: Path | None) -> str:
    """``key`` as PyYAML writes a mapping key (on one line, or a WriteError)."""
    out = yaml.safe_dump({key: 0}, width=_WIDE, allow_unicode=True)
    if not out.endswith(": 0\n") or out.count("\n") != 1:
        raise WriteError(f"cannot write the key {key!r}", path)
    return out[: -len(": 0\n")]


def flow_collection(value: Any) -> str:
    """A list or mapping in flow style (``[a, b]``, ``{k: v}``), on one line."""
    out = yaml.safe_dump(value, default_flow_style=True, width=_WIDE, allow_unicode=True)
    return _strip_document(out)


def flow_text(value: Any, hint: str, path: Path | None) -> str:
    """``value`` as it can stand inside a flow collection, on one line."""
    if isinstance(value, tuple) and len(value) == 2 and hashable(value[0]):
        value = {value[0]: value[1]}
    if isinstance(value, dict | list | tuple):
        return flow_collection(value)
    for out in _candidates(value, hint, 2, flow=True):
        text = out[3:]
        if "\n" in text or "\r" in text or has_odd_breaks(text):
            continue
        try:
            back = yaml.load("{k: " + text + ", z: 0}", Loader=LOADER)
        except yaml.YAMLError:
            continue
        if back == {"k": back.get("k"), "z": 0} and same_data(back["k"], value):
            return text
    raise WriteError(f"cannot write the value {value!r} so that it reads back", path)


def scalar_lines(
    value: Any, hint: str, parent_col: int, offset: int, path: Path | None
) -> tuple[str, list[str]]:
    """(text after ``key: ``, continuation lines) for a scalar, in the nearest style.

    Continuation lines are already indented for a parent at ``parent_col``.
    """
    if isinstance(value, dict | list):  # empty collections
        return flow_collection(value), []
    for out in _candidates(value, hint, offset):
        if "\r" in out or has_odd_breaks(out):
            continue  # raw breaks other than \n would not survive the line surgery
        try:  # read back with a key after it, as it will stand in the file
            back = yaml.load(out + "\nz: 0\n", Loader=LOADER)
        except yaml.YAMLError:
            continue
        if back == {"k": back.get("k"), "z": 0} and same_data(back["k"], value):
            head, *cont = out[3:].split("\n")
            return head, [" " * parent_col + line if line else line for line in cont]
    raise WriteError(f"cannot write the value {value!r} so that it reads back", path)


def _candidates(value: Any, hint: str, offset: int, *, flow: bool = False) -> Iterator[str]:
    """``k: <value>`` in each style to try, nearest first, made only when asked for.

    Strings go through :func:`yaml_scalars.emit_str` (PyYAML's emitter, text for
    text, without its per-character loop); a style PyYAML would not keep is skipped.
    Inside a flow collection only the one-line styles are tried.
    """
    if not isinstance(value, str):
        node = yaml.representer.SafeRepresenter().represent_data(value)
        yield _strip_document(_emit(node, offset))
        return
    styles = _FLOW_FALLBACKS.get(hint, _FLOW_FALLBACKS[""]) if flow else None
    for style in styles or _FALLBACKS.get(hint, _FALLBACKS[""]):
        if style == "|" and hint == "" and "\n" not in value:
            continue
        out = emit_str(value, style, offset)
        if out is not None:
            yield _strip_document(out)


def _emit(value_node: yaml.Node, indent: int) -> str:
    """``k: <value>`` as PyYAML emits it, without wrapping (the whole stream)."""
    node = yaml.MappingNode(MAP, [(yaml.ScalarNode(STR, "k"), value_node)], flow_style=False)
    return yaml.serialize(
        node, Dumper=yaml.SafeDumper, indent=indent, width=_WIDE, allow_unicode=True
    )


def _strip_document(out: str) -> str:
    if out.endswith("\n...\n"):
        out = out[: -len("...\n")]
    return out[:-1] if out.endswith("\n") else out

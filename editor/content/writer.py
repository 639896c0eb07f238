"""The byte-preserving writer: patch the front matter's *text*, never re-serialise it.

Why by hand: every YAML library re-emits the whole document (comments and quoting
go, block styles change), and even ruamel.yaml's round-trip mode cannot keep the
seeds' mixed indentation (4 spaces under top-level keys, 2 for ``seo:`` children,
8 for folded text under ``related_article1:``). So the new data is compared with the
old one value by value, and only the text spans of values that changed are replaced.
PyYAML's composer (libyaml's, via CSafeLoader) gives each node's start/end marks,
which locate those spans; the replacement values themselves are written as PyYAML's
emitter writes them (with the style the old value had, the file's indentation and no
line wrapping) - strings by :mod:`editor.content.yaml_scalars`, which gives the
emitter's text without its per-character loop, other scalars by the emitter itself.
Each candidate is checked by parsing it back, falling to the next style (folded ->
literal -> double quoted) when a style cannot hold the value exactly; the next style
is only emitted when the one before it failed. Finally the whole new text is parsed
again and must give exactly the intended data, or nothing is returned.

Inside flow collections (``[a, b]``, ``{k: v}``, flow-style front matter) items are
patched one by one between the separators, so untouched items keep their quoting and
the list its line breaks; new items copy a neighbour's separator and quoting. The
composer hands an alias back as its anchor's node, so where a node occurs twice the
parser's alias events give each alias its own position (``_mark_aliases``). An edit
that would change the text an alias repeats, or drop an anchor an alias uses, is
refused with the reason - unless every copy changes alike.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import math
import os
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from editor.content import frontmatter
from editor.content.errors import ParseError, ReadOnlyError, WriteError
from editor.content.schema import key_text
from editor.content.yaml_scalars import emit_str, has_odd_breaks

__all__ = ["same_data", "update_text"]

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_WIDE = sys.maxsize  # folded and quoted values stay on one line, as in the real files
_SHORT = 40  # a new key's longer values are prose: folded, if the file folds any
# What stands before a block sequence item on its line: its dash, and for the first item
# of a compact collection the indicators before it (": - one", "- - a").
_ITEM_PREFIX = re.compile(r"[ \t]*(?:[-?:][ \t]+)*-[ \t]+")
# A tag, or an anchor (libyaml's anchor names: letters, digits, "-" and "_").
_PROPERTY = re.compile(r"!<[^>]*>|![^\s,\[\]{}]*|&[0-9A-Za-z_-]+")
_BLOCK_HEADER = re.compile(r"[|>][0-9+-]*")
_HEADER_AT_END = re.compile(r"(?:^|[ \t])[|>](?:[1-9][+-]?|[+-][1-9]?)?$")
# Cheap screens run once a save (a literal first, so the scan is fast): no "?" indicator
# means no explicit key anywhere, no anchor property means no alias.
_QUESTION = re.compile(r"\?")
_AMPERSAND = re.compile(r"&[0-9A-Za-z_-]")
_ALIAS = "writer_alias_of"  # set on the stand-in node of an alias occurrence
_KEY = object()  # a path step into a mapping key: no new value is ever found there
_MISSING = object()

try:
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - only where PyYAML lacks libyaml
    _Loader = yaml.SafeLoader

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
    new = _normalise(new_data, "", path, old)
    body = parts.body if new_body is None else new_body
    if body == parts.body and same_data(old, new):
        return text
    front = parts.front
    if not same_data(old, new):
        front = _Patcher(parts.front, parts.newline, key_order, path, parts.front_line).patch(
            old, new
        )
    closing = parts.closing
    if body and not closing.endswith("\n"):
        closing += parts.newline
    result = parts.prefix + front + closing + body
    _verify(result, new, body, path)
    return result


def same_data(a: Any, b: Any, *, ordered: bool = False) -> bool:
    """Equality that also compares types: ``1 != 1.0 != True``, a date is not a datetime.

    ``ordered`` also requires mappings' keys in the same order (two parsers agreeing);
    the writer leaves it off, since a new key goes where the schema puts it."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        keys_match = list(a) == list(b) if ordered else a.keys() == b.keys()
        return keys_match and all(same_data(a[k], b[k], ordered=ordered) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(
            same_data(x, y, ordered=ordered) for x, y in zip(a, b, strict=True)
        )
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _first_difference(a: Any, b: Any, where: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in [*a, *(k for k in b if k not in a)]:
            if key not in a or key not in b or not same_data(a[key], b[key]):
                sub = f"{where}.{key}" if where else str(key)
                if key in a and key in b:
                    return _first_difference(a[key], b[key], sub)
                return sub
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if not same_data(x, y):
                return _first_difference(x, y, f"{where}.{i}" if where else str(i))
    return where or "(front matter)"


def _normalise(value: Any, where: str, path: Path | None, like: Any = None) -> Any:
    """Plain dicts, lists and YAML scalar types only; anything else cannot be written.

    ``like`` is the file's value at the same place: a tuple stays a tuple where the file
    had one (the pairs of ``!!omap`` and ``!!pairs``), so a value nobody edited compares
    equal and keeps its text; elsewhere a tuple is a list.
    """
    if isinstance(value, Mapping):
        out = {}
        old = like if isinstance(like, dict) else {}
        for key, item in value.items():
            if not isinstance(key, str | int | float | bool | dt.date) and key is not None:
                raise WriteError(f"cannot write a {type(key).__name__} key at {where!r}", path)
            sub = f"{where}.{key}" if where else str(key)
            out[key] = _normalise(item, sub, path, old.get(key))
        return out
    if isinstance(value, list | tuple):
        olds = like if isinstance(like, list | tuple) else ()
        items = [  # a new item is like the last old one (a pair in a list of pairs)
            _normalise(v, f"{where}.{i}", path, olds[min(i, len(olds) - 1)] if olds else None)
            for i, v in enumerate(value)
        ]
        return tuple(items) if isinstance(value, tuple) and isinstance(like, tuple) else items
    if value is None or type(value) in (bool, str, int, float, dt.datetime, dt.date):
        return value
    if type(value) in (bytes, set):  # !!binary, !!set: written by PyYAML's representer
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return float(value)
    raise WriteError(f"cannot write a {type(value).__name__} value at {where!r}", path)


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
        key = _first_difference(data, new)
        raise WriteError(
            f"the edited text would not read back as intended at {key!r}; nothing was written",
            path,
        )
    if parts.body != body:
        raise WriteError("the edited body would not read back as intended", path)


def _canon(value: Any) -> Any:
    """A hashable, type-aware stand-in for a value (to match list items)."""
    if isinstance(value, dict):
        return ("d", tuple(sorted((repr(k), _canon(v)) for k, v in value.items())))
    if isinstance(value, list):
        return ("l", tuple(_canon(v) for v in value))
    return (type(value).__name__, repr(value))


def _is_alias(node: yaml.Node) -> bool:
    return hasattr(node, _ALIAS)


def _is_empty(node: yaml.Node) -> bool:
    """A value with no text at all (``key:``): its marks point at whatever follows."""
    return (
        isinstance(node, yaml.ScalarNode)
        and not _is_alias(node)
        and node.start_mark.index == node.end_mark.index
    )


def _final_block_chomping(lines: list[str]) -> str | None:
    """The chomping indicator ("+", "-" or "") of a block scalar that ends ``lines``."""
    for k in range(len(lines) - 1, -1, -1):
        header = _HEADER_AT_END.search(lines[k])
        if header is None:
            continue
        col = len(lines[k]) - len(lines[k].lstrip(" "))
        if all(
            not line.strip() or len(line) - len(line.lstrip(" ")) > col for line in lines[k + 1 :]
        ):
            return "+" if "+" in header.group() else "-" if "-" in header.group() else ""
        return None
    return None


def _children(node: yaml.Node) -> list[tuple[str, yaml.Node]]:
    if isinstance(node, yaml.MappingNode):
        return [pair for k, v in node.value for pair in (("key", k), ("value", v))]
    if isinstance(node, yaml.SequenceNode):
        return [("item", item) for item in node.value]
    return []


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _lookup(data: Any, path: tuple[Any, ...]) -> Any:
    """The value at ``path`` in ``data`` (``_MISSING`` if there is none)."""
    for step in path:
        in_dict = isinstance(data, dict) and step is not _KEY and _hashable(step) and step in data
        in_list = isinstance(data, list | tuple) and isinstance(step, int) and 0 <= step < len(data)
        if not (in_dict or in_list):
            return _MISSING
        data = data[step]
    return data


def _tag_of(value: Any) -> str | None:
    """The tag PyYAML gives ``value`` (None for values it cannot represent)."""
    try:
        return str(yaml.representer.SafeRepresenter().represent_data(value).tag)
    except yaml.YAMLError:
        return None


def _style(node: yaml.Node) -> str:
    style = getattr(node, "style", None)
    return style or ""


def _is_block(node: yaml.Node) -> bool:
    return isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style


class _RerenderError(Exception):
    """A value's shape cannot be patched in place; its caller re-renders it whole."""


@dataclass
class _Profile:
    """How this file lays out its values, so new text looks like the old."""

    key_styles: dict[str, str] = field(default_factory=dict)  # key -> scalar style
    scalar_offsets: dict[int, int] = field(default_factory=dict)  # parent column -> offset
    map_offsets: dict[str, int] = field(default_factory=dict)  # key -> child key offset
    seq_offsets: dict[str, int] = field(default_factory=dict)  # key -> dash offset
    item_offset: int | None = None  # "- " to the first key of a mapping item
    first_scalar_offset: int | None = None
    uses_folded: bool = False

    def scalar_offset(self, column: int) -> int:
        found = self.scalar_offsets.get(column, self.first_scalar_offset)
        return min(max(found if found is not None else 2, 2), 9)

    def map_offset(self, key: str) -> int:
        if key in self.map_offsets:
            return self.map_offsets[key]
        best, found = 2, next(iter(self.map_offsets.values()), 2)
        for other, offset in self.map_offsets.items():
            common = len(os.path.commonprefix([key, other]))  # noqa: RUF071 - by character
            if common > best:
                best, found = common, offset
        return found

    def seq_offset(self, key: str) -> int:
        return self.seq_offsets.get(key, next(iter(self.seq_offsets.values()), 2))

    def style_for(self, key: str, value: str) -> str:
        if key in self.key_styles:
            return self.key_styles[key]
        if key.endswith("[]"):
            return ""
        prose = "\n" in value or len(value) > _SHORT
        return ">" if self.uses_folded and prose else ""


class _Patcher:
    """Collects text edits on the front matter and applies them at the end."""

    def __init__(
        self, src: str, newline: str, key_order: Sequence[str], path: Path | None, first_line: int
    ) -> None:
        self.src = src
        self.nl = newline
        self.key_order = list(key_order)
        self.path = path
        self.first_line = first_line
        self.edits: list[tuple[int, int, int, str]] = []
        self.keys = yaml.constructor.SafeConstructor()
        self.profile = _Profile()
        self.new_root: dict[Any, Any] = {}
        # id(anchored node) -> (path, stand-in) of each alias that repeats it
        self.aliases: dict[int, list[tuple[tuple[Any, ...], yaml.Node]]] = {}
        self.following: set[int] = set()  # alias stand-ins whose anchor takes their new value
        self.explicit_keys = self._any_indicator(_QUESTION)  # any "? key" at all
        self.erased: set[tuple[int, int]] = set()

    # -- entry point -------------------------------------------------------------

    def patch(self, old: dict[str, Any], new: dict[str, Any]) -> str:
        root = yaml.compose(self.src, Loader=_Loader)
        if root is None:  # empty, or comments only: append the keys
            lines: list[str] = []
            for key in self._ordered_new_keys([], list(new), ""):
                lines += self._entry_lines(key, new[key], 0, str(key))
            pos = len(self.src)
            self._edit(pos, pos, "".join(line + "\n" for line in lines))
            return self._apply()
        if not isinstance(root, yaml.MappingNode):
            raise WriteError("the front matter is not a mapping of keys to values", self.path)
        self.new_root = new
        self._mark_aliases(root)
        self._learn(root, "")
        try:
            self._patch_mapping(root, old, new, "", ())
        except _RerenderError as exc:
            raise WriteError("the front matter's layout cannot be edited", self.path) from exc
        return self._apply()

    # -- aliases -------------------------------------------------------------------

    def _mark_aliases(self, root: yaml.Node) -> None:
        """Give each alias occurrence a stand-in node with the alias's own position.

        The composer hands an alias back as the anchored node itself (its marks are the
        anchor's), so the text of ``*name`` is nowhere in the tree. Only when some node
        occurs twice are the parser's events read for the alias positions, in document
        order - the order this walk meets the repeated nodes.
        """
        seen: set[int] = set()
        if not self._has_repeats(root, seen):
            return
        marks = iter(
            (event.start_mark, event.end_mark)
            for event in yaml.parse(self.src, Loader=_Loader)
            if isinstance(event, yaml.AliasEvent)
        )
        seen.clear()

        def visit(node: yaml.Node, path: tuple[Any, ...]) -> yaml.Node:
            if id(node) in seen:
                start, end = next(marks)
                stand = copy.copy(node)
                stand.start_mark, stand.end_mark = start, end
                setattr(stand, _ALIAS, node)
                self.aliases.setdefault(id(node), []).append((path, stand))
                return stand
            seen.add(id(node))
            if isinstance(node, yaml.MappingNode):
                for i, (knode, vnode) in enumerate(node.value):
                    new_key = visit(knode, (*path, _KEY))
                    name = self._construct_key(new_key)
                    node.value[i] = (new_key, visit(vnode, (*path, name)))
            elif isinstance(node, yaml.SequenceNode):
                node.value = [visit(item, (*path, i)) for i, item in enumerate(node.value)]
            return node

        visit(root, ())

    def _has_repeats(self, root: yaml.Node, seen: set[int]) -> bool:
        """Whether a node occurs twice (an alias); a text with no anchor has none."""
        if not self._any_indicator(_AMPERSAND):
            return False
        stack = [root]
        while stack:
            node = stack.pop()
            if id(node) in seen:
                return True
            seen.add(id(node))
            if isinstance(node, yaml.MappingNode):
                for knode, vnode in node.value:
                    stack += (knode, vnode)
            elif isinstance(node, yaml.SequenceNode):
                stack += node.value
        return False

    def _any_indicator(self, pattern: re.Pattern[str]) -> bool:
        """Whether ``pattern`` occurs where an indicator can: first in the text or after a
        blank, ``[``, ``{`` or ``,``."""
        src = self.src
        for found in pattern.finditer(src):
            i = found.start()
            if i == 0 or src[i - 1] in " \t\r\n[{,":
                return True
        return False

    def _construct_key(self, knode: yaml.Node) -> Any:
        key = self.keys.construct_object(knode, deep=True)
        return key if _hashable(key) else None

    def _check_anchor(self, node: yaml.Node, new: Any, dotted: str) -> None:
        """Refuse to change an anchored value an alias repeats, unless every copy changes alike."""
        found = self.aliases.get(id(node))
        if not found:
            return
        if all(same_data(_lookup(self.new_root, path), new) for path, _ in found):
            self.following.update(id(stand) for _, stand in found)
            return
        name = self._anchor_name(node) or "?"
        raise self._fail(
            f"the value of {dotted!r} is anchored (&{name}) and an alias (*{name}) repeats it "
            "elsewhere; changing it here would change that copy too. Give the alias a value "
            "of its own first (or change both alike)",
            node,
        )

    def _anchor_name(self, node: yaml.Node) -> str | None:
        for prop in _PROPERTY.findall(self.src, node.start_mark.index, self._props_end(node)):
            if prop.startswith("&"):
                return str(prop[1:])
        return None

    # -- text positions ----------------------------------------------------------

    def _line_start(self, i: int) -> int:
        return self.src.rfind("\n", 0, i) + 1

    def _line_end(self, i: int) -> int:
        """Index of the line break ending the line at ``i`` (before a CR)."""
        end = self.src.find("\n", i)
        if end < 0:
            return len(self.src)
        return end - 1 if end > 0 and self.src[end - 1] == "\r" else end

    def _after_line(self, i: int) -> int:
        end = self.src.find("\n", i)
        return len(self.src) if end < 0 else end + 1

    def _props_end(self, node: yaml.Node) -> int:
        """Index after a node's properties (tag, anchor) and the blanks after them on their
        line (a property on a later line belongs to what the node holds: ``&a\n  &k key:``)."""
        i = node.start_mark.index
        while i < len(self.src) and self.src[i] in "!&":
            found = _PROPERTY.match(self.src, i)
            if found is None:
                break
            i = found.end()
            while i < len(self.src) and self.src[i] in " \t":
                i += 1
        return i

    def _kept_props(self, node: yaml.Node, new: Any) -> str:
        """The node's properties to write before its new value: its anchor, and its tag if
        the new value still has that type."""
        start = node.start_mark.index
        if _is_alias(node) or _is_empty(node) or start >= len(self.src):
            return ""
        if self.src[start] not in "!&":
            return ""
        tag = _tag_of(new)
        kept = [
            prop
            for prop in _PROPERTY.findall(self.src, start, self._props_end(node))
            if prop.startswith("&") or node.tag == tag
        ]
        return " ".join(kept) + " " if kept else ""

    def _explicit_at(self, knode: yaml.Node) -> int | None:
        """Index of the ``?`` that opens the key's entry, for an explicit ``? key`` entry."""
        if not self.explicit_keys:
            return None
        i = knode.start_mark.index - 1
        while i >= 0 and self.src[i] in " \t\r\n":
            i -= 1
        if i < 0 or self.src[i] != "?":
            return None
        before = self.src[self._line_start(i) : i]
        if before.strip(" \t-") == "" or before.rstrip()[-1:] in ("{", "[", ","):
            return i
        return None

    def _entry_start(self, knode: yaml.Node) -> int:
        explicit = self._explicit_at(knode)
        return knode.start_mark.index if explicit is None else explicit

    def _entry_col(self, knode: yaml.Node) -> int:
        explicit = self._explicit_at(knode)
        return (
            int(knode.start_mark.column)
            if explicit is None
            else explicit - self._line_start(explicit)
        )

    def _colon_after(self, knode: yaml.Node, vnode: yaml.Node) -> int | None:
        """Index of the ``:`` between a key and its value (None: the entry has none)."""
        i = self._content_end(knode)
        limit = vnode.start_mark.index if vnode.start_mark.index >= i else len(self.src)
        while i < limit:
            ch = self.src[i]
            if ch == ":":
                return i
            if ch == "#":
                i = self._after_line(i)
            elif ch in " \t\r\n":
                i += 1
            else:
                return None
        return None

    def _entry_end(self, knode: yaml.Node, vnode: yaml.Node) -> int:
        """End of the last character of a ``key: value`` entry (see ``_content_end``)."""
        if _is_empty(vnode):
            colon = self._colon_after(knode, vnode)
            if colon is not None:
                return colon + 1
            explicit = self._explicit_at(knode)
            if _is_empty(knode) and explicit is not None:  # a lone "?"
                return explicit + 1
            return self._content_end(knode)
        return self._content_end(vnode)

    def _content_end(self, node: yaml.Node) -> int:
        """End of the last character that belongs to ``node`` (blank lines excluded)."""
        if _is_alias(node):
            return int(node.end_mark.index)
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            return self._block_scalar_end(node)
        if _is_block(node) and node.value:
            last = node.value[-1]
            if isinstance(last, tuple):
                return self._entry_end(*last)
            return self._content_end(last)
        return int(node.end_mark.index)

    def _block_header(self, node: yaml.ScalarNode) -> re.Match[str] | None:
        return _BLOCK_HEADER.match(self.src, self._props_end(node))

    def _block_scalar_end(self, node: yaml.ScalarNode) -> int:
        """Where a block scalar's own lines end.

        The composer's end mark takes in every blank line after the scalar; with keep
        chomping (``|+``) they are the value's own, otherwise only lines holding content
        are (a line of spaces deeper than the content's indentation is content).
        """
        end = int(node.end_mark.index)
        header = self._block_header(node)
        if header is None:
            return end
        header_end = self._line_end(header.end())
        if "+" in header.group():
            if end > header_end and self.src[end - 1] == "\n":
                return self._line_end(end - 1)
            return end
        indent = self._block_indent(node, header.group())
        j = end
        while j > header_end:
            line_start = self._line_start(j - 1) if self.src[j - 1] == "\n" else self._line_start(j)
            if line_start <= header_end:
                break
            line = self.src[line_start:j].rstrip("\r\n")
            if line.strip(" ") or len(line) > indent:
                return self._line_end(line_start)
            j = line_start
        return header_end

    def _block_indent(self, node: yaml.ScalarNode, header: str) -> int:
        digits = [ch for ch in header if ch.isdigit()]
        if digits:
            line = self.src[self._line_start(node.start_mark.index) : node.start_mark.index]
            stripped = line.lstrip(" ")
            while stripped[:2] in ("- ", "? ", ": "):
                stripped = stripped[2:].lstrip(" ")
            return len(line) - len(stripped) + int(digits[0])
        column = self._content_column(node)
        return column if column is not None else sys.maxsize

    def _content_column(self, node: yaml.ScalarNode) -> int | None:
        i = self._after_line(node.start_mark.index)
        while i < node.end_mark.index:
            end = self._after_line(i)
            line = self.src[i:end]
            if line.strip():
                return len(line) - len(line.lstrip(" "))
            i = end
        return None

    def _dash_col(self, node: yaml.SequenceNode) -> int:
        """Column of a block sequence's dashes (its node may start at a tag or anchor)."""
        if node.value:
            first = node.value[0]
            start = self._line_start(first.start_mark.index)
            prefix = self.src[start : first.start_mark.index]
            if _ITEM_PREFIX.fullmatch(prefix):
                return len(prefix.rstrip(" \t")) - 1
        return int(node.start_mark.column)

    def _mapping_col(self, node: yaml.MappingNode) -> int:
        return self._entry_col(node.value[0][0]) if node.value else int(node.start_mark.column)

    # -- learning the file's layout ----------------------------------------------

    def _learn(self, node: yaml.Node, key: str) -> None:
        p = self.profile
        if _is_alias(node):
            return
        if isinstance(node, yaml.MappingNode) and not node.flow_style:
            for knode, vnode in node.value:
                name = str(knode.value)
                self._learn_value(vnode, name, self._entry_col(knode))
        elif isinstance(node, yaml.SequenceNode) and not node.flow_style:
            dash = self._dash_col(node)
            for item in node.value:
                if _is_alias(item):
                    continue
                if isinstance(item, yaml.MappingNode) and not item.flow_style and item.value:
                    if p.item_offset is None:
                        p.item_offset = self._mapping_col(item) - dash
                    self._learn(item, key)
                else:
                    self._learn_value(item, f"{key}[]", dash)

    def _learn_value(self, vnode: yaml.Node, name: str, col: int) -> None:
        p = self.profile
        if _is_alias(vnode):
            return
        if isinstance(vnode, yaml.ScalarNode):
            if vnode.tag == _STR:
                p.key_styles.setdefault(name, _style(vnode))
            if vnode.style in ("|", ">"):
                p.uses_folded = p.uses_folded or vnode.style == ">"
                content = self._content_column(vnode)
                if content is not None and content > col:
                    p.scalar_offsets.setdefault(col, content - col)
                    if p.first_scalar_offset is None:
                        p.first_scalar_offset = content - col
        elif isinstance(vnode, yaml.MappingNode) and not vnode.flow_style and vnode.value:
            p.map_offsets.setdefault(name, self._mapping_col(vnode) - col)
            self._learn(vnode, name)
        elif isinstance(vnode, yaml.SequenceNode) and not vnode.flow_style and vnode.value:
            p.seq_offsets.setdefault(name, self._dash_col(vnode) - col)
            self._learn(vnode, name)

    # -- edits ---------------------------------------------------------------------

    def _edit(self, start: int, end: int, text: str) -> None:
        if self.nl != "\n":  # new text never holds a raw CR; copied separators may hold CRLF
            text = text.replace("\r\n", "\n").replace("\n", self.nl)
        self.edits.append((start, end, len(self.edits), text))

    def _apply(self) -> str:
        out: list[str] = []
        pos = 0
        for start, end, _, text in sorted(self.edits):
            if start < pos:
                raise WriteError("overlapping edits (aliases or an unusual layout)", self.path)
            out += [self.src[pos:start], text]
            pos = end
        out.append(self.src[pos:])
        return "".join(out)

    def _fail(self, message: str, node: yaml.Node | None = None) -> WriteError:
        line = node.start_mark.line + self.first_line if node is not None else None
        column = node.start_mark.column + 1 if node is not None else None
        return WriteError(message, self.path, line, column)

    # -- mappings ------------------------------------------------------------------

    def _entries(self, node: yaml.MappingNode) -> list[tuple[Any, yaml.Node, yaml.Node]]:
        entries: list[tuple[Any, yaml.Node, yaml.Node]] = []
        for knode, vnode in node.value:
            if not isinstance(knode, yaml.ScalarNode) or knode.tag == "tag:yaml.org,2002:merge":
                raise self._fail("mappings with merge keys or complex keys cannot be edited", knode)
            entries.append((self.keys.construct_object(knode, deep=True), knode, vnode))
        return entries

    def _patch_mapping(
        self,
        node: yaml.MappingNode,
        old: dict[Any, Any],
        new: dict[Any, Any],
        dotted: str,
        path: tuple[Any, ...],
    ) -> None:
        if node.flow_style:
            self._patch_flow_mapping(node, old, new, dotted, path)
            return
        entries = self._entries(node)
        kept: list[Any] = []
        for key, knode, vnode in entries:
            sub = f"{dotted}.{key}" if dotted else str(key)
            if key not in new:
                self._check_removal(knode, sub, "the key")
                self._check_removal(vnode, sub)
                start = self._line_start(self._entry_start(knode))
                if self.src[start : self._entry_start(knode)].strip():
                    raise _RerenderError  # first key of a "- key: value" item
                self._edit(start, self._after_line(self._entry_end(knode, vnode)), "")
                continue
            kept.append(key)
            if not same_data(old.get(key), new[key]):
                self._patch_value(knode, vnode, old.get(key), new[key], sub, (*path, key))
        added = [k for k in new if k not in old]
        if not added:
            return
        by_key = {key: (knode, vnode) for key, knode, vnode in entries}
        col = self._mapping_col(node)
        final = self._ordered_new_keys(kept, added, dotted)
        last_end = self._after_line(self._entry_end(entries[-1][1], entries[-1][2]))
        for i, key in enumerate(final):
            if key in by_key:
                continue
            before = next((k for k in reversed(final[:i]) if k in by_key), _MISSING)
            after = next((k for k in final[i + 1 :] if k in by_key), _MISSING)
            if before is not _MISSING:
                pos = self._after_line(self._entry_end(*by_key[before]))
            elif after is not _MISSING:
                start = self._entry_start(by_key[after][0])
                pos = self._line_start(start)
                if self.src[pos:start].strip():
                    raise _RerenderError  # would go before the "- " of an item
            else:
                pos = last_end
            sub = f"{dotted}.{key}" if dotted else str(key)
            lines = self._entry_lines(key, new[key], col, sub)
            self._edit(pos, pos, "".join(line + "\n" for line in lines))
            self._settle_after(lines, pos)

    def _check_removal(self, vnode: yaml.Node, dotted: str, what: str = "the value of") -> None:
        if not _is_alias(vnode) and self.aliases.get(id(vnode)):
            name = self._anchor_name(vnode) or "?"
            raise self._fail(
                f"{what} {dotted!r} is anchored (&{name}) and an alias (*{name}) repeats "
                "it elsewhere; removing it would leave the alias without a value. Give the "
                "alias a value of its own first",
                vnode,
            )
        self._check_within(vnode, dotted, "removing")

    def _check_within(self, node: yaml.Node, dotted: str, doing: str) -> None:
        """Refuse to drop the text of a value holding an anchor that an alias outside uses."""
        if not self.aliases or _is_alias(node):
            return
        stack = [child for _, child in _children(node)]
        while stack:
            inner = stack.pop()
            if _is_alias(inner):
                continue
            if self.aliases.get(id(inner)):
                name = self._anchor_name(inner) or "?"
                raise self._fail(
                    f"{dotted!r} holds the anchor &{name}, which an alias (*{name}) repeats "
                    f"elsewhere; {doing} it would leave the alias without a value. Give the "
                    "alias a value of its own first",
                    inner,
                )
            stack += [child for _, child in _children(inner)]

    def _ordered_new_keys(self, kept: list[Any], added: list[Any], dotted: str) -> list[Any]:
        """Existing keys in file order, with each new key where ``key_order`` puts it."""
        prefix = f"{dotted}." if dotted else ""
        order = [
            k[len(prefix) :]
            for k in self.key_order
            if k.startswith(prefix) and "." not in k[len(prefix) :]
        ]
        final = list(kept)
        for key in added:
            name = key_text(key)
            if name not in order:
                final.append(key)
                continue
            rank = order.index(name)
            earlier = set(order[:rank])
            later = set(order[rank + 1 :])
            pos = next(
                (i + 1 for i in range(len(final) - 1, -1, -1) if key_text(final[i]) in earlier),
                None,
            )
            if pos is None:
                pos = next((i for i, k in enumerate(final) if key_text(k) in later), len(final))
            final.insert(pos, key)
        return final

    def _patch_nested(
        self, node: yaml.Node, old: Any, new: Any, dotted: str, path: tuple[Any, ...]
    ) -> bool:
        """Patch a collection in place, entry by entry or item by item, if it keeps its kind."""
        if _is_alias(node) or not new:
            return False
        if isinstance(old, tuple) and isinstance(new, tuple):  # an !!omap / !!pairs item
            if len(old) != 2 or len(new) != 2 or old[0] != new[0] or not _hashable(old[0]):
                return False
            old, new = {old[0]: old[1]}, {new[0]: new[1]}
        if isinstance(old, dict) and isinstance(new, dict) and isinstance(node, yaml.MappingNode):
            if not node.value:
                return False
            self._patch_mapping(node, old, new, dotted, path)
            return True
        if isinstance(old, list) and isinstance(new, list) and isinstance(node, yaml.SequenceNode):
            if not node.value:
                return False
            if node.flow_style:
                self._patch_flow_sequence(node, old, new, dotted, path)
            else:
                self._patch_sequence(node, old, new, dotted, path)
            return True
        return False

    def _patch_value(  # noqa: PLR0917 - private
        self,
        knode: yaml.Node,
        vnode: yaml.Node,
        old: Any,
        new: Any,
        dotted: str,
        path: tuple[Any, ...],
    ) -> None:
        col = self._entry_col(knode)
        if self._patched_within(vnode, old, new, dotted, path):
            return
        if not _is_empty(vnode) and self._replace_inline(vnode, new, col, str(knode.value)):
            return
        # The value changes shape: rewrite everything from the ":" on.
        lines = self._entry_lines(knode.value, new, col, dotted, key_text="k")
        anchor = self._kept_props(vnode, None).strip()
        head = ": " + anchor + lines[0][col + 2 :] if anchor else lines[0][col + 1 :]
        text = "\n".join([head, *lines[1:]])
        colon = self._colon_after(knode, vnode)
        if colon is None:  # "? key" without a value: the value gets a line of its own
            pos = self._after_line(self._entry_end(knode, vnode))
            self._edit(pos, pos, " " * col + text + "\n")
            self._settle_after(text.split("\n"), pos)
            return
        end = colon + 1 if _is_empty(vnode) else self._line_end(self._content_end(vnode))
        self._edit(colon, end, text)
        self._settle_after(text.split("\n"), self._after_line(end))

    def _replace_inline(self, vnode: yaml.Node, new: Any, parent_col: int, key: str) -> bool:
        """Swap a scalar (or flow collection) for ``new`` in its old style, if it fits."""
        if isinstance(new, dict | list | tuple) and new:
            if not isinstance(vnode, yaml.MappingNode | yaml.SequenceNode) or not vnode.flow_style:
                return False
            if not vnode.value and not _is_alias(vnode):
                return False
            self._check_within(vnode, key, "replacing")
            text = self._kept_props(vnode, new) + self._flow(new)
            self._edit(vnode.start_mark.index, vnode.end_mark.index, text)
            return True
        if not isinstance(vnode, yaml.ScalarNode):
            return False
        alias = _is_alias(vnode)
        start = vnode.start_mark.index
        style = "" if alias else _style(vnode)
        end = self._content_end(vnode)
        hint = style if isinstance(new, str) else ""
        if isinstance(new, str) and not style and (alias or vnode.tag != _STR):
            hint = self.profile.style_for(key, new)
        head, cont = self._scalar(new, hint, parent_col, self._offset_of(vnode, parent_col))
        head = self._kept_props(vnode, new) + head
        lead = "" if start > 0 and self.src[start - 1] in " \t" else " "
        if style in ("|", ">"):  # a comment on the old header line stays with the value
            header = self._block_header(vnode)
            tail = self.src[header.end() : self._line_end(header.end())] if header else ""
        else:  # a comment after the old value's end
            tail = self.src[end : self._line_end(end)]
        tail = tail if tail.strip() else ""
        if not cont:
            self._edit(start, self._line_end(end) if tail else end, lead + head + tail)
            return True
        if head.startswith(("|", ">")) or head.split(" ")[-1].startswith(("|", ">")):
            text = lead + head + tail + "\n" + "\n".join(cont)  # the header carries the comment
        else:  # a quoted value spanning lines: the comment follows its end
            text = lead + head + "\n" + "\n".join(cont) + tail
        self._edit(start, self._line_end(end), text)
        last = head.split(" ")[-1]
        if _BLOCK_HEADER.fullmatch(last):
            self._settle_blank_lines(self._after_line(end), keep="+" in last)
        return True

    def _settle_after(self, lines: list[str], pos: int) -> None:
        """After new lines that end in a block scalar, make the blank lines that follow at
        ``pos`` stay out of it."""
        chomping = _final_block_chomping(lines)
        if chomping is not None:
            self._settle_blank_lines(pos, keep=chomping == "+")

    def _settle_blank_lines(self, i: int, *, keep: bool) -> None:
        """Blank lines after a new block scalar would be its own (keep chomping: drop them)
        or, holding more spaces than its indentation, its content (empty them)."""
        j = i
        while j < len(self.src):
            end = self._after_line(j)
            line = self.src[j:end]
            if line.strip():
                break
            blanks = len(line.rstrip("\r\n"))
            if blanks and not keep:
                self._erase(j, j + blanks)
            j = end
        if keep and j > i:
            self._erase(i, j)

    def _erase(self, start: int, end: int) -> None:
        """Delete a span once, however many new values ask for it."""
        if (start, end) not in self.erased:
            self.erased.add((start, end))
            self._edit(start, end, "")

    def _offset_of(self, vnode: yaml.ScalarNode, parent_col: int) -> int:
        if vnode.style in ("|", ">") and not _is_alias(vnode):
            content = self._content_column(vnode)
            if content is not None and 2 <= content - parent_col <= 9:
                return content - parent_col
        return self.profile.scalar_offset(parent_col)

    # -- flow collections --------------------------------------------------------------

    def _patch_flow_mapping(
        self,
        node: yaml.MappingNode,
        old: dict[Any, Any],
        new: dict[Any, Any],
        dotted: str,
        path: tuple[Any, ...],
    ) -> None:
        """Edit a ``{key: value, ...}`` mapping inside its braces, keeping its layout."""
        entries = self._entries(node)
        braced = self.src.startswith("{", self._props_end(node))
        if not braced and (new.keys() != old.keys()):  # a single pair in a flow list
            raise _RerenderError
        starts = [self._entry_start(knode) for _, knode, _ in entries]
        ends = [self._entry_end(knode, vnode) for _, knode, vnode in entries]
        kept: list[Any] = []
        for i, (key, knode, vnode) in enumerate(entries):
            sub = f"{dotted}.{key}" if dotted else str(key)
            if key not in new:
                self._check_removal(knode, sub, "the key")
                self._check_removal(vnode, sub)
                keep = [k in new for k, _, _ in entries]
                self._delete_flow_item(node, starts, ends, i, keep)
                continue
            kept.append(key)
            if same_data(old.get(key), new[key]):
                continue
            if id(vnode) in self.following:
                continue
            self._check_anchor(vnode, new[key], sub)
            if _is_empty(vnode):
                text = self._flow_text(new[key], "")
                colon = self._colon_after(knode, vnode)
                if colon is None:
                    end = self._entry_end(knode, vnode)
                    self._edit(end, end, ": " + text)
                else:
                    self._edit(colon + 1, colon + 1, " " + text)
                continue
            self._patch_flow_node(vnode, old.get(key), new[key], sub, (*path, key))
        added = [k for k in new if k not in old]
        if not added:
            return
        final = self._ordered_new_keys(kept, added, dotted)
        by_key = {key: i for i, (key, _, _) in enumerate(entries)}
        for i, key in enumerate(final):
            if key in by_key:
                continue
            key_text = self._flow_text(key, "") if isinstance(key, str) else self._key_text(key)
            text = f"{key_text}: {self._flow_text(new[key], '')}"
            before = next((k for k in reversed(final[:i]) if k in by_key), _MISSING)
            after = next((k for k in final[i + 1 :] if k in by_key), _MISSING)
            if before is not _MISSING:
                at = by_key[before]
                self._edit(ends[at], ends[at], self._flow_sep(starts, ends, at) + text)
            elif after is not _MISSING:
                at = by_key[after]
                self._edit(starts[at], starts[at], text + self._flow_sep(starts, ends, at))
            else:  # an empty mapping: inside its braces
                pos = node.end_mark.index - 1
                self._edit(pos, pos, text)
                by_key[key] = len(starts)
                starts.append(pos)
                ends.append(pos)

    def _patch_flow_sequence(
        self,
        node: yaml.SequenceNode,
        old: list[Any],
        new: list[Any],
        dotted: str,
        path: tuple[Any, ...],
    ) -> None:
        """Edit a ``[a, b, ...]`` list item by item, keeping the others' text exactly."""
        items: list[yaml.Node] = list(node.value)
        starts = [item.start_mark.index for item in items]
        ends = [self._content_end(item) for item in items]
        matcher = difflib.SequenceMatcher(
            None, [_canon(v) for v in old], [_canon(v) for v in new], autojunk=False
        )
        opcodes = [op for op in matcher.get_opcodes() if op[0] != "equal"]
        keep = [True] * len(items)
        for tag, i1, i2, j1, j2 in opcodes:
            pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
            keep[i1 + pairs : i2] = [False] * (i2 - i1 - pairs)
        for tag, i1, i2, j1, j2 in opcodes:
            pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
            for d in range(pairs):
                self._patch_flow_node(
                    items[i1 + d], old[i1 + d], new[j1 + d], f"{dotted}.{j1 + d}", (*path, j1 + d)
                )
            for i in range(i1 + pairs, i2):
                self._delete_flow_item(node, starts, ends, i, keep)
            if j1 + pairs < j2:
                at = i1 + pairs - 1
                hint = self._neighbour_style(items[max(at, 0)])
                texts = [self._flow_text(v, hint) for v in new[j1 + pairs : j2]]
                if at >= 0:
                    sep = self._flow_sep(starts, ends, at)
                    self._edit(ends[at], ends[at], sep + sep.join(texts))
                else:
                    sep = self._flow_sep(starts, ends, 0)
                    self._edit(starts[0], starts[0], sep.join(texts) + sep)

    def _patched_within(
        self, node: yaml.Node, old: Any, new: Any, dotted: str, path: tuple[Any, ...]
    ) -> bool:
        """Whether a changed value needs no replacing of its own: another edit covers it
        (an alias that follows its anchor), or it was patched inside, entry by entry.
        Otherwise it is checked for being replaceable whole, and the caller replaces it."""
        if id(node) in self.following:
            return True
        self._check_anchor(node, new, dotted)
        mark = len(self.edits)
        try:
            if self._patch_nested(node, old, new, dotted, path):
                return True
        except _RerenderError:
            del self.edits[mark:]
        self._check_within(node, dotted, "replacing")
        return False

    def _patch_flow_node(
        self, node: yaml.Node, old: Any, new: Any, dotted: str, path: tuple[Any, ...]
    ) -> None:
        """Patch one value inside a flow collection in place."""
        if self._patched_within(node, old, new, dotted, path):
            return
        hint = _style(node) if isinstance(new, str) and not _is_alias(node) else ""
        text = self._flow_text(new, hint if hint in ("'", '"') else "")
        text = self._kept_props(node, new) + text
        self._edit(node.start_mark.index, node.end_mark.index, text)

    def _delete_flow_item(
        self, node: yaml.Node, starts: list[int], ends: list[int], i: int, keep: list[bool]
    ) -> None:
        """Remove item ``i`` of a flow collection with the separator before it (after it,
        while only removed items come before; all of them, up to the bracket, if none stays)."""
        if not any(keep):
            if i == 0:
                self._edit(starts[0], node.end_mark.index - 1, "")
        elif any(keep[:i]):
            self._edit(ends[i - 1], ends[i], "")
        else:
            self._edit(starts[i], starts[i + 1], "")

    def _flow_sep(self, starts: list[int], ends: list[int], at: int) -> str:
        """The separator written between items next to ``at`` (", " if there is one item)."""
        if len(starts) < 2:
            return ", "
        k = min(max(at, 0) + 1, len(starts) - 1)
        sep = self.src[ends[k - 1] : starts[k]]
        return sep if "#" not in sep and "," in sep else ", "

    @staticmethod
    def _neighbour_style(node: yaml.Node) -> str:
        if isinstance(node, yaml.ScalarNode) and node.tag == _STR and not _is_alias(node):
            style = _style(node)
            return style if style in ("'", '"') else ""
        return ""

    def _flow_text(self, value: Any, hint: str) -> str:
        """``value`` as it can stand inside a flow collection, on one line."""
        if isinstance(value, tuple) and len(value) == 2 and _hashable(value[0]):
            value = {value[0]: value[1]}
        if isinstance(value, dict | list | tuple):
            return self._flow(value)
        for out in self._candidates(value, hint, 2, flow=True):
            text = out[3:]
            if "\n" in text or "\r" in text or has_odd_breaks(text):
                continue
            try:
                back = yaml.load("{k: " + text + ", z: 0}", Loader=_Loader)
            except yaml.YAMLError:
                continue
            if back == {"k": back.get("k"), "z": 0} and same_data(back["k"], value):
                return text
        raise WriteError(f"cannot write the value {value!r} so that it reads back", self.path)

    # -- sequences -------------------------------------------------------------------

    def _patch_sequence(
        self,
        node: yaml.SequenceNode,
        old: list[Any],
        new: list[Any],
        dotted: str,
        path: tuple[Any, ...],
    ) -> None:
        items: list[yaml.Node] = list(node.value)
        compact: list[bool] = []  # the item's line starts with its parent's indicator
        for item in items:
            start = self._line_start(item.start_mark.index)
            prefix = self.src[start : item.start_mark.index]
            if not _ITEM_PREFIX.fullmatch(prefix):
                raise _RerenderError
            compact.append(bool(prefix.rstrip(" \t")[:-1].strip()))
        dash = self._dash_col(node)
        key = dotted.rsplit(".", 1)[-1]

        def item_start(i: int) -> int:
            if compact[i]:
                raise _RerenderError  # the line also holds the parent's indicator
            return self._line_start(items[i].start_mark.index)

        def item_end(i: int) -> int:
            return self._after_line(self._content_end(items[i]))

        matcher = difflib.SequenceMatcher(
            None, [_canon(v) for v in old], [_canon(v) for v in new], autojunk=False
        )
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
            for d in range(pairs):
                self._patch_item(
                    items[i1 + d],
                    old[i1 + d],
                    new[j1 + d],
                    dash,
                    key,
                    f"{dotted}.{j1 + d}",
                    (*path, j1 + d),
                )
            for i in range(i1 + pairs, i2):
                self._check_removal(items[i], f"{dotted}.{i}")
                self._edit(item_start(i), item_end(i), "")
            if j1 + pairs < j2:
                if pairs:
                    pos = item_end(i1 + pairs - 1)
                elif i1 < len(items):
                    pos = item_start(i1)
                else:
                    pos = item_end(len(items) - 1)
                lines = self._item_lines(new[j1 + pairs : j2], dash, key, dotted)
                self._edit(pos, pos, "".join(line + "\n" for line in lines))
                self._settle_after(lines, pos)

    def _patch_item(  # noqa: PLR0917 - private, one caller
        self,
        inode: yaml.Node,
        old: Any,
        new: Any,
        dash: int,
        key: str,
        dotted: str,
        path: tuple[Any, ...],
    ) -> None:
        if self._patched_within(inode, old, new, dotted, path):
            return
        if self._replace_inline(inode, new, dash, f"{key}[]"):
            return
        start = self._line_start(inode.start_mark.index) + dash  # from the item's dash
        end = self._after_line(self._content_end(inode))
        lines = self._item_lines([new], dash, key, dotted)
        self._edit(start, end, "".join(line + "\n" for line in lines)[dash:])
        self._settle_after(lines, end)

    # -- rendering new text --------------------------------------------------------

    def _key_text(self, key: Any) -> str:
        out = yaml.safe_dump({key: 0}, width=_WIDE, allow_unicode=True)
        if not out.endswith(": 0\n") or out.count("\n") != 1:
            raise WriteError(f"cannot write the key {key!r}", self.path)
        return out[: -len(": 0\n")]

    def _entry_lines(
        self, key: Any, value: Any, col: int, dotted: str, key_text: str | None = None
    ) -> list[str]:
        """A whole ``key: value`` entry at column ``col``, in the file's layout (``key_text``:
        the key as written, if not as PyYAML writes ``key``)."""
        pad = " " * col
        name = str(key)
        key_text = self._key_text(key) if key_text is None else key_text
        if isinstance(value, dict) and value:
            inner = col + self.profile.map_offset(name)
            lines = [f"{pad}{key_text}:"]
            for k, v in value.items():
                lines += self._entry_lines(k, v, inner, f"{dotted}.{k}")
            return lines
        if isinstance(value, list) and value:
            dash = col + self.profile.seq_offset(name)
            return [f"{pad}{key_text}:", *self._item_lines(value, dash, name, dotted)]
        hint = self.profile.style_for(name, value) if isinstance(value, str) else ""
        head, cont = self._scalar(value, hint, col, self.profile.scalar_offset(col))
        return [f"{pad}{key_text}: {head}", *cont]

    def _item_lines(self, values: list[Any], dash: int, key: str, dotted: str) -> list[str]:
        """Block sequence items ``- value`` with their dash at column ``dash``."""
        pad = " " * dash
        lines: list[str] = []
        for value in values:
            if isinstance(value, tuple) and len(value) == 2 and _hashable(value[0]):
                value = {value[0]: value[1]}  # noqa: PLW2901 - an !!omap / !!pairs item
            if isinstance(value, dict) and value:
                inner = dash + max(self.profile.item_offset or 2, 2)
                sub: list[str] = []
                for k, v in value.items():
                    sub += self._entry_lines(k, v, inner, f"{dotted}.{k}")
                lead = pad + "-" + " " * (inner - dash - 1)
                lines += [lead + sub[0][inner:], *sub[1:]]
            elif isinstance(value, list) and value:
                lines += [f"{pad}-", *self._item_lines(value, dash + 2, key, dotted)]
            else:
                hint = self.profile.style_for(f"{key}[]", value) if isinstance(value, str) else ""
                head, cont = self._scalar(value, hint, dash, self.profile.scalar_offset(dash))
                lines += [f"{pad}- {head}", *cont]
        return lines

    def _flow(self, value: Any) -> str:
        out = yaml.safe_dump(value, default_flow_style=True, width=_WIDE, allow_unicode=True)
        return _strip_document(out)

    def _scalar(self, value: Any, hint: str, parent_col: int, offset: int) -> tuple[str, list[str]]:
        """(text after ``key: ``, continuation lines) for a scalar, in the nearest style.

        Continuation lines are already indented for a parent at ``parent_col``.
        """
        if isinstance(value, dict | list):  # empty collections
            return self._flow(value), []
        for out in self._candidates(value, hint, offset):
            if "\r" in out or has_odd_breaks(out):
                continue  # raw breaks other than \n would not survive the line surgery
            try:  # read back with a key after it, as it will stand in the file
                back = yaml.load(out + "\nz: 0\n", Loader=_Loader)
            except yaml.YAMLError:
                continue
            if back == {"k": back.get("k"), "z": 0} and same_data(back["k"], value):
                head, *cont = out[3:].split("\n")
                return head, [" " * parent_col + line if line else line for line in cont]
        raise WriteError(f"cannot write the value {value!r} so that it reads back", self.path)

    @staticmethod
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
    node = yaml.MappingNode(_MAP, [(yaml.ScalarNode(_STR, "k"), value_node)], flow_style=False)
    return yaml.serialize(
        node, Dumper=yaml.SafeDumper, indent=indent, width=_WIDE, allow_unicode=True
    )


def _strip_document(out: str) -> str:
    if out.endswith("\n...\n"):
        out = out[: -len("...\n")]
    return out[:-1] if out.endswith("\n") else out

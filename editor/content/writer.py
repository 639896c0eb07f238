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
"""

from __future__ import annotations

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
from editor.content.yaml_scalars import emit_str, has_odd_breaks

__all__ = ["same_data", "update_text"]

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_WIDE = sys.maxsize  # folded and quoted values stay on one line, as in the real files
_SHORT = 40  # a new key's longer values are prose: folded, if the file folds any
_ITEM_PREFIX = re.compile(r"[ \t]*-[ \t]+")

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
    new = _normalise(new_data, "", path)
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
    if isinstance(a, list):
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


def _normalise(value: Any, where: str, path: Path | None) -> Any:
    """Plain dicts, lists and YAML scalar types only; anything else cannot be written."""
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str | int | float | bool | dt.date) and key is not None:
                raise WriteError(f"cannot write a {type(key).__name__} key at {where!r}", path)
            out[key] = _normalise(item, f"{where}.{key}" if where else str(key), path)
        return out
    if isinstance(value, list | tuple):
        return [_normalise(v, f"{where}.{i}", path) for i, v in enumerate(value)]
    if value is None or type(value) in (bool, str, int, float, dt.datetime, dt.date):
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
        if not isinstance(root, yaml.MappingNode) or root.flow_style:
            raise WriteError("front matter in flow style {...} cannot be edited", self.path)
        self._learn(root, "")
        try:
            self._patch_mapping(root, old, new, "")
        except _RerenderError as exc:
            raise WriteError("the front matter's layout cannot be edited", self.path) from exc
        return self._apply()

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

    def _content_end(self, node: yaml.Node) -> int:
        """End of the last character that belongs to ``node`` (blank lines excluded)."""
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            j = node.end_mark.index
            while j > node.start_mark.index and self.src[j - 1] in " \t\r\n":
                j -= 1
            return self._line_end(j)
        if _is_block(node) and node.value:
            last = node.value[-1]
            return self._content_end(last[1] if isinstance(last, tuple) else last)
        return int(node.end_mark.index)

    def _content_column(self, node: yaml.ScalarNode) -> int | None:
        i = self._after_line(node.start_mark.index)
        while i < node.end_mark.index:
            end = self._after_line(i)
            line = self.src[i:end]
            if line.strip():
                return len(line) - len(line.lstrip(" "))
            i = end
        return None

    # -- learning the file's layout ----------------------------------------------

    def _learn(self, node: yaml.Node, key: str) -> None:
        p = self.profile
        if isinstance(node, yaml.MappingNode) and not node.flow_style:
            for knode, vnode in node.value:
                name = str(knode.value)
                col = knode.start_mark.column
                self._learn_value(vnode, name, col)
        elif isinstance(node, yaml.SequenceNode) and not node.flow_style:
            dash = node.start_mark.column
            for item in node.value:
                if isinstance(item, yaml.MappingNode) and not item.flow_style and item.value:
                    if p.item_offset is None:
                        p.item_offset = item.start_mark.column - dash
                    self._learn(item, key)
                else:
                    self._learn_value(item, f"{key}[]", dash)

    def _learn_value(self, vnode: yaml.Node, name: str, col: int) -> None:
        p = self.profile
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
            p.map_offsets.setdefault(name, vnode.value[0][0].start_mark.column - col)
            self._learn(vnode, name)
        elif isinstance(vnode, yaml.SequenceNode) and not vnode.flow_style and vnode.value:
            p.seq_offsets.setdefault(name, vnode.start_mark.column - col)
            self._learn(vnode, name)

    # -- edits ---------------------------------------------------------------------

    def _edit(self, start: int, end: int, text: str) -> None:
        if self.nl != "\n":
            text = text.replace("\n", self.nl)
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

    def _patch_mapping(
        self, node: yaml.MappingNode, old: dict[Any, Any], new: dict[Any, Any], dotted: str
    ) -> None:
        entries: list[tuple[Any, yaml.Node, yaml.Node]] = []
        for knode, vnode in node.value:
            if not isinstance(knode, yaml.ScalarNode) or knode.tag == "tag:yaml.org,2002:merge":
                raise self._fail("mappings with merge keys or complex keys cannot be edited", knode)
            entries.append((self.keys.construct_object(knode, deep=True), knode, vnode))
        kept: list[Any] = []
        for key, knode, vnode in entries:
            sub = f"{dotted}.{key}" if dotted else str(key)
            if key not in new:
                start = self._line_start(knode.start_mark.index)
                if self.src[start : knode.start_mark.index].strip():
                    raise _RerenderError  # first key of a "- key: value" item
                self._edit(start, self._after_line(self._content_end(vnode)), "")
                continue
            kept.append(key)
            if not same_data(old.get(key), new[key]):
                self._patch_value(knode, vnode, old.get(key), new[key], sub)
        added = [k for k in new if k not in old]
        if not added:
            return
        by_key = {key: (knode, vnode) for key, knode, vnode in entries}
        col = entries[0][1].start_mark.column
        final = self._ordered_new_keys(kept, added, dotted)
        last_end = self._after_line(self._content_end(entries[-1][2]))
        for i, key in enumerate(final):
            if key in by_key:
                continue
            before = next((k for k in reversed(final[:i]) if k in by_key), None)
            after = next((k for k in final[i + 1 :] if k in by_key), None)
            if before is not None:
                pos = self._after_line(self._content_end(by_key[before][1]))
            elif after is not None:
                knode = by_key[after][0]
                pos = self._line_start(knode.start_mark.index)
                if self.src[pos : knode.start_mark.index].strip():
                    raise _RerenderError  # would go before the "- " of an item
            else:
                pos = last_end
            sub = f"{dotted}.{key}" if dotted else str(key)
            lines = self._entry_lines(key, new[key], col, sub)
            self._edit(pos, pos, "".join(line + "\n" for line in lines))

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
            name = str(key)
            if name not in order:
                final.append(key)
                continue
            rank = order.index(name)
            earlier = set(order[:rank])
            later = set(order[rank + 1 :])
            pos = next(
                (i + 1 for i in range(len(final) - 1, -1, -1) if str(final[i]) in earlier), None
            )
            if pos is None:
                pos = next((i for i, k in enumerate(final) if str(k) in later), len(final))
            final.insert(pos, key)
        return final

    def _patch_value(
        self, knode: yaml.Node, vnode: yaml.Node, old: Any, new: Any, dotted: str
    ) -> None:
        if vnode.start_mark.index < knode.end_mark.index:
            raise self._fail(f"{dotted!r} is an alias of another value; edit the anchor", knode)
        col = knode.start_mark.column
        mark = len(self.edits)
        try:
            if isinstance(old, dict) and isinstance(new, dict) and new and _is_block(vnode):
                self._patch_mapping(vnode, old, new, dotted)  # type: ignore[arg-type]
                return
            if isinstance(old, list) and isinstance(new, list) and new and _is_block(vnode):
                self._patch_sequence(vnode, old, new, dotted)  # type: ignore[arg-type]
                return
        except _RerenderError:
            del self.edits[mark:]
        else:
            if self._replace_inline(vnode, new, col, str(knode.value)):
                return
        # The value changes shape: rewrite everything after the key.
        lines = self._entry_lines(knode.value, new, col, dotted)
        first = lines[0]
        colon = first.index(":", col + len(self._key_text(knode.value)))
        start = knode.end_mark.index
        end = self._line_end(self._content_end(vnode))
        self._edit(start, end, "\n".join([first[colon:], *lines[1:]]))

    def _replace_inline(self, vnode: yaml.Node, new: Any, parent_col: int, key: str) -> bool:
        """Swap a scalar (or flow collection) for ``new`` in its old style, if it fits."""
        if isinstance(new, dict | list) and new:
            if not (isinstance(vnode, yaml.MappingNode | yaml.SequenceNode) and vnode.value):
                return False
            if not vnode.flow_style:
                return False
            self._edit(vnode.start_mark.index, vnode.end_mark.index, self._flow(new))
            return True
        if not isinstance(vnode, yaml.ScalarNode):
            return False
        start = vnode.start_mark.index
        style = _style(vnode)
        end = self._content_end(vnode)
        hint = style if isinstance(new, str) else ""
        if isinstance(new, str) and not style and vnode.tag != _STR:
            hint = self.profile.style_for(key, new)
        head, cont = self._scalar(new, hint, parent_col, self._offset_of(vnode, parent_col))
        lead = "" if start > 0 and self.src[start - 1] in " \t" else " "
        if not cont:
            self._edit(start, end, lead + head)
            return True
        tail = self.src[end : self._line_end(end)]
        tail = tail if tail.strip() else ""  # a comment after the old value
        if head.startswith(("|", ">")):  # a block header may carry the comment
            text = lead + head + tail + "\n" + "\n".join(cont)
        else:  # a quoted value spanning lines: the comment follows its end
            text = lead + head + "\n" + "\n".join(cont) + tail
        self._edit(start, self._line_end(end), text)
        if head.startswith(("|", ">")) and "+" in head:
            # keep chomping would make the blank lines that follow part of the value
            self._drop_blank_lines_after(self._after_line(end))
        return True

    def _drop_blank_lines_after(self, i: int) -> None:
        j = i
        while j < len(self.src):
            end = self._after_line(j)
            if self.src[j:end].strip():
                break
            j = end
        if j > i:
            self._edit(i, j, "")

    def _offset_of(self, vnode: yaml.ScalarNode, parent_col: int) -> int:
        if vnode.style in ("|", ">"):
            content = self._content_column(vnode)
            if content is not None and 2 <= content - parent_col <= 9:
                return content - parent_col
        return self.profile.scalar_offset(parent_col)

    # -- sequences -------------------------------------------------------------------

    def _patch_sequence(
        self, node: yaml.SequenceNode, old: list[Any], new: list[Any], dotted: str
    ) -> None:
        items: list[yaml.Node] = list(node.value)
        dash = node.start_mark.column
        for item in items:
            start = self._line_start(item.start_mark.index)
            if not _ITEM_PREFIX.fullmatch(self.src[start : item.start_mark.index]):
                raise _RerenderError
        key = dotted.rsplit(".", 1)[-1]

        def item_start(i: int) -> int:
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
                self._patch_item(items[i1 + d], old[i1 + d], new[j1 + d], dash, key, dotted)
            for i in range(i1 + pairs, i2):
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

    def _patch_item(  # noqa: PLR0917 - private, one caller
        self, inode: yaml.Node, old: Any, new: Any, dash: int, key: str, dotted: str
    ) -> None:
        mark = len(self.edits)
        try:
            if isinstance(old, dict) and isinstance(new, dict) and new and _is_block(inode):
                self._patch_mapping(inode, old, new, dotted)  # type: ignore[arg-type]
                return
            if isinstance(old, list) and isinstance(new, list) and new and _is_block(inode):
                self._patch_sequence(inode, old, new, dotted)  # type: ignore[arg-type]
                return
        except _RerenderError:
            del self.edits[mark:]
        else:
            if self._replace_inline(inode, new, dash, f"{key}[]"):
                return
        start = self._line_start(inode.start_mark.index)
        end = self._after_line(self._content_end(inode))
        lines = self._item_lines([new], dash, key, dotted)
        self._edit(start, end, "".join(line + "\n" for line in lines))

    # -- rendering new text --------------------------------------------------------

    def _key_text(self, key: Any) -> str:
        out = yaml.safe_dump({key: 0}, width=_WIDE, allow_unicode=True)
        if not out.endswith(": 0\n") or out.count("\n") != 1:
            raise WriteError(f"cannot write the key {key!r}", self.path)
        return out[: -len(": 0\n")]

    def _entry_lines(self, key: Any, value: Any, col: int, dotted: str) -> list[str]:
        """A whole ``key: value`` entry at column ``col``, in the file's layout."""
        pad = " " * col
        name = str(key)
        key_text = self._key_text(key)
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
    def _candidates(value: Any, hint: str, offset: int) -> Iterator[str]:
        """``k: <value>`` in each style to try, nearest first, made only when asked for.

        Strings go through :func:`yaml_scalars.emit_str` (PyYAML's emitter, text for
        text, without its per-character loop); a style PyYAML would not keep is skipped.
        """
        if not isinstance(value, str):
            node = yaml.representer.SafeRepresenter().represent_data(value)
            yield _strip_document(_emit(node, offset))
            return
        for style in _FALLBACKS.get(hint, _FALLBACKS[""]):
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

"""Where a value stands in the front matter's text: the spans of keys, entries and values.

The composer's marks are not enough alone: a block scalar's end mark takes in the blank
lines after it, an empty value's marks point at what follows, an explicit ``? key``
entry starts at its ``?``, and a tag or anchor stands before the value's own text. Every
edit the writer makes is at a span found here.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import yaml

from editor.content.errors import WriteError
from editor.content.writer.data import hashable, tag_of
from editor.content.writer.nodes import is_alias, is_block, is_empty

__all__ = ["BLOCK_HEADER", "ITEM_PREFIX", "Source"]

# What stands before a block sequence item on its line: its dash, and for the first item
# of a compact collection the indicators before it (": - one", "- - a").
ITEM_PREFIX = re.compile(r"[ \t]*(?:[-?:][ \t]+)*-[ \t]+")
BLOCK_HEADER = re.compile(r"[|>][0-9+-]*")
# A tag, or an anchor (libyaml's anchor names: letters, digits, "-" and "_").
_PROPERTY = re.compile(r"!<[^>]*>|![^\s,\[\]{}]*|&[0-9A-Za-z_-]+")
# A cheap screen run once a save (a literal, so the scan is fast): no "?" indicator
# means no explicit key anywhere.
_QUESTION = re.compile(r"\?")


class Source:
    """The front matter's text, and the positions of the nodes composed from it."""

    def __init__(self, src: str, path: Path | None, first_line: int) -> None:
        self.src = src
        self.path = path
        self.first_line = first_line
        self.keys = yaml.constructor.SafeConstructor()
        self.explicit_keys = self.any_indicator(_QUESTION)  # any "? key" at all

    def any_indicator(self, pattern: re.Pattern[str]) -> bool:
        """Whether ``pattern`` occurs where an indicator can: first in the text or after a
        blank, ``[``, ``{`` or ``,``."""
        src = self.src
        for found in pattern.finditer(src):
            i = found.start()
            if i == 0 or src[i - 1] in " \t\r\n[{,":
                return True
        return False

    def fail(self, message: str, node: yaml.Node | None = None) -> WriteError:
        """A refusal pointing at ``node``'s line and column in the *file*."""
        line = node.start_mark.line + self.first_line if node is not None else None
        column = node.start_mark.column + 1 if node is not None else None
        return WriteError(message, self.path, line, column)

    # -- keys ----------------------------------------------------------------------

    def construct_key(self, knode: yaml.Node) -> Any:
        key = self.keys.construct_object(knode, deep=True)
        return key if hashable(key) else None

    def entries(self, node: yaml.MappingNode) -> list[tuple[Any, yaml.Node, yaml.Node]]:
        """A mapping's ``(key, key node, value node)`` entries, keys as YAML reads them."""
        entries: list[tuple[Any, yaml.Node, yaml.Node]] = []
        for knode, vnode in node.value:
            if not isinstance(knode, yaml.ScalarNode) or knode.tag == "tag:yaml.org,2002:merge":
                raise self.fail("mappings with merge keys or complex keys cannot be edited", knode)
            entries.append((self.keys.construct_object(knode, deep=True), knode, vnode))
        return entries

    # -- lines -----------------------------------------------------------------------

    def line_start(self, i: int) -> int:
        return self.src.rfind("\n", 0, i) + 1

    def line_end(self, i: int) -> int:
        """Index of the line break ending the line at ``i`` (before a CR)."""
        end = self.src.find("\n", i)
        if end < 0:
            return len(self.src)
        return end - 1 if end > 0 and self.src[end - 1] == "\r" else end

    def after_line(self, i: int) -> int:
        end = self.src.find("\n", i)
        return len(self.src) if end < 0 else end + 1

    # -- properties (tags and anchors) ---------------------------------------------

    def props_end(self, node: yaml.Node) -> int:
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

    def kept_props(self, node: yaml.Node, new: Any) -> str:
        """The node's properties to write before its new value: its anchor, and its tag if
        the new value still has that type."""
        start = node.start_mark.index
        if is_alias(node) or is_empty(node) or start >= len(self.src):
            return ""
        if self.src[start] not in "!&":
            return ""
        tag = tag_of(new)
        kept = [
            prop
            for prop in _PROPERTY.findall(self.src, start, self.props_end(node))
            if prop.startswith("&") or node.tag == tag
        ]
        return " ".join(kept) + " " if kept else ""

    def anchor_name(self, node: yaml.Node) -> str | None:
        for prop in _PROPERTY.findall(self.src, node.start_mark.index, self.props_end(node)):
            if prop.startswith("&"):
                return str(prop[1:])
        return None

    # -- entries ---------------------------------------------------------------------

    def explicit_at(self, knode: yaml.Node) -> int | None:
        """Index of the ``?`` that opens the key's entry, for an explicit ``? key`` entry."""
        if not self.explicit_keys:
            return None
        i = knode.start_mark.index - 1
        while i >= 0 and self.src[i] in " \t\r\n":
            i -= 1
        if i < 0 or self.src[i] != "?":
            return None
        before = self.src[self.line_start(i) : i]
        if before.strip(" \t-") == "" or before.rstrip()[-1:] in ("{", "[", ","):
            return i
        return None

    def entry_start(self, knode: yaml.Node) -> int:
        explicit = self.explicit_at(knode)
        return knode.start_mark.index if explicit is None else explicit

    def entry_col(self, knode: yaml.Node) -> int:
        explicit = self.explicit_at(knode)
        return (
            int(knode.start_mark.column)
            if explicit is None
            else explicit - self.line_start(explicit)
        )

    def colon_after(self, knode: yaml.Node, vnode: yaml.Node) -> int | None:
        """Index of the ``:`` between a key and its value (None: the entry has none)."""
        i = self.content_end(knode)
        limit = vnode.start_mark.index if vnode.start_mark.index >= i else len(self.src)
        while i < limit:
            ch = self.src[i]
            if ch == ":":
                return i
            if ch == "#":
                i = self.after_line(i)
            elif ch in " \t\r\n":
                i += 1
            else:
                return None
        return None

    def entry_end(self, knode: yaml.Node, vnode: yaml.Node) -> int:
        """End of the last character of a ``key: value`` entry (see ``content_end``)."""
        if is_empty(vnode):
            colon = self.colon_after(knode, vnode)
            if colon is not None:
                return colon + 1
            explicit = self.explicit_at(knode)
            if is_empty(knode) and explicit is not None:  # a lone "?"
                return explicit + 1
            return self.content_end(knode)
        return self.content_end(vnode)

    def content_end(self, node: yaml.Node) -> int:
        """End of the last character that belongs to ``node`` (blank lines excluded)."""
        if is_alias(node):
            return int(node.end_mark.index)
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            return self.block_scalar_end(node)
        if is_block(node) and node.value:
            last = node.value[-1]
            if isinstance(last, tuple):
                return self.entry_end(*last)
            return self.content_end(last)
        return int(node.end_mark.index)

    # -- block scalars ---------------------------------------------------------------

    def block_header(self, node: yaml.ScalarNode) -> re.Match[str] | None:
        return BLOCK_HEADER.match(self.src, self.props_end(node))

    def block_scalar_end(self, node: yaml.ScalarNode) -> int:
        """Where a block scalar's own lines end.

        The composer's end mark takes in every blank line after the scalar; with keep
        chomping (``|+``) they are the value's own, otherwise only lines holding content
        are (a line of spaces deeper than the content's indentation is content).
        """
        end = int(node.end_mark.index)
        header = self.block_header(node)
        if header is None:
            return end
        header_end = self.line_end(header.end())
        if "+" in header.group():
            if end > header_end and self.src[end - 1] == "\n":
                return self.line_end(end - 1)
            return end
        indent = self._block_indent(node, header.group())
        j = end
        while j > header_end:
            line_start = self.line_start(j - 1) if self.src[j - 1] == "\n" else self.line_start(j)
            if line_start <= header_end:
                break
            line = self.src[line_start:j].rstrip("\r\n")
            if line.strip(" ") or len(line) > indent:
                return self.line_end(line_start)
            j = line_start
        return header_end

    def _block_indent(self, node: yaml.ScalarNode, header: str) -> int:
        digits = [ch for ch in header if ch.isdigit()]
        if digits:
            line = self.src[self.line_start(node.start_mark.index) : node.start_mark.index]
            stripped = line.lstrip(" ")
            while stripped[:2] in ("- ", "? ", ": "):
                stripped = stripped[2:].lstrip(" ")
            return len(line) - len(stripped) + int(digits[0])
        column = self.content_column(node)
        return column if column is not None else sys.maxsize

    def content_column(self, node: yaml.ScalarNode) -> int | None:
        """The column of a block scalar's first content line (None: it has none)."""
        i = self.after_line(node.start_mark.index)
        while i < node.end_mark.index:
            end = self.after_line(i)
            line = self.src[i:end]
            if line.strip():
                return len(line) - len(line.lstrip(" "))
            i = end
        return None

    # -- collections -----------------------------------------------------------------

    def dash_col(self, node: yaml.SequenceNode) -> int:
        """Column of a block sequence's dashes (its node may start at a tag or anchor)."""
        if node.value:
            first = node.value[0]
            start = self.line_start(first.start_mark.index)
            prefix = self.src[start : first.start_mark.index]
            if ITEM_PREFIX.fullmatch(prefix):
                return len(prefix.rstrip(" \t")) - 1
        return int(node.start_mark.column)

    def mapping_col(self, node: yaml.MappingNode) -> int:
        return self.entry_col(node.value[0][0]) if node.value else int(node.start_mark.column)

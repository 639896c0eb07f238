"""How this file lays out its values, learnt from its text, so new lines look like the old.

The seeds mix indentation (4 spaces under top-level keys, 2 for ``seo:`` children, 8
for folded text under ``related_article1:``) and styles per key; a new key, item or
value that changes shape is written with the offsets and style the file already uses
for its neighbours, and goes where the schema's key order puts it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from editor.content.schema import key_text
from editor.content.writer.data import hashable
from editor.content.writer.emit import scalar_lines, yaml_key
from editor.content.writer.nodes import STR, is_alias, style_of
from editor.content.writer.source import Source

__all__ = ["Layout", "Profile"]

_SHORT = 40  # a new key's longer values are prose: folded, if the file folds any


@dataclass
class Profile:
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


class Layout:
    """The file's :class:`Profile`, learnt once, and new entries and items laid out by it."""

    def __init__(self, source: Source, key_order: Sequence[str]) -> None:
        self.source = source
        self.key_order = list(key_order)
        self.profile = Profile()

    # -- learning the file's layout ----------------------------------------------

    def learn(self, node: yaml.Node, key: str) -> None:
        p = self.profile
        if is_alias(node):
            return
        if isinstance(node, yaml.MappingNode) and not node.flow_style:
            for knode, vnode in node.value:
                name = str(knode.value)
                self._learn_value(vnode, name, self.source.entry_col(knode))
        elif isinstance(node, yaml.SequenceNode) and not node.flow_style:
            dash = self.source.dash_col(node)
            for item in node.value:
                if is_alias(item):
                    continue
                if isinstance(item, yaml.MappingNode) and not item.flow_style and item.value:
                    if p.item_offset is None:
                        p.item_offset = self.source.mapping_col(item) - dash
                    self.learn(item, key)
                else:
                    self._learn_value(item, f"{key}[]", dash)

    def _learn_value(self, vnode: yaml.Node, name: str, col: int) -> None:
        p = self.profile
        if is_alias(vnode):
            return
        if isinstance(vnode, yaml.ScalarNode):
            if vnode.tag == STR:
                p.key_styles.setdefault(name, style_of(vnode))
            if vnode.style in ("|", ">"):
                p.uses_folded = p.uses_folded or vnode.style == ">"
                content = self.source.content_column(vnode)
                if content is not None and content > col:
                    p.scalar_offsets.setdefault(col, content - col)
                    if p.first_scalar_offset is None:
                        p.first_scalar_offset = content - col
        elif isinstance(vnode, yaml.MappingNode) and not vnode.flow_style and vnode.value:
            p.map_offsets.setdefault(name, self.source.mapping_col(vnode) - col)
            self.learn(vnode, name)
        elif isinstance(vnode, yaml.SequenceNode) and not vnode.flow_style and vnode.value:
            p.seq_offsets.setdefault(name, self.source.dash_col(vnode) - col)
            self.learn(vnode, name)

    def offset_of(self, vnode: yaml.ScalarNode, parent_col: int) -> int:
        """The indentation offset a scalar's new text gets: its own, if a block scalar."""
        if vnode.style in ("|", ">") and not is_alias(vnode):
            content = self.source.content_column(vnode)
            if content is not None and 2 <= content - parent_col <= 9:
                return content - parent_col
        return self.profile.scalar_offset(parent_col)

    # -- where new keys go -------------------------------------------------------------

    def ordered_new_keys(self, kept: list[Any], added: list[Any], dotted: str) -> list[Any]:
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

    # -- new text in the file's layout ---------------------------------------------------

    def entry_lines(
        self, key: Any, value: Any, col: int, dotted: str, key_text: str | None = None
    ) -> list[str]:
        """A whole ``key: value`` entry at column ``col``, in the file's layout (``key_text``:
        the key as written, if not as PyYAML writes ``key``)."""
        pad = " " * col
        name = str(key)
        key_text = yaml_key(key, self.source.path) if key_text is None else key_text
        if isinstance(value, dict) and value:
            inner = col + self.profile.map_offset(name)
            lines = [f"{pad}{key_text}:"]
            for k, v in value.items():
                lines += self.entry_lines(k, v, inner, f"{dotted}.{k}")
            return lines
        if isinstance(value, list) and value:
            dash = col + self.profile.seq_offset(name)
            return [f"{pad}{key_text}:", *self.item_lines(value, dash, name, dotted)]
        hint = self.profile.style_for(name, value) if isinstance(value, str) else ""
        head, cont = self.scalar(value, hint, col, self.profile.scalar_offset(col))
        return [f"{pad}{key_text}: {head}", *cont]

    def item_lines(self, values: list[Any], dash: int, key: str, dotted: str) -> list[str]:
        """Block sequence items ``- value`` with their dash at column ``dash``."""
        pad = " " * dash
        lines: list[str] = []
        for value in values:
            if isinstance(value, tuple) and len(value) == 2 and hashable(value[0]):
                value = {value[0]: value[1]}  # noqa: PLW2901 - an !!omap / !!pairs item
            if isinstance(value, dict) and value:
                inner = dash + max(self.profile.item_offset or 2, 2)
                sub: list[str] = []
                for k, v in value.items():
                    sub += self.entry_lines(k, v, inner, f"{dotted}.{k}")
                lead = pad + "-" + " " * (inner - dash - 1)
                lines += [lead + sub[0][inner:], *sub[1:]]
            elif isinstance(value, list) and value:
                lines += [f"{pad}-", *self.item_lines(value, dash + 2, key, dotted)]
            else:
                hint = self.profile.style_for(f"{key}[]", value) if isinstance(value, str) else ""
                head, cont = self.scalar(value, hint, dash, self.profile.scalar_offset(dash))
                lines += [f"{pad}- {head}", *cont]
        return lines

    def scalar(self, value: Any, hint: str, parent_col: int, offset: int) -> tuple[str, list[str]]:
        """:func:`~editor.content.writer.emit.scalar_lines` for this file."""
        return scalar_lines(value, hint, parent_col, offset, self.source.path)

"""Edits of block mappings and sequences: keys and items added, removed or changed in place.

A changed value is first patched inside (entry by entry, item by item); failing that it
is replaced in its old style where it fits (``replace_inline``), and only a value that
changes shape is rewritten from its ``:`` on, in the file's layout. Removed keys and
items take their whole lines; new ones go in as whole lines where the order puts them.
"""

from __future__ import annotations

import difflib
from typing import Any

import yaml

from editor.content.writer.data import MISSING, canon, same_data
from editor.content.writer.edits import RerenderError
from editor.content.writer.emit import flow_collection
from editor.content.writer.flow import FlowEdits
from editor.content.writer.nodes import STR, is_alias, is_empty, style_of
from editor.content.writer.parts import PartEditor, Parts
from editor.content.writer.source import BLOCK_HEADER, ITEM_PREFIX

__all__ = ["BlockEdits"]


class BlockEdits(PartEditor):
    """Patches block mappings and sequences, delegating flow ones to :class:`FlowEdits`."""

    def __init__(self, parts: Parts, flow: FlowEdits) -> None:
        super().__init__(parts)
        self.flow = flow

    # -- mappings ------------------------------------------------------------------

    def patch_mapping(
        self,
        node: yaml.MappingNode,
        old: dict[Any, Any],
        new: dict[Any, Any],
        dotted: str,
        path: tuple[Any, ...],
    ) -> None:
        if node.flow_style:
            self.flow.patch_mapping(node, old, new, dotted, path)
            return
        source = self.source
        entries = source.entries(node)
        kept: list[Any] = []
        for key, knode, vnode in entries:
            sub = f"{dotted}.{key}" if dotted else str(key)
            if key not in new:
                self.aliases.check_removal(knode, sub, "the key")
                self.aliases.check_removal(vnode, sub)
                start = source.line_start(source.entry_start(knode))
                if source.src[start : source.entry_start(knode)].strip():
                    raise RerenderError  # first key of a "- key: value" item
                self.edits.edit(start, source.after_line(source.entry_end(knode, vnode)), "")
                continue
            kept.append(key)
            if not same_data(old.get(key), new[key]):
                self._patch_value(knode, vnode, old.get(key), new[key], sub, (*path, key))
        added = [k for k in new if k not in old]
        if not added:
            return
        by_key = {key: (knode, vnode) for key, knode, vnode in entries}
        col = source.mapping_col(node)
        final = self.layout.ordered_new_keys(kept, added, dotted)
        last_end = source.after_line(source.entry_end(entries[-1][1], entries[-1][2]))
        for i, key in enumerate(final):
            if key in by_key:
                continue
            before = next((k for k in reversed(final[:i]) if k in by_key), MISSING)
            after = next((k for k in final[i + 1 :] if k in by_key), MISSING)
            if before is not MISSING:
                pos = source.after_line(source.entry_end(*by_key[before]))
            elif after is not MISSING:
                start = source.entry_start(by_key[after][0])
                pos = source.line_start(start)
                if source.src[pos:start].strip():
                    raise RerenderError  # would go before the "- " of an item
            else:
                pos = last_end
            sub = f"{dotted}.{key}" if dotted else str(key)
            self.edits.insert_lines(pos, self.layout.entry_lines(key, new[key], col, sub))

    def _patch_value(  # noqa: PLR0917 - private
        self,
        knode: yaml.Node,
        vnode: yaml.Node,
        old: Any,
        new: Any,
        dotted: str,
        path: tuple[Any, ...],
    ) -> None:
        source, edits = self.source, self.edits
        col = source.entry_col(knode)
        if self.within(vnode, old, new, dotted, path):
            return
        if not is_empty(vnode) and self.replace_inline(vnode, new, col, str(knode.value)):
            return
        # The value changes shape: rewrite everything from the ":" on.
        lines = self.layout.entry_lines(knode.value, new, col, dotted, key_text="k")
        anchor = source.kept_props(vnode, None).strip()
        head = ": " + anchor + lines[0][col + 2 :] if anchor else lines[0][col + 1 :]
        text = "\n".join([head, *lines[1:]])
        colon = source.colon_after(knode, vnode)
        if colon is None:  # "? key" without a value: the value gets a line of its own
            pos = source.after_line(source.entry_end(knode, vnode))
            edits.edit(pos, pos, " " * col + text + "\n")
            edits.settle_after(text.split("\n"), pos)
            return
        end = colon + 1 if is_empty(vnode) else source.line_end(source.content_end(vnode))
        edits.edit(colon, end, text)
        edits.settle_after(text.split("\n"), source.after_line(end))

    def replace_inline(self, vnode: yaml.Node, new: Any, parent_col: int, key: str) -> bool:
        """Swap a scalar (or flow collection) for ``new`` in its old style, if it fits."""
        source, edits = self.source, self.edits
        if isinstance(new, dict | list | tuple) and new:
            if not isinstance(vnode, yaml.MappingNode | yaml.SequenceNode) or not vnode.flow_style:
                return False
            if not vnode.value and not is_alias(vnode):
                return False
            self.aliases.check_within(vnode, key, "replacing")
            text = source.kept_props(vnode, new) + flow_collection(new)
            edits.edit(vnode.start_mark.index, vnode.end_mark.index, text)
            return True
        if not isinstance(vnode, yaml.ScalarNode):
            return False
        alias = is_alias(vnode)
        start = vnode.start_mark.index
        style = "" if alias else style_of(vnode)
        end = source.content_end(vnode)
        hint = style if isinstance(new, str) else ""
        if isinstance(new, str) and not style and (alias or vnode.tag != STR):
            hint = self.layout.profile.style_for(key, new)
        offset = self.layout.offset_of(vnode, parent_col)
        head, cont = self.layout.scalar(new, hint, parent_col, offset)
        head = source.kept_props(vnode, new) + head
        lead = "" if start > 0 and source.src[start - 1] in " \t" else " "
        if style in ("|", ">"):  # a comment on the old header line stays with the value
            header = source.block_header(vnode)
            tail = source.src[header.end() : source.line_end(header.end())] if header else ""
        else:  # a comment after the old value's end
            tail = source.src[end : source.line_end(end)]
        tail = tail if tail.strip() else ""
        if not cont:
            edits.edit(start, source.line_end(end) if tail else end, lead + head + tail)
            return True
        if head.startswith(("|", ">")) or head.split(" ")[-1].startswith(("|", ">")):
            text = lead + head + tail + "\n" + "\n".join(cont)  # the header carries the comment
        else:  # a quoted value spanning lines: the comment follows its end
            text = lead + head + "\n" + "\n".join(cont) + tail
        edits.edit(start, source.line_end(end), text)
        last = head.split(" ")[-1]
        if BLOCK_HEADER.fullmatch(last):
            edits.settle_blank_lines(source.after_line(end), keep="+" in last)
        return True

    # -- sequences -------------------------------------------------------------------

    def patch_sequence(
        self,
        node: yaml.SequenceNode,
        old: list[Any],
        new: list[Any],
        dotted: str,
        path: tuple[Any, ...],
    ) -> None:
        source = self.source
        items: list[yaml.Node] = list(node.value)
        compact: list[bool] = []  # the item's line starts with its parent's indicator
        for item in items:
            start = source.line_start(item.start_mark.index)
            prefix = source.src[start : item.start_mark.index]
            if not ITEM_PREFIX.fullmatch(prefix):
                raise RerenderError
            compact.append(bool(prefix.rstrip(" \t")[:-1].strip()))
        dash = source.dash_col(node)
        key = dotted.rsplit(".", 1)[-1]

        def item_start(i: int) -> int:
            if compact[i]:
                raise RerenderError  # the line also holds the parent's indicator
            return source.line_start(items[i].start_mark.index)

        def item_end(i: int) -> int:
            return source.after_line(source.content_end(items[i]))

        matcher = difflib.SequenceMatcher(
            None, [canon(v) for v in old], [canon(v) for v in new], autojunk=False
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
                self.aliases.check_removal(items[i], f"{dotted}.{i}")
                self.edits.edit(item_start(i), item_end(i), "")
            if j1 + pairs < j2:
                if pairs:
                    pos = item_end(i1 + pairs - 1)
                elif i1 < len(items):
                    pos = item_start(i1)
                else:
                    pos = item_end(len(items) - 1)
                lines = self.layout.item_lines(new[j1 + pairs : j2], dash, key, dotted)
                self.edits.insert_lines(pos, lines)

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
        if self.within(inode, old, new, dotted, path):
            return
        if self.replace_inline(inode, new, dash, f"{key}[]"):
            return
        source = self.source
        start = source.line_start(inode.start_mark.index) + dash  # from the item's dash
        end = source.after_line(source.content_end(inode))
        lines = self.layout.item_lines([new], dash, key, dotted)
        self.edits.edit(start, end, "".join(line + "\n" for line in lines)[dash:])
        self.edits.settle_after(lines, end)

"""Edits inside flow collections (``[a, b]``, ``{k: v}``, flow-style front matter).

Items are patched one by one between the separators, so untouched items keep their
quoting and the collection its line breaks; new items copy a neighbour's separator and
quoting, and a removed item takes one separator with it.
"""

from __future__ import annotations

import difflib
from typing import Any

import yaml

from editor.content.writer.data import MISSING, canon, same_data
from editor.content.writer.edits import RerenderError
from editor.content.writer.emit import flow_text, yaml_key
from editor.content.writer.nodes import STR, is_alias, is_empty, style_of
from editor.content.writer.parts import PartEditor

__all__ = ["FlowEdits"]


class FlowEdits(PartEditor):
    """Patches flow mappings and sequences in place, item by item."""

    def patch_mapping(
        self,
        node: yaml.MappingNode,
        old: dict[Any, Any],
        new: dict[Any, Any],
        dotted: str,
        path: tuple[Any, ...],
    ) -> None:
        """Edit a ``{key: value, ...}`` mapping inside its braces, keeping its layout."""
        source, edit = self.source, self.edits.edit
        entries = source.entries(node)
        braced = source.src.startswith("{", source.props_end(node))
        if not braced and (new.keys() != old.keys()):  # a single pair in a flow list
            raise RerenderError
        starts = [source.entry_start(knode) for _, knode, _ in entries]
        ends = [source.entry_end(knode, vnode) for _, knode, vnode in entries]
        kept: list[Any] = []
        for i, (key, knode, vnode) in enumerate(entries):
            sub = f"{dotted}.{key}" if dotted else str(key)
            if key not in new:
                self.aliases.check_removal(knode, sub, "the key")
                self.aliases.check_removal(vnode, sub)
                keep = [k in new for k, _, _ in entries]
                self._delete_item(node, starts, ends, i, keep)
                continue
            kept.append(key)
            if same_data(old.get(key), new[key]):
                continue
            if id(vnode) in self.aliases.following:
                continue
            self.aliases.check_anchor(vnode, new[key], sub)
            if is_empty(vnode):
                text = flow_text(new[key], "", source.path)
                colon = source.colon_after(knode, vnode)
                if colon is None:
                    end = source.entry_end(knode, vnode)
                    edit(end, end, ": " + text)
                else:
                    edit(colon + 1, colon + 1, " " + text)
                continue
            self.patch_node(vnode, old.get(key), new[key], sub, (*path, key))
        added = [k for k in new if k not in old]
        if not added:
            return
        final = self.layout.ordered_new_keys(kept, added, dotted)
        by_key = {key: i for i, (key, _, _) in enumerate(entries)}
        for i, key in enumerate(final):
            if key in by_key:
                continue
            key_text = (
                flow_text(key, "", source.path)
                if isinstance(key, str)
                else yaml_key(key, source.path)
            )
            text = f"{key_text}: {flow_text(new[key], '', source.path)}"
            before = next((k for k in reversed(final[:i]) if k in by_key), MISSING)
            after = next((k for k in final[i + 1 :] if k in by_key), MISSING)
            if before is not MISSING:
                at = by_key[before]
                edit(ends[at], ends[at], self._separator(starts, ends, at) + text)
            elif after is not MISSING:
                at = by_key[after]
                edit(starts[at], starts[at], text + self._separator(starts, ends, at))
            else:  # an empty mapping: inside its braces
                pos = node.end_mark.index - 1
                edit(pos, pos, text)
                by_key[key] = len(starts)
                starts.append(pos)
                ends.append(pos)

    def patch_sequence(
        self,
        node: yaml.SequenceNode,
        old: list[Any],
        new: list[Any],
        dotted: str,
        path: tuple[Any, ...],
    ) -> None:
        """Edit a ``[a, b, ...]`` list item by item, keeping the others' text exactly."""
        edit = self.edits.edit
        items: list[yaml.Node] = list(node.value)
        starts = [item.start_mark.index for item in items]
        ends = [self.source.content_end(item) for item in items]
        matcher = difflib.SequenceMatcher(
            None, [canon(v) for v in old], [canon(v) for v in new], autojunk=False
        )
        opcodes = [op for op in matcher.get_opcodes() if op[0] != "equal"]
        keep = [True] * len(items)
        for tag, i1, i2, j1, j2 in opcodes:
            pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
            keep[i1 + pairs : i2] = [False] * (i2 - i1 - pairs)
        for tag, i1, i2, j1, j2 in opcodes:
            pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
            for d in range(pairs):
                self.patch_node(
                    items[i1 + d], old[i1 + d], new[j1 + d], f"{dotted}.{j1 + d}", (*path, j1 + d)
                )
            for i in range(i1 + pairs, i2):
                self._delete_item(node, starts, ends, i, keep)
            if j1 + pairs < j2:
                at = i1 + pairs - 1
                hint = _neighbour_style(items[max(at, 0)])
                texts = [flow_text(v, hint, self.source.path) for v in new[j1 + pairs : j2]]
                if at >= 0:
                    sep = self._separator(starts, ends, at)
                    edit(ends[at], ends[at], sep + sep.join(texts))
                else:
                    sep = self._separator(starts, ends, 0)
                    edit(starts[0], starts[0], sep.join(texts) + sep)

    def patch_node(
        self, node: yaml.Node, old: Any, new: Any, dotted: str, path: tuple[Any, ...]
    ) -> None:
        """Patch one value inside a flow collection in place."""
        if self.within(node, old, new, dotted, path):
            return
        hint = style_of(node) if isinstance(new, str) and not is_alias(node) else ""
        text = flow_text(new, hint if hint in ("'", '"') else "", self.source.path)
        text = self.source.kept_props(node, new) + text
        self.edits.edit(node.start_mark.index, node.end_mark.index, text)

    def _delete_item(
        self, node: yaml.Node, starts: list[int], ends: list[int], i: int, keep: list[bool]
    ) -> None:
        """Remove item ``i`` of a flow collection with the separator before it (after it,
        while only removed items come before; all of them, up to the bracket, if none stays)."""
        if not any(keep):
            if i == 0:
                self.edits.edit(starts[0], node.end_mark.index - 1, "")
        elif any(keep[:i]):
            self.edits.edit(ends[i - 1], ends[i], "")
        else:
            self.edits.edit(starts[i], starts[i + 1], "")

    def _separator(self, starts: list[int], ends: list[int], at: int) -> str:
        """The separator written between items next to ``at`` (", " if there is one item)."""
        if len(starts) < 2:
            return ", "
        k = min(max(at, 0) + 1, len(starts) - 1)
        sep = self.source.src[ends[k - 1] : starts[k]]
        return sep if "#" not in sep and "," in sep else ", "


def _neighbour_style(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode) and node.tag == STR and not is_alias(node):
        style = style_of(node)
        return style if style in ("'", '"') else ""
    return ""

"""One front matter patched from its old data to its new: the writer's parts wired together.

The patcher composes the text once, learns its layout, marks its aliases, and walks old
and new data side by side from the root; a changed collection that keeps its kind is
patched inside (block or flow), anything else is replaced whole by its parent.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from editor.content.errors import WriteError
from editor.content.writer.aliases import Aliases
from editor.content.writer.block import BlockEdits
from editor.content.writer.data import hashable
from editor.content.writer.edits import Edits, RerenderError
from editor.content.writer.flow import FlowEdits
from editor.content.writer.layout import Layout
from editor.content.writer.nodes import LOADER, is_alias
from editor.content.writer.parts import Parts
from editor.content.writer.source import Source

__all__ = ["Patcher"]


class Patcher:
    """Collects text edits on the front matter and applies them at the end."""

    def __init__(
        self, src: str, newline: str, key_order: Sequence[str], path: Path | None, first_line: int
    ) -> None:
        self.source = Source(src, path, first_line)
        self.edits = Edits(self.source, newline)
        self.layout = Layout(self.source, key_order)
        self.aliases = Aliases(self.source, {})
        parts = Parts(self.source, self.edits, self.aliases, self.layout, self.within)
        self.flow = FlowEdits(parts)
        self.block = BlockEdits(parts, self.flow)

    def patch(self, old: dict[str, Any], new: dict[str, Any]) -> str:
        """The front matter's new text (once: the patcher is spent after).

        The block and flow editors call back into :meth:`within`, so the patcher and
        its editors form a reference cycle; it is broken on the way out, or each save
        would leave its composed nodes (~75 objects) for the cyclic collector. A bulk
        plan of 1,000 files, with the collector paused, left 76k of them for one walk
        of 120-160 ms at its end, holding the GIL: the window stood still as long."""
        try:
            return self._patch(old, new)
        finally:
            del self.block, self.flow

    def _patch(self, old: dict[str, Any], new: dict[str, Any]) -> str:
        source = self.source
        root = yaml.compose(source.src, Loader=LOADER)
        if root is None:  # empty, or comments only: append the keys
            lines: list[str] = []
            for key in self.layout.ordered_new_keys([], list(new), ""):
                lines += self.layout.entry_lines(key, new[key], 0, str(key))
            pos = len(source.src)
            self.edits.edit(pos, pos, "".join(line + "\n" for line in lines))
            return self.edits.apply()
        if not isinstance(root, yaml.MappingNode):
            raise WriteError("the front matter is not a mapping of keys to values", source.path)
        self.aliases.new_root = new
        self.aliases.mark(root)
        self.layout.learn(root, "")
        try:
            self.block.patch_mapping(root, old, new, "", ())
        except RerenderError as exc:
            raise WriteError("the front matter's layout cannot be edited", source.path) from exc
        return self.edits.apply()

    def within(
        self, node: yaml.Node, old: Any, new: Any, dotted: str, path: tuple[Any, ...]
    ) -> bool:
        """Whether a changed value needs no replacing of its own: another edit covers it
        (an alias that follows its anchor), or it was patched inside, entry by entry.
        Otherwise it is checked for being replaceable whole, and the caller replaces it."""
        if id(node) in self.aliases.following:
            return True
        self.aliases.check_anchor(node, new, dotted)
        mark = self.edits.mark()
        try:
            if self._patch_nested(node, old, new, dotted, path):
                return True
        except RerenderError:
            self.edits.undo_to(mark)
        self.aliases.check_within(node, dotted, "replacing")
        return False

    def _patch_nested(
        self, node: yaml.Node, old: Any, new: Any, dotted: str, path: tuple[Any, ...]
    ) -> bool:
        """Patch a collection in place, entry by entry or item by item, if it keeps its kind."""
        if is_alias(node) or not new:
            return False
        if isinstance(old, tuple) and isinstance(new, tuple):  # an !!omap / !!pairs item
            if len(old) != 2 or len(new) != 2 or old[0] != new[0] or not hashable(old[0]):
                return False
            old, new = {old[0]: old[1]}, {new[0]: new[1]}
        if isinstance(old, dict) and isinstance(new, dict) and isinstance(node, yaml.MappingNode):
            if not node.value:
                return False
            self.block.patch_mapping(node, old, new, dotted, path)
            return True
        if isinstance(old, list) and isinstance(new, list) and isinstance(node, yaml.SequenceNode):
            if not node.value:
                return False
            if node.flow_style:
                self.flow.patch_sequence(node, old, new, dotted, path)
            else:
                self.block.patch_sequence(node, old, new, dotted, path)
            return True
        return False

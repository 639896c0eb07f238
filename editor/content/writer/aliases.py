"""Anchors and aliases: each alias at its own position, and edits that would break one refused.

The composer hands an alias back as its anchor's node, so where a node occurs twice the
parser's alias events give each alias its own position. An edit that would change the
text an alias repeats, or drop an anchor an alias uses, is refused with the reason -
unless every copy changes alike (then the aliases follow their anchor).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import yaml

from editor.content.errors import WriteError
from editor.content.writer.data import KEY, lookup, same_data
from editor.content.writer.nodes import ALIAS_OF, LOADER, children, is_alias
from editor.content.writer.source import Source

__all__ = ["Aliases"]

# A cheap screen (a literal first, so the scan is fast): no anchor property, no alias.
_AMPERSAND = re.compile(r"&[0-9A-Za-z_-]")


class Aliases:
    """The alias occurrences of one front matter, and the checks an edit must pass."""

    def __init__(self, source: Source, new_root: dict[Any, Any]) -> None:
        self.source = source
        self.new_root = new_root
        # id(anchored node) -> (path, stand-in) of each alias that repeats it
        self.aliases: dict[int, list[tuple[tuple[Any, ...], yaml.Node]]] = {}
        self.following: set[int] = set()  # alias stand-ins whose anchor takes their new value

    def mark(self, root: yaml.Node) -> None:
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
            for event in yaml.parse(self.source.src, Loader=LOADER)
            if isinstance(event, yaml.AliasEvent)
        )
        seen.clear()

        def visit(node: yaml.Node, path: tuple[Any, ...]) -> yaml.Node:
            if id(node) in seen:
                start, end = next(marks)
                stand = copy.copy(node)
                stand.start_mark, stand.end_mark = start, end
                setattr(stand, ALIAS_OF, node)
                self.aliases.setdefault(id(node), []).append((path, stand))
                return stand
            seen.add(id(node))
            if isinstance(node, yaml.MappingNode):
                for i, (knode, vnode) in enumerate(node.value):
                    new_key = visit(knode, (*path, KEY))
                    name = self.source.construct_key(new_key)
                    node.value[i] = (new_key, visit(vnode, (*path, name)))
            elif isinstance(node, yaml.SequenceNode):
                node.value = [visit(item, (*path, i)) for i, item in enumerate(node.value)]
            return node

        visit(root, ())

    def _has_repeats(self, root: yaml.Node, seen: set[int]) -> bool:
        """Whether a node occurs twice (an alias); a text with no anchor has none."""
        if not self.source.any_indicator(_AMPERSAND):
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

    def check_anchor(self, node: yaml.Node, new: Any, dotted: str) -> None:
        """Refuse to change an anchored value an alias repeats, unless every copy changes alike."""
        found = self.aliases.get(id(node))
        if not found:
            return
        if all(same_data(lookup(self.new_root, path), new) for path, _ in found):
            self.following.update(id(stand) for _, stand in found)
            return
        raise self._refusal(
            node,
            lambda name: (
                f"the value of {dotted!r} is anchored (&{name}) and an alias "
                f"(*{name}) repeats it elsewhere; changing it here would change that copy too. "
                "Give the alias a value of its own first (or change both alike)"
            ),
        )

    def check_removal(self, vnode: yaml.Node, dotted: str, what: str = "the value of") -> None:
        """Refuse to remove a value whose anchor (or one inside it) an alias still uses."""
        if not is_alias(vnode) and self.aliases.get(id(vnode)):
            raise self._refusal(
                vnode,
                lambda name: (
                    f"{what} {dotted!r} is anchored (&{name}) and an alias (*{name}) "
                    "repeats it elsewhere; removing it would leave the alias without a value. "
                    "Give the alias a value of its own first"
                ),
            )
        self.check_within(vnode, dotted, "removing")

    def check_within(self, node: yaml.Node, dotted: str, doing: str) -> None:
        """Refuse to drop the text of a value holding an anchor that an alias outside uses."""
        if not self.aliases or is_alias(node):
            return
        stack = [child for _, child in children(node)]
        while stack:
            inner = stack.pop()
            if is_alias(inner):
                continue
            if self.aliases.get(id(inner)):
                raise self._refusal(
                    inner,
                    lambda name: (
                        f"{dotted!r} holds the anchor &{name}, which an alias "
                        f"(*{name}) repeats elsewhere; {doing} it would leave the alias without a "
                        "value. Give the alias a value of its own first"
                    ),
                )
            stack += [child for _, child in children(inner)]

    def _refusal(self, node: yaml.Node, message: Callable[[str], str]) -> WriteError:
        """A refusal at ``node``, its message naming the node's anchor."""
        return self.source.fail(message(self.source.anchor_name(node) or "?"), node)

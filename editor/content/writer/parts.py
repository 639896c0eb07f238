"""The parts of one save that the block and flow editors share, handed to them once.

The patcher makes them (the source text, the edit list, the aliases, the layout) and the
callback by which an editor asks for a changed value to be patched inside; the editors
recurse through it, so neither imports the patcher back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from editor.content.writer.aliases import Aliases
from editor.content.writer.edits import Edits
from editor.content.writer.layout import Layout
from editor.content.writer.source import Source

__all__ = ["PartEditor", "Parts", "Within"]

# Whether a changed value was patched inside, or needs no edit of its own (node, old
# value, new value, dotted key, path); see ``Patcher.within``.
Within = Callable[[yaml.Node, Any, Any, str, tuple[Any, ...]], bool]


@dataclass(frozen=True)
class Parts:
    source: Source
    edits: Edits
    aliases: Aliases
    layout: Layout
    within: Within


class PartEditor:
    """Base of the block and flow editors: the parts they work with, as attributes."""

    def __init__(self, parts: Parts) -> None:
        self.source = parts.source
        self.edits = parts.edits
        self.aliases = parts.aliases
        self.layout = parts.layout
        self.within = parts.within

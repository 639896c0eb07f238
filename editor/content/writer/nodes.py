"""What the composer's nodes say about a value: its style, whether it is an alias or empty.

The writer locates every span through PyYAML's composed nodes (libyaml's, through
CSafeLoader); these are the small questions every part of it asks of one node.
"""

from __future__ import annotations

import yaml

__all__ = [
    "ALIAS_OF",
    "LOADER",
    "MAP",
    "STR",
    "children",
    "is_alias",
    "is_block",
    "is_empty",
    "style_of",
]

STR = "tag:yaml.org,2002:str"
MAP = "tag:yaml.org,2002:map"
ALIAS_OF = "writer_alias_of"  # set on the stand-in node of an alias occurrence

try:
    LOADER: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - only where PyYAML lacks libyaml
    LOADER = yaml.SafeLoader


def is_alias(node: yaml.Node) -> bool:
    return hasattr(node, ALIAS_OF)


def is_empty(node: yaml.Node) -> bool:
    """A value with no text at all (``key:``): its marks point at whatever follows."""
    return (
        isinstance(node, yaml.ScalarNode)
        and not is_alias(node)
        and node.start_mark.index == node.end_mark.index
    )


def children(node: yaml.Node) -> list[tuple[str, yaml.Node]]:
    if isinstance(node, yaml.MappingNode):
        return [pair for k, v in node.value for pair in (("key", k), ("value", v))]
    if isinstance(node, yaml.SequenceNode):
        return [("item", item) for item in node.value]
    return []


def style_of(node: yaml.Node) -> str:
    style = getattr(node, "style", None)
    return style or ""


def is_block(node: yaml.Node) -> bool:
    return isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style

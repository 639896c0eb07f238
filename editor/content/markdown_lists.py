"""Nested-list indentation as the site writes it, re-indented for Python-Markdown.

The site's answers nest lists the CommonMark way: a child belongs to an item when it is
indented to the item's content column (3 spaces under ``1. ``, 2 under ``- ``), and code
fences sit at that column too. Python-Markdown nests only by multiples of four spaces
(its ``tab_length``), so those children were flattened into the parent's text. The
``mdx_truly_sane_lists`` extension fixes the step at one size (2 *or* 3 *or* 4), which
breaks whichever style it was not set for; this preprocessor instead re-indents each
list line by the column rule, so both styles nest as the writer meant. A list may also
start right under a paragraph line, as in CommonMark; Python-Markdown needs a blank
line there, so one is put in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

_MARKER = re.compile(r"^( *)([-*+]|\d{1,9}[.)])( +|$)")
_FENCE = re.compile(r"^ *(`{3,}|~{3,})")
_STEP = 4  # Python-Markdown's tab_length
# Lines starting with these end a list item when under-indented (no lazy continuation).
_BLOCK_STARTS = ("#", "```", "~~~", ">", "<", "|")


@dataclass
class _Item:
    content: int  # content column in the source
    new_content: int  # content column after re-indenting


def _shift(line: str, old: int, new: int) -> str:
    return " " * new + line[old:]


def normalize_list_indent(text: str) -> str:
    """Re-indent list items and their content to Python-Markdown's four-space levels."""
    out: list[str] = []
    stack: list[_Item] = []
    fence: str | None = None  # closing fence we are waiting for
    fence_delta = 0
    previous_blank = True
    for line in text.split("\n"):
        if fence is not None:
            if fence_delta >= 0:
                out.append(" " * fence_delta + line)
            else:
                strip = min(-fence_delta, len(line) - len(line.lstrip(" ")))
                out.append(line[strip:])
            if line.strip().startswith(fence) and line.strip().strip(fence[0]) == "":
                fence = None
            continue
        if not line.strip():
            out.append(line)
            previous_blank = True
            continue
        indent = len(line) - len(line.lstrip(" "))
        marker = _MARKER.match(line)
        if marker and (stack or indent < _STEP):
            if not stack and not previous_blank:
                out.append("")  # a list may follow a paragraph line directly (CommonMark)
            while stack and indent < stack[-1].content:
                stack.pop()
            new_indent = stack[-1].new_content if stack else 0
            width = len(marker.group(2))
            spaces = len(marker.group(3)) or 1
            stack.append(_Item(content=indent + width + spaces, new_content=new_indent + _STEP))
            new_line = " " * new_indent + marker.group(2) + " " + line[marker.end() :]
        elif stack:
            if previous_blank or line.lstrip().startswith(_BLOCK_STARTS):
                while stack and indent < stack[-1].content:
                    stack.pop()
            if stack:
                top = stack[-1]
                new_indent = top.new_content + max(0, indent - top.content)
                new_line = _shift(line, indent, new_indent)
            else:
                new_indent, new_line = indent, line
        else:
            new_indent, new_line = indent, line
        fence_match = _FENCE.match(line)
        if fence_match:
            fence = fence_match.group(1)
            fence_delta = new_indent - indent
        out.append(new_line)
        previous_blank = False
    return "\n".join(out)


class ListIndentPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return normalize_list_indent("\n".join(lines)).split("\n")


class ListIndentExtension(Extension):
    """Registers the re-indenting step before fenced code blocks are found."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(ListIndentPreprocessor(md), "list_indent", 27)

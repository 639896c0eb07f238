"""Blocks the pipeline puts inside a paragraph are moved out of it, so the HTML is valid.

A fenced code block or a display formula written on the line after some text, without a
blank line between (common in the site's list items: ``1. Run:\\n   ```bash``), is
stashed by its extension and put back *inside* the paragraph: ``<p>Run:<div
class="highlight">…</div></p>``. A ``div`` cannot be inside a ``p``: browsers, and the
HTML5 parser of the sanitiser, close the paragraph at the ``div`` and leave an empty
paragraph after it, so the page would look different in the preview, in a browser and
after sanitising. This postprocessor does what a browser does, minus the empty
paragraph, so every reader gets the same valid HTML.
"""

from __future__ import annotations

import re

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

# The blocks the pipeline stashes: SuperFences' highlighted code and display math.
# Neither holds a nested div, so the block ends at the first "</div>".
_BLOCK = r'<div class="(?:highlight|math display)"[^>]*>.*?</div>'
# A paragraph's text up to a block inside it: paragraphs do not nest, so "no </p> in
# between" finds the paragraph the block sits in.
_BLOCK_IN_PARAGRAPH = re.compile(rf"(<p>(?:(?!</p>).)*?)[ \t]*({_BLOCK})", re.DOTALL)
_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>\n?")


def split_paragraphs_at_blocks(html: str) -> str:
    """Close a paragraph before each block inside it and reopen it after the block."""
    if "<p>" not in html or "<div" not in html:
        return html
    split = _BLOCK_IN_PARAGRAPH.sub(r"\1</p>\n\2\n<p>", html)
    return _EMPTY_PARAGRAPH.sub("", split) if split != html else html


class _BlockPostprocessor(Postprocessor):
    def run(self, text: str) -> str:
        return split_paragraphs_at_blocks(text)


class BlockSplitExtension(Extension):
    """Registers the split after the stashed HTML is put back (``raw_html``, 30)."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.postprocessors.register(_BlockPostprocessor(md), "block_split", 25)

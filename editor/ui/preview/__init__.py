"""The preview: the published page in a browser engine (in a process of its own where the
window can embed it; a text view where the engine cannot start), the search-result
snippet, and the links between the page and the form."""

from editor.ui.preview.pane import PHONE_WIDTH, PreviewPane
from editor.ui.preview.snippet import (
    DESCRIPTION_CHARS,
    TITLE_CHARS,
    TITLE_PX,
    SearchSnippet,
    breadcrumb,
    snippet_parts,
    truncate_description,
    truncate_title,
)

__all__ = [
    "DESCRIPTION_CHARS",
    "PHONE_WIDTH",
    "TITLE_CHARS",
    "TITLE_PX",
    "PreviewPane",
    "SearchSnippet",
    "breadcrumb",
    "snippet_parts",
    "truncate_description",
    "truncate_title",
]

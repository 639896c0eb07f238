"""The fallback page view: a ``QTextBrowser``, for where the browser engine cannot start.

It understands a subset of HTML and CSS (no centred column, no MathML), so formulas are
shown as the readable Unicode the Markdown pipeline keeps in ``data-tex``
(:func:`editor.content.markdown_math.tex_to_html`), and links open in the system
browser. It runs no script at all.
"""

from __future__ import annotations

import html as html_lib
import re

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser, QWidget

from editor.content.markdown_math import tex_to_html
from editor.paths import resources_dir
from editor.ui.preview.page_view import PageViewSignals

_MATH = re.compile(
    r'(<(?:span|div) class="math[^"]*" data-tex="([^"]*)">)<math\b.*?</math>', re.DOTALL
)


def readable_math(page: str) -> str:
    """``page`` with each MathML formula replaced by Unicode text with sub/superscripts."""
    return _MATH.sub(lambda m: m.group(1) + tex_to_html(html_lib.unescape(m.group(2))), page)


class TextPageView(PageViewSignals):
    """Shows a page in a ``QTextBrowser``; the same interface as the web view."""

    # field_clicked and failed are never emitted: QTextBrowser cannot tell which part
    # was clicked, and it does not fail
    engine = "text"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser = QTextBrowser(parent)
        self.browser.setAccessibleName("Page preview")
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(_open_link)
        self.browser.setSearchPaths([str(resources_dir() / "templates")])

    @property
    def widget(self) -> QWidget:
        return self.browser

    def show_html(self, page: str, *, keep_scroll: bool) -> None:
        bar = self.browser.verticalScrollBar()
        position = bar.value() if keep_scroll else 0
        self.browser.setHtml(readable_math(page))
        bar.setValue(position)
        self.shown.emit()

    def scroll_to_field(self, path: str) -> None:
        """Not possible here: the text browser keeps no link from text to field."""

    def clear(self) -> None:
        self.browser.clear()

    def dispose(self) -> None:
        self.browser.deleteLater()
        self.deleteLater()


def _open_link(url: QUrl) -> None:
    if url.scheme() in ("http", "https", "mailto"):
        QDesktopServices.openUrl(url)

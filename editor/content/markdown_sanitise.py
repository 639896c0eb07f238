"""Raw HTML in Markdown: what the page keeps of it, as the site's renderer would.

Markdown lets an author write any HTML, and Python-Markdown passes it through as is, so
``<script>``, ``<iframe>``, ``onerror=`` handlers, ``javascript:`` links and
``<meta http-equiv=refresh>`` in a content file would reach the preview and the page
opened in a browser. A content folder is a git checkout anyone on the team (or a pull
request) writes to, so the default is to sanitise. Three modes, chosen per site in
``glossary-editor.yaml`` (``render: {raw_html: ...}``, see
:mod:`editor.content.render_config`):

* ``sanitise`` (default): raw HTML is kept where it is harmless. The whole converted
  HTML goes through `nh3 <https://nh3.readthedocs.io>`_ (the Rust ``ammonia``
  sanitiser) with an allow-list that keeps everything this app's own pipeline emits
  (Pygments' inline-styled code, tables' ``text-align``, math spans with ``data-tex``,
  heading ids, footnote links, MathML formulas), and drops scripts, frames, forms,
  ``meta``/``link``/``base``, event-handler attributes, comments, and URLs whose scheme is not
  http(s)/mailto/tel (relative URLs are kept).
* ``escape``: raw HTML is shown as text, as markdown-it (``html: false``) or a site
  that never allows HTML publishes it; the result is sanitised too, which only
  matters for Markdown links such as ``[x](javascript:...)``.
* ``allow``: raw HTML is published as written (Hugo ``unsafe: true``, Jekyll). The
  page still runs no script: its Content-Security-Policy forbids every script.

:func:`safe_url` applies the same scheme rule to the URLs a template puts in ``href``
(front matter values are escaped by Jinja, but escaping does not stop ``javascript:``).
"""

from __future__ import annotations

import re
from typing import Final, Literal, get_args

import nh3

RawHtml = Literal["sanitise", "escape", "allow"]
RAW_HTML_MODES: Final[tuple[str, ...]] = get_args(RawHtml)
DEFAULT_RAW_HTML: Final[RawHtml] = "sanitise"

URL_SCHEMES: Final = frozenset({"http", "https", "mailto", "tel"})

# The app's pipeline puts these on its own elements: Pygments (noclasses) styles spans
# and the highlight div, the tables extension aligns cells. Only these properties are
# kept, so content cannot position an overlay over the page.
_STYLE_PROPERTIES: Final = frozenset(
    {
        "background", "background-color", "border", "color", "font-style", "font-weight",
        "text-align", "text-decoration", "vertical-align",
    }
)  # fmt: skip
_GLOBAL_ATTRIBUTES: Final = frozenset({"class", "dir", "id", "lang", "style", "title"})
_TAG_ATTRIBUTES: Final[dict[str, set[str]]] = {
    "a": {"href", "hreflang", "name"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "type"},
    "li": {"value"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "abbr": set(),
    "time": {"datetime"},
    "del": {"datetime", "cite"},
    "ins": {"datetime", "cite"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
# MathML (Presentation), as latex2mathml writes it for the page's formulas and as an
# author may write it by hand; none of it runs script or loads anything. The
# attributes are layout only (no href, no xlink, no event handlers).
MATHML_TAGS: Final = frozenset(
    {
        "math", "mi", "mn", "mo", "ms", "mtext", "mspace", "mrow", "mfrac", "msqrt", "mroot",
        "msub", "msup", "msubsup", "munder", "mover", "munderover", "mtable", "mtr", "mtd",
        "mstyle", "mpadded", "mphantom", "menclose", "merror", "mfenced", "semantics",
        "annotation",
    }
)  # fmt: skip
_MATHML_ATTRIBUTES: Final = frozenset(
    {
        "accent", "accentunder", "align", "alttext", "close", "columnalign", "columnlines",
        "columnspacing", "depth", "display", "displaystyle", "encoding", "fence", "form",
        "frame", "height", "largeop", "linebreak", "linethickness", "lspace", "mathbackground",
        "mathcolor", "mathsize", "mathvariant", "maxsize", "minsize", "movablelimits",
        "notation", "open", "rowalign", "rowlines", "rowspacing", "rspace", "scriptlevel",
        "separator", "separators", "stretchy", "symmetric", "voffset", "width", "xmlns",
    }
)  # fmt: skip
# Markup that is never content: dropped, and so is the text inside it.
_DROP_WITH_CONTENT: Final = frozenset({"script", "style", "noscript", "template"})
# nh3's default tags (text formatting, lists, tables, figures...) minus the ones that
# only make sense with scripts or links to other documents.
_TAGS: Final = frozenset((nh3.ALLOWED_TAGS - {"area", "map"}) | MATHML_TAGS)

_CLEANER: Final = nh3.Cleaner(
    tags=set(_TAGS),
    clean_content_tags=set(_DROP_WITH_CONTENT),
    attributes={
        "*": set(_GLOBAL_ATTRIBUTES),
        **_TAG_ATTRIBUTES,
        **{tag: set(_MATHML_ATTRIBUTES) for tag in MATHML_TAGS},
    },
    generic_attribute_prefixes={"data-"},
    url_schemes=set(URL_SCHEMES),
    filter_style_properties=set(_STYLE_PROPERTIES),
    strip_comments=True,
    link_rel=None,  # no rel added: the pipeline's own links stay as they were
)

# A browser (WHATWG URL parser) ignores leading and trailing C0 controls and spaces and
# tabs/newlines anywhere before it reads a URL's scheme; safe_url ignores them all.
_URL_ANY_SPACE = re.compile(r"[\x00-\x20]")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def sanitise_html(html: str) -> str:
    """``html`` with everything that could run script or leave the page removed."""
    return _CLEANER.clean(html)


def safe_url(url: str) -> str:
    """``url`` when a browser would open it as a plain link (relative, http(s), mailto,
    tel), else ``""``: ``javascript:``, ``data:``, ``vbscript:``... in any spelling."""
    # Stricter than a browser (which keeps inner spaces): every control and space goes
    # before the scheme is read, so no spelling of one slips through ("java script:").
    cleaned = _URL_ANY_SPACE.sub("", url)
    match = _SCHEME.match(cleaned)
    if match is None or match.group(1).lower() in URL_SCHEMES:
        return url
    return ""


def is_raw_html_mode(value: object) -> bool:
    return isinstance(value, str) and value in RAW_HTML_MODES

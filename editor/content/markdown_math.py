"""TeX math in Markdown, and the literal ``\\n`` sequences of Q&A answers.

Two jobs no library does the way the site's content needs:

* :func:`expand_literal_newlines` turns the two-character sequence backslash + ``n``
  (what the site's folded scalars hold instead of line breaks) into real line breaks,
  *except* where it begins a TeX command inside math (``\\neq``, ``\\nabla``, ``\\nu``,
  ``\\not``...). After a ``\\\\`` row separator a ``\\n`` is always a line break, as it
  is right after an opening ``$$``/``\\[``.
* :class:`MathExtension` keeps ``$…$``, ``$$…$$``, ``\\(…\\)`` and ``\\[…\\]`` away from
  Markdown (no emphasis inside, backslashes kept) and shows them as MathML made offline
  by latex2mathml (a browser engine lays it out as a real formula), with the TeX source
  in ``data-tex`` and readable Unicode from pylatexenc in ``alttext`` (what screen
  readers and the ``QTextBrowser`` fallback show; also the whole output when latex2mathml
  rejects a formula). Arithmatex (pymdown-extensions) was
  the library candidate, but its dollar rule either rejects ``$ \\theta $`` (spaces
  inside, common in the real content) or turns prices such as ``$5 … $10`` into math,
  and it offers no hook for the Unicode rendering.

The dollar rule: ``$`` opens inline math unless escaped (``\\$``) or inside code; the
closing ``$`` must not be followed by a digit, both ends must agree on inner spacing
(``$ x $`` or ``$x$``), and the span may not contain a blank line or another ``$``.
So ``$5 and $10`` stays text. Code spans and fences (any run of backticks up to the
next run of the same length) are never touched; four-space indented code blocks are
not recognised as code here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from latex2mathml.converter import convert as latex_to_mathml
from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor
from pylatexenc.latex2text import LatexNodes2Text

# TeX commands that begin with "n": inside math, "\n" followed by exactly one of these
# letter runs is the command, not a line break.
N_COMMANDS = frozenset(
    {
        "nabla", "natural", "ncong", "ne", "nearrow", "neg", "neq", "newline", "nexists",
        "ngeq", "ngtr", "ni", "nleftarrow", "nleq", "nless", "nmid", "nolimits", "nonumber",
        "not", "notin", "nparallel", "nprec", "nrightarrow", "nsim", "nsubseteq", "nsucc",
        "nsupseteq", "nu", "nvdash", "nwarrow",
    }
)  # fmt: skip

# One scanner token at a time, leftmost first. "esc" swallows "\\" and "\$" pairs so an
# escaped dollar never opens math and "\\" is never read as "\" + next char.
_TOKEN = re.compile(r"(?P<code>`+)|(?P<esc>\\[\\$])|(?P<display>\$\$|\\\[)|(?P<inline>\\\(|\$)")
_LITERAL_TOKEN = re.compile(
    r"(?P<code>`+)|(?P<esc>\\[\\$])|(?P<display>\$\$|\\\[)|(?P<inline>\\\(|\$)|(?P<nl>\\n)"
)
_CLOSERS = {
    "$$": re.compile(r"(?<!\\)\$\$"),
    "\\[": re.compile(r"\\\]"),
    "\\(": re.compile(r"\\\)"),
}
_DOLLAR = re.compile(r"(?<!\\)\$")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_LITERAL_BLANK_LINE = re.compile(r"\\n[ \t]*\\n")
_IN_MATH = re.compile(r"\\\\|\\n([A-Za-z]*)")


def _code_end(text: str, start: int, run: str) -> int:
    """End of a code span/fence opened by the backtick ``run`` at ``start``, or -1."""
    closer = re.compile(rf"(?<!`){run}(?!`)")
    m = closer.search(text, start + len(run))
    return m.end() if m else -1


def _inline_dollar_end(text: str, start: int, blank_line: re.Pattern[str]) -> int:
    """End of inline ``$…$`` math opened at ``start``, or -1 when it is a plain dollar."""
    m = _DOLLAR.search(text, start + 1)
    if m is None:
        return -1
    content = text[start + 1 : m.start()]
    if not content.strip() or blank_line.search(content):
        return -1
    if text[m.end() : m.end() + 1].isdigit():
        return -1
    if content[0].isspace() != content[-1].isspace():
        return -1
    return m.end()


def _math_end(text: str, start: int, opener: str, blank_line: re.Pattern[str]) -> int:
    if opener == "$":
        return _inline_dollar_end(text, start, blank_line)
    m = _CLOSERS[opener].search(text, start + len(opener))
    return m.end() if m else -1


def _scan(
    text: str,
    token: re.Pattern[str],
    blank_line: re.Pattern[str],
    *,
    on_text: Callable[[str, re.Match[str]], str],
    on_math: Callable[[str, str], str],
    on_code: Callable[[str], str],
) -> str:
    """Split ``text`` into plain, code and math parts and join what the callbacks make."""
    out: list[str] = []
    pos = 0
    while True:
        m = token.search(text, pos)
        if m is None:
            out.append(text[pos:])
            return "".join(out)
        out.append(text[pos : m.start()])
        kind = m.lastgroup
        end = -1
        if kind == "code":
            end = _code_end(text, m.start(), m.group())
            if end >= 0:
                out.append(on_code(text[m.start() : end]))
        elif kind in ("display", "inline"):
            end = _math_end(text, m.start(), m.group(), blank_line)
            if end >= 0:
                out.append(on_math(m.group(), text[m.start() : end]))
        if end < 0:
            out.append(on_text(m.group(), m))
            end = m.end()
        pos = end


def expand_literal_newlines(text: str) -> str:
    """Replace literal ``\\n`` sequences by line breaks, keeping TeX commands in math."""

    def in_math(opener: str, span: str) -> str:
        first = len(opener)

        def repl(m: re.Match[str]) -> str:
            if m.group(1) is None:  # a backslash pair (the TeX row separator) stays
                return m.group()
            letters = m.group(1)
            after_opener = m.start() == first and opener in ("$$", "\\[")
            after_rowsep = span[max(0, m.start() - 2) : m.start()] == "\\\\"
            if "n" + letters in N_COMMANDS and not after_opener and not after_rowsep:
                return m.group()
            return "\n" + letters

        return _IN_MATH.sub(repl, span)

    def in_text(token: str, m: re.Match[str]) -> str:
        return "\n" if m.lastgroup == "nl" else token

    return _scan(
        text,
        _LITERAL_TOKEN,
        _LITERAL_BLANK_LINE,
        on_text=in_text,
        on_math=in_math,
        on_code=lambda span: span.replace("\\n", "\n"),
    )


_TO_TEXT = LatexNodes2Text(math_mode="text", strict_latex_spaces="based-on-source")
_DEGREE = re.compile(r"\^\s*\{?\\circ\}?")
_SCRIPT_ARG = re.compile(r"\s*(\{|\\[A-Za-z]+|\S)")


@lru_cache(maxsize=4096)
def tex_to_text(tex: str) -> str:
    """Readable Unicode for a TeX fragment (``\\frac{\\pi}{2}`` -> ``π/2``)."""
    try:
        result = _TO_TEXT.latex_to_text(_DEGREE.sub("°", tex))
    except Exception:  # pylatexenc is lenient; anything it still rejects shows as source
        result = tex
    lines = (" ".join(line.split()) for line in result.splitlines())
    return "\n".join(line for line in lines if line)


def _split_scripts(tex: str) -> list[tuple[str, str]]:
    """Split TeX at top-level ``_``/``^`` into ``("", text)``, ``("sub"|"sup", arg)`` parts."""
    parts: list[tuple[str, str]] = []
    depth, start, i = 0, 0, 0
    while i < len(tex):
        ch = tex[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif ch in "_^" and depth == 0:
            m = _SCRIPT_ARG.match(tex, i + 1)
            if m is None:
                break
            end = m.end()
            if m.group(1) == "{":
                level = 1
                while end < len(tex) and level:
                    level += {"{": 1, "}": -1}.get(tex[end], 0)
                    end += 1
                arg = tex[m.end() : end - 1]
            else:
                arg = m.group(1)
            parts.append(("", tex[start:i]))
            parts.append(("sub" if ch == "_" else "sup", arg))
            start = i = end
            continue
        i += 1
    parts.append(("", tex[start:]))
    return parts


def tex_to_html(tex: str) -> str:
    """Escaped readable HTML for TeX: Unicode text, ``<sub>``/``<sup>`` for scripts."""
    out: list[str] = []
    for kind, part in _split_scripts(_DEGREE.sub("°", tex)):
        text = html.escape(tex_to_text(part), quote=False).replace("\n", "<br>")
        if text and not kind:  # keep the spacing around scripts that the source had
            text = (" " if part[:1].isspace() else "") + text + (" " if part[-1:].isspace() else "")
        elif not kind:
            text = " " if part[:1].isspace() else ""
        out.append(f"<{kind}>{text}</{kind}>" if kind else text)
    return "".join(out).strip()


@lru_cache(maxsize=4096)
def tex_to_mathml(tex: str, *, display: bool) -> str | None:
    """MathML for a TeX fragment, with its Unicode reading as ``alttext``; None when
    latex2mathml cannot read it (the caller then shows the Unicode text)."""
    try:
        mathml = latex_to_mathml(tex, display="block" if display else "inline")
    except Exception:  # latex2mathml raises many kinds (IndexError, its own...) on bad TeX
        return None
    marked = tex_to_html(tex).replace("<sub>", "").replace("<sup>", "^")
    reading = html.unescape(_TAGS.sub(" ", marked.replace("</sub>", "").replace("</sup>", "")))
    alt = html.escape(" ".join(reading.split()))
    # Explicit end tags: "<mspace/>" is only empty inside foreign content, and tools that
    # read the page as HTML (sanitisers, tests, the QTextBrowser fallback) may not know.
    mathml = _SELF_CLOSING.sub(r"<\1\2></\1>", mathml)
    return mathml.replace("<math ", f'<math alttext="{alt}" ', 1)


def math_html(opener: str, span: str, *, block: bool) -> str:
    """The HTML for one math span (``span`` includes its delimiters)."""
    closing = {"$$": 2, "\\[": 2, "\\(": 2, "$": 1}[opener]
    tex = span[len(opener) : len(span) - closing]
    display = opener in ("$$", "\\[")
    tag = "div" if block else "span"
    cls = "math display" if display else "math"
    inner = tex_to_mathml(tex.strip(), display=display) or tex_to_html(tex)
    return f'<{tag} class="{cls}" data-tex="{html.escape(tex.strip())}">{inner}</{tag}>'


class MathPreprocessor(Preprocessor):
    """Swap each math span for an HTML-stash placeholder before block parsing."""

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)

        def on_math(opener: str, span: str) -> str:
            return self.md.htmlStash.store(math_html(opener, span, block=False))

        protected = _scan(
            text,
            _TOKEN,
            _BLANK_LINE,
            on_text=lambda token, _m: token,
            on_math=on_math,
            on_code=lambda span: span,
        )
        return _promote_display_blocks(self.md, protected).split("\n")


_TAGS = re.compile(r"<[^>]+>")
_SELF_CLOSING = re.compile(r"<([a-z]+)([^<>]*?)\s*/>")
_PLACEHOLDER_LINE = re.compile(r"^([ \t]*)\x02wzxhzdk:(\d+)\x03[ \t]*$", re.MULTILINE)


def _promote_display_blocks(md: Markdown, text: str) -> str:
    """A display formula alone on its line becomes a block (a ``div``, not in a ``p``)."""

    def repl(m: re.Match[str]) -> str:
        index = int(m.group(2))
        stored = str(md.htmlStash.rawHtmlBlocks[index])
        if stored.startswith('<span class="math display"'):
            body = stored.removeprefix("<span").removesuffix("</span>")
            md.htmlStash.rawHtmlBlocks[index] = f"<div{body}</div>"
        return m.group()

    return _PLACEHOLDER_LINE.sub(repl, text)


class MathExtension(Extension):
    """Markdown extension registering :class:`MathPreprocessor` after fenced code."""

    def extendMarkdown(self, md: Markdown) -> None:
        # After fenced code blocks (25) are stashed, before raw HTML blocks (20).
        md.preprocessors.register(MathPreprocessor(md), "math", 22)


def makeExtension(**kwargs: Any) -> MathExtension:  # Markdown's entry-point name
    return MathExtension(**kwargs)

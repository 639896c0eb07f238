"""Reading front matter: decode bytes, find the front matter's exact span, parse it.

python-frontmatter finds the front matter but throws away where it was; the writer
needs the exact text of the opening line, the front matter, the closing line and the
body (``prefix + front + closing + body == text``), so the split is done here by hand
with python-frontmatter's delimiter conventions (``---`` YAML, ``+++`` TOML, a
leading ``{ ... }`` JSON object). It is not a dependency of the app: for TOML and
JSON front matter it would add nothing the standard library lacks (its TOML handler
needs the third-party ``toml`` package, where ``tomllib`` is built in) and its errors
carry no line and column, which every error here reports; only the tests use it, as
an independent reader to compare against. PyYAML silently keeps the last of two equal keys;
YAML forbids them (and Hugo and gray-matter reject such files), so the loader here
refuses them while it constructs each mapping - no second parse.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from editor.content.errors import ParseError

__all__ = ["SplitText", "decode", "load_bytes", "parse_yaml", "split"]

FrontFormat = Literal["yaml", "toml", "json", "none"]

BOM = b"\xef\xbb\xbf"

# One delimiter line: the marker, optional trailing blanks, then its line break (or end).
_YAML_OPEN = re.compile(r"---[ \t]*(?:\r\n|\n|\Z)")
_YAML_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r\n|\n|\Z)", re.MULTILINE)
_TOML_OPEN = re.compile(r"\+\+\+[ \t]*(?:\r\n|\n|\Z)")
_TOML_CLOSE = re.compile(r"^\+\+\+[ \t]*(?:\r\n|\n|\Z)", re.MULTILINE)
_LINE_END = re.compile(r"[^\r\n]*(?:\r\n|\n|\Z)")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")

try:  # libyaml is about ten times faster; PyYAML without it still works
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - only where PyYAML lacks libyaml
    _BaseLoader = yaml.SafeLoader


@dataclass(frozen=True)
class SplitText:
    """A decoded file cut into its parts; joining them gives the text back."""

    format: FrontFormat
    prefix: str  # opening delimiter line with its line break ("" for json/none)
    front: str  # the front matter between the delimiters
    closing: str  # closing delimiter line with its line break (if any)
    body: str  # everything after the closing delimiter line
    front_line: int  # 1-based file line where ``front`` starts
    newline: str  # "\n" or "\r\n": what the file uses

    @property
    def body_line(self) -> int:
        """1-based file line where the body starts."""
        return 1 + (self.prefix + self.front + self.closing).count("\n")


def decode(data: bytes, path: Path | None = None) -> tuple[str, bool]:
    """UTF-8 bytes -> (text, had_bom); line breaks are kept exactly as they are."""
    had_bom = data.startswith(BOM)
    if had_bom:
        data = data[len(BOM) :]
    nul = data.find(b"\0")  # text never holds NUL; images and UTF-16 files do
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        column = nul - data.rfind(b"\n", 0, nul)
        raise ParseError(
            "not a text file: it holds binary data (NUL bytes); entries are UTF-8 text",
            path,
            line,
            column,
        )
    try:
        return data.decode("utf-8"), had_bom
    except UnicodeDecodeError as exc:
        offset = exc.start
        line_start = data.rfind(b"\n", 0, offset) + 1
        line = data.count(b"\n", 0, offset) + 1
        column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
        bad = data[offset : exc.end].hex(" ")
        raise ParseError(f"invalid UTF-8 (byte {bad})", path, line, column) from exc


def _newline_of(text: str) -> str:
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def split(text: str, path: Path | None = None) -> SplitText:
    """Cut ``text`` into delimiter lines, front matter and body."""
    newline = _newline_of(text)
    for fmt, opener, closer in (
        ("yaml", _YAML_OPEN, _YAML_CLOSE),
        ("toml", _TOML_OPEN, _TOML_CLOSE),
    ):
        opened = opener.match(text)
        if opened is None:
            continue
        start = opened.end()
        closed = closer.search(text, start) if start < len(text) else None
        if closed is None:
            marker = text[:3]
            raise ParseError(f"front matter opened with {marker!r} is never closed", path, 1, 1)
        return SplitText(
            format=fmt,  # type: ignore[arg-type]
            prefix=text[:start],
            front=text[start : closed.start()],
            closing=closed.group(),
            body=text[closed.end() :],
            front_line=2,
            newline=newline,
        )
    if text.startswith("{"):
        end = _json_end(text, path)
        rest = _LINE_END.match(text, end)
        closing = rest.group() if rest else ""
        if closing.strip():
            line = text.count("\n", 0, end) + 1
            column = end - text.rfind("\n", 0, end)
            raise ParseError("text after the JSON front matter's closing brace", path, line, column)
        return SplitText("json", "", text[:end], closing, text[end + len(closing) :], 1, newline)
    return SplitText("none", "", "", "", text, 1, newline)


def _json_end(text: str, path: Path | None) -> int:
    """Index just after the leading JSON object (python-frontmatter: a line ``}``)."""
    try:
        _, end = json.JSONDecoder().raw_decode(text)
        return end
    except (json.JSONDecodeError, RecursionError) as exc:
        closing = re.search(r"^}[ \t]*$", text, re.MULTILINE)
        if closing is None:
            message = "JSON front matter opened with '{' is never closed"
            raise ParseError(message, path, 1, 1) from exc
        return closing.start() + 1


class _UniqueKeyLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader that reports the second of two equal keys instead of keeping it, and
    refuses a node graph that would blow up downstream (:func:`check_graph`)."""

    check_aliases = False  # set per parse: walk the graph only where anchors may be

    def get_single_node(self) -> yaml.Node | None:
        node = super().get_single_node()
        if node is not None and self.check_aliases:
            check_graph(node)
        return cast("yaml.Node | None", node)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                # construct_object caches per node, so the base class pays nothing twice.
                key = self.construct_object(key_node, deep=deep)
                try:
                    duplicate = key in seen
                    if not duplicate:
                        seen[key] = key
                except TypeError:  # unhashable: the base class reports it
                    continue
                if duplicate:
                    raise _DuplicateKeyError(seen[key], key, key_node.start_mark)
        return cast("dict[Any, Any]", super().construct_mapping(node, deep=deep))

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # PyYAML's constructors raise plain ValueError/KeyError... for values such as
        # ``2024-02-30`` or ``!!int x``; give them the node's line:column instead.
        try:
            return super().construct_object(node, deep=deep)
        except _CONSTRUCT_ERRORS as exc:
            kind = str(node.tag).rsplit(":", 1)[-1]
            if "integer string conversion" in str(exc):  # Python's int-string limit
                digits = f"{len(str(node.value)):,}"
                problem = f"a number of {digits} digits is too long to read (4,300 at most)"
                raise yaml.constructor.ConstructorError(
                    None, None, problem, node.start_mark
                ) from exc
            detail = f" ({_shorten(str(exc), 120)})" if isinstance(exc, ValueError) else ""
            problem = f"{_shorten(repr(node.value))} is not a valid {kind}{detail}"
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from exc


def _shorten(text: str, limit: int = 60) -> str:
    """A value quoted in a message: a 5,000-digit number is not worth repeating."""
    return text if len(text) <= limit else f"{text[: limit - 12]}… ({len(text):,} chars)"


# What PyYAML's value constructors let escape for malformed scalars.
_CONSTRUCT_ERRORS = (ValueError, TypeError, AttributeError, KeyError, IndexError, OverflowError)


class _DuplicateKeyError(yaml.YAMLError):
    def __init__(self, first: Any, key: Any, mark: yaml.Mark) -> None:
        if type(first) is type(key):
            message = f"duplicate key {key!r}"
        else:  # 1 and true, 1 and 1.0: distinct in YAML, one key in the data
            message = (
                f"keys {_yaml_text(first)} and {_yaml_text(key)} are one key to the editor"
                " (its data cannot hold both); rename one of them"
            )
        super().__init__(message)
        self.key = key
        self.message = message
        self.mark = mark


def _yaml_text(key: Any) -> str:
    """A key as YAML spells it (``true``, ``null``, ``1``), for messages."""
    if key is None or isinstance(key, bool):
        return {None: "null", True: "true", False: "false"}[key]
    return repr(key) if isinstance(key, str) else str(key)


# -- bounds on parsing ---------------------------------------------------------------
#
# One hostile file must not take the folder down. Three things can: nesting so deep that
# libyaml's composer (recursive C) crashes the process or Python code downstream (the
# writer, rendering, deepcopy, JSON, the form: all recursive) hits RecursionError; and
# aliases that expand exponentially ("billion laughs"), which every consumer that walks
# the data expands again. Real entries nest a handful of levels and use no aliases.

MAX_DEPTH = 64  # collections inside collections: every consumer is safe well beyond this
MAX_ALIAS_NODES = 10_000  # values reached through aliases, counting repeats
# A cheap screen proves most texts shallow without a parse: a block collection starts to
# the right of its grandparent's start, so block depth is at most twice the deepest
# indentation plus the collections opened on one line (``- - x``, ``? - x``: one
# indicator each); flow depth is at most the number of opening brackets. Only a text
# that fails the screen pays for the exact count (libyaml's events, iterative).
SCREEN_INDENT = 20
SCREEN_CHAIN = 10
_SCREEN_BRACKETS = MAX_DEPTH - (2 * SCREEN_INDENT + SCREEN_CHAIN + 2)
_DEEP_LINE = re.compile(
    rf"^(?: {{{SCREEN_INDENT}}}|[ \t]*+(?:(?:[-?:]|[&!][^ \t\r\n]*+)[ \t]++){{{SCREEN_CHAIN}}})",
    re.MULTILINE,
)
_ANCHOR = re.compile(r"(?:^|[ \t\[{,])&[^ \t\r\n\[\]{},]", re.MULTILINE)
_TOO_DEEP = f"invalid YAML: nested too deeply to read (more than {MAX_DEPTH} levels)"


def _maybe_deep(front: str) -> bool:
    """False when the screen proves ``front`` nests at most MAX_DEPTH levels."""
    brackets = front.count("[") + front.count("{")
    return brackets > _SCREEN_BRACKETS or _DEEP_LINE.search(front) is not None


def check_nesting(front: str, path: Path | None = None, first_line: int = 1) -> None:
    """Refuse front matter nested more than MAX_DEPTH levels, any kind of nesting (block,
    flow, explicit keys), before anything recursive sees it. YAML errors are left for
    the parse to report."""
    if not _maybe_deep(front):
        return
    depth = 0
    opening = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    mark: Any = None
    try:
        for event in yaml.parse(front, Loader=_BaseLoader):
            if isinstance(event, opening):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    break
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" not in str(exc.problem):
            return  # the parse reports it, with its position
        mark = exc.problem_mark  # libyaml's own limit, met while scanning
    except yaml.YAMLError:
        return
    if mark is not None:
        raise ParseError(_TOO_DEEP, path, mark.line + first_line, mark.column + 1)


def check_graph(root: yaml.Node) -> None:
    """Refuse a composed node graph whose aliases nest it too deeply, refer to a value
    from inside it, or expand to more than MAX_ALIAS_NODES values.

    Sizes and depths are counted once per node (aliases share their node), without
    recursion, so a billion-laughs file is refused in microseconds."""
    info: dict[int, tuple[int, int]] = {}  # id(node) -> (values when expanded, depth)
    open_: set[int] = set()  # nodes being walked: meeting one again is a cycle
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    scalars = 0
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if isinstance(node, yaml.ScalarNode):
            continue
        children = _children(node)
        if finished:
            open_.discard(key)
            size, depth = 1, 0
            for child in children:
                if isinstance(child, yaml.ScalarNode):
                    size += 1
                else:
                    child_size, child_depth = info[id(child)]
                    size, depth = size + child_size, max(depth, child_depth)
            info[key] = (size, depth + 1)
            if depth + 1 > MAX_DEPTH:
                raise _GraphError(_TOO_DEEP, node.start_mark)
            if size - len(info) - scalars > MAX_ALIAS_NODES:
                raise _GraphError(
                    f"invalid YAML: aliases expand to more than {MAX_ALIAS_NODES:,} values"
                    " (an alias bomb?); write the values out instead",
                    node.start_mark,
                )
            continue
        if key in info:
            continue
        if key in open_:
            raise _GraphError(
                "invalid YAML: an alias refers to a value it is part of", node.start_mark
            )
        open_.add(key)
        stack.append((node, True))
        for child in children:
            if isinstance(child, yaml.ScalarNode):
                scalars += 1
            elif id(child) not in info:
                stack.append((child, False))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return list(node.value)


class _GraphError(yaml.YAMLError):
    def __init__(self, message: str, mark: yaml.Mark) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


def load_bounded(text: str, loader: type[Any] = _BaseLoader, path: Path | None = None) -> Any:
    """Any YAML text of the folder (a setting, a CMS configuration, a sampled entry) under
    the front matter's bounds: depth and alias expansion refused before anything
    recursive or exponential runs, a constructor's error (``2020-02-30``) a ParseError.

    YAML syntax errors are left as :class:`yaml.YAMLError` for the caller to word."""
    check_nesting(text, path)
    parser = loader(text)
    try:
        node = parser.get_single_node()
        if node is None:
            return None
        if "&" in text and _ANCHOR.search(text) is not None:  # no anchor, no alias to expand
            check_graph(node)
        return parser.construct_document(node)
    except _GraphError as exc:
        raise ParseError(exc.message, path, exc.mark.line + 1, exc.mark.column + 1) from exc
    except _CONSTRUCT_ERRORS as exc:
        raise ParseError(f"invalid YAML: {_shorten(str(exc))}", path) from exc
    finally:
        parser.dispose()


def parse_yaml(front: str, path: Path | None = None, first_line: int = 1) -> dict[str, Any]:
    """YAML front matter -> mapping; every problem becomes a ParseError at the file's line."""
    check_nesting(front, path, first_line)
    loader = _UniqueKeyLoader(front)  # a SafeLoader subclass
    loader.check_aliases = "&" in front and _ANCHOR.search(front) is not None
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except (_DuplicateKeyError, _GraphError) as exc:
        mark = exc.mark
        raise ParseError(exc.message, path, mark.line + first_line, mark.column + 1) from exc
    except yaml.MarkedYAMLError as exc:
        raise _marked_error(exc, front, path, first_line) from exc
    except yaml.YAMLError as exc:  # reader errors (control characters) and the like
        raise ParseError(f"invalid YAML: {exc}", path, first_line) from exc
    except _CONSTRUCT_ERRORS as exc:  # a constructor outside construct_object
        raise ParseError(f"invalid YAML: {_shorten(str(exc))}", path, first_line) from exc
    finally:
        loader.dispose()
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParseError(
            f"front matter must be a mapping of keys to values, not {type(data).__name__}",
            path,
            first_line,
            1,
        )
    return data


def _ran_into_body(front: str, text_line: int, problem_line: int) -> bool:
    """Whether a line of plain text (0-based ``text_line``) looks like the body: the scan
    ran to the end of the front matter, or the text follows a blank line."""
    lines = front.splitlines()
    return problem_line >= len(lines) or (
        0 < text_line < len(lines) and not lines[text_line - 1].strip()
    )


def _marked_error(
    exc: yaml.MarkedYAMLError, front: str, path: Path | None, first_line: int
) -> ParseError:
    """A YAML error at its cause, not where the parser gave up.

    A scanner error (an unclosed quote, a line of text that is not ``key: value``) marks
    the token it was scanning as its context: that is where the fault starts; the
    problem mark is often the end of the front matter. A parser error's problem mark is
    the cause, and its context (the collection it was in) is named in the message.
    When a line of plain text runs the scan to the end of the front matter, the likely
    cause is a front matter never closed, ended by a later ``---`` in the body: then the
    error is the opening line's, and the message says which line was taken as the end.
    """
    problem, context = exc.problem_mark, exc.context_mark
    scanner = isinstance(exc, yaml.scanner.ScannerError)
    mark = (context if scanner else problem) or problem or context
    message = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
    if not scanner and context is not None and problem is not None and context.line != problem.line:
        message += f" (it started on line {context.line + first_line})"
    if (
        scanner
        and context is not None
        and problem is not None
        and exc.context == "while scanning a simple key"
        and first_line > 1
        and _ran_into_body(front, context.line, problem.line)
    ):
        text_line = context.line + first_line
        end_line = front.count("\n") + first_line
        return ParseError(
            f"front matter opened here is not closed before line {text_line}, which is not "
            f"'key: value' (the '---' on line {end_line} was taken as its end)",
            path,
            first_line - 1,
            1,
        )
    line = mark.line + first_line if mark else first_line
    column = mark.column + 1 if mark else None
    return ParseError(f"invalid YAML: {message}", path, line, column)


def _parse_toml(front: str, path: Path | None, first_line: int) -> dict[str, Any]:
    try:
        return tomllib.loads(front)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_POSITION.search(str(exc))
        line = int(found.group(1)) + first_line - 1 if found else first_line
        column = int(found.group(2)) if found else None
        message = _TOML_POSITION.sub("", str(exc)).strip()
        raise ParseError(f"invalid TOML: {message}", path, line, column) from exc
    except RecursionError as exc:
        raise ParseError("invalid TOML: nested too deeply to read", path, first_line) from exc


def _parse_json(front: str, path: Path | None, first_line: int) -> dict[str, Any]:
    try:
        data = json.loads(front)
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"invalid JSON: {exc.msg}", path, exc.lineno + first_line - 1, exc.colno
        ) from exc
    except RecursionError as exc:
        raise ParseError("invalid JSON: nested too deeply to read", path, first_line) from exc
    if not isinstance(data, dict):
        raise ParseError("JSON front matter must be an object", path, first_line, 1)
    return data


def load_bytes(data: bytes, path: Path | None = None) -> tuple[SplitText, dict[str, Any], bool]:
    """Decode, split and parse a file's bytes -> (split, data, had_bom)."""
    text, had_bom = decode(data, path)
    parts = split(text, path)
    if parts.format == "yaml":
        parsed = parse_yaml(parts.front, path, parts.front_line)
    elif parts.format in ("toml", "json"):
        read = _parse_toml if parts.format == "toml" else _parse_json
        parsed = read(parts.front, path, parts.front_line)
        if _data_depth(parsed) > MAX_DEPTH:  # the same bound as YAML's, for all downstream
            kind = parts.format.upper()
            raise ParseError(_TOO_DEEP.replace("YAML", kind), path, parts.front_line)
    else:
        parsed = {}
    return parts, parsed, had_bom


def _data_depth(value: Any) -> int:
    """How many collections deep ``value`` nests (counted without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, level + 1) for child in item)
        else:
            continue
        deepest = max(deepest, level)
    return deepest

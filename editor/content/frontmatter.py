"""Reading front matter: decode bytes, find the front matter's exact span, parse it.

python-frontmatter finds the front matter but throws away where it was; the writer
needs the exact text of the opening line, the front matter, the closing line and the
body (``prefix + front + closing + body == text``), so the split is done here by hand
with python-frontmatter's delimiter conventions (``---`` YAML, ``+++`` TOML, a
leading ``{ ... }`` JSON object). PyYAML silently keeps the last of two equal keys;
YAML forbids them (and Hugo and gray-matter reject such files), so the loader here
refuses them while it constructs each mapping - no second parse.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

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
    """Safe loader that reports the second of two equal keys instead of keeping it."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                # construct_object caches per node, so the base class pays nothing twice.
                key = self.construct_object(key_node, deep=deep)
                try:
                    duplicate = key in seen
                    seen.add(key)
                except TypeError:  # unhashable: the base class reports it
                    continue
                if duplicate:
                    raise _DuplicateKeyError(key, key_node.start_mark)
        return super().construct_mapping(node, deep=deep)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # PyYAML's constructors raise plain ValueError/KeyError... for values such as
        # ``2024-02-30`` or ``!!int x``; give them the node's line:column instead.
        try:
            return super().construct_object(node, deep=deep)
        except _CONSTRUCT_ERRORS as exc:
            kind = str(node.tag).rsplit(":", 1)[-1]
            detail = f" ({exc})" if isinstance(exc, ValueError) else ""
            problem = f"{node.value!r} is not a valid {kind}{detail}"
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from exc


# What PyYAML's value constructors let escape for malformed scalars.
_CONSTRUCT_ERRORS = (ValueError, TypeError, AttributeError, KeyError, IndexError, OverflowError)


class _DuplicateKeyError(yaml.YAMLError):
    def __init__(self, key: Any, mark: yaml.Mark) -> None:
        super().__init__(f"duplicate key {key!r}")
        self.key = key
        self.mark = mark


# libyaml's composer recurses in C: some 20,000 nested levels crash the process
# (SIGSEGV, not an exception), so absurd nesting is refused before parsing.
MAX_FLOW_DEPTH = 500
MAX_BLOCK_PREFIX = 1000
_DEEP_BLOCK = re.compile(rf"^(?:[ \t]|[-?:](?=[ \t]|$)){{{MAX_BLOCK_PREFIX}}}", re.MULTILINE)
_FLOW_BRACKET = re.compile(r"[\[\]{}]")


def check_nesting(front: str, path: Path | None = None, first_line: int = 1) -> None:
    """Refuse front matter nested deeper than any real entry (a crash, not an error, in C)."""
    deep = _DEEP_BLOCK.search(front)
    if deep is not None:
        line = front.count("\n", 0, deep.start()) + first_line
        raise ParseError("invalid YAML: nested too deeply to read", path, line, 1)
    if front.count("[") + front.count("{") <= MAX_FLOW_DEPTH:
        return
    depth = 0
    for bracket in _FLOW_BRACKET.finditer(front):
        depth = depth + 1 if bracket.group() in "[{" else max(depth - 1, 0)
        if depth > MAX_FLOW_DEPTH:
            line = front.count("\n", 0, bracket.start()) + first_line
            column = bracket.start() - front.rfind("\n", 0, bracket.start())
            raise ParseError("invalid YAML: nested too deeply to read", path, line, column)


def parse_yaml(front: str, path: Path | None = None, first_line: int = 1) -> dict[str, Any]:
    """YAML front matter -> mapping; every problem becomes a ParseError at the file's line."""
    check_nesting(front, path, first_line)
    try:
        data = yaml.load(front, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except _DuplicateKeyError as exc:
        raise ParseError(
            f"duplicate key {exc.key!r}", path, exc.mark.line + first_line, exc.mark.column + 1
        ) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise ParseError(
            f"invalid YAML: {message}",
            path,
            mark.line + first_line if mark else first_line,
            mark.column + 1 if mark else None,
        ) from exc
    except yaml.YAMLError as exc:  # reader errors (control characters) and the like
        raise ParseError(f"invalid YAML: {exc}", path, first_line) from exc
    except _CONSTRUCT_ERRORS as exc:  # a constructor outside construct_object
        raise ParseError(f"invalid YAML: {exc}", path, first_line) from exc
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
    elif parts.format == "toml":
        parsed = _parse_toml(parts.front, path, parts.front_line)
    elif parts.format == "json":
        parsed = _parse_json(parts.front, path, parts.front_line)
    else:
        parsed = {}
    return parts, parsed, had_bom

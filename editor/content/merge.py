"""Three-way merge of one entry: front matter key by key, lists item by item, body by line.

Why by hand: git merges files line by line, so two editors changing different fields of
one entry conflict whenever the fields' lines touch (``seo.title`` and
``seo.page_description`` sit next to each other), and a conflict leaves ``<<<<<<<``
markers inside YAML that no form can open. Merging the parsed data instead makes two
changes to different fields always merge; only the same field changed two ways is a
conflict, returned per field (:class:`FieldConflict`), never as markers in YAML.

The merged text starts from *ours*: each top-level key whose merged value is exactly
*theirs* (they changed it, we did not) is copied as their lines, so each side keeps its
own formatting of the lines it changed; keys both sides changed in different places
(``seo`` with ours changing the title and theirs the description, an FAQ item edited on
one side and one added on the other) are then patched by the byte-preserving writer
(:func:`editor.content.writer.update_text`), which also verifies that the text reads
back as the merged data. Lists are merged as sequences (diff3 over their items), so an
item added on one side and another edited on the other both land; an item changed on
both sides is merged key by key. The body is merged line by line with the same diff3,
which is what ``git merge-file`` does.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import yaml

from editor.content import frontmatter
from editor.content.errors import ContentError
from editor.content.writer import same_data, update_text

__all__ = ["MISSING", "FieldConflict", "MergeError", "MergeResult", "merge_data", "merge_texts"]


class _Missing:
    """A key absent on one side (distinct from a key whose value is null)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing()
BODY: Final = "body"  # the conflict key of the Markdown body


class MergeError(ContentError):
    """The entry cannot be merged by field (a side does not parse, or is not YAML)."""


@dataclass(frozen=True)
class FieldConflict:
    """One field both sides changed differently: dotted ``key`` (``seo.title``,
    ``faq.2.answer``, ``body``) and each side's value (:data:`MISSING` when absent)."""

    key: str
    base: Any
    ours: Any
    theirs: Any
    merged_text: str | None = None  # the body with git-style markers, for editing


@dataclass
class MergeResult:
    """The merged entry: ``text`` with conflicting fields set to *ours* until resolved."""

    text: str
    data: dict[str, Any]
    body: str
    conflicts: list[FieldConflict] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.conflicts


# -- diff3 over any sequence -----------------------------------------------------------


@dataclass(frozen=True)
class Chunk:
    """A stretch of the merge: ``stable`` (all three agree) or each side's version."""

    stable: bool
    base: Sequence[Any]
    ours: Sequence[Any]
    theirs: Sequence[Any]


def _matches(base: Sequence[Hashable], side: Sequence[Hashable]) -> dict[int, int]:
    matcher = difflib.SequenceMatcher(None, base, side, autojunk=False)
    return {
        block.a + k: block.b + k
        for block in matcher.get_matching_blocks()
        for k in range(block.size)
    }


def diff3(
    base: Sequence[Any],
    ours: Sequence[Any],
    theirs: Sequence[Any],
    key: Callable[[Any], Hashable] = lambda x: x,
) -> list[Chunk]:
    """Split a three-way merge into stable and changed chunks (the classic diff3 walk)."""
    kb, ko, kt = [key(x) for x in base], [key(x) for x in ours], [key(x) for x in theirs]
    to_ours, to_theirs = _matches(kb, ko), _matches(kb, kt)
    chunks: list[Chunk] = []
    i = j = k = 0
    while True:
        x = i
        while x < len(base) and not (
            x in to_ours and x in to_theirs and to_ours[x] >= j and to_theirs[x] >= k
        ):
            x += 1
        if x >= len(base):
            if i < len(base) or j < len(ours) or k < len(theirs):
                chunks.append(Chunk(False, base[i:], ours[j:], theirs[k:]))
            return chunks
        if x > i or to_ours[x] > j or to_theirs[x] > k:
            chunks.append(Chunk(False, base[i:x], ours[j : to_ours[x]], theirs[k : to_theirs[x]]))
            i, j, k = x, to_ours[x], to_theirs[x]
        start = i
        while i < len(base) and to_ours.get(i) == j and to_theirs.get(i) == k:
            i, j, k = i + 1, j + 1, k + 1
        chunks.append(Chunk(True, base[start:i], base[start:i], base[start:i]))


# -- merging data ------------------------------------------------------------------------


def value_token(value: Any) -> str:
    """A hashable stand-in for a YAML value (type-exact, as :func:`same_data` compares)."""
    return json.dumps(_tagged(value), sort_keys=True, ensure_ascii=False)


def _tagged(value: Any) -> Any:
    if isinstance(value, dict):
        return {"d": [[value_token(k), _tagged(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return {"l": [_tagged(v) for v in value]}
    return [type(value).__name__, repr(value)]


def same_value(a: Any, b: Any) -> bool:
    if a is MISSING or b is MISSING:
        return a is b
    return same_data(a, b)


def dotted(prefix: str, key: Any) -> str:
    part = str(key).replace("\\", "\\\\").replace(".", "\\.")
    return f"{prefix}.{part}" if prefix else part


class _Merger:
    def __init__(self) -> None:
        self.conflicts: list[FieldConflict] = []

    def value(self, where: str, base: Any, ours: Any, theirs: Any) -> Any:
        if same_value(ours, theirs):
            return ours
        if same_value(base, ours):
            return theirs
        if same_value(base, theirs):
            return ours
        if isinstance(ours, dict) and isinstance(theirs, dict):
            return self.mapping(where, base if isinstance(base, dict) else {}, ours, theirs)
        if isinstance(ours, list) and isinstance(theirs, list) and isinstance(base, list):
            return self.sequence(where, base, ours, theirs)
        self.conflicts.append(FieldConflict(where, base, ours, theirs))
        return ours

    def mapping(
        self, where: str, base: dict[Any, Any], ours: dict[Any, Any], theirs: dict[Any, Any]
    ) -> dict[Any, Any]:
        merged: dict[Any, Any] = {}
        keys = list(ours) + [k for k in theirs if k not in ours]
        for key in keys:
            value = self.value(
                dotted(where, key), base.get(key, MISSING), ours.get(key, MISSING),
                theirs.get(key, MISSING),
            )  # fmt: skip
            if value is not MISSING:
                merged[key] = value
        return merged

    def sequence(
        self, where: str, base: list[Any], ours: list[Any], theirs: list[Any]
    ) -> list[Any] | Any:
        merged: list[Any] = []
        conflicts_before = len(self.conflicts)
        for chunk in diff3(base, ours, theirs, key=value_token):
            if chunk.stable or same_value(list(chunk.ours), list(chunk.theirs)):
                merged.extend(chunk.ours)
            elif same_value(list(chunk.base), list(chunk.ours)):
                merged.extend(chunk.theirs)
            elif same_value(list(chunk.base), list(chunk.theirs)):
                merged.extend(chunk.ours)
            elif len(chunk.base) == len(chunk.ours) == len(chunk.theirs):
                start = len(merged)
                for n, (b, o, t) in enumerate(
                    zip(chunk.base, chunk.ours, chunk.theirs, strict=True)
                ):
                    merged.append(self.value(dotted(where, start + n), b, o, t))
            elif (grown := _edited_and_grown(chunk)) is not None:
                merged.extend(grown)
            else:  # items added or removed on both sides at one place: the list conflicts
                del self.conflicts[conflicts_before:]
                self.conflicts.append(FieldConflict(where, base, ours, theirs))
                return ours
        return merged


def _subsequence(short: Sequence[Any], long: Sequence[Any]) -> list[int] | None:
    """Where each item of ``short`` sits in ``long`` (in order, equal), or None."""
    found: list[int] = []
    at = 0
    for item in short:
        while at < len(long) and not same_value(long[at], item):
            at += 1
        if at == len(long):
            return None
        found.append(at)
        at += 1
    return found


def _edited_and_grown(chunk: Chunk) -> list[Any] | None:
    """One side edited items in place while the other only inserted items around them
    (an FAQ answer edited here, a new question added there): both changes, merged."""
    for edited, grown in ((chunk.ours, chunk.theirs), (chunk.theirs, chunk.ours)):
        if len(edited) != len(chunk.base):
            continue
        places = _subsequence(chunk.base, grown)
        if places is None:
            continue
        result = list(grown)
        for n, at in enumerate(places):
            result[at] = edited[n]
        return result
    return None


def merge_data(
    base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any]
) -> tuple[dict[str, Any], list[FieldConflict]]:
    """Merge three versions of front matter; conflicting fields keep *ours*."""
    merger = _Merger()
    merged = merger.mapping("", base, ours, theirs)
    return merged, merger.conflicts


def merge_lines(base: str, ours: str, theirs: str) -> tuple[str, str | None]:
    """Line merge as git does: (merged text, None) or (ours, text with conflict markers)."""
    chunks = diff3(
        base.splitlines(keepends=True),
        ours.splitlines(keepends=True),
        theirs.splitlines(keepends=True),
    )
    out: list[str] = []
    marked: list[str] = []
    conflict = False
    for chunk in chunks:
        if chunk.stable or chunk.theirs in (chunk.ours, chunk.base):
            out.extend(chunk.ours)
            marked.extend(chunk.ours)
        elif chunk.base == chunk.ours:
            out.extend(chunk.theirs)
            marked.extend(chunk.theirs)
        else:
            conflict = True
            marked.append("<<<<<<< ours\n")
            marked.extend(_ended(chunk.ours))
            marked.append("=======\n")
            marked.extend(_ended(chunk.theirs))
            marked.append(">>>>>>> theirs\n")
    if conflict:
        return ours, "".join(marked)
    return "".join(out), None


def _ended(lines: Sequence[str]) -> list[str]:
    return [line if line.endswith("\n") else line + "\n" for line in lines]


# -- merging texts -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Side:
    text: str
    parts: frontmatter.SplitText
    data: dict[str, Any]


def _read(text: str, name: str) -> _Side:
    try:
        parts = frontmatter.split(text)
        if parts.format != "yaml":
            raise MergeError(f"{name}: only YAML front matter is merged by field")
        data = frontmatter.parse_yaml(parts.front, None, parts.front_line)
    except MergeError:
        raise
    except ContentError as exc:
        raise MergeError(f"{name}: {exc}") from exc
    return _Side(text, parts, data)


def _key_spans(side: _Side) -> dict[Any, tuple[int, int]]:
    """Each top-level key's lines in the front matter: (start offset, end offset)."""
    front = side.parts.front
    try:
        node = yaml.compose(front, Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, AttributeError):
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    starts = [0]
    for pos, char in enumerate(front):
        if char == "\n":
            starts.append(pos + 1)
    keys = [(k.value, k.start_mark.line) for k, _ in node.value]
    if len({k for k, _ in keys}) != len(keys) or any(line >= len(starts) for _, line in keys):
        return {}
    if any(not isinstance(k, str) or k.startswith("?") for k, _ in keys):
        return {}
    spans: dict[Any, tuple[int, int]] = {}
    for n, (key, line) in enumerate(keys):
        end = starts[keys[n + 1][1]] if n + 1 < len(keys) else len(front)
        spans[key] = (starts[line], end)
    # Only a mapping whose keys each start a line at column 0 is cut this way.
    for key, (start, _) in spans.items():
        if not front.startswith(key, start) and not front.startswith(("'", '"'), start):
            return {}
    return spans


def _splice(ours: _Side, theirs: _Side, base: dict[str, Any], merged: dict[str, Any]) -> str:
    """Ours' text with the top-level keys merged to *theirs* copied as their lines."""
    ours_spans, theirs_spans = _key_spans(ours), _key_spans(theirs)
    if not ours_spans or not theirs_spans:
        return ours.text
    newline = ours.parts.newline
    front = ours.parts.front
    taken = {
        key
        for key, value in merged.items()
        if key in theirs_spans
        and key in theirs.data
        and same_value(value, theirs.data[key])
        and not same_value(value, ours.data.get(key, MISSING))
        and (key in ours_spans or key not in ours.data)
    }
    if not taken:
        return ours.text

    def their_lines(key: Any) -> str:
        start, end = theirs_spans[key]
        piece = theirs.parts.front[start:end].replace("\r\n", "\n")
        if not piece.endswith("\n"):
            piece += "\n"
        return piece.replace("\n", newline)

    pieces: list[tuple[Any, str]] = []
    order = list(ours_spans)
    for key in order:
        start, end = ours_spans[key]
        text = front[start:end]
        if key in taken:
            ended = text.endswith(("\n", "\r"))
            text = their_lines(key)
            if not ended:
                text = text.removesuffix(newline)
        pieces.append((key, text))
    # Keys only theirs has go after the key that precedes them in their file.
    theirs_order = list(theirs_spans)
    for key in theirs_order:
        if key not in taken or key in ours_spans:
            continue
        before = theirs_order[: theirs_order.index(key)]
        at = len(pieces)
        for prev in reversed(before):
            found = [n for n, (k, _) in enumerate(pieces) if k == prev]
            if found:
                at = found[0] + 1
                break
        else:
            at = len(pieces) if before else 0
        if at == len(pieces) and pieces and not pieces[-1][1].endswith("\n"):
            last_key, last_text = pieces[-1]
            pieces[-1] = (last_key, last_text + newline)
        pieces.insert(at, (key, their_lines(key)))
    text = "".join(t for _, t in pieces)
    if front.endswith("\n") and not text.endswith("\n"):
        text += newline
    elif not front.endswith("\n") and text.endswith(newline):
        text = text.removesuffix(newline)
    parts = ours.parts
    return parts.prefix + text + parts.closing + parts.body


def merge_texts(base: str, ours: str, theirs: str) -> MergeResult:
    """Merge three versions of one entry's text (see the module docstring).

    Raises :class:`MergeError` when a side cannot be merged by field; the caller then
    falls back to a line merge of the whole file.
    """
    b, o, t = _read(base, "base"), _read(ours, "ours"), _read(theirs, "theirs")
    data, conflicts = merge_data(b.data, o.data, t.data)
    body, marked = merge_lines(b.parts.body, o.parts.body, t.parts.body)
    if marked is not None:
        conflicts.append(FieldConflict(BODY, b.parts.body, o.parts.body, t.parts.body, marked))
    key_order = list(t.data) + [k for k in o.data if k not in t.data]
    try:
        start = _splice(o, t, b.data, data)
        text = update_text(start, data, body, key_order=_dotted_order(t.data, key_order))
    except ContentError as exc:
        try:  # the splice is an optimisation for formatting; the writer alone is enough
            text = update_text(ours, data, body, key_order=_dotted_order(t.data, key_order))
        except ContentError:
            raise MergeError(f"the merged entry cannot be written: {exc}") from exc
    return MergeResult(text, data, body, conflicts)


def _dotted_order(data: dict[str, Any], top: list[str]) -> list[str]:
    """Key order for new keys: theirs' top-level and nested order (``seo.title``)."""
    order = list(top)
    for key, value in data.items():
        if isinstance(value, dict):
            order.extend(f"{key}.{sub}" for sub in value if isinstance(sub, str))
    return order


def resolve(result: MergeResult, choices: dict[str, Any]) -> str:
    """The merged text with each conflict set to the chosen value (``MISSING`` removes).

    ``choices`` maps a conflict's key to its value; :data:`BODY` takes the body text.
    """
    from editor.content.document import delete_path, set_path

    data: dict[str, Any] = _copy(result.data)
    body = result.body
    for key, value in choices.items():
        if key == BODY:
            body = value
        elif value is MISSING:
            delete_path(data, key)
        else:
            set_path(data, key, value)
    return update_text(result.text, data, body, key_order=list(data))


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value

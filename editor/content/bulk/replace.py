"""Find and replace across the glossary: candidates, a preview of every match, a plan.

The steps are kept apart so the window can run the slow one off its thread and show
each in turn: :func:`candidates` narrows the files (the corpus index's search text, or
a quick byte search of the raw files), :func:`iter_preview` reads and matches them one
by one (a generator, so a worker can stop it and report progress), and :func:`plan`
turns the matches the editor kept into verified new bytes per file (through the
byte-preserving writer, so only the lines of changed values change). Writing and undo
are :mod:`editor.content.bulk.batch`. Entries open with unsaved edits in the window
are matched in their edited state and changed there (``open_docs``), never on disk.
"""

from __future__ import annotations

import copy
import difflib
import os
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from editor.content import fast_yaml, frontmatter
from editor.content.atomic import fingerprint
from editor.content.bulk.batch import BatchError, FileChange, Problem
from editor.content.bulk.candidates import (
    Corpus,
    StrPath,
    candidate_files,
    candidates,
    read_raw,
    same_name,
)
from editor.content.bulk.key_lines import NO_KEYS, ReadPlan, read_keys, read_plan
from editor.content.bulk.pattern import (
    CompiledFind,
    FindOptions,
    compile_find,
)
from editor.content.bulk.scope import BODY, Parts, Scope, dotted, string_values
from editor.content.document import BOM, Entry, parse_entry, planned_bytes, read_bytes
from editor.content.errors import ContentError
from editor.content.gc_pause import gc_paused

__all__ = [
    "Corpus",
    "EntryMatches",
    "Match",
    "Plan",
    "Preview",
    "candidates",
    "iter_preview",
    "plan",
    "preview",
]

CONTEXT = 40  # characters of context shown on each side of a match

OpenDocs = Mapping[Path, tuple[Mapping[str, Any], str | None]]


# Slots: a preview of 26k entries stays in the window, and the full collection due after
# it walks each entry and match; without an instance dict each is one object to walk.
@dataclass(frozen=True, slots=True)
class Match:
    """One match: where (``field`` dotted, or ``body``), what, and what replaces it."""

    field: str
    parts: Parts | None  # the value's path in the data; None for the body
    start: int
    end: int
    found: str
    replacement: str
    before: str  # context on the left, on one line
    after: str

    @property
    def in_body(self) -> bool:
        return self.parts is None


@dataclass(slots=True)
class EntryMatches:
    """The matches in one entry, with the text they were found in.

    A partly read entry (``partial``: only the keys in scope were read, see
    :func:`_partial_matches`) holds neither a data dictionary nor the file's bytes, only
    their size and hash (and its title, when read, for the table): :meth:`read_again`
    reads the file again at apply and checks it is the one previewed, and :attr:`data`
    reads the same keys from it. A 26k-entry preview held 26k dictionaries (a sixth of
    the ~160k objects the full collection after it walks on the GUI thread, 65-110 ms)
    and ~130 MB of bytes, each read into new memory (~0.3 s of the preview)."""

    path: Path
    _data: dict[str, Any] | None  # None: read again from the file (a partial entry)
    body: str
    matches: list[Match]
    entry: Entry | None = None  # as loaded from disk; None when open in the window
    raw: bytes = b""  # the file's bytes when loaded (not kept for a partial entry)
    partial: bool = False  # the data is only the keys in ``keys`` (see ``_partial_matches``)
    keys: ReadPlan = field(default_factory=lambda: NO_KEYS)  # the keys read (a partial entry)
    size: int = 0  # a partial entry's file: its size and hash when previewed (``hash``, not
    digest: int = 0  # zlib.crc32, which lets the GIL go for 5 KB and more: see read_raw)
    title: Any = None  # a partial entry's ``title``, when in the keys read

    @property
    def data(self) -> dict[str, Any]:
        """The data the matches were found in (for a partial entry, the keys in scope)."""
        if self._data is not None:
            return self._data
        return self._read_keys(self.read_again())

    def read_again(self) -> bytes:
        """The file's bytes, read again for a partial entry: :class:`ContentError` when
        it cannot be read or is no longer the file previewed."""
        if not self.partial or self.raw:
            return self.raw
        try:
            raw = read_raw(self.path)
        except OSError as exc:
            raise ContentError(f"cannot read the file again: {exc.strerror or exc}") from exc
        if len(raw) != self.size or hash(raw) != self.digest:
            raise ContentError("the file changed on disk since the preview; preview again")
        return raw

    def _read_keys(self, raw: bytes) -> dict[str, Any]:
        found = read_keys(raw, self.path, self.keys)
        if found is None:  # the same bytes read the same way: cannot happen
            raise ContentError("the file reads differently from its preview; preview again")
        return found[1]

    def top_value(self, key: str) -> Any:
        """The top-level ``key``'s value, None when absent or not read (a partial entry
        has read only its keys in scope: nothing is read again to say so, nor for its
        title, which it keeps)."""
        if self._data is None:
            if key == "title":
                return self.title
            if key not in self.keys:
                return None
        return self.data.get(key)

    @property
    def in_editor(self) -> bool:
        return self.entry is None and not self.partial


@dataclass
class Preview:
    """Every match of a request, entry by entry, and the files that could not be read."""

    options: FindOptions
    entries: list[EntryMatches] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    scanned: int = 0

    @property
    def match_count(self) -> int:
        return sum(len(e.matches) for e in self.entries)

    @property
    def file_count(self) -> int:
        return len(self.entries)


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    left = text[max(0, start - CONTEXT) : start]
    right = text[end : end + CONTEXT]
    if "\n" in text or "\r" in text:  # most values (titles) are one line: no copies
        return _one_line(left), _one_line(right)
    return left, right


def _one_line(text: str) -> str:
    return text.replace("\r", "").replace("\n", "⏎")


def find_matches(
    compiled: CompiledFind, scope: Scope, data: Mapping[str, Any], body: str | None
) -> list[Match]:
    """Every match in ``data``'s text values (in file order) and then in ``body``."""
    found: list[Match] = []
    search = compiled.pattern.finditer
    if scope.front_matter:
        for parts, value in string_values(data, scope=scope):
            for m in search(value):
                before, after = _context(value, m.start(), m.end())
                found.append(
                    Match(dotted(parts), parts, m.start(), m.end(), m.group(),
                          compiled.expand(m), before, after)
                )  # fmt: skip
    if scope.body and body:
        for m in search(body):
            before, after = _context(body, m.start(), m.end())
            found.append(
                Match(BODY, None, m.start(), m.end(), m.group(), compiled.expand(m), before, after)
            )
    return found


def iter_preview(
    paths: Iterable[StrPath],
    options: FindOptions,
    scope: Scope,
    *,
    open_docs: OpenDocs | None = None,
    skipped: list[Problem] | None = None,
    partial: bool = False,
) -> Generator[EntryMatches | None, None, None]:
    """Read and match each file; yields its matches, or None for a file without any.

    Files open with unsaved edits (``open_docs``: path -> data, body; the paths as the
    candidates name them, folder / relative path) are
    matched in their edited state. Unreadable, unparseable and read-only files are
    added to ``skipped`` with the reason. With ``partial`` (for files the index found
    to parse), a scope of named fields reads only those fields' lines of each file.
    Paths may be strings (:func:`candidate_files`): a ``Path`` is made only for a file
    with matches.
    """
    # The collector is off meanwhile: the matches are ~10 objects a file, none in a
    # cycle, and the collections they set off walked every object of the process
    # (26k files at 50k entries: 1.14-1.32 s of CPU with them, 0.92-1.02 s without).
    with gc_paused("old"):
        yield from _iter_preview(paths, options, scope, open_docs, skipped, partial)


def _iter_preview(  # noqa: PLR0917 - iter_preview's arguments
    paths: Iterable[StrPath],
    options: FindOptions,
    scope: Scope,
    open_docs: OpenDocs | None,
    skipped: list[Problem] | None,
    partial: bool,
) -> Iterator[EntryMatches | None]:
    compiled = compile_find(options)
    docs = {same_name(os.fspath(p)): (p, doc) for p, doc in (open_docs or {}).items()}
    keys = read_plan(scope) if partial else None
    for name in paths:
        if docs:
            opened = docs.get(same_name(os.fspath(name)))
            if opened is not None:
                yield _open_doc_matches(opened[0], *opened[1], compiled, scope)
                continue
        if keys is not None:
            found = _partial_matches(name, keys, compiled, scope)
            if not isinstance(found, bool):
                yield found
                continue
        path = name if isinstance(name, Path) else Path(name)
        try:
            raw = read_bytes(path)
            entry = load_fast(raw, path)
        except ContentError as exc:
            if skipped is not None:
                skipped.append(Problem(path, exc.message))
            yield None
            continue
        if not scope.wants_entry(entry.data):
            yield None
            continue
        matches = find_matches(compiled, scope, entry.data, entry.body)
        if matches and entry.read_only_reason is not None:
            if skipped is not None:
                skipped.append(Problem(path, entry.read_only_reason))
            yield None
            continue
        yield EntryMatches(path, entry.data, entry.body, matches, entry, raw) if matches else None


def _open_doc_matches(
    path: Path, data: Mapping[str, Any], body: str | None, compiled: CompiledFind, scope: Scope
) -> EntryMatches | None:
    """The matches in an entry open with unsaved edits, in its edited state."""
    if not scope.wants_entry(data):
        return None
    matches = find_matches(compiled, scope, data, body)
    return EntryMatches(path, dict(data), body or "", matches) if matches else None


def _partial_matches(
    name: StrPath, keys: ReadPlan, compiled: CompiledFind, scope: Scope
) -> EntryMatches | bool | None:
    """The matches in the keys in scope, reading only their lines; False when the file
    must be read whole instead (its layout is unusual, or the slice does not parse).

    Most of a preview's time is reading front matter it does not need: for a change to
    ``seo.title`` in 50k entries that is 60 lines parsed for 3. The slice of a file that
    parses is read the same way as the whole (plain top-level keys in block style: each
    key's value is its own lines), and :func:`plan` reads the whole file again and checks
    each value matched is the same there before anything is written.
    """
    try:
        raw = read_raw(name)
    except OSError:
        return False  # read it the usual way, for the message
    found = read_keys(raw, name, keys)
    if found is None:
        return False
    text, data = found
    if not scope.wants_entry(data):
        return None
    body = ""
    if scope.body:  # after the closing line, as ``frontmatter.split`` cuts it
        front = fast_yaml.quick_front(text) or ""
        end = text.find("\n", 4 + len(front))
        body = text[end + 1 :] if end >= 0 else ""
    matches = find_matches(compiled, scope, data, body)
    if not matches:
        return None
    path = name if isinstance(name, Path) else Path(name)
    title = data.get("title") if "title" in keys else None
    return EntryMatches(
        path, None, body, matches, None, b"", True, keys, len(raw), hash(raw), title
    )


def load_fast(raw: bytes, path: Path) -> Entry:
    """:func:`parse_entry`, with the front matter read by :mod:`fast_yaml` where that is
    provably PyYAML's answer: a third of the time per file (0.2 against 0.6 ms here),
    which is most of a preview's. Anything else goes the usual way, errors included."""
    try:
        text, bom = frontmatter.decode(raw, path)
        parts = frontmatter.split(text, path)
    except ContentError:
        return parse_entry(raw, path)  # for its message
    data = fast_yaml.try_fast(parts.front) if parts.format == "yaml" else None
    if data is None:
        return parse_entry(raw, path)
    return Entry(path, data, parts.body, text, bom, "yaml", fingerprint(raw))


def preview(
    folder: Path,
    options: FindOptions,
    scope: Scope | None = None,
    *,
    index: Corpus | None = None,
    open_docs: OpenDocs | None = None,
) -> Preview:
    """Every match of ``options`` in ``folder`` (the whole job at once; see the module)."""
    compile_find(options)  # a bad pattern fails before any file is read
    scope = scope if scope is not None else Scope()
    result = Preview(options)
    paths = candidate_files(
        folder, options, scope, index=index, open_docs=(open_docs or {}).keys(),
        skipped=result.skipped,
    )  # fmt: skip
    result.scanned = len(paths)
    found_all = iter_preview(
        paths, options, scope, open_docs=open_docs, skipped=result.skipped,
        partial=index is not None,
    )  # fmt: skip
    for found in found_all:
        if found is not None:
            result.entries.append(found)
    return result


# -- applying: the kept matches -> new values -> verified bytes


def replaced(found: EntryMatches, keep: Callable[[int], bool]) -> tuple[dict[str, Any], str]:
    """The entry's data and body with the kept matches (by position) replaced."""
    by_value: dict[Parts | None, list[Match]] = {}
    for i, match in enumerate(found.matches):
        if keep(i):
            by_value.setdefault(match.parts, []).append(match)
    data = copy.deepcopy(found.data)
    body = found.body
    for parts, matches in by_value.items():
        if parts is None:
            body = _splice(body, matches)
            continue
        container: Any = data
        for part in parts[:-1]:
            container = container[part]
        container[parts[-1]] = _splice(container[parts[-1]], matches)
    return data, body


def _splice(text: str, matches: list[Match]) -> str:
    pieces, last = [], 0
    for m in matches:  # in order and not overlapping, as finditer gave them
        pieces.append(text[last : m.start])
        pieces.append(m.replacement)
        last = m.end
    pieces.append(text[last:])
    return "".join(pieces)


@dataclass
class Plan:
    """What applying will do: file changes to write, and edits for open entries."""

    changes: list[FileChange] = field(default_factory=list)
    in_editor: dict[Path, tuple[dict[str, Any], str]] = field(default_factory=dict)
    match_count: int = 0

    def diff(self, root: Path | None = None) -> str:
        """The unified diff of every file change (what ``--dry-run`` prints), file names
        relative to ``root`` when given."""
        return "".join(file_diff(c, root) for c in self.changes)


def file_diff(change: FileChange, root: Path | None = None) -> str:
    """The unified diff of one change, as ``git diff`` names files (``a/``, ``b/``)."""
    old = change.old.decode("utf-8", "surrogateescape").removeprefix(BOM)
    new = change.new.decode("utf-8", "surrogateescape").removeprefix(BOM)
    name = change.path.as_posix()
    if root is not None and change.path.is_relative_to(root):
        name = change.path.relative_to(root).as_posix()
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{name}", f"b/{name}"
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


Selection = Mapping[Path, Iterable[int]]


def _whole(found: EntryMatches) -> EntryMatches:
    """A partly read entry read whole (the file read again, checked to be the one
    previewed), its matched values checked."""
    raw = found.read_again()
    entry = parse_entry(raw, found.path)
    seen = found._read_keys(raw)  # (the same bytes: once, not once a match)
    for match in found.matches:
        if match.parts is not None and _value_at(entry.data, match.parts) != _value_at(
            seen, match.parts
        ):
            raise ContentError("the file reads differently from its preview; preview again")
    return EntryMatches(found.path, entry.data, entry.body, found.matches, entry, raw)


def _value_at(data: Any, parts: Parts) -> Any:
    for part in parts:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def plan(result: Preview, selection: Selection | None = None) -> Plan:
    """Verified new bytes for every entry with kept matches (all, without ``selection``).

    Every entry is planned before any is written; a change the writer cannot make
    exactly (the new text would not read back as intended) raises :class:`BatchError`
    naming each such file, and nothing is written.
    """
    out = Plan()
    problems: list[Problem] = []
    for found in result.entries:
        if selection is None:
            kept: set[int] | None = None
        else:
            kept = set(selection.get(found.path, ()))
            if not kept:
                continue
        keep = (lambda _i: True) if kept is None else kept.__contains__
        count = sum(1 for i in range(len(found.matches)) if keep(i))
        if not count:
            continue
        if found.partial:
            try:
                whole = _whole(found)
            except ContentError as exc:
                problems.append(Problem(found.path, exc.message))
                continue
        else:
            whole = found
        data, body = replaced(whole, keep)
        out.match_count += count
        if whole.entry is None:
            out.in_editor[found.path] = (data, body)
            continue
        try:
            new = planned_bytes(whole.entry, data, body)
        except ContentError as exc:
            problems.append(Problem(found.path, f"the new text cannot be saved: {exc.message}"))
            continue
        if new != whole.raw:
            out.changes.append(FileChange(found.path, whole.raw, new))
    if problems:
        noun = "file" if len(problems) == 1 else "files"
        summary = f"nothing was changed: {len(problems)} {noun} cannot be replaced"
        raise BatchError(summary, problems)
    return out

"""Which files a find may match in: a superset, found fast, never missing one.

The corpus index's search text (every front-matter value, lower-cased) answers for the
front matter, its records for schema and subject; the body, which the index does not
hold, is looked for in the raw bytes. At 50k entries this is what keeps a preview to
the files that matter (:mod:`editor.content.bulk.replace` matches them).
"""

from __future__ import annotations

import bisect
import errno
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import ParamSpec, TypeVar

from editor.content.bulk.batch import Problem
from editor.content.bulk.pattern import FindOptions, index_phrases, index_terms
from editor.content.bulk.scope import Scope
from editor.content.index import CorpusIndex, IndexSnapshot, scan_folder
from editor.content.safe_read import MAX_CONTENT_BYTES, OPEN_FLAGS
from editor.content.search import SearchText
from editor.content.text_file import release

__all__ = [
    "Corpus",
    "StrPath",
    "candidate_files",
    "candidates",
    "path_order",
    "read_raw",
    "same_name",
]

FIRST_READ = 1 << 16  # bytes read at once: most entries are 2-10 KB
SCAN_SLICE = 4 << 20  # bytes of the index's text searched (then released) at a time
# Characters YAML may write differently from the value (quotes, escapes): a term
# holding one cannot be looked for in a file's raw bytes.
_NOT_RAW = frozenset("'\"\\")

StrPath = str | Path
P = TypeVar("P", str, Path)
Params = ParamSpec("Params")
# The index a search reads: live, or as it was when a job started (another thread's
# updates cannot change what the job sees: see :class:`IndexSnapshot`).
Corpus = CorpusIndex | IndexSnapshot


def candidate_files(
    folder: Path,
    options: FindOptions,
    scope: Scope,
    *,
    index: Corpus | None = None,
    open_docs: Iterable[Path] = (),
    skipped: list[Problem] | None = None,
) -> list[str]:
    """The files that may hold a match, as path strings (``os.fspath`` of the folder /
    relative path) in path order; never misses one, may hold extra.

    With an index, its search text (every value, lower-cased) answers for the front
    matter and its records for the schema and subject; the body, which the index does
    not hold, is looked for in the raw bytes. Without one, the raw bytes answer for both
    when the words to find hold no quote or backslash (which YAML may escape).

    Strings, because that is what a preview reads: at 50k entries 26k ``Path`` objects
    made, compared to sort and turned back into strings to open cost ~0.15 s of a 1.2 s
    preview; a preview makes a ``Path`` only for a file that matches.
    """
    terms = index_terms(options)
    open_names = {same_name(os.fspath(p)): p for p in open_docs}
    names: list[str]
    if index is not None:
        # one moment's rows throughout: the records, the rows found in the text
        index = index if isinstance(index, IndexSnapshot) else IndexSnapshot.of(index)
        root = _root(index.folder)
        rels = index_candidates_of(index, terms, index_phrases(options), scope, skipped)
        names = [root + _native(rel) for rel in rels]
        if scope.body and terms is not None:
            chosen = set(rels)
            rest = [root + _native(rel) for rel in index.paths if rel not in chosen]
            names.extend(raw_candidates(rest, terms, body_only=True))
        elif scope.body:
            names = [root + _native(rel) for rel in index.paths]
    else:
        root = _root(folder)
        names = [root + _native(rel) for rel, _, _ in scan_folder(folder, stat=False)]
        if terms is not None and not any(_NOT_RAW.intersection(t) for t in terms):
            names = list(raw_candidates(names, terms, body_only=False))
    if scope.paths is not None:
        wanted = {same_name(os.fspath(p)) for p in scope.paths}
        names = [name for name in names if same_name(name) in wanted]
    if open_names:
        known = {same_name(name) for name in names}
        names.extend(
            os.fspath(p)
            for name, p in open_names.items()
            if name not in known and scope.wants_path(p)
        )
    return sorted(names, key=path_order)


def _as_paths(find: Callable[Params, list[str]]) -> Callable[Params, list[Path]]:
    def as_paths(*args: Params.args, **kwargs: Params.kwargs) -> list[Path]:
        return [Path(name) for name in find(*args, **kwargs)]

    as_paths.__doc__ = "The files :func:`candidate_files` names, as ``Path`` objects."
    return as_paths


candidates = _as_paths(candidate_files)


def _root(folder: Path) -> str:
    """The folder's path string ending in a separator: a file's name is this + its
    relative path, as ``folder / rel`` would print it (``Path(".") / "a.md"`` is
    ``a.md``)."""
    text = os.fspath(folder)
    if text == os.curdir:
        return ""
    return text if text.endswith(os.sep) else text + os.sep


same_name = os.path.normcase
"""A file's name as two names of it compare, as ``Path`` objects do: case-blind on
Windows, as it is elsewhere."""


if os.sep == "/":

    def _native(rel: str) -> str:
        return rel

    def path_order(name: str) -> list[str]:
        """The sort key that orders path strings as ``Path`` objects order (part by part:
        ``a/x`` before ``a-b/x``, which plain string order puts after)."""
        return name.split("/")

else:  # pragma: no cover - Windows

    def _native(rel: str) -> str:
        return rel.replace("/", os.sep)

    def path_order(name: str) -> list[str]:
        return name.lower().split(os.sep)  # noqa: PTH206 - a string, not a Path, is the point


def index_candidates_of(
    index: IndexSnapshot,
    terms: list[str] | None,
    phrases: list[bytes],
    scope: Scope,
    skipped: list[Problem] | None,
) -> list[str]:
    records, store = index.records, index.text
    rows: Iterable[int]
    rest = phrases
    if phrases:  # the longest phrase found in the text itself; the others checked after
        longest = max(phrases, key=len)
        rows = phrase_rows(store, longest)
        rest = [p for p in phrases if p != longest]
        rest += [t.encode() for t in terms or () if t.encode() not in longest]
    else:
        rows = index.search(" ".join(terms)) if terms is not None else range(len(records))
    out = []
    for row in rows:
        record = records[row]
        error = record.error
        if error is not None:  # the file does not parse: nothing in it can be replaced
            if skipped is not None:
                skipped.append(Problem(index.folder / record.path, error.message))
            continue
        if rest:
            text = store.text_of(row)  # the snapshot's (a record reads the live text)
            if not all(phrase in text for phrase in rest):
                continue
        if scope.schema is not None and record.schema != scope.schema:
            continue
        if (
            scope.subject is not None
            and " ".join(record.subject.split()).casefold()
            != " ".join(scope.subject.split()).casefold()
        ):
            continue
        out.append(record.path)
    return out


def phrase_rows(store: SearchText, phrase: bytes) -> list[int]:
    """Rows whose search text holds ``phrase``, found by ``find`` over the store's whole
    text (each hit's row by bisection; overridden rows looked at apart).

    Asking the filter for the phrase's words and then each row's text for the phrase
    cost ~0.35 s for ``| QuickTakes`` at 50k entries (48k rows hold the word, 26k the
    phrase): slicing 48k texts out of the buffer. A phrase holds no line break, so a
    hit never spans two rows. A mapped text's pages are handed back slice by slice.
    """
    buffer, starts, overrides = store.buffer, store.starts, store.overrides
    size = starts[-1]
    rows: set[int] = set()
    pos = 0
    while pos < size:
        end = min(pos + SCAN_SLICE, size)
        at = buffer.find(phrase, pos, min(end + len(phrase), size))
        while at >= 0:
            row = bisect.bisect_right(starts, at) - 1
            if row not in overrides:
                rows.add(row)
            at = buffer.find(phrase, starts[row + 1], min(end + len(phrase), size))
        release(buffer, pos, end)
        pos = end
    rows.update(row for row, text in overrides.items() if phrase in text)
    return sorted(rows)


def raw_candidates(paths: Iterable[P], terms: list[str], *, body_only: bool) -> Iterator[P]:
    """Files whose bytes, ASCII lower-cased, hold every term (a superset of matches).

    ``body_only``: only the bytes from the first line that may close the front matter
    on (``---`` or ``...``) are looked at - the index answers for the front matter, and
    a body is a tenth of a file or less, so this is what keeps a scan of 50k files to
    its reading (~0.3 s warm) instead of lower-casing every byte (~1.5 s).
    """
    needles = [t.encode("ascii") for t in terms]
    for path in paths:
        try:
            raw = read_raw(path)
        except OSError:
            yield path  # let the preview report why it cannot be read
            continue
        if body_only:
            ends = [i for i in (raw.find(b"\n---", 3), raw.find(b"\n...", 3)) if i >= 0]
            raw = raw[min(ends) :] if ends else raw
        raw = raw.lower()
        if all(n in raw for n in needles):
            yield path


def read_raw(path: StrPath) -> bytes:
    """A file's bytes with the fewest system calls: open, one read, close.

    ``Path.read_bytes`` makes twice as many (a stat, reads until an empty one), and
    each call lets go of the GIL and must take it back: while the window's thread runs
    Python, that wait is a large part of a preview. A read that returns less than asked
    is taken for the end (a regular file gives less only there; were it not, the batch
    finds the file differs from what was read before it writes). Raises ``OSError`` for
    a file over :data:`MAX_CONTENT_BYTES` (the usual reader then says why).
    """
    fd = os.open(path, OPEN_FLAGS)  # a FIFO put in an entry's place cannot block it
    try:
        chunk = os.read(fd, FIRST_READ)
        if len(chunk) < FIRST_READ:
            return chunk
        chunks, total = [chunk], len(chunk)
        while chunk := os.read(fd, FIRST_READ):
            chunks.append(chunk)
            total += len(chunk)
            if total > MAX_CONTENT_BYTES:
                raise OSError(errno.EFBIG, "the file is too large to be a content file")
        return b"".join(chunks)
    finally:
        os.close(fd)

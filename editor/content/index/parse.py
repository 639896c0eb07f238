"""Reading, parsing and checking one file into its row (also run in worker processes).

Whatever goes wrong with one file is a ``parse-error`` in its own row: one hostile file
never stops the folder's check.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
from itertools import chain
from pathlib import Path
from typing import Any

from editor.content import fast_yaml, frontmatter
from editor.content.errors import ContentError, ParseError
from editor.content.index.chunks import ParsedChunk
from editor.content.index.records import BY_RANK, RANK
from editor.content.index.rows import FileParts
from editor.content.index.scan import Listed
from editor.content.read_ahead import READ_FLAGS, needs_reading_ahead, opened_ahead
from editor.content.safe_read import MAX_CONTENT_BYTES
from editor.content.schema import SchemaRegistry
from editor.content.search_rows import (
    collect_values,
    letter_mask,
    search_bytes,
    search_text,
    value_text,
)
from editor.content.seo import SeoConfig, finding_from_error
from editor.content.seo.link_rules import link_targets, links_read
from editor.content.seo.rules import FactsRow, check_entry_rows

log = logging.getLogger(__name__)

# Files over this are not read (a 20 GB sparse file named ``.md`` would be read whole):
# the one limit of every content reader (``safe_read``).
MAX_FILE_BYTES = MAX_CONTENT_BYTES


def read_file(
    path: str, size: int, mtime_ns: int, opened: int | OSError | None = None
) -> tuple[bytes, int, int]:
    """The file's bytes, size and mtime (from the open file when ``size`` is -1: not
    listed with a ``stat``); plain ``os.read`` saves the buffered reader's set-up.

    Reads regular files of at most MAX_FILE_BYTES only (:class:`ContentError` else).
    ``opened`` is the file already opened (and closed here), or the error opening it,
    from :func:`~editor.content.read_ahead.opened_ahead`."""
    if isinstance(opened, OSError):
        raise opened
    fd = os.open(path, READ_FLAGS) if opened is None else opened
    try:
        if size < 0:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise ContentError("not a regular file: only files are read as entries")
            size, mtime_ns = st.st_size, st.st_mtime_ns
        if size > MAX_FILE_BYTES:
            raise _too_big(size)
        data = os.read(fd, size + 1)
        if len(data) <= size:
            return data, size, mtime_ns
        chunks = [data]  # the file grew since it was listed
        read = len(data)
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
            read += len(chunk)
            if read > MAX_FILE_BYTES:
                raise _too_big(read)
        return b"".join(chunks), size, mtime_ns
    finally:
        os.close(fd)


def _too_big(size: int) -> ContentError:
    shown = f"{size / 1e9:,.1f} GB" if size >= 1e9 else f"{size / 1e6:,.1f} MB"
    return ContentError(
        f"the file is {shown}; entries over {MAX_FILE_BYTES // 2**20} MB are not read"
    )


def parse_file(  # noqa: PLR0917 - called per file from the workers
    folder: str,
    rel: str,
    size: int,
    mtime_ns: int,
    registry: SchemaRegistry,
    config: SeoConfig,
    opened: int | OSError | None = None,
) -> FileParts:
    """Read, parse and check one file into its parts; never raises for bad files.

    Whatever goes wrong with one file (a parse error, or anything unforeseen a hostile
    file sets off: RecursionError, MemoryError, ValueError...) is a ``parse-error`` in
    its own row, so every other entry of the folder is still checked.
    ``opened`` is the file's descriptor if it is open already (see :func:`read_file`)."""
    listed = size, mtime_ns  # the row of an unforeseen failure keeps the listed figures
    try:
        data: dict[str, Any] = {}
        try:
            try:
                raw, size, mtime_ns = read_file(f"{folder}{os.sep}{rel}", size, mtime_ns, opened)
            except OSError as exc:
                raise ContentError(
                    f"cannot read the file: {exc.strerror or exc}", Path(rel)
                ) from exc
            except ContentError as exc:
                raise ContentError(exc.message, Path(rel)) from exc
            try:
                text, _ = frontmatter.decode(raw)
            except ParseError:
                text, _ = frontmatter.decode(raw, Path(rel))  # again, to name the file
            texts = [rel]  # the search text's parts, gathered by the fast path's own walk
            front, fast = fast_yaml.fast_front(text, texts)  # quick_front, then try_fast
            if fast is not None:
                data = fast
            elif front is not None:
                data = frontmatter.parse_yaml(front, Path(rel), 2)
            else:
                where = Path(rel)
                parts = frontmatter.split(text, where)
                if parts.format == "yaml":
                    data = fast_yaml.load_front(parts.front, where, parts.front_line)
                elif parts.format != "none":
                    _, data, _ = frontmatter.load_bytes(raw, where)
        except ContentError as err:
            return error_parts(rel, size, mtime_ns, err, config)
        schema = registry.for_data(data, rel)
        findings, facts = check_entry_rows(data, schema, config, rel)
        if fast is None:
            texts = [rel]
            collect_values(data, texts)
        if links_read(config) and "](" in text:  # Markdown links, for the link rules
            facts = _with_link_targets(facts, texts[1:], text)  # after the SEO facts
        search = search_bytes(texts)
        # ``value_text`` of a string (the usual value) is its strip: no call for it
        get = data.get
        title = get(schema.title_key) if schema.title_key else ""
        subject, url = get("subject"), get("url")
        # Subjects and dates repeat from file to file: interned here, marshal keeps them
        # interned, so the main process gets one shared object each without any work.
        intern = sys.intern
        return (
            (
                rel, size, mtime_ns, schema.name,
                title.strip() if type(title) is str else value_text(title),
                intern(subject.strip() if type(subject) is str else value_text(subject)),
                url.strip() if type(url) is str else value_text(url),
                intern(value_text(get("date"))),
                BY_RANK[min([RANK[f[1]] for f in findings])] if findings else "",  # ``worst``
                tuple(chain.from_iterable(findings)), None,
            ),
            facts, search, letter_mask(search),
        )  # fmt: skip
    except Exception as exc:  # one file must never stop the folder's check
        log.info("%s: could not be checked", rel, exc_info=True)
        detail = str(exc)
        detail = detail if len(detail) <= 120 else detail[:117] + "..."
        failure = ContentError(
            f"could not be checked ({type(exc).__name__}{': ' if detail else ''}{detail})",
            Path(rel),
        )
        return error_parts(rel, *listed, failure, config)


def _with_link_targets(facts: FactsRow, values: list[str], text: str) -> FactsRow:
    """``facts`` with the entry's Markdown link targets (``seo/link_rules.py``) as one more
    column, when it has any. Kept apart from the search text, which the filter box and
    find/replace match: a search for "zopa" lists the entries that say it, not those
    merely linking to ``/glossary/zopa`` from their body."""
    try:
        body = frontmatter.split(text).body
    except ContentError:
        body = ""  # a file that does not split has no body
    targets = link_targets(values, body)
    return (*facts, targets) if targets else facts


def error_parts(
    rel: str, size: int, mtime_ns: int, err: ContentError, config: SeoConfig
) -> FileParts:
    """The row of a file that could not be read or parsed: one ``parse-error`` finding."""
    finding = finding_from_error(err, rel, config)
    error = (type(err).__name__, err.message, err.line, err.column)
    own = (finding.rule, finding.severity, rel, finding.field, finding.message,
           finding.line, finding.column)  # fmt: skip
    search = search_text(rel, {})
    return (
        (rel, size, mtime_ns, "", "", "", "", "", finding.severity, own, error),
        None, search, letter_mask(search),
    )  # fmt: skip


_WORKER: tuple[str, SchemaRegistry, SeoConfig] | None = None
# Where this worker appends its chunks' search texts (see _spill): folder, then the
# open file's descriptor and length once written to.
_SPILL: list[Any] = []


def parse_files(
    folder: str, items: list[Listed], registry: SchemaRegistry, config: SeoConfig
) -> ParsedChunk:
    """:func:`parse_file` of each ``(path, size, mtime)``, reading a few files ahead
    when some of them are not in the page cache (see :mod:`.read_ahead`)."""
    paths = [f"{folder}{os.sep}{rel}" for rel, _, _ in items]
    if not needs_reading_ahead(paths):
        return ParsedChunk.of(
            [parse_file(folder, rel, size, mtime, registry, config) for rel, size, mtime in items]
        )
    return ParsedChunk.of(
        [
            parse_file(folder, rel, size, mtime, registry, config, fd)
            for (rel, size, mtime), fd in zip(items, opened_ahead(paths), strict=True)
        ]
    )

"""The plain tuples a file's row travels as: from a worker, in the cache, to a record.

A worker sends each file as a :data:`ParsedRow` (marshal reads and writes plain tuples
several times faster than pickle, and rejects NamedTuples) and the cache stores the
same rows. They are fixed-length tuple aliases with ``Final`` index constants, so they
read like records and a type checker knows each field's type. Both the cache
(:mod:`editor.content.index_cache`) and the records (:mod:`.records`) stand on this
module, so neither needs the other's.
"""

from __future__ import annotations

from typing import Final

from editor.content.seo.rules import FactsRow

# Why a file could not be read or parsed: error class name, message, line, column.
ErrorRow = tuple[str, str, int | None, int | None]
# Findings' fields stored flat, one tuple per record (see ``records.grouped``).
FlatFindings = tuple[str | int | None, ...]
# One file as a worker sends it and the cache stores it: the record without its facts.
ParsedRow = tuple[
    str,  # path, relative, "/" separators
    int,  # size
    int,  # mtime_ns
    str,  # schema
    str,  # title
    str,  # subject
    str,  # url
    str,  # date
    str,  # severity of the per-entry findings
    FlatFindings,  # the per-entry findings
    ErrorRow | None,  # why the file could not be read or parsed
]
# The same with its SEO facts last (``EntryRecord.row``, what the cache is given).
RecordRow = tuple[
    str, int, int, str, str, str, str, str, str, FlatFindings, ErrorRow | None, FactsRow | None
]
ROW_PATH: Final = 0
ROW_SIZE: Final = 1
ROW_MTIME: Final = 2
ROW_SUBJECT: Final = 5
ROW_OWN: Final = 9
ROW_FACTS: Final = 11

# What parsing one file gives: its row, its facts, and its search text and letter mask
# (which go to the index's search buffer instead of the record). Kept apart so a chunk
# is packed without slicing every row.
FileParts = tuple[ParsedRow, FactsRow | None, bytes, int]

"""The corpus index of a content folder, one module a job.

- :mod:`.rows` — the typed row tuples a file travels as (worker, cache, record)
- :mod:`.records` — :class:`EntryRecord`, made from a row
- :mod:`.scan` — the folder scan (the names, quickly)
- :mod:`.parse` — reading, parsing and checking one file into its row
- :mod:`.chunks` — a chunk of parsed rows, packed to cross processes
- :mod:`.chunk_parser` — the protocol the index parses through, and the in-process parser
- :mod:`.pool` — the process-pool parser (workers, spill files, fork server)
- :mod:`.cached_findings` — an unchanged folder's findings from the cache, no record made
- :mod:`.cold_findings` — a cold build for the findings alone (``check``), no record made
- :mod:`.reconcile` — which rows the cache still answers for, and placing them in order
- :mod:`.state` — :class:`IndexState`: the rows, the search text and the corpus findings
- :mod:`.updates` — updates after files change: read on any thread, put in on the reader's
- :mod:`.corpus_index` — :class:`CorpusIndex`, which builds, caches and answers queries
- :mod:`.snapshot` — :class:`IndexSnapshot`, the index at one moment for another thread
"""

from editor.content.index.corpus_index import CorpusIndex, PreparedUpdate
from editor.content.index.parse import parse_file
from editor.content.index.records import EntryRecord, IndexChange, Progress
from editor.content.index.scan import scan_folder
from editor.content.index.snapshot import IndexSnapshot

__all__ = [
    "CorpusIndex",
    "EntryRecord",
    "IndexChange",
    "IndexSnapshot",
    "PreparedUpdate",
    "Progress",
    "parse_file",
    "scan_folder",
]

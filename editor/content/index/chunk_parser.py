"""How :class:`~editor.content.index.CorpusIndex` gets files parsed: a chunk parser.

The index hands a parser the files to parse and takes back, in the files' order,
:class:`ParsedChunk` s with :class:`Progress` steps between them. It does not know
whether they were parsed in this process (:class:`InProcessParser`, for small folders
and where no process pool can start) or in a pool
(:class:`~editor.content.index.pool.PoolParser`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from editor.content.index.chunks import ParsedChunk
from editor.content.index.parse import parse_files
from editor.content.index.records import Progress
from editor.content.index.scan import Listed
from editor.content.schema import SchemaRegistry
from editor.content.seo import SeoConfig

IN_PROCESS_CHUNK = 200  # files per chunk (and per progress step) in this process


class ChunkParser(Protocol):
    """Parses files into chunks, in order, with progress steps between them."""

    def chunks(self, todo: list[Listed], done: int, total: int) -> Iterator[ParsedChunk | Progress]:
        """Chunks of ``todo``'s rows in order; progress counts from ``done`` of ``total``."""
        ...


class InProcessParser:
    """Parses in this process, :data:`IN_PROCESS_CHUNK` files at a time."""

    def __init__(self, folder: str, registry: SchemaRegistry, config: SeoConfig) -> None:
        self.folder, self.registry, self.config = folder, registry, config

    def parse(self, items: list[Listed]) -> ParsedChunk:
        return parse_files(self.folder, items, self.registry, self.config)

    def chunks(self, todo: list[Listed], done: int, total: int) -> Iterator[ParsedChunk | Progress]:
        for start in range(0, len(todo), IN_PROCESS_CHUNK):
            yield self.parse(todo[start : start + IN_PROCESS_CHUNK])
            yield Progress(done + min(len(todo), start + IN_PROCESS_CHUNK), total, "parse")
        if not todo:
            yield Progress(total, total, "parse")

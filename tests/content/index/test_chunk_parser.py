"""The chunk parsers the index parses through: in this process, or in a pool."""

from __future__ import annotations

from pathlib import Path

from index_helpers import write_entry  # this folder is on sys.path (no __init__)

from editor.content.index.chunk_parser import ChunkParser, InProcessParser
from editor.content.index.chunks import ParsedChunk
from editor.content.index.pool import PoolParser
from editor.content.index.records import Progress
from editor.content.index.scan import scan_folder
from editor.content.schema import SchemaRegistry
from editor.content.seo import load_config


def _parsed(parser: ChunkParser, folder: Path) -> tuple[list[object], list[Progress]]:
    todo = scan_folder(folder)
    rows: list[object] = []
    steps: list[Progress] = []
    for item in parser.chunks(todo, 0, len(todo)):
        if isinstance(item, ParsedChunk):
            rows += zip(item.rows, item.facts, item.text_bytes().split(b"\n"), strict=False)
        else:
            steps.append(item)
    return rows, steps


def test_both_parsers_give_the_same_rows_in_the_files_order(tmp_path: Path) -> None:
    for n in range(60):
        write_entry(tmp_path, f"d{n % 3}/e{n:02d}.md", id=n)
    (tmp_path / "broken.md").write_text("---\na: [\n---\n", encoding="utf-8")
    folder, registry, config = str(tmp_path), SchemaRegistry.load(tmp_path), load_config(tmp_path)

    here, here_steps = _parsed(InProcessParser(folder, registry, config), tmp_path)
    pooled, pool_steps = _parsed(PoolParser(folder, registry, config, workers=2), tmp_path)

    assert here == pooled
    assert [row[0][0] for row in here] == sorted(row[0][0] for row in here)  # type: ignore[index]
    assert here_steps[-1] == pool_steps[-1] == Progress(61, 61, "parse")

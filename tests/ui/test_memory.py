"""Memory handed back after a build: the cached source lines go, the allocator is asked."""

from __future__ import annotations

import linecache
import sys

import pytest

from editor.ui import memory


def test_release_memory_drops_the_cached_source_lines() -> None:
    linecache.cache["<held>"] = (6, None, ["lines\n"], "<held>")
    memory.release_memory()
    assert "<held>" not in linecache.cache


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_release_memory_asks_glibc_for_its_free_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    trimmed: list[int] = []
    monkeypatch.setattr(memory, "_malloc_trim", lambda: trimmed.append)
    assert memory.release_memory() is True
    assert trimmed == [0]
    monkeypatch.setattr(memory, "_malloc_trim", lambda: None)
    assert memory.release_memory() is False

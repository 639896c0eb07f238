"""Memory handed back after a build: the cached source lines go, the allocator is asked."""

from __future__ import annotations

import linecache
import platform
import subprocess
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


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc_trim")
def test_finding_malloc_trim_starts_no_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lookup runs on the GUI thread: a subprocess (ldconfig) there stalled it."""

    def no_process(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a process was started: {args}")

    monkeypatch.setattr(subprocess, "Popen", no_process)
    memory._malloc_trim.cache_clear()
    try:
        assert memory._malloc_trim() is not None
    finally:
        memory._malloc_trim.cache_clear()

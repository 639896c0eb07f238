"""Memory given back after a big build: the allocator's free pages, cached source lines.

Building the index of a large folder makes and drops millions of objects; what is freed
stays in the process (RSS) until something returns it. Two such caches, measured in the
window at 50k entries (``bench/bench_preview.py --breakdown``):

* glibc keeps freed pages inside its heaps and thread arenas; ``malloc_trim(0)`` hands
  the whole free pages back to the kernel (~11-15 MB there, ~20-40 ms).
* PySide6 reads the source of every module imported after it (``feature.py`` asks
  ``inspect.getsource`` whether the module uses ``__feature__``), which leaves every
  file's lines in :mod:`linecache`: ~12 MB there, never read again. A traceback reads
  the lines it needs anew.

No Qt: the window calls :func:`release_memory` when a build's result has been taken.
"""

from __future__ import annotations

import ctypes
import linecache
import logging
import sys
from functools import cache

log = logging.getLogger(__name__)


@cache
def _malloc_trim() -> ctypes._NamedFuncPointer | None:
    """glibc's ``malloc_trim``, or None where the C library has none (macOS, Windows,
    musl).

    Looked up among the symbols already loaded (``dlopen(NULL)``): the C library is
    always there, and ``ctypes.util.find_library`` would run ``ldconfig`` in a
    subprocess on the GUI thread (a 109 ms stall measured at the first build's end).
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_memory() -> bool:
    """Drop the cached source lines and return the allocator's free pages to the OS;
    True when the allocator could be asked."""
    linecache.clearcache()
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True

"""The corpus index's cache: one pickle per content folder in the user cache dir.

A file's row is reused when its relative path, size and mtime_ns are unchanged; the
whole cache is dropped when its *fingerprint* differs (cache format, app version,
parser versions, schemas, SEO settings), so a rule or schema change recomputes every
finding. Rows are plain tuples because unpickling tuples of str/int/bytes is several
times faster than unpickling objects. A cache that cannot be read for any reason is
treated as absent (and replaced on the next save): a cache never stops the app.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import platformdirs

import editor
from editor.content.schema import SchemaRegistry
from editor.content.seo import SeoConfig

log = logging.getLogger("editor.index")

CACHE_FORMAT = 1
APP_NAME = "glossary-editor"

Row = tuple[Any, ...]


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME)) / "index"


def cache_path(folder: Path) -> Path:
    """The cache file of a content folder, named from a hash of its resolved path."""
    digest = hashlib.sha256(str(folder.resolve()).encode("utf-8", "surrogatepass")).hexdigest()
    return cache_dir() / f"{digest[:24]}.pickle"


def fingerprint(registry: SchemaRegistry, config: SeoConfig, parser: str) -> str:
    """Changes whenever cached findings could be stale: format, versions, schemas, rules."""
    import yaml

    parts = [
        f"format={CACHE_FORMAT}",
        f"app={editor.__version__}",
        f"pyyaml={yaml.__version__}",
        f"parser={parser}",
        f"config={config.fingerprint()}",
    ]
    for name in registry.names():
        schema = registry[name]
        # repr of the frozen dataclasses lists every field attribute, in order.
        parts.append(f"schema={name}:{schema.fields!r}:{schema.title_key}:{schema.generic}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def load(folder: Path, key: str) -> dict[str, Any] | None:
    """The cached payload for ``folder`` if it was written with fingerprint ``key``."""
    path = cache_path(folder)
    try:
        with path.open("rb") as stream:
            payload = pickle.load(stream)
    except FileNotFoundError:
        return None
    except Exception as exc:  # truncated, corrupt, written by another version...
        log.warning("ignoring unreadable index cache %s: %s", path, exc)
        return None
    if not isinstance(payload, dict) or payload.get("key") != key:
        return None
    if not isinstance(payload.get("rows"), list):
        return None
    return payload


def save(folder: Path, key: str, rows: Sequence[Row], corpus: Sequence[Row]) -> None:
    """Write the cache atomically (temp file + rename); failure only logs."""
    path = cache_path(folder)
    payload = {
        "key": key,
        "folder": str(folder.resolve()),
        "rows": list(rows),
        "corpus": list(corpus),
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as stream:
                pickle.dump(payload, stream, protocol=pickle.HIGHEST_PROTOCOL)
            Path(tmp).replace(path)
        except BaseException:
            with contextlib.suppress(OSError):
                Path(tmp).unlink()
            raise
    except OSError as exc:
        log.warning("could not write the index cache %s: %s", path, exc)


def clear(folder: Path) -> None:
    with contextlib.suppress(OSError):
        cache_path(folder).unlink()

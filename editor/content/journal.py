"""The edit journal: unsaved work survives a crash, a power cut or ``kill -9``.

While an entry is dirty the window journals its data and body every few seconds, one
small JSON file per entry, written atomically (temp file + fsync + rename). A save or a
revert discards the entry's journal file. At the next start :meth:`Journal.pending`
lists what was never saved, and the recovery dialog offers it back.

Journals live under the user data folder (``platformdirs``), one folder per content
folder (named by a hash of its resolved path), never inside the content folder: a git
checkout must not see them.

Reading is defensive, because the window reads the journal while it is being built:
a journal file that cannot be read for any reason (corrupt, foreign, from another
version, a naive ``saved_at``) is skipped and logged, never fatal, and an entry naming
a path outside the content folder (absolute, or ``..`` out of it) is refused, so only
files of the folder are ever offered for restore. Work whose file was deleted since
can still be written elsewhere (:func:`journaled_bytes`).

The data is YAML data, so it holds more than JSON can say (dates, datetimes, bytes,
sets, non-string keys, NaN). Values JSON cannot hold exactly are written as tagged
objects ``{"$t": "date", "v": "2024-12-02"}`` and come back as the same Python type;
hand-rolled because ``json`` has no round-trip type hook and pickle would make a
corrupt or foreign journal file a code-execution risk.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import math
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from editor.content.atomic import atomic_write, fingerprint
from editor.content.document import load_entry, planned_bytes
from editor.content.errors import ContentError, ParseError, WriteError
from editor.content.safe_read import read_content
from editor.content.writer import update_text

log = logging.getLogger(__name__)

APP_NAME = "glossary-editor"
FORMAT_VERSION = 1
TAG = "$t"


@dataclass(frozen=True)
class JournalItem:
    """One entry's unsaved work as journaled: what to offer back after a crash."""

    path: Path  # the content file the work belongs to
    data: dict[str, Any]  # front matter data as the editor had it
    body: str
    base_fingerprint: str | None  # fingerprint of the file the edits started from
    saved_at: dt.datetime  # when this journal entry was written (local time, aware)


def folder_key(folder: Path) -> str:
    """The journal folder name for a content folder: stable per resolved path."""
    return hashlib.sha256(str(Path(folder).resolve()).encode("utf-8")).hexdigest()[:16]


def default_journal_dir(folder: Path) -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "journal" / folder_key(folder)


class Journal:
    """The journal of one content folder; all methods are safe to call off the GUI thread."""

    def __init__(self, folder: Path, data_dir: Path | None = None) -> None:
        self.folder = Path(folder).resolve()
        self.dir = Path(data_dir) if data_dir is not None else default_journal_dir(self.folder)

    # -- files

    def _key(self, path: Path) -> str:
        """The path as stored: relative to the folder (posix form).

        Raises :class:`WriteError` for a path outside the folder: such an entry would
        be refused when the journal is read, so the work would be lost silently.
        """
        absolute = Path(os.path.abspath(path))
        for candidate in (absolute, absolute.resolve()):
            if candidate.is_relative_to(self.folder) and candidate != self.folder:
                return candidate.relative_to(self.folder).as_posix()
        raise WriteError("cannot journal a file outside the content folder", path)

    def _resolve(self, key: object) -> Path:
        """The file a stored path names; ValueError unless it is inside the folder."""
        if not isinstance(key, str) or not key or "\x00" in key:
            raise ValueError(f"bad path {key!r}")
        stored = Path(key)
        resolved = Path(os.path.normpath(self.folder / stored))
        if stored.is_absolute() or not resolved.is_relative_to(self.folder):
            raise ValueError(f"the path {key!r} is outside the content folder")
        if resolved == self.folder:
            raise ValueError(f"the path {key!r} names the content folder itself")
        return resolved

    def file_for(self, path: Path) -> Path:
        """The journal file of a content file (WriteError outside the folder)."""
        digest = hashlib.sha256(self._key(path).encode("utf-8")).hexdigest()[:24]
        return self.dir / f"{digest}.json"

    # -- writing

    def record(
        self,
        path: Path,
        data: dict[str, Any],
        body: str,
        base_fingerprint: str | None,
        *,
        saved_at: dt.datetime | None = None,
    ) -> Path:
        """Journal an entry's unsaved data and body (atomically); returns the journal file.

        Raises :class:`WriteError` when the journal cannot be written (disk full...).
        """
        when = saved_at or dt.datetime.now().astimezone()
        document = {
            "version": FORMAT_VERSION,
            "path": self._key(path),
            "base_fingerprint": base_fingerprint,
            "saved_at": when.isoformat(),
            "body": body,
            "data": encode(data),
        }
        text = json.dumps(document, ensure_ascii=False, allow_nan=False, indent=1)
        target = self.file_for(path)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteError(f"cannot create the journal folder: {exc.strerror}", target) from exc
        atomic_write(target, text.encode("utf-8"), new_mode=0o600)
        return target

    def discard(self, path: Path) -> None:
        """Forget an entry's journaled work (after a save, a revert or a refused restore)."""
        try:
            self.file_for(path).unlink()
        except FileNotFoundError:
            pass
        except (OSError, WriteError) as exc:
            log.warning("cannot remove the journal of %s: %s", path, exc)

    def discard_all(self, paths: Iterable[Path] | None = None) -> None:
        """Forget the given entries, or every journaled entry of this folder."""
        if paths is None:
            paths = [item.path for item in self.pending()]
        for path in paths:
            self.discard(path)

    # -- reading

    def pending(self) -> list[JournalItem]:
        """Every journaled entry, oldest first; corrupt journal files are skipped and logged."""
        try:
            files = sorted(self.dir.glob("*.json")) if self.dir.is_dir() else []
        except OSError as exc:
            log.warning("cannot list the journal folder %s: %s", self.dir, exc)
            return []
        items: list[JournalItem] = []
        for file in files:
            item = self._read(file)
            if item is not None:
                items.append(item)
        items.sort(key=lambda item: (item.saved_at, str(item.path)))
        return items

    def _read(self, file: Path) -> JournalItem | None:
        try:
            raw = json.loads(file.read_text(encoding="utf-8"))
            if not isinstance(raw, dict) or raw.get("version") != FORMAT_VERSION:
                raise ValueError("not a journal file of this version")
            data = decode(raw["data"])
            if not isinstance(data, dict):
                raise ValueError("the journaled data is not a mapping")
            body = raw["body"]
            base = raw["base_fingerprint"]
            if not isinstance(body, str) or not (base is None or isinstance(base, str)):
                raise ValueError("bad body or fingerprint")
            saved_at = dt.datetime.fromisoformat(raw["saved_at"])
            if saved_at.tzinfo is None:  # written by hand or another tool: local time
                saved_at = saved_at.astimezone()
            return JournalItem(
                path=self._resolve(raw["path"]),
                data=data,
                body=body,
                base_fingerprint=base,
                saved_at=saved_at,
            )
        except Exception as exc:  # any bad file is skipped: the window must still start
            log.warning("skipping unreadable journal file %s: %s", file, exc)
            return None

    def is_missing(self, item: JournalItem) -> bool:
        """Whether the journaled work's file is gone (or is no regular file any more), so
        it cannot be restored in place, only saved elsewhere or discarded."""
        return not _is_regular_file(item.path)

    def is_stale(self, item: JournalItem) -> bool:
        """Whether the file on disk is no longer the one the journaled edits started from.

        A stale item must be restored as a conflict: someone else changed (or removed)
        the file after the editor loaded it.
        """
        if self.is_missing(item):
            current: bytes | None = None  # never read a FIFO or a device: it may block
        else:
            try:
                current = read_content(item.path)
            except FileNotFoundError:
                current = None
            except (OSError, ParseError):
                return True
        if item.base_fingerprint is None:
            return current is not None
        return current is None or fingerprint(current) != item.base_fingerprint


def journaled_bytes(item: JournalItem, key_order: Sequence[str] = ()) -> bytes:
    """The journaled work as a whole file, to save it somewhere else.

    In the style of the file it came from while that file is still there and parses;
    otherwise a new file in the writer's own style. Either way the writer verifies that
    the text parses back to exactly the journaled data (:class:`WriteError` if not).
    """
    if _is_regular_file(item.path):
        try:
            return planned_bytes(load_entry(item.path), item.data, item.body, key_order)
        except (ContentError, OSError) as exc:
            log.info("writing %s in the default style: %s", item.path, exc)
    text = update_text("---\n---\n", item.data, item.body, key_order=key_order, path=item.path)
    return text.encode("utf-8")


def _is_regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


# -- tagged JSON for YAML values


def encode(value: Any) -> Any:
    """A JSON-safe form of a YAML value that :func:`decode` turns back into it exactly."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return {TAG: "float", "v": repr(value)}
    if isinstance(value, dt.datetime):  # before date: datetime is a date
        return {TAG: "datetime", "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {TAG: "date", "v": value.isoformat()}
    if isinstance(value, bytes):
        return {TAG: "bytes", "v": base64.b64encode(value).decode("ascii")}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, tuple):
        return {TAG: "tuple", "v": [encode(v) for v in value]}
    if isinstance(value, set | frozenset):
        return {TAG: "set", "v": [encode(v) for v in value]}
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value) and TAG not in value:
            return {k: encode(v) for k, v in value.items()}
        return {TAG: "map", "v": [[encode(k), encode(v)] for k, v in value.items()]}
    raise TypeError(f"cannot journal a value of type {type(value).__name__}")


def decode(value: Any) -> Any:
    """The inverse of :func:`encode`."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if TAG not in value:
        return {k: decode(v) for k, v in value.items()}
    tag, raw = value[TAG], value["v"]
    if tag == "float":
        return float(raw)
    if tag == "datetime":
        return dt.datetime.fromisoformat(raw)
    if tag == "date":
        return dt.date.fromisoformat(raw)
    if tag == "bytes":
        return base64.b64decode(raw.encode("ascii"), validate=True)
    if tag == "tuple":
        return tuple(decode(v) for v in raw)
    if tag == "set":
        return {decode(v) for v in raw}
    if tag == "map":
        return {_hashable(decode(k)): decode(v) for k, v in raw}
    raise ValueError(f"unknown journal value tag {tag!r}")


def _hashable(key: Any) -> Any:
    """YAML allows sequence keys (PyYAML makes them tuples); keep lists usable as keys."""
    return tuple(_hashable(k) for k in key) if isinstance(key, list) else key

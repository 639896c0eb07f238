"""Notice when other programs change the open folder or the open entries.

A ``QFileSystemWatcher`` wrapper with the care ReText (``window.py::fileChanged``) and
Frescobaldi (``documentwatcher.py``) learned the hard way:

- An event is not a change: the file's bytes are fingerprinted and compared with the
  last known ones, so touching a file, or our own save announced with
  :meth:`FileWatcher.expect_own_write`, emits nothing.
- An atomic replace (temp file + rename, as most editors and our own saves do)
  drops the watch with the old inode: the watch is added again after every event.
- A file is read once its events have settled (:data:`FILE_SETTLE_MS`; at most
  :data:`FILE_SETTLE_MAX_MS` after the first, so a file written without a pause does
  not put the others off), not at the first: git unlinks an entry, creates it empty
  and then writes it, and the empty file read at the first event was reported as a
  change, then the written one again (an entry with unsaved edits asked "Keep mine?"
  twice for one pull).
  A file missing at the event is looked at again shortly before it counts as removed,
  since some programs delete and then write.
- Folder events come in bursts (a git checkout touches hundreds of files): the changed
  folders are collected and rescanned once a single-shot timer (~300 ms) runs out, and
  one :class:`FolderChange` tells what entries appeared, went or were modified.
- The rescan lists the folders and compares them on the pool (:func:`rescan_folders`): a
  bulk batch's folder of 1,000 entries took the GUI thread 40-110 ms to ``scandir`` and
  ``stat``, waiting behind the batch's own fsyncs. The GUI thread only puts the new
  listings in and watches new subfolders; one rescan runs at a time, and folders that
  change meanwhile are rescanned after it against the listings it put in. A new
  subfolder is listed again as soon as it is watched: a file written there between the
  pool's listing and the watch made no event.
- The first listing comes after the folders are watched, so a folder with an event
  before its listing arrived may have changed in ways the listing cannot show against
  nothing: a file deleted, or moved in with its old mtime, before the pool listed it.
  Such folders are reported whole (:attr:`FolderChange.relisted`, every entry listed
  as modified): the receiver compares every entry it holds there with the disk.
- A first scan that fails is said (logged and :attr:`FileWatcher.watch_failed`), never
  left as a watcher that quietly reports nothing.
- A folder that is there but cannot be listed (permission denied, an I/O error) is not a
  folder gone: its entries are not reported removed, its last listing is kept, and
  :attr:`FileWatcher.folder_unreadable` says which and why. Once it can be read again (a
  ``chmod`` makes an event too) the next rescan compares it with that listing. A folder
  never listed is left out (the system refuses to watch it, too) and listed as new by
  its parent's next rescan.
"""

from __future__ import annotations

import bisect
import functools
import logging
import os
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QThreadPool, QTimer, Signal

from editor.content.atomic import fingerprint
from editor.content.errors import ContentError
from editor.content.safe_read import read_content
from editor.ui.window.workers import run_job

log = logging.getLogger(__name__)

ENTRY_SUFFIX = ".md"
FOLDER_DEBOUNCE_MS = 300
MISSING_RECHECK_MS = 150
FILE_SETTLE_MS = 200  # a file's events quiet this long: its writer is done (see above)
FILE_SETTLE_MAX_MS = 1000  # files with events are looked at after this long at most

_Stamp = tuple[int, int]  # (mtime_ns, size)
_Entries = dict[str, _Stamp]  # a folder's entries by file name (no Path each: 50k of them)


@dataclass(frozen=True)
class FolderChange:
    """What a burst of folder events amounted to (renames are one removed + one added).

    ``relisted``: folders that changed before the watcher had a listing of them to
    compare with; every entry there now is in ``modified``, and what else the receiver
    holds there (:func:`entries_in`) may be gone."""

    folder: Path
    added: frozenset[Path] = field(default_factory=frozenset)
    removed: frozenset[Path] = field(default_factory=frozenset)
    modified: frozenset[Path] = field(default_factory=frozenset)
    relisted: frozenset[Path] = field(default_factory=frozenset)


@dataclass
class Rescan:
    """What a rescan found (made on the pool, put in by the GUI thread)."""

    listed: dict[Path, _Entries] = field(default_factory=dict)  # folders listed anew
    gone: list[Path] = field(default_factory=list)  # watched folders that went away
    unreadable: dict[Path, str] = field(default_factory=dict)  # folder -> why not listed
    added: set[Path] = field(default_factory=set)
    removed: set[Path] = field(default_factory=set)
    modified: set[Path] = field(default_factory=set)


class FolderUnreadableError(Exception):
    """A folder that is there but cannot be listed; ``reason`` says why."""

    def __init__(self, folder: Path, error: OSError) -> None:
        self.folder = folder
        self.reason = error.strerror or str(error)
        super().__init__(f"{folder} cannot be read: {self.reason}")


def list_folder(folder: Path) -> tuple[_Entries | None, list[Path]]:
    """A folder's entries (name -> mtime, size) and subfolders, hidden ones left out;
    None when the folder went away. :class:`FolderUnreadableError` when it is there but
    cannot be listed (permission denied, an I/O error)."""
    entries: _Entries = {}
    subfolders: list[Path] = []
    try:
        with os.scandir(folder) as it:
            for item in it:
                if item.name.startswith("."):
                    continue  # hidden files, our temp files, .git
                try:
                    if item.is_dir(follow_symlinks=False):
                        subfolders.append(Path(item.path))
                    elif item.name.endswith(ENTRY_SUFFIX):
                        st = item.stat()
                        entries[item.name] = (st.st_mtime_ns, st.st_size)
                except OSError:
                    continue
    except (FileNotFoundError, NotADirectoryError):
        return None, []
    except OSError as exc:
        raise FolderUnreadableError(folder, exc) from exc
    return entries, subfolders


def list_tree(top: Path, unreadable: dict[Path, str] | None = None) -> dict[Path, _Entries]:
    """``top`` and every subfolder below it, listed. A folder that cannot be read is
    left out and put in ``unreadable`` with the reason (without ``unreadable``:
    :class:`FolderUnreadableError` is raised): the system refuses to watch a folder
    without read permission, so it is listed as new, and watched, by its parent's next
    rescan once it can be read (listed empty, it passed for watched and was never
    looked at again)."""
    listed: dict[Path, _Entries] = {}
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            entries, subfolders = list_folder(folder)
        except FolderUnreadableError as exc:
            if unreadable is None:
                raise
            unreadable[folder] = exc.reason
            continue
        if entries is not None:
            listed[folder] = entries
            stack.extend(subfolders)
    return listed


def folders_below(top: Path) -> list[Path]:
    """Every (non-hidden) subfolder below ``top``, found without a ``stat`` of each file:
    what the first scan watches before it lists them."""
    found: list[Path] = []
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                subfolders = [
                    Path(item.path)
                    for item in it
                    if not item.name.startswith(".") and _is_folder(item)
                ]
        except OSError:
            continue
        found += subfolders
        stack += subfolders
    return found


def _is_folder(item: os.DirEntry[str]) -> bool:
    try:
        return item.is_dir(follow_symlinks=False)
    except OSError:
        return False


def entries_in(top: Path, rels: Sequence[str], folders: Collection[Path]) -> list[Path]:
    """The entries among ``rels`` (sorted, ``/``-separated, relative to ``top``: the
    index's paths) that lie directly in one of ``folders``."""
    found: list[Path] = []
    for folder in folders:
        if not folder.is_relative_to(top):
            continue
        prefix = "" if folder == top else folder.relative_to(top).as_posix() + "/"
        at = bisect.bisect_left(rels, prefix)
        while at < len(rels) and rels[at].startswith(prefix):
            if "/" not in rels[at][len(prefix) :]:
                found.append(top / rels[at])
            at += 1
    return found


def _first_listing(top: Path) -> tuple[dict[Path, _Entries], dict[Path, str]]:
    """The first scan's listing of ``top``'s tree, and the subfolders that cannot be read;
    :class:`FolderUnreadableError` (the first scan fails) when ``top`` itself cannot be."""
    unreadable: dict[Path, str] = {}
    listed = list_tree(top, unreadable)
    if top in unreadable:
        raise FolderUnreadableError(top, OSError(0, unreadable[top]))
    return listed, unreadable


def rescan_folders(dirty: dict[Path, _Entries], watched: Collection[Path]) -> Rescan:
    """List the ``dirty`` folders again and compare them with their old listings; new
    subfolders are listed whole, watched subfolders no longer there count as gone.
    Reads only its arguments and the disk: it runs on the pool."""
    found = Rescan()
    for folder in sorted(dirty):
        old = dirty[folder]
        try:
            entries, subfolders = list_folder(folder)
        except FolderUnreadableError as exc:  # not gone: its last listing stays
            found.unreadable[folder] = exc.reason
            continue
        if entries is None:  # the folder itself went away
            found.gone.append(folder)
            continue
        found.listed[folder] = entries
        found.added |= {folder / n for n in entries.keys() - old.keys()}
        found.removed |= {folder / n for n in old.keys() - entries.keys()}
        found.modified |= {folder / n for n in entries.keys() & old.keys() if entries[n] != old[n]}
        for sub in subfolders:
            if sub not in watched:
                tree = list_tree(sub, found.unreadable)
                found.listed.update(tree)
                found.added |= {f / name for f, names in tree.items() for name in names}
        kept = set(subfolders)
        found.gone += [d for d in watched if d.parent == folder and d not in kept]
    return found


def _read_fingerprint(path: Path) -> str | None:
    """The file's fingerprint; None when it cannot be read as a content file (a FIFO
    put in its place must not block the window)."""
    try:
        return fingerprint(read_content(path))
    except (OSError, ContentError):
        return None


class FileWatcher(QObject):
    """Watches one content folder and the entries open in the window."""

    file_changed = Signal(object)  # Path: an open entry's content really changed
    file_removed = Signal(object)  # Path: an open entry was deleted or moved away
    folder_changed = Signal(object)  # FolderChange: entries added/removed/modified
    watch_failed = Signal(str)  # the folder's first scan failed: no change is seen
    folder_unreadable = Signal(object, str)  # Path, why: it is there but cannot be listed

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        debounce_ms: int = FOLDER_DEBOUNCE_MS,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent)
        self._pool = pool if pool is not None else QThreadPool.globalInstance()
        self._scanning = False  # a rescan runs on the pool
        self._listing = False  # the first scan runs on the pool (see watch_folder)
        self.failed: str | None = None  # why the folder's first scan failed
        self._generation = 0  # counts watch_folder/unwatch_folder: late rescans are dropped
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._on_file_event)
        self._watcher.directoryChanged.connect(self._on_folder_event)
        self._folder: Path | None = None
        self._known: dict[Path, str | None] = {}  # watched file -> last seen fingerprint
        self._expected: dict[Path, set[str]] = {}  # own writes announced, not yet seen
        self._dirs: dict[Path, _Entries] = {}  # watched folder -> its entries
        self._dirty_dirs: set[Path] = set()
        self._missing: set[Path] = set()
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self._rescan)
        self._recheck = QTimer(self)
        self._recheck.setSingleShot(True)
        self._recheck.setInterval(MISSING_RECHECK_MS)
        self._recheck.timeout.connect(self._recheck_missing)
        self._settling: set[Path] = set()  # watched files with events not yet looked at
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(FILE_SETTLE_MS)
        self._settle.timeout.connect(self._settled)
        self._settle_began = 0.0  # when the files settling now had their first event

    # -- files

    def watch_file(self, path: Path) -> None:
        """Watch an open entry; its current bytes are the baseline."""
        path = Path(path)
        self._known[path] = _read_fingerprint(path)
        self._add_path(path)

    def unwatch_file(self, path: Path) -> None:
        path = Path(path)
        self._known.pop(path, None)
        self._expected.pop(path, None)
        self._missing.discard(path)
        if str(path) in self._watcher.files():
            self._watcher.removePath(str(path))

    def watched_files(self) -> list[Path]:
        return sorted(self._known)

    def expect_own_write(self, path: Path, new_fingerprint: str) -> None:
        """The window is about to save these bytes: their arrival is not news."""
        self._expected.setdefault(Path(path), set()).add(new_fingerprint)

    def _add_path(self, path: Path) -> None:
        if path.exists() and str(path) not in self._watcher.files():
            self._watcher.addPath(str(path))

    def _on_file_event(self, name: str) -> None:
        path = Path(name)
        if path not in self._known:
            return
        if not self._settling:
            self._settle_began = time.monotonic()
        self._settling.add(path)
        # restarting the timer is the settling; a file written without a pause (a log
        # kept in the folder) must not put off the others' checks for ever
        waited = time.monotonic() - self._settle_began
        if waited < FILE_SETTLE_MAX_MS / 1000 or not self._settle.isActive():
            self._settle.start()

    def _settled(self) -> None:
        settling, self._settling = self._settling, set()
        for path in sorted(settling):
            if path not in self._known:
                continue
            if not path.exists():
                self._missing.add(path)
                self._recheck.start()
                continue
            self._check(path)

    def _check(self, path: Path) -> None:
        self._add_path(path)  # an atomic replace dropped the old watch
        current = _read_fingerprint(path)
        expected = self._expected.get(path, set())
        if current in expected:
            self._expected.pop(path, None)
            self._known[path] = current
            return
        if current == self._known.get(path):
            return
        self._known[path] = current
        self.file_changed.emit(path)

    def _recheck_missing(self) -> None:
        missing, self._missing = self._missing, set()
        for path in sorted(missing):
            if path not in self._known:
                continue
            if path.exists():
                self._check(path)
            else:
                self._known[path] = None
                self.file_removed.emit(path)

    # -- folder

    def watch_folder(self, folder: Path) -> None:
        """Watch a content folder and its (non-hidden) subfolders for entries coming and
        going.

        The first scan runs on the pool (at 50,000 entries it held the GUI thread
        262-297 ms): ``folder`` is watched at once, its subfolders once the pool has
        found them (no file stat'ed), and only then is every folder listed, so a change
        after the watches makes an event. Events meanwhile wait for the listing; the
        folders that had one are reported whole then (:attr:`FolderChange.relisted`:
        the index, scanning at the same time, may hold what went or miss what came).
        :attr:`ready` tells when the listing is in; :attr:`watch_failed` when it failed."""
        self.unwatch_folder()
        top = self._folder = Path(folder)
        self._listing = True
        self._watcher.addPath(str(top))
        generation = self._generation
        run_job(
            self._pool,
            lambda: (generation, folders_below(top)),
            self._folders_found,
            functools.partial(self._first_scan_failed, generation),
            self,
        )

    @property
    def ready(self) -> bool:
        """The first scan's listing is in (changes are compared with it from then on)."""
        return self._folder is not None and not self._listing and self.failed is None

    def unwatch_folder(self) -> None:
        watched = self._watcher.directories()
        if watched:
            self._watcher.removePaths(watched)
        self._dirs.clear()
        self._dirty_dirs.clear()
        self._debounce.stop()
        self._folder = None
        self._listing = False
        self.failed = None
        self._generation += 1

    def _folders_found(self, result: tuple[int, list[Path]]) -> None:
        generation, folders = result
        if generation != self._generation or self._folder is None:
            return
        if folders:
            self._watcher.addPaths([str(f) for f in folders])
        top = self._folder
        run_job(
            self._pool,
            lambda: (generation, *_first_listing(top)),
            self._listed,
            functools.partial(self._first_scan_failed, generation),
            self,
        )

    def _listed(self, result: tuple[int, dict[Path, _Entries], dict[Path, str]]) -> None:
        """The first listing in place (not news); folders made since the watches were
        added are watched and listed again; folders with events meanwhile rescanned;
        subfolders that cannot be read said."""
        generation, listed, unreadable = result
        if generation != self._generation or self._folder is None:
            return
        self._listing = False
        self._dirs = listed
        watched = {Path(d) for d in self._watcher.directories()}
        new = [f for f in listed if f not in watched]
        if new:
            self._watcher.addPaths([str(f) for f in new])
        gone = [str(d) for d in watched if d not in listed]
        if gone:
            self._watcher.removePaths(gone)
        # A folder with an event before its listing: nothing here is from before the
        # change (see the module), so it is reported whole; and rescanned, for a change
        # after the pool listed it.
        touched = [d for d in self._dirty_dirs if d in listed]
        self._dirty_dirs.update(new)
        if touched:
            every = frozenset(d / name for d in touched for name in listed[d])
            self.folder_changed.emit(
                FolderChange(self._folder, modified=every, relisted=frozenset(touched))
            )
        self._say_unreadable(unreadable)
        if self._dirty_dirs:
            self._rescan()

    def _say_unreadable(self, unreadable: dict[Path, str]) -> None:
        for folder, reason in sorted(unreadable.items()):
            log.warning("the folder %s cannot be read: %s", folder, reason)
            self.folder_unreadable.emit(folder, reason)

    def _first_scan_failed(self, generation: int, exc: BaseException) -> None:
        """The first scan failed: no change in the folder would be seen, so say so (a
        late failure of a folder watched before is nobody's news)."""
        if generation != self._generation or self._folder is None:
            return
        self._listing = False
        self.failed = f"Changes made to {self._folder} by other programs are not followed: {exc}"
        log.warning("listing the folder %s failed: %s", self._folder, exc)
        self.watch_failed.emit(self.failed)

    def _on_folder_event(self, name: str) -> None:
        self._dirty_dirs.add(Path(name))
        self._debounce.start()  # restarting it is the debounce

    def _rescan(self) -> None:
        """Hand the changed folders to the pool (one rescan at a time: folders that
        change meanwhile wait for the next, made against the listings this one puts in)."""
        if self._folder is None or self._scanning or self._listing:
            return  # the folders wait: for the rescan under way, or the first listing
        dirty, self._dirty_dirs = self._dirty_dirs, set()
        old = {folder: self._dirs[folder] for folder in dirty if folder in self._dirs}
        if not old:
            return
        watched = frozenset(self._dirs)
        generation = self._generation
        self._scanning = True
        # bound methods, so the pool's job holds no reference to the watcher
        run_job(
            self._pool,
            lambda: (generation, rescan_folders(old, watched)),
            self._rescanned,
            self._rescan_failed,
            self,
        )

    def _rescanned(self, result: tuple[int, Rescan]) -> None:
        generation, found = result
        self._scanning = False
        relist = generation == self._generation and self._put_in(found)
        if relist:
            self._rescan()  # the new folders again, now that they are watched: at once
        elif self._dirty_dirs and not self._debounce.isActive():
            self._debounce.start()

    def _rescan_failed(self, exc: BaseException) -> None:
        self._scanning = False
        log.warning("rescanning the folder failed: %s", exc)

    def _put_in(self, found: Rescan) -> bool:
        """A rescan's listings in place, new subfolders watched; one report of it all.

        A new subfolder was listed on the pool before it was watched: a file written
        there in between makes no event, so each is marked to be listed again, now that
        it is watched (True: there are such folders)."""
        assert self._folder is not None
        removed = found.removed
        for folder in found.gone:
            removed |= self._forget_tree(folder)
        new = [f for f in found.listed if f not in self._dirs]
        for folder, entries in found.listed.items():
            if folder in self._dirs or folder.parent in self._dirs:
                self._dirs[folder] = entries
        new = [f for f in new if f in self._dirs]
        if new:
            self._watcher.addPaths([str(f) for f in new])
            self._dirty_dirs.update(new)
        self._say_unreadable(found.unreadable)
        if found.added or removed or found.modified:
            self.folder_changed.emit(
                FolderChange(
                    self._folder,
                    frozenset(found.added),
                    frozenset(removed),
                    frozenset(found.modified),
                )
            )
        return bool(new)

    def _forget_tree(self, top: Path) -> set[Path]:
        removed: set[Path] = set()
        for folder in [d for d in self._dirs if d == top or d.is_relative_to(top)]:
            removed |= {folder / name for name in self._dirs.pop(folder)}
            if str(folder) in self._watcher.directories():
                self._watcher.removePath(str(folder))
        return removed

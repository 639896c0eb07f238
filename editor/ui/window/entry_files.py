"""Entry files as wholes: create from a schema, duplicate, delete.

Split out of the main window, which keeps only the wiring. Each operation changes the
folder, then tells the window which paths changed (so the index, the list and the SEO
report follow) and which entry to show. Every prompt goes through :mod:`dialogs`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QWidget

from editor.content.atomic import create_new
from editor.content.document import read_bytes
from editor.content.errors import ContentError
from editor.content.new_entry import create_entry
from editor.ui import dialogs
from editor.ui.new_entry_dialog import NewEntryDialog
from editor.ui.window.session import Session
from editor.ui.window.status import WindowStatus


class Host(Protocol):
    """What these operations need from the window."""

    folder: Path | None
    session: Session
    status: WindowStatus

    def current_path(self) -> Path | None: ...
    def files_changed(self, paths: list[Path]) -> None: ...
    def open_entry(self, path: Path, field: str | None = None) -> None: ...
    def close_entry(self) -> None: ...
    def is_locked_out(self) -> bool: ...


class EntryFiles:
    """New / duplicate / delete for one window."""

    def __init__(self, host: Host, parent: QWidget) -> None:
        self.host = host
        self.parent = parent

    def new_entry(self) -> None:
        """Ask for a content type and a term, then create the entry."""
        folder = self.host.folder
        if folder is None:
            dialogs.info(self.parent, "New entry", "Open a content folder first.")
            return
        registry = self.host.session.registry
        names = [(n, registry[n].label) for n in registry.names()]
        dialog = NewEntryDialog(names, lambda name: (folder / name).exists(), self.parent)
        if dialog.exec():
            self.create(*dialog.values())

    def create(self, schema_name: str, title: str) -> Path | None:
        """Create the entry file named from the term's slug and open it at its title."""
        if self.host.folder is None or self.host.is_locked_out():
            return None  # another window edits this folder
        schema = self.host.session.registry.get(schema_name)
        if schema is None:
            dialogs.error(
                self.parent, "Cannot create entry", f"Unknown content type {schema_name!r}."
            )
            return None
        try:
            path = create_entry(self.host.folder, schema, title)
        except ContentError as exc:
            dialogs.error(self.parent, "Cannot create entry", exc.message)
            return None
        self.host.files_changed([path])
        self.host.open_entry(path, schema.title_key or schema.fields[0].path)
        return path

    def duplicate(self) -> Path | None:
        """Copy the entry's file (as saved) next to it and open the copy."""
        path = self.host.current_path()
        if path is None or self.host.is_locked_out():
            return None
        stem, n = path.stem, 1
        target = path.with_name(f"{stem}-copy.md")
        while target.exists():
            n += 1
            target = path.with_name(f"{stem}-copy-{n}.md")
        try:
            # O_EXCL: a file that appeared under that name meanwhile is never replaced.
            create_new(target, read_bytes(path))
        except ContentError as exc:
            dialogs.error(self.parent, "Cannot duplicate entry", str(exc))
            return None
        self.host.files_changed([target])
        self.host.open_entry(target)
        self.host.status.message(
            f"Duplicated as {target.name}: change its term and URL before publishing."
        )
        return target

    def delete(self) -> bool:
        """Delete the open entry's file after asking."""
        path = self.host.current_path()
        if path is None or self.host.is_locked_out():
            return False
        opened = self.host.session.get(path)
        title = opened.title if opened is not None else path.name
        if not dialogs.confirm(
            self.parent,
            "Delete entry",
            f"Delete “{title}”?\n\nThe file {path.name} is removed from the folder.",
            action="Delete",
        ):
            return False
        try:
            path.unlink()
        except OSError as exc:
            dialogs.error(self.parent, "Cannot delete entry", f"{path}: {exc.strerror or exc}")
            return False
        self.host.session.forget(path)
        self.host.close_entry()
        self.host.files_changed([path])
        return True

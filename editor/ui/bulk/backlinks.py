"""The Backlinks dock (View › Show Backlinks, Ctrl+Shift+B): who links to the open entry.

Each entry that links to the open entry's URL (related lists, related articles,
Markdown links: the links the ``orphan`` rule counts, ``content/bulk/links.py``), with
the fields where it does; a click opens it. The entries that may link are found off the
GUI thread by the replace preview's job, from the index's search text, so a 50k folder
answers in a few milliseconds without a stall; each found entry is kept only when one of
its links points at the URL (a bare mention of it is no link).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from editor.content.bulk.batch import Problem
from editor.content.bulk.links import backlink_options, link_fields
from editor.content.bulk.replace import EntryMatches
from editor.content.bulk.scope import Scope
from editor.content.schema import SchemaRegistry
from editor.ui.bulk.preview_job import PreviewRelay, PreviewRunner
from editor.ui.bulk.replace_dialog import Host

__all__ = ["BacklinksDock"]

PATH_ROLE = Qt.ItemDataRole.UserRole


class BacklinksDock(QDockWidget):
    """Lists the entries linking to the entry shown; clicking one opens it."""

    def __init__(self, host: Host, parent: QWidget | None = None) -> None:
        super().__init__("Backlinks", parent)
        self.setObjectName("backlinksDock")
        self.host = host
        self.runner = PreviewRunner(host.pool, self)
        self.path: Path | None = None
        self.url = ""
        self.registry: SchemaRegistry | None = None
        self.found: list[EntryMatches] = []
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("backlinksList")
        self.list.itemActivated.connect(self._open)
        self.list.itemClicked.connect(self._open)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.heading)
        layout.addWidget(self.list, 1)
        self.setWidget(body)
        self.setMinimumWidth(260)
        self.visibilityChanged.connect(lambda shown: self.show_for(self.path) if shown else None)

    def show_for(self, path: Path | None) -> None:
        """Look up the links to ``path`` (only while the dock is shown)."""
        self.path = path
        if not self.isVisible():
            return
        self.runner.cancel()
        self.list.clear()
        self.found = []
        opened = self.host.session.get(path) if path is not None else None
        url = opened.data.get("url") if opened is not None else None
        if path is None or self.host.folder is None or not isinstance(url, str) or not url:
            self.heading.setText("The open entry has no URL to link to.")
            return
        self.url = url
        options = backlink_options(url)
        if options is None:  # the site's root: no link is told apart from any other
            self._done([])
            return
        self.heading.setText(f"Looking for links to {url}…")
        index = self.host.index
        self.registry = index.registry if index is not None else None

        def connect(relay: PreviewRelay) -> None:
            relay.found.connect(self._add)
            relay.finished.connect(self._done)

        self.runner.start(self.host.folder, options, Scope(), index, {}, connect)

    def _add(self, found: list[EntryMatches]) -> None:
        folder = self.host.folder
        if folder is None:
            return
        if self.registry is None:
            self.registry = SchemaRegistry.load(folder)
        for entry in found:
            if entry.path == self.path:
                continue
            linked = link_fields(entry, folder, self.url, self.registry)
            if not linked:  # it mentions the URL without linking to it
                continue
            self.found.append(entry)
            fields = ", ".join(linked)
            title = entry.data.get("title")
            name = " ".join(str(title).split()) if title else entry.path.name
            item = QListWidgetItem(f"{name}\n    in {fields}")
            item.setToolTip(str(entry.path))
            item.setData(PATH_ROLE, str(entry.path))
            self.list.addItem(item)

    def _done(self, _skipped: list[Problem]) -> None:
        n = len(self.found)
        if not n:
            self.heading.setText(f"No entry links to {self.url}.")
        else:
            self.heading.setText(
                f"{n} {'entry links' if n == 1 else 'entries link'} to {self.url}:"
            )

    def _open(self, item: QListWidgetItem) -> None:
        self.host.open_entry(Path(item.data(PATH_ROLE)))

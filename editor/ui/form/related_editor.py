"""The ``entries`` field: URLs of other entries, completed from the folder, broken ones flagged.

Completion uses QCompleter over "title — url" strings (contains-match, any case), so an
editor can find an entry by a word of its title and still store only its URL.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QStringListModel, Qt, QTimer
from PySide6.QtWidgets import QCompleter, QListWidgetItem, QStyle

from editor.content.schema import Field
from editor.ui.form.fields import StringListEditor

BROKEN_TIP = "No entry with this URL in the folder"
SEPARATOR = " — "
ROLE_BROKEN = Qt.ItemDataRole.UserRole + 2


def _norm(url: str) -> str:
    return url.strip().rstrip("/")


def url_of(completion: str) -> str:
    """The URL part of a "title — url" completion (or the text itself)."""
    return completion.rsplit(SEPARATOR, 1)[-1].strip()


class RelatedEditor(StringListEditor):
    """A list of entry URLs; items pointing at no known entry get a warning icon."""

    add_placeholder = "Type a title or URL to add a related entry"

    def __init__(self, field: Field) -> None:
        self._known: set[str] | None = None  # None until candidates are given: flag nothing
        self._by_title: dict[str, str] = {}  # casefolded title -> url
        super().__init__(field)
        self._model = QStringListModel(self.add_edit)
        self.completer = QCompleter(self._model, self.add_edit)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setMaxVisibleItems(12)
        self.add_edit.setCompleter(self.completer)
        self.completer.activated.connect(self._completion_chosen)

    def set_candidates(self, entries: Sequence[tuple[str, str]]) -> None:
        """``(url, title)`` of every entry in the folder."""
        self._known = {_norm(url) for url, _ in entries}
        self._by_title = {}
        for url, title in entries:
            if title:
                self._by_title.setdefault(" ".join(title.split()).casefold(), url)
        self._model.setStringList(
            [f"{title}{SEPARATOR}{url}" if title else url for url, title in entries]
        )
        self.list.blockSignals(True)
        try:
            for i in range(self.list.count()):
                self._decorate(self.list.item(i))
        finally:
            self.list.blockSignals(False)

    def is_broken(self, row: int) -> bool:
        return bool(self.list.item(row).data(ROLE_BROKEN))

    def _decorate(self, item: QListWidgetItem) -> None:
        broken = self._known is not None and _norm(item.text()) not in self._known
        if bool(item.data(ROLE_BROKEN)) == broken and item.data(ROLE_BROKEN) is not None:
            return
        item.setData(ROLE_BROKEN, broken)
        if broken:
            style = self.list.style()
            item.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning))
            item.setToolTip(BROKEN_TIP)
        else:
            item.setData(Qt.ItemDataRole.DecorationRole, None)
            item.setToolTip("")

    def resolve(self, text: str) -> str:
        """The URL a typed or chosen text names: a completion's URL, an exact title's
        entry, else the text itself (a URL typed out)."""
        by_title = self._by_title.get(" ".join(text.split()).casefold())
        return by_title if by_title is not None else url_of(text)

    def add(self, text: str) -> None:
        """Add a link unless the list already has it. Enter on a completion reaches here
        twice (the popup's ``activated`` and the line's ``returnPressed``): once only."""
        url = self.resolve(text)
        if _norm(url) in {_norm(t) for t in self.texts()}:
            return
        super().add(url)

    def _completion_chosen(self, text: str) -> None:
        self.add(text)
        # QLineEdit puts the completion text in after this slot runs: clear it afterwards.
        QTimer.singleShot(0, self.add_edit.clear)

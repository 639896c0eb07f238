"""Writing help for a whole form: spell check in every text field, Markdown help in
Markdown fields, kept up as the form builds, reuses and adds editors (FAQ cards).

The form owns one :class:`WritingHelp` and calls :meth:`equip` after each load; the
window gives it the content folder (its settings and site dictionary) and the entries'
``(url, title)`` pairs (titles seed the dictionary; links to entries complete over them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject

from editor.content.spelling import Speller
from editor.ui.form import markdown_help, spell_check
from editor.ui.form.fields import FieldEditor, LineEditor, TextEditor


class WritingHelp(QObject):
    """Installs spell check and Markdown help on the editors it is shown."""

    def __init__(self, parent: QObject | None = None, *, speller: Speller | None = None) -> None:
        super().__init__(parent)
        self.spell = spell_check.SpellService(speller or Speller(None), self)
        self._entries: list[tuple[str, str]] = []

    def set_folder(self, folder: Path | None) -> None:
        """Use ``folder``'s spelling settings and site dictionary."""
        self.spell.set_speller(Speller.for_folder(folder))
        self.spell.set_titles([title for _, title in self._entries])

    def set_entries(
        self, entries: Sequence[tuple[str, str]], title_words: set[str] | None = None
    ) -> None:
        """The folder's ``(url, title)`` pairs: their titles' words are accepted (a big
        folder's gathered on a worker, see ``SpellService.set_titles``, unless
        ``title_words`` are those words already)."""
        self._entries = list(entries)
        if title_words is not None:  # no pass over the titles here (50k: ~2-25 ms)
            self.spell.set_title_words(title_words)
        else:
            self.spell.set_titles([title for _, title in self._entries])

    def entries(self) -> list[tuple[str, str]]:
        return self._entries

    def equip(self, editors: Iterable[tuple[tuple[str | int, ...], FieldEditor]]) -> None:
        """Give each text editor its help (editors already equipped are skipped)."""
        for keys, editor in editors:
            path = ".".join(str(k) for k in keys)
            if isinstance(editor, LineEditor):
                spell_check.install(editor.edit, self.spell, path)
            elif isinstance(editor, TextEditor):
                spell_check.install(editor.edit, self.spell, path)
                if editor.field.kind == "markdown":
                    markdown_help.install(editor.edit, editor.widget, editor._hint, self.entries)
                    helper = editor.edit.findChild(markdown_help.MarkdownHelp)
                    if helper is not None:
                        helper.set_read_only(editor.edit.isReadOnly())

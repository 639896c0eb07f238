"""Spell check in the form's text fields: wavy underlines and a context menu.

Multi-line fields get a ``QSyntaxHighlighter`` (one line at a time, the block state
carries an open code fence or display math into the next line, so typing re-checks
one paragraph). ``QLineEdit`` has no per-character formats of its own; the one way Qt
offers to draw them without changing the text is an input-method event carrying
``TextFormat`` attributes (no text committed, no undo step, no ``textChanged``).

The dictionary loads on a worker thread the first time a field needs it; until then
nothing is flagged, so opening the first entry never waits for it. The words of a big
folder's titles (accepted as spelt right) are gathered on a worker too, whenever titles
change (a batch, a rename): 50k titles took the GUI thread 0.3-0.8 s.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QObject, QPoint, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QInputMethodEvent,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QLineEdit, QMenu, QPlainTextEdit, QWidget

from editor.content.errors import ContentError
from editor.content.spell_words import NORMAL
from editor.content.spelling import Speller, words_of
from editor.ui import dialogs

ADD_TO_DICTIONARY = "Add to Dictionary"
SYNC_TITLES_MAX = 1000  # more titles' words are gathered on a worker (~10 µs a title)
LONG_LINE = 3000  # characters: a longer line is checked when typing pauses
LATE_MS = 300
NO_SUGGESTIONS = "No suggestions"


def misspelt_format() -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
    fmt.setUnderlineColor(QColor("#d32f2f"))
    return fmt


class SpellService(QObject):
    """One folder's :class:`Speller`, shared by every field; says when words change."""

    changed = Signal()  # the dictionary loaded or a word was added: check again
    _loaded = Signal(str)  # from the worker thread: a language's engine is ready
    _titled = Signal(int, object)  # from the worker thread: the titles' words (set[str])

    def __init__(self, speller: Speller, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.speller = speller
        self._loading: set[str] = set()
        self._loaded.connect(self._on_loaded)
        self._titles_asked = 0  # counts set_titles: only the last one's words go in
        self._titled.connect(self._on_titled)

    def set_titles(self, titles: Sequence[str]) -> None:
        """Accept the words of these titles (the folder's entries): a few at once, many
        gathered on a worker and swapped in here; the words before stay until then."""
        if len(titles) <= SYNC_TITLES_MAX:
            self.set_title_words(words_of(titles))
            return
        self._titles_asked += 1
        asked = self._titles_asked
        QThreadPool.globalInstance().start(lambda: self._gather(asked, titles))

    def set_title_words(self, words: set[str]) -> None:
        """Accept these words of the titles, made by :func:`words_of` already (the index's
        job makes them off the GUI thread); a gather under way is dropped."""
        self._titles_asked += 1
        self.speller.set_title_words(words)
        self.changed.emit()

    def _gather(self, asked: int, titles: Sequence[str]) -> None:
        words = words_of(titles)
        with contextlib.suppress(RuntimeError):  # the form went away meanwhile
            self._titled.emit(asked, words)

    def _on_titled(self, asked: int, words: set[str]) -> None:
        if asked == self._titles_asked:
            self.speller.set_title_words(words)
            self.changed.emit()

    def language(self, field_path: str) -> str:
        return self.speller.config.language_of(field_path)

    def set_speller(self, speller: Speller) -> None:
        self.speller = speller
        self.changed.emit()

    def ready(self, language: str) -> bool:
        """Whether ``language`` can be checked now; if not, load it off the GUI thread."""
        if self.speller.is_ready(language):
            return True
        if language not in self._loading:
            self._loading.add(language)
            speller = self.speller
            QThreadPool.globalInstance().start(lambda: self._load(speller, language))
        return False

    def _load(self, speller: Speller, language: str) -> None:
        speller.engine(language)
        with contextlib.suppress(RuntimeError):  # the form went away meanwhile
            self._loaded.emit(language)

    def _on_loaded(self, language: str) -> None:
        self._loading.discard(language)
        self.changed.emit()

    def add_word(self, word: str, parent: QWidget | None) -> None:
        try:
            self.speller.add_to_dictionary(word)
        except ContentError as exc:
            dialogs.error(parent, "Cannot add the word", str(exc))
            return
        self.changed.emit()


class SpellHighlighter(QSyntaxHighlighter):
    """Underlines misspelt words of a plain-text editor's document."""

    def __init__(self, edit: QPlainTextEdit, service: SpellService, field_path: str) -> None:
        super().__init__(edit.document())
        self.edit = edit
        self.service = service
        self.field_path = field_path
        self._format = misspelt_format()
        self._late: set[int] = set()  # long blocks to check once typing pauses
        self._checking_late = False
        self._rehighlighting = False
        self._late_timer = QTimer(self, singleShot=True, interval=LATE_MS)
        self._late_timer.timeout.connect(self._check_late)
        service.changed.connect(self.recheck)
        self.recheck()  # now, quietly: also cancels the pending one setDocument queued

    def _check_late(self) -> None:
        blocks, self._late = self._late, set()
        blocked = self.edit.blockSignals(True)
        self._checking_late = True
        try:
            for number in sorted(blocks):
                block = self.document().findBlockByNumber(number)
                if block.isValid():
                    self.rehighlightBlock(block)
        finally:
            self._checking_late = False
            self.edit.blockSignals(blocked)

    def recheck(self) -> None:
        """Check the whole text again without it looking like an edit: a rehighlight
        runs in an edit block of the document, which makes the editor emit
        ``textChanged``, and a field takes that for typing."""
        blocked = self.edit.blockSignals(True)
        self._rehighlighting = True
        try:
            self.rehighlight()
        finally:
            self._rehighlighting = False
            self.edit.blockSignals(blocked)

    def highlightBlock(self, text: str) -> None:
        state = max(self.previousBlockState(), NORMAL)
        language = self.service.language(self.field_path)
        if not self.service.ready(language):
            self.setCurrentBlockState(state)
            return
        if len(text) > LONG_LINE and not (self._rehighlighting or self._checking_late):
            # One paragraph of thousands of words: checking it on every key would
            # double what Qt itself spends on the key; check it when typing pauses.
            self._late.add(self.currentBlock().blockNumber())
            self._late_timer.start()
            known = self.currentBlockState()  # what the line opened when last checked
            self.setCurrentBlockState(known if known >= 0 else state)
            return
        words, state = self.service.speller.misspelt_in_line(text, state, language)
        for word in words:
            self.setFormat(word.start, word.end - word.start, self._format)
        self.setCurrentBlockState(state)


class LineSpell(QObject):
    """Underlines misspelt words of a ``QLineEdit`` through input-method formats."""

    def __init__(self, edit: QLineEdit, service: SpellService, field_path: str) -> None:
        super().__init__(edit)
        self.edit = edit
        self.service = service
        self.field_path = field_path
        self._format = misspelt_format()
        self.spans: list[tuple[int, int]] = []
        edit.textChanged.connect(self.recheck)
        service.changed.connect(self.recheck)
        self.recheck()

    def recheck(self, *_: object) -> None:
        spans: list[tuple[int, int]] = []
        language = self.service.language(self.field_path)
        if self.service.ready(language):
            found, _state = self.service.speller.misspelt_in_line(
                self.edit.text(), NORMAL, language
            )
            spans = [(w.start, w.end) for w in found]
        if spans == self.spans:
            return
        self.spans = spans
        if self.edit.isReadOnly():
            return  # QLineEdit ignores input-method events when read-only
        cursor = self.edit.cursorPosition()
        attributes = [
            QInputMethodEvent.Attribute(
                QInputMethodEvent.AttributeType.TextFormat,
                start - cursor,
                end - start,
                self._format,
            )
            for start, end in spans
        ]
        QCoreApplication.sendEvent(self.edit, QInputMethodEvent("", attributes))


def _add_spelling(
    menu: QMenu,
    word: str,
    *,
    replace: Callable[[str], None],
    service: SpellService,
    language: str,
    parent: QWidget,
) -> None:
    """Put suggestions and "Add to Dictionary" at the top of a context menu."""
    first = menu.actions()[0] if menu.actions() else None
    actions: list[QAction] = []
    suggestions = service.speller.suggestions(word, language)
    for suggestion in suggestions:
        action = QAction(suggestion, menu)
        font = action.font()
        font.setBold(True)
        action.setFont(font)
        action.triggered.connect(lambda _=False, s=suggestion: replace(s))
        actions.append(action)
    if not suggestions:
        none = QAction(NO_SUGGESTIONS, menu)
        none.setEnabled(False)
        actions.append(none)
    add = QAction(ADD_TO_DICTIONARY, menu)
    add.triggered.connect(lambda: service.add_word(word, parent))
    actions.append(add)
    menu.insertActions(first, actions)  # type: ignore[arg-type]
    menu.insertSeparator(first)  # type: ignore[arg-type]


def text_edit_menu(
    edit: QPlainTextEdit, pos: QPoint, service: SpellService, language: str
) -> QMenu:
    """The editor's standard menu, with spelling help for a misspelt word at ``pos``."""
    menu = edit.createStandardContextMenu(pos)
    cursor = edit.cursorForPosition(pos)
    block = cursor.block()
    column = cursor.positionInBlock()
    if edit.isReadOnly() or not service.ready(language):
        return menu
    previous = block.previous()
    state = max(previous.userState(), NORMAL) if previous.isValid() else NORMAL
    words, _ = service.speller.misspelt_in_line(block.text(), state, language)
    for word in words:
        if word.start <= column <= word.end:

            def replace(text: str, start: int = word.start, end: int = word.end) -> None:
                change = QTextCursor(block)
                change.setPosition(block.position() + start)
                change.setPosition(block.position() + end, QTextCursor.MoveMode.KeepAnchor)
                change.insertText(text)

            _add_spelling(
                menu, word.text, replace=replace, service=service, language=language, parent=edit
            )
            break
    return menu


def line_edit_menu(edit: QLineEdit, pos: QPoint, service: SpellService, language: str) -> QMenu:
    """The line's standard menu, with spelling help for a misspelt word at ``pos``."""
    menu = edit.createStandardContextMenu()
    column = edit.cursorPositionAt(pos)
    if edit.isReadOnly() or not service.ready(language):
        return menu
    words, _ = service.speller.misspelt_in_line(edit.text(), NORMAL, language)
    for word in words:
        if word.start <= column <= word.end:

            def replace(text: str, start: int = word.start, end: int = word.end) -> None:
                edit.setSelection(start, end - start)
                edit.insert(text)

            _add_spelling(
                menu, word.text, replace=replace, service=service, language=language, parent=edit
            )
            break
    return menu


def install(widget: QWidget, service: SpellService, field_path: str) -> QObject | None:
    """Spell check ``widget`` (a ``QPlainTextEdit`` or ``QLineEdit``) in the language of
    the field at ``field_path``; once per widget."""
    if widget.property("spellChecked"):
        return None
    widget.setProperty("spellChecked", True)
    widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    checker: QObject
    if isinstance(widget, QPlainTextEdit):
        edit = widget
        checker = SpellHighlighter(edit, service, field_path)

        def show_text_menu(pos: QPoint) -> None:
            menu = text_edit_menu(edit, pos, service, service.language(field_path))
            menu.exec(edit.mapToGlobal(pos))
            menu.deleteLater()

        edit.customContextMenuRequested.connect(show_text_menu)
        return checker
    if isinstance(widget, QLineEdit):
        line = widget
        checker = LineSpell(line, service, field_path)

        def show_line_menu(pos: QPoint) -> None:
            menu = line_edit_menu(line, pos, service, service.language(field_path))
            menu.exec(line.mapToGlobal(pos))
            menu.deleteLater()

        line.customContextMenuRequested.connect(show_line_menu)
        return checker
    return None

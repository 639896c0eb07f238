"""The way between page and form: a click on a part of the page focuses its field, and
moving through the form (focus entering a field) scrolls the page to that field's part.

Kept out of both widgets: the form knows nothing of the preview and the preview nothing of
the form; this object reads the form's public ``leaf_editors()``/``focus_field()`` and the
pane's ``field_clicked``/``show_field()``.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QWidget

from editor.ui.form.form import EntryForm
from editor.ui.preview.pane import PreviewPane


class FormPreviewLink(QObject):
    """Connects one form and one preview pane for the life of ``parent``."""

    def __init__(self, form: EntryForm, pane: PreviewPane, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._form = form
        self._pane = pane
        pane.field_clicked.connect(self._focus_field)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def field_of(self, widget: QWidget) -> str | None:
        """The dotted path of the form field holding ``widget`` ("faq.0.answer")."""
        if not self._form.isAncestorOf(widget):
            return None
        for keys, editor in self._form.leaf_editors():
            if editor.widget is widget or editor.widget.isAncestorOf(widget):
                return ".".join(str(k) for k in keys)
        return None

    def _focus_field(self, path: str) -> None:
        self._form.focus_field(path)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None:
            return
        path = self.field_of(new)
        if path is not None:
            self._pane.show_field(path)

"""Which editor a field gets: the one place that knows every editor module.

The plain editors (``fields``), the card editor for lists of objects (``faq_editor``),
the related-entries editor and the typed inputs a site declares (``field_types``) all
build on ``fields``; choosing among them lives here, above them all, so none of them
imports another back (the FAQ editor builds its cards through the factory it is given).
"""

from __future__ import annotations

from collections.abc import Callable

from editor.content.schema import Field
from editor.ui.form.faq_editor import FaqEditor
from editor.ui.form.field_types import TYPED_EDITORS
from editor.ui.form.fields import (
    BooleanEditor,
    DateEditor,
    FieldEditor,
    LineEditor,
    NumberEditor,
    StringListEditor,
    TextEditor,
    ValueViewer,
)
from editor.ui.form.related_editor import RelatedEditor

EditorFactory = Callable[[Field], FieldEditor]

PLAIN_EDITORS: dict[str, EditorFactory] = {
    "line": LineEditor,
    "text": TextEditor,
    "markdown": TextEditor,
    "date": DateEditor,
    "number": NumberEditor,
    "boolean": BooleanEditor,
    "strings": StringListEditor,
}


def make_editor(field: Field) -> FieldEditor:
    """The editor for a field's kind (``group`` is laid out by the form, not edited here)."""
    if field.kind == "objects":
        return FaqEditor(field, make_editor)
    if field.kind == "entries":
        return RelatedEditor(field)
    factory: EditorFactory = TYPED_EDITORS.get(field.kind) or PLAIN_EDITORS.get(
        field.kind, ValueViewer
    )
    return factory(field)

"""Live validation under each form field, and the SEO mapping line above the form.

The form hands every leaf editor to :meth:`FieldChecks.attach`; a field with something
to check (required, a type, limits, a pattern, allowed values, an image that must exist)
gets a message line under it, filled by the same ``validation.check_value`` that
``check`` reports with, so the form and CI never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget
from shiboken6 import isValid

from editor.content.schema import Field, Schema
from editor.content.seo.rules import seo_field_map
from editor.content.validation import MISSING, check_value, needs_check
from editor.ui.form.fields import FieldEditor

_ROLE_NAMES = {"title": "title", "description": "description", "keywords": "keywords"}
_SEO_COVERED = ("title", "description", "h1")


@dataclass
class _Watched:
    field: Field
    editor: FieldEditor
    label: QLabel
    required: bool


class FieldChecks:
    """Message lines of one built form (rebuilt with the form)."""

    def __init__(self) -> None:
        self.mapping_label = QLabel()
        self.mapping_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.mapping_label.setWordWrap(True)
        self.mapping_label.setAccessibleName("SEO fields used")
        self._watched: list[_Watched] = []
        self._schema: Schema | None = None
        self._corpus: dict[str, Sequence[Any]] = {}

    def reset(self, schema: Schema) -> None:
        self._watched = []
        self._schema = schema
        mapping = seo_field_map(schema)
        shown = " · ".join(f"{role} ← {mapping[role]}" for role in _ROLE_NAMES)
        self.mapping_label.setText(f"SEO fields: {shown}")
        self.mapping_label.setToolTip(
            "Keys the SEO checks read for this entry type; set them in glossary-editor.yaml "
            "(seo: fields:) when the site keeps them elsewhere.\n"
            + "\n".join(f"{role}: {path}" for role, path in mapping.items())
        )

    def attach(self, field: Field, editor: FieldEditor, cell: QWidget) -> QWidget:
        """``cell`` with a message line under it when ``field`` has something to check."""
        schema = self._schema
        root = schema.site_root if schema is not None else ""
        set_root = getattr(editor, "set_site_root", None)
        if set_root is not None:
            set_root(root)
        set_values = getattr(editor, "set_corpus_values", None)
        if set_values is not None and field.path in self._corpus:
            set_values(self._corpus[field.path])
        if not needs_check(field) or field.kind in ("objects", "group", "other"):
            return cell
        covered = field.seo_role in _SEO_COVERED or (
            schema is not None
            and any(path == field.path for role, path in schema.seo_map if role in _SEO_COVERED)
        )
        required = field.required and not covered and (schema is None or schema.checks_required)
        label = QLabel()
        label.setWordWrap(True)
        label.setAccessibleName(f"{field.label}: problem")
        label.setStyleSheet("color: #b3261e;")  # the error red of the findings icons
        label.hide()
        box = QWidget()
        box.setSizePolicy(QSizePolicy.Policy.Preferred, cell.sizePolicy().verticalPolicy())
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(cell)
        layout.addWidget(label)
        watched = _Watched(field, editor, label, required)
        self._watched.append(watched)
        editor.changed.connect(lambda: self._check(watched))
        return box

    def refresh(self) -> None:
        """Check every watched field again (after a load)."""
        # rows of "Other fields" come and go with each entry: forget the deleted ones
        self._watched = [w for w in self._watched if isValid(w.label)]
        for watched in self._watched:
            self._check(watched)

    def message(self, path: str) -> str:
        """The message shown under a field ("" when it is fine)."""
        for watched in self._watched:
            if watched.field.path == path:
                return watched.label.text() if not watched.label.isHidden() else ""
        return ""

    def set_corpus_values(self, values: Mapping[str, Sequence[Any]]) -> None:
        self._corpus = dict(values)
        for watched in self._watched:
            setter = getattr(watched.editor, "set_corpus_values", None)
            if setter is not None and watched.field.path in values:
                setter(values[watched.field.path])

    def _check(self, watched: _Watched) -> None:
        if not isValid(watched.label):
            return
        editor = watched.editor
        present = editor.is_modified() or getattr(editor, "_present", True)
        value = editor.value() if present else MISSING
        root = self._schema.site_root if self._schema is not None else ""
        problems = check_value(watched.field, value, required=watched.required, root=root)
        text = "\n".join(message for _, message in problems)
        watched.label.setText(text)
        watched.label.setVisible(bool(text))

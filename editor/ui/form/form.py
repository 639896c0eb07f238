"""The schema-driven entry form: one editor per field, refilled on every load.

Widgets are built once per schema (one ``QFormLayout``, so every label shares one
right-aligned column, groups as header rows) and refilled when another entry of the same
schema is loaded. ``values()`` starts from a deep copy of the loaded data and overwrites
only what the user changed, which is what the byte-preserving writer needs to rewrite
nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from editor.content.schema import SCHEMA_KEY, Field, Schema, key_text
from editor.content.seo.config import SeoConfig
from editor.ui.form.editors import make_editor
from editor.ui.form.faq_editor import FaqEditor
from editor.ui.form.field_checks import FieldChecks
from editor.ui.form.fields import (
    FieldEditor,
    LineEditor,
    TextEditor,
    copy_tree,
    describe,
)
from editor.ui.form.keep_in_view import KeepInView
from editor.ui.form.related_editor import RelatedEditor
from editor.ui.form.seo_findings import SeoFindingsView
from editor.ui.form.seo_meter import SeoMeter
from editor.ui.form.writing_help import WritingHelp
from editor.ui.widget_text import usual_break

if TYPE_CHECKING:
    from editor.content.seo.rules import Finding

BODY_FIELD = Field(key="body", path="body", label="Body", kind="markdown")
OTHER_FIELDS = "Other fields"
_NUMBERED = re.compile(r"^(.*\D)(\d+)$")
_MISSING = object()


@dataclass
class _Slot:
    """A leaf editor and the key path of its value in the entry data."""

    keys: tuple[str, ...]
    editor: FieldEditor


@dataclass
class _Repeat:
    """Numbered groups (``related_article1`` … ``5``): only those in the entry are shown."""

    keys: list[str]
    rows: dict[str, list[QWidget]] = field(default_factory=dict)
    button: QPushButton | None = None


def _lookup(data: Mapping[str, Any], keys: Sequence[str]) -> tuple[Any, bool]:
    value: Any = data
    for key in keys:
        if not isinstance(value, Mapping) or key not in value:
            return None, False
        value = value[key]
    return value, True


def _assign(data: dict[str, Any], keys: Sequence[str], value: Any) -> None:
    target = data
    for key in keys[:-1]:
        child = target.get(key)
        if not isinstance(child, dict):
            child = target[key] = {}
        target = child
    target[keys[-1]] = value


def _under(path: str, prefixes: Sequence[str]) -> bool:
    return any(path == p or path.startswith(p + ".") for p in prefixes)


def _header(text: str, level: int) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setBold(True)
    if level == 0:
        font.setPointSizeF(font.pointSizeF() * 1.1)
    label.setFont(font)
    label.setContentsMargins(0, 8 if level == 0 else 4, 0, 0)
    return label


class EntryForm(QWidget):
    """The entry editor: schema label, SEO findings, then the scrolling form."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None, *, seo_config: SeoConfig | None = None):
        super().__init__(parent)
        self._seo_config = seo_config or SeoConfig()
        self._schema: Schema | None = None
        self._data: dict[str, Any] = {}
        self._body: str | None = None
        self._read_only = False
        self._candidates: list[tuple[str, str]] = []
        self._slots: list[_Slot] = []
        self._by_path: dict[str, FieldEditor] = {}
        self._meters: dict[str, SeoMeter] = {}
        self._repeats: list[_Repeat] = []
        self._extra_fields: tuple[Field, ...] = ()
        self._extra_rows: list[QWidget] = []
        self._extra_slots: list[_Slot] = []
        self._tab_chain: list[Callable[[], list[QWidget]]] = []
        self._layout: QFormLayout | None = None
        self._body_editor: TextEditor | None = None
        self._other_header: QLabel | None = None
        self.writing = WritingHelp(self)  # spell check and Markdown help (writing_help.py)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        self.schema_label = QLabel()
        self.schema_label.setTextFormat(Qt.TextFormat.PlainText)
        self.schema_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.schema_label.setContentsMargins(8, 4, 8, 0)
        outer.addWidget(self.schema_label)
        self.field_checks = FieldChecks()  # live validation messages and the SEO mapping
        self.seo_fields_label = self.field_checks.mapping_label
        self.seo_fields_label.setContentsMargins(8, 0, 8, 0)
        outer.addWidget(self.seo_fields_label)
        self.findings = SeoFindingsView()
        self.findings.field_activated.connect(self.focus_field)
        outer.addWidget(self.findings)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(self.scroll_area, 1)
        self.keep_in_view = KeepInView(self.scroll_area)

    # -- building ----------------------------------------------------------------------
    def _build(self, schema: Schema) -> None:
        self._slots, self._by_path, self._meters, self._repeats = [], {}, {}, []
        self._extra_fields, self._extra_rows, self._extra_slots = (), [], []
        self._tab_chain = []
        self.field_checks.reset(schema)
        page = QWidget()
        form = QFormLayout(page)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setContentsMargins(12, 8, 12, 12)
        self._layout = form

        numbered: dict[str, list[str]] = {}
        for f in schema.fields:
            match = _NUMBERED.match(f.key) if isinstance(f.key, str) else None
            if f.kind == "group" and match:
                numbered.setdefault(match.group(1), []).append(f.key)
        repeats = {prefix: _Repeat(keys) for prefix, keys in numbered.items() if len(keys) > 1}
        repeat_of = {key: r for r in repeats.values() for key in r.keys}
        labels = {f.key: f.label for f in schema.fields}

        for f in schema.fields:
            rows: list[QWidget] = []
            self._add_field(form, f, (f.key,), 0, rows=rows, slots=self._slots)
            repeat = repeat_of.get(f.key)
            if repeat is None:
                continue
            repeat.rows[f.key] = rows
            if f.key == repeat.keys[-1]:
                self._add_repeat_button(form, repeat, labels[repeat.keys[0]])
        self._repeats = list(repeats.values())

        self._body_editor = TextEditor(BODY_FIELD)
        self._add_leaf(form, BODY_FIELD, self._body_editor, None, rows=[], slots=self._slots)
        self._tab_chain.append(self._body_editor.focus_widgets)
        self._other_header = _header(OTHER_FIELDS, 0)
        self._other_header.setToolTip("Keys this schema does not list; they are kept as they are.")
        form.addRow(self._other_header)
        self._tab_chain.append(self._extra_focus_widgets)

        self.scroll_area.setWidget(page)  # deletes the previous page
        self._schema = schema
        for editor in self._by_path.values():
            if isinstance(editor, RelatedEditor):
                editor.set_candidates(self._candidates)

    def _add_field(
        self,
        form: QFormLayout,
        f: Field,
        keys: tuple[str, ...],
        level: int,
        *,
        rows: list[QWidget],
        slots: list[_Slot],
    ) -> None:
        if f.kind == "group":
            header = _header(f.label, level)
            form.addRow(header)
            rows.append(header)
            for child in f.fields:
                self._add_field(form, child, (*keys, child.key), level + 1, rows=rows, slots=slots)
            return
        editor = make_editor(f)
        self._add_leaf(form, f, editor, keys, rows=rows, slots=slots)

    def _add_leaf(
        self,
        form: QFormLayout,
        f: Field,
        editor: FieldEditor,
        keys: tuple[str, ...] | None,
        *,
        rows: list[QWidget],
        slots: list[_Slot],
    ) -> None:
        describe(f, editor)
        editor.changed.connect(self.edited)
        cell = editor.widget
        if f.seo_role in ("title", "description") and isinstance(editor, LineEditor | TextEditor):
            cell = self._with_meter(editor, f)
        if keys is not None:
            cell = self.field_checks.attach(f, editor, cell)
        if isinstance(editor, FaqEditor):
            header = _header(f"{f.label} *" if f.required else f.label, 0)
            header.setBuddy(editor.focus_widget())
            form.addRow(header)
            form.addRow(cell)
            rows.extend((header, cell))
            editor.structure_changed.connect(self._fix_tab_order)
            editor.structure_changed.connect(self._equip_writing)
        else:
            label = QLabel(f"{f.label} *" if f.required else f.label)
            label.setContentsMargins(0, 4, 0, 0)
            if f.required:
                label.setToolTip("Required")
            elif f.help:
                label.setToolTip(f.help)
            label.setBuddy(editor.focus_widget())
            form.addRow(label, cell)
            rows.append(cell)
        if keys is not None:
            slots.append(_Slot(keys, editor))
            self._by_path[f.path] = editor
            self._tab_chain.append(editor.focus_widgets)

    def _with_meter(self, editor: LineEditor | TextEditor, f: Field) -> QWidget:
        meter = SeoMeter("title" if f.seo_role == "title" else "description", self._seo_config)
        self._meters[f.path] = meter
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor.widget)
        layout.addWidget(meter)
        editor.edit.textChanged.connect(lambda *_: meter.set_text(editor.text()))
        return box

    def _add_repeat_button(self, form: QFormLayout, repeat: _Repeat, first_label: str) -> None:
        noun = re.sub(r"\s*\d+$", "", first_label).strip().lower() or "item"
        button = QPushButton(f"Add {noun}")
        button.setAccessibleName(f"Add {noun}")
        button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        button.clicked.connect(lambda: self._show_next(repeat))
        form.addRow("", button)
        repeat.button = button
        self._tab_chain.append(lambda: [button])

    def _show_next(self, repeat: _Repeat) -> None:
        hidden = [k for k in repeat.keys if not self._row_visible(repeat.rows[k][0])]
        if not hidden or self._read_only:
            return
        self._set_rows_visible(repeat.rows[hidden[0]], True)
        self._update_repeat_button(repeat)
        self.focus_field(hidden[0])

    def _update_repeat_button(self, repeat: _Repeat) -> None:
        if repeat.button is not None:
            any_hidden = any(not self._row_visible(repeat.rows[k][0]) for k in repeat.keys)
            self._set_rows_visible([repeat.button], any_hidden)
            repeat.button.setEnabled(not self._read_only)

    def _row_visible(self, widget: QWidget) -> bool:
        return not widget.isHidden()

    def _set_rows_visible(self, widgets: Sequence[QWidget], visible: bool) -> None:
        assert self._layout is not None
        for widget in widgets:
            self._layout.setRowVisible(widget, visible)

    def _rebuild_extras(self, extras: tuple[Field, ...]) -> None:
        assert self._layout is not None
        for widget in self._extra_rows:
            self._layout.removeRow(widget)
        for slot in self._extra_slots:
            self._by_path.pop(".".join(map(key_text, slot.keys)), None)
        rows: list[QWidget] = []
        slots: list[_Slot] = []
        chain = self._tab_chain
        self._tab_chain = []  # extras' focus widgets come from _extra_focus_widgets
        for f in extras:
            self._add_field(self._layout, f, (f.key,), 1, rows=rows, slots=slots)
        self._tab_chain = chain
        self._extra_rows, self._extra_slots, self._extra_fields = rows, slots, extras
        self._other_header_visible(bool(extras))

    def _other_header_visible(self, visible: bool) -> None:
        if self._other_header is not None:
            self._set_rows_visible([self._other_header], visible)

    def _extra_focus_widgets(self) -> list[QWidget]:
        widgets: list[QWidget] = []
        for slot in self._extra_slots:
            widgets.extend(slot.editor.focus_widgets())
        return widgets

    def _fix_tab_order(self) -> None:
        chain = [w for get in self._tab_chain for w in get() if not w.isHidden()]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    # -- the contract ------------------------------------------------------------------
    def load(
        self,
        schema: Schema,
        data: Mapping[str, Any],
        body: str | None,
        *,
        read_only: bool = False,
        newline: str = "\n",
    ) -> None:
        """Show an entry; emits nothing. Widgets are reused when the schema is unchanged.

        ``newline`` is the file's line break: what a typed Enter makes in a body that has
        no line break of its own (otherwise the body's usual one)."""
        if self._schema is None or (schema is not self._schema and schema != self._schema):
            self._build(schema)
        self._data = copy_tree(dict(data))
        self._body = body
        extras = schema.extra_fields(self._data)
        if extras != self._extra_fields:
            self._rebuild_extras(extras)
        else:
            self._other_header_visible(bool(extras))
        for slot in (*self._slots, *self._extra_slots):
            value, present = _lookup(self._data, slot.keys)
            slot.editor.load(value, present)
        for repeat in self._repeats:
            for key in repeat.keys:
                self._set_rows_visible(repeat.rows[key], key in self._data)
            self._update_repeat_button(repeat)
        assert self._body_editor is not None
        self._body_editor.newline = usual_break(body or "", newline)
        self._body_editor.load(body, body is not None)
        # The real Q&A files end "---\n\n&nbsp;": a placeholder, not content to edit.
        show_body = schema.has_body or bool(body and body.replace("&nbsp;", "").strip())
        self._set_rows_visible([self._body_editor.widget], show_body)
        self.set_read_only(read_only)
        self._show_schema_label(schema)
        self.field_checks.refresh()
        self._fix_tab_order()
        self._equip_writing()
        self.scroll_area.verticalScrollBar().setValue(0)

    def _equip_writing(self) -> None:
        self.writing.equip(self.leaf_editors())

    def _show_schema_label(self, schema: Schema) -> None:
        text = schema.label
        name = self._data.get(SCHEMA_KEY)
        if name and not schema.generic and str(name) != schema.label:
            text = f"{schema.label} ({name})"
        if self._read_only:
            text += " — read only"
        self.schema_label.setText(text)

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        for slot in (*self._slots, *self._extra_slots):
            slot.editor.set_read_only(read_only)
        if self._body_editor is not None:
            self._body_editor.set_read_only(read_only)
        for repeat in self._repeats:
            if repeat.button is not None:
                repeat.button.setEnabled(not read_only)

    def is_read_only(self) -> bool:
        return self._read_only

    def schema(self) -> Schema | None:
        return self._schema

    def values(self) -> dict[str, Any]:
        """The entry data as it now stands: loaded data plus the user's changes only."""
        data: dict[str, Any] = copy_tree(self._data)
        for slot in (*self._slots, *self._extra_slots):
            if slot.editor.is_modified():
                _assign(data, slot.keys, slot.editor.value())
        return data

    def body(self) -> str | None:
        editor = self._body_editor
        if editor is not None and editor.is_modified():
            return str(editor.value())
        return self._body

    def is_modified(self) -> bool:
        return self.body() != self._body or self.values() != self._data

    def editor(self, path: str) -> FieldEditor | None:
        """The editor of a dotted field path ("seo.title", "body"), for the window and tests."""
        if path == BODY_FIELD.path:
            return self._body_editor
        return self._by_path.get(path)

    def leaf_editors(self) -> list[tuple[tuple[str | int, ...], FieldEditor]]:
        """Every editor with the key path of its value (FAQ items' fields as
        ``("faq", 0, "answer")``; the body last as ``("body",)``), for whatever walks the
        whole form (the window-fidelity tests type into each one)."""
        found: list[tuple[tuple[str | int, ...], FieldEditor]] = []
        for slot in (*self._slots, *self._extra_slots):
            if isinstance(slot.editor, FaqEditor):
                for index, card in enumerate(slot.editor.cards):
                    found.extend(((*slot.keys, index, k), e) for k, e in card.editors.items())
            else:
                found.append((slot.keys, slot.editor))
        if self._body_editor is not None:
            found.append(((BODY_FIELD.key,), self._body_editor))
        return found

    def focus_field(self, path: str) -> bool:
        """Scroll to the field at ``path`` ("seo.title", "faq.1.answer") and focus it."""
        parts = path.split(".")
        for repeat in self._repeats:
            if parts[0] in repeat.keys and self._layout is not None:
                self._set_rows_visible(repeat.rows[parts[0]], True)
                self._update_repeat_button(repeat)
        for cut in range(len(parts), 0, -1):
            editor = self.editor(".".join(parts[:cut]))
            if editor is not None:
                if not editor.widget.isVisibleTo(self):
                    return False
                widget = editor.focus(".".join(parts[cut:]))
                break
        else:  # a group: its first field
            prefix = path + "."
            first = next((p for p in self._by_path if p.startswith(prefix)), None)
            if first is None:
                return False
            widget = self._by_path[first].focus()
        if widget is None:
            return False
        self.keep_in_view.show(widget)
        return True

    def set_related_candidates(
        self, entries: Sequence[tuple[str, str]], title_words: set[str] | None = None
    ) -> None:
        """``(url, title)`` of all entries in the folder: completion and broken-link flags;
        ``title_words``: their titles' words when already gathered (off the GUI thread)."""
        self._candidates = list(entries)
        self.writing.set_entries(self._candidates, title_words)
        for slot in (*self._slots, *self._extra_slots):
            if isinstance(slot.editor, RelatedEditor):
                slot.editor.set_candidates(self._candidates)

    def set_value_options(self, values: Mapping[str, Sequence[Any]]) -> None:
        """Values other entries use, per field path: offered by selects and tags."""
        self.field_checks.set_corpus_values(values)

    def set_findings(self, findings: Sequence[Finding]) -> None:
        fresh = tuple(
            f"{'.'.join(slot.keys)}.{i}"
            for slot in self._slots
            if isinstance(slot.editor, FaqEditor)
            for i in slot.editor.fresh_items()
        )
        self.findings.set_findings(
            [f for f in findings if not (f.rule == "faq-incomplete" and _under(f.field, fresh))]
        )

    def set_seo_config(self, config: SeoConfig) -> None:
        """The content folder's thresholds, for the length meters."""
        self._seo_config = config
        for meter in self._meters.values():
            meter.set_config(config)

    def meter(self, path: str) -> SeoMeter | None:
        """The length meter under an SEO title or description field."""
        return self._meters.get(path)

"""Editors for the typed inputs a site's configuration declares, by kind.

Select and multi-select (:mod:`choice_editors`: the field's options, plus the values
other entries use), tags (:mod:`tags_editor`), date-time and range
(:mod:`time_range_editors`), URL, colour and image/file (:mod:`line_type_editors`:
thumbnail, and a picker that copies the file into the site's uploads folder under a
slugged name). Each keeps the :class:`~editor.ui.form.fields.FieldEditor` contract: an
untouched field gives back the very object it was loaded with, so the byte-preserving
writer rewrites nothing.
"""

from __future__ import annotations

from editor.ui.form.choice_editors import MultiSelectEditor, SelectEditor
from editor.ui.form.fields import FieldEditor, ValueViewer
from editor.ui.form.line_type_editors import ColorEditor, MediaEditor, UrlEditor
from editor.ui.form.tags_editor import TagsEditor
from editor.ui.form.time_range_editors import DateTimeEditor, RangeEditor

__all__ = [
    "TYPED_EDITORS",
    "ColorEditor",
    "DateTimeEditor",
    "MediaEditor",
    "MultiSelectEditor",
    "RangeEditor",
    "SelectEditor",
    "TagsEditor",
    "UrlEditor",
]

# kind -> editor class, merged into ``editors.make_editor``'s table
TYPED_EDITORS: dict[str, type[FieldEditor]] = {
    "select": SelectEditor,
    "multiselect": MultiSelectEditor,
    "tags": TagsEditor,
    "datetime": DateTimeEditor,
    "url": UrlEditor,
    "color": ColorEditor,
    "image": MediaEditor,
    "file": MediaEditor,
    "range": RangeEditor,
    "other": ValueViewer,
}

"""What the typed-input editors share: the "(none)" choice, option lists, compact boxes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtWidgets import QSizePolicy, QWidget

from editor.content.schema import Field

NONE_TEXT = "(none)"


def compact(widget: QWidget) -> QWidget:
    """No taller than it needs: a short form's spare height must not pile up in a field."""
    widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
    return widget


def value_text(value: Any) -> str:
    """A value as an option's text: None is empty."""
    return "" if value is None else str(value)


def choices(field: Field, extra: Iterable[Any] = ()) -> list[tuple[Any, str]]:
    """(value, label) for the field's options, then other values seen, without repeats."""
    seen: set[str] = set()
    out: list[tuple[Any, str]] = []
    labels = field.option_labels or tuple(map(value_text, field.options))
    for value, label in zip(field.options, labels, strict=False):
        if value_text(value) not in seen:
            seen.add(value_text(value))
            out.append((value, label))
    for value in extra:
        if value is not None and value_text(value) and value_text(value) not in seen:
            seen.add(value_text(value))
            out.append((value, value_text(value)))
    return out

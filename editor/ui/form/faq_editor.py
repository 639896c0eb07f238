"""The ``objects`` field (FAQ pairs): a column of cards with add, remove and reorder.

Each card remembers the item it was loaded from, so ``value()`` rebuilds the list from
the original mappings: key order and keys the schema does not know survive, and only the
item fields the user changed are overwritten. Cards are reused across loads, so opening
another entry refills widgets instead of building them again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from itertools import pairwise
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.content.schema import Field
from editor.ui.form.fields import TEXT_KINDS, FieldEditor, LineEditor, copy_tree, describe

ADD_KEYS = QKeySequence("Alt+Insert")
REMOVE_KEYS = QKeySequence("Alt+Delete")
UP_KEYS = QKeySequence("Alt+Up")
DOWN_KEYS = QKeySequence("Alt+Down")


def _scroll_into_view(card: QWidget) -> None:
    """Scroll the form so the whole card (or its top, if taller) is in view."""
    parent = card.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    if isinstance(parent, QScrollArea) and card.isVisible():
        parent.ensureWidgetVisible(card, 0, 16)


class FaqCard(QFrame):
    """One item: a header with its label and buttons, then one editor per item field."""

    move_requested = Signal(object, int)  # card, -1 up / +1 down
    remove_requested = Signal(object)

    def __init__(self, field: Field, make: Callable[[Field], FieldEditor]) -> None:
        super().__init__()
        self.field = field
        self.original: dict[str, Any] | None = None  # None: added by the user
        self.origin: int | None = None  # index in the loaded list
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(4)
        header = QHBoxLayout()
        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        header.addWidget(self.title, 1)
        style = self.style()
        self.up_button = self._tool(style, QStyle.StandardPixmap.SP_ArrowUp, "Move up", UP_KEYS)
        self.down_button = self._tool(
            style, QStyle.StandardPixmap.SP_ArrowDown, "Move down", DOWN_KEYS
        )
        self.remove_button = self._tool(
            style, QStyle.StandardPixmap.SP_TrashIcon, "Remove", REMOVE_KEYS
        )
        for button in (self.up_button, self.down_button, self.remove_button):
            header.addWidget(button)
        layout.addLayout(header)
        self.up_button.clicked.connect(lambda: self.move_requested.emit(self, -1))
        self.down_button.clicked.connect(lambda: self.move_requested.emit(self, 1))
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        for keys, slot in (
            (UP_KEYS, self.up_button.click),
            (DOWN_KEYS, self.down_button.click),
            (REMOVE_KEYS, self.remove_button.click),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.editors: dict[str, FieldEditor] = {}
        self._labels: dict[str, QLabel] = {}
        for child in field.fields:
            editor = make(child)
            self.editors[child.key] = editor
            label = QLabel(f"{child.label} *" if child.required else child.label)
            label.setBuddy(editor.focus_widget())
            self._labels[child.key] = label
            form.addRow(label, editor.widget)
        layout.addLayout(form)
        self._label_key = field.item_label or next(
            (f.key for f in field.fields if f.kind in TEXT_KINDS), ""
        )
        label_editor = self.editors.get(self._label_key)
        if isinstance(label_editor, LineEditor):
            label_editor.edit.textChanged.connect(self._retitle)
        self.number = 0

    def _tool(
        self, style: QStyle, icon: QStyle.StandardPixmap, text: str, keys: QKeySequence
    ) -> QToolButton:
        button = QToolButton()
        button.setIcon(style.standardIcon(icon))
        button.setText(text)
        tip = f"{text} ({keys.toString(QKeySequence.SequenceFormat.NativeText)})"
        button.setToolTip(tip)
        button.setAccessibleName(text)
        button.setAutoRaise(True)
        return button

    def set_number(self, number: int) -> None:
        """1-based position: goes into the accessible names and the fallback title."""
        self.number = number
        for child in self.field.fields:
            describe(child, self.editors[child.key], f"{child.label} {number}")
        self._retitle()

    def _retitle(self, *_: object) -> None:
        editor = self.editors.get(self._label_key)
        text = editor.value() if editor is not None else ""
        text = str(text).strip() if text else ""
        self.title.setText(text or f"{self.field.label} — item {self.number}")

    def fill(self, item: Mapping[str, Any] | None, origin: int | None) -> None:
        self.original = dict(item) if item is not None else None
        self.origin = origin
        for key, editor in self.editors.items():
            present = item is not None and key in item
            editor.load(item.get(key) if item is not None else None, present)
        self._retitle()

    def is_modified(self) -> bool:
        return any(e.is_modified() for e in self.editors.values())

    def value(self) -> dict[str, Any]:
        if self.original is None:  # a new item: every text field, plus anything set
            return {
                key: editor.value() if editor.is_modified() else ""
                for key, editor in self.editors.items()
                if editor.is_modified() or editor.field.kind in TEXT_KINDS
            }
        item: dict[str, Any] = copy_tree(self.original)
        for key, editor in self.editors.items():
            if editor.is_modified():
                item[key] = editor.value()
        return item

    def set_read_only(self, read_only: bool) -> None:
        for editor in self.editors.values():
            editor.set_read_only(read_only)
        for button in (self.up_button, self.down_button, self.remove_button):
            button.setEnabled(not read_only)

    def focus_widgets(self) -> list[QWidget]:
        widgets: list[QWidget] = []
        for editor in self.editors.values():
            widgets.extend(editor.focus_widgets())
        return widgets


class FaqEditor(FieldEditor):
    """Editor for a list of mappings; emits ``structure_changed`` when cards come or go."""

    structure_changed = Signal()

    def __init__(self, field: Field, make: Callable[[Field], FieldEditor]) -> None:
        super().__init__(field)
        self._make = make
        self._cards: list[FaqCard] = []
        self._spare: list[FaqCard] = []
        self._loaded_count = 0
        self._unsupported = False
        self.widget = QWidget()
        outer = QVBoxLayout(self.widget)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(6)
        self._column = QVBoxLayout()
        self._column.setSpacing(6)
        outer.addLayout(self._column)
        self.note = QLabel("This value is not a list of items; it is kept as it is.")
        self.note.setWordWrap(True)
        self.note.hide()
        outer.addWidget(self.note)
        label_field = field.child(field.item_label)
        item_name = label_field.label if label_field is not None else "item"
        self.add_button = QPushButton(f"Add {item_name.lower()}")
        self.add_button.setToolTip(
            f"Add {item_name.lower()} ({ADD_KEYS.toString(QKeySequence.SequenceFormat.NativeText)})"
        )
        self.add_button.setIcon(
            self.widget.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogNewFolder)
        )
        outer.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.add_button.clicked.connect(self.add_item)
        shortcut = QShortcut(ADD_KEYS, self.widget)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.add_button.click)

    # -- cards -------------------------------------------------------------------------
    @property
    def cards(self) -> list[FaqCard]:
        return list(self._cards)

    def _take_card(self) -> FaqCard:
        if self._spare:
            card = self._spare.pop()
        else:
            card = FaqCard(self.field, self._make)
            card.move_requested.connect(self.move_item)
            card.remove_requested.connect(self._remove_card)
            for editor in card.editors.values():
                editor.changed.connect(self._user_changed)
        card.set_read_only(self._read_only)
        return card

    def _place(self) -> None:
        while self._column.count():
            self._column.takeAt(0)
        for number, card in enumerate(self._cards, 1):
            self._column.addWidget(card)
            card.set_number(number)
            card.up_button.setEnabled(not self._read_only and number > 1)
            card.down_button.setEnabled(not self._read_only and number < len(self._cards))
            card.show()
        for previous, current in pairwise(self._cards):
            QWidget.setTabOrder(previous.focus_widgets()[-1], current.focus_widgets()[0])

    # -- FieldEditor -------------------------------------------------------------------
    def _fill(self, value: Any) -> None:
        items = value if value is not None else []
        self._unsupported = not (
            isinstance(items, list) and all(isinstance(i, Mapping) for i in items)
        )
        if self._unsupported:
            items = []
        while len(self._cards) > len(items):
            card = self._cards.pop()
            card.hide()
            self._spare.append(card)
        while len(self._cards) < len(items):
            self._cards.append(self._take_card())
        for index, (card, item) in enumerate(zip(self._cards, items, strict=True)):
            card.fill(item, index)
        self._loaded_count = len(items)
        self.note.setVisible(self._unsupported)
        self.add_button.setEnabled(not self._unsupported and not self._read_only)
        self._place()

    def _snapshot(self) -> tuple[Any, ...]:
        return (
            tuple(card.origin for card in self._cards),
            any(card.is_modified() for card in self._cards),
        )

    def is_modified(self) -> bool:
        if self._unsupported:
            return False
        order = [card.origin for card in self._cards]
        return order != list(range(self._loaded_count)) or any(
            card.is_modified() for card in self._cards
        )

    def _current(self) -> list[dict[str, Any]]:
        return [card.value() for card in self._cards]

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        for card in self._cards + self._spare:
            card.set_read_only(read_only)
        self.add_button.setEnabled(not read_only and not self._unsupported)
        self._place()

    def focus_widget(self) -> QWidget:
        return self._cards[0].focus_widgets()[0] if self._cards else self.add_button

    def focus_widgets(self) -> list[QWidget]:
        widgets: list[QWidget] = []
        for card in self._cards:
            widgets.extend(card.focus_widgets())
        return [*widgets, self.add_button]

    def focus(self, rest: str = "") -> QWidget | None:
        """``rest`` is ``"1.answer"`` (0-based item, then item key) or ``"1"`` or empty."""
        if not rest:
            return super().focus()
        index_text, _, key = rest.partition(".")
        if not index_text.isdigit() or int(index_text) >= len(self._cards):
            return None
        card = self._cards[int(index_text)]
        editor = card.editors.get(key.split(".")[0]) if key else None
        if editor is None:
            editor = next(iter(card.editors.values()), None)
        if editor is None:
            return None
        return editor.focus()

    # -- user actions ------------------------------------------------------------------
    def add_item(self) -> None:
        if self._read_only or self._unsupported:
            return
        card = self._take_card()
        card.fill(None, None)
        self._cards.append(card)
        self._place()
        self._structure_changed()
        card.focus_widgets()[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def remove_item(self, index: int) -> None:
        if self._read_only or not 0 <= index < len(self._cards):
            return
        card = self._cards.pop(index)
        card.hide()
        self._spare.append(card)
        self._place()
        self._structure_changed()
        if self._cards:
            target = self._cards[min(index, len(self._cards) - 1)]
            target.focus_widgets()[0].setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def move_item(self, card: FaqCard, step: int) -> None:
        index = self._cards.index(card)
        target = index + step
        if self._read_only or not 0 <= target < len(self._cards):
            return
        self._cards[index], self._cards[target] = self._cards[target], self._cards[index]
        focused = card.focusWidget()
        self._place()
        self._structure_changed()
        target_widget = focused or card.focus_widgets()[0]
        target_widget.setFocus(Qt.FocusReason.OtherFocusReason)
        # The moved card's new place is laid out in the next pass: scroll to it then.
        QTimer.singleShot(0, lambda: _scroll_into_view(card))

    def fresh_items(self) -> list[int]:
        """Positions of items the user added and has not written in yet: their empty
        question and answer are not mistakes yet, so the SEO panel leaves them alone."""
        return [i for i, c in enumerate(self._cards) if c.original is None and not c.is_modified()]

    def _remove_card(self, card: FaqCard) -> None:
        self.remove_item(self._cards.index(card))

    def _structure_changed(self) -> None:
        self.structure_changed.emit()
        self._user_changed()

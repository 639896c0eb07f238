"""User settings: a typed dataclass of defaults over ``QSettings``.

Only values that differ from the defaults are written (as in ReText), so changing a
default in a later version reaches every user who never touched it. Window geometry,
dock/toolbar state and splitter sizes are kept apart under ``window/``: they are
blobs Qt produces and restores, not preferences a user edits.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter

MAX_RECENT = 8


@dataclass
class Settings:
    """Preferences with their defaults."""

    recent_folders: list[str] = field(default_factory=list)
    show_preview: bool = True
    show_seo: bool = True
    # Renders run off the GUI thread and never queue (pane.py), so a short pause is cheap;
    # 60 ms keeps "shown <= 200 ms after the last key" (bench/bench_preview.py).
    preview_delay_ms: int = 60

    def add_recent(self, folder: Path) -> None:
        """Put ``folder`` first in the recent list (once), keeping the list short."""
        text = str(folder)
        self.recent_folders = [text, *(f for f in self.recent_folders if f != text)][:MAX_RECENT]


def _coerce(value: Any, default: Any) -> Any:
    """QSettings gives strings back from INI files; turn them into the default's type."""
    if isinstance(default, bool):
        if isinstance(value, str):
            return value.lower() in ("true", "1", "yes")
        return bool(value)
    if isinstance(default, int):
        try:
            return int(value)
        except (TypeError, ValueError):
            return default
    if isinstance(default, list):
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        return [str(v) for v in value]
    return value


class SettingsStore:
    """Reads and writes :class:`Settings` and the window layout in one ``QSettings``."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.qsettings = qsettings if qsettings is not None else QSettings()

    def load(self) -> Settings:
        defaults = Settings()
        values: dict[str, Any] = {}
        for f in fields(Settings):
            key = f"prefs/{f.name}"
            if self.qsettings.contains(key):
                values[f.name] = _coerce(self.qsettings.value(key), getattr(defaults, f.name))
        return dataclasses.replace(defaults, **values)

    def save(self, settings: Settings) -> None:
        defaults = Settings()
        for f in fields(Settings):
            key = f"prefs/{f.name}"
            value = getattr(settings, f.name)
            if value == getattr(defaults, f.name):
                self.qsettings.remove(key)
            else:
                self.qsettings.setValue(key, value)
        self.qsettings.sync()

    def save_window(self, window: QMainWindow, splitters: dict[str, QSplitter]) -> None:
        self.qsettings.setValue("window/geometry", window.saveGeometry())
        self.qsettings.setValue("window/state", window.saveState())
        for name, splitter in splitters.items():
            self.qsettings.setValue(f"window/splitter_{name}", splitter.saveState())
        self.qsettings.sync()

    def restore_window(self, window: QMainWindow, splitters: dict[str, QSplitter]) -> bool:
        """Restore what was saved; False when nothing was (first start: use defaults)."""
        geometry = self.qsettings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            window.restoreGeometry(geometry)
        state = self.qsettings.value("window/state")
        if isinstance(state, QByteArray):
            window.restoreState(state)
        for name, splitter in splitters.items():
            sizes = self.qsettings.value(f"window/splitter_{name}")
            if isinstance(sizes, QByteArray):
                splitter.restoreState(sizes)
        return isinstance(geometry, QByteArray)

"""What the git operations need from the main window and from the git panel."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtWidgets import QMainWindow, QWidget

from editor.content.git_repo import GitRepo


class Window(Protocol):
    """What the panel needs from the main window."""

    folder: Path | None
    pool: Any
    session: Any
    entry_list: Any
    model: Any

    def statusBar(self) -> Any: ...
    def menuBar(self) -> Any: ...
    def current_path(self) -> Path | None: ...
    def open_entry(self, path: Path, field: str | None = None) -> None: ...
    def files_changed(self, paths: list[Path]) -> None: ...
    def save_all(self) -> bool: ...


class GitHost(Protocol):
    """The panel as its operations see it: the repository, the runner, the dialogs."""

    main: QMainWindow
    window: Window
    repo: GitRepo | None
    dialogs: dict[str, QWidget]

    def current_repo(self) -> GitRepo | None: ...
    def abs_path(self, rel: str) -> Path: ...
    def start(
        self, name: str, job: Callable[[Callable[[str], None]], Any], then: Callable[[Any], None]
    ) -> bool: ...
    def show_dialog(self, name: str, dialog: QWidget) -> None: ...
    def write_outside(self, path: Path, text: str) -> None: ...
    def refresh(self) -> None: ...

"""GUI test setup: scripted dialogs, isolated settings, a main window on a sample copy.

Every message box of the app goes through ``editor.ui.dialogs``; the autouse
``dialog_script`` fixture replaces it. A test scripts the answers it expects
(``dialog_script.expect("ask_save", "discard")``); a dialog nobody scripted fails the
test, and so does a scripted dialog that never came. The answer to ``choose`` is the
label of a choice; to ``recover`` it is ``"restore"``, ``"discard"`` or ``"later"``
(for every journaled entry) or a callable run in place of the dialog; to ``save_file``
the chosen path, or None for a cancelled dialog.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QThreadPool
from PySide6.QtWidgets import QApplication

from editor.ui import dialogs

TEST_ORGANISATION = "GlossaryEditorTests"
TEST_APPLICATION = "glossary-editor-tests"
DIALOG_KINDS = (
    "error", "info", "confirm", "ask_save", "choose", "show_diff", "recover", "save_file",
)  # fmt: skip


@dataclass
class DialogScript:
    """Scripted answers per dialog kind, and the calls that were made."""

    answers: dict[str, list[Any]] = field(default_factory=dict)
    calls: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)

    def expect(self, kind: str, *answers: Any) -> None:
        """Queue answers for the next dialogs of ``kind`` (None for error/info)."""
        assert kind in DIALOG_KINDS, kind
        self.answers.setdefault(kind, []).extend(answers or (None,))

    def called(self, kind: str) -> list[tuple[Any, ...]]:
        return [args for k, args in self.calls if k == kind]

    def answer(self, kind: str, args: tuple[Any, ...]) -> Any:
        self.calls.append((kind, args))
        queue = self.answers.get(kind)
        if not queue:
            pytest.fail(f"unexpected {kind} dialog: {args!r}")
        return queue.pop(0)

    def unused(self) -> dict[str, list[Any]]:
        return {k: v for k, v in self.answers.items() if v}


@pytest.fixture(autouse=True)
def dialog_script(monkeypatch: pytest.MonkeyPatch) -> Iterator[DialogScript]:
    script = DialogScript()

    def fake(kind: str) -> Callable[..., Any]:
        def show(_parent: Any, *args: Any, **_kwargs: Any) -> Any:
            return script.answer(kind, args)

        return show

    def recover(parent: Any, journal: Any, **kwargs: Any) -> Any:
        answer = script.answer("recover", (journal,))
        if callable(answer):
            return answer(parent, journal, **kwargs)
        items = journal.pending()
        if answer == "discard":
            journal.discard_all()
        return items if answer == "restore" else []

    for kind in DIALOG_KINDS:
        monkeypatch.setattr(dialogs, kind, recover if kind == "recover" else fake(kind))
    yield script
    assert not script.unused(), f"scripted dialogs never shown: {script.unused()}"


@pytest.fixture(autouse=True)
def _test_app_names(qapp: QApplication) -> None:
    """QSettings() made anywhere during a test lands under test-only names."""
    qapp.setOrganizationName(TEST_ORGANISATION)
    qapp.setApplicationName(TEST_APPLICATION)


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    return tmp_path / "settings" / "glossary-editor.ini"


@pytest.fixture
def qsettings(settings_file: Path) -> QSettings:
    """Settings in a file of the test's own (never the user's)."""
    return QSettings(str(settings_file), QSettings.Format.IniFormat)


@pytest.fixture
def thread_pool() -> Iterator[QThreadPool]:
    """A pool of the test's own, drained at teardown so no job outlives the test."""
    pool = QThreadPool()
    pool.setMaxThreadCount(2)
    yield pool
    pool.waitForDone()


@pytest.fixture
def journal_root(tmp_path: Path) -> Path:
    """Where the test's windows keep their crash journals (one folder per content folder)."""
    return tmp_path / "journal"


@pytest.fixture
def make_window(
    qtbot: Any, qsettings: QSettings, thread_pool: QThreadPool, journal_root: Path
) -> Iterator[Callable[..., Any]]:
    """``make_window(folder)``: a shown main window, its index already arrived."""
    from editor.ui.settings import SettingsStore
    from editor.ui.window.main_window import MainWindow

    windows: list[MainWindow] = []

    def make(folder: Path | None, **kwargs: Any) -> MainWindow:
        window = MainWindow(
            folder,
            settings=SettingsStore(qsettings),
            pool=thread_pool,
            use_cache=False,
            journal_root=journal_root,
            **kwargs,
        )
        windows.append(window)
        window.resize(1300, 850)
        window.show()
        qtbot.waitExposed(window)
        if folder is not None:
            qtbot.waitUntil(lambda: window.index is not None, timeout=10_000)
        return window

    yield make
    for window in windows:
        for opened in window.session.dirty_entries():
            window.session.forget(opened.path)  # no save prompt at teardown
        window.feed.close()
        window.close()
    thread_pool.waitForDone()
    for window in windows:
        window.deleteLater()

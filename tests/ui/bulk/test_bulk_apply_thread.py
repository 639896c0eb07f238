"""A replace's batch is planned and written off the GUI thread, which stays free."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from helpers.bulk_dialog import _apply, _open_dialog, _preview

from editor.ui.bulk import history, replace_dialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def test_planning_and_writing_run_on_the_pool(
    qtbot: Any, make_window: Any, sample_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: dict[str, threading.Thread] = {}
    # the names the dialog and the history look them up by
    real_plan, real_apply = vars(replace_dialog)["plan"], vars(history)["apply_changes"]

    def plan(*args: Any) -> Any:
        threads["plan"] = threading.current_thread()
        return real_plan(*args)

    def apply_changes(*args: Any) -> Any:
        threads["write"] = threading.current_thread()
        return real_apply(*args)

    monkeypatch.setattr(replace_dialog, "plan", plan)
    monkeypatch.setattr(history, "apply_changes", apply_changes)
    window = make_window(sample_folder)
    dialog = _open_dialog(qtbot, window)
    _preview(qtbot, dialog, "negotiation", "bargaining")
    files = dialog.model.files
    _apply(qtbot, dialog)
    gui = threading.main_thread()
    assert threads["plan"] is not gui and threads["write"] is not gui
    assert window.bulk.history.last is not None and window.bulk.history.last.size == files
    assert "Replaced" in dialog.summary.text()

"""The window on a folder of hostile files: the index finishes, every entry opens.

The files are those of ``tests/content/test_hostile_inputs.py`` (deep nesting of each
kind, alias bombs, huge numbers, keys that are not strings, odd tags, a FIFO, symlinks
in and out, a sparse 20 GB file). Indexing never fails for the folder; a file that
does not parse opens as read-only text with its error; a file with keys that are not
strings opens in the form, its keys under "Other fields". Any exception in a slot
shows an error dialog, which the scripted dialogs fail on.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

import pytest

_SUITE = Path(__file__).resolve().parents[1] / "content" / "test_hostile_inputs.py"


def _suite() -> Any:
    """The hostile cases, defined once in the content suite."""
    spec = importlib.util.spec_from_file_location("hostile_cases", _SUITE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def hostile_folder(tmp_path: Path) -> Path:
    cases = _suite()
    folder, outside = tmp_path / "content", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    for name in cases.GOOD_NAMES:
        (folder / f"{name}.md").write_text(cases.GOOD.format(name=name), encoding="utf-8")
    for name, (raw, _) in cases.HOSTILE.items():
        (folder / name).write_bytes(raw)
    with (folder / cases.GIANT).open("wb") as giant:
        giant.truncate(20 * 2**30)
    (outside / "secret.md").write_text(cases.GOOD.format(name="secret"), encoding="utf-8")
    (folder / "linked-out.md").symlink_to(outside / "secret.md")
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "fifo.md")
    return folder


def test_every_hostile_entry_opens_and_the_rest_are_indexed(
    qtbot: Any, make_window: Any, hostile_folder: Path, dialog_script: Any
) -> None:
    cases = _suite()
    window = make_window(hostile_folder)
    model = window.entry_list.model
    qtbot.waitUntil(
        lambda: all(
            model.row_for(hostile_folder / f"{n}.md").status != "pending" for n in cases.GOOD_NAMES
        ),
        timeout=20_000,
    )
    listed = {model.path_at(model.index(r, 0)).name for r in range(model.rowCount())}
    assert "fifo.md" not in listed and "linked-out.md" not in listed
    assert {f"{n}.md" for n in cases.GOOD_NAMES} <= listed
    for name in cases.GOOD_NAMES:
        assert model.row_for(hostile_folder / f"{name}.md").status != "broken"

    for name, (raw, error) in sorted(cases.HOSTILE.items()):
        path = hostile_folder / name
        assert (model.row_for(path).status == "broken") == (error is not None), name
        window.entry_list.select(path)
        assert window.current_path() == path, name
        if error:
            assert window.pane.banner.isVisible(), name
            assert window.pane.pages.currentWidget() is window.pane.raw_view, name
        else:
            assert window.pane.pages.currentWidget() is not window.pane.raw_view, name
        assert path.read_bytes() == raw
    assert not dialog_script.called("error")

    window.entry_list.select(hostile_folder / "int-key.md")
    assert window.form.editor("1").value() == "one"
    window.entry_list.select(hostile_folder / "date-key.md")
    assert window.form.editor("2024-01-01").value() == "new year"

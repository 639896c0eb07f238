"""Desktop conventions: menu entry and icon, GUI launcher, About, Qt's translations,
and an accessible name on every control (read from the accessibility tree)."""

from __future__ import annotations

import configparser
import importlib
import shutil
import subprocess
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QObject
from PySide6.QtGui import QAccessible, QAccessibleInterface, QAction
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from editor import desktop_entry
from editor.paths import resources_dir
from editor.ui.about import LICENCE, about_text, app_version, install_qt_translations
from editor.ui.window.main_window import MainWindow

REPO = Path(__file__).resolve().parents[2]
DESKTOP = resources_dir() / "desktop" / "glossary-editor.desktop"

# Roles a user acts on: each needs a name a screen reader can say.
CONTROL_ROLES = {
    QAccessible.Role.EditableText, QAccessible.Role.PushButton, QAccessible.Role.CheckBox,
    QAccessible.Role.ComboBox, QAccessible.Role.SpinBox, QAccessible.Role.List,
    QAccessible.Role.Table, QAccessible.Role.Tree, QAccessible.Role.ToolBar,
    QAccessible.Role.Slider, QAccessible.Role.RadioButton, QAccessible.Role.ButtonMenu,
}  # fmt: skip


def test_desktop_file_names_the_gui_launcher_and_an_icon_that_exists() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(DESKTOP, encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application" and section["Terminal"] == "false"
    assert section["Name"] == "Glossary Editor"
    gui = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "gui-scripts"
    ]
    assert section["Exec"].split()[0] in gui
    assert (resources_dir() / "icons" / f"{section['Icon']}.svg").is_file()
    validate = shutil.which("desktop-file-validate")
    if validate:
        done = subprocess.run([validate, str(DESKTOP)], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr


def test_gui_script_entry_point_resolves() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for target in project["gui-scripts"].values():
        module, _, name = target.partition(":")
        assert callable(getattr(importlib.import_module(module), name))
    assert desktop_entry.gui_main(["get", "--help"]) == 0


def test_install_puts_the_menu_entry_and_icon_where_menus_look(tmp_path: Path) -> None:
    written = desktop_entry.install(tmp_path)
    assert (tmp_path / "applications" / "glossary-editor.desktop") in written
    assert (tmp_path / "icons/hicolor/scalable/apps/glossary-editor.svg").read_bytes() == (
        resources_dir() / "icons" / "glossary-editor.svg"
    ).read_bytes()


def test_about_says_version_licence_and_offers_about_qt(
    qtbot: QtBot, make_window: Callable[..., MainWindow], dialog_script: Any
) -> None:
    window = make_window(None)
    dialog_script.expect("info")
    window.acts.about.trigger()
    ((_title, text),) = dialog_script.called("info")
    assert text == about_text()
    assert app_version() in text and f"Licence: {LICENCE}" in text and "Qt 6" in text
    about_qt = [
        a for a in window.menuBar().findChildren(QAction)
        if a.menuRole() == QAction.MenuRole.AboutQtRole
    ]  # fmt: skip
    assert about_qt and about_qt[0].text() == "About &Qt"


def test_qt_translations_follow_the_language(qapp: QApplication) -> None:
    translators = install_qt_translations(qapp, QLocale("de_DE"))
    try:
        assert translators
        assert QCoreApplication.translate("QLineEdit", "&Undo") == "&Rückgängig"
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)


def unnamed_controls(root: QObject, named: list[str] | None = None) -> list[str]:
    found: list[str] = []
    named = named if named is not None else []

    def walk(iface: QAccessibleInterface | None, depth: int) -> None:
        if iface is None or depth > 60 or not iface.isValid():
            return
        state = iface.state()
        if state.invisible or (state.offscreen and not state.focusable):
            return
        if iface.role() in CONTROL_ROLES:
            name = iface.text(QAccessible.Text.Name).strip()
            obj = iface.object()
            if name:
                named.append(name)
            else:
                found.append(f"{iface.role().name} {type(obj).__name__} {obj.objectName()}")
        for i in range(iface.childCount()):
            walk(iface.child(i), depth + 1)

    walk(QAccessible.queryAccessibleInterface(root), 0)
    return found


@pytest.mark.parametrize(
    "name", ["strategic-leverage.md", "how-does-a-batna-shape-negotiating-power.md"]
)
def test_every_control_has_an_accessible_name(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sample_folder: Path, name: str
) -> None:
    window = make_window(sample_folder)
    window.open_entry(sample_folder / name)
    window.check_all()
    qtbot.wait(20)
    named: list[str] = []
    assert unnamed_controls(window, named) == []
    # the walk reached the form, its FAQ cards, the Markdown toolbars and the report
    assert {"Search entries", "Entries", "Bold", "Insert link to entry…"} <= set(named)
    assert len(named) > 30

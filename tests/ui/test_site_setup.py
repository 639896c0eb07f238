"""The Site setup view and the window's offer to write glossary-editor.yaml."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from editor.content.settings_file import CONFIG_FILE

SITES = Path(__file__).resolve().parents[1] / "fixtures" / "sites"


def test_window_offers_to_write_the_settings_of_a_new_site(
    make_window: Any, tmp_path: Path, qtbot: Any
) -> None:
    folder = tmp_path / "decap"
    shutil.copytree(SITES / "decap", folder)
    window = make_window(folder)
    offer = window.site_setup
    assert offer.button.isVisible()
    assert CONFIG_FILE in offer.button.text()
    assert "description ← description" in offer.report_label.text()
    dialog = offer.show_dialog()
    assert dialog is not None
    page = dialog.browser.toPlainText()
    assert "widget 'relation' of 'related'" in page  # declared, not shown yet: named
    assert "static/images/uploads" in page
    assert dialog.write_settings() == folder / CONFIG_FILE
    assert "uploads: static/images/uploads" in (folder / CONFIG_FILE).read_text()
    dialog.close()
    qtbot.waitUntil(lambda: not offer.button.isVisible())


def test_folder_with_a_broken_configuration_still_opens_and_says_where(
    make_window: Any, tmp_path: Path
) -> None:
    shutil.copytree(SITES / "hugo", tmp_path / "site")
    folder = tmp_path / "site"
    (folder / "cloudcannon.config.yml").write_text("collections_config:\n  docs: [\n")
    window = make_window(folder)
    assert window.model.rowCount() == 3  # entries listed with the built-in schemas
    assert window.site_setup.button.text() == "Site setup: 1 problem"
    dialog = window.site_setup.show_dialog()
    assert "cloudcannon.config.yml:3" in dialog.browser.toPlainText()
    dialog.close()

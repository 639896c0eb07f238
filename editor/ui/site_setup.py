"""The "Site setup" view: what the app read from the site's own configuration.

One place names the site's kind and configuration files, its schemas per collection,
the SEO mapping (and where each key came from), the uploads folder, every problem in the
configuration (file and line) and what the site declares that the form cannot show yet
(those values are kept on save). The window offers to write ``glossary-editor.yaml``
(the same as ``glossary-editor init``) from here, through a status-bar button that
appears when a folder has no settings file or its configuration has problems; nothing
pops up on its own, so opening a folder never blocks.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from editor.content.errors import ContentError
from editor.content.schema import SchemaRegistry
from editor.content.settings_file import CONFIG_FILE
from editor.content.site.init_file import write_init
from editor.content.site.seo_map import ROLES
from editor.content.site.values import corpus_values, value_fields
from editor.ui import dialogs


def summary_html(folder: Path, registry: SchemaRegistry) -> str:
    """The site setup as HTML (every value escaped)."""
    site = registry.site
    e = html.escape
    parts = [f"<h3>{e(folder.name or str(folder))}</h3>"]
    if site is None:
        return parts[0] + "<p>No folder open.</p>"
    configs = ", ".join(site.configs) or "none"
    parts.append(f"<p><b>Site:</b> {e(site.kind)} &nbsp; <b>Configuration:</b> {e(configs)}</p>")
    settings = "present" if (folder / CONFIG_FILE).exists() else "not written yet"
    parts.append(
        f"<p><b>Uploads folder:</b> {e(site.uploads)} &nbsp; <b>{CONFIG_FILE}:</b> {settings}</p>"
    )
    parts.append("<h4>SEO fields</h4><table>")
    mapping = dict(registry.seo_map)
    for role in ROLES:
        if role in mapping:
            source = site.seo_sources.get(role, "")
            parts.append(
                f"<tr><td>{e(role)}</td><td>&larr; <code>{e(mapping[role])}</code></td>"
                f"<td><i>{e(source)}</i></td></tr>"
            )
    parts.append("</table>")
    if site.collections:
        parts.append("<h4>Collections and schemas</h4><ul>")
        for collection in site.collections:
            for name, schema in collection.schemas.items():
                kinds = ", ".join(f"{f.key} ({f.kind})" for f in schema.fields)
                parts.append(
                    f"<li><b>{e(name)}</b> — {e(schema.label)} in "
                    f"<code>{e(collection.folder or '/')}</code>: {e(kinds)}</li>"
                )
        parts.append("</ul>")
    parts.append("<h4>Problems</h4>")
    if site.problems:
        parts.append("<ul>" + "".join(f"<li>{e(str(p))}</li>" for p in site.problems) + "</ul>")
        parts.append("<p>The folder opens with the built-in schemas where these apply.</p>")
    else:
        parts.append("<p>None.</p>")
    parts.append("<h4>Declared by the site, not shown by the app yet</h4>")
    if site.notes:
        parts.append(
            "<ul>"
            + "".join(f"<li>{e(n.source)}: {e(n.what)} — {e(n.handling)}</li>" for n in site.notes)
            + "</ul><p>Their values are kept as they are when an entry is saved.</p>"
        )
    else:
        parts.append("<p>Nothing.</p>")
    return "".join(parts)


class SiteSetupDialog(QDialog):
    """The summary, with "Write glossary-editor.yaml" while the folder has none."""

    def __init__(self, folder: Path, registry: SchemaRegistry, parent: QWidget | None = None):
        super().__init__(parent)
        self.folder, self.registry = folder, registry
        self.setWindowTitle("Site setup")
        self.resize(680, 560)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setHtml(summary_html(folder, registry))
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.write_button = QPushButton(f"Write {CONFIG_FILE}")
        self.write_button.setToolTip(
            "The same as `glossary-editor init`: what was detected, commented"
        )
        self.write_button.setEnabled(not (folder / CONFIG_FILE).exists())
        buttons.addButton(self.write_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.write_button.clicked.connect(self.write_settings)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def write_settings(self) -> Path | None:
        try:
            path = write_init(self.folder, self.registry)
        except ContentError as exc:
            dialogs.error(self, "Cannot write the settings", str(exc))
            return None
        self.write_button.setEnabled(False)
        self.browser.setHtml(summary_html(self.folder, self.registry))
        return path


class SiteSetupOffer:
    """Adds "Site Setup…" to the window and the status-bar offer; the window calls
    :meth:`folder_opened` after each open."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.folder: Path | None = None
        self.registry: SchemaRegistry | None = None
        self.action = QAction("Site Set&up…", window)
        self.action.setStatusTip("What the app read from the site's own configuration")
        self.action.triggered.connect(self.show_dialog)
        file_menu = next((a for a in window.menuBar().actions() if a.text() == "&File"), None)
        menu = file_menu.menu() if file_menu is not None else None
        if isinstance(menu, QMenu) and menu.actions():  # before Quit, the menu's last action
            menu.insertAction(menu.actions()[-1], self.action)
        elif isinstance(menu, QMenu):
            menu.addAction(self.action)
        self.button = QPushButton()
        self.button.setFlat(True)
        self.button.clicked.connect(self.show_dialog)
        self.button.hide()
        window.statusBar().addPermanentWidget(self.button)
        self.report_label = QLabel()
        self.report_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        report = getattr(window, "report", None)
        report_layout = report.layout() if report is not None else None
        if report_layout is not None:
            report_layout.addWidget(self.report_label)

    def folder_opened(self, folder: Path, registry: SchemaRegistry) -> None:
        self.folder, self.registry = folder, registry
        site = registry.site
        problems = len(site.problems) if site is not None else 0
        missing = not (folder / CONFIG_FILE).exists()
        if problems:
            self.button.setText(f"Site setup: {problems} problem{'s' if problems != 1 else ''}")
        elif missing:
            self.button.setText(f"Set up this site ({CONFIG_FILE})…")
        self.button.setVisible(bool(problems) or missing)
        mapping = dict(registry.seo_map)
        shown = " · ".join(f"{r} ← {mapping[r]}" for r in ("title", "description", "keywords"))
        self.report_label.setText(f"SEO fields (where a schema declares none): {shown}")
        form = getattr(self.window, "form", None)
        if form is not None and site is not None:
            paths = value_fields(site.schemas)
            form.set_value_options(corpus_values(folder, paths))

    def show_dialog(self) -> SiteSetupDialog | None:
        if self.folder is None or self.registry is None:
            return None
        dialog = SiteSetupDialog(self.folder, self.registry, self.window)
        dialog.finished.connect(lambda *_: self.folder_opened(self.folder, self.registry))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

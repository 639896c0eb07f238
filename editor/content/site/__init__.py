"""The site's own description of its content, read into the app's schema model.

:func:`read_site` is what ``SchemaRegistry.load`` calls for a content folder: it reads
CloudCannon, Front Matter CMS and Decap configurations (whichever the site has), tells a
plain Hugo or Jekyll site by its configuration file, and decides the SEO mapping and the
uploads folder. It never raises for a bad configuration: every problem is kept, with
file and line, for the "Site setup" view and ``check``, and the folder opens with the
built-in schemas. Qt-free.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import yaml

from editor.content.errors import ContentError
from editor.content.frontmatter import load_bounded
from editor.content.safe_read import read_text
from editor.content.schema_model import Schema
from editor.content.seo.config import load_config
from editor.content.settings_file import CONFIG_FILE
from editor.content.site import cloudcannon, decap, frontmatter_cms, seo_map
from editor.content.site.model import Collection, Note, SiteSetup, clean_folder

__all__ = ["Collection", "Note", "SiteSetup", "read_site"]

_HUGO = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml")
_JEKYLL = ("_config.yml", "_config.yaml")


def read_site(root: Path) -> SiteSetup:
    """Everything the folder's configuration says about its content (never raises)."""
    setup = SiteSetup(root=root)
    for reader in (cloudcannon.read, frontmatter_cms.read, decap.read):
        kind = setup.kind
        if reader(root, setup) and kind != "none":
            setup.kind = kind  # the first configuration found names the site
    if setup.kind == "none":
        _generator(root, setup)
    configured: dict[str, str] = {}
    try:
        configured = dict(load_config(root).fields)
    except ContentError as err:
        setup.add_error(err)
    _own_settings(root, setup)
    detected = dict(setup.seo_map)
    detected.update(configured)
    mapping, sources = seo_map.detect(root, setup.schemas, detected)
    for role in detected:
        if role in setup.seo_sources and role not in configured:
            sources[role] = setup.seo_sources[role]
    setup.seo_map = tuple((r, mapping[r]) for r in seo_map.ROLES if r in mapping)
    setup.seo_sources = sources
    _apply_seo_map(setup)
    return setup


def _apply_seo_map(setup: SiteSetup) -> None:
    """Give every site schema the mapping (a schema shared by collections stays shared)."""
    done: dict[int, Schema] = {}
    for collection in setup.collections:
        for name, schema in collection.schemas.items():
            if id(schema) not in done:
                done[id(schema)] = replace(schema, seo_map=setup.seo_map)
            collection.schemas[name] = done[id(schema)]


def _generator(root: Path, setup: SiteSetup) -> None:
    hugo = next((n for n in _HUGO if (root / n).is_file()), None)
    if hugo is not None:
        setup.kind, setup.static_dirs = "hugo", ("static",)
        setup.uploads, setup.public_uploads = "static/images", "/images"
        setup.configs.append(hugo)
        return
    jekyll = next((n for n in _JEKYLL if (root / n).is_file()), None)
    if jekyll is not None:
        setup.kind, setup.static_dirs = "jekyll", ("",)
        setup.uploads, setup.public_uploads = "assets/images", "/assets/images"
        setup.configs.append(jekyll)


def _own_settings(root: Path, setup: SiteSetup) -> None:
    """``site: uploads:`` in ``glossary-editor.yaml`` overrides the detected uploads folder."""
    path = root / CONFIG_FILE
    try:
        data = load_bounded(read_text(path), yaml.CSafeLoader, path)
    except (OSError, ContentError, yaml.YAMLError):
        return  # missing (the usual case) or broken: load_config has said so already
    site = data.get("site") if isinstance(data, dict) else None
    if isinstance(site, dict) and isinstance(site.get("uploads"), str):
        setup.uploads = clean_folder(site["uploads"])
        if isinstance(site.get("public_uploads"), str):
            setup.public_uploads = "/" + clean_folder(site["public_uploads"])
    if not setup.uploads:
        setup.uploads, setup.public_uploads = "uploads", "/uploads"

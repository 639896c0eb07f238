"""``glossary-editor init``: a commented ``glossary-editor.yaml`` from what was detected.

The file names what the app found (the site's kind and configuration files, the schemas
and where they come from, the SEO mapping and why, the uploads folder, problems in the
configuration) and sets only what was detected; every other setting is shown commented
out with its default, so the file documents itself. The text is checked with the same
parsers that read it before anything is written, and an existing file is never replaced.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from editor.content.atomic import create_new
from editor.content.errors import WriteError
from editor.content.render_config import parse_render_config
from editor.content.schema import SchemaRegistry
from editor.content.seo.config import SeoConfig, parse_config
from editor.content.settings_file import CONFIG_FILE
from editor.paths import resources_dir

_KINDS = {
    "cloudcannon": "CloudCannon",
    "frontmatter": "Front Matter CMS",
    "decap": "Decap CMS",
    "hugo": "Hugo (no CMS configuration)",
    "jekyll": "Jekyll (no CMS configuration)",
    "none": "no CMS or generator configuration found",
}


def _scalar(text: str) -> str:
    """A YAML plain scalar when safe, else a double-quoted one."""
    plain = text and text.replace("_", "a").replace(".", "a").replace("/", "a").replace("-", "a")
    return text if plain and plain.isalnum() else '"' + text.replace('"', '\\"') + '"'


def init_text(folder: Path, registry: SchemaRegistry, today: dt.date | None = None) -> str:
    """The commented settings file for ``folder`` (nothing is written)."""
    site = registry.site
    today = today or dt.date.today()
    defaults = SeoConfig()
    lines = [
        f"# {CONFIG_FILE}: Glossary Editor settings for this site.",
        f"# Written by `glossary-editor init` on {today.isoformat()} from what it detected;",
        "# edit freely (the app and `glossary-editor check` read it on every open).",
        "#",
        f"# Site: {_KINDS.get(site.kind if site else 'none', 'unknown')}",
    ]
    if site is not None and site.configs:
        lines.append(f"# Configuration read: {', '.join(site.configs)}")
    lines.append("# Schemas (entry types) found:")
    builtin = resources_dir() / "schemas"
    site_schemas = {id(s) for s in site.schemas} if site is not None else set()
    for name in registry.names():
        schema = registry[name]
        if id(schema) in site_schemas:
            continue  # listed with its collection below
        source = schema.source
        origin = "built in" if source is not None and source.parent == builtin else str(source)
        lines.append(f"#   - {name}: {schema.label} ({origin})")
    if site is not None:
        for collection in site.collections:
            for key, schema in collection.schemas.items():
                where = collection.folder or "the whole site"
                lines.append(f"#   - {key}: {schema.label} (in {where}; {collection.source})")
        if site.problems:
            lines.append("# Problems in the site's configuration (fix them, then run init again):")
            lines.extend(f"#   - {problem}" for problem in site.problems)
        if site.notes:
            lines.append("# Declared by the site but not shown by the app yet (values are kept):")
            lines.extend(f"#   - {n.source}: {n.what}: {n.handling}" for n in site.notes)
    uploads = site.uploads if site is not None else "uploads"
    lines += [
        "",
        "site:",
        "  # Folder new images and files are copied into (relative to this file).",
        f"  uploads: {_scalar(uploads)}",
        "",
        "seo:",
        "  # Which key holds each SEO field; the SEO checks read these.",
        "  fields:",
    ]
    sources = site.seo_sources if site is not None else {}
    for role, key in registry.seo_map:
        note = f"  # from {sources[role]}" if role in sources else ""
        lines.append(f"    {role}: {_scalar(key)}{note}")
    lines += [
        "  # Thresholds (defaults shown; uncomment to change):",
        f"  # title_max_chars: {defaults.title_max_chars}",
        f"  # title_min_chars: {defaults.title_min_chars}",
        f"  # description_max_chars: {defaults.description_max_chars}",
        f"  # description_min_chars: {defaults.description_min_chars}",
        f"  # keyphrase_max_words: {defaults.keyphrase_max_words}",
        "  # Rules to turn off, and severities to change:",
        "  # disable: [keywords-missing]",
        "  # severity: {title-short: warning}",
        "",
        "render:",
        "  # Raw HTML in Markdown: sanitise (default), escape, or allow.",
        "  raw_html: sanitise",
        "",
    ]
    return "\n".join(lines)


def write_init(folder: Path, registry: SchemaRegistry | None = None) -> Path:
    """Write ``folder/glossary-editor.yaml``; ``WriteError`` if it exists or would not
    read back."""
    registry = registry or SchemaRegistry.load(folder)
    target = folder / CONFIG_FILE
    if target.exists():
        raise WriteError(f"{CONFIG_FILE} exists already; nothing was written", target)
    text = init_text(folder, registry)
    parse_config(text, target)  # the settings must read back as written
    parse_render_config(text, target)
    create_new(target, text.encode("utf-8"))
    return target

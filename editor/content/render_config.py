"""Per-site page settings: the ``render:`` section of ``<folder>/glossary-editor.yaml``.

```yaml
render:
  raw_html: sanitise        # sanitise (default) | escape | allow
  stylesheets: [assets/site.css, assets/print.css]   # the site's CSS, in place of ours
  template: layouts/entry.html.j2                   # or per schema: {glossary: ..., default: ...}
  remote: false             # true: the preview may load remote images, fonts...
  preview_url: "http://localhost:1313{url}"          # live-site mode (a dev server)
```

``raw_html`` says what the site's Markdown renderer publishes for HTML written inside
Markdown (see :mod:`editor.content.markdown_sanitise`), so the preview shows the same.
``stylesheets`` and ``template`` are paths relative to the folder (checked here, so a
typo is reported at once, not as a blank page); the stylesheets are inlined into the page
(its Content-Security-Policy allows no linked style) and the template is Jinja with the
fields :func:`editor.content.render.render_page` documents. ``remote`` lets the preview
fetch remote URLs (otherwise it never touches the network), and ``preview_url`` names a
dev server's page for an entry (``{url}`` is the entry's ``url`` field, ``{slug}`` its last
part), which the preview can show instead of its own rendering.
A mistake is reported with its line, like the ``seo:`` section it sits beside.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import yaml

from editor.content.errors import ContentError, yaml_error
from editor.content.markdown_sanitise import (
    DEFAULT_RAW_HTML,
    RAW_HTML_MODES,
    RawHtml,
    is_raw_html_mode,
)
from editor.content.settings_file import read_settings

SECTION = "render"
KNOWN = ("raw_html", "stylesheets", "template", "remote", "preview_url")


@dataclass(frozen=True)
class RenderConfig:
    """How one content folder's pages are rendered (paths absolute once loaded)."""

    raw_html: RawHtml = DEFAULT_RAW_HTML
    stylesheets: tuple[Path, ...] = ()
    # "" (key) is every schema's template; other keys name one schema.
    templates: dict[str, Path] = field(default_factory=dict, hash=False, compare=True)
    remote: bool = False
    preview_url: str = ""

    def template_for(self, schema_name: str) -> Path | None:
        return self.templates.get(schema_name) or self.templates.get("")

    def live_url(self, url: str) -> str:
        """The dev server's address of an entry whose ``url`` field is ``url`` ("" if none)."""
        if not self.preview_url or not url.strip():
            return ""
        url = url.strip()
        slug = url.rstrip("/").rsplit("/", 1)[-1]
        return self.preview_url.replace("{url}", url).replace("{slug}", slug)


def load_render_config(folder: Path | None) -> RenderConfig:
    """The folder's render settings, or the defaults without a config file or section."""
    found = read_settings(folder)
    if found is None:
        return RenderConfig()
    text, path = found
    return parse_render_config(text, path, folder)


def parse_render_config(
    text: str, path: Path | str | None = None, folder: Path | None = None
) -> RenderConfig:
    """Build the settings from the text of ``glossary-editor.yaml`` (other sections ignored).
    Stylesheet and template paths are resolved against ``folder`` and must exist there."""
    try:
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        raise yaml_error("settings file", exc, path) from exc
    if not isinstance(root, yaml.MappingNode):
        return RenderConfig()  # empty file; a non-mapping is reported by the seo section
    section = next((v for k, v in root.value if k.value == SECTION), None)
    if section is None or (isinstance(section, yaml.ScalarNode) and section.tag.endswith(":null")):
        return RenderConfig()
    if not isinstance(section, yaml.MappingNode):
        raise _error("'render' must be a mapping of settings", section, path)
    seen: set[str] = set()
    raw_html: RawHtml = DEFAULT_RAW_HTML
    stylesheets: tuple[Path, ...] = ()
    templates: dict[str, Path] = {}
    remote = False
    preview_url = ""
    base = folder if folder is not None else Path()
    for key_node, value_node in section.value:
        key = str(key_node.value)
        if key in seen:
            raise _error(f"render.{key} is set twice", key_node, path)
        seen.add(key)
        if key not in KNOWN:
            raise _error(
                f"unknown setting render.{key} (known: {', '.join(KNOWN)})", key_node, path
            )
        if key == "raw_html":
            value = _scalar(value_node)
            if not is_raw_html_mode(value):
                modes = ", ".join(RAW_HTML_MODES)
                raise _error(f"render.raw_html must be one of {modes}", value_node, path)
            raw_html = cast(RawHtml, value)
        elif key == "stylesheets":
            nodes = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            stylesheets = tuple(_file(n, base, f"render.{key}", path) for n in nodes)
        elif key == "template":
            if isinstance(value_node, yaml.MappingNode):
                templates = {
                    str(k.value): _file(v, base, f"render.template.{k.value}", path)
                    for k, v in value_node.value
                }
            else:
                templates = {"": _file(value_node, base, "render.template", path)}
        elif key == "remote":
            if value_node.tag != "tag:yaml.org,2002:bool":
                raise _error("render.remote must be true or false", value_node, path)
            remote = str(value_node.value).lower() in ("true", "yes", "on")
        else:
            preview_url = _scalar(value_node) or ""
            if not preview_url.startswith(("http://", "https://")):
                raise _error(
                    "render.preview_url must be an http(s) address, e.g. "
                    "http://localhost:1313{url}",
                    value_node,
                    path,
                )
    return RenderConfig(raw_html, stylesheets, templates, remote, preview_url)


def _scalar(node: yaml.Node) -> str | None:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else None


def _file(node: yaml.Node, base: Path, name: str, path: Path | str | None) -> Path:
    value = _scalar(node)
    if not value:
        raise _error(f"{name} must be a file path", node, path)
    resolved = (base / value).resolve()
    if not resolved.is_file():
        raise _error(f"{name}: no such file {value}", node, path)
    return resolved


def _error(message: str, node: yaml.Node, path: Path | str | None) -> ContentError:
    mark = node.start_mark
    return ContentError(message, path, mark.line + 1, mark.column + 1)

"""Per-site page settings: the ``render:`` section of ``<folder>/glossary-editor.yaml``.

```yaml
render:
  raw_html: sanitise   # sanitise (default) | escape | allow
```

``raw_html`` says what the site's Markdown renderer publishes for HTML written inside
Markdown (see :mod:`editor.content.markdown_sanitise`), so the preview shows the same.
A mistake is reported with its line, like the ``seo:`` section it sits beside.
"""

from __future__ import annotations

from dataclasses import dataclass
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
from editor.content.seo.config import CONFIG_FILE

SECTION = "render"


@dataclass(frozen=True)
class RenderConfig:
    """How one content folder's pages are rendered."""

    raw_html: RawHtml = DEFAULT_RAW_HTML


def load_render_config(folder: Path | None) -> RenderConfig:
    """The folder's render settings, or the defaults without a config file or section."""
    if folder is None:
        return RenderConfig()
    path = folder / CONFIG_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return RenderConfig()
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"cannot read the settings file: {exc}", path) from exc
    return parse_render_config(text, path)


def parse_render_config(text: str, path: Path | str | None = None) -> RenderConfig:
    """Build the settings from the text of ``glossary-editor.yaml`` (other sections ignored)."""
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
    values: dict[str, RawHtml] = {}
    for key_node, value_node in section.value:
        key = str(key_node.value)
        if key in values:
            raise _error(f"render.{key} is set twice", key_node, path)
        if key != "raw_html":
            raise _error(f"unknown setting render.{key} (known: raw_html)", key_node, path)
        value = value_node.value if isinstance(value_node, yaml.ScalarNode) else None
        if not is_raw_html_mode(value):
            modes = ", ".join(RAW_HTML_MODES)
            raise _error(f"render.raw_html must be one of {modes}", value_node, path)
        values[key] = cast(RawHtml, value)
    return RenderConfig(**values)


def _error(message: str, node: yaml.Node, path: Path | str | None) -> ContentError:
    mark = node.start_mark
    return ContentError(message, path, mark.line + 1, mark.column + 1)

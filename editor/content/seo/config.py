"""SEO thresholds, severities and enabled rules, with per-folder overrides.

Defaults follow Yoast SEO, Rank Math, Screaming Frog and Google Search Central (see
``docs/seo-rules.md``). A content folder overrides them in the ``seo:`` section of
``<folder>/glossary-editor.yaml``. The file is read with PyYAML's composer rather than
``safe_load`` so a mistake is reported with the line of the offending key.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from editor.content.errors import ContentError, yaml_error
from editor.content.settings_file import read_settings

SECTION = "seo"
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
# Bump when a rule's logic changes, so cached findings are recomputed.
RULES_VERSION = 2

# Every rule with its default severity, in the order reports list them.
DEFAULT_SEVERITIES: Mapping[str, str] = {
    "parse-error": "error",
    "title-missing": "error",
    "title-long": "warning",
    "title-short": "info",
    "title-duplicate": "warning",
    "description-missing": "error",
    "description-long": "warning",
    "description-short": "info",
    "description-duplicate": "warning",
    "keywords-missing": "warning",
    "keyphrase-not-in-title": "warning",
    "keyphrase-not-in-description": "info",
    "keyphrase-not-in-lead": "info",
    "keyphrase-long": "warning",
    "slug-format": "warning",
    "slug-duplicate": "error",
    "h1-missing": "error",
    "faq-incomplete": "error",
    "related-broken": "warning",
    # Corpus rules of ``link_rules.py``; orphan runs only when ``seo.enable`` names it.
    "orphan": "info",
    "link-moved": "warning",
    "value-variant": "info",
    # Validation of the fields a schema or the site's CMS configuration declares.
    "field-required": "error",
    "field-invalid": "error",
    "image-missing": "warning",
}
# Roles whose key ``seo.fields`` may name (see ``site/seo_map.py``).
SEO_ROLES: tuple[str, ...] = ("title", "description", "keywords", "keyphrase", "slug", "h1")
RULE_NAMES: tuple[str, ...] = tuple(DEFAULT_SEVERITIES)
# Rules that run only when ``seo.enable`` lists them.
# The link-graph rules read every entry's text for Markdown links: at 50,000 entries that
# cost the cold build ~1.3 s and ~200 MB, so a site opts in (``seo: {enable: [...]}``).
OFF_BY_DEFAULT: frozenset[str] = frozenset({"orphan", "link-moved"})


@dataclass(frozen=True)
class SeoConfig:
    """The thresholds and rule settings one content folder is checked with."""

    title_max_chars: int = 60
    title_max_px: float = 580
    title_min_chars: int = 30
    title_min_px: float = 200
    title_font_px: float = 20
    description_max_chars: int = 156
    description_max_px: float = 920
    description_min_chars: int = 120  # this many characters or fewer is "short"
    description_font_px: float = 14
    keyphrase_max_words: int = 8
    disabled: frozenset[str] = frozenset()
    enabled_rules: frozenset[str] = frozenset()  # ``seo.enable``: rules off by default
    severity_overrides: tuple[tuple[str, str], ...] = ()
    # ``seo.fields``: role -> dotted key, overriding the detected SEO mapping
    fields: tuple[tuple[str, str], ...] = ()
    _severities: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        overrides = (r for r, _ in self.severity_overrides)
        for rule in (*self.disabled, *self.enabled_rules, *overrides):
            if rule not in DEFAULT_SEVERITIES:
                raise ValueError(f"unknown SEO rule {rule!r}")
        for _, level in self.severity_overrides:
            if level not in SEVERITIES:
                raise ValueError(f"unknown severity {level!r}")
        self._severities.update(DEFAULT_SEVERITIES)
        self._severities.update(self.severity_overrides)

    def enabled(self, rule: str) -> bool:
        if rule in OFF_BY_DEFAULT and rule not in self.enabled_rules:
            return False
        return rule not in self.disabled

    def severity(self, rule: str) -> str:
        return self._severities[rule]

    def fingerprint(self) -> str:
        """Stable across runs and processes; changes when any setting or the rules change."""
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.init}
        values["disabled"] = sorted(self.disabled)
        values["enabled_rules"] = sorted(self.enabled_rules)
        values["severity_overrides"] = sorted(self.severity_overrides)
        values["fields"] = sorted(self.fields)
        values["rules_version"] = RULES_VERSION
        blob = json.dumps(values, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


_THRESHOLDS: dict[str, type] = {
    f.name: (int if f.type in ("int", int) else float)
    for f in dataclasses.fields(SeoConfig)
    if f.init and f.name not in ("disabled", "enabled_rules", "severity_overrides", "fields")
}
_KNOWN_KEYS = (*_THRESHOLDS, "disable", "enable", "severity", "fields")


def load_config(folder: Path | None) -> SeoConfig:
    """The folder's SEO settings, or the defaults when it has no config file or section."""
    found = read_settings(folder)
    if found is None:
        return SeoConfig()
    text, path = found
    return parse_config(text, path)


def parse_config(text: str, path: Path | str | None = None) -> SeoConfig:
    """Build a config from the text of ``glossary-editor.yaml`` (other sections ignored)."""
    try:
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        raise yaml_error("settings file", exc, path) from exc
    if root is None:
        return SeoConfig()
    if not isinstance(root, yaml.MappingNode):
        raise _error("the settings file must be a mapping of sections", root, path)
    section = next((v for k, v in root.value if k.value == SECTION), None)
    if section is None or _is_null(section):
        return SeoConfig()
    if not isinstance(section, yaml.MappingNode):
        raise _error("'seo' must be a mapping of settings", section, path)

    values: dict[str, Any] = {}
    seen: set[str] = set()
    for key_node, value_node in section.value:
        key = str(key_node.value)
        if key in seen:
            raise _error(f"seo.{key} is set twice", key_node, path)
        seen.add(key)
        if key in _THRESHOLDS:
            values[key] = _number(key, value_node, _THRESHOLDS[key], path)
        elif key == "disable":
            values["disabled"] = frozenset(_rule_list(value_node, path))
        elif key == "enable":
            values["enabled_rules"] = frozenset(_rule_list(value_node, path, key))
        elif key == "severity":
            values["severity_overrides"] = tuple(_severity_map(value_node, path))
        elif key == "fields":
            values["fields"] = tuple(_field_map(value_node, path))
        else:
            known = ", ".join(_KNOWN_KEYS)
            raise _error(f"unknown setting seo.{key} (known: {known})", key_node, path)
    return SeoConfig(**values)


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")


def _error(message: str, node: yaml.Node, path: Path | str | None) -> ContentError:
    mark = node.start_mark
    return ContentError(message, path, mark.line + 1, mark.column + 1)


def _number(key: str, node: yaml.Node, kind: type, path: Path | str | None) -> float:
    value: object = None
    if isinstance(node, yaml.ScalarNode):
        value = SafeConstructor().construct_object(node)
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        if kind is float:
            return float(value)
        if float(value).is_integer():
            return int(value)
    what = "a whole number" if kind is int else "a number"
    raise _error(f"seo.{key} must be {what} above 0, not {node.value!r}", node, path)


def _rule_name(node: yaml.Node, where: str, path: Path | str | None) -> str:
    name = str(node.value) if isinstance(node, yaml.ScalarNode) else ""
    if name not in DEFAULT_SEVERITIES:
        raise _error(
            f"{where}: unknown rule {name or node.tag!r} (rules: {', '.join(RULE_NAMES)})",
            node,
            path,
        )
    return name


def _rule_list(node: yaml.Node, path: Path | str | None, key: str = "disable") -> list[str]:
    if _is_null(node):
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise _error(f"seo.{key} must be a list of rule names", node, path)
    return [_rule_name(item, f"seo.{key}", path) for item in node.value]


def _severity_map(node: yaml.Node, path: Path | str | None) -> list[tuple[str, str]]:
    if _is_null(node):
        return []
    if not isinstance(node, yaml.MappingNode):
        raise _error("seo.severity must map rule names to error, warning or info", node, path)
    pairs: list[tuple[str, str]] = []
    for key_node, value_node in node.value:
        rule = _rule_name(key_node, "seo.severity", path)
        level = str(value_node.value) if isinstance(value_node, yaml.ScalarNode) else ""
        if level not in SEVERITIES:
            raise _error(
                f"seo.severity.{rule} must be one of {', '.join(SEVERITIES)}, not {level!r}",
                value_node,
                path,
            )
        pairs.append((rule, level))
    return pairs


def _field_map(node: yaml.Node, path: Path | str | None) -> list[tuple[str, str]]:
    """``seo.fields``: which key holds each SEO role (``description: summary``)."""
    if _is_null(node):
        return []
    if not isinstance(node, yaml.MappingNode):
        raise _error("seo.fields must map SEO roles to keys (description: summary)", node, path)
    pairs: list[tuple[str, str]] = []
    for key_node, value_node in node.value:
        role = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else ""
        if role not in SEO_ROLES:
            raise _error(
                f"seo.fields: unknown role {role!r} (roles: {', '.join(SEO_ROLES)})",
                key_node,
                path,
            )
        target = str(value_node.value).strip() if isinstance(value_node, yaml.ScalarNode) else ""
        if not target:
            raise _error(f"seo.fields.{role} must name a key, e.g. {role}", value_node, path)
        pairs.append((role, target))
    return pairs

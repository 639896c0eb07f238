"""SEO checks: pixel widths, per-folder settings and the rules (pure Python, no Qt)."""

from editor.content.seo.config import (
    DEFAULT_SEVERITIES,
    RULE_NAMES,
    SEVERITIES,
    SeoConfig,
    load_config,
    parse_config,
)
from editor.content.seo.metrics import text_width
from editor.content.seo.rules import (
    Finding,
    SeoFacts,
    check_corpus,
    check_entry,
    finding_from_error,
    seo_facts,
    severity_rank,
)

__all__ = [
    "DEFAULT_SEVERITIES",
    "RULE_NAMES",
    "SEVERITIES",
    "Finding",
    "SeoConfig",
    "SeoFacts",
    "check_corpus",
    "check_entry",
    "finding_from_error",
    "load_config",
    "parse_config",
    "seo_facts",
    "severity_rank",
    "text_width",
]

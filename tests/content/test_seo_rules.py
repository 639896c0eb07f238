"""Per-entry SEO rules at their boundaries, on the bundled schemas."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import frontmatter
import pytest

from editor.content.errors import ParseError
from editor.content.schema import Schema, SchemaRegistry, generic_schema
from editor.content.seo import (
    RULE_NAMES,
    SEVERITIES,
    Finding,
    SeoConfig,
    check_entry,
    finding_from_error,
    severity_rank,
    text_width,
)

REGISTRY = SchemaRegistry.load()
GLOSSARY = REGISTRY["glossary"]
QA = REGISTRY["default"]
CONFIG = SeoConfig()

DESCRIPTION = (
    "Strategic leverage is the power to steer a negotiation through calculated ambiguity, "
    "keeping options open while the other side commits first."
)


def glossary_entry() -> dict[str, Any]:
    """A glossary entry that passes every per-entry rule."""
    return {
        "_schema": "glossary",
        "title": "Strategic Leverage",
        "definition": "The ability to influence outcomes through strategic leverage.",
        "faq": [{"question": "What is it?", "answer": "Power through ambiguity."}],
        "seo": {
            "title": "Strategic Leverage: Meaning and Examples",
            "page_description": DESCRIPTION,
            "page_keywords": "leverage, negotiation",
        },
        "url": "/glossary/strategic-leverage",
        "related": [],
    }


def qa_entry() -> dict[str, Any]:
    return {
        "_schema": "default",
        "title": "How is leverage defined in negotiation?",
        "seo": {
            "title": "Leverage in negotiation, explained simply",
            "page_description": DESCRIPTION,
            "page_keywords": "leverage",
        },
        "answer": "Leverage is power.\\n\\nIt matters.",
        "url": "/learn/business-and-management/questions/how-is-leverage-defined-in-negotiation",
    }


def check(
    data: dict[str, Any], config: SeoConfig = CONFIG, schema: Schema = GLOSSARY
) -> list[Finding]:
    return check_entry(data, schema, config, "glossary/strategic-leverage.md")


def rules(data: dict[str, Any], config: SeoConfig = CONFIG, schema: Schema = GLOSSARY) -> set[str]:
    return {f.rule for f in check(data, config, schema)}


def with_value(path: str, value: Any, base: dict[str, Any] | None = None) -> dict[str, Any]:
    data = copy.deepcopy(base if base is not None else glossary_entry())
    *parents, last = path.split(".")
    target = data
    for part in parents:
        target = target[part]
    target[last] = value
    return data


def without(path: str, base: dict[str, Any] | None = None) -> dict[str, Any]:
    data = copy.deepcopy(base if base is not None else glossary_entry())
    *parents, last = path.split(".")
    target = data
    for part in parents:
        target = target[part]
    del target[last]
    return data


def padded(text: str, length: int, filler: str = "n") -> str:
    return text + filler * (length - len(text))


def test_clean_entries_have_no_findings() -> None:
    assert check(glossary_entry()) == []
    assert check_entry(qa_entry(), QA, CONFIG, "qa.md") == []


def test_finding_carries_path_field_and_configured_severity() -> None:
    (finding,) = check(with_value("seo.title", ""))
    assert finding.rule == "title-missing"
    assert finding.severity == "error"
    assert finding.path == "glossary/strategic-leverage.md"
    assert finding.field == "seo.title"
    assert finding.line is None and finding.column is None


# --- titles -------------------------------------------------------------------------


@pytest.mark.parametrize(("length", "long"), [(60, False), (61, True)])
def test_title_char_limit(length: int, long: bool) -> None:
    title = padded("Strategic Leverage ", length, "i")  # narrow letters: chars decide
    assert text_width(title, 20) < 580
    found = {f.rule: f for f in check(with_value("seo.title", title))}
    assert ("title-long" in found) is long
    if long:
        assert f"{length} characters (max 60)" in found["title-long"].message


@pytest.mark.parametrize(("length", "short"), [(30, False), (29, True)])
def test_title_min_chars(length: int, short: bool) -> None:
    title = padded("Strategic Leverage ", length, "W")  # wide letters: px is never short
    assert text_width(title, 20) > 200
    assert ("title-short" in rules(with_value("seo.title", title))) is short


def _widest_under(limit: float, size: float, prefix: str, filler: str) -> str:
    text = prefix
    while text_width(text + filler, size) <= limit:
        text += filler
    return text


def test_title_pixel_limit_just_under_and_over() -> None:
    under = _widest_under(580, 20, "Strategic Leverage ", "W")
    over = under + "W"
    assert len(over) <= 60  # so only the width can make it long
    assert "title-long" not in rules(with_value("seo.title", under))
    found = {f.rule: f for f in check(with_value("seo.title", over))}
    assert "580 px" in found["title-long"].message
    assert f"{text_width(over, 20):.0f} px" in found["title-long"].message


def test_pixel_limits_are_exact() -> None:
    title = "Strategic Leverage: Meaning and Examples"
    width = text_width(title, 20)
    data = with_value("seo.title", title)
    assert "title-long" not in rules(data, SeoConfig(title_max_px=width))
    assert "title-long" in rules(data, SeoConfig(title_max_px=width - 0.01))
    width = text_width(DESCRIPTION, 14)
    assert "description-long" not in rules(glossary_entry(), SeoConfig(description_max_px=width))
    narrower = SeoConfig(description_max_px=width - 0.01)
    assert "description-long" in rules(glossary_entry(), narrower)


def test_title_pixel_minimum() -> None:
    narrow = padded("Strategic Leverage ", 40, "i")
    assert len(narrow) >= 30
    limit = text_width(narrow, 20)
    assert "title-short" in rules(
        with_value("seo.title", narrow), SeoConfig(title_min_px=limit + 1)
    )
    assert "title-short" not in rules(
        with_value("seo.title", narrow), SeoConfig(title_min_px=limit)
    )


def test_wide_unicode_title_is_measured_not_counted() -> None:
    cjk = "戦略的レバレッジ" * 4  # 32 characters, each a full em wide
    assert 30 <= len(cjk) <= 60
    found = rules(with_value("seo.title", cjk))
    assert "title-long" in found
    assert "title-short" not in found
    emoji = "Strategic Leverage " + "🚀" * 25
    assert len(emoji) <= 60
    assert text_width(emoji, 20) > 580
    assert "title-long" in rules(with_value("seo.title", emoji))
    ipa = "Strategic Leverage /strəˈtiːdʒɪk ˈlɛvərɪdʒ/"
    assert not {"title-long", "title-short"} & rules(with_value("seo.title", ipa))


def test_title_whitespace_is_measured_as_the_page_shows_it() -> None:
    spaced = "Strategic   Leverage:\n  Meaning  and Examples" + " " * 40
    assert len(spaced) > 60
    assert "title-long" not in rules(with_value("seo.title", spaced))


def test_empty_title_and_missing_title_say_which() -> None:
    (empty,) = check(with_value("seo.title", None))
    (missing,) = check(without("seo.title"))
    assert empty.rule == missing.rule == "title-missing"
    assert "is empty" in empty.message
    assert "not in the file" in missing.message


# --- descriptions -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("length", "expected"),
    [(120, {"description-short"}), (121, set()), (156, set()), (157, {"description-long"})],
)
def test_description_char_boundaries(length: int, expected: set[str]) -> None:
    text = padded("Strategic leverage ", length, "i")
    found = rules(with_value("seo.page_description", text))
    assert found & {"description-short", "description-long"} == expected


def test_description_pixel_limit() -> None:
    under = _widest_under(920, 14, "Strategic leverage ", "s")
    assert 121 <= len(under) < len(under + "s") <= 156  # so only the width can make it long
    assert "description-long" not in rules(with_value("seo.page_description", under))
    found = {f.rule: f for f in check(with_value("seo.page_description", under + "s"))}
    assert "920 px" in found["description-long"].message


def test_description_and_keywords_missing_or_empty() -> None:
    assert {f.rule: f.severity for f in check(with_value("seo.page_description", ""))} == {
        "description-missing": "error"
    }
    (empty,) = check(with_value("seo.page_keywords", "  "))
    (missing,) = check(without("seo.page_keywords"))
    assert empty.rule == missing.rule == "keywords-missing"
    assert empty.severity == "warning"
    assert "is empty" in empty.message and "not in the file" in missing.message


# --- keyphrase ----------------------------------------------------------------------


def test_keyphrase_defaults_to_the_term_and_is_case_insensitive() -> None:
    data = with_value("seo.title", "STRATEGIC LEVERAGE in practice, with examples")
    assert not {r for r in rules(data) if r.startswith("keyphrase")}
    data = with_value("seo.title", "Calculated ambiguity in practice, with examples")
    found = {f.rule: f for f in check(data)}
    assert found["keyphrase-not-in-title"].field == "seo.title"
    assert '"Strategic Leverage"' in found["keyphrase-not-in-title"].message


def test_keyphrase_absent_from_description_and_lead() -> None:
    data = with_value("seo.page_description", padded("Calculated ambiguity ", 130, "n"))
    data = with_value("definition", "Power through ambiguity.", data)
    found = {f.rule: f.field for f in check(data)}
    assert found["keyphrase-not-in-description"] == "seo.page_description"
    assert found["keyphrase-not-in-lead"] == "definition"


def test_explicit_focus_keyphrase_wins_over_the_term() -> None:
    data = with_value("seo.focus_keyphrase", "bargaining power")
    assert {"keyphrase-not-in-title", "keyphrase-not-in-description"} <= rules(data)


def test_keyphrase_matches_whole_words_only() -> None:
    data = with_value("title", "Lever")  # "Lever" is inside "Leverage" but is not a word of it
    assert "keyphrase-not-in-title" in rules(data)


@pytest.mark.parametrize(("words", "long"), [(8, False), (9, True)])
def test_keyphrase_word_limit(words: int, long: bool) -> None:
    phrase = " ".join(["strategic", "leverage", *["x"] * (words - 2)])
    data = with_value("seo.focus_keyphrase", phrase)
    assert ("keyphrase-long" in rules(data)) is long


def test_qa_articles_have_no_keyphrase_rules() -> None:
    data = with_value("seo.title", "QuickTakes | Business and Management", qa_entry())
    assert not {r for r in rules(data, schema=QA) if r.startswith("keyphrase")}


# --- slug, h1, faq ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("/glossary/strategic-leverage", True),
        ("/glossary/strategic-leverage/", True),
        ("https://example.org/glossary/strategic-leverage", True),
        ("/learn/business-and-management/questions/how-is-leverage-defined-in-negotiation", True),
        ("/glossary/Strategic_Leverage", False),
        ("/glossary/strategic--leverage", False),
        ("/glossary//strategic-leverage", False),
        ("/glossary/stratégie", False),
        ("/glossary/strategic leverage", False),
    ],
)
def test_slug_format(url: str, ok: bool) -> None:
    found = {f.rule: f for f in check(with_value("url", url))}
    assert ("slug-format" not in found) is ok
    if not ok:
        assert found["slug-format"].severity == "warning"
        assert found["slug-format"].field == "url"


def test_slug_format_suggests_a_fix() -> None:
    (finding,) = check(with_value("url", "/glossary/Strategic_Leverage"))
    assert '"strategic-leverage"' in finding.message


def test_h1_missing_and_empty() -> None:
    empty = {f.rule: f for f in check(with_value("title", ""))}
    assert empty["h1-missing"].severity == "error"
    assert "is empty" in empty["h1-missing"].message
    assert "not in the file" in {f.rule: f for f in check(without("title"))}["h1-missing"].message


def test_faq_incomplete_items() -> None:
    faq = [
        {"question": "Complete?", "answer": "Yes."},
        {"question": "No answer key?"},
        {"question": "", "answer": "An empty question."},
        "not a pair",
    ]
    found = [f for f in check(with_value("faq", faq)) if f.rule == "faq-incomplete"]
    assert [f.field for f in found] == ["faq.1.answer", "faq.2.question", "faq.3"]
    assert all(f.severity == "error" for f in found)
    assert "item 2 has no answer" in found[0].message
    assert "item 3 has an empty question" in found[1].message


# --- generic entries, parse errors, config ------------------------------------------


def test_generic_entry_falls_back_to_conventional_keys() -> None:
    data = without("_schema")
    data["seo"]["title"] = ""
    found = {f.rule: f.field for f in check_entry(data, generic_schema(data), CONFIG, "x.md")}
    assert found == {"title-missing": "seo.title"}
    bare: dict[str, Any] = {"note": "no SEO fields at all"}
    bare_found = {f.rule for f in check_entry(bare, REGISTRY.for_data(bare), CONFIG, "bare.md")}
    assert {"title-missing", "description-missing", "h1-missing"} <= bare_found


def test_parse_error_finding_keeps_line_and_column() -> None:
    err = ParseError("duplicate key 'title'", Path("content/a.md"), 7, 3)
    finding = finding_from_error(err, "a.md")
    assert (finding.rule, finding.severity, finding.path) == ("parse-error", "error", "a.md")
    assert (finding.line, finding.column) == (7, 3)
    assert "duplicate key" in finding.message
    lowered = SeoConfig(severity_overrides=(("parse-error", "warning"),))
    assert finding_from_error(err, "a.md", lowered).severity == "warning"


def test_config_disables_rules_changes_thresholds_and_severities() -> None:
    data = with_value("seo.title", padded("Strategic Leverage ", 65, "i"))
    assert "title-long" in rules(data)
    assert "title-long" not in rules(data, SeoConfig(disabled=frozenset({"title-long"})))
    assert "title-long" not in rules(data, SeoConfig(title_max_chars=70))
    raised = SeoConfig(severity_overrides=(("title-long", "error"),))
    assert {f.rule: f.severity for f in check(data, raised)}["title-long"] == "error"


def test_severities_are_ranked() -> None:
    assert sorted(["info", "error", "warning"], key=severity_rank) == list(SEVERITIES)


def test_real_qa_files_are_checked_consistently(shared_dir: Path) -> None:
    files = sorted((shared_dir / "real_content").glob("*.md"))
    files = [p for p in files if p.name != "SOURCES.md"]
    assert files
    for path in files:
        data: dict[str, Any] = frontmatter.loads(path.read_text(encoding="utf-8")).metadata
        found = check_entry(data, REGISTRY.for_data(data), CONFIG, path.name)
        assert {f.rule for f in found} <= set(RULE_NAMES)
        description = " ".join(str(data["seo"]["page_description"]).split())
        long = len(description) > 156 or text_width(description, 14) > 920
        assert ("description-long" in {f.rule for f in found}) is long, path.name


def test_one_pass_rows_equal_check_entry_and_seo_facts(shared_dir: Path) -> None:
    """What the index runs per file (tuples, one pass) is exactly the public pair."""
    from editor.content.seo import seo_facts
    from editor.content.seo.rules import check_entry_rows, facts_from_row

    sample = Path(__file__).resolve().parents[2] / "sample_content"
    files = [*sorted(sample.rglob("*.md")), *sorted((shared_dir / "real_content").glob("*.md"))]
    entries = [
        (path.name, frontmatter.loads(path.read_text(encoding="utf-8")).metadata)
        for path in files
        if path.name != "SOURCES.md"
    ]
    broken = copy.deepcopy(glossary_entry())
    broken.update(url="/Glossary/Bad Slug/", faq=[{"question": ""}, "x"], related=["/a", 3])
    broken["seo"].update(title="", page_description=" ", focus_keyphrase="a b c d e f g h i")
    entries += [("broken.md", broken), ("qa.md", qa_entry()), ("empty.md", {})]
    assert len(entries) > 25
    for name, data in entries:
        schema = REGISTRY.for_data(data)
        rows, facts = check_entry_rows(data, schema, CONFIG, name)
        assert [Finding(*row) for row in rows] == check_entry(data, schema, CONFIG, name)
        assert facts_from_row(facts) == seo_facts(data, schema, name)

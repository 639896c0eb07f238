"""Field-level changes, one-field restore and the commit message summary."""

from __future__ import annotations

from pathlib import Path

from editor.content.field_diff import (
    FieldChange,
    commit_message,
    field_changes,
    take_field,
    text_changes,
)
from editor.content.merge import BODY, MISSING

ENTRY = Path(__file__).resolve().parents[2] / "sample_content" / "anchoring.md"


def test_changes_are_named_by_field_and_faq_items_as_items() -> None:
    faq = [{"question": "A?", "answer": "a"}, {"question": "B?", "answer": "b"}]
    old = {"seo": {"title": "Old"}, "faq": faq, "gone": 1}
    new = {
        "seo": {"title": "New"},
        "faq": [faq[1], {"question": "C?", "answer": "c"}, faq[0]],
        "extra": "x",
    }
    changes = field_changes(old, new, "body\n", "body!\n")
    described = [c.describe() for c in changes]
    assert described[0] == "seo.title: Old → New"
    assert "faq.1: added {'question': 'C?', 'answer': 'c'}" in described
    assert any(c.kind == "moved" for c in changes)
    assert described[-3:] == ["extra: added x", "gone: removed 1", "body: body → body!"]


def test_an_edited_item_is_one_nested_change() -> None:
    old = {"faq": [{"question": "A?", "answer": "a"}]}
    new = {"faq": [{"question": "A?", "answer": "b"}]}
    assert field_changes(old, new) == [FieldChange("faq.0.answer", "changed", "a", "b")]


def test_take_field_restores_one_field_and_leaves_the_rest() -> None:
    head = ENTRY.read_text(encoding="utf-8")
    now = head.replace("subject: Negotiation", "subject: Mine").replace(
        "url: /glossary/anchoring", "url: /glossary/mine"
    )
    back = take_field(now, head, "subject")
    assert back == head.replace("url: /glossary/anchoring", "url: /glossary/mine")
    assert [c.key for c in text_changes(head, back)] == ["url"]
    assert take_field(now + "more", head, BODY) == now
    assert text_changes(None, head)[0].kind == "added"


def test_commit_message_summarises_what_changed() -> None:
    one = [FieldChange("seo.page_description", "changed", "a", "b")]
    assert commit_message({f"e{n}": one for n in range(12)}) == (
        "Update seo.page_description of 12 entries"
    )
    assert commit_message({"anchoring": one}, added=1) == (
        "Update seo.page_description of anchoring; add 1 entry"
    )
    many = [FieldChange(k, "changed", 1, 2) for k in ("a", "b", "c", "d", "e")]
    assert commit_message({"x": many, "y": many}) == "Update 2 entries (a, b, c and 2 more)"
    assert commit_message({}, removed=2) == "Remove 2 entries"
    assert FieldChange("x", "removed", "v", MISSING).field == "x"

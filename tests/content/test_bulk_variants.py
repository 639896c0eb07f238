"""Near-duplicate values found for unifying (Digital Media / Digital media)."""

from __future__ import annotations

from editor.content.bulk.variants import variant_groups, variant_key


def test_variants_differ_only_in_case_spacing_and_punctuation() -> None:
    assert variant_key("Digital  Media.") == variant_key("digital media") == "digital media"
    assert variant_key("Digital Medias") != variant_key("Digital Media")


def test_groups_put_the_most_used_spelling_first() -> None:
    values = ["Digital Media"] * 3 + ["Digital media"] * 5 + ["Law", "law ", "Physics", ""]
    assert variant_groups(values) == [
        [("Digital media", 5), ("Digital Media", 3)],
        [("Law", 1), ("law ", 1)],
    ]

"""A scope's values, found by following its patterns, are the walk's values it wants."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from editor.content.bulk.scope import Scope, string_values

KEYS = st.sampled_from(["seo", "title", "faq", "answer", "1", "a.b"]) | st.integers(0, 2)
VALUES = st.recursive(
    st.text(max_size=3) | st.integers() | st.none(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=12,
)
FIELDS = st.sampled_from(
    ["seo", "seo.title", "faq.*.answer", "faq.1", "1", "1.title", "*.title", "title", "seo.*"]
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(KEYS, VALUES, max_size=4), st.lists(FIELDS, min_size=1, max_size=2))
def test_following_the_patterns_finds_what_a_whole_walk_filtered_finds(
    data: dict[Any, Any], fields: list[str]
) -> None:
    scope = Scope(fields=tuple(dict.fromkeys(fields)))
    followed = sorted(string_values(data, scope=scope), key=repr)
    walked = sorted(((p, v) for p, v in string_values(data) if scope.wants_field(p)), key=repr)
    assert followed == walked


def test_an_int_key_is_named_by_its_digits() -> None:
    data = {1: {"title": "int"}, "seo": {"title": "x"}}
    assert list(string_values(data, scope=Scope(fields=("1.title",)))) == [((1, "title"), "int")]
    assert list(string_values(data, scope=Scope(fields=("seo.title",)))) == [
        (("seo", "title"), "x")
    ]

"""The writer on YAML's rarer shapes: flow collections edited item by item, comments on
block scalar headers, explicit keys, keep chomping, tags and anchors, ordered maps."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from editor.content.errors import WriteError
from editor.content.frontmatter import parse_yaml, split
from editor.content.writer import same_data, update_text


def data_of(text: str) -> dict[str, Any]:
    parts = split(text)
    return parse_yaml(parts.front, None, parts.front_line)


def write(text: str, change: Callable[[dict[str, Any]], object]) -> str:
    """``text`` with ``change`` applied to its data; the result reads back as intended."""
    data = copy.deepcopy(data_of(text))
    change(data)
    out = update_text(text, data)
    assert same_data(data_of(out), data)
    return out


def front(*lines: str) -> str:
    return "---\n" + "".join(line + "\n" for line in lines) + "---\nBody.\n"


# -- flow lists edited item by item (issue 13) -----------------------------------------


def test_editing_one_flow_item_keeps_the_others_quoting() -> None:
    text = front('tags: ["a", "", ""]', "title: T")
    out = write(text, lambda d: d["tags"].__setitem__(1, "b"))
    assert out == front('tags: ["a", "b", ""]', "title: T")


def test_a_flow_list_without_spaces_keeps_its_spacing() -> None:
    text = front("menu: [/about/,/docs/]")
    assert write(text, lambda d: d["menu"].__setitem__(1, "/doc/")) == front(
        "menu: [/about/,/doc/]"
    )
    out = write(text, lambda d: d["menu"].append("/blog/"))
    assert out == front("menu: [/about/,/docs/,/blog/]")
    assert write(text, lambda d: d["menu"].pop(0)) == front("menu: [/docs/]")


def test_a_flow_list_over_many_lines_keeps_its_line_breaks() -> None:
    items = [f'  "item {i}",' for i in range(10)]
    text = front("aliases: [", *items, '  "item 10"', "]")
    out = write(text, lambda d: d["aliases"].__setitem__(4, "four"))
    lines = out.splitlines()
    assert lines[6] == '  "four",'
    assert [line for i, line in enumerate(lines) if i != 6] == [
        line for i, line in enumerate(text.splitlines()) if i != 6
    ]
    appended = write(text, lambda d: d["aliases"].append("item 11"))
    assert appended == front("aliases: [", *items, '  "item 10",', '  "item 11"', "]")


def test_an_appended_flow_item_follows_its_neighbours_style() -> None:
    text = front("a: ['x', 'y']", "b: [x, y]", "c: [1, 2]")
    out = write(text, lambda d: (d["a"].append("z"), d["b"].append("z"), d["c"].append(3)))
    assert out == front("a: ['x', 'y', 'z']", "b: [x, y, z]", "c: [1, 2, 3]")


def test_a_flow_item_that_needs_quotes_gets_them() -> None:
    text = front("tags: [a, b]")
    out = write(text, lambda d: d["tags"].append("c, d"))
    assert out == front("tags: [a, b, 'c, d']")


def test_flow_lists_inside_block_lists_and_maps_are_patched_in_place() -> None:
    text = front("rows:", "  - [1, 2]  # first", "  - {x: 1, y: [a,b]}")
    out = write(text, lambda d: (d["rows"][0].append(3), d["rows"][1]["y"].append("c")))
    assert out == front("rows:", "  - [1, 2, 3]  # first", "  - {x: 1, y: [a,b,c]}")


# -- flow mappings and flow front matter (issue 21) ---------------------------------------


def test_flow_front_matter_is_edited_inside_its_braces() -> None:
    text = front("{foo: you, bar: far}")
    assert write(text, lambda d: d.update(bar="near")) == front("{foo: you, bar: near}")
    assert write(text, lambda d: d.update(baz=1)) == front("{foo: you, bar: far, baz: 1}")
    assert write(text, lambda d: d.pop("foo")) == front("{bar: far}")
    assert write(text, lambda d: d.pop("bar")) == front("{foo: you}")


def test_a_multi_line_flow_mapping_takes_a_new_key_on_a_line_of_its_own() -> None:
    text = front("{", "  foo: you,", "  bar: far", "}")
    out = write(text, lambda d: d.update(baz="z"))
    assert out == front("{", "  foo: you,", "  bar: far,", "  baz: z", "}")


def test_an_empty_flow_front_matter_takes_keys_inside_its_braces() -> None:
    out = write(front("{}"), lambda d: d.update({"a": 1, "b, c": "x y"}))
    assert out == front("{a: 1, 'b, c': x y}")


def test_a_crlf_flow_list_keeps_its_line_breaks() -> None:
    text = front("tags: [a,", "  b]").replace("\n", "\r\n")
    out = write(text, lambda d: d["tags"].append("c"))
    assert out == front("tags: [a,", "  b,", "  c]").replace("\n", "\r\n")


def test_a_flow_mapping_value_takes_collections_in_flow_style() -> None:
    text = front("seo: {title: T, keywords: [a]}")
    out = write(text, lambda d: d["seo"].update(title={"x": 1}, keywords=["a", "b"]))
    assert out == front("seo: {title: {x: 1}, keywords: [a, b]}")


# -- block scalars ---------------------------------------------------------------------


def test_a_comment_on_a_block_scalar_header_is_kept() -> None:
    text = front("definition: >- # one sentence", "    Old text.", "title: T")
    out = write(text, lambda d: d.update(definition="New text."))
    assert out == front("definition: >- # one sentence", "    New text.", "title: T")
    # a value the folded style cannot hold: the comment follows the new value
    out = write(text, lambda d: d.update(definition="trailing space "))
    assert out == front('definition: "trailing space " # one sentence', "title: T")


def test_keep_chomping_owns_the_blank_lines_after_it() -> None:
    text = front("keep: |+", "  text", "", "", "next: 1")
    data = copy.deepcopy(data_of(text))
    data["added"] = "x"
    out = update_text(text, data, key_order=["keep", "added", "next"])
    assert out == front("keep: |+", "  text", "", "", "added: x", "next: 1")
    last = front("keep: |+", "  text", "", "")
    assert write(last, lambda d: d.update(added="x")) == last.replace("\n---", "\nadded: x\n---")


def test_a_whitespace_only_line_in_a_literal_block_is_content() -> None:
    text = front("foo: |", "  x", "   ", "")
    data = data_of(text)
    assert data["foo"] == "x\n \n"
    out = write(text, lambda d: d.update(bar="y"))  # before the blank line clipping drops
    assert out == front("foo: |", "  x", "   ", "bar: y", "")


def test_a_new_block_value_does_not_take_the_blank_lines_after_it() -> None:
    text = front("foo: 1", "", "bar: 2", "    ", "text: x")
    out = write(text, lambda d: d.update(bar="two\n"))
    assert out == front("foo: 1", "", "bar: |", "  two", "", "text: x")


def test_removing_every_key_of_a_flow_mapping_leaves_its_braces() -> None:
    text = front("{", "  a: 1,", "  b: 2,", "}")
    assert write(text, lambda d: d.clear()) == front("{", "  }")
    text = front("{ ?a: 1, b: 2 }")
    assert write(text, lambda d: d.clear()) == front("{ }")


# -- explicit keys, tags and anchors (issue 21) --------------------------------------------


def test_explicit_keys_take_values_and_neighbours() -> None:
    text = front("? a", "? b", "c: 1")
    assert write(text, lambda d: d.update(a="x")) == front("? a", ": x", "? b", "c: 1")
    assert write(text, lambda d: d.update(z=2)) == front("? a", "? b", "c: 1", "z: 2")
    text = front("? a", ": 1.3", "fifteen: d")
    assert write(text, lambda d: d.update(a=2)) == front("? a", ": 2", "fifteen: d")


def test_a_compact_sequence_after_an_explicit_value_indicator_is_patched() -> None:
    text = front("? key", ": - one # first", "  - two")
    out = write(text, lambda d: d["key"].append("three"))
    assert out == front("? key", ": - one # first", "  - two", "  - three")


def test_tagged_and_anchored_keys_with_the_value_on_the_next_line() -> None:
    text = front('!!str &a1 "foo":', "  !!str bar", "&a2 baz : *a1")
    assert write(text, lambda d: d.update(new=1)) == text.replace("---\nBody", "new: 1\n---\nBody")
    out = write(text, lambda d: d.update(foo="qux"))
    assert out == front('!!str &a1 "foo":', "  !!str qux", "&a2 baz : *a1")
    out = write(text, lambda d: d.update(baz="own"))
    assert out == front('!!str &a1 "foo":', "  !!str bar", "&a2 baz : own")


def test_an_anchored_value_that_an_alias_repeats_is_refused_with_a_reason() -> None:
    text = front("base: &b first", "copy: *b")
    data = data_of(text)
    data["base"] = "second"
    with pytest.raises(WriteError) as refused:
        update_text(text, data)
    message = str(refused.value)
    assert ":2:7:" in message
    assert "anchored (&b) and an alias (*b) repeats it elsewhere" in message
    assert "Give the alias a value of its own first" in message
    # both copies changed alike: only the anchor's text changes
    assert write(text, lambda d: d.update(base="second", copy="second")) == front(
        "base: &b second", "copy: *b"
    )
    # the alias alone changed: it gets a value of its own
    assert write(text, lambda d: d.update(copy="own")) == front("base: &b first", "copy: own")


def test_removing_an_anchor_an_alias_needs_is_refused() -> None:
    text = front("base: &b [1, 2]", "copy: *b")
    data = data_of(text)
    del data["base"]
    with pytest.raises(WriteError, match="removing it would leave the alias without a value"):
        update_text(text, data)


def test_replacing_a_value_that_holds_an_anchor_an_alias_uses_is_refused() -> None:
    text = front("base:", "  inner: &i 1", "copy: *i")
    data = data_of(text)
    data["base"] = "flat"
    with pytest.raises(WriteError, match="'base' holds the anchor &i, which an alias"):
        update_text(text, data)
    data = data_of(text)
    del data["base"]
    with pytest.raises(WriteError, match="removing it would leave the alias without a value"):
        update_text(text, data)


def test_an_anchored_key_is_kept_while_an_alias_uses_it() -> None:
    text = front("&k key: 1", "other: *k")
    data = data_of(text)
    del data["key"]
    with pytest.raises(WriteError, match="the key 'key' is anchored"):
        update_text(text, data)


def test_a_collection_replaced_by_a_scalar_drops_its_tag_and_keeps_its_anchor() -> None:
    text = front("k: !!seq &s [a, b]", "m: {x: !!seq [1]}")
    out = write(text, lambda d: (d.update(k="text"), d["m"].update(x="y")))
    assert out == front("k: &s text", "m: {x: y}")


def test_a_single_pair_in_a_flow_list_takes_a_second_key_as_braces() -> None:
    text = front("pairs: [a: 1, b: 2]")
    out = write(text, lambda d: d["pairs"][0].update(c=3))
    assert out == front("pairs: [{a: 1, c: 3}, b: 2]")
    assert write(text, lambda d: d["pairs"][1].update(b=5)) == front("pairs: [a: 1, b: 5]")


# -- values nobody edited never change (issue 14) ---------------------------------------


OMAP = front(
    "title: T",
    "ordered: !!omap",
    "  - b: 2",
    "  - a: 1",
    "pairs: !!pairs",
    "  - a: 1",
    "  - a: 2",
    "set: !!set {x, y}",
    "blob: !!binary aGVsbG8=",
)


def test_omap_pairs_set_and_binary_values_stay_as_they_are() -> None:
    out = write(OMAP, lambda d: d.update(title="New"))
    assert out == OMAP.replace("title: T", "title: New")


def test_an_omap_item_can_be_edited_and_added() -> None:
    out = write(OMAP, lambda d: d["ordered"].__setitem__(0, ("b", 3)))
    assert out == OMAP.replace("  - b: 2", "  - b: 3")
    out = write(OMAP, lambda d: d["pairs"].append(("c", 3)))
    assert out == OMAP.replace("  - a: 2\n", "  - a: 2\n  - c: 3\n")

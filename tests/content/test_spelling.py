"""Spell checking without Qt: what is checked, the dictionaries, the site's word list."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.content import spelling
from editor.content.errors import ContentError
from editor.content.spell_words import line_words, text_words
from editor.content.spelling import (
    DICTIONARY_FILE,
    SpellConfig,
    Speller,
    load_spell_config,
    parse_spell_config,
)


def words(text: str) -> list[str]:
    return [w.text for _, w in text_words(text)]


@pytest.mark.parametrize(
    "text",
    [
        "`codde` inline",
        "see https://exampl.com/xyzz/qqq and www.foo.org/barr",
        "[label](https://exampl.com/brrk 'tittle')",
        "$\\alphaa + betaa$ and \\(gammma\\) and $$deltta$$",
        "<span clas='foo'>&nbsp;",
        "mail someone@exampl.com",
        "literal\\nbreaks",
        "[ref]: https://exampl.com/qqq",
        "said /strəˈtiːdʒɪk ˈlɛvərɪdʒ/ and /learn/xyzz/ path",
        "ipa without slashes strəˈtiːdʒɪk",
    ],
)
def test_markup_is_never_checked(text: str) -> None:
    checked = set(words(text))
    for junk in ("codde", "exampl", "xyzz", "barr", "brrk", "alphaa", "betaa", "gammma",
                 "deltta", "clas", "nbsp", "someone", "nbreaks", "strəˈtiːdʒɪk", "xyzz",
                 "tiːdʒɪk", "stra", "lɛvərɪdʒ"):  # fmt: skip
        assert junk not in checked


def test_fences_and_display_math_span_lines() -> None:
    text = "```python\nbadd = codde\n```\nwrng\n$$\nfrobb\n$$ aftr\n~~~\nqqq\n~~~"
    assert words(text) == ["wrng", "aftr"]


def test_fence_in_a_list_item_and_its_state() -> None:
    found, state = line_words("- ```js", 0)
    assert found == [] and state != 0
    found, state = line_words("  lett frobb = 1", state)
    assert found == []
    assert line_words("  ```", state)[1] == 0


def test_word_positions_are_exact() -> None:
    line = "A **boldd** `x` and it’s mispelt"
    found, _ = line_words(line)
    for word in found:
        assert line[word.start : word.end] == word.text
    assert [w.text for w in found] == ["boldd", "and", "it’s", "mispelt"]


@pytest.mark.parametrize("word", ["API", "HTML", "PySide", "iPhone", "x2", "H2O", "snake_case"])
def test_acronyms_identifiers_and_numbers_are_skipped(word: str) -> None:
    assert words(f"the {word} here") == ["the", "here"]


def test_misspelt_words_and_suggestions() -> None:
    speller = Speller(None)
    text = "Teh negotiator will recieve a BATNA offer.\n\n`recieve` stays"
    assert [w for _, _, w in speller.misspelt(text)] == ["Teh", "recieve"]
    start, end, _ = speller.misspelt(text)[1]
    assert text[start:end] == "recieve"
    assert "receive" in speller.suggestions("recieve")
    assert speller.suggestions("Teh")[0][0].isupper()


def test_titles_seed_the_site_words() -> None:
    speller = Speller(None)
    assert speller.misspelt("Zopa and Batna")
    speller.set_titles(["ZOPA explained", "Batna"])
    assert speller.misspelt("Zopa and Batna") == []


def test_add_to_dictionary_writes_the_site_file_seeded_with_titles(tmp_path: Path) -> None:
    speller = Speller(tmp_path)
    speller.set_titles(["Track-Two Diplomacy", "Kissingerian realism"])
    assert speller.misspelt("a frobnicator") != []
    speller.add_to_dictionary("frobnicator")
    assert speller.misspelt("a frobnicator") == []
    lines = (tmp_path / DICTIONARY_FILE).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#")
    assert "frobnicator" in lines and "kissingerian" in lines
    assert "diplomacy" not in lines  # known to the base dictionary: not seeded
    speller.add_to_dictionary("zorblax")
    assert (tmp_path / DICTIONARY_FILE).read_text(encoding="utf-8").endswith("zorblax\n")
    # a second window / a teammate's checkout reads the same file
    assert Speller(tmp_path).misspelt("frobnicator zorblax") == []


def test_language_comes_from_the_site_config(tmp_path: Path) -> None:
    (tmp_path / "glossary-editor.yaml").write_text(
        "seo: {}\nspell:\n  language: de\n  fields:\n    title_en: en\n", encoding="utf-8"
    )
    config = load_spell_config(tmp_path)
    assert config.language == "de"
    assert config.language_of("title_en") == "en"
    assert config.language_of("faq.3.answer") == "de"
    speller = Speller(tmp_path, config)
    assert speller.misspelt("Der Hund ist schön") == []
    assert speller.misspelt("The dog is nice", "en") == []
    assert load_spell_config(None) == SpellConfig()
    assert load_spell_config(tmp_path / "missing") == SpellConfig()


@pytest.mark.parametrize(
    "text",
    [
        "spell: [en]\n",
        "spell:\n  langage: en\n",
        "spell:\n  fields: [a]\n",
        "spell: {language: 3}\n",
    ],
)
def test_config_mistakes_are_reported(text: str) -> None:
    with pytest.raises(ContentError):
        parse_spell_config(text, "glossary-editor.yaml")


def test_disabled_checks_nothing() -> None:
    speller = Speller(None, SpellConfig(enabled=False))
    assert speller.misspelt("wrng wrds") == []


def test_enchant_is_used_where_the_system_has_it(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeDict:
        def __init__(self, tag: str) -> None:
            self.tag = tag

        def check(self, word: str) -> bool:
            return word == "hunspellword"

        def suggest(self, word: str) -> list[str]:
            return ["hunspellword"]

    fake = types.ModuleType("enchant")
    fake.dict_exists = lambda tag: tag == "xx_US"  # type: ignore[attr-defined]
    fake.Dict = FakeDict  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "enchant", fake)
    engine = spelling.open_engine("xx")
    assert engine is not None and engine.name == "enchant"
    assert engine.known("hunspellword") and not engine.known("other")
    assert engine.suggest("hunspelword") == ["hunspellword"]


def test_without_enchant_the_wheel_dictionary_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "enchant", None)  # import fails
    engine = spelling.open_engine("en")
    assert engine is not None and engine.name == "pyspellchecker"
    assert spelling.open_engine("qq") is None  # no list for it: nothing flagged
    assert Speller(None, SpellConfig(language="qq")).misspelt("wrng") == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="ab’'_- \n\tÉİß1", max_size=12), max_size=12))
def test_title_words_read_in_pieces_are_each_titles_words(texts: list[str]) -> None:
    """:func:`spelling.words_of` reads its texts joined, a piece at a time (no word spans
    the newline between two): the same words as each text read alone."""
    alone = set().union(*(spelling.words_of([t]) for t in texts))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(spelling, "WORDS_PIECE", 3)  # pieces end inside the list
        assert spelling.words_of(texts) == alone
    assert spelling.words_of(iter(texts)) == alone

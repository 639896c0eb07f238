"""Files the folder's *setup* reads are as hostile as its entries.

The site readers (CMS configurations, the SEO-field sample, the folder's style for new
entries), the settings file and the folder's own schemas go through the same bounded
reader and parser as entries: a hostile file is a problem named with its file, never a
crash of the whole folder, a hang or a run-away parse.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers.blocking import within
from helpers.git_team import git, isolate_git

from editor.cli_git import setup_folder
from editor.content.errors import ContentError, WriteError
from editor.content.folder_style import learn_style
from editor.content.index import CorpusIndex
from editor.content.render import render_page
from editor.content.render_config import load_render_config
from editor.content.schema import SchemaRegistry
from editor.content.seo.config import load_config
from editor.content.spelling import DICTIONARY_FILE, Speller

BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(8)
)
GOOD = "---\ntitle: Soft power\ndescription: Getting others to want what you want.\n---\nBody\n"


@pytest.fixture
def folder(folder: Path) -> Path:
    (folder / "good.md").write_text(GOOD, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "front",
    [
        "date: 2020-02-30\n",  # a constructor error (crashed the SEO-field sample)
        BOMB,  # alias expansion
        "deep: " + "[" * 400 + "]" * 400 + "\n",  # nesting
    ],
    ids=["bad-date", "alias-bomb", "deep"],
)
def test_a_hostile_entry_does_not_stop_the_folder_opening(folder: Path, front: str) -> None:
    (folder / "hostile.md").write_text(f"---\n{front}---\n", encoding="utf-8")
    registry = within(10, lambda: SchemaRegistry.load(folder))
    assert registry.for_data({"title": "x"}) is not None
    index = within(30, lambda: CorpusIndex(folder, cache=False, registry=registry).build_all())
    errors = {r.path for r in index.records if r.error is not None}
    assert errors == {"hostile.md"}
    within(10, lambda: learn_style(folder, "glossary"))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifos_in_place_of_entries_and_settings_never_block(folder: Path) -> None:
    os.mkfifo(folder / "pipe.md")
    os.mkfifo(folder / "glossary-editor.yaml")
    with pytest.raises(ContentError, match="FIFO"):
        within(10, lambda: load_config(folder))
    within(10, lambda: learn_style(folder, "glossary"))


def test_an_alias_bomb_in_a_cms_configuration_is_a_named_problem(folder: Path) -> None:
    (folder / "cloudcannon.config.yml").write_text(BOMB, encoding="utf-8")
    registry = within(10, lambda: SchemaRegistry.load(folder))
    problems = [str(p) for p in registry.site.problems] if registry.site else []
    assert any("cloudcannon.config.yml" in p and "alias" in p for p in problems), problems


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_swapped_in_for_the_site_stylesheet_is_an_error_not_a_hang(folder: Path) -> None:
    (folder / "site.css").write_text("h1 { color: red; }\n", encoding="utf-8")
    (folder / "glossary-editor.yaml").write_text("render:\n  stylesheets: site.css\n")
    config = load_render_config(folder)
    registry = SchemaRegistry.load(folder)
    (folder / "site.css").unlink()
    os.mkfifo(folder / "site.css")
    with pytest.raises(ContentError, match=r"stylesheet.*FIFO"):
        within(10, lambda: render_page({"title": "Q"}, "", registry["glossary"], config=config))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_git_setup_refuses_a_fifo_in_place_of_gitattributes(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_git(monkeypatch, tmp_path / "home")
    git(folder, "init", "-q")
    os.mkfifo(folder / ".gitattributes")
    with pytest.raises(ContentError, match="FIFO"):
        within(10, lambda: setup_folder(folder))


def test_a_site_dictionary_that_is_not_utf8_is_refused_not_written_back_mangled(
    folder: Path,
) -> None:
    path = folder / DICTIONARY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"# words\ncaf\xe9\n")
    with pytest.raises(WriteError, match="not UTF-8"):
        Speller(folder).add_to_dictionary("zorblax")
    assert path.read_bytes() == b"# words\ncaf\xe9\n"

"""The Backlinks dock lists exactly the links ``orphan`` counts (``content/bulk/links.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from editor.content.bulk.links import backlinks
from editor.content.index import CorpusIndex


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _add_entry(folder: Path, name: str) -> Path:
    text = (folder / "zopa.md").read_text(encoding="utf-8")
    path = folder / f"{name}.md"
    path.write_text(text.replace("url: /glossary/zopa", f"url: /glossary/{name}"), encoding="utf-8")
    return path


def _listed(qtbot: Any, window: Any, path: Path) -> list[tuple[str, str]]:
    """(file name, item text) of the dock's list once it has answered for ``path``."""
    dock = window.bulk.backlinks
    assert window.entry_list.select(path)
    qtbot.waitUntil(lambda: "link" in dock.heading.text() and "Looking" not in dock.heading.text())
    items = [dock.list.item(i) for i in range(dock.list.count())]
    return [(Path(it.data(Qt.ItemDataRole.UserRole)).name, it.text()) for it in items]


def test_the_dock_lists_links_not_mentions_as_orphan_counts(
    qtbot: Any, make_window: Any, sample_folder: Path
) -> None:
    """A body that says "see /glossary/two" mentions two.md without linking to it: the
    dock lists no backlink for it and ``orphan`` flags it. A related link written with
    the site's address and a Markdown link in a body are listed, with their fields."""
    (sample_folder / "glossary-editor.yaml").write_text(
        "seo:\n  enable: [orphan]\n", encoding="utf-8"
    )
    one, two = _add_entry(sample_folder, "one"), _add_entry(sample_folder, "two")
    _edit(sample_folder / "anchoring.md", "---\n\n&nbsp;", "---\n\nsee /glossary/two")
    _edit(sample_folder / "batna.md", "---\n\n&nbsp;", "---\n\n[one](/glossary/one#top)")
    _edit(
        sample_folder / "soft-power.md",
        "related:\n",
        "related:\n    - https://example.org/glossary/one/\n",
    )
    index = CorpusIndex(sample_folder, cache=False).build_all()
    orphans = {f.path for f in index.findings() if f.rule == "orphan"}
    assert "two.md" in orphans and "one.md" not in orphans

    window = make_window(sample_folder)
    window.bulk.toggle_backlinks.trigger()
    assert _listed(qtbot, window, two) == []
    assert window.bulk.backlinks.heading.text() == "No entry links to /glossary/two."
    listed = _listed(qtbot, window, one)
    assert [name for name, _ in listed] == ["batna.md", "soft-power.md"]
    assert listed[0][1].endswith("in body") and listed[1][1].endswith("in related.0")
    # the dock and ``backlinks()`` give the same entries
    assert [name for name, _ in listed] == [
        p.name for p, _ in backlinks(sample_folder, one, "/glossary/one", index=index)
    ]

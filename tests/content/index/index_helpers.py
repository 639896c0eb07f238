"""Helpers the index's tests share: a valid entry file, written with chosen values."""

from __future__ import annotations

from pathlib import Path

GOOD = """\
---
_schema: default
id: {id}
date: 2024-11-27
title: >-
    {title}
seo:
  title: {seo_title}
  page_description: >-
    {description}
  page_keywords: >-
    alpha, beta
question: >-
    {title}
answer: >-
    An answer about {word}.\\n\\nA second paragraph.
subject: {subject}
url: /learn/{slug}
---

&nbsp;"""


def write_entry(folder: Path, name: str, **values: object) -> Path:
    slug = name.removesuffix(".md").replace("/", "-")
    defaults: dict[str, object] = {
        "id": 1,
        "title": f"What is {slug}?",
        "seo_title": f"What is {slug} and why it matters | Site",
        "description": f"A description of {slug} " + "long enough to pass the rule. " * 4,
        "word": slug,
        "subject": "Testing",
        "slug": slug,
    }
    defaults.update(values)
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(GOOD.format(**defaults), encoding="utf-8")
    return path

"""The site's own configuration read into the schema model: one fixture per format.

Each ``tests/fixtures/sites/<format>/expected.yaml`` says which fields (kinds, required
marks, options) the site's schemas must have, which SEO mapping is used, and which
findings ``check`` reports there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

import pytest
import yaml

from editor.content import fast_yaml
from editor.content.document import load_entry
from editor.content.errors import ContentError
from editor.content.frontmatter import load_bounded
from editor.content.index import CorpusIndex
from editor.content.schema import Field, SchemaRegistry
from editor.content.seo.config import load_config
from editor.content.site import seo_map

SITES = Path(__file__).resolve().parents[1] / "fixtures" / "sites"


def _rows(fields: tuple[Field, ...]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for f in fields:
        row: list[Any] = [f.path, f.kind]
        if f.required:
            row.append("required")
        if f.options:
            row.append({"options": list(f.options)})
        rows.append(row)
        if f.kind == "group":
            rows.extend(_rows(f.fields))
    return rows


@pytest.mark.parametrize("site", ["cloudcannon", "frontmatter", "decap", "hugo"])
def test_site_fixture_gives_its_form_and_findings(site: str) -> None:
    root = SITES / site
    expected = yaml.safe_load((root / "expected.yaml").read_text(encoding="utf-8"))
    registry = SchemaRegistry.load(root)
    assert registry.site is not None
    assert registry.site.problems == []
    assert registry.site.kind == expected["kind"]
    assert dict(registry.seo_map) == expected["seo"]
    assert registry.site.uploads == expected["uploads"]
    forms = {s.name: _rows(s.fields) for c in registry.site.collections for s in c.schemas.values()}
    assert forms == (expected["forms"] or {})
    index = CorpusIndex(root, registry, load_config(root), cache=False)
    for _ in index.build():
        pass
    found = sorted([f.path, f.rule, f.field] for f in index.findings())
    assert found == expected["findings"]


def test_plain_hugo_site_is_checked_on_its_own_keys_not_a_seo_block() -> None:
    root = SITES / "hugo"
    index = CorpusIndex(root, SchemaRegistry.load(root), load_config(root), cache=False)
    for _ in index.build():
        pass
    fields = {f.field for f in index.findings()}
    assert not any(field.startswith("seo.") for field in fields)
    missing = [f.path for f in index.findings() if f.rule == "description-missing"]
    assert "content/docs/install.md" not in missing  # it has a top-level description


def test_entries_of_a_collection_get_its_schema_and_others_the_builtin(tmp_path: Path) -> None:
    registry = SchemaRegistry.load(SITES / "cloudcannon")
    inside = registry.for_data({"_schema": "default"}, "content/glossary/x.md")
    outside = registry.for_data({"_schema": "default"}, "notes/x.md")
    assert inside.description.startswith("CloudCannon schema")
    assert outside.label == "Q&A article"  # the built-in "default" schema


def test_own_schema_wins_over_the_sites(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / ".cloudcannon" / "schemas").mkdir(parents=True)
    (site / "cloudcannon.config.yml").write_text(
        "collections_config:\n  posts:\n    path: posts\n    schemas:\n"
        "      default: {path: .cloudcannon/schemas/post.md}\n"
    )
    (site / ".cloudcannon" / "schemas" / "post.md").write_text("---\ntitle:\n---\n")
    own = site / ".glossary-editor" / "schemas"
    own.mkdir(parents=True)
    (own / "default.yaml").write_text("name: default\nlabel: Ours\nfields:\n  - {key: title}\n")
    registry = SchemaRegistry.load(site)
    assert registry.for_data({}, "posts/a.md").label == "Ours"


@pytest.mark.parametrize(
    ("files", "where", "words"),
    [
        (
            {"cloudcannon.config.yml": "collections_config:\n  posts: [\n"},
            "cloudcannon.config.yml", "not valid YAML",
        ),
        (
            {"cloudcannon.config.yml": "_inputs:\n  title:\n    type: fancy\n"
             "collections_config:\n  posts:\n    path: posts\n    schemas:\n"
             "      default: {path: .cloudcannon/schemas/post.md}\n",
             ".cloudcannon/schemas/post.md": "---\ntitle:\n---\n"},
            "cloudcannon.config.yml:3", "unknown input type 'fancy'",
        ),
        (
            {"cloudcannon.config.yml": "collections_config:\n  posts:\n    path: posts\n"
             "    schemas:\n      default:\n        path: .cloudcannon/schemas/gone.md\n"},
            "cloudcannon.config.yml:6", "gone.md is missing",
        ),
        ({"frontmatter.json": '{\n  "a": 1,\n  "b": \n}\n'}, "frontmatter.json:4", "not valid"),
        (
            {"admin/config.yml": "collections:\n  - name: t\n    folder: t\n    fields:\n"
             "      - {name: x, widget: sparkle}\n"},
            "admin/config.yml:5", "unknown widget 'sparkle'",
        ),
    ],
)  # fmt: skip
def test_bad_configuration_names_file_and_line_and_still_opens(
    tmp_path: Path, files: dict[str, str], where: str, words: str
) -> None:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    registry = SchemaRegistry.load(tmp_path)  # never raises for a site's configuration
    assert {"glossary", "default"} <= set(registry.names())
    assert registry.site is not None
    messages = [str(p) for p in registry.site.problems]
    assert any(m.startswith(where) and words in m for m in messages), messages


def test_seo_mapping_is_overridden_in_glossary_editor_yaml(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: A\ndescription: d\nsummary: s\n---\n")
    assert dict(SchemaRegistry.load(tmp_path).seo_map)["description"] == "description"
    (tmp_path / "glossary-editor.yaml").write_text("seo:\n  fields:\n    description: summary\n")
    registry = SchemaRegistry.load(tmp_path)
    assert dict(registry.seo_map)["description"] == "summary"
    assert registry.site.seo_sources["description"].startswith("glossary-editor.yaml")


def test_unknown_seo_role_in_settings_is_an_error_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "glossary-editor.yaml").write_text("seo:\n  fields:\n    headline: title\n")
    problems = SchemaRegistry.load(tmp_path).site.problems
    assert [(p.line, "unknown role 'headline'" in p.message) for p in problems] == [(3, True)]


def test_a_key_that_is_both_seo_title_and_heading_is_reported_once(tmp_path: Path) -> None:
    (tmp_path / "hugo.toml").write_text('title = "Docs"\n')
    (tmp_path / "a.md").write_text("---\ndescription: About this.\n---\nText.\n")
    (tmp_path / "b.md").write_text("---\ntitle: B\ndescription: More.\n---\nText.\n")
    index = CorpusIndex(tmp_path, SchemaRegistry.load(tmp_path), load_config(tmp_path), cache=False)
    for _ in index.build():
        pass
    rules = sorted(f.rule for f in index.findings() if f.path == "a.md" and f.field == "title")
    assert rules == ["title-missing"]


def test_new_entry_starts_with_the_site_schemas_defaults(tmp_path: Path) -> None:
    from editor.content.new_entry import create_entry

    registry = SchemaRegistry.load(SITES / "cloudcannon")
    schema = registry.for_data({"_schema": "default"}, "content/glossary/new.md")
    path = create_entry(tmp_path, schema, "Scalar")
    data = load_entry(path).data
    assert data["subject"] == "Mathematics"  # the schema file's default
    assert data["level"] == 3 and data["draft"] is False and data["accent"] == "#336699"
    assert data["title"] == "Scalar"


def test_cloudcannon_structures_and_select_data_become_nested_fields(tmp_path: Path) -> None:
    (tmp_path / ".cloudcannon" / "schemas").mkdir(parents=True)
    (tmp_path / "cloudcannon.config.yml").write_text(
        "_select_data:\n  people: {ann: Ann Lee, bo: Bo Chen}\n"
        "_structures:\n  steps:\n    values:\n      - value: {heading: '', minutes: 0}\n"
        "_inputs:\n  author: {type: select, options: {values: _select_data.people}}\n"
        "  steps: {type: array, options: {structures: _structures.steps}}\n"
        "  minutes: {type: number, options: {min: 1, max: 90}}\n"
        "  summary: {type: textarea, options: {required: true, max_length: 20}}\n"
        "collections_config:\n  recipes:\n    path: recipes\n    schemas:\n"
        "      default: {path: .cloudcannon/schemas/recipe.md}\n"
    )
    (tmp_path / ".cloudcannon" / "schemas" / "recipe.md").write_text(
        "---\ntitle:\nauthor:\nsummary:\nsteps: []\n---\n"
    )
    registry = SchemaRegistry.load(tmp_path)
    schema = registry.for_data({}, "recipes/soup.md")
    author, steps = schema.field("author"), schema.field("steps")
    assert author is not None and author.options == ("ann", "bo")
    assert author.option_labels == ("Ann Lee", "Bo Chen") and author.strict_options
    assert steps is not None and steps.kind == "objects"
    minutes = steps.child("minutes")
    assert minutes is not None and (minutes.kind, minutes.maximum) == ("number", 90)
    data = {"title": "Soup", "author": "cy", "summary": "x" * 25,
            "steps": [{"heading": "Boil", "minutes": 120}]}  # fmt: skip
    from editor.content.validation import validate_entry

    assert [(r, f) for r, f, _ in validate_entry(data, schema)] == [
        ("field-invalid", "author"),
        ("field-invalid", "summary"),
        ("field-invalid", "steps.0.minutes"),
    ]


def test_the_corpus_is_sampled_only_for_roles_nothing_else_maps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: A\nsummary: s\n---\n", encoding="utf-8")
    roles = "".join(f"    {role}: {role}_key\n" for role in seo_map.ROLES)
    (tmp_path / "glossary-editor.yaml").write_text(f"seo:\n  fields:\n{roles}", encoding="utf-8")

    def no_reading(*_: object) -> NoReturn:
        raise AssertionError("a file was sampled")

    monkeypatch.setattr(seo_map, "read_head", no_reading)
    registry = SchemaRegistry.load(tmp_path)
    assert dict(registry.seo_map) == {role: f"{role}_key" for role in seo_map.ROLES}


def test_the_sample_reads_each_file_as_pyyaml_does(shared_dir: Path) -> None:
    """The sample's fast path (yaml-rs) gives what the bounded PyYAML load gives."""
    files = sorted(SITES.rglob("*.md")) + sorted((shared_dir / "real_content").rglob("*.md"))
    files += sorted((shared_dir / "seeds").rglob("*.md"))
    fast = 0
    for path in files:
        head = path.read_bytes()[:16384].decode("utf-8", "replace").removeprefix("\ufeff")
        end = head.find("\n---", 3)
        if not head.startswith("---") or end < 0:
            continue
        try:
            expected = load_bounded(head[3:end], yaml.CSafeLoader)
        except (yaml.YAMLError, ContentError):
            expected = None
        expected = expected if isinstance(expected, dict) else None
        assert seo_map._front(head) == expected, path
        fast += fast_yaml.try_fast(head[3 : end + 1]) is not None
    if fast == 0:
        pytest.skip("no file took the fast path here (no yaml-rs, or no content)")

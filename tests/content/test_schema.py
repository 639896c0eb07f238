"""Schemas: the bundled ones, a folder's overrides, generic schemas and unknown keys."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from editor.content.errors import ContentError
from editor.content.schema import FOLDER_SCHEMAS, SchemaRegistry


def test_bundled_schemas_follow_the_seed_shapes() -> None:
    registry = SchemaRegistry.load()
    assert {"glossary", "default"} <= set(registry.names())
    qa = registry["default"]
    assert qa.key_order()[:8] == [
        "_schema", "id", "date", "title", "article_title", "date_format", "post_on_text", "seo",
    ]  # fmt: skip
    assert qa.field("related_article3.url") is not None
    glossary = registry["glossary"]
    faq = glossary.field("faq")
    assert faq is not None and faq.kind == "objects"
    title, lead = glossary.seo_field("title"), glossary.seo_field("lead")
    assert title is not None and title.path == "seo.title"
    assert lead is not None and lead.path == "definition"


def test_folder_schema_overrides_and_adds(tmp_path: Path) -> None:
    folder = tmp_path / FOLDER_SCHEMAS
    folder.mkdir(parents=True)
    (folder / "glossary.yaml").write_text(
        "name: glossary\nlabel: Our glossary\nfields:\n  - {key: title, kind: line}\n",
        encoding="utf-8",
    )
    (folder / "person.yaml").write_text("name: person\nfields: []\n", encoding="utf-8")
    registry = SchemaRegistry.load(tmp_path)
    assert registry["glossary"].label == "Our glossary"
    assert "person" in registry.names() and "default" in registry.names()


def test_unknown_schema_is_inferred_and_unknown_keys_are_kept() -> None:
    registry = SchemaRegistry.load()
    data = {
        "_schema": "recipe",
        "title": "Bread",
        "serves": 4,
        "baked": dt.date(2024, 1, 2),
        "steps": [{"text": "Knead"}],
        "tags": ["food"],
        "meta": {"source": "x"},
    }
    schema = registry.for_data(data)
    assert schema.generic and schema.name == "recipe"
    kinds = {f.key: f.kind for f in schema.fields}
    assert kinds == {
        "title": "line", "serves": "number", "baked": "date", "steps": "objects",
        "tags": "strings", "meta": "group",
    }  # fmt: skip
    extra = registry["glossary"].extra_fields({"title": "T", "reviewed_by": "Ann"})
    assert [f.key for f in extra] == ["reviewed_by"]


def test_broken_schema_file_names_line_and_column(tmp_path: Path) -> None:
    folder = tmp_path / FOLDER_SCHEMAS
    folder.mkdir(parents=True)
    (folder / "bad.yaml").write_text("name: bad\nfields:\n  - {key: a, label: What?, kind: line}\n")
    with pytest.raises(ContentError) as info:
        SchemaRegistry.load(tmp_path)
    assert info.value.line == 3 and info.value.column is not None
    assert "schema is not valid YAML" in str(info.value)


def test_bundled_schemas_read_with_libyaml_as_with_the_pure_python_parser() -> None:
    """The app's own schema files go through the fast loader: it must give exactly the
    schemas PyYAML's pure-Python parser gives (the proof that makes it safe to use)."""
    from editor.content.schema import BUNDLED_LOADER, parse_schema
    from editor.paths import resources_dir

    paths = sorted((resources_dir() / "schemas").glob("*.yaml"))
    assert paths
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert parse_schema(text, path, BUNDLED_LOADER) == parse_schema(text, path)
    registry = SchemaRegistry.load()
    for path in paths:
        schema = parse_schema(path.read_text(encoding="utf-8"), path)
        assert registry[schema.name].fields == schema.fields


def test_bundled_schemas_use_libyaml_when_pyyaml_has_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """No bundled schema goes through the pure-Python parser (~40 ms of every check)."""
    import yaml

    if not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("PyYAML without libyaml")
    parsed: list[object] = []
    real_init = yaml.SafeLoader.__init__

    def counting_init(self: yaml.SafeLoader, stream: str) -> None:
        parsed.append(stream)
        real_init(self, stream)

    monkeypatch.setattr(yaml.SafeLoader, "__init__", counting_init)
    SchemaRegistry.load()
    assert parsed == []

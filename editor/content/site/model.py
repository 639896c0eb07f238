"""What a site's own configuration says about its content, in the app's terms.

Every reader (CloudCannon, Front Matter CMS, Decap) turns its configuration into the
same :class:`SiteSetup`: schemas (the one schema model the form and ``check`` share),
collections that say which folder uses which schema, the uploads folder, the SEO
mapping, and two lists for the "Site setup" view: problems (a file that cannot be read,
an unknown input type: file, line, what to do) and declarations the app cannot show
yet (kept on save, since the form keeps every value it does not edit).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from editor.content.errors import ContentError
from editor.content.schema_model import Field, FieldKind, Schema


@dataclass(frozen=True)
class Note:
    """Something a configuration declares that the form cannot show or use yet."""

    source: str  # "file:line"
    what: str  # e.g. "input type 'html' of 'body_html'"
    handling: str  # e.g. "shown as Markdown text"


@dataclass
class Collection:
    """A folder of entries and the schemas its files use."""

    name: str
    folder: str  # relative to the site, POSIX separators, no trailing slash ("" = all)
    schemas: dict[str, Schema] = field(default_factory=dict)
    default: str = ""  # the schema a file without ``type_key`` uses
    type_key: str = "_schema"  # the front-matter key that names a file's schema
    source: str = ""

    def contains(self, rel: str) -> bool:
        rel = rel.replace("\\", "/")
        return not self.folder or rel == self.folder or rel.startswith(self.folder + "/")


@dataclass
class SiteSetup:
    """Everything read from one content folder's configuration."""

    root: Path
    kind: str = "none"  # cloudcannon | frontmatter | decap | hugo | jekyll | none
    configs: list[str] = field(default_factory=list)  # files read, relative to the site
    collections: list[Collection] = field(default_factory=list)
    uploads: str = ""  # folder new images/files are copied into, relative to the site
    public_uploads: str = ""  # the URL prefix the site serves that folder under
    static_dirs: tuple[str, ...] = ()  # folders served at the site root (Hugo's static)
    seo_map: tuple[tuple[str, str], ...] = ()  # role -> dotted key
    seo_sources: dict[str, str] = field(default_factory=dict)  # role -> where it came from
    problems: list[ContentError] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    @property
    def schemas(self) -> list[Schema]:
        seen: dict[int, Schema] = {}
        for collection in self.collections:
            for schema in collection.schemas.values():
                seen.setdefault(id(schema), schema)
        return list(seen.values())

    def schema_for(self, rel: str, name: str | None) -> Schema | None:
        """The schema of the file at ``rel``: the deepest collection holding it decides."""
        holding = [c for c in self.collections if c.contains(rel)]
        holding.sort(key=lambda c: len(c.folder), reverse=True)
        for collection in holding:
            if name and collection.type_key == "_schema" and name in collection.schemas:
                return collection.schemas[name]
            if collection.default in collection.schemas:
                return collection.schemas[collection.default]
        return None

    def type_name(self, collection: Collection, data: dict[str, Any]) -> str:
        value = data.get(collection.type_key)
        return value if isinstance(value, str) else collection.default

    def fingerprint_text(self) -> str:
        """Changes whenever findings computed with this setup could differ."""
        parts = [self.kind, self.uploads, self.public_uploads, repr(self.static_dirs)]
        for c in self.collections:
            parts.append(f"{c.name}:{c.folder}:{c.default}:{c.type_key}")
            parts.extend(f"{n}={s.fields!r}:{s.title_key}" for n, s in c.schemas.items())
        return "\n".join(parts)

    def add_error(self, err: ContentError) -> None:
        """Keep a reader's error, its path made relative to the site."""
        if err.path is not None and err.path.is_absolute():
            err.path = Path(self.rel(err.path))
        self.problems.append(err)

    def problem(self, message: str, path: Path, line: int | None = None) -> None:
        self.problems.append(ContentError(message, self.rel(path), line))

    def note(self, path: Path, line: int | None, what: str, handling: str) -> None:
        where = self.rel(path) + (f":{line}" if line else "")
        self.notes.append(Note(where, what, handling))

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


def clean_folder(text: str) -> str:
    """A configured folder as a relative POSIX path without ``./`` or slashes around."""
    parts = [p for p in PurePosixPath(text.replace("\\", "/").strip()).parts if p not in ("/", ".")]
    return "/".join(parts)


def humanise(key: str) -> str:
    return key.replace("_", " ").replace("-", " ").strip().capitalize() or key


def make_field(key: str, parent: str, kind: FieldKind, **attrs: Any) -> Field:
    """A :class:`Field` at ``parent.key`` (``parent`` "" at the top level)."""
    attrs.setdefault("label", humanise(key))
    return Field(key=key, path=f"{parent}.{key}" if parent else key, kind=kind, **attrs)


def reroot(f: Field, parent: str) -> Field:
    """The same field under another parent path (children moved along)."""
    from dataclasses import replace

    path = f"{parent}.{f.key}" if parent else f.key
    child_parent = "" if f.kind == "objects" else path
    return replace(f, path=path, fields=tuple(reroot(c, child_parent) for c in f.fields))

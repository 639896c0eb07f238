"""The byte-preserving writer: patch the front matter's *text*, never re-serialise it.

Why by hand: every YAML library re-emits the whole document (comments and quoting
go, block styles change), and even ruamel.yaml's round-trip mode cannot keep the
seeds' mixed indentation (4 spaces under top-level keys, 2 for ``seo:`` children,
8 for folded text under ``related_article1:``). So the new data is compared with the
old one value by value, and only the text spans of values that changed are replaced.
PyYAML's composer (libyaml's, via CSafeLoader) gives each node's start/end marks,
which locate those spans; the replacement values are written as PyYAML's emitter
writes them, in the style the old value had, and the whole new text is parsed again
and must give exactly the intended data, or nothing is returned.

One job a module, from the entry point down:

- ``update.py`` — :func:`update_text` and the verification of its result
- ``patcher.py`` — one front matter patched: the parts below wired together
- ``block.py`` / ``flow.py`` — edits of block and of flow collections, sharing ``parts.py``
- ``aliases.py`` — alias positions, and edits an anchor forbids
- ``layout.py`` — the file's indentation and styles, learnt and followed by new lines
- ``emit.py`` — a value's new text in the nearest style that reads back
- ``edits.py`` — the collected text edits, applied at once
- ``source.py`` — where keys, entries and values stand in the text
- ``nodes.py`` / ``data.py`` — questions asked of composed nodes and of data values
"""

from __future__ import annotations

from editor.content.writer.data import same_data
from editor.content.writer.update import update_text

__all__ = ["same_data", "update_text"]

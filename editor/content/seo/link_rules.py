"""Corpus rules about links and spellings: ``orphan``, ``link-moved``, ``value-variant``.

* ``orphan`` (off by default; ``seo: {enable: [orphan]}`` in ``glossary-editor.yaml``):
  no other entry links to this one, neither from a related field nor from a Markdown
  link in its text fields.
* ``link-moved``: a link (related field or Markdown) points at no entry, but its last
  segment is the file name of an entry that answers to another URL - the entry moved
  and the link was left behind. The rename module keeps no record of old URLs, so the
  file name is the evidence.
* ``value-variant``: the subject is spelled in more than one way across the corpus
  ("Digital Media" / "Digital media"); the entries holding the less used spellings are
  told the variants and to unify them with Edit › Unify Subject Spellings.

What a link is, for these rules, ``related-broken`` and the window's backlinks alike
(``bulk/links.py``): a related field's URL, or the target of a Markdown link
(``[text](/glossary/x)``) in a text field or the body that is a site path (starts with
one ``/``; in prose a link with a host, ``https://...`` or ``//host/...``, is to another
site, and a relative one is not counted). Every link is compared by :func:`link_key`,
which is ``related-broken``'s :func:`~editor.content.seo.common.url_key`: the path as
written (case kept, without ``#part``, query or trailing slash), so a related link
``https://example.org/glossary/x/`` (the site's own address written out) resolves to
``/glossary/x`` for every rule. The index keeps an entry's Markdown link targets, as
written, in the last column of its facts (:func:`link_targets`, read by
:func:`link_facts`) while a rule reads them (:func:`links_read`): not in the search
text, which the filter box and find/replace match.

:class:`LinkRules` keeps what the rules need and, like ``corpus_rules.CorpusRules``,
re-checks after a save only what the changed entries touch; :class:`WholeCorpusRules`
runs both behind ``CorpusRules``' interface, which is how the index uses them.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import compress, islice
from operator import itemgetter
from typing import Any, NamedTuple

from editor.content.bulk.variants import variant_key as _variant_key
from editor.content.key_path import join_key
from editor.content.schema import Schema
from editor.content.seo.common import FactsRow, FindingRow, url_key
from editor.content.seo.config import SeoConfig
from editor.content.seo.corpus_rules import CorpusRules
from editor.content.seo.rules import seo_facts

__all__ = [
    "LINK_RULES",
    "LinkFacts",
    "LinkRules",
    "SubjectTally",
    "WholeCorpusRules",
    "corpus_link_findings",
    "entry_links",
    "link_facts",
    "link_key",
    "link_targets",
    "links_read",
    "markdown_links",
    "text_links",
]

LINK_RULES = ("orphan", "link-moved", "value-variant")
UNIFY_ACTION = "Edit › Unify Subject Spellings"
# The column of the index's facts (after ``FactsRow``'s own) holding the Markdown links.
_TARGETS = 8
# ](target) or ](<target>), the target up to a space, ) or >
_MARKDOWN_LINK = re.compile(rb"\]\(\s*<?([^)\s>]+)")


# Subjects repeat across a corpus (a few hundred for 50k entries); the key looks at
# every character, so each distinct subject's is worked out once.
variant_key = functools.lru_cache(maxsize=1 << 16)(_variant_key)


class LinkFacts(NamedTuple):
    """What the rules need of one entry (small; made from its index record)."""

    path: str  # relative to the folder, "/" separators
    url: str  # the key of the URL it answers to ("" for none)
    subject: str
    links: tuple[tuple[str, str], ...]  # (field, URL as written): related, then Markdown


def markdown_links(text: bytes) -> list[str]:
    """The targets of the Markdown links in ``text`` (UTF-8) that are site paths, as
    written minus a ``#part``: the links to an entry a text can hold."""
    if b"](" not in text:
        return []
    found: list[str] = []
    for match in _MARKDOWN_LINK.finditer(text):
        target = match.group(1)
        if target[:1] != b"/" or target[1:2] == b"/":  # relative, another site, #part
            continue
        target = target.split(b"#", 1)[0]
        if target:
            found.append(target.decode("utf-8", "replace"))
    return found


def text_links(text: str) -> list[str]:
    """:func:`markdown_links` of a text as written (a field's value, a body)."""
    if "](" not in text:
        return []
    return markdown_links(text.encode("utf-8", "surrogatepass"))


def link_targets(values: Iterable[str], body: str) -> tuple[str, ...]:
    """The Markdown link targets of an entry (:func:`text_links`) in its front matter's
    string ``values``, then its ``body``: what the index keeps of it for the link rules
    (``()``, shared, for the many entries without one)."""
    found = [target for text in values if "](" in text for target in text_links(text)]
    found += text_links(body)
    return tuple(found) if found else ()


def links_read(config: SeoConfig) -> bool:
    """Whether a rule that reads an entry's links is on (``orphan``, ``link-moved``; both
    off by default). Only then does the index keep each entry's Markdown link targets
    (:func:`link_targets`): nothing else reads them, and a change of the settings is a
    new cache (its fingerprint holds them), so an index never lacks the targets it needs.
    """
    return config.enabled("orphan") or config.enabled("link-moved")


def link_key(url: str) -> str:
    """What a link is compared by, for every link rule: ``related-broken``'s
    :func:`~editor.content.seo.common.url_key` (the path, case kept; a related link
    written with the site's address, ``https://example.org/glossary/x/``, is the same
    link as ``/glossary/x``). One function, so ``orphan``, ``link-moved``,
    ``related-broken`` and the backlinks never disagree about where a link points."""
    return url_key(url)


def _strings(value: Any, parts: list[str | int]) -> Iterator[tuple[str, str]]:
    """Every string in ``value`` with its dotted path (``faq.0.answer``)."""
    if isinstance(value, str):
        yield join_key(parts), value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(item, [*parts, str(key)])
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _strings(item, [*parts, n])


def entry_links(
    data: Mapping[str, Any], body: str, schema: Schema, path: str
) -> list[tuple[str, str]]:
    """``(field, URL as written)`` of every link of an entry (``body`` for the body):
    related fields first, then Markdown links field by field, then the body's. The same
    links :class:`LinkRules` counts from the index's record, for a reader that has the
    entry itself (the window's backlinks)."""
    links = list(seo_facts(data, schema, path).related)
    for field, text in _strings(data, []):
        links += [(field, target) for target in text_links(text)]
    links += [("body", target) for target in text_links(body)]
    return links


def link_facts(path: str, subject: str, facts: FactsRow, *, with_links: bool = True) -> LinkFacts:
    """An entry's :class:`LinkFacts` from its index facts: the URL it answers to (its
    :func:`link_key`), its related links and its Markdown link targets (the column the
    index adds after the SEO facts, :func:`link_targets`). Without ``with_links``
    (neither ``orphan`` nor ``link-moved`` is on) the links are left out: nothing reads
    them."""
    if not with_links:
        return LinkFacts(path, facts[3], subject.strip(), ())
    related = facts[4]
    links = [(related[n], related[n + 1]) for n in range(0, len(related), 2)]
    if len(facts) > _TARGETS:
        links += [("markdown", target) for target in facts[_TARGETS]]
    return LinkFacts(path, facts[3], subject.strip(), tuple(links))


def _slug(key: str) -> str:
    return key.rsplit("/", 1)[-1].casefold()


def _stem(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return (name[:-3] if name.endswith(".md") else name).casefold()


class LinkRules:
    """The three rules' findings, kept up to date entry by entry.

    ``build(facts)`` starts over; ``update(removed, added)`` applies a change and gives
    the paths whose findings of these rules may differ now (the changed entries, those
    linking to a URL or slug that came or went, the members of a subject group that
    changed); ``findings_of(path)`` and ``all()`` make the findings when asked.
    """

    def __init__(self, config: SeoConfig, *, variants: bool = True) -> None:
        self.config = config
        self.on = {rule: config.enabled(rule) for rule in LINK_RULES}
        # Without ``variants``, ``value-variant`` is left to a :class:`SubjectTally`.
        self.on["value-variant"] = self.on["value-variant"] and variants
        # The URL and link tables serve ``orphan`` and ``link-moved`` only, the subject
        # groups ``value-variant`` only: a rule that is off costs nothing (with the
        # defaults, keeping the link tables was most of a 50k cold build's last second).
        self.linking = self.on["orphan"] or self.on["link-moved"]
        self.variants = self.on["value-variant"]
        self._reset()

    def _reset(self) -> None:
        # path -> its facts; only its subject while the link tables are off (a LinkFacts
        # each was ~3.6 MB at 50k entries that value-variant never reads): see _entry
        self._facts: dict[str, LinkFacts | str] = {}
        self._found: dict[str, tuple[FindingRow, ...]] = {}  # the entries with findings
        self._known: dict[str, set[str]] = {}  # URL key -> paths answering to it
        self._stems: dict[str, dict[str, int]] = {}  # file name -> its entries' URL keys
        self._by_key: dict[str, set[str]] = {}  # linked URL key -> paths linking it
        self._by_slug: dict[str, set[str]] = {}  # its last segment -> paths linking it
        # variant key -> spelling -> the paths holding it
        self._holders: dict[str, dict[str, set[str]]] = {}

    @property
    def active(self) -> bool:
        return any(self.on.values())

    # -- building and changing

    def build(self, facts: Iterable[LinkFacts]) -> None:
        self._reset()
        if self.active:
            for entry in facts:
                self._add(entry)
            # Without the link rules only the entries holding a less used spelling can
            # have findings.
            self._refresh(self._facts if self.linking else self._all_minorities())

    def update(self, removed: Iterable[str], added: Iterable[LinkFacts]) -> set[str]:
        """Remove, then add or replace; exactly the paths (other than the changed ones,
        which are always given) whose findings of these rules changed."""
        if not self.active:
            return set()
        added = list(added)
        gone = [*removed, *(entry.path for entry in added)]
        olds = [self._entry(path) for path in dict.fromkeys(gone) if path in self._facts]
        keys: set[str] = set()
        slugs: set[str] = set()
        variants: set[str] = set()
        for entry in (*olds, *added):
            keys.add(entry.url)
            slugs.add(_slug(entry.url))
            slugs.add(_stem(entry.path))
            keys.update(link_key(url) for _, url in entry.links)
            if entry.subject:
                variants.add(variant_key(entry.subject))
        own = {entry.path for entry in (*olds, *added)}
        # Only the changed entries' own links, URLs and subjects move, so the entries
        # whose link findings can change are found from the state before the change.
        others = self._affected(keys, slugs) - own
        before = {path: self.findings_of(path) for path in others}
        shown = {variant: self._shown(variant) for variant in variants}
        minority = {variant: self._minority(variant) for variant in variants}
        for entry in olds:
            self._remove(entry)
        for entry in added:
            self._add(entry)
        changed = own | {path for path in others if self.findings_of(path) != before[path]}
        if self.on["value-variant"]:
            for variant, was in shown.items():
                if self._shown(variant) != was:  # every variant message reads differently
                    changed |= minority[variant] | self._minority(variant)
        self._refresh(changed)
        return changed

    def _refresh(self, paths: Iterable[str]) -> None:
        """Keep the findings of ``paths`` (so :meth:`all` makes none)."""
        found = self._found
        for path in paths:
            rows = self.findings_of(path)
            if rows:
                found[path] = rows
            else:
                found.pop(path, None)

    def _affected(self, keys: set[str], slugs: set[str]) -> set[str]:
        """Entries linking to ``keys`` or ``slugs``, or answering to ``keys``."""
        out: set[str] = set()
        for key in keys:
            out |= self._by_key.get(key, set())
            out |= self._known.get(key, set())
        for slug in slugs:
            out |= self._by_slug.get(slug, set())
        return out

    def _ranked(self, variant: str) -> list[tuple[str, int]]:
        spellings = self._holders.get(variant, {})
        return _ranked((s, len(p)) for s, p in spellings.items())

    def _shown(self, variant: str) -> tuple[tuple[str, int], ...]:
        """What the variant messages of a subject group show (nothing for one spelling)."""
        ranked = self._ranked(variant)
        return (*ranked[:4], ("", len(ranked))) if len(ranked) > 1 else ()

    def _all_minorities(self) -> set[str]:
        """Every entry holding a spelling other than its subject group's most used."""
        return set().union(*(self._minority(v) for v in self._holders if len(self._holders[v]) > 1))

    def _minority(self, variant: str) -> set[str]:
        """The entries holding a spelling other than the most used: those with findings."""
        ranked = self._ranked(variant)
        spellings = self._holders.get(variant, {})
        return set().union(*(spellings[s] for s, _ in ranked[1:])) if len(ranked) > 1 else set()

    @staticmethod
    def _targets(entry: LinkFacts) -> set[str]:
        """The URL keys ``entry`` links to, its own left out."""
        if not entry.links:
            return set()
        targets = {link_key(url) for _, url in entry.links}
        targets.discard(entry.url)
        targets.discard("")
        return targets

    def _add(self, entry: LinkFacts) -> None:
        # get-then-create throughout: ``setdefault(key, set())`` makes a set per call,
        # which at 50k entries was a third of a build
        path = entry.path
        if self.linking:
            self._add_links(entry)
        self._facts[path] = entry if self.linking else entry.subject
        if entry.subject and self.variants:
            variant = variant_key(entry.subject)
            spellings = self._holders.get(variant)
            if spellings is None:
                self._holders[variant] = {entry.subject: {path}}
            else:
                _join(spellings, entry.subject, path)

    def _add_links(self, entry: LinkFacts) -> None:
        path = entry.path
        if entry.url:
            _join(self._known, entry.url, path)
            stem = _stem(path)
            urls = self._stems.get(stem)
            if urls is None:
                self._stems[stem] = {entry.url: 1}
            else:
                urls[entry.url] = urls.get(entry.url, 0) + 1
        if entry.links:
            for key in self._targets(entry):
                _join(self._by_key, key, path)
                _join(self._by_slug, _slug(key), path)

    def _remove(self, entry: LinkFacts) -> None:
        del self._facts[entry.path]
        if self.linking:
            self._remove_links(entry)
        if entry.subject and self.variants:
            variant = variant_key(entry.subject)
            spellings = self._holders[variant]
            _discard(spellings, entry.subject, entry.path)
            if not spellings:
                del self._holders[variant]

    def _remove_links(self, entry: LinkFacts) -> None:
        if entry.url:
            _discard(self._known, entry.url, entry.path)
            stem = _stem(entry.path)
            _decrement(self._stems[stem], entry.url)
            if not self._stems[stem]:
                del self._stems[stem]
        for key in self._targets(entry):
            _discard(self._by_key, key, entry.path)
            _discard(self._by_slug, _slug(key), entry.path)

    def _entry(self, path: str) -> LinkFacts:
        """The facts kept of ``path`` (a known one); with the link tables off, its subject
        alone: nothing reads its URL or links then."""
        kept = self._facts[path]
        return LinkFacts(path, "", kept, ()) if isinstance(kept, str) else kept

    # -- reading

    def findings_of(self, path: str) -> tuple[FindingRow, ...]:
        if path not in self._facts or not self.active:
            return ()
        entry = self._entry(path)
        out: list[FindingRow] = []
        severity = self.config.severity
        if self.on["orphan"] and entry.url and not self._by_key.get(entry.url):
            out.append((
                "orphan", severity("orphan"), path, "",
                f"No other entry links to {entry.url}: link to it from a related entry "
                "or the text of one",
                None, None,
            ))  # fmt: skip
        if self.on["link-moved"]:
            out.extend(self._moved_links(entry))
        if self.on["value-variant"] and entry.subject:
            out.extend(self._variant(entry))
        return tuple(out)

    def _moved_links(self, entry: LinkFacts) -> list[FindingRow]:
        out: list[FindingRow] = []
        seen: set[str] = set()
        for field, url in entry.links:
            key = link_key(url)
            if not key or key in self._known or key in seen:
                continue
            seen.add(key)
            moved = sorted(u for u in self._stems.get(_slug(key), ()) if u and u != key)
            if moved:
                out.append((
                    "link-moved", self.config.severity("link-moved"), entry.path, field,
                    f"Link {url} points to no entry, but {_slug(key)}.md answers to "
                    f"{moved[0]}: point the link there",
                    None, None,
                ))  # fmt: skip
        return out

    def _variant(self, entry: LinkFacts) -> list[FindingRow]:
        variant = variant_key(entry.subject)
        if len(self._holders.get(variant, ())) < 2:
            return []
        ranked = self._ranked(variant)
        if ranked[0][0] == entry.subject:
            return []
        return [
            (
                "value-variant", self.config.severity("value-variant"), entry.path, "subject",
                _variant_message(entry.subject, ranked), None, None,
            )
        ]  # fmt: skip

    def all(self) -> list[FindingRow]:
        """Every finding, by path."""
        found = self._found
        return [row for path in sorted(found) for row in found[path]]


def _decrement(counter: dict[str, int], key: str) -> None:
    if counter[key] > 1:
        counter[key] -= 1
    else:
        counter.pop(key, None)


def _join(table: dict[str, set[str]], key: str, path: str) -> None:
    members = table.get(key)
    if members is None:
        table[key] = {path}
    else:
        members.add(path)


def _discard(table: dict[str, set[str]], key: str, path: str) -> None:
    members = table.get(key)
    if members is not None:
        members.discard(path)
        if not members:
            del table[key]


class SubjectTally:
    """``value-variant`` over a whole corpus at once: the subjects counted as they come
    (:meth:`add`, at C speed), then the findings of the less used spellings.

    What :class:`LinkRules` finds for the rule, by plain dict and set work: its tables
    (a set of paths per spelling, kept for updates after saves) cost a cold ``check``
    ~0.1 s of the main process for 50k entries, beside its workers.
    """

    def __init__(self, config: SeoConfig) -> None:
        self.config = config
        self.on = config.enabled("value-variant")
        self.paths: list[str] = []
        self.subjects: list[str] = []
        self.counts: Counter[str] = Counter()

    def add(self, paths: Iterable[str], subjects: Iterable[str]) -> None:
        """The next entries' paths and subjects (as the index keeps them), in path order."""
        if not self.on:
            return
        start = len(self.subjects)
        self.paths += paths
        self.subjects += subjects
        self.counts.update(islice(self.subjects, start, None))

    def findings(self) -> list[FindingRow]:
        """One finding for each entry holding a spelling other than its group's most
        used, with :class:`LinkRules`' message; by path."""
        held: Counter[str] = Counter()  # as LinkFacts holds them: stripped
        for subject, uses in self.counts.items():
            if subject.strip():
                held[subject.strip()] += uses
        groups: dict[str, list[tuple[str, int]]] = {}
        for subject, uses in held.items():
            groups.setdefault(variant_key(subject), []).append((subject, uses))
        messages: dict[str, str] = {}  # a less used spelling -> its entries' message
        for group in groups.values():
            if len(group) < 2:
                continue
            ranked = _ranked(group)
            for subject, _ in ranked[1:]:
                messages[subject] = _variant_message(subject, ranked)
        if not messages:
            return []
        by_subject = {s: messages[s.strip()] for s in self.counts if s.strip() in messages}
        severity = self.config.severity("value-variant")
        hits = list(map(by_subject.__contains__, self.subjects))
        found: list[FindingRow] = [
            ("value-variant", severity, path, "subject", by_subject[subject], None, None)
            for path, subject in zip(
                compress(self.paths, hits), compress(self.subjects, hits), strict=True
            )
        ]
        found.sort(key=itemgetter(2))  # in path order already when added so: a pass
        return found


def _ranked(spellings: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """A subject group's spellings with their uses, most used first (ties by spelling):
    the first is the group's, the others are flagged."""
    return sorted(spellings, key=lambda su: (-su[1], su[0]))


def _variant_message(subject: str, ranked: list[tuple[str, int]]) -> str:
    """The ``value-variant`` message of an entry spelling its subject ``subject``, in a
    group whose spellings and uses are ``ranked`` (most used first)."""
    shown = ", ".join(f'"{s}" ({n})' for s, n in ranked[:4])
    more = f" and {len(ranked) - 4} more" if len(ranked) > 4 else ""
    return (
        f'Subject "{subject}" is spelled several ways: {shown}{more}; '
        f"unify them with {UNIFY_ACTION}"
    )


def link_findings(config: SeoConfig, facts: Iterable[LinkFacts | None]) -> list[FindingRow]:
    """The three rules over every entry at once (None: a file that did not parse)."""
    entries = [f for f in facts if f is not None]
    subjects = SubjectTally(config)
    subjects.add([e.path for e in entries], [e.subject for e in entries])
    return corpus_link_findings(config, entries, subjects)


def corpus_link_findings(
    config: SeoConfig, links: Iterable[LinkFacts], subjects: SubjectTally
) -> list[FindingRow]:
    """``orphan`` and ``link-moved`` over ``links`` (every entry's), and ``value-variant``
    from ``subjects`` (the same entries counted): the findings :class:`LinkRules` gives
    for them, in its order (by path; an entry's link findings before its variant one)."""
    rules = LinkRules(config, variants=False)
    found: list[FindingRow] = []
    if rules.active:
        rules.build(links)
        found = rules.all()
    variants = subjects.findings()
    if not found or not variants:
        return found or variants
    return sorted(found + variants, key=itemgetter(2))  # stable: links first per path


class WholeCorpusRules(CorpusRules):
    """``CorpusRules`` and :class:`LinkRules` behind one interface; ``link_facts_of``
    gives an entry's :class:`LinkFacts` by path (None: not an entry)."""

    def __init__(self, config: SeoConfig, link_facts_of: Callable[[str], LinkFacts | None]) -> None:
        super().__init__(config)
        self.links = LinkRules(config)
        self._link_facts_of = link_facts_of

    def _link_facts(self, paths: Iterable[str]) -> list[LinkFacts]:
        return [f for f in map(self._link_facts_of, paths) if f is not None]

    def build(self, facts: Sequence[FactsRow]) -> None:
        super().build(facts)
        if self.links.active:
            self.links.build(self._link_facts(f[0] for f in facts))

    def update(self, removed: Iterable[str], added: Iterable[FactsRow]) -> set[str]:
        removed, added = list(removed), list(added)
        changed = super().update(removed, added)
        if self.links.active:
            fresh = self._link_facts(f[0] for f in added)
            changed |= self.links.update(removed, fresh)
        return changed

    def findings_of(self, path: str) -> tuple[FindingRow, ...]:
        return super().findings_of(path) + self.links.findings_of(path)

    def all(self) -> list[FindingRow]:
        return super().all() + self.links.all()

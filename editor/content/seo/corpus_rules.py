"""The corpus SEO rules kept up to date entry by entry, for saves in big folders.

:func:`~editor.content.seo.corpus_check.check_corpus_rows` looks at every entry; re-running it
after each save of one entry costs a few hundred milliseconds in a 50,000-entry folder.
:class:`CorpusRules` keeps what the rules need (duplicate groups, the URLs entries
answer to, who links where) and, on a change, looks only at the groups and links the
changed entries belong to. Findings are made when asked for, never stored.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, filterfalse
from operator import itemgetter

from editor.content.gc_pause import gc_paused
from editor.content.seo.common import FactsRow, FindingRow, url_key
from editor.content.seo.config import SeoConfig
from editor.content.seo.corpus_check import (
    BROKEN_LINK_MESSAGE,
    DUPLICATE_RULES,
    duplicate_findings,
    others,
)

__all__ = ["CorpusRules"]

_SLUG = 3  # the column compared casefolded
_BROKEN = "related-broken"


# A value a duplicate rule compares: the URL key (text), or the title's or description's
# digest (``text_digest``).
Value = str | int


def _value(facts: FactsRow, column: int) -> Value:
    value: Value = facts[column]
    return _folded(value) if column == _SLUG and isinstance(value, str) else value


def _folded(value: str) -> str:
    """``value.casefold()``, or ``value`` itself when that is the same text: the rules'
    keys then share the facts' strings (a casefolded copy of every URL key was ~4.6 MB
    at 50k entries)."""
    folded = value.casefold()
    return value if folded == value else folded


# URL key -> the path linking it, or the paths (with repeats) when more link it: a
# list for each of the ~56k URLs one entry links cost ~4 MB at 50k entries.
Linkers = dict[str, str | list[str]]


def _linking(linkers: Linkers, key: str) -> Sequence[str]:
    """The paths linking ``key`` (repeats kept)."""
    owners = linkers.get(key, ())
    return (owners,) if isinstance(owners, str) else owners


def _join(linkers: Linkers, key: str, path: str) -> None:
    """``path`` links ``key`` too: a URL one entry links keeps that path, not a list."""
    owners = linkers.get(key)
    if owners is None:
        linkers[key] = path
    elif isinstance(owners, str):
        linkers[key] = [owners, path]
    else:
        owners.append(path)


class CorpusRules:
    """The findings of the corpus rules (duplicates, broken related links), incremental.

    Contract:

    * ``build(facts)`` starts over from the facts of every entry (``FactsRow`` tuples,
      kept by reference; paths unique and in ``str`` order, as the index keeps them).
      It makes no findings; ``build`` then ``all()`` cost about what one
      :func:`check_corpus_rows` costs.
    * ``update(removed, added)`` applies one change: the paths in ``removed`` leave (an
      unknown path is ignored), then the facts in ``added`` come in (a path already
      present is replaced, so a changed entry may be given in ``added`` alone or in
      both; the last facts of a path win). It returns exactly the paths, present or
      gone, whose corpus findings now differ: changed entries whose own findings
      differ, every other member of a duplicate group whose message changed (messages
      name the first members and count the rest, so a group that grows or shrinks
      changes all of its members), and entries whose related links broke or mended.
      An entry given again with the same facts changes nothing. The cost grows with the
      size of the groups touched, not with the size of the corpus. Ask ``findings_of``
      for each returned path to refresh it.
    * ``findings_of(path)`` gives that entry's findings as ``check_corpus_rows`` would
      over the current facts in path order, in its order: title, description and slug
      duplicates, then broken related links in the entry's link order; ``()`` for none
      or for an unknown path.
    * ``all()`` gives the list ``check_corpus_rows`` would give over the current facts
      in path order: the same findings in the same order.

    Disabled rules are not tracked (the config is fixed for the object's life).
    """

    def __init__(self, config: SeoConfig) -> None:
        self.config = config
        # per duplicate rule, enabled ones only: (index into DUPLICATE_RULES, severity)
        self._rules = [
            (number, config.severity(rule))
            for number, (rule, _, _, _) in enumerate(DUPLICATE_RULES)
            if config.enabled(rule)
        ]
        self._broken_on = config.enabled(_BROKEN)
        self._broken_severity = config.severity(_BROKEN)
        self._facts: dict[str, FactsRow] = {}
        # Per entry of _rules, the entries by value (an empty value is in no group): the
        # one path of a value held once, the sorted paths of a value held more often.
        self._single: list[dict[Value, str]] = [{} for _ in self._rules]
        self._groups: list[dict[Value, list[str]]] = [{} for _ in self._rules]
        self._known: dict[str, int] = {}  # URL key -> how many entries answer to it
        self._linkers: Linkers = {}  # URL key -> path or paths linking it (see Linkers)
        self._broken: set[str] = set()  # URL keys linked and known to no entry

    # -- building

    def build(self, facts: Sequence[FactsRow]) -> None:
        """Start over from every entry's facts (path order).

        The cyclic garbage collector is paused meanwhile, as the index does: the tens of
        thousands of lists made here form no cycle, and each collection they trigger
        would walk them all.
        """
        with gc_paused():
            self._facts = dict(zip(map(itemgetter(0), facts), facts, strict=True))
            self._single, self._groups = [], []
            for number, _ in self._rules:
                single, groups = self._build_groups(facts, number)
                self._single.append(single)
                self._groups.append(groups)
            self._known = {}
            self._linkers = {}
            self._broken = set()
            if self._broken_on:
                self._build_links(facts)

    @staticmethod
    def _build_groups(
        facts: Sequence[FactsRow], number: int
    ) -> tuple[dict[Value, str], dict[Value, list[str]]]:
        # A plain loop: measured faster here than counting and grouping in C passes,
        # which each walk (and allocate) a list as long as the corpus.
        column = DUPLICATE_RULES[number][1]
        single: dict[Value, str] = {}
        groups: dict[Value, list[str]] = {}
        single_get, groups_get = single.get, groups.get
        for facts_row in facts:
            value = facts_row[column]
            if not value:
                continue
            if column == _SLUG:
                value = _folded(value)
            path = facts_row[0]
            other = single_get(value)
            if other is not None:
                groups[value] = [other, path]
                del single[value]
                continue
            group = groups_get(value)
            if group is None:
                single[value] = path
            else:
                group.append(path)
        return single, groups

    def _build_links(self, facts: Sequence[FactsRow]) -> None:
        keys = list(map(itemgetter(3), facts))
        known = dict.fromkeys(keys, 1)
        if len(known) < len(keys):
            known = dict(Counter(keys))
        known.pop("", None)
        self._known = known
        linkers = self._linkers
        key_of: dict[str, str] = {}  # each distinct URL's key made once
        key_get = key_of.get
        for facts_row in facts:
            links = facts_row[4]
            if not links:
                continue
            path = facts_row[0]
            for url in links[1::2]:
                key = key_get(url)
                if key is None:
                    key = key_of[url] = url_key(url)
                _join(linkers, key, path)
        self._broken = set(filterfalse(known.__contains__, linkers))

    # -- changing

    def update(self, removed: Iterable[str], added: Iterable[FactsRow]) -> set[str]:
        """Apply removals, then additions or replacements; the paths whose findings
        changed (see the class docstring)."""
        before: dict[str, FactsRow | None] = {}
        after: dict[str, FactsRow | None] = {}
        for path in removed:
            before.setdefault(path, self._facts.get(path))
            after[path] = None
        for facts in added:
            path = facts[0]
            before.setdefault(path, self._facts.get(path))
            after[path] = facts
        touched = {path for path, facts in after.items() if facts != before[path]}
        if not touched:
            return set()

        # what the changed entries had, and the groups and URL keys they leave or join
        old_findings = {path: self.findings_of(path) for path in touched}
        groups_before: list[dict[Value, list[str]]] = [{} for _ in self._rules]
        keys: set[str] = set()
        for path in touched:
            for row in (before[path], after[path]):
                if row is None:
                    continue
                for slot, (number, _) in enumerate(self._rules):
                    value = _value(row, DUPLICATE_RULES[number][1])
                    if value and value not in groups_before[slot]:
                        groups_before[slot][value] = self._members(slot, value)
                if self._broken_on and row[3]:
                    keys.add(row[3])
        known = self._known
        known_before = {key: key in known for key in keys}

        for path in touched:
            old = before[path]
            if old is not None:
                self._remove(old)
        for path in touched:
            new = after[path]
            if new is not None:
                self._add(new)

        changed = {path for path in touched if self.findings_of(path) != old_findings[path]}
        for slot, values in enumerate(groups_before):
            for value, old_members in values.items():
                members = self._members(slot, value)
                changed |= _changed_members(old_members, members, touched)
        for key, was_known in known_before.items():
            if (key in known) != was_known:
                changed.update(p for p in _linking(self._linkers, key) if p not in touched)
        return changed

    def _members(self, slot: int, value: Value) -> list[str]:
        """The paths holding ``value`` for rule ``slot``, as a new list."""
        group = self._groups[slot].get(value)
        if group is not None:
            return list(group)
        path = self._single[slot].get(value)
        return [] if path is None else [path]

    def _values_of(
        self, facts: FactsRow
    ) -> Iterator[tuple[Value, dict[Value, str], dict[Value, list[str]]]]:
        """Per enabled duplicate rule the entry has a value for: the value, and that
        rule's values held by one path and its groups."""
        for slot, (number, _) in enumerate(self._rules):
            value = _value(facts, DUPLICATE_RULES[number][1])
            if value:
                yield value, self._single[slot], self._groups[slot]

    def _remove(self, facts: FactsRow) -> None:
        path = facts[0]
        del self._facts[path]
        for value, single, groups in self._values_of(facts):
            group = groups.get(value)
            if group is None:
                del single[value]
                continue
            del group[bisect_left(group, path)]
            if len(group) == 1:
                single[value] = group[0]
                del groups[value]
        if self._broken_on:
            known, linkers = self._known, self._linkers
            key = facts[3]
            if key:
                if known[key] > 1:
                    known[key] -= 1
                else:
                    del known[key]
                    if key in linkers:
                        self._broken.add(key)
            for url in facts[4][1::2]:
                link_key = url_key(url)
                owners = linkers[link_key]
                if isinstance(owners, list):
                    owners.remove(path)
                    if len(owners) == 1:
                        linkers[link_key] = owners[0]
                else:  # the one path linking it
                    del linkers[link_key]
                    self._broken.discard(link_key)

    def _add(self, facts: FactsRow) -> None:
        path = facts[0]
        self._facts[path] = facts
        for value, single, groups in self._values_of(facts):
            group = groups.get(value)
            if group is not None:
                insort(group, path)
                continue
            other = single.pop(value, None)
            if other is None:
                single[value] = path
            else:
                groups[value] = [other, path] if other < path else [path, other]
        if self._broken_on:
            known, linkers = self._known, self._linkers
            key = facts[3]
            if key:
                known[key] = known.get(key, 0) + 1
                self._broken.discard(key)
            for url in facts[4][1::2]:
                link_key = url_key(url)
                _join(linkers, link_key, path)
                if link_key not in known:
                    self._broken.add(link_key)

    # -- reading

    def findings_of(self, path: str) -> tuple[FindingRow, ...]:
        """One entry's corpus findings, in ``check_corpus_rows``' order."""
        facts = self._facts.get(path)
        if facts is None:
            return ()
        out: list[FindingRow] = []
        for slot, (number, severity) in enumerate(self._rules):
            rule, column, field_column, template = DUPLICATE_RULES[number]
            value = _value(facts, column)
            members = self._groups[slot].get(value) if value else None
            if members is not None:
                message = template.format(others=others(members, path), url=facts[3])
                out.append((rule, severity, path, facts[field_column], message, None, None))
        if self._broken_on and facts[4]:
            out.extend(self._broken_links(facts))
        return tuple(out)

    def _broken_links(self, facts: FactsRow) -> list[FindingRow]:
        known = self._known
        links = facts[4]
        severity = self._broken_severity
        return [
            (_BROKEN, severity, facts[0], links[n], BROKEN_LINK_MESSAGE.format(url=links[n + 1]),
             None, None)
            for n in range(0, len(links), 2)
            if url_key(links[n + 1]) not in known
        ]  # fmt: skip

    def all(self) -> list[FindingRow]:
        """Every finding, as ``check_corpus_rows`` lists them over the facts in path
        order: each rule's groups by their first path, then broken links by path.

        The duplicates' findings are made by the code that makes ``check_corpus_rows``'
        (``duplicate_findings``), so the two cannot drift apart.
        """
        out: list[FindingRow] = []
        facts_of = self._facts.__getitem__
        with gc_paused():  # tens of thousands of tuples, no cycle
            for slot, (number, severity) in enumerate(self._rules):
                rule, _, field_column, template = DUPLICATE_RULES[number]
                groups = sorted(self._groups[slot].values(), key=itemgetter(0))
                duplicate_findings(
                    out,
                    (list(map(facts_of, members)) for members in groups),
                    rule,
                    severity,
                    field_column,
                    template,
                )
            if self._broken_on:
                linkers = self._linkers
                linking = (_linking(linkers, key) for key in self._broken)
                paths = sorted(set(chain.from_iterable(linking)))
                for path in paths:
                    out.extend(self._broken_links(facts_of(path)))
        return out

    def __len__(self) -> int:
        return len(self._facts)


def _changed_members(before: list[str], after: list[str], touched: set[str]) -> set[str]:
    """Members of one duplicate group (other than the changed entries, decided apart)
    whose finding for its rule changed when the group went from ``before`` to ``after``.

    A member's message depends only on the group's first three paths and its size, so
    the first three (before and after) are compared one by one, and the rest, which all
    show the same two paths and count, together.
    """
    if before == after:
        return set()
    out: set[str] = set()
    heads = set(before[:3]) | set(after[:3])
    for path in heads - touched:
        if _finding_message(before, path) != _finding_message(after, path):
            out.add(path)
    # "\0" is in no path, so it stands for any member beyond the first three
    if len(before) > 3 and len(after) > 3 and others(before, "\0") != others(after, "\0"):
        out |= set(after[3:]) - heads - touched
    return out


def _finding_message(members: list[str], path: str) -> str | None:
    """What a member's message shows of its group (None: no finding, a group of one)."""
    return others(members, path) if len(members) > 1 else None

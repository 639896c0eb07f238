"""The corpus SEO rules: what no entry shows alone (duplicate titles, descriptions and
URLs; related links to no entry), over the facts every entry gives (``FactsRow``).

A rule comparing one facts column across entries is a row of :data:`DUPLICATE_RULES`
(its name also goes in ``config.RULE_NAMES``); :class:`CorpusTally` runs them all for a
whole folder, and ``corpus_rules.CorpusRules`` keeps the same findings up to date entry
by entry, through :func:`duplicate_findings` and :func:`others`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import chain, compress, repeat
from operator import itemgetter

from editor.content.seo.common import FactsRow, Finding, FindingRow, SeoFacts, url_key
from editor.content.seo.config import SeoConfig

__all__ = [
    "BROKEN_LINK_MESSAGE",
    "DUPLICATE_RULES",
    "CorpusTally",
    "check_corpus",
    "check_corpus_rows",
    "duplicate_findings",
    "others",
]


def others(paths: list[str], own: str) -> str:
    """Up to two other paths of a group, and how many more: O(1) per entry."""
    shown = [p for p in paths[:3] if p != own][:2]
    more = len(paths) - 1 - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def check_corpus(records: Iterable[SeoFacts], config: SeoConfig) -> list[Finding]:
    """Duplicate titles, descriptions and URLs, and related links to no entry."""
    rows = [
        (f.path, f.title, f.description, f.url, tuple(chain.from_iterable(f.related)),
         f.title_field, f.description_field, f.url_field)
        for f in records
    ]  # fmt: skip
    return [Finding(*row) for row in check_corpus_rows(rows, config)]


# The corpus rules' duplicates: (rule, facts column compared, facts column naming the
# field, message); the URL column is compared casefolded. Shared with CorpusRules.
DUPLICATE_RULES: tuple[tuple[str, int, int, str], ...] = (
    ("title-duplicate", 1, 5, "SEO title is also used by {others}: make each title unique"),
    ("description-duplicate", 2, 6,
     "Page description is also used by {others}: write one for this page"),
    ("slug-duplicate", 3, 7, "URL {url} is also used by {others}: each entry needs its own URL"),
)  # fmt: skip
BROKEN_LINK_MESSAGE = (
    "Related link {url} points to no entry in this folder: fix the URL or remove the link"
)


# The ASCII characters of a plain site path (no space, query or fragment mark), and the
# line break that joins paths for :func:`_own_keys`.
_PATH_ASCII = bytes(c for c in range(0x21, 0x7F) if c not in b"?#") + b"\n"


def _own_keys(urls: set[str]) -> bool:
    """True when every URL is its own ``url_key``: a plain site path (``/a/b``: one
    leading slash, no query, fragment, space or unprintable character, no trailing
    slash but for ``/`` itself). Tested on all of them at once, in C passes."""
    if "/" in urls:
        urls = urls - {"/"}
    if not urls:
        return True
    text = "\n".join(urls)
    if text.isascii():
        plain = not text.encode("ascii").translate(None, _PATH_ASCII)
    else:
        plain = (
            "?" not in text
            and "#" not in text
            and " " not in text
            and text.replace("\n", "").isprintable()
        )
    return (
        plain
        and text.count("\n") == len(urls) - 1  # no URL holds a line break of its own
        and text.startswith("/")
        and text.count("\n/") == len(urls) - 1
        and not text.startswith("//")
        and "\n//" not in text
        and not text.endswith("/")
        and "/\n" not in text
    )


def _broken_urls(linked: set[str], known: set[str]) -> set[str]:
    """``{url for url in linked if url_key(url) not in known}``, the usual case in C.

    Sites write links as the plain paths the entries answer to, so most linked URLs are
    keys as written; those need no key of their own worked out when they are all plain
    paths (:func:`_own_keys`). Only the rest go one by one.
    """
    literal = linked & known
    broken = {url for url in linked - literal if url_key(url) not in known}
    if not _own_keys(literal):
        broken.update(url for url in literal if url_key(url) not in known)
    return broken


def check_corpus_rows(facts: Sequence[FactsRow], config: SeoConfig) -> list[FindingRow]:
    """:func:`check_corpus` over facts as tuples (``SeoFacts`` field order), giving tuples.

    Linear in the number of entries, however large a duplicate group (the real site has
    thousands of Q&A pages titled ``QuickTakes | <Subject>``).
    """
    tally = CorpusTally(config)
    tally.add(facts)
    return tally.findings()


class CorpusTally:
    """:func:`check_corpus_rows` in two halves: the facts are counted as they come, in
    chunks (an index's cold build counts each chunk while its workers parse the next
    ones), then :meth:`findings` groups the repeated values and makes the findings.

    Values are counted at C speed (``Counter``, ``map``); only the facts whose value
    occurs more than once are then grouped, in the order of the values' first appearance.
    """

    def __init__(self, config: SeoConfig) -> None:
        self.config = config
        self.facts: list[FactsRow] = []
        # per duplicate rule: (rule, field column, message) and whether it is enabled
        self._rules = [(rule, field, template) for rule, _, field, template in DUPLICATE_RULES]
        self._columns = [
            (slot, column)
            for slot, (rule, column, _, _) in enumerate(DUPLICATE_RULES)
            if config.enabled(rule)
        ]
        self._values: list[list[str | int]] = [[] for _ in DUPLICATE_RULES]  # int: a digest
        self._counts: list[Counter[str | int]] = [Counter() for _ in DUPLICATE_RULES]
        self._links_on = config.enabled("related-broken")
        self._known: set[str] = set()  # the URL keys entries answer to
        self._linked: set[str] = set()  # the related URLs, as written

    def add(self, facts: Iterable[FactsRow | None]) -> None:
        """Count the next facts (in path order; None, for a file that did not parse, is
        passed over)."""
        chunk = [row for row in facts if row is not None]
        self.facts += chunk
        for slot, column in self._columns:
            values = list(map(itemgetter(column), chunk))
            if column == 3:
                values = list(map(str.casefold, values))
            self._values[slot] += values
            self._counts[slot].update(values)
        if self._links_on:
            self._known.update(map(itemgetter(3), chunk))
            links_of = map(itemgetter(4), chunk)
            self._linked.update(chain.from_iterable(links[1::2] for links in links_of if links))

    def findings(self) -> list[FindingRow]:
        """The corpus findings of every fact counted, as :func:`check_corpus_rows`."""
        config, facts = self.config, self.facts
        out: list[FindingRow] = []
        for slot, _ in self._columns:
            values, counts = self._values[slot], self._counts[slot]
            counts.pop("", None)  # an empty value is in no group (as text or digest)
            counts.pop(0, None)
            repeated = {value for value, count in counts.items() if count > 1}
            if not repeated:
                continue
            groups: dict[str | int, list[FactsRow]] = {}
            for value, fact in compress(
                zip(values, facts, strict=True), map(repeated.__contains__, values)
            ):
                group = groups.get(value)
                if group is None:
                    groups[value] = [fact]
                else:
                    group.append(fact)
            rule, field_column, template = self._rules[slot]
            duplicate_findings(
                out, groups.values(), rule, config.severity(rule), field_column, template
            )

        if self._links_on:
            known = self._known
            known.discard("")
            broken = _broken_urls(self._linked, known)
            if broken:
                _broken_link_findings(out, facts, broken, config.severity("related-broken"))
        return out


def duplicate_findings(  # noqa: PLR0917 - one rule's parts
    out: list[FindingRow],
    groups: Iterable[list[FactsRow]],
    rule: str,
    severity: str,
    field_column: int,
    template: str,
) -> None:
    """One duplicate rule's findings, group by group (the facts of each group's members
    in path order); shared by :class:`CorpusTally` and ``CorpusRules.all``."""
    own_url = "{url}" in template
    for group in groups:
        paths = list(map(itemgetter(0), group))
        for fact in group[:3]:
            message = template.format(others=others(paths, fact[0]), url=fact[3])
            out.append((rule, severity, fact[0], fact[field_column], message, None, None))
        if len(group) <= 3:
            continue
        # Members past the first three all name the same others: one message serves
        # them all where it quotes no URL of their own (the slug rule's does).
        rest = group[3:]
        shared = others(paths, paths[3])
        messages: Iterable[str] = (
            [template.format(others=shared, url=url) for url in map(itemgetter(3), rest)]
            if own_url
            else repeat(template.format(others=shared))
        )
        out.extend(
            zip(
                repeat(rule), repeat(severity), paths[3:],
                map(itemgetter(field_column), rest), messages, repeat(None), repeat(None),
            )
        )  # fmt: skip


def _broken_link_findings(
    out: list[FindingRow], facts: Sequence[FactsRow], broken: set[str], severity: str
) -> None:
    for fact in facts:
        links = fact[4]
        if not links or broken.isdisjoint(links):
            continue
        for n in range(0, len(links), 2):
            url = links[n + 1]
            if url in broken:
                message = BROKEN_LINK_MESSAGE.format(url=url)
                out.append(("related-broken", severity, fact[0], links[n], message, None, None))
